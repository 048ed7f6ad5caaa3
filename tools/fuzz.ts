// `npm run fuzz`: at least 100,000 adversarial requests over HTTP and at least 1,000,000 forgery attempts (in
// process, plus an HTTP sample), printing the figures. Exits non-zero if any property fails or any forgery is
// accepted. Options: --cases N, --forgeries N, --http-genuine N (genuine deliveries whose forgeries go over HTTP),
// --seed N.
import { parseArgs } from 'node:util';
import { runAdversarial } from './adversarial.js';
import { runForgeryInProcess, runForgeryOverHttp, type ForgeryFigures } from './forgery.js';
import { memoryMiB } from './fuzz-setup.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    forgeries: { type: 'string', default: '1000000' },
    'http-genuine': { type: 'string', default: '8' },
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
console.log(failed ? '\nFUZZ FAILED' : '\nfuzz passed');
process.exitCode = failed ? 1 : 0;
