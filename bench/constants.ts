// Values the load generator and the servers under test must agree on.

/** Path every server answers on, as Mercado Pago's Webhooks would call it (the router is mounted at /mp). */
export const WEBHOOK_PATH = '/mp/webhooks';
/** The secret every bench server is configured with (not a Mercado Pago secret). */
export const BENCH_SECRET = 'BENCH-SECRET-not-a-real-mercadopago-secret';
/** The token the router reads the fake API with. */
export const BENCH_ACCESS_TOKEN = 'APP_USR-bench';
