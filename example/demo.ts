// The scripted demo: runs each step of scenario.ts with the CLI's trigger code against the running example
// app over real HTTP and prints one line per delivery: name, HTTP status, and the events it produced or the
// error code.
// In your app: import type { ... } from 'mercadopago-notifications';
import type { AnyMercadoPagoEvent, MercadoPagoNotificationsRouter } from '../src/index.js';
// In your tests: import { triggerEvent, type TriggerExchange } from 'mercadopago-notifications/testing';
import { triggerEvent, type TriggerExchange } from '../src/testing/index.js';
import { STEPS, type ExpectedAnswer } from './scenario.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the example app listens, e.g. `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  /** The fake API the app reads resources from. */
  readonly apiUrl: string;
  /** The secret the app verifies with; the demo signs with it. */
  readonly secret: string;
  /** The app's router: the demo listens to it to see which events each delivery produced. */
  readonly mp: MercadoPagoNotificationsRouter;
  readonly log: (line: string) => void;
}

/** What went differently from what the delivery should have done; empty when it behaved. */
function problemsOf(
  expected: ExpectedAnswer | undefined,
  status: number,
  events: readonly AnyMercadoPagoEvent[],
): string[] {
  if (expected === undefined) return ['a delivery the scenario did not expect'];
  const expectedNames = expected.event === undefined ? [] : [expected.event];
  const names = events.map((event) => event.name);
  const problems: string[] = [];
  if (status !== expected.status) problems.push(`expected status ${expected.status}`);
  if (names.join() !== expectedNames.join()) problems.push(`expected ${expectedNames.join() || 'no event'}`);
  for (const event of events) {
    const problem = expected.check?.(event);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/** The router's error code from a refusal's body (`{"error":{"code"}}`). */
function errorCode(exchange: TriggerExchange): string | undefined {
  try {
    return (JSON.parse(exchange.responseBody) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined; // 200 answers have no body
  }
}

/** Runs every step in order and prints a summary; resolves with whether every delivery behaved as expected. */
export async function runDemo({ baseUrl, apiUrl, secret, mp, log }: DemoOptions): Promise<boolean> {
  const emitted: AnyMercadoPagoEvent[] = [];
  mp.onAny((event) => void emitted.push(event));
  const failed: number[] = [];
  let count = 0;
  for (const { trigger, expected } of STEPS) {
    let seen = emitted.length;
    let index = 0;
    await triggerEvent({
      secret,
      ...trigger,
      url: `${baseUrl}/mercadopago/webhooks`,
      apiUrl,
      report: (entry) => {
        if (entry.type !== 'exchange') return;
        // The router answers once listeners have finished, so the delivery's events are all in by now.
        const events = emitted.slice(seen);
        seen = emitted.length;
        const answer = expected[index];
        index += 1;
        count += 1;
        const names = events.map((event) => event.name).join(', ');
        const what = names || errorCode(entry) || `no event (${answer?.quiet ?? 'nothing emitted'})`;
        const problems = problemsOf(answer, entry.status, events);
        if (problems.length > 0) failed.push(count);
        const unexpected = problems.length > 0 ? `  UNEXPECTED: ${problems.join('; ')}` : '';
        log(`${count}. ${answer?.title ?? entry.kind} -> ${entry.status}, ${what}${unexpected}`);
      },
    });
  }
  const tail = failed.length > 0 ? ` Unexpected: step ${failed.join(', ')}.` : '';
  log(`Summary: ${count - failed.length} of ${count} steps behaved as expected.${tail}`);
  return failed.length === 0;
}
