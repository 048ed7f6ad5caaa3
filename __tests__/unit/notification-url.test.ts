import { notificationUrl, type NotificationUrlOptions } from '../../src/index.js';
import { parseDelivery } from '../../src/delivery.js';

const BASE = 'https://shop.example.com/mercadopago/webhooks';

describe('notificationUrl builds the notification_url', () => {
  it.each<[string, string | URL, NotificationUrlOptions | undefined, string]>([
    ['returns the base unchanged without options', BASE, undefined, BASE],
    ['returns the base unchanged with empty options', BASE, {}, BASE],
    ['adds source_news=webhooks', BASE, { sourceNews: 'webhooks' }, `${BASE}?source_news=webhooks`],
    ['adds source_news=ipn', BASE, { sourceNews: 'ipn' }, `${BASE}?source_news=ipn`],
    ['adds client=<seller>', BASE, { seller: 'seller-42' }, `${BASE}?client=seller-42`],
    [
      'adds both, source_news first',
      BASE,
      { sourceNews: 'webhooks', seller: 'seller-42' },
      `${BASE}?source_news=webhooks&client=seller-42`,
    ],
    [
      "keeps the base's own query as written and appends after it",
      `${BASE}?shop=a%20b&lang=es`,
      { sourceNews: 'webhooks' },
      `${BASE}?shop=a%20b&lang=es&source_news=webhooks`,
    ],
    ['drops a trailing & of the base query', `${BASE}?shop=1&`, { seller: 's' }, `${BASE}?shop=1&client=s`],
    ['drops an empty ? of the base', `${BASE}?`, { sourceNews: 'ipn' }, `${BASE}?source_news=ipn`],
    [
      'keeps a port and a nested path',
      'http://127.0.0.1:3000/a/b/mp/ipn',
      { sourceNews: 'ipn' },
      'http://127.0.0.1:3000/a/b/mp/ipn?source_news=ipn',
    ],
    ['accepts a URL object', new URL(BASE), { seller: 'x' }, `${BASE}?client=x`],
    [
      'encodes a seller with reserved characters',
      BASE,
      { seller: 'tienda & café/1' },
      `${BASE}?client=tienda+%26+caf%C3%A9%2F1`,
    ],
  ])('%s', (_title, base, options, expected) => {
    expect(notificationUrl(base, options)).toBe(expected);
  });

  it('does not change the URL object it is given', () => {
    const base = new URL(BASE);
    notificationUrl(base, { sourceNews: 'webhooks' });
    expect(base.href).toBe(BASE);
  });

  it('gives a URL whose deliveries the router parses, with client and source_news on the query', () => {
    const url = new URL(notificationUrl(BASE, { sourceNews: 'webhooks', seller: 'seller-42' }));
    // Mercado Pago appends its own parameters after the ones the URL carries (reference 1.1).
    const delivery = parseDelivery({
      url: `${url.pathname}${url.search}&data.id=138095816241&type=payment`,
      headers: {},
      body: undefined,
      receivedAt: new Date(0),
    });
    expect(delivery).toMatchObject({ channel: 'webhook', topic: 'payment', resourceId: '138095816241' });
    expect(delivery.query).toEqual({
      source_news: 'webhooks',
      client: 'seller-42',
      'data.id': '138095816241',
      type: 'payment',
    });
  });
});

describe('notificationUrl refuses bad input with a TypeError', () => {
  it.each<[string, unknown, unknown, RegExp]>([
    ['the base is not a URL', 'shop.example.com/mp', undefined, /`base` must be an absolute http\(s\) URL/],
    ['the base is relative', '/mercadopago/webhooks', undefined, /`base` must be an absolute http\(s\) URL/],
    ['the base is empty', '', undefined, /got an empty string/],
    ['the base is not a string', 42, undefined, /got number 42/],
    ['the base is undefined', undefined, undefined, /got undefined/],
    ['the base is ftp', 'ftp://shop.example.com/mp', undefined, /absolute http\(s\) URL/],
    ['the base has a fragment', `${BASE}#x`, undefined, /#fragment/],
    ['the base carries data.id', `${BASE}?data.id=1`, undefined, /must not carry `data\.id`/],
    ['the base carries type', `${BASE}?type=payment`, undefined, /must not carry `type`/],
    ['the base carries id', `${BASE}?id=1`, undefined, /must not carry `id`/],
    ['the base carries topic', `${BASE}?topic=payment`, undefined, /must not carry `topic`/],
    [
      'the base already carries source_news',
      `${BASE}?source_news=ipn`,
      { sourceNews: 'webhooks' },
      /already carries `source_news`/,
    ],
    ['the base already carries client', `${BASE}?client=a`, { seller: 'b' }, /already carries `client`/],
    ['options is not an object', BASE, 'webhooks', /options must be an object/],
    ['options is null', BASE, null, /options must be an object, got null/],
    ['an option name is misspelled', BASE, { sorceNews: 'ipn' }, /did you mean `sourceNews`/],
    ['an option name is unknown', BASE, { client: 'x' }, /unknown option `client`/],
    [
      'sourceNews is webhook (singular)',
      BASE,
      { sourceNews: 'webhook' },
      /'webhooks' or 'ipn', got "webhook"/,
    ],
    ['sourceNews is upper-case', BASE, { sourceNews: 'IPN' }, /'webhooks' or 'ipn', got "IPN"/],
    ['sourceNews is a boolean', BASE, { sourceNews: true }, /'webhooks' or 'ipn', got boolean true/],
    ['seller is empty', BASE, { seller: '' }, /`seller` must be a non-empty string/],
    ['seller is blank', BASE, { seller: '   ' }, /`seller` must be a non-empty string/],
    ['seller has surrounding whitespace', BASE, { seller: ' s1 ' }, /without surrounding whitespace/],
    ['seller is a number', BASE, { seller: 42 }, /`seller` must be a non-empty string.*got number 42/],
  ])('throws when %s', (_title, base, options, message) => {
    const call = () => notificationUrl(base as string, options as NotificationUrlOptions);
    expect(call).toThrow(TypeError);
    expect(call).toThrow(/^\[mercadopago-notifications\] /);
    expect(call).toThrow(message);
  });

  it('does not echo a base URL that may carry credentials', () => {
    const base = 'https://user:hunter2@/path';
    expect(() => notificationUrl(base)).toThrow(TypeError);
    expect(() => notificationUrl(base)).not.toThrow(/hunter2/);
  });
});
