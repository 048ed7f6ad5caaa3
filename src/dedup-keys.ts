import type { ReceivedDelivery } from './delivery.js';
import type { VerificationPlan } from './verification.js';

const SIGNATURE_KEY_PREFIX = 'signature:';

/** Keys of the delivery layer: the delivery itself (reference 4) and its single-use signature (issue: replay). */
export function deliveryKeys(delivery: ReceivedDelivery, plan: VerificationPlan): string[] {
  const keys: string[] = [];
  const version = (delivery.body as { version?: unknown } | undefined)?.version;
  if (delivery.channel === 'wallet_connect' && delivery.id !== undefined) {
    // The body is unsigned: only a string or number is a version; anything else could not even be printed.
    const versionText = typeof version === 'string' || typeof version === 'number' ? String(version) : '';
    keys.push(`delivery:wallet_connect:${delivery.id}:${versionText}`);
  } else if (delivery.requestId !== undefined) {
    keys.push(
      `delivery:${delivery.channel}:${delivery.topic}:${delivery.resourceId ?? ''}:${delivery.requestId}`,
    );
  }
  if (plan.signature !== undefined)
    keys.push(`${SIGNATURE_KEY_PREFIX}${plan.signature.ts}:${plan.signature.hash}`);
  return keys;
}

/** Whether a processed key is a signature's (the signature was replayed) rather than the delivery's (a resend). */
export function isSignatureKey(key: string): boolean {
  return key.startsWith(SIGNATURE_KEY_PREFIX);
}
