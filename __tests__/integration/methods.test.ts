// Methods other than POST on the delivery paths: 405 with `Allow: POST` and the JSON error shape, never Express's
// HTML 404 page. Runs on Express 5 and on Express 4 (jest.config.cjs).
import request from 'supertest';
import { createApp, serveOnLoopback } from '../helpers/app.js';
import { paymentWebhook, send } from '../helpers/deliveries.js';
import { apiOptions, storePayment, useFakeApi } from '../helpers/fake-api.js';
import { openInspectorStream } from '../helpers/inspector.js';

const api = useFakeApi();
const PATHS = ['/mp/webhooks', '/mp/ipn', '/mp/wallet-connect'];
const METHODS = ['get', 'put', 'patch', 'delete', 'options'] as const;

describe('methods other than POST', () => {
  describe.each(PATHS)('on %s', (path) => {
    it.each(METHODS)('answers %s with 405, Allow: POST and {"error":{"code","message"}}', async (method) => {
      const { app, events, errors } = createApp(apiOptions(api));
      const res = await request(app)[method](`${path}?data.id=1&type=payment`).send('{}');
      expect({ status: res.status, allow: res.headers['allow'], type: res.type }).toEqual({
        status: 405,
        allow: 'POST',
        type: 'application/json',
      });
      expect(res.body).toEqual({
        error: {
          code: 'METHOD_NOT_ALLOWED',
          message: `[mercadopago-notifications] ${method.toUpperCase()} is not a delivery: Mercado Pago sends notifications with POST, the only method this path answers`,
        },
      });
      expect({ events, errors, reads: api.requests }).toEqual({ events: [], errors: [], reads: [] });
    });

    it('answers HEAD with 405 and Allow: POST, without a body', async () => {
      const { app } = createApp(apiOptions(api));
      const res = await request(app).head(path);
      expect({ status: res.status, allow: res.headers['allow'], text: res.text }).toEqual({
        status: 405,
        allow: 'POST',
        text: undefined,
      });
    });
  });

  it('answers 405 on custom paths and still processes a POST there', async () => {
    const { app, events } = createApp(apiOptions(api, { paths: { webhooks: '/hooks' } }));
    await request(app).get('/mp/hooks').expect(405).expect('allow', 'POST');
    await request(app).get('/mp/webhooks').expect(404);
    storePayment(api, '405');
    await send(app, { ...paymentWebhook('405'), path: '/mp/hooks' }).expect(200);
    expect(events.map((event) => event.name)).toEqual(['payment.approved']);
  });

  it('leaves other paths under the mount point to the app', async () => {
    const { app } = createApp(apiOptions(api));
    await request(app).get('/mp/elsewhere').expect(404);
  });

  it('shows the refused request in the inspector, not reached, with its code', async () => {
    const { app } = createApp(apiOptions(api, { inspector: true }));
    const served = await serveOnLoopback(app);
    const stream = await openInspectorStream(`${served.url}/mp/_inspector/events`);
    try {
      await fetch(`${served.url}/mp/webhooks?data.id=77&type=payment`);
      const entry = await stream.entry((e) => e.resourceId === '77');
      expect(entry).toMatchObject({
        topic: 'payment',
        verification: { status: 'not reached' },
        answer: { status: 405, error: { code: 'METHOD_NOT_ALLOWED' } },
      });
    } finally {
      stream.close();
      await served.close();
    }
  });
});
