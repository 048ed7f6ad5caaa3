// The example app and `fake-api` stop however they were started and however they are asked: SIGTERM to the npm
// process (which reaches only the `sh -c` npm runs scripts with), Ctrl-C (SIGINT to the whole process group), or
// a signal to the server process itself. Each leaves no process behind and frees its ports.
import { join } from 'node:path';
import { freePort, isListening, spawnGrouped, type GroupedProcess } from '../helpers/processes.js';

const ROOT = join(__dirname, '..', '..');
const NODE_TSX = ['--import', 'tsx'];
// Every test starts the example or the CLI with tsx: generous on a loaded machine.
jest.setTimeout(90_000);

let started: GroupedProcess | undefined;
afterEach(() => started?.cleanUp());

/** `npm run example` (demo mode) on free ports, once it says it keeps serving. */
async function startExample(how: 'npm' | 'node'): Promise<{ ports: number[]; run: GroupedProcess }> {
  const ports = [await freePort(), await freePort()];
  const env = { PORT: String(ports[0]), FAKE_API_PORT: String(ports[1]) };
  const run =
    how === 'npm'
      ? spawnGrouped('npm', ['run', 'example'], env, ROOT)
      : spawnGrouped(process.execPath, [...NODE_TSX, 'example/server.ts'], env, ROOT);
  started = run;
  await run.waitForOutput(/Still serving/);
  return { ports, run };
}

/** `fake-api` on a free port, started through `npm run cli` or with node, once it listens. */
async function startFakeApi(how: 'npm' | 'node'): Promise<{ ports: number[]; run: GroupedProcess }> {
  const port = await freePort();
  const args = ['fake-api', '--port', String(port)];
  const run =
    how === 'npm'
      ? spawnGrouped('npm', ['run', 'cli', '--', ...args], {}, ROOT)
      : spawnGrouped(process.execPath, [...NODE_TSX, 'src/cli/index.ts', ...args], {}, ROOT);
  started = run;
  await run.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+/);
  return { ports: [port], run };
}

/** The exit code of the process `run` started (not of its descendants). */
function exitCodeOf(run: GroupedProcess): Promise<number | null> {
  const { child } = run;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Asserts that nothing of `run` is left and that no port of `ports` is listened on any more. */
async function expectStopped(run: GroupedProcess, ports: readonly number[], said: RegExp): Promise<void> {
  const gone = await run.groupGone();
  const listening = await Promise.all(ports.map(isListening));
  expect({ gone, listening, said: said.test(run.output()) }).toEqual({
    gone: true,
    listening: ports.map(() => false),
    said: true,
  });
}

describe('npm run example', () => {
  it('stops, leaving no process and freeing both ports, on SIGTERM to the npm process', async () => {
    const { ports, run } = await startExample('npm');
    expect(await Promise.all(ports.map(isListening))).toEqual([true, true]);
    run.child.kill('SIGTERM');
    await expectStopped(run, ports, /Stopped \(parent exited\)\./);
  });

  it('stops on Ctrl-C (SIGINT to its process group)', async () => {
    const { ports, run } = await startExample('npm');
    process.kill(-(run.child.pid ?? 0), 'SIGINT');
    await expectStopped(run, ports, /Stopped \(SIGINT\)\./);
  });

  it('stops with exit code 0 on SIGTERM to the server process started with node', async () => {
    const { ports, run } = await startExample('node');
    run.child.kill('SIGTERM');
    const code = await exitCodeOf(run);
    expect(code).toBe(0);
    await expectStopped(run, ports, /Stopped \(SIGTERM\)\./);
  });
});

describe('mercadopago-notifications fake-api', () => {
  it('stops, leaving no process and freeing its port, on SIGTERM to the npm process', async () => {
    const { ports, run } = await startFakeApi('npm');
    run.child.kill('SIGTERM');
    await expectStopped(run, ports, /listening on/);
  });

  it('stops with exit code 0 on SIGINT to the process started with node', async () => {
    const { ports, run } = await startFakeApi('node');
    run.child.kill('SIGINT');
    const code = await exitCodeOf(run);
    expect(code).toBe(0);
    await expectStopped(run, ports, /listening on/);
  });
});
