// The adversarial oracle for the trust rule (issue 10): random mixes of captured genuine signatures, topics,
// channels, query ids, actions and body ids, sent to the real router over loopback HTTP. Every event it emits is
// judged by an independent model of the rule (trust-model.ts); each captured signature's genuine delivery is sent
// too (before the attacks on it, racing them right behind a copy of itself, or after them) and must still bring
// about its event. `npm run fuzz` runs at least 100,000 cases, __tests__/property/trust-oracle.test.ts a sample.
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import type { AnyMercadoPagoEvent } from '../src/index.js';
import { createCountingFetch } from './counting-fetch.js';
import { startToolTarget } from './fuzz-setup.js';
import {
  batchArb,
  buildAttack,
  genuineWire,
  type AttackSpec,
  type BatchSpec,
  type CaptureTiming,
} from './trust-cases.js';
import {
  buildCapture,
  describeRequest,
  readRequest,
  type Capture,
  type SentRequest,
} from './trust-deliveries.js';
import { createTrustJudge, isSignatureOnlyName, type GenuineExpectation } from './trust-model.js';
import { createTrustWorld, isReadFamily } from './trust-world.js';
import { createWireClient, type WireRequest } from './wire.js';

/** Options of {@link runTrustOracle}. */
export interface TrustOracleOptions {
  readonly seed: number;
  /** Attacks sent at once. @default 100 */
  readonly batch?: number;
}

/** Figures of one run. */
export interface TrustOracleFigures {
  /** Attacks sent. */
  cases: number;
  captures: number;
  genuineDeliveries: number;
  eventsByName: Record<string, number>;
  readNamedEvents: number;
  signatureOnlyEvents: number;
  /** Genuine deliveries checked, by what they had to bring about. */
  genuineChecks: Record<GenuineExpectation['kind'], number>;
  /** Events or answers the rule does not allow, and genuine events lost (must be 0). */
  violations: number;
  /** The first few violations, each with its request. */
  firstViolations: string[];
  byStatus: Record<string, number>;
  elapsedMs: number;
}

/** Batches a capture is attacked in; it is retired (its genuine delivery sent) one batch later. */
const ATTACK_BATCHES = 3;
/** Long enough for work after an early 200 to end, a 404 and its retry 250 ms later included. */
const LINGER_MS = 600;
/** How long a genuine delivery's event may take to come (a read after an early 200). */
const EVENT_WAIT_MS = 3_000;
const MAX_REPORTED = 10;

/** A capture while it is attacked. */
interface LiveCapture {
  readonly capture: Capture;
  readonly batch: number;
  readonly timing: CaptureTiming;
  /** When a request carrying its signature was last answered 200. */
  lastAcceptedAt: number;
}

/**
 * Sends at least `cases` attacks, in batches, to a real router over loopback HTTP and judges every event and the
 * genuine deliveries (see the file comment). Returns the figures; violations are counted, never thrown.
 */
export async function runTrustOracle(
  cases: number,
  { seed, batch = 100 }: TrustOracleOptions,
): Promise<TrustOracleFigures> {
  const started = performance.now();
  const figures: TrustOracleFigures = {
    cases: 0,
    captures: 0,
    genuineDeliveries: 0,
    eventsByName: {},
    readNamedEvents: 0,
    signatureOnlyEvents: 0,
    genuineChecks: { state: 0, event: 0, nothing: 0, duplicate: 0, unknown: 0 },
    violations: 0,
    firstViolations: [],
    byStatus: {},
    elapsedMs: 0,
  };
  const violate = (message: string, sent?: SentRequest): void => {
    figures.violations++;
    if (figures.firstViolations.length < MAX_REPORTED)
      figures.firstViolations.push(sent === undefined ? message : `${message}\n    ${describeRequest(sent)}`);
  };

  const sentByProbe = new Map<number, SentRequest>();
  const eventsByProbe = new Map<number, AnyMercadoPagoEvent[]>();
  let epoch = 0;
  let probe = 0;
  const onEvent = (event: AnyMercadoPagoEvent): void => {
    figures.eventsByName[event.name] = (figures.eventsByName[event.name] ?? 0) + 1;
    if (isSignatureOnlyName(event.name)) figures.signatureOnlyEvents++;
    else figures.readNamedEvents++;
    const from = Number(event.delivery.query['probe']);
    const sent = sentByProbe.get(from);
    if (sent === undefined)
      return violate(`${event.name} ${event.resourceId} from an unknown request (probe ${from})`);
    eventsByProbe.get(from)?.push(event);
    for (const problem of judge.judge(event, sent, epoch))
      violate(`${event.name} ${event.resourceId} (verifiedBy ${event.verifiedBy}): ${problem}`, sent);
  };

  const reads = createCountingFetch();
  // A store large enough that no key is evicted during the run: the oracle checks the rule, not the bound.
  const target = await startToolTarget({ fetch: reads.fetch, dedup: { max: 2_000_000 } }, onEvent);
  const world = createTrustWorld(target.api, target.resources);
  const judge = createTrustJudge(world);
  const client = createWireClient(target.url, batch + 8);

  async function send(wire: WireRequest, capture: Capture | undefined, genuine: boolean, at: number) {
    const sent = readRequest({ probe: at, epoch, wire, genuine, capture });
    sentByProbe.set(at, sent);
    eventsByProbe.set(at, []);
    judge.sending(sent);
    const answer = await client.send(wire);
    figures.byStatus[answer.status] = (figures.byStatus[answer.status] ?? 0) + 1;
    judge.answered(sent, answer.status, epoch);
    return { sent, status: answer.status };
  }

  /** Waits until no API read is in flight, twice in a row: the work after early 200s has ended. */
  async function settle(): Promise<void> {
    for (let idle = 0; idle < 2; idle = reads.inFlight() === 0 ? idle + 1 : 0) await sleep(3);
  }

  async function waitFor(done: () => boolean): Promise<boolean> {
    const deadline = performance.now() + EVENT_WAIT_MS;
    while (!done() && performance.now() < deadline) await sleep(2);
    return done();
  }

  /**
   * Sends a capture's genuine delivery and checks that it brings about what the model expects. While attacks
   * race it, an attack may spend its signature first (the protocol's own risk), so only a read-named event is
   * then required.
   */
  async function deliverGenuine({ capture, timing }: LiveCapture, racing: boolean): Promise<void> {
    let expectation = judge.expectation(capture);
    if (racing && expectation.kind === 'event') expectation = { kind: 'unknown' };
    figures.genuineChecks[expectation.kind]++;
    const copyAt = probe++;
    const copy = racing
      ? send(
          {
            ...genuineWire(capture, copyAt),
            body: JSON.stringify({ ...capture.body, action: timing.raceAction }),
          },
          capture,
          false,
          copyAt,
        )
      : undefined;
    let at = probe++;
    let { sent, status } = await send(genuineWire(capture, at), capture, true, at);
    if (copy !== undefined) {
      figures.cases++;
      await copy;
      // A copy in flight makes the genuine delivery answer as the copy does: Mercado Pago resends on a failure.
      if (status !== 200) {
        await settle();
        at = probe++;
        ({ sent, status } = await send(genuineWire(capture, at), capture, true, at));
      }
    }
    figures.genuineDeliveries++;
    await settle();
    const emitted = (): AnyMercadoPagoEvent[] => eventsByProbe.get(at) ?? [];
    const lost = `the genuine delivery of capture #${capture.serial} (${capture.family} ${capture.subject}${racing ? `, right behind a copy with action ${timing.raceAction}` : ''})`;
    switch (expectation.kind) {
      case 'state':
        if (status !== 200) violate(`${lost} was answered ${status}`, sent);
        if (!(await waitFor(() => judge.stateReported(expectation.path, expectation.version))))
          violate(
            `${lost} did not bring about the event of ${expectation.path} version ${expectation.version}`,
            sent,
          );
        break;
      case 'event': {
        await waitFor(() => emitted().length > 0);
        const got = emitted().map((e) => `${e.name} ${e.resourceId}`);
        if (status !== 200 || got.join() !== `${expectation.name} ${expectation.subject}`)
          violate(
            `${lost} should emit ${expectation.name} ${expectation.subject}; got ${status} [${got.join(', ')}]`,
            sent,
          );
        break;
      }
      case 'duplicate':
        if (status !== 200 || emitted().length > 0)
          violate(
            `${lost} should be a duplicate of its processed copy; got ${status} [${emitted().length} event(s)]`,
            sent,
          );
        break;
      case 'nothing':
        if (emitted().length > 0)
          violate(`${lost} emitted ${emitted()[0]?.name ?? ''} although ${expectation.why}`, sent);
        break;
      case 'unknown':
        break;
    }
  }

  let batchIndex = 0;
  let serial = 0;
  let live: LiveCapture[] = [];

  async function runBatch(spec: BatchSpec): Promise<void> {
    batchIndex++;
    for (const index of spec.mutations) world.mutate(index);
    // Retire the captures no longer attacked, once the work their last attacks began after a 200 has ended.
    const retiring = live.filter((l) => l.batch < batchIndex - ATTACK_BATCHES);
    live = live.filter((l) => l.batch >= batchIndex - ATTACK_BATCHES);
    const lingering = Math.max(0, ...retiring.map((l) => l.lastAcceptedAt)) + LINGER_MS - Date.now();
    if (lingering > 0) await sleep(lingering);
    const nowS = Math.floor(Date.now() / 1000);
    const created = spec.captures.map(({ delivery, fresh, raceAction, ...captureSpec }) => {
      const { family } = captureSpec;
      const about = fresh && isReadFamily(family) ? [world.add(family, serial)] : world.resources;
      return {
        capture: buildCapture(captureSpec, serial++, about, nowS),
        batch: batchIndex,
        timing: { delivery, fresh, raceAction },
        lastAcceptedAt: 0,
      };
    });
    figures.captures += created.length;
    // Genuine deliveries on their own: the retired captures' that come last, the new ones' that come first.
    epoch++;
    const alone = [
      ...retiring.filter((l) => l.timing.delivery === 'last'),
      ...created.filter((l) => l.timing.delivery === 'first'),
    ];
    await Promise.all(alone.map((l) => deliverGenuine(l, false)));
    for (const { capture } of retiring) judge.forget(capture);
    live.push(...created);

    // Attacks on the captures of the last few batches. The genuine deliveries of this batch's racing captures
    // go first, each right behind a copy of itself with another action, then the attacks.
    const attacked = live.filter((l) => l.batch > batchIndex - ATTACK_BATCHES);
    const pool = attacked.map((l) => l.capture);
    const racing = created.filter((l) => l.timing.delivery === 'racing');
    epoch++;
    const attack = async (spec: AttackSpec): Promise<void> => {
      const at = probe++;
      const { wire, capture } = buildAttack(spec, pool, world.resources, at);
      const { status } = await send(wire, capture, false, at);
      figures.cases++;
      const carrier = attacked.find((l) => l.capture === capture);
      if (carrier !== undefined && status === 200) carrier.lastAcceptedAt = Date.now();
    };
    await Promise.all([...racing.map((l) => deliverGenuine(l, true)), ...spec.attacks.map(attack)]);
    // Requests from epochs long gone cannot have work left: forget them, to keep a long run's memory flat.
    for (const [at, sent] of sentByProbe) {
      if (sent.epoch >= epoch - 12) break;
      sentByProbe.delete(at);
      eventsByProbe.delete(at);
    }
  }

  try {
    const captures = Math.max(4, Math.round(batch / 12));
    await fc.assert(fc.asyncProperty(batchArb(batch, captures, world.mutableCount), runBatch), {
      numRuns: Math.ceil(cases / batch),
      seed,
      endOnFailure: true,
    });
    // The genuine deliveries not sent yet come last.
    await sleep(LINGER_MS);
    epoch++;
    const unsent = live.filter((l) => l.timing.delivery === 'last');
    await Promise.all(unsent.map((l) => deliverGenuine(l, false)));
    await settle();
    if (target.escaped.length > 0) violate(`an error escaped the router: ${String(target.escaped[0])}`);
    const internal = target.reported.get('INTERNAL_ERROR') ?? 0;
    if (internal > 0) violate(`the router reported INTERNAL_ERROR ${internal} time(s)`);
  } finally {
    client.close();
    await target.close();
  }
  figures.elapsedMs = Math.round(performance.now() - started);
  return figures;
}
