import { connect, type Socket } from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MercadoPagoNotificationsOptions } from '../../src/index.js';
import { createApp, type TestApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import { paymentWebhook, send, urlOf, type OutgoingDelivery } from '../helpers/deliveries.js';
import { apiOptions, storePayment, useFakeApi } from '../helpers/fake-api.js';
import { sleep } from '../helpers/timing.js';

// Bodies over the limit, slow senders, piles of concurrent copies and of forgeries: none may cost unbounded work.

const api = useFakeApi();

/** The app of `options` behind a real server on 127.0.0.1 (a raw socket needs one). */
async function listening(options: Partial<MercadoPagoNotificationsOptions>) {
  const test = createApp(apiOptions(api, options));
  const server: Server = test.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return { ...test, port, close };
}

/** A raw connection that records what the server answered and whether it closed the connection. */
function rawClient(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  const state = { answer: '', closed: false, written: 0 };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (state.answer += chunk));
  socket.on('close', () => (state.closed = true));
  socket.on('error', () => undefined); // writes after the server closed fail with EPIPE/ECONNRESET
  const write = (text: string) => {
    if (socket.destroyed || state.closed) return;
    state.written += Buffer.byteLength(text);
    socket.write(text);
  };
  return { socket, state, write };
}

function head(delivery: OutgoingDelivery, extra: string): string {
  const headers = Object.entries(delivery.headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  return `POST ${urlOf(delivery)} HTTP/1.1\r\nhost: 127.0.0.1\r\n${headers}${extra}\r\n`;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('bodies over bodyLimitBytes', () => {
  it('answers 413 while a chunked oversize body is still streaming, and closes the connection instead of draining it', async () => {
    storePayment(api, '9101');
    const server = await listening({ bodyLimitBytes: 4_096 });
    const client = rawClient(server.port);
    try {
      client.write(head(paymentWebhook('9101'), 'transfer-encoding: chunked\r\n'));
      const chunk = `400\r\n${'x'.repeat(1024)}\r\n`;
      // Up to 4 MiB, one KiB at a time: the answer must come long before the sender is done.
      for (let i = 0; i < 4096 && !client.state.closed && client.state.answer === ''; i++) {
        client.write(chunk);
        await sleep(2);
      }
      await waitFor(() => client.state.answer.includes('BODY_TOO_LARGE'), 'the 413 answer');
      expect(client.state.answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(client.state.answer.toLowerCase()).toContain('connection: close');
      expect(client.state.written).toBeLessThan(1024 * 1024);
      await waitFor(() => client.state.closed, 'the server to close the connection');
      expect(server.events).toEqual([]);
      expect(api.requests).toHaveLength(0);
    } finally {
      client.socket.destroy();
      await server.close();
    }
  });

  it('answers 413 from a Content-Length over the limit before any body byte is sent', async () => {
    const server = await listening({ bodyLimitBytes: 4_096 });
    const client = rawClient(server.port);
    try {
      client.write(head(paymentWebhook('9102'), 'content-length: 104857600\r\n'));
      await waitFor(() => client.state.answer.includes('BODY_TOO_LARGE'), 'the 413 answer');
      expect(client.state.answer).toMatch(/^HTTP\/1\.1 413 /);
      await waitFor(() => client.state.closed, 'the server to close the connection');
    } finally {
      client.socket.destroy();
      await server.close();
    }
  });
});

describe('slow senders and bodyTimeoutMs', () => {
  it('answers 408 BODY_TIMEOUT to a client that stops sending its body, closes the connection and reads nothing', async () => {
    storePayment(api, '9103');
    const server = await listening({ bodyTimeoutMs: 300 });
    const client = rawClient(server.port);
    try {
      client.write(head(paymentWebhook('9103'), 'content-length: 100\r\n'));
      client.write('{"type":"pay');
      await waitFor(() => client.state.answer !== '', 'an answer');
      expect(client.state.answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(client.state.answer).toContain('"code":"BODY_TIMEOUT"');
      await waitFor(() => client.state.closed, 'the server to close the connection');
      expect(server.events).toEqual([]);
      expect(server.errors.map((e) => e.error.code)).toEqual(['BODY_TIMEOUT']);
      expect(api.requests).toHaveLength(0);
    } finally {
      client.socket.destroy();
      await server.close();
    }
  });

  it('accepts a body that arrives in pieces within bodyTimeoutMs', async () => {
    storePayment(api, '9104');
    const server = await listening({ bodyTimeoutMs: 5_000 });
    const client = rawClient(server.port);
    try {
      const delivery = paymentWebhook('9104');
      client.write(head(delivery, `content-length: ${Buffer.byteLength(delivery.body)}\r\n`));
      for (const piece of delivery.body.match(/.{1,20}/g) ?? []) {
        client.write(piece);
        await sleep(20);
      }
      await waitFor(() => client.state.answer !== '', 'an answer');
      expect(client.state.answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(server.events.map((e) => e.name)).toEqual(['payment.approved']);
    } finally {
      client.socket.destroy();
      await server.close();
    }
  });
});

describe('concurrent work', () => {
  it('reads the API once and runs the listener once for 100 concurrent copies of one delivery while the API is slow', async () => {
    const path = storePayment(api, '9105');
    api.fail(path, { delayMs: 300 });
    const { app, events }: TestApp = createApp(apiOptions(api));
    const delivery = paymentWebhook('9105');
    const answers = await Promise.all(Array.from({ length: 100 }, () => send(app, delivery)));
    expect(new Set(answers.map(answerOf).map(String))).toEqual(new Set(['200,']));
    expect(api.readsOf(path)).toBe(1);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
    // Nothing is left waiting: a later copy is answered from the store, without a read.
    expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
    expect(api.readsOf(path)).toBe(1);
  });

  it('reads nothing and records nothing for 200 concurrent forged copies, then processes the genuine one', async () => {
    const path = storePayment(api, '9106');
    const { app, events } = createApp(apiOptions(api));
    const genuine = paymentWebhook('9106');
    const signature = genuine.headers['x-signature'] ?? '';
    const forged = {
      ...genuine,
      headers: { ...genuine.headers, 'x-signature': `${signature.slice(0, -2)}00` },
    };
    const answers = await Promise.all(Array.from({ length: 200 }, () => send(app, forged)));
    expect(new Set(answers.map(answerOf).map(String))).toEqual(new Set(['401,SIGNATURE_MISMATCH']));
    expect(api.readsOf(path)).toBe(0);
    expect(answerOf(await send(app, genuine))).toEqual([200, undefined]);
    expect(events.map((e) => e.name)).toEqual(['payment.approved']);
  });
});
