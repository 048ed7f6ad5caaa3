import type { send } from './deliveries.js';

/** What {@link send} resolves with: supertest's response. */
export type Answer = Awaited<ReturnType<typeof send>>;

/** Status and error code of an answer, so one assertion checks both: `[200, undefined]`, `[401, 'SIGNATURE_MISMATCH']`. */
export function answerOf(res: Answer): [number, string | undefined] {
  const body = res.body as { error?: { code?: string } } | undefined;
  return [res.status, body?.error?.code];
}
