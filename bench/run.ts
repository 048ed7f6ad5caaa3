// `npm run bench`: runs the scenarios of BENCHMARKS.md and refreshes its results. Linux only (taskset, /proc).
// The load generator is this process, pinned to one core; the servers under test run pinned to the other.
import { Command, InvalidArgumentError } from 'commander';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LOAD_CORE, SERVER_CORE, pinSelf } from './processes.js';
import { renderScenario, writeBlock, fixed, type ScenarioReport } from './report.js';
import { duplicateStormScenario } from './scenarios/duplicate-storm.js';
import { fullPipelineScenario } from './scenarios/full-pipeline.js';
import { memoryScenario } from './scenarios/memory.js';
import { redisStoreScenario } from './scenarios/redis-store.js';
import { uniqueDeliveriesScenario } from './scenarios/unique-deliveries.js';
import type { RoundPlan } from './compare.js';
import type { ScenarioContext } from './scenarios/context.js';

const BENCHMARKS_FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
const PACKAGE_DIST = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const PACKAGE_SOURCE = fileURLToPath(new URL('../src/index.ts', import.meta.url));

const SCENARIOS: Record<string, (context: ScenarioContext) => Promise<ScenarioReport>> = {
  '1': uniqueDeliveriesScenario,
  '2': duplicateStormScenario,
  '3': fullPipelineScenario,
  '4': memoryScenario,
  '5': redisStoreScenario,
};

const FULL_PLAN: RoundPlan = { rounds: 5, seconds: 5, warmupSeconds: 2, connections: 50 };
const QUICK_PLAN: RoundPlan = { rounds: 3, seconds: 2, warmupSeconds: 1, connections: 50 };

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a positive integer');
  return parsed;
}

const program = new Command('npm run bench --')
  .description(
    'Benchmarks of mercadopago-notifications (see BENCHMARKS.md). Builds first; Linux with 2+ cores.',
  )
  .option(
    '--scenario <ids...>',
    `scenarios to run (${Object.keys(SCENARIOS).join(', ')})`,
    Object.keys(SCENARIOS),
  )
  .option('--quick', 'fewer rounds and deliveries: a quick look, not written to BENCHMARKS.md unless --write')
  .option('--rounds <n>', 'measured rounds per server', positiveInteger)
  .option('--seconds <n>', 'length of one measured turn', positiveInteger)
  .option('--connections <n>', 'concurrent connections of the load generator', positiveInteger)
  .option('--write', 'write the results into BENCHMARKS.md (the default without --quick)')
  .option('--no-write', 'only print the results')
  .option('--source', 'load the package from src/ through tsx instead of the built dist/')
  .option('--cpu-prof <dir>', 'write a V8 CPU profile of every server into <dir>')
  .parse();

interface CliOptions {
  scenario: string[];
  quick?: boolean;
  rounds?: number;
  seconds?: number;
  connections?: number;
  write?: boolean;
  source?: boolean;
  cpuProf?: string;
}

async function main(): Promise<void> {
  const options = program.opts<CliOptions>();
  const unknown = options.scenario.filter((id) => !(id in SCENARIOS));
  if (unknown.length > 0) program.error(`unknown scenario(s) ${unknown.join(', ')}`);
  if (cpus().length < 2) program.error('the benchmark needs 2 cores: one for the servers, one for the load');
  const base = options.quick === true ? QUICK_PLAN : FULL_PLAN;
  const plan: RoundPlan = {
    ...base,
    rounds: options.rounds ?? base.rounds,
    seconds: options.seconds ?? base.seconds,
    connections: options.connections ?? base.connections,
  };
  const write = options.write ?? options.quick !== true;
  if (options.cpuProf !== undefined) mkdirSync(options.cpuProf, { recursive: true });
  await pinSelf(LOAD_CORE);
  const context: ScenarioContext = {
    plan,
    quick: options.quick === true,
    servers: {
      packagePath: options.source === true ? PACKAGE_SOURCE : PACKAGE_DIST,
      cpuProfileDir: options.cpuProf,
    },
    log: (line) => console.error(`[bench] ${line}`),
  };
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const machine = [
    `- Machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${fixed(totalmem() / 2 ** 30)} GiB RAM; ` +
      `Node ${process.version}, ${process.platform} ${process.arch}.`,
    `- Servers pinned to core ${SERVER_CORE}; load generator (autocannon 8, ${plan.connections} connections), fake API ` +
      `and Redis pinned to core ${LOAD_CORE}. Package loaded from ${options.source === true ? 'src/ (tsx)' : 'dist/ (built)'}.`,
  ].join('\n');
  console.log(`${machine}\n`);
  for (const id of options.scenario) {
    const started = new Date();
    const loadBefore = loadavg()[0] ?? NaN;
    const report = await (SCENARIOS[id] as (context: ScenarioContext) => Promise<ScenarioReport>)(context);
    const stamp =
      `Measured ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\`` +
      ` (load average ${fixed(loadBefore, 2)} before, ${fixed(loadavg()[0] ?? NaN, 2)} after` +
      `${context.quick ? '; QUICK run' : ''}).`;
    const markdown = renderScenario(report, stamp);
    console.log(`${markdown}\n`);
    if (write) await writeBlock(BENCHMARKS_FILE, `scenario-${id}`, markdown);
  }
  if (write) await writeBlock(BENCHMARKS_FILE, 'machine', machine);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
