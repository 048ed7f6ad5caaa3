// The delivery inspector in a real browser: Debian's chromium (/usr/bin/chromium, or CHROMIUM_PATH; `.ci/run`
// installs it when it is missing) driven by playwright-core, against a real Express app on 127.0.0.1 and the
// real fake API. Deliveries come from the CLI's `trigger` command (a real process, as a developer sends them) and
// from its trigger code. Without chromium the suite is skipped with one warning, unless REQUIRE_BROWSER=1 (CI).
// Screenshots of each width and theme are left in test-artifacts/inspector/ (git-ignored) for a look.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { mercadoPagoNotifications } from '../../src/index.js';
import { STATE_CLASSES } from '../../src/inspector/page-style.js';
import { triggerEvent } from '../../src/testing/trigger.js';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { runCliProcess, type CliRun } from '../helpers/cli.js';
import { signedWebhook, urlOf, type OutgoingDelivery } from '../helpers/deliveries.js';
import { TOKEN, storePayment, useFakeApi } from '../helpers/fake-api.js';
import { FIXTURE_SECRET } from '../helpers/fixtures.js';
import { listen, type RunningApp } from '../helpers/inspector.js';
import { describeWith } from '../helpers/requirements.js';

/** Launching chromium on a loaded machine can take a while. */
const BROWSER_START_MS = 60_000;
/** How long a locator waits for the page to show what the stream sent. */
const SHOWS_WITHIN_MS = 20_000;
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts', 'inspector');
/** WCAG 2.1 AA: 4.5:1 for text, 3:1 for large text (24 px, or 18.66 px bold). */
const AA_TEXT = 4.5;
const AA_LARGE_TEXT = 3;
/** A topic nobody types, as long as the inspector keeps one (300 characters). */
const ABSURD_TOPIC = `topic_${'very_long_'.repeat(29)}wh`.slice(0, 300);

jest.setTimeout(120_000);

describeWith([CHROMIUM], 'delivery inspector in chromium', () => {
  const api = useFakeApi();
  let browser: Browser;
  let running: RunningApp;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  }, BROWSER_START_MS);

  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    const app = express();
    const mp = mercadoPagoNotifications({
      secret: FIXTURE_SECRET,
      accessToken: TOKEN,
      apiBaseUrl: api.url,
      inspector: true,
    });
    mp.on('claim.opened', () => {
      throw new Error('the warehouse is down');
    });
    mp.onError(() => undefined);
    app.use('/mp', mp);
    running = await listen(app);
    page = await browser.newPage();
    pageErrors.length = 0;
    // A CSP violation or a script error shows up here.
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${running.url}/mp/_inspector`);
    await page.locator('#status', { hasText: 'live' }).waitFor({ timeout: SHOWS_WITHIN_MS });
  });

  afterEach(async () => {
    await page.close();
    await running.close();
  });

  async function post(delivery: OutgoingDelivery): Promise<number> {
    const res = await fetch(`${running.url}${urlOf(delivery)}`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.body,
    });
    return res.status;
  }

  /** `mercadopago-notifications trigger <event>` for resource `id`, signed with `secret`, at the app under test. */
  function cliTrigger(event: string, id: string, secret: string, ...extra: string[]): Promise<CliRun> {
    const target = ['--url', `${running.url}/mp/webhooks`, '--api-url', api.url];
    return runCliProcess(['trigger', event, ...target, '--secret', secret, '--id', id, ...extra]);
  }

  /** The CLI's trigger code in this process (faster than a process when the CLI itself is not under test). */
  function trigger(
    events: string,
    resourceId: string,
    extra: Partial<Parameters<typeof triggerEvent>[0]> = {},
  ) {
    return triggerEvent({
      events,
      resourceId,
      url: `${running.url}/mp/webhooks`,
      apiUrl: api.url,
      secret: FIXTURE_SECRET,
      ...extra,
    });
  }

  const rowOf = (text: string) => page.locator('tr.delivery', { hasText: text });
  /** The text of each labelled cell of the row that contains `text`, once it is shown. */
  async function cellsOf(text: string): Promise<Record<string, string>> {
    const row = rowOf(text).first();
    await row.waitFor({ timeout: SHOWS_WITHIN_MS });
    return row.evaluate((tr) =>
      Object.fromEntries(
        [...tr.querySelectorAll('td')].map((td) => [
          td.dataset['label'] ?? '',
          (td as HTMLElement).innerText,
        ]),
      ),
    );
  }
  /** The details row under the row that contains `text`. */
  async function detailOf(text: string) {
    const row = rowOf(text).first();
    await row.waitFor({ timeout: SHOWS_WITHIN_MS });
    return page.locator(`tr[data-detail-of="${await row.getAttribute('data-id')}"]`);
  }
  const visibleRows = () => page.locator('tr.delivery:visible');

  it('loads the page in a <main>, with a table caption, a live status region and no delivery yet', async () => {
    await expect(page.title()).resolves.toBe('Mercado Pago delivery inspector');
    const status = page.locator('#status');
    await expect(status.getAttribute('role')).resolves.toBe('status');
    await expect(status.getAttribute('aria-live')).resolves.toBe('polite');
    await expect(page.locator('main table caption').innerText()).resolves.toMatch(
      /^Deliveries, newest first/,
    );
    await expect(page.locator('#empty').innerText()).resolves.toMatch(/^No delivery yet\./);
    expect(pageErrors).toEqual([]);
  });

  it('shows a delivery sent with the CLI after the page loaded, in one row with its details folded', async () => {
    const run = await cliTrigger('payment.approved', '4242', FIXTURE_SECRET);
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: '1 delivery, every answer 2xx\n',
    });
    const cells = await cellsOf('4242');
    expect(cells).toEqual({
      Time: expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
      Delivery: 'payment\nwebhook · payment.created',
      Resource: expect.stringMatching(/^4242\nx-request-id [0-9a-f]{8}…$/),
      Verification: 'verified\nby signature+api\nsecret #1',
      Dedup: 'new',
      Event: 'payment.approved',
      Listeners: 'no listener',
      Answer: expect.stringMatching(/^200\nin \d+ ms$/),
      '': 'Details',
    });
    await expect((await detailOf('4242')).isHidden()).resolves.toBe(true);
    await rowOf('4242')
      .getByRole('button', { name: /Show the details/ })
      .click();
    await expect((await detailOf('4242')).innerText()).resolves.toMatch(
      /^x-signature\s+ts \d{10} \(\d+ s old on arrival\), v1 [0-9a-f]{8}…\nsigned text\s+id:4242;request-id:[0-9a-f-]{36};ts:\d{10};\nx-request-id\s+[0-9a-f-]{36}$/,
    );
    await expect(page.locator('#empty').isVisible()).resolves.toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('opens the details of a delivery forged with the CLI (another secret) and says why it was refused', async () => {
    const run = await cliTrigger('payment.approved', '5151', 'not-the-secret');
    expect(run.code).toBe(1);
    const detail = await detailOf('5151');
    await expect(rowOf('5151').getAttribute('class')).resolves.toBe('delivery failed');
    await expect(detail.isVisible()).resolves.toBe(true);
    await expect(detail.innerText()).resolves.toMatch(
      /^signature mismatch: tried 1 secret x 1 id casing\. .*\nx-signature\s+ts \d{10} .*\nsigned text\s+id:5151;request-id:[0-9a-f-]{36};ts:\d{10};\n/s,
    );
    const cells = await cellsOf('5151');
    expect(cells).toMatchObject({
      Dedup: 'not recorded',
      Answer: expect.stringMatching(/^401\nin \d+ ms\nSIGNATURE_MISMATCH$/),
    });
    await expect(rowOf('5151').locator('.dedup-not-recorded').getAttribute('title')).resolves.toMatch(
      /not remembered: Mercado Pago retries them/,
    );
    expect(pageErrors).toEqual([]);
  });

  it('shows the parts a signature lacked', async () => {
    const forged = signedWebhook({
      secret: 'not-the-secret',
      dataId: '5252',
      type: 'payment',
      requestId: null,
    });
    expect(await post(forged)).toBe(401);
    await expect((await detailOf('5252')).textContent()).resolves.toContain(
      'signature mismatch: tried 1 secret x 1 id casing; x-request-id missing',
    );
  });

  it('shows the message of a failed listener as the reason, and why the delivery is not recorded', async () => {
    const result = await trigger('claim.opened', '7373');
    expect(result.exchanges.map(({ status }) => status)).toEqual([500]);
    const detail = await detailOf('7373');
    await expect(detail.locator('.reason').innerText()).resolves.toBe(
      'a listener for claim.opened failed: the warehouse is down',
    );
    await expect(detail.innerText()).resolves.not.toContain('see onError');
    expect(await cellsOf('7373')).toMatchObject({
      Dedup: 'not recorded',
      Listeners: '1 ran: failed',
      Answer: expect.stringMatching(/^500\nin \d+ ms\nLISTENER_FAILED$/),
    });
  });

  it('groups the IPN copy and the resend under the Webhook they repeat, folded until asked', async () => {
    const result = await trigger('payment.approved', '6262', { withIpn: true, resend: true });
    expect(result.exchanges.map(({ status }) => status)).toEqual([200, 200, 200]);
    await page.locator('tr.delivery[data-id="3"]').waitFor({ state: 'attached', timeout: SHOWS_WITHIN_MS });
    await expect(page.locator('tbody.group').count()).resolves.toBe(1);
    await expect(visibleRows().count()).resolves.toBe(1);
    const toggle = page.getByRole('button', { name: 'Show 2 copies of this change' });
    await toggle.click();
    await expect(visibleRows().count()).resolves.toBe(3);
    const rows = await visibleRows().evaluateAll((trs) =>
      trs.map((tr) => [tr.className, tr.querySelector('[data-label="Dedup"] .badge')?.textContent]),
    );
    expect(rows).toEqual([
      ['delivery', 'new'],
      ['delivery copy', 'duplicate event'],
      ['delivery copy', 'duplicate delivery'],
    ]);
    await page.getByRole('button', { name: 'Hide 2 copies of this change' }).click();
    await expect(visibleRows().count()).resolves.toBe(1);
  });

  it('filters by failure, channel, topic and text, and says when nothing matches', async () => {
    await trigger('payment.approved', '8181', { withIpn: true });
    await trigger('claim.opened', '8282');
    await trigger('order.processed', 'ORD0000008383', { secret: 'not-the-secret' });
    await page.locator('tr.delivery[data-id="4"]').waitFor({ state: 'attached', timeout: SHOWS_WITHIN_MS });
    const shownIds = () =>
      visibleRows().evaluateAll((trs) => trs.map((tr) => tr.querySelector('.id')?.textContent));
    await expect(shownIds()).resolves.toEqual(['ORD0000008383', '8282', '8181']);
    await page.getByLabel('Failed only').check();
    await expect(shownIds()).resolves.toEqual(['ORD0000008383', '8282']);
    await page.getByLabel('Failed only').uncheck();
    await page.getByLabel('Channel').selectOption('ipn');
    await expect(shownIds()).resolves.toEqual(['8181']); // the IPN copy, shown while filtering
    await page.getByLabel('Channel').selectOption('');
    await page.getByLabel('Topic').selectOption('topic_claims_integration_wh');
    await expect(shownIds()).resolves.toEqual(['8282']);
    await page.getByLabel('Topic').selectOption('');
    await page.getByLabel('Search').fill('SIGNATURE_MISMATCH');
    await expect(shownIds()).resolves.toEqual(['ORD0000008383']);
    await page.getByLabel('Search').fill('no such thing');
    await expect(page.locator('#empty').innerText()).resolves.toBe('No delivery matches the filters.');
    await page.getByLabel('Search').press('Enter'); // must not submit the form (and reload the page)
    await page.getByLabel('Search').fill('');
    await expect(shownIds()).resolves.toEqual(['ORD0000008383', '8282', '8181']);
    expect(pageErrors).toEqual([]);
  });

  it('holds new deliveries while paused, shows them on resume, and clears the view', async () => {
    await trigger('payment.pending', '9191');
    await rowOf('9191').waitFor({ timeout: SHOWS_WITHIN_MS });
    await page.getByRole('button', { name: 'Pause' }).click();
    await trigger('payment.approved', '9292');
    await page
      .locator('#status', { hasText: /^paused, [1-9]\d* update\(s\) waiting$/ })
      .waitFor({ timeout: SHOWS_WITHIN_MS });
    await expect(page.locator('#status').getAttribute('data-state')).resolves.toBe('paused');
    await expect(rowOf('9292').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await rowOf('9292').waitFor({ timeout: SHOWS_WITHIN_MS });
    await expect(page.locator('#status').innerText()).resolves.toBe('live');
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect(page.locator('tr.delivery').count()).resolves.toBe(0);
    await trigger('payment.approved', '9393');
    await rowOf('9393').waitFor({ timeout: SHOWS_WITHIN_MS });
    await expect(visibleRows().count()).resolves.toBe(1);
  });

  it('renders delivery-provided markup as text', async () => {
    const markup = '<img src=x onerror="window.__injected=1">';
    storePayment(api, '6161');
    // The type is not signed: anyone can send any string there.
    await post(signedWebhook({ secret: FIXTURE_SECRET, dataId: '6161', type: markup }));
    await expect(rowOf('6161').locator('.name').textContent()).resolves.toBe(markup);
    await fetch(
      `${running.url}/mp/webhooks?data.id=${encodeURIComponent('<script>window.__injected=2</script>')}&type=payment`,
      { method: 'POST', body: '{}' },
    );
    await rowOf('<script>').waitFor({ timeout: SHOWS_WITHIN_MS });
    await expect(page.locator('#deliveries img, #deliveries script').count()).resolves.toBe(0);
    await expect(
      page.evaluate(() => (globalThis as { __injected?: number }).__injected),
    ).resolves.toBeUndefined();
  });

  it('has a style for every state a badge can show', async () => {
    const unstyled = await page.evaluate(
      (states) => {
        const selectors = [...document.styleSheets]
          .flatMap((sheet) => [...sheet.cssRules])
          .flatMap((rule) => [rule, ...('cssRules' in rule ? [...(rule as CSSGroupingRule).cssRules] : [])])
          .map((rule) => (rule as CSSStyleRule).selectorText ?? '')
          .join(',');
        return Object.entries(states).flatMap(([kind, list]) =>
          list
            .map((state) => `.${kind}-${state}`)
            .filter((cls) => !new RegExp(`${cls.replace('.', '\\.')}\\b`).test(selectors)),
        );
      },
      STATE_CLASSES as unknown as Record<string, string[]>,
    );
    expect(unstyled).toEqual([]);
  });

  describe('layout', () => {
    /** A mix of every kind of row: long names and ids, copies, failures, an answer before processing, a GET. */
    async function sendTheMix(): Promise<void> {
      await trigger('payment.pending,payment.approved', '1320458759', { withIpn: true, resend: true });
      await trigger('subscription_payment.recycling', '8874004606');
      await trigger('point_intent.confirmation_required', '63d15697-6a76-4623-b8d3-3bf1acdc1cae');
      await trigger('agreement.cancelled', '22abcd1235ed497f945f755fcaba3c6c');
      await trigger('chargeback.opened', '233000061680860123');
      await trigger('fraud_alert.created', '97393881018');
      await trigger('claim.opened', '5259990001');
      await trigger('order.processed', 'ORD01JV3AW3NFSTSTB669F41NACDX', { secret: 'not-the-secret' });
      await post(signedWebhook({ secret: FIXTURE_SECRET, dataId: '1', type: ABSURD_TOPIC }));
      await fetch(`${running.url}/mp/webhooks?data.id=77&type=payment`);
      await page
        .locator('tr.delivery[data-id="14"]')
        .waitFor({ state: 'attached', timeout: SHOWS_WITHIN_MS });
      await page.getByRole('button', { name: 'Show 2 copies of this change' }).first().click();
    }

    /** What the page looks like at this width and theme: sideways scroll, broken names, low contrast. */
    function inspectLayout() {
      return page.evaluate(
        ({ aaText, aaLarge }) => {
          type Rgba = { r: number; g: number; b: number; a: number };
          const parse = (color: string): Rgba => {
            const [r = 0, g = 0, b = 0, a = 1] = (color.match(/[\d.]+/g) ?? []).map(Number);
            return { r, g, b, a };
          };
          const over = (top: Rgba, bottom: Rgba): Rgba => ({
            r: top.r * top.a + bottom.r * (1 - top.a),
            g: top.g * top.a + bottom.g * (1 - top.a),
            b: top.b * top.a + bottom.b * (1 - top.a),
            a: 1,
          });
          const background = (element: Element): Rgba => {
            const layers: Rgba[] = [];
            for (let node: Element | null = element; node; node = node.parentElement) {
              const color = parse(getComputedStyle(node).backgroundColor);
              if (color.a > 0) layers.push(color);
              if (color.a === 1) break;
            }
            return layers
              .reverse()
              .reduce((below, layer) => over(layer, below), { r: 255, g: 255, b: 255, a: 1 });
          };
          const luminance = ({ r, g, b }: Rgba): number => {
            const [lr = 0, lg = 0, lb = 0] = [r, g, b].map((v) => {
              const c = v / 255;
              return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
          };
          const ratio = (fg: Rgba, bg: Rgba): number => {
            const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x) as [number, number];
            return (hi + 0.05) / (lo + 0.05);
          };
          const visible = (element: Element): boolean => element.getClientRects().length > 0;

          const lowContrast: string[] = [];
          const texts = [...document.querySelectorAll('body *')].filter(
            (element) =>
              visible(element) &&
              [...element.childNodes].some((node) => node.nodeType === 3 && node.textContent?.trim()),
          );
          for (const element of [...texts, ...document.querySelectorAll('select, input[type="search"]')]) {
            const style = getComputedStyle(element);
            const bg = background(element);
            const fg = over(parse(style.color), bg);
            const size = parseFloat(style.fontSize);
            const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
            const contrast = ratio(fg, bg);
            if (contrast < (large ? aaLarge : aaText)) {
              lowContrast.push(
                `${element.tagName}.${element.className} "${element.textContent?.slice(0, 30)}" ${contrast.toFixed(2)}`,
              );
            }
          }
          const placeholder = document.querySelector('input[type="search"]');
          if (placeholder) {
            const fg = over(
              parse(getComputedStyle(placeholder, '::placeholder').color),
              background(placeholder),
            );
            const contrast = ratio(fg, background(placeholder));
            if (contrast < aaText) lowContrast.push(`placeholder ${contrast.toFixed(2)}`);
          }

          // A time, an event name or a code broken inside a word, or cut short, in any visible row.
          const brokenOrCut: string[] = [];
          const word = /[\w:]/;
          for (const element of document.querySelectorAll(
            'tr.delivery .time, tr.delivery .event, tr.delivery .code',
          )) {
            if (!visible(element)) continue;
            const text = element.textContent ?? '';
            const tops: number[] = [];
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              for (let i = 0; i < (node.textContent ?? '').length; i++) {
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                tops.push(Math.round(range.getBoundingClientRect().top));
              }
            }
            const broken = tops.some(
              (top, i) =>
                i > 0 && top !== tops[i - 1] && word.test(text[i - 1] ?? '') && word.test(text[i] ?? ''),
            );
            if (broken || element.scrollWidth > element.clientWidth + 1) brokenOrCut.push(text);
          }
          return {
            sideways: document.documentElement.scrollWidth - window.innerWidth,
            lowContrast,
            brokenOrCut,
            rows: document.querySelectorAll('tr.delivery').length,
          };
        },
        { aaText: AA_TEXT, aaLarge: AA_LARGE_TEXT },
      );
    }

    // The widths the issue names, and 1280, where the cards give way to the table.
    it.each([360, 768, 1280, 1400])(
      'at %i px: no sideways scroll, no name, time or code broken, AA contrast in both themes',
      async (width) => {
        await sendTheMix();
        mkdirSync(ARTIFACTS, { recursive: true });
        for (const colorScheme of ['light', 'dark'] as const) {
          await page.setViewportSize({ width, height: 900 });
          await page.emulateMedia({ colorScheme });
          const layout = await inspectLayout();
          await page.screenshot({
            path: join(ARTIFACTS, `inspector-${width}-${colorScheme}.png`),
            fullPage: true,
          });
          expect({ width, colorScheme, ...layout }).toEqual({
            width,
            colorScheme,
            sideways: 0,
            lowContrast: [],
            brokenOrCut: [],
            rows: 15,
          });
        }
        expect(pageErrors).toEqual([]);
      },
    );
  });
});
