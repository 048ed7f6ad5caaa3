import { createHash } from 'node:crypto';
import type { ReceivedDelivery } from './delivery.js';
import type { VerificationPlan } from './verification.js';

/**
 * Every key the router stores is a fixed-size digest of verified values: the signed manifest values (`data.id`,
 * `x-request-id`, `ts`, as the matched hash stands for them), or the state of a resource read from the API.
 * Nothing a sender chooses freely (type, action, body, an unsigned x-request-id) goes into a key. The prefix
 * says which kind of sender can create the key.
 */
const SIGNATURE_KEY_PREFIX = 'sig:';

function digest(...parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('base64url');
}

/** The key of a used signature: what makes a signature-only event single-use. */
export function signatureKey(signature: { readonly ts: string; readonly hash: string }): string {
  return `${SIGNATURE_KEY_PREFIX}${digest(signature.ts, signature.hash)}`;
}

/**
 * Keys claimed before anything is read:
 * - a delivery whose event can only rest on its signature claims the signature itself (single-use);
 * - a signed delivery whose event is named by the read claims its copy key (topic, resource and signature), so
 *   a resend is answered without a read. It never claims the signature: a signature first spent on a
 *   signature-only event must not block the genuine delivery that carried it;
 * - an unsigned delivery claims nothing: its dedup rests on the state the read returns.
 */
export function deliveryKeys(delivery: ReceivedDelivery, plan: VerificationPlan): string[] {
  const { signature, spec } = plan;
  if (signature === undefined) return [];
  if (plan.signatureOnly || spec === undefined) return [signatureKey(signature)];
  return [`copy:${digest(spec.eventTopic, delivery.resourceId ?? '', signature.ts, signature.hash)}`];
}

/** The key of one state of a resource, from the read (see TopicSpec.stateKey). */
export function stateKey(state: string): string {
  return `event:${digest(state)}`;
}

/** The key recorded once an event for a resource was processed, for topics whose naming needs it. */
export function seenKey(eventTopic: string, resourceId: string): string {
  return `seen:${digest(eventTopic, resourceId)}`;
}

/** Whether a processed key is a signature's (the signature was replayed) rather than a copy's (a resend). */
export function isSignatureKey(key: string): boolean {
  return key.startsWith(SIGNATURE_KEY_PREFIX);
}
