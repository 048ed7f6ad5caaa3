// Child processes as a user starts them (npm run, node), and what they leave behind: ports and descendants.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { sleep } from './timing.js';

/** A port on 127.0.0.1 that nothing listened on a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Whether any process is left in the process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A command started in a process group of its own, so that every descendant can be found and cleaned up. */
export interface GroupedProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves once the output matches `pattern`; rejects with the output if it exits first or takes over 60 s. */
  waitForOutput(pattern: RegExp): Promise<void>;
  /** Resolves once nothing is left of the group (or after `timeoutMs`): true when it is gone. */
  groupGone(timeoutMs?: number): Promise<boolean>;
  /** Kills whatever is left of the group (SIGKILL), for afterEach. */
  cleanUp(): void;
}

/** Starts `command` with its own process group; env adds to this process's environment (without MP_*). */
export function spawnGrouped(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): GroupedProcess {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('MP_') && name !== 'EXAMPLE_ONCE'),
  );
  const child = spawn(command, args, {
    cwd,
    env: { ...inherited, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const pgid = child.pid ?? 0;
  return {
    child,
    output: () => text,
    async waitForOutput(pattern) {
      const exited = once(child, 'exit').then(() => {
        throw new Error(`exited before printing ${String(pattern)}:\n${text}`);
      });
      const deadline = Date.now() + 60_000;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) throw new Error(`no ${String(pattern)} within 60 s:\n${text}`);
        await Promise.race([sleep(50), exited]);
      }
    },
    async groupGone(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (groupAlive(pgid)) {
        if (Date.now() > deadline) return false;
        await sleep(50);
      }
      return true;
    },
    cleanUp() {
      if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
    },
  };
}
