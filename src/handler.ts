import createDebug from 'debug';
import type { Request, RequestHandler, Response } from 'express';
import { confirmAccountLinking } from './account-linking.js';
import { readRequestBody } from './body.js';
import { parseDelivery, publicDelivery, type ReceivedDelivery } from './delivery.js';
import { deliveryKeys, isSignatureKey, seenKey, signatureKey, stateKey } from './dedup-keys.js';
import {
  MercadoPagoNotificationError,
  senderAnswer,
  toNotificationError,
  type MercadoPagoNotificationErrorCode,
} from './errors.js';
import { isSignatureOnlyEvent, type EventName } from './event-names.js';
import {
  createInFlight,
  deferred,
  listenerTimeoutError,
  timeout,
  type Deferred,
  type Outcome,
} from './in-flight.js';
import { guardStore } from './store/guard.js';
import { planVerification, type VerificationPlan } from './verification.js';
import type { ApiReader } from './api.js';
import type { EventRegistry } from './events.js';
import type { InspectorRecorder } from './inspector/recorder.js';
import type { DeliveryTrace } from './inspector/trace.js';
import type { NormalizedOptions } from './options.js';
import type { ClaimResult, DeliveryStore } from './store/types.js';
import type { AnyMercadoPagoEvent, VerifiedBy } from './types.js';

const debug = createDebug('mercadopago-notifications:delivery');

/** How many times a delivery waits for others holding its keys before it answers as the last one did. */
const MAX_JOINS = 3;
/** Outcomes of a join that no second claim would change: the holder is elsewhere, or still running. */
const STAYS_AFTER_JOIN: ReadonlySet<MercadoPagoNotificationErrorCode> = new Set([
  'DELIVERY_IN_PROGRESS',
  'LISTENER_TIMEOUT',
]);

/** What the handler works with. */
export interface DeliveryHandlerContext {
  readonly config: NormalizedOptions;
  readonly registry: EventRegistry;
  readonly store: DeliveryStore;
  readonly api: ApiReader;
  /** The delivery inspector's recorder, when the inspector is on. */
  readonly recorder?: InspectorRecorder | undefined;
}

/** The event naming decided, and how it is deduplicated. */
interface Naming {
  readonly name: EventName;
  /** Key of the read state the event reports; undefined for a signature-only event (its signature is its key). */
  readonly eventKey?: string | undefined;
  /** Key recorded once the event is processed, for topics whose naming needs it (chargebacks). */
  readonly seenKey?: string | undefined;
  readonly isKnownTopic: boolean;
}

/** Creates the request handler mounted on every route: verify, deduplicate, read, emit, answer. */
export function createDeliveryHandler({
  config,
  registry,
  store: rawStore,
  api,
  recorder,
}: DeliveryHandlerContext): RequestHandler {
  const store = guardStore(rawStore);
  const inFlight = createInFlight(config.handlerTimeoutMs);
  /** Deliveries answered 200 before processing whose processing has not ended (answerFirstConcurrency). */
  let answeredFirst = 0;

  async function claim(keys: readonly string[]): Promise<ClaimResult> {
    return keys.length === 0 ? { status: 'claimed' } : store.claim(keys);
  }

  /**
   * Claims `keys` for a delivery, and tracks them as in flight until `final` in the same turn (a copy that finds a
   * key held must find whom to wait for). When a delivery of this process holds one of them, waits for it and
   * claims again: the holder may have given the key back (a copy whose event turned out signature-only releases
   * its copy key; a delivery that failed releases the signature it held, which a different delivery may carry). A
   * copy key names one delivery, so its holder's failure is this delivery's failure; a signature key does not.
   * Resolves with undefined once the keys are this delivery's, or with the outcome to answer with.
   */
  function claimOrJoin(
    keys: readonly string[],
    final: Promise<Outcome>,
    trace: DeliveryTrace | undefined,
  ): Promise<Outcome | undefined> {
    const claimed = (result: ClaimResult): Outcome | undefined | Promise<Outcome | undefined> => {
      if (result.status !== 'claimed') return waitForHolder(keys, result, final, trace);
      inFlight.track(keys, final);
      return undefined;
    };
    // No async wrapper: the claim of every delivery goes through here.
    return claim(keys).then(claimed);
  }

  /** The slow path of {@link claimOrJoin}: `keys` were found done or held. */
  async function waitForHolder(
    keys: readonly string[],
    found: Exclude<ClaimResult, { status: 'claimed' }>,
    final: Promise<Outcome>,
    trace: DeliveryTrace | undefined,
  ): Promise<Outcome | undefined> {
    let result: ClaimResult = found;
    let joined: Outcome | undefined;
    for (let joins = 0; ; joins++) {
      if (result.status === 'claimed') {
        inFlight.track(keys, final);
        return undefined;
      }
      if (result.status === 'done') {
        if (joined !== undefined) return joined; // the delivery we waited for recorded it
        trace?.duplicateOf(result.key);
        return { ok: true, dedup: 'duplicate', events: [] };
      }
      joined = await inFlight.join(result.key);
      const holderFailedAlone =
        !joined.ok && isSignatureKey(result.key) && !STAYS_AFTER_JOIN.has(joined.error.code);
      if (joins === MAX_JOINS || !(joined.ok || holderFailedAlone)) return joined;
      result = await claim(keys);
    }
  }

  /** The seller's token for the resource, or undefined when the resolver has none. */
  async function resolveToken(delivery: ReceivedDelivery, resourceId: string): Promise<string | undefined> {
    let token: unknown;
    try {
      token = await config.accessToken?.({
        ...(delivery.userId === undefined ? {} : { userId: delivery.userId }),
        topic: delivery.topic,
        resourceId,
      });
    } catch (error) {
      throw toNotificationError(error, 'ACCESS_TOKEN_UNAVAILABLE', 'the accessToken resolver');
    }
    return typeof token === 'string' && token.trim() !== '' ? token : undefined;
  }

  async function readResource(delivery: ReceivedDelivery, path: string): Promise<Record<string, unknown>> {
    const token = await resolveToken(delivery, delivery.resourceId ?? '');
    if (token === undefined) {
      throw new MercadoPagoNotificationError(
        'ACCESS_TOKEN_UNAVAILABLE',
        `the accessToken resolver returned no token for topic ${delivery.topic}`,
      );
    }
    return api.read(path, token);
  }

  /**
   * Names the event from the read state (or, for signature-only topics, from the verified delivery). `seen` says
   * whether an event of the resource was processed before, for topics whose naming needs it (chargebacks).
   */
  function nameEvent(
    delivery: ReceivedDelivery,
    plan: VerificationPlan,
    resource: Record<string, unknown> | undefined,
    seen: boolean,
  ): Naming {
    const resourceId = delivery.resourceId ?? '';
    const { spec } = plan;
    if (spec === undefined) return { name: 'notification.unhandled', isKnownTopic: false };
    // Without an accessToken nothing is read: the signed delivery arrives without its resource.
    if (spec.resourcePath !== undefined && resource === undefined)
      return { name: 'notification.received', isKnownTopic: true };
    const state = resource ?? {};
    const name =
      spec.eventName(state, { action: delivery.action, seen, signed: plan.signature !== undefined }) ??
      'notification.unhandled';
    if (isSignatureOnlyEvent(name) || spec.stateKey === undefined) return { name, isKnownTopic: true };
    return {
      name,
      eventKey: stateKey(spec.stateKey(resourceId, state)),
      seenKey: spec.tracksSeen === true ? seenKey(spec.eventTopic, resourceId) : undefined,
      isKnownTopic: true,
    };
  }

  /** How an account-linking event is verified: by the API where the seller's own token can tell. */
  async function accountLinkingVerifiedBy(
    delivery: ReceivedDelivery,
    name: 'application.authorized' | 'application.deauthorized',
  ): Promise<VerifiedBy> {
    const sellerId = delivery.resourceId ?? '';
    // Only a per-seller resolver gives the seller's own token; the app's one token says nothing about a seller.
    const token = config.accessTokenPerSeller ? await resolveToken(delivery, sellerId) : undefined;
    return confirmAccountLinking({ name, sellerId, token, api });
  }

  /** Processes a claimed delivery to its final outcome; `answer` is resolved early if listeners overrun. */
  async function processClaimed(
    delivery: ReceivedDelivery,
    plan: VerificationPlan,
    keys: readonly string[],
    final: Promise<Outcome>,
    answer: Deferred<Outcome>,
    trace: DeliveryTrace | undefined,
  ): Promise<Outcome> {
    /** Keys this delivery holds a claim on: recorded on success, released on failure. */
    const claimed = [...keys];
    /** Keys recorded on success without having been claimed. */
    const recorded: string[] = [];
    let event: AnyMercadoPagoEvent | undefined;
    const settle = async (outcome: Outcome): Promise<Outcome> => {
      const keys = outcome.ok ? [...claimed, ...recorded] : claimed;
      if (keys.length > 0) await (outcome.ok ? store.complete(keys) : store.release(keys));
      return outcome;
    };
    try {
      const resourceId = delivery.resourceId ?? '';
      const resource = plan.readPath === undefined ? undefined : await readResource(delivery, plan.readPath);
      const { spec } = plan;
      // Only chargebacks ask the store: every other delivery is named without one more round trip.
      const seenBefore = spec?.tracksSeen === true && (await store.has(seenKey(spec.eventTopic, resourceId)));
      const { name, eventKey, seenKey: seen, isKnownTopic } = nameEvent(delivery, plan, resource, seenBefore);
      const { signature } = plan;
      if (isSignatureOnlyEvent(name) && !plan.signatureOnly) {
        // Named signature-only only now, after the read (a known topic in a state it does not name, a signed
        // payment method change). Give the copy key back, so that the genuine delivery that carried this
        // signature still runs, and require what every signature-only event requires.
        await store.release(claimed.splice(0));
        if (signature === undefined) {
          registry.reportError(
            new MercadoPagoNotificationError(
              'UNVERIFIABLE_DELIVERY',
              `the ${delivery.topic} resource was read, but ${name} is emitted only on a verified signature and this ${delivery.channel} delivery carries none: nothing was emitted`,
            ),
          );
          return { ok: true, dedup: 'new', events: [] };
        }
        if (!signature.fresh) {
          const error = new MercadoPagoNotificationError(
            'SIGNATURE_EXPIRED',
            `${name} rests on the signature alone, and its ts is older than the retention of used signatures`,
          );
          registry.reportError(error);
          return { ok: false, error };
        }
        const used = signatureKey(signature);
        const taken = await claimOrJoin([used], final, trace);
        if (taken !== undefined) return taken;
        claimed.push(used);
      } else if (eventKey !== undefined) {
        const result = await claim([eventKey]);
        if (result.status !== 'claimed') {
          const outcome: Outcome =
            result.status === 'done'
              ? { ok: true, dedup: 'duplicate-event', events: [] }
              : await inFlight.join(result.key);
          if (outcome.ok && signature !== undefined) recorded.push(signatureKey(signature));
          return await settle(outcome);
        }
        claimed.push(eventKey);
        inFlight.track([eventKey], final);
      }
      // A signature is used once its delivery is processed, whichever event it carried.
      if (signature !== undefined && !plan.signatureOnly && !isSignatureOnlyEvent(name))
        recorded.push(signatureKey(signature));
      if (seen !== undefined) recorded.push(seen);
      event = Object.freeze({
        name,
        topic: name.slice(0, name.indexOf('.')),
        resourceId,
        resource,
        verifiedBy:
          name === 'application.authorized' || name === 'application.deauthorized'
            ? await accountLinkingVerifiedBy(delivery, name)
            : plan.verifiedBy,
        delivery: publicDelivery(delivery),
        ...(name === 'notification.unhandled' ? { isKnownTopic } : {}),
      }) as AnyMercadoPagoEvent;
      const listeners = registry.emit(event);
      trace?.emitted(name, registry.listenerCount(event));
      const limit = timeout(config.handlerTimeoutMs);
      void limit.promise.then(() => {
        const error = listenerTimeoutError(config.handlerTimeoutMs);
        registry.reportError(error, event);
        answer.resolve({ ok: false, error });
      });
      const failures = await listeners;
      limit.cancel();
      trace?.listenersSettled(failures);
      if (failures.length > 0) {
        // onError already has each failure in full; the sender is told nothing of them.
        const error = new MercadoPagoNotificationError(
          'LISTENER_FAILED',
          `${failures.length} listener(s) for ${name} failed; see onError`,
          { cause: failures.length === 1 ? failures[0] : new AggregateError(failures) },
        );
        return await settle({ ok: false, error });
      }
      return await settle({ ok: true, dedup: 'new', events: [name] });
    } catch (thrown) {
      const error = toNotificationError(thrown, 'INTERNAL_ERROR', 'processing the delivery');
      await store.release(claimed).catch(() => undefined);
      registry.reportError(error, event);
      return { ok: false, error };
    }
  }

  /**
   * Claims the delivery and processes it, or joins or skips it when it is a copy. Resolves with the answer;
   * `settled` runs once all of its work has ended, listeners that overran handlerTimeoutMs included.
   */
  async function processVerified(
    delivery: ReceivedDelivery,
    plan: VerificationPlan,
    trace: DeliveryTrace | undefined,
    settled: () => void,
  ): Promise<Outcome> {
    const keys = deliveryKeys(delivery, plan);
    const answer = deferred<Outcome>();
    const final = deferred<Outcome>();
    const taken = await claimOrJoin(keys, final.promise, trace);
    if (taken !== undefined) {
      settled();
      return taken;
    }
    const settle = (outcome: Outcome): void => {
      final.resolve(outcome);
      answer.resolve(outcome);
      settled();
    };
    processClaimed(delivery, plan, keys, final.promise, answer, trace).then(settle, (thrown: unknown) =>
      settle({ ok: false, error: toNotificationError(thrown, 'INTERNAL_ERROR', 'processing the delivery') }),
    );
    return answer.promise;
  }

  function send(res: Response, outcome: Outcome): number {
    if (res.headersSent) return res.statusCode;
    if (outcome.ok) {
      res.status(200).end();
      return 200;
    }
    const { status, code, message } = senderAnswer(outcome.error);
    // The rest of a refused body is not read: close the connection instead of draining it.
    if (code === 'BODY_TOO_LARGE' || code === 'BODY_TIMEOUT') res.set('connection', 'close');
    res.status(status).json({ error: { code, message } });
    return status;
  }

  /**
   * Whether to answer 200 before processing: for topics that want it, while fewer than answerFirstConcurrency
   * deliveries answered that way are still being processed. Past it the delivery is processed first, so a flood
   * waits on its own open requests instead of piling up work.
   */
  function takeAnswerFirstSlot(plan: VerificationPlan): boolean {
    if (plan.spec?.answerBeforeProcessing !== true || answeredFirst >= config.answerFirstConcurrency)
      return false;
    answeredFirst++;
    return true;
  }
  const giveBackSlot = (): void => void answeredFirst--;
  const doNothing = (): void => undefined;

  return async function mercadoPagoDeliveryRoute(req: Request, res: Response): Promise<void> {
    const started = performance.now();
    // Undefined unless the inspector is on: every `trace?.` call below then costs nothing.
    const trace = recorder?.begin(req.originalUrl);
    let delivery: ReceivedDelivery | undefined;
    let plan: VerificationPlan | undefined;
    let outcome: Outcome;
    let answerFirst = false;
    try {
      const body = await readRequestBody(req, {
        limitBytes: config.bodyLimitBytes,
        timeoutMs: config.bodyTimeoutMs,
      });
      delivery = parseDelivery({
        url: req.originalUrl,
        headers: req.headers,
        body,
        receivedAt: new Date(config.now()),
      });
      trace?.parsed(delivery);
      // Every check that needs no I/O comes before any answer: a forged fraud alert gets its 401 at once.
      plan = planVerification(delivery, config, store.ttlMs);
      // Fraud alerts are never retried and Delivery wants an answer within 500 ms: acknowledge now, then read and
      // run listeners; every failure reaches onError (reference 4, pitfall 14).
      answerFirst = takeAnswerFirstSlot(plan);
      if (answerFirst) {
        send(res, { ok: true, dedup: 'new', events: [] });
        trace?.answered(200, plan, undefined);
      }
      // The slot is held until all of the work ends, listeners that overran handlerTimeoutMs included.
      outcome = await processVerified(delivery, plan, trace, answerFirst ? giveBackSlot : doNothing);
      if (answerFirst && !outcome.ok && outcome.error.code === 'DELIVERY_IN_PROGRESS')
        registry.reportError(outcome.error);
    } catch (thrown) {
      // Nothing is being processed after a throw (the store refused the claim): the slot is free again.
      if (answerFirst) giveBackSlot();
      const error = toNotificationError(thrown, 'INTERNAL_ERROR', 'handling the request');
      registry.reportError(error);
      outcome = { ok: false, error };
    }
    const status = send(res, outcome);
    trace?.answered(status, plan, outcome);
    debug(
      '%s %s %s verified=%s dedup=%s events=%s -> %d%s in %d ms',
      delivery?.channel ?? '-',
      delivery?.topic ?? '-',
      delivery?.resourceId ?? '-',
      plan?.verifiedBy ?? 'no',
      outcome.ok ? outcome.dedup : '-',
      outcome.ok && outcome.events.length > 0 ? outcome.events.join(',') : '-',
      status,
      outcome.ok ? '' : ` ${outcome.error.code}`,
      Math.round(performance.now() - started),
    );
  };
}
