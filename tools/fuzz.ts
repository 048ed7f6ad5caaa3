// `npm run fuzz`: at least 100,000 adversarial requests over HTTP, at least 1,000,000 forgery attempts (in
// process, plus an HTTP sample), at least 100,000 cases of the trust oracle and an answer-first flood, printing the
// figures. Exits non-zero if any property fails, any forgery is accepted, the trust oracle finds a violation, or
// the flood refuses or loses a delivery or exceeds its bound of reads in flight. Options: --cases N,
// --forgeries N, --http-genuine N (genuine deliveries whose forgeries go over HTTP), --trust-cases N, --flood N
// (deliveries), --flood-delay-ms N (every API read during the flood), --seed N.
import { parseArgs } from 'node:util';
import { DEFAULT_ANSWER_FIRST_CONCURRENCY } from '../src/options.js';
import { runAdversarial } from './adversarial.js';
import { runAnswerFirstFlood } from './answer-first-flood.js';
import { runForgeryInProcess, runForgeryOverHttp, type ForgeryFigures } from './forgery.js';
import { memoryMiB } from './fuzz-setup.js';
import { runTrustOracle } from './trust-oracle.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    forgeries: { type: 'string', default: '1000000' },
    'http-genuine': { type: 'string', default: '8' },
    'trust-cases': { type: 'string', default: '100000' },
    flood: { type: 'string', default: '20000' },
    'flood-delay-ms': { type: 'string', default: '2000' },
    seed: { type: 'string' },
  },
});

function printForgery(title: string, figures: ForgeryFigures): void {
  console.log(`\n${title}`);
  console.log(`  attempts                 ${figures.attempts.toLocaleString('en')}`);
  console.log(`  accepted                 ${figures.accepted}`);
  console.log(`  API reads by forgeries   ${figures.apiReadsByForgeries}`);
  console.log(`  store writes by forgeries ${figures.storeWritesByForgeries}`);
  console.log(
    `  API reads by replays     ${figures.apiReadsByReplays} (of another id than the signed one: ${figures.replayReadsOfOtherIds})`,
  );
  console.log(
    `  genuine deliveries       ${figures.genuine} (${figures.genuineEmitted} emitted a new event)`,
  );
  console.log(`  answers                  ${JSON.stringify(figures.byStatus)}`);
  console.log(`  by kind                  ${JSON.stringify(figures.byKind)}`);
  console.log(`  time                     ${(figures.ms / 1000).toFixed(1)} s`);
  const { before, after } = figures.memory;
  console.log(
    `  memory (MiB)             rss ${before.rss} -> ${after.rss}, heap ${before.heap} -> ${after.heap}`,
  );
}

let failed = false;
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
console.log(`fuzz: seed ${seed}; memory at start ${JSON.stringify(memoryMiB())} MiB`);

// The flood runs first, so that its memory figures start from a process no other section has grown.
const flood = await runAnswerFirstFlood(Number(values.flood), {
  readDelayMs: Number(values['flood-delay-ms']),
});
// Reads in flight: at most answerFirstConcurrency deliveries answered first, plus one per open request.
const floodBound = DEFAULT_ANSWER_FIRST_CONCURRENCY + flood.connections;
console.log(
  `\nanswer-first flood: ${flood.deliveries.toLocaleString('en')} unsigned Delivery notifications over ${flood.connections} connections, every API read ${flood.readDelayMs} ms`,
);
console.log(`  answers                  ${JSON.stringify(flood.byStatus)}`);
console.log(`  events                   ${flood.events}`);
console.log(`  peak reads in flight     ${flood.peakReadsInFlight} (bound ${floodBound})`);
const { memory } = flood;
console.log(
  `  memory (MiB)             heap ${memory.before.heap} -> ${memory.after.heap} (peak ${memory.peak.heap}), rss ${memory.before.rss} -> ${memory.after.rss} (peak ${memory.peak.rss})`,
);
console.log(`  time                     ${(flood.elapsedMs / 1000).toFixed(1)} s`);
const refused = flood.deliveries - (flood.byStatus['200'] ?? 0);
if (refused > 0 || flood.events !== flood.deliveries || flood.peakReadsInFlight > floodBound) failed = true;

const started = performance.now();
try {
  const figures = await runAdversarial(Number(values.cases), { batch: 200, seed });
  console.log(`\nadversarial requests over HTTP (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  for (const [name, value] of Object.entries(figures))
    console.log(`  ${name.padEnd(24)} ${JSON.stringify(value)}`);
} catch (error) {
  failed = true;
  console.error('\nadversarial property FAILED\n', error);
}

const inProcess = await runForgeryInProcess(Number(values.forgeries));
printForgery('forgery attempts in process (the real router, without sockets)', inProcess);
const overHttp = await runForgeryOverHttp(Number(values['http-genuine']));
printForgery('forgery attempts over loopback HTTP', overHttp);
const accepted = inProcess.accepted + overHttp.accepted;
const leaks =
  inProcess.apiReadsByForgeries +
  overHttp.apiReadsByForgeries +
  inProcess.storeWritesByForgeries +
  inProcess.replayReadsOfOtherIds +
  overHttp.replayReadsOfOtherIds;
console.log(
  `\nforgeries accepted: ${accepted} of ${(inProcess.attempts + overHttp.attempts).toLocaleString('en')}`,
);
if (accepted > 0 || leaks > 0) failed = true;

const trust = await runTrustOracle(Number(values['trust-cases']), { seed, batch: 200 });
console.log(`\ntrust oracle: events named only from signed values or the API's answer`);
console.log(`  cases                    ${trust.cases.toLocaleString('en')} attacks`);
console.log(
  `  captured signatures      ${trust.captures} (${trust.genuineDeliveries} genuine deliveries: ${JSON.stringify(trust.genuineChecks)})`,
);
console.log(
  `  events                   ${trust.readNamedEvents} named by the read, ${trust.signatureOnlyEvents} signature-only`,
);
console.log(`  events by name           ${JSON.stringify(trust.eventsByName)}`);
console.log(`  answers                  ${JSON.stringify(trust.byStatus)}`);
console.log(`  violations               ${trust.violations}`);
for (const violation of trust.firstViolations) console.log(`    - ${violation}`);
console.log(`  time                     ${(trust.elapsedMs / 1000).toFixed(1)} s`);
if (trust.violations > 0) failed = true;
console.log(failed ? '\nFUZZ FAILED' : '\nfuzz passed');
process.exitCode = failed ? 1 : 0;
