import type { RoundPlan } from '../compare.js';
import type { ServerOptions } from '../servers.js';

/** What every scenario gets from the command line. */
export interface ScenarioContext {
  readonly plan: RoundPlan;
  /** Smaller counts for a quick look (not for BENCHMARKS.md). */
  readonly quick: boolean;
  readonly servers: ServerOptions;
  /** Progress line on stderr (stdout carries only the report). */
  log(line: string): void;
}
