// Child processes of the benchmark: started pinned to one core, measured from /proc (CPU time and resident
// memory), stopped by their own pid. Linux only: taskset and /proc are what make the figures comparable.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Core the servers under test run on. */
export const SERVER_CORE = 0;
/** Core the load generator (this process), the fake API and Redis run on. */
export const LOAD_CORE = 1;

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on every Linux build in use). */
const CLOCK_TICKS_PER_SECOND = 100;
/** How long a child may take to print its ready line. */
const READY_TIMEOUT_MS = 30_000;

/** A running child: its pid, the line it printed when ready, and how to ask it and stop it. */
export interface Child {
  readonly pid: number;
  /** What the child printed after `ready ` (a URL, a port). */
  readonly ready: string;
  /** Sends a message over IPC and waits for the child's answer. */
  ask<T>(message: unknown): Promise<T>;
  stop(): Promise<void>;
}

/** Options of {@link startChild}. */
export interface ChildOptions {
  /** Core to pin the child to. */
  readonly core: number;
  /** Program and arguments, e.g. `['redis-server', '--port', '6390']`. */
  readonly command: readonly string[];
  /** Line prefix (stdout) that means the child is ready; the rest of the line is {@link Child.ready}. */
  readonly readyPrefix: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Open an IPC channel (Node children only). */
  readonly ipc?: boolean;
}

/** Starts a child pinned to `core` with taskset (which execs it: the pid is the program's own). */
export async function startChild({
  core,
  command,
  readyPrefix,
  env,
  ipc = false,
}: ChildOptions): Promise<Child> {
  const child = spawn('taskset', ['-c', String(core), ...command], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', ...(ipc ? ['ipc' as const] : [])],
  });
  const ready = await waitForLine(child, readyPrefix);
  const pid = child.pid as number;
  return {
    pid,
    ready,
    ask: <T>(message: unknown) =>
      new Promise<T>((resolve, reject) => {
        child.once('message', (answer) => resolve(answer as T));
        child.send(message as object, (error) => error && reject(error));
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function waitForLine(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${child.spawnargs.join(' ')} printed no "${prefix}" line within ${READY_TIMEOUT_MS} ms`),
      );
    }, READY_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const line = buffered.split('\n').find((l) => l.includes(prefix));
      if (line === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stdout?.resume(); // keep draining, so a chatty child never blocks on a full pipe
      resolve(line.slice(line.indexOf(prefix) + prefix.length).trim());
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${child.spawnargs.join(' ')} exited (${signal ?? code}) before it was ready`));
    });
  });
}

/** Node, with tsx, running one of the bench's TypeScript entry points. */
export function nodeCommand(entry: string, args: readonly string[] = [], nodeFlags: readonly string[] = []) {
  const file = fileURLToPath(new URL(entry, import.meta.url));
  return [process.execPath, ...nodeFlags, '--import', 'tsx', file, ...args];
}

/** CPU time (user + system, every thread) the process has used so far, in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may contain spaces: utime is field 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** Resident memory now and its peak (VmRSS, VmHWM), in bytes. */
export function residentMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** Pins this process (every thread: the load generator) to `core`. */
export async function pinSelf(core: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    spawn('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' })
      .once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`taskset exited ${code}`))))
      .once('error', reject);
  });
}
