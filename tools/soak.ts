// `npm run soak`: minutes of mixed traffic through the redelivery simulator (valid deliveries, IPN copies,
// duplicates, forgeries, API faults, failing and slow listeners), printing the figures. Faults come in windows
// (14 s on, 6 s off) and stop for the last 15% of the run. Exits non-zero if an event was lost, doubled or
// unexpected, or a forgery got through. Options: --minutes N (default 5), --concurrency N (default 8).
import { parseArgs } from 'node:util';
import { runRedeliverySimulation, type SimulationFigures } from './redelivery-simulator.js';

const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '5' }, concurrency: { type: 'string', default: '8' } },
});
const durationMs = Number(values.minutes) * 60_000;
if (!(durationMs > 0)) throw new TypeError(`--minutes must be a positive number, got ${values.minutes}`);

function print(figures: SimulationFigures): void {
  const { latencyMs, memoryMiB } = figures;
  console.log(
    [
      `deliveries            ${figures.deliveries} (${figures.resends} resends)`,
      `events                ${figures.eventsDelivered} delivered of ${figures.eventsExpected} expected`,
      `duplicates suppressed ${figures.duplicatesSuppressed}`,
      `forgeries rejected    ${figures.forgeriesRejected} of ${figures.forgeriesSent}`,
      `events lost           ${figures.eventsLost}`,
      `events doubled        ${figures.eventsDoubled}`,
      `events unexpected     ${figures.eventsUnexpected}`,
      `faults injected       ${figures.apiFaultsInjected} in the API, ${figures.listenerFaultsInjected} in listeners`,
      `answers               ${JSON.stringify(figures.byStatus)}`,
      `latency               p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms, max ${latencyMs.max} ms`,
      `resident memory       ${memoryMiB.start.rss} MiB at start, ${memoryMiB.end.rss} MiB at end (heap ${memoryMiB.start.heap} -> ${memoryMiB.end.heap} MiB)`,
      `elapsed               ${(figures.elapsedMs / 1000).toFixed(1)} s`,
    ].join('\n'),
  );
}

console.log(`soak: ${values.minutes} min of traffic, concurrency ${values.concurrency}`);
const figures = await runRedeliverySimulation({
  durationMs,
  concurrency: Number(values.concurrency),
  faultsOn: (ms) => ms < durationMs * 0.85 && ms % 20_000 < 14_000,
  progressEveryMs: 30_000,
  onProgress: (f) =>
    console.log(
      `  ${(f.elapsedMs / 1000).toFixed(0)} s: ${f.deliveries} deliveries, ${f.eventsDelivered}/${f.eventsExpected} events, rss ${f.memoryMiB.end.rss} MiB`,
    ),
});
print(figures);
const ok =
  figures.eventsLost === 0 &&
  figures.eventsDoubled === 0 &&
  figures.eventsUnexpected === 0 &&
  figures.forgeriesRejected === figures.forgeriesSent;
console.log(ok ? 'soak passed' : 'SOAK FAILED');
process.exitCode = ok ? 0 : 1;
