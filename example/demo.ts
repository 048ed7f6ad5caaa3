// The scripted demo: sends each step of scenario.ts to the running example app over real HTTP and prints one
// line per step: name, HTTP status, and the events it produced or the error code.
// In your app: import type { ... } from 'mercadopago-notifications';
import type { AnyMercadoPagoEvent, MercadoPagoNotificationsRouter } from '../src/index.js';
import type { FakeMercadoPagoApi } from '../src/testing/fake-api.js';
import { post } from './deliveries.js';
import { buildSteps, type Step } from './scenario.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Where the example app listens, e.g. `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  /** The fake API the app reads resources from. */
  readonly api: FakeMercadoPagoApi;
  /** The secret the app verifies with; the demo signs with it. */
  readonly secret: string;
  /** The app's router: the demo listens to it to see which events each step produced. */
  readonly mp: MercadoPagoNotificationsRouter;
  readonly log: (line: string) => void;
}

/** What went differently from what the step expected; empty when it behaved. */
function problemsOf(step: Step, status: number, events: readonly AnyMercadoPagoEvent[]): string[] {
  const expectedNames = step.expected.event === undefined ? [] : [step.expected.event];
  const names = events.map((event) => event.name);
  const problems: string[] = [];
  if (status !== step.expected.status) problems.push(`expected status ${step.expected.status}`);
  if (names.join() !== expectedNames.join()) problems.push(`expected ${expectedNames.join() || 'no event'}`);
  for (const event of events) {
    const problem = step.check?.(event);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/** Runs every step in order and prints a summary; resolves with whether every step behaved as expected. */
export async function runDemo({ baseUrl, api, secret, mp, log }: DemoOptions): Promise<boolean> {
  const emitted: AnyMercadoPagoEvent[] = [];
  mp.onAny((event) => void emitted.push(event));
  const steps = buildSteps(api, secret);
  const failed: string[] = [];
  for (const [index, step] of steps.entries()) {
    step.before?.();
    const start = emitted.length;
    const { status, code } = await post(baseUrl, step.delivery);
    // The router answers once listeners have finished, so the step's events are all in by now.
    const events = emitted.slice(start);
    const names = events.map((event) => event.name).join(', ');
    const what = names || code || `no event (${step.quiet ?? 'nothing emitted'})`;
    const problems = problemsOf(step, status, events);
    if (problems.length > 0) failed.push(`${index + 1}`);
    log(
      `${index + 1}. ${step.title} -> ${status}, ${what}${problems.length > 0 ? `  UNEXPECTED: ${problems.join('; ')}` : ''}`,
    );
  }
  const passed = steps.length - failed.length;
  const tail = failed.length > 0 ? ` Unexpected: step ${failed.join(', ')}.` : '';
  log(`Summary: ${passed} of ${steps.length} steps behaved as expected.${tail}`);
  return failed.length === 0;
}
