import { runRedeliverySimulation } from '../../tools/redelivery-simulator.js';

// The redelivery simulator (tools/redelivery-simulator.ts) plays Mercado Pago: Webhook and IPN copies, duplicates,
// resends of every non-2xx answer, forgeries, with faults in the API and in listeners. `npm run soak` runs it for
// minutes; this is a few seconds of it.

describe('redelivery under faults', () => {
  it('delivers every notified resource state to listeners exactly once after the faults stop', async () => {
    const figures = await runRedeliverySimulation({
      durationMs: 4_000,
      faultsOn: (ms) => ms < 2_500,
      concurrency: 6,
    });
    expect(figures.eventsExpected).toBeGreaterThan(20);
    expect(figures.eventsLost).toBe(0);
    expect(figures.eventsDoubled).toBe(0);
    expect(figures.eventsUnexpected).toBe(0);
    expect(figures.eventsDelivered).toBe(figures.eventsExpected);
    expect(figures.forgeriesRejected).toBe(figures.forgeriesSent);
    // The faults really happened and were recovered from by resends.
    expect(figures.apiFaultsInjected).toBeGreaterThan(0);
    expect(figures.listenerFaultsInjected).toBeGreaterThan(0);
    expect(figures.resends).toBeGreaterThan(0);
    expect(figures.duplicatesSuppressed).toBeGreaterThan(0);
  }, 90_000);
});
