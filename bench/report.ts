// Markdown for the console and for BENCHMARKS.md, where each scenario owns a block between markers so that
// re-running one scenario refreshes only its own block.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import type { Measured } from './compare.js';

/** One target of the issue and whether this run met it. */
export interface Verdict {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** What a scenario hands back: its block of Markdown and its verdicts. */
export interface ScenarioReport {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  readonly verdicts: readonly Verdict[];
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export const fixed = (value: number, digits = 0): string =>
  Number.isFinite(value)
    ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : 'n/a';

export const megabytes = (bytes: number): string => `${fixed(bytes / 2 ** 20, 1)} MiB`;

/** The usual table of a comparison: throughput, per CPU-second, latency, failures. */
export function measuredTable(rows: readonly Measured[]): string {
  return table(
    [
      'server',
      'requests',
      'req/s',
      'server CPU s',
      'req per CPU-s',
      'p50 ms',
      'p99 ms',
      'failed',
      'generator CPU',
    ],
    rows.map((row) => [
      row.name,
      fixed(row.ok),
      fixed(row.requestsPerSecond),
      fixed(row.serverCpuSeconds, 2),
      fixed(row.requestsPerCpuSecond),
      fixed(row.p50, 2),
      fixed(row.p99, 2),
      fixed(row.failed),
      `${fixed((100 * row.generatorCpuSeconds) / row.seconds)} %`,
    ]),
  );
}

export function verdictTable(verdicts: readonly Verdict[]): string {
  return table(
    ['target', 'measured', 'met'],
    verdicts.map((v) => [v.target, v.measured, v.met ? 'yes' : '**no**']),
  );
}

export function renderScenario(report: ScenarioReport, stamp: string): string {
  return [
    `### Scenario ${report.id}: ${report.title}`,
    '',
    stamp,
    '',
    report.body,
    '',
    verdictTable(report.verdicts),
  ].join('\n');
}

/**
 * Replaces the block between `<!-- bench:<key> -->` and `<!-- /bench:<key> -->`, or appends one, and formats
 * the file with Prettier (`npm test` checks it).
 */
export async function writeBlock(file: string, key: string, content: string): Promise<void> {
  const start = `<!-- bench:${key} -->`;
  const end = `<!-- /bench:${key} -->`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const block = `${start}\n${content.trim()}\n${end}`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  const next =
    from !== -1 && to > from
      ? `${text.slice(0, from)}${block}${text.slice(to + end.length)}`
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, await format(next, { ...(await resolveConfig(file)), filepath: file }));
}
