import { runTrustOracle } from '../../tools/trust-oracle.js';

// A sample of the trust oracle `npm run fuzz` runs by the hundred thousand (tools/trust-oracle.ts): captured genuine
// signatures copied onto other topics, channels, ids, actions and bodies, sent to a real router over loopback HTTP.
// An independent model of the trust rule judges every event, and every genuine delivery must keep its event.

describe('trust oracle (property-based)', () => {
  it("names every event from signed values or the API's answer only, and loses no genuine event", async () => {
    const figures = await runTrustOracle(1_500, { seed: 20_261_204, batch: 100 });
    expect(figures.firstViolations).toEqual([]);
    expect(figures.violations).toBe(0);
    expect(figures.cases).toBeGreaterThanOrEqual(1_500);
    // Both kinds of event, and genuine deliveries checked each way, or the properties would hold vacuously.
    expect(figures.readNamedEvents).toBeGreaterThan(0);
    expect(figures.signatureOnlyEvents).toBeGreaterThan(0);
    expect(figures.genuineChecks.state).toBeGreaterThan(0);
    expect(figures.genuineChecks.event).toBeGreaterThan(0);
    expect(figures.genuineChecks.nothing).toBeGreaterThan(0);
  }, 60_000);
});
