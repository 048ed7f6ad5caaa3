import {
  forgeriesOf,
  genuineDelivery,
  runForgeryInProcess,
  runForgeryOverHttp,
  type ForgeryKind,
} from '../../tools/forgery.js';
import { signNotification } from '../../src/index.js';
import { TOOL_SECRET } from '../../tools/fuzz-setup.js';

// A sample of the million forgery attempts `npm run fuzz` makes (tools/forgery.ts).

const ALL_KINDS: ForgeryKind[] = [
  'v1-byte',
  'v1-shape',
  'ts-byte',
  'data.id-byte',
  'x-request-id-byte',
  'wrong-secret',
  'truncated-secret',
  'neighbouring-secret',
  'casing-trick',
  'replay-other-type',
  'replay-other-body',
];

describe('forgeries of genuine deliveries', () => {
  it('derives every kind of forgery, none of which carries the genuine header for what it sends', () => {
    const genuine = genuineDelivery('ORD01FUZZ00000000000000000001', 'order', 1_766_237_532);
    const forgeries = [...forgeriesOf(genuine)];
    expect(new Set(forgeries.map((f) => f.kind))).toEqual(new Set(ALL_KINDS));
    for (const forgery of forgeries) {
      if (forgery.kind.startsWith('replay')) continue; // the genuine signature, sent with another type or body
      const honest = [forgery.dataId, forgery.dataId.toLowerCase()].map((dataId) =>
        signNotification({
          secret: TOOL_SECRET,
          dataId,
          requestId: forgery.headers['x-request-id'],
          ts: genuine.ts,
        }),
      );
      expect(honest).not.toContain(forgery.headers['x-signature']);
    }
  });

  it('accepts none of 30,000 forgeries through the router in process, and reads and stores nothing for them', async () => {
    const figures = await runForgeryInProcess(30_000);
    expect(figures.attempts).toBeGreaterThanOrEqual(30_000);
    expect(figures.genuineEmitted).toBeGreaterThan(0);
    expect(figures.accepted).toBe(0);
    expect(figures.apiReadsByForgeries).toBe(0);
    expect(figures.storeWritesByForgeries).toBe(0);
    expect(figures.replayReadsOfOtherIds).toBe(0);
    expect(Object.keys(figures.byKind).sort()).toEqual([...ALL_KINDS].sort());
  }, 60_000);

  it('accepts none of the forgeries of a genuine delivery sent over HTTP, sixteen at a time', async () => {
    const figures = await runForgeryOverHttp(1);
    expect(figures.attempts).toBeGreaterThan(2_000);
    expect(figures.genuineEmitted).toBe(1);
    expect(figures.accepted).toBe(0);
    expect(figures.apiReadsByForgeries).toBe(0);
    expect(figures.replayReadsOfOtherIds).toBe(0);
  }, 60_000);
});
