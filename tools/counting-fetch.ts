// A fetch for the router that counts its API reads in flight: the trust oracle waits for them to end before it
// checks what work after an early 200 did, and the answer-first flood reports their peak.

/** globalThis.fetch with a count of the calls not yet answered. */
export interface CountingFetch {
  readonly fetch: typeof fetch;
  /** Reads sent whose answer has not arrived. */
  inFlight(): number;
  /** The most reads that were in flight at once. */
  peak(): number;
}

export function createCountingFetch(): CountingFetch {
  let inFlight = 0;
  let peak = 0;
  return {
    async fetch(...args) {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        return await globalThis.fetch(...args);
      } finally {
        inFlight--;
      }
    },
    inFlight: () => inFlight,
    peak: () => peak,
  };
}
