import { runAdversarial } from '../../tools/adversarial.js';

// A sample of the adversarial requests `npm run fuzz` sends by the hundred thousand (tools/adversarial.ts): odd
// queries, headers and bodies, genuine and broken signatures, sent in concurrent batches to a real router.

describe('adversarial requests (property-based)', () => {
  it('keeps answering, leaks nothing and runs listeners only for signature-verified or API-confirmed deliveries', async () => {
    const figures = await runAdversarial(2_000, { batch: 100 });
    expect(figures.cases).toBeGreaterThanOrEqual(2_000);
    expect(figures.unverifiedEvents).toBe(0);
    expect(figures.leakyAnswers).toBe(0);
    expect(figures.escapedErrors).toBe(0);
    expect(figures.internalErrors).toBe(0);
    // The sample must reach listeners both ways, or the property above would hold vacuously.
    expect(figures.eventsBySignature).toBeGreaterThan(0);
    expect(figures.eventsByApiRead).toBeGreaterThan(0);
    expect(Object.keys(figures.byStatus).sort()).toEqual(expect.arrayContaining(['200', '400', '401']));
  }, 120_000);
});
