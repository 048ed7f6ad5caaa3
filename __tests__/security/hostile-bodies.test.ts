import { createApp } from '../helpers/app.js';
import { answerOf } from '../helpers/answers.js';
import { send, walletConnectBody } from '../helpers/deliveries.js';
import { apiOptions, useFakeApi } from '../helpers/fake-api.js';

// Regressions found by `npm run fuzz`: unsigned body fields that used to break the router.

const api = useFakeApi();
const AGREEMENT = '22abcd1235ed497f945f755fcaba3c6c';

describe('hostile body fields', () => {
  it.each([
    ['an object whose toString is not a function', { toString: 1 }],
    ['an object without a prototype chain', { valueOf: null, toString: null }],
  ])(
    'answers a Wallet Connect delivery whose version is %s without INTERNAL_ERROR, and emits once',
    async (_label, version) => {
      api.set(`/v2/wallet_connect/agreements/${AGREEMENT}`, { id: AGREEMENT, status: 'confirmed_by_user' });
      const { app, events, errors } = createApp(apiOptions(api));
      const body = JSON.stringify(walletConnectBody(AGREEMENT, 'confirmed_by_user', { version }));
      const delivery = {
        path: '/mp/wallet-connect',
        query: {},
        headers: { 'content-type': 'application/json' },
        body,
      };
      expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
      expect(answerOf(await send(app, delivery))).toEqual([200, undefined]);
      expect(events.map((e) => e.name)).toEqual(['agreement.confirmed']);
      expect(errors).toEqual([]);
    },
  );
});
