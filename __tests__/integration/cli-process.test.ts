// The `mercadopago-notifications` bin as a real process (run from the sources with tsx), its stdout a pipe:
// the fake API it serves, the deliveries it triggers against a real router, exit codes and plain output.
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createApp, serveOnLoopback, type ServedApp, type TestApp } from '../helpers/app.js';
import { PACKAGE_VERSION, runCliProcess, spawnCli } from '../helpers/cli.js';
import { FIXTURE_SECRET } from '../helpers/fixtures.js';

// eslint-disable-next-line no-control-regex -- the point is to find escape sequences
const ANSI = /\u001b\[/;
// Each test starts processes: generous on a loaded machine.
jest.setTimeout(60_000);

let fakeApi: ChildProcessWithoutNullStreams;
let apiUrl: string;
let test: TestApp;
let served: ServedApp;

beforeAll(async () => {
  fakeApi = spawnCli(['fake-api', '--port', '0']);
  let printed = '';
  fakeApi.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  while (!/listening on (http:\/\/127\.0\.0\.1:\d+)/.test(printed)) {
    await Promise.race([
      once(fakeApi.stdout, 'data'),
      once(fakeApi, 'exit').then(() => Promise.reject(new Error(`fake-api exited: ${printed}`))),
    ]);
  }
  apiUrl = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(printed)?.[1] ?? '';
  test = createApp({ secret: FIXTURE_SECRET, accessToken: 'TEST-any-token', apiBaseUrl: apiUrl });
  served = await serveOnLoopback(test.app);
});

afterAll(async () => {
  await served.close();
  if (fakeApi.exitCode === null) {
    fakeApi.kill('SIGTERM');
    await once(fakeApi, 'exit');
  }
});

describe('mercadopago-notifications (a real process)', () => {
  it('triggers a delivery that the router reads from the fake API it serves, exiting 0 with plain output', async () => {
    const run = await runCliProcess(
      [
        'trigger',
        'payment.pending,payment.approved',
        '--url',
        `${served.url}/mp/webhooks`,
        '--api-url',
        apiUrl,
      ],
      { MP_WEBHOOK_SECRET: FIXTURE_SECRET },
    );
    expect(run).toMatchObject({ code: 0, stderr: '2 deliveries, every answer 2xx\n' });
    // stdout is a pipe: one plain line per delivery, even with FORCE_COLOR set
    expect(run.stdout).toMatch(
      /^200 {2}payment\.pending +Webhook +\d+ ms\n200 {2}payment\.approved +Webhook +\d+ ms\n$/,
    );
    expect(test.events.map((event) => event.name)).toEqual(['payment.pending', 'payment.approved']);
  });

  it('exits 1 when an answer is not 2xx', async () => {
    const run = await runCliProcess([
      'trigger',
      'order.processed',
      '--url',
      `${served.url}/mp/webhooks`,
      '--api-url',
      apiUrl,
      '--secret',
      'not-the-app-secret',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^401 {2}order\.processed +Webhook +\d+ ms {2}SIGNATURE_MISMATCH\n$/);
    expect(run.stderr).toBe('1 of 1 answers were not 2xx\n');
  });

  it('prints the package version', async () => {
    const run = await runCliProcess(['--version']);
    expect(run).toEqual({ code: 0, stdout: `${PACKAGE_VERSION}\n`, stderr: '' });
  });

  it('exits 2 with a suggestion for an unknown event, and 0 with plain help', async () => {
    const bad = await runCliProcess(['trigger', 'chargeback.open', '--url', served.url]);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain('did you mean `chargeback.opened`?');
    const help = await runCliProcess(['fake-api', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: mercadopago-notifications fake-api [options]');
    expect(help.stdout).not.toMatch(ANSI);
  });

  it('stops the fake API on SIGTERM and exits 0', async () => {
    fakeApi.kill('SIGTERM');
    const [code] = (await once(fakeApi, 'exit')) as [number | null];
    expect(code).toBe(0);
    await expect(fetch(`${apiUrl}/_fake/requests`)).rejects.toThrow();
  });
});
