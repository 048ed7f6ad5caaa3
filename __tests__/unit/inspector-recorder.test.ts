import { parseDelivery } from '../../src/delivery.js';
import { MercadoPagoNotificationError } from '../../src/errors.js';
import { createRecorder } from '../../src/inspector/recorder.js';
import { createRedactor } from '../../src/redact.js';
import { renderInspectorPage } from '../../src/inspector/page.js';
import type { InspectorEntry } from '../../src/inspector/trace.js';

const NOW_MS = Date.UTC(2026, 0, 15);
const SECRET = 'se"cret\\with-quote';

/** A Webhooks delivery of payment `id` whose x-request-id is `requestId`. */
function delivery(id: string, requestId = 'req-1') {
  return parseDelivery({
    url: `/mp/webhooks?data.id=${id}&type=payment`,
    headers: { 'x-request-id': requestId, 'x-signature': `ts=${NOW_MS / 1000},v1=${'ab'.repeat(32)}` },
    body: { action: 'payment.updated' },
    receivedAt: new Date(NOW_MS),
  });
}

const failed = { ok: false, error: new MercadoPagoNotificationError('INTERNAL_ERROR', 'x') } as const;

function recorder(max = 10) {
  const created = createRecorder({ max, redact: createRedactor([SECRET]), now: () => NOW_MS });
  const published: InspectorEntry[] = [];
  const unsubscribe = created.subscribe((json) => published.push(JSON.parse(json) as InspectorEntry));
  return { recorder: created, published, unsubscribe };
}

describe('createRecorder', () => {
  it('keeps the last `max` answered deliveries, oldest first', () => {
    const { recorder: r } = recorder(2);
    for (const id of ['1', '2', '3']) {
      const trace = r.begin(`/mp/webhooks?data.id=${id}`);
      trace.parsed(delivery(id));
      trace.answered(500, undefined, failed);
    }
    const snapshot = JSON.parse(r.snapshot()) as InspectorEntry[];
    expect(snapshot.map((e) => [e.id, e.resourceId])).toEqual([
      [2, '2'],
      [3, '3'],
    ]);
  });

  it('publishes nothing before the answer, then every update', () => {
    const { recorder: r, published } = recorder();
    const trace = r.begin('/mp/webhooks');
    trace.parsed(delivery('7'));
    trace.emitted('payment.approved', 1);
    expect(published).toEqual([]);
    trace.answered(503, undefined, failed);
    trace.listenersSettled([]);
    expect(published.map((e) => [e.id, e.listeners?.status])).toEqual([
      [1, 'running'],
      [1, 'ok'],
    ]);
  });

  it('drops the update of an entry that already left the buffer', () => {
    const { recorder: r, published } = recorder(1);
    const first = r.begin('/mp/webhooks');
    first.emitted('payment.approved', 1);
    first.answered(503, undefined, failed);
    r.begin('/mp/webhooks').answered(400, undefined, failed);
    first.listenersSettled([]);
    expect(published.map((e) => e.id)).toEqual([1, 2]);
  });

  it('stops calling a listener once it unsubscribed', () => {
    const { recorder: r, published, unsubscribe } = recorder();
    unsubscribe();
    r.begin('/mp/webhooks').answered(400, undefined, failed);
    expect(published).toEqual([]);
  });

  it('masks a secret in any field, however JSON escapes it', () => {
    const { recorder: r } = recorder();
    const trace = r.begin('/mp/webhooks');
    trace.parsed(delivery('8', `id-${SECRET}`));
    trace.answered(500, undefined, failed);
    const json = r.snapshot();
    expect(json).not.toContain(JSON.stringify(SECRET).slice(1, -1));
    expect((JSON.parse(json) as InspectorEntry[])[0]?.requestId).toBe('id-[secret]');
  });
});

describe('renderInspectorPage', () => {
  it('escapes the events path it embeds', () => {
    const html = renderInspectorPage({ eventsPath: `/a"><script>x</script>&'`, nonce: 'n', max: 1 });
    expect(html).toContain('data-events="/a&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;&#39;"');
    expect(html).not.toContain('"><script>x');
  });
});
