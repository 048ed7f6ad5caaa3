import { assertKnownKeys, describe, fail as failOption } from './options.js';

/** Options of {@link notificationUrl}. */
export interface NotificationUrlOptions {
  /**
   * Which format Mercado Pago sends to this URL. Without it, a payment, preference or order that carries
   * `notification_url` is notified twice, as a Webhook and as an IPN; `'webhooks'` stops the IPN copy.
   */
  sourceNews?: 'webhooks' | 'ipn' | undefined;
  /** Tells sellers apart on one URL: added as `client=<seller>` and kept on `event.delivery.query.client`. */
  seller?: string | undefined;
}

const OPTION_NAMES = ['sourceNews', 'seller'];
const SOURCE_NEWS = ['webhooks', 'ipn'];
/** Parameters Mercado Pago appends itself: a base that carries one makes every delivery ambiguous (400). */
const APPENDED_BY_MERCADO_PAGO = ['data.id', 'type', 'id', 'topic'];

function fail(rule: string): never {
  failOption(`notificationUrl: ${rule}`);
}

function parseBase(base: unknown): URL {
  const text = base instanceof URL ? base.href : base;
  const url = typeof text === 'string' && URL.canParse(text) ? new URL(text) : undefined;
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    fail(
      `\`base\` must be an absolute http(s) URL such as https://shop.example.com/mercadopago/webhooks, got ${describe(base)}`,
    );
  }
  if (url.hash !== '')
    fail('`base` must not have a #fragment: Mercado Pago appends its parameters to the URL');
  for (const key of APPENDED_BY_MERCADO_PAGO) {
    if (url.searchParams.has(key)) {
      fail(
        `\`base\` must not carry \`${key}\`: Mercado Pago appends it to every delivery, and the router refuses a repeated \`${key}\``,
      );
    }
  }
  return url;
}

function normalizeOptions(options: unknown): Readonly<NotificationUrlOptions> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null)
    fail(`options must be an object, got ${describe(options)}`);
  assertKnownKeys(options, OPTION_NAMES, '');
  const { sourceNews, seller } = options as Record<string, unknown>;
  if (sourceNews !== undefined && !(typeof sourceNews === 'string' && SOURCE_NEWS.includes(sourceNews))) {
    const got =
      typeof sourceNews === 'string' ? JSON.stringify(sourceNews.slice(0, 20)) : describe(sourceNews);
    fail(`\`sourceNews\` must be 'webhooks' or 'ipn', got ${got}`);
  }
  if (
    seller !== undefined &&
    (typeof seller !== 'string' || seller.trim() === '' || seller.trim() !== seller)
  ) {
    fail(`\`seller\` must be a non-empty string without surrounding whitespace, got ${describe(seller)}`);
  }
  return {
    sourceNews: sourceNews as NotificationUrlOptions['sourceNews'],
    seller: seller as string | undefined,
  };
}

/**
 * Builds the `notification_url` to put on a payment, preference or order: `base` with its own path and query
 * kept, plus `source_news` and `client` when asked. Throws a TypeError for a base that is not an absolute http(s)
 * URL, has a fragment, or already carries a parameter this function or Mercado Pago would add.
 *
 * @example
 * notificationUrl('https://shop.example.com/mercadopago/webhooks', { sourceNews: 'webhooks', seller: 'seller-42' })
 * // 'https://shop.example.com/mercadopago/webhooks?source_news=webhooks&client=seller-42'
 */
export function notificationUrl(base: string | URL, options?: Readonly<NotificationUrlOptions>): string {
  const url = parseBase(base);
  const { sourceNews, seller } = normalizeOptions(options);
  const added = new URLSearchParams();
  if (sourceNews !== undefined) added.set('source_news', sourceNews);
  if (seller !== undefined) added.set('client', seller);
  for (const key of added.keys()) {
    if (url.searchParams.has(key))
      fail(`\`base\` already carries \`${key}\`: give it either in \`base\` or as an option`);
  }
  // Appended as text: re-serializing the base's own query could change how its values are encoded.
  const own = url.search.slice(1).replace(/&+$/, '');
  const extra = added.toString();
  url.search = [own, extra].filter((part) => part !== '').join('&');
  return url.href;
}
