// The delivery inspector in a real browser: Debian's chromium (/usr/bin/chromium, or CHROMIUM_PATH; `.ci/run`
// installs it when it is missing) driven by playwright-core, against a real Express app on 127.0.0.1 and the
// real fake API. Deliveries come from the CLI's `trigger` command, run as a real process, as a developer would
// send them. Without chromium the suite is skipped with one warning, unless REQUIRE_BROWSER=1 (CI).
import express from 'express';
import type { Browser, Page } from 'playwright-core';
import { mercadoPagoNotifications } from '../../src/index.js';
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
    app.use(
      '/mp',
      mercadoPagoNotifications({
        secret: FIXTURE_SECRET,
        accessToken: TOKEN,
        apiBaseUrl: api.url,
        inspector: true,
      }),
    );
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
  function trigger(event: string, id: string, secret: string): Promise<CliRun> {
    const target = ['--url', `${running.url}/mp/webhooks`, '--api-url', api.url];
    return runCliProcess(['trigger', event, ...target, '--secret', secret, '--id', id]);
  }

  const rowOf = (text: string) => page.locator('#rows tr[data-id]', { hasText: text });
  /** The detail row (reason, x-signature) under the row that contains `text`, once that row is shown. */
  async function detailOf(text: string) {
    const row = rowOf(text);
    await row.waitFor({ timeout: SHOWS_WITHIN_MS });
    return page.locator(`#rows tr[data-detail-of="${await row.getAttribute('data-id')}"]`);
  }

  it('loads the page, connects to the stream and says no delivery arrived yet', async () => {
    await expect(page.title()).resolves.toBe('Mercado Pago delivery inspector');
    await expect(page.locator('#empty').isVisible()).resolves.toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('shows a delivery sent with the CLI after the page loaded, without a reload', async () => {
    const run = await trigger('payment.approved', '4242', FIXTURE_SECRET);
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: '1 delivery, every answer 2xx\n',
    });
    const row = rowOf('4242');
    await row.waitFor({ timeout: SHOWS_WITHIN_MS });
    const cells = await row.locator('td').allInnerTexts();
    expect(cells.slice(1, 7)).toEqual([
      'webhook',
      expect.stringMatching(/^payment\npayment\.\w+$/),
      expect.stringMatching(/^4242\nx-request-id [0-9a-f-]{36}$/),
      'verified\nby signature+api\nsecret #1',
      'new',
      'payment.approved',
    ]);
    expect(cells[8]).toMatch(/^200 in \d+ ms$/);
    await expect(page.locator('#empty').isVisible()).resolves.toBe(false);
    expect(pageErrors).toEqual([]);
  });

  it('shows why a delivery forged with the CLI (another secret) was refused', async () => {
    const run = await trigger('payment.approved', '5151', 'not-the-secret');
    expect(run.code).toBe(1);
    const detail = await detailOf('5151');
    await expect(rowOf('5151').getAttribute('class')).resolves.toBe('error');
    await expect(detail.innerText()).resolves.toMatch(
      /^signature mismatch: tried 1 secret x 1 id casing\. .*\nx-signature: ts \d{10} .* signed text id:5151;request-id:[0-9a-f-]{36};ts:\d{10};$/s,
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
    const detail = await detailOf('5252');
    await expect(detail.textContent()).resolves.toContain(
      'signature mismatch: tried 1 secret x 1 id casing; x-request-id missing',
    );
  });

  it('renders delivery-provided markup as text', async () => {
    const markup = '<img src=x onerror="window.__injected=1">';
    storePayment(api, '6161');
    // The type is not signed: anyone can send any string there.
    await post(signedWebhook({ secret: FIXTURE_SECRET, dataId: '6161', type: markup }));
    const row = rowOf('6161');
    await row.waitFor({ timeout: SHOWS_WITHIN_MS });
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe(`${markup}${markup}.updated`);
    await fetch(
      `${running.url}/mp/webhooks?data.id=${encodeURIComponent('<script>window.__injected=2</script>')}&type=payment`,
      {
        method: 'POST',
        body: '{}',
      },
    );
    await rowOf('<script>').waitFor({ timeout: SHOWS_WITHIN_MS });
    await expect(page.locator('#rows img, #rows script').count()).resolves.toBe(0);
    await expect(
      page.evaluate(() => (globalThis as { __injected?: number }).__injected),
    ).resolves.toBeUndefined();
  });
});
