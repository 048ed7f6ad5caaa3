// The trust oracle's judge (README "Security notes", issue 10): every event's name, subject and dedup rest on
// verified data only, that is the signed values (data.id, x-request-id, ts) or the resource read from the API at a
// path built from them. For each event the router emitted, the judge works out from the request that caused it
// and from the fake API's state what the rule allows, and says what differs. It also keeps, per captured
// signature, whether it was spent on a signature-only event or used by a processed delivery.
import type { AnyMercadoPagoEvent } from '../src/index.js';
import { TOPIC_FAMILIES, idText, type Capture, type SentRequest } from './trust-deliveries.js';
import { isReadFamily, nameOf, readPathOf, type Family, type TrustWorld } from './trust-world.js';

/** Events no read can confirm: only a fresh, single-use signature that vouches for the delivery can carry them. */
const SIGNATURE_ONLY = new Set([
  'fraud_alert.created',
  'application.authorized',
  'application.deauthorized',
  'card.updated',
  'agreement.payment_method_updated',
  'notification.received',
  'notification.unhandled',
]);
/** Whether no read can confirm the event `name`. */
export function isSignatureOnlyName(name: string): boolean {
  return SIGNATURE_ONLY.has(name);
}

/** Families whose genuine deliveries carry no data.id: a signature over x-request-id and ts vouches for them. */
const SIGNED_WITHOUT_DATA_ID = new Set<Family>(['card', 'point_intent', 'delivery']);
/** Families whose Webhooks may come unsigned (their signing is undocumented): the read confirms them. */
const UNSIGNED_WEBHOOK_FAMILIES = new Set<Family>(['agreement', 'delivery']);
/** Families answered before they are processed: their 200 says nothing about what processing did. */
const ANSWERED_FIRST = new Set<Family>(['fraud_alert', 'delivery']);

/** The event of a genuine delivery no read names (account linking: its action). */
const GENUINE_SIGNATURE_ONLY_NAMES: Readonly<Partial<Record<Family, string>>> = {
  fraud_alert: 'fraud_alert.created',
  card: 'card.updated',
};

/** What the oracle knows of one captured signature's use. */
export interface SignatureUse {
  /** Probes of the signature-only events it carried (at most one is allowed). */
  readonly spentBy: number[];
  /** First epoch that began after a delivery carrying it was processed. */
  usedFrom: number | undefined;
  /** A delivery carrying it was answered 200 and may have used it without the oracle seeing how. */
  maybeUsed: boolean;
  /**
   * A copy of its genuine delivery (same family and resource under the same signature) was processed: the
   * genuine delivery is then that copy's duplicate. `maybe` when a 200 does not tell which resource was read.
   */
  copied: 'no' | 'yes' | 'maybe';
}

/** What a capture's genuine delivery must bring about when it is sent now. */
export type GenuineExpectation =
  | { readonly kind: 'state'; readonly path: string; readonly version: number }
  | { readonly kind: 'event'; readonly name: string; readonly subject: string }
  | { readonly kind: 'nothing'; readonly why: string }
  /** Answered 200 without an event: a copy of this very delivery was processed before it. */
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'unknown' };

export interface TrustJudge {
  /** What is wrong with an event, given the request that caused it; empty when the rule holds. */
  judge(event: AnyMercadoPagoEvent, sent: SentRequest, epoch: number): string[];
  /** Notes a request about to be sent. */
  sending(sent: SentRequest): void;
  /** Learns from an answer what it tells about the use of the signature it carries. */
  answered(sent: SentRequest, status: number, epoch: number): void;
  expectation(capture: Capture): GenuineExpectation;
  /** Whether an event reported the state `version` of `path`. */
  stateReported(path: string, version: number): boolean;
  forget(capture: Capture): void;
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function prefixOf(name: string): string {
  return name.slice(0, name.indexOf('.'));
}

/**
 * Whether the request's signature vouches for it: it holds, the request is not an IPN (never signed), and it
 * covers data.id unless the delivery is of a kind sent without one.
 */
function vouches(sent: SentRequest, withoutDataId: boolean): boolean {
  return (
    sent.capture !== undefined &&
    sent.signatureHolds &&
    !sent.ipn &&
    (sent.dataId !== undefined || withoutDataId)
  );
}

export function createTrustJudge(world: TrustWorld): TrustJudge {
  const uses = new Map<number, SignatureUse>();
  /** Probe of the event that reported each state, by `path#version`. */
  const states = new Map<string, number>();
  /** Versions reported per path, for chargebacks (opened, then updated). */
  const reportedVersions = new Map<string, Set<number>>();

  const useOf = (capture: Capture): SignatureUse => {
    let use = uses.get(capture.serial);
    if (use === undefined) {
      use = { spentBy: [], usedFrom: undefined, maybeUsed: false, copied: 'no' };
      uses.set(capture.serial, use);
    }
    return use;
  };
  const markUsed = (capture: Capture, epoch: number): void => {
    const use = useOf(capture);
    use.usedFrom = Math.min(use.usedFrom ?? Infinity, epoch + 1);
  };
  /**
   * Requests of the current epoch by copy identity (signature, family, data.id): the router processes one of
   * them and the others join it, so a 200 does not say which was processed.
   */
  const identities = new Map<string, number>();
  let identitiesEpoch = -1;
  const identityOf = (sent: SentRequest): string =>
    `${String(sent.capture?.serial)}|${sent.topic === undefined ? '' : String(TOPIC_FAMILIES[sent.topic])}|${String(sent.dataId)}`;
  const seenOtherVersion = (path: string, version: number): boolean =>
    [...(reportedVersions.get(path) ?? [])].some((v) => v !== version);

  /** The read named the event: its state names it once, the subject is the signed id when one vouches. */
  function judgeReadNamed(event: AnyMercadoPagoEvent, sent: SentRequest, epoch: number): string[] {
    const problems: string[] = [];
    const family = prefixOf(event.name);
    if (!isReadFamily(family)) return [`${event.name} belongs to no family named by a read`];
    const vouched = vouches(sent, SIGNED_WITHOUT_DATA_ID.has(family));
    const path = readPathOf(family, event.resourceId) as string;
    const version = world.versionOf(path, event.resource);
    if (version === undefined) {
      problems.push(`its resource is not anything the API served at ${path}`);
    } else {
      const expected = nameOf(family, record(event.resource), {
        signed: vouched,
        action: sent.action,
        seenBefore: seenOtherVersion(path, version),
      });
      if (expected !== event.name)
        problems.push(`the API's state at ${path} (version ${version}) names ${expected ?? 'no event'}`);
      const key = `${path}#${version}`;
      const first = states.get(key);
      if (first !== undefined)
        problems.push(`a second event for one state (${key}; the first came from probe ${first})`);
      states.set(key, sent.probe);
      reportedVersions.set(path, new Set([...(reportedVersions.get(path) ?? []), version]));
    }
    if (vouched) {
      if (sent.dataId !== undefined && event.resourceId !== sent.dataId)
        problems.push(`its subject ${event.resourceId} is not the signed data.id ${sent.dataId}`);
      if (event.verifiedBy !== 'signature+api')
        problems.push(`verifiedBy ${event.verifiedBy}, not signature+api`);
      const capture = sent.capture as Capture;
      markUsed(capture, epoch);
      if (capture.family === family && capture.subject === event.resourceId) useOf(capture).copied = 'yes';
    } else {
      const unsignedAllowed =
        sent.ipn ||
        (UNSIGNED_WEBHOOK_FAMILIES.has(family) &&
          (!sent.hasSignature || (sent.signatureHolds && sent.dataId === undefined)));
      if (!unsignedAllowed)
        problems.push(
          'no signature vouches for it, and neither is it an IPN nor a topic whose Webhooks may be unsigned',
        );
      if (event.verifiedBy !== 'api')
        problems.push(`verifiedBy ${event.verifiedBy} without a vouching signature`);
    }
    return problems;
  }

  /** The resource read for a signature-only event, when one is: it must be what the API served there. */
  function readAt(family: Family, event: AnyMercadoPagoEvent, customerId?: string): string[] {
    const path = readPathOf(family, event.resourceId, customerId);
    if (path === undefined) return [`no read path for ${family} ${event.resourceId}`];
    return world.versionOf(path, event.resource) === undefined
      ? [`its resource is not anything the API served at ${path}`]
      : [];
  }

  /** Name and subject of a signature-only event: from the signed data.id, or the body where the rule allows. */
  function judgeSubject(event: AnyMercadoPagoEvent, sent: SentRequest): string[] {
    const data = record(sent.body['data']);
    const expectSubject = (expected: string | undefined): string[] =>
      event.resourceId === expected
        ? []
        : [`its subject ${event.resourceId} should be ${expected ?? 'nothing'}`];
    const expectVerifiedBy = (expected: string): string[] =>
      event.verifiedBy === expected ? [] : [`verifiedBy ${event.verifiedBy}, not ${expected}`];
    const accountAction = sent.action?.replace(/^application\./, '');
    const name: string = event.name;
    switch (name) {
      case 'fraud_alert.created':
        return [
          ...expectSubject(idText(data['payment_id']) ?? sent.dataId),
          ...readAt('fraud_alert', event),
          ...expectVerifiedBy('signature+api'),
        ];
      case 'application.authorized':
      case 'application.deauthorized':
        return [
          ...expectSubject(idText(sent.body['user_id'])),
          ...(event.name === `application.${accountAction ?? ''}`
            ? []
            : [`the action is ${String(sent.action)}`]),
          ...expectVerifiedBy('signature'),
        ];
      case 'card.updated':
        return [
          ...expectSubject(idText(data['new_card_id']) ?? idText(data['old_card_id']) ?? sent.dataId),
          ...readAt('card', event, idText(data['customer_id'])),
          ...expectVerifiedBy('signature+api'),
        ];
      case 'agreement.payment_method_updated': {
        const path = readPathOf('agreement', event.resourceId) as string;
        const version = world.versionOf(path, event.resource);
        return [
          ...expectSubject(sent.dataId),
          ...(sent.action === 'payment_method.updated' ? [] : [`the action is ${String(sent.action)}`]),
          ...(version === undefined ? [`its resource is not anything the API served at ${path}`] : []),
          ...(record(event.resource)['status'] === 'cancelled' ? ['the agreement read is cancelled'] : []),
          ...expectVerifiedBy('signature+api'),
        ];
      }
      case 'notification.unhandled':
        return judgeUnhandled(event, sent);
      default:
        // notification.received: with an accessToken every typed topic is read.
        return [`${event.name} cannot occur with an accessToken configured`];
    }
  }

  /** An unknown topic, a state no event names, or an account-linking action that names none. */
  function judgeUnhandled(event: AnyMercadoPagoEvent, sent: SentRequest): string[] {
    const family = sent.topic === undefined ? undefined : TOPIC_FAMILIES[sent.topic];
    const isKnownTopic = (event as { isKnownTopic?: boolean }).isKnownTopic;
    if (family === undefined) {
      return [
        ...(isKnownTopic === false ? [] : ['isKnownTopic should be false']),
        ...(event.resourceId === sent.dataId
          ? []
          : [`its subject should be the signed data.id ${String(sent.dataId)}`]),
        ...(event.resource === undefined ? [] : ['an unknown topic is not read']),
        ...(event.verifiedBy === 'signature' ? [] : [`verifiedBy ${event.verifiedBy}, not signature`]),
      ];
    }
    if (isKnownTopic !== true) return ['isKnownTopic should be true'];
    if (family === 'application') {
      const action = sent.action?.replace(/^application\./, '');
      return [
        ...(event.resourceId === idText(sent.body['user_id'])
          ? []
          : ['its subject should be the body user_id']),
        ...(action === 'authorized' || action === 'deauthorized'
          ? [`the action ${action} names an event`]
          : []),
      ];
    }
    if (!isReadFamily(family)) return [`a ${family} delivery always names its event`];
    const path = readPathOf(family, event.resourceId) as string;
    const version = world.versionOf(path, event.resource);
    if (version === undefined) return [`its resource is not anything the API served at ${path}`];
    const named = nameOf(family, record(event.resource), {
      signed: true,
      action: sent.action,
      seenBefore: true,
    });
    return [
      ...(event.resourceId === sent.dataId
        ? []
        : [`its subject should be the signed data.id ${String(sent.dataId)}`]),
      ...(named === undefined ? [] : [`the state read names ${named}`]),
    ];
  }

  /** Only a fresh signature that vouches, never spent and never used by a processed delivery, carries it. */
  function judgeSignatureOnly(event: AnyMercadoPagoEvent, sent: SentRequest): string[] {
    const problems: string[] = [];
    const capture = sent.capture;
    if (capture === undefined || !vouches(sent, event.name === 'card.updated')) {
      problems.push('a signature-only event without a signature that vouches for the delivery');
    } else {
      const use = useOf(capture);
      if (capture.stale) problems.push('it rests on a signature older than the retention of used signatures');
      if (use.spentBy.length > 0)
        problems.push(`the signature was already spent by probe ${use.spentBy.join(', ')}`);
      if (use.usedFrom !== undefined && sent.epoch >= use.usedFrom)
        problems.push('a delivery carrying the signature was processed before this one was sent');
      use.spentBy.push(sent.probe);
    }
    return [...problems, ...judgeSubject(event, sent)];
  }

  return {
    judge(event, sent, epoch) {
      return SIGNATURE_ONLY.has(event.name)
        ? judgeSignatureOnly(event, sent)
        : judgeReadNamed(event, sent, epoch);
    },

    sending(sent) {
      if (sent.epoch !== identitiesEpoch) identities.clear();
      identitiesEpoch = sent.epoch;
      const key = identityOf(sent);
      identities.set(key, (identities.get(key) ?? 0) + 1);
    },

    answered(sent, status, epoch) {
      const { capture, topic, dataId } = sent;
      const family = topic === undefined ? undefined : TOPIC_FAMILIES[topic];
      if (status !== 200 || capture === undefined || family === undefined || !isReadFamily(family)) return;
      if (!vouches(sent, SIGNED_WITHOUT_DATA_ID.has(family))) return;
      const use = useOf(capture);
      const current = dataId === undefined ? undefined : world.current(readPathOf(family, dataId) as string);
      const named =
        current === undefined
          ? undefined
          : nameOf(family, current.fields, { signed: true, action: sent.action, seenBefore: true });
      // A readable state that a read names: the delivery was processed (a new event or a copy of one), or it
      // joined a concurrent copy of itself; either way its signature is used from then on.
      if (named !== undefined && !SIGNATURE_ONLY.has(named) && !ANSWERED_FIRST.has(family)) {
        markUsed(capture, epoch);
        if (capture.family !== family || capture.dataId !== dataId || use.copied === 'yes') return;
        use.copied = (identities.get(identityOf(sent)) ?? 0) > 1 ? 'maybe' : 'yes';
      } else {
        use.maybeUsed = true;
        if (capture.family === family && use.copied === 'no') use.copied = 'maybe';
      }
    },

    expectation(capture) {
      const use = useOf(capture);
      let name: string;
      if (isReadFamily(capture.family)) {
        const path = readPathOf(capture.family, capture.subject) as string;
        const current = world.current(path);
        if (current === undefined) throw new Error(`trust oracle: nothing stored at ${path}`);
        const named = nameOf(capture.family, current.fields, {
          signed: true,
          action: capture.action,
          seenBefore: seenOtherVersion(path, current.version),
        });
        if (named !== undefined && !SIGNATURE_ONLY.has(named)) {
          // A processed copy of the genuine delivery makes the genuine one its duplicate (Mercado Pago's
          // resend of a delivery already handled): it reported the state of its time.
          if (use.copied === 'yes') return { kind: 'duplicate' };
          if (use.copied === 'maybe') return { kind: 'unknown' };
          return { kind: 'state', path, version: current.version };
        }
        name = named ?? 'notification.unhandled';
      } else {
        name = GENUINE_SIGNATURE_ONLY_NAMES[capture.family] ?? String(capture.action);
      }
      if (capture.stale) return { kind: 'nothing', why: 'its signature is stale' };
      if (use.spentBy.length > 0)
        return { kind: 'nothing', why: `its signature was spent by probe ${use.spentBy[0]}` };
      if (use.usedFrom !== undefined)
        return { kind: 'nothing', why: 'its signature was used by a processed delivery' };
      if (use.maybeUsed) return { kind: 'unknown' };
      return { kind: 'event', name, subject: capture.subject };
    },

    stateReported: (path, version) => states.has(`${path}#${version}`),

    forget(capture) {
      uses.delete(capture.serial);
    },
  };
}
