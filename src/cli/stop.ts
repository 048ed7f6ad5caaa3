// When a serving command (`fake-api`, the example app) must stop. `npm run` and `npx` start it through `sh -c`,
// and a SIGTERM sent to npm reaches only that shell: the shell dies, this process is re-parented and would keep
// serving, holding its port. Node cannot ask the kernel for a signal when its parent dies (prctl
// PR_SET_PDEATHSIG), so the parent's pid is polled.

/** How often the parent pid is checked. */
const PARENT_POLL_MS = 250;

/** Why the process stops. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'parent exited';

/**
 * Settles on the first SIGINT or SIGTERM, or when the process that started this one exits. The handlers are then
 * removed, so a second Ctrl-C ends the process at once.
 */
export function waitForStop(): Promise<StopReason> {
  const parent = process.ppid;
  return new Promise((resolve) => {
    const stop = (reason: StopReason): void => {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      clearInterval(poll);
      resolve(reason);
    };
    const onInterrupt = (): void => stop('SIGINT');
    const onTerminate = (): void => stop('SIGTERM');
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onTerminate);
    const poll = setInterval(() => {
      if (process.ppid !== parent) stop('parent exited');
    }, PARENT_POLL_MS);
    poll.unref(); // the servers keep the process alive, not this timer
  });
}
