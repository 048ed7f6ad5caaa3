import express from 'express';
import request from 'supertest';
import { createApp } from '../helpers/app.js';

// Runs only in the express4 jest project: proves the suites there really run on Express 4.
describe('the express4 project', () => {
  it('runs on Express 4, which still has express.query (removed in 5)', () => {
    expect(typeof (express as unknown as { query?: unknown }).query).toBe('function');
  });

  it('answers 400 INVALID_DELIVERY from a router built with Express 4', async () => {
    const { app } = createApp({ secret: 's', accessToken: 'TEST-token' });
    const res = await request(app).post('/mp/webhooks').send('{}');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: expect.objectContaining({ code: 'INVALID_DELIVERY' }) });
  });
});
