import createDebug from 'debug';
import type { Request, RequestHandler, Response } from 'express';
import { readRequestBody } from './body.js';
import { parseDelivery, publicDelivery, type ReceivedDelivery } from './delivery.js';
import { deliveryKeys } from './dedup-keys.js';
import { MercadoPagoNotificationError, toNotificationError } from './errors.js';
import {
  createInFlight,
  deferred,
  listenerTimeoutError,
  timeout,
  type Deferred,
  type Outcome,
} from './in-flight.js';
import { guardStore } from './store/guard.js';
import { topicSpec } from './topics.js';
import { planVerification, type VerificationPlan } from './verification.js';
import type { ApiReader } from './api.js';
import type { EventRegistry } from './events.js';
import type { InspectorRecorder } from './inspector/recorder.js';
import type { DeliveryTrace } from './inspector/trace.js';
import type { EventName } from './event-names.js';
import type { NormalizedOptions } from './options.js';
import type { ClaimResult, DeliveryStore } from './store/types.js';
import type { AnyMercadoPagoEvent } from './types.js';

const debug = createDebug('mercadopago-notifications:delivery');

/** What the handler works with. */
export interface DeliveryHandlerContext {
  readonly config: NormalizedOptions;
  readonly registry: EventRegistry;
  readonly store: DeliveryStore;
  readonly api: ApiReader;
  /** The delivery inspector's recorder, when the inspector is on. */
  readonly recorder?: InspectorRecorder | undefined;
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

  async function claim(keys: readonly string[]): Promise<ClaimResult> {
    return keys.length === 0 ? { status: 'claimed' } : store.claim(keys);
  }

  async function resolveToken(delivery: ReceivedDelivery, resourceId: string): Promise<string> {
    const resolver = config.accessToken;
    let token: unknown;
    try {
      token = await resolver?.({
        ...(delivery.userId === undefined ? {} : { userId: delivery.userId }),
        topic: delivery.topic,
        resourceId,
      });
    } catch (error) {
      throw toNotificationError(error, 'ACCESS_TOKEN_UNAVAILABLE', 'the accessToken resolver');
    }
    if (typeof token !== 'string' || token.trim() === '') {
      throw new MercadoPagoNotificationError(
        'ACCESS_TOKEN_UNAVAILABLE',
        `the accessToken resolver returned no token for topic ${delivery.topic}`,
      );
    }
    return token;
  }

  /** Builds the event from the verified delivery and what was read. */
  async function buildEvent(
    delivery: ReceivedDelivery,
    plan: VerificationPlan,
    resource: Record<string, unknown> | undefined,
  ) {
    const resourceId = delivery.resourceId ?? '';
    const { spec } = plan;
    if (spec === undefined || (resource === undefined && spec.resourcePath !== undefined)) {
      // Without an accessToken nothing is read; a known topic that names no resource cannot be read either.
      const name: EventName =
        spec !== undefined && config.accessToken === undefined
          ? 'notification.received'
          : 'notification.unhandled';
      return { name, eventKey: undefined, seenKey: undefined, isKnownTopic: spec !== undefined };
    }
    const seenKey = spec.seenKey?.(resourceId);
    const seen = seenKey === undefined ? false : await store.has(seenKey);
    const state = resource ?? {}; // a topic without a read (mp-connect) is named from the delivery
    const name = spec.eventName(state, { action: delivery.action, seen }) ?? 'notification.unhandled';
    return {
      name,
      eventKey: spec.eventKey(resourceId, state, name, delivery.id),
      seenKey,
      isKnownTopic: true,
    };
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
    const claimed = [...keys];
    let event: AnyMercadoPagoEvent | undefined;
    try {
      const resourceId = delivery.resourceId ?? '';
      let resource: Record<string, unknown> | undefined;
      if (plan.readPath !== undefined) {
        const token = await resolveToken(delivery, resourceId);
        resource = await api.read(plan.readPath, token);
      }
      const { name, eventKey, seenKey, isKnownTopic } = await buildEvent(delivery, plan, resource);
      if (eventKey !== undefined) {
        const result = await claim([eventKey]);
        if (result.status !== 'claimed') {
          const outcome: Outcome =
            result.status === 'done'
              ? { ok: true, dedup: 'duplicate-event', events: [] }
              : await inFlight.join(result.key);
          await (outcome.ok ? store.complete(keys) : store.release(keys));
          return outcome;
        }
        claimed.push(eventKey);
        inFlight.track([eventKey], final);
      }
      event = Object.freeze({
        name,
        topic: name.slice(0, name.indexOf('.')),
        resourceId,
        resource,
        verifiedBy: plan.verifiedBy,
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
        await store.release(claimed);
        // The answer goes to whoever sent the request: it names no listener message, which may hold secrets.
        // onError already has each failure in full.
        const error = new MercadoPagoNotificationError(
          'LISTENER_FAILED',
          `${failures.length} listener(s) for ${name} failed; see onError`,
          { cause: failures.length === 1 ? failures[0] : new AggregateError(failures) },
        );
        return { ok: false, error };
      }
      await store.complete(seenKey === undefined ? claimed : [...claimed, seenKey]);
      return { ok: true, dedup: 'new', events: [name] };
    } catch (thrown) {
      const error = toNotificationError(thrown, 'INTERNAL_ERROR', 'processing the delivery');
      await store.release(claimed).catch(() => undefined);
      registry.reportError(error, event);
      return { ok: false, error };
    }
  }

  /** Claims the delivery and processes it, or joins or skips it when it is a copy. Resolves with the answer. */
  async function processVerified(
    delivery: ReceivedDelivery,
    plan: VerificationPlan,
    trace: DeliveryTrace | undefined,
  ): Promise<Outcome> {
    const keys = deliveryKeys(delivery, plan);
    const result = await claim(keys);
    if (result.status === 'done') {
      trace?.duplicateOf(result.key);
      return { ok: true, dedup: 'duplicate', events: [] };
    }
    if (result.status === 'processing') return inFlight.join(result.key);
    const answer = deferred<Outcome>();
    const final = deferred<Outcome>();
    inFlight.track(keys, final.promise);
    const settle = (outcome: Outcome): void => {
      final.resolve(outcome);
      answer.resolve(outcome);
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
    const { status, code, message } = outcome.error;
    // The rest of a refused body is not read: close the connection instead of draining it.
    if (code === 'BODY_TOO_LARGE' || code === 'BODY_TIMEOUT') res.set('connection', 'close');
    res.status(status).json({ error: { code, message } });
    return status;
  }

  return async function mercadoPagoDeliveryRoute(req: Request, res: Response): Promise<void> {
    const started = performance.now();
    // Undefined unless the inspector is on: every `trace?.` call below then costs nothing.
    const trace = recorder?.begin(req.originalUrl);
    let delivery: ReceivedDelivery | undefined;
    let plan: VerificationPlan | undefined;
    let outcome: Outcome;
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
      // Fraud alerts are never retried and Delivery wants an answer within 500 ms: acknowledge now, then verify,
      // read and run listeners; every failure reaches onError (reference 4, pitfall 14).
      const answerFirst = topicSpec(delivery.topic)?.answerBeforeProcessing === true;
      if (answerFirst) {
        send(res, { ok: true, dedup: 'new', events: [] });
        trace?.answered(200, undefined, undefined);
      }
      plan = planVerification(delivery, config, store.ttlMs);
      outcome = await processVerified(delivery, plan, trace);
      if (answerFirst && !outcome.ok && outcome.error.code === 'DELIVERY_IN_PROGRESS')
        registry.reportError(outcome.error);
    } catch (thrown) {
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
