import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { MercadoPagoNotificationError } from '../../src/errors.js';
import { EVENT_NAMES, type EventName } from '../../src/event-names.js';
import { createEventRegistry } from '../../src/events.js';
import { createRedactor } from '../../src/redact.js';
import type { AnyMercadoPagoEvent, ErrorHandler, EventHandler } from '../../src/types.js';
import { sleep } from '../helpers/timing.js';

/** A minimal event; the registry only routes on name and topic. */
function eventOf(name: EventName, resourceId = '1'): AnyMercadoPagoEvent {
  return {
    name,
    topic: name.slice(0, name.indexOf('.')),
    resourceId,
    resource: undefined,
    verifiedBy: 'signature',
    delivery: {
      channel: 'webhook',
      id: undefined,
      action: undefined,
      topic: 'payment',
      type: 'payment',
      userId: undefined,
      applicationId: undefined,
      liveMode: undefined,
      requestId: undefined,
      retry: undefined,
      receivedAt: new Date(0),
      query: {},
      body: undefined,
    },
  } as unknown as AnyMercadoPagoEvent;
}

/** Runs a script in a fresh Node process that fails on any unhandled rejection; resolves with its exit code and output. */
function runStrict(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--unhandled-rejections=strict', '--input-type=module', '-e', script],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, EVENTS_MODULE: EVENTS_MODULE_PATH, ERRORS_MODULE: ERRORS_MODULE_PATH },
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : (error.code as number | null), stdout, stderr }),
    );
  });
}

const REPO_ROOT = join(__dirname, '..', '..');
const EVENTS_MODULE_PATH = join(REPO_ROOT, 'src', 'events.ts');
const ERRORS_MODULE_PATH = join(REPO_ROOT, 'src', 'errors.ts');

/** Emits a failing listener to onError handlers that throw, reject, and reject with a non-Error. */
const ON_ERROR_FAILURES_SCRIPT = `
const { createEventRegistry } = await import(process.env.EVENTS_MODULE);
const { MercadoPagoNotificationError } = await import(process.env.ERRORS_MODULE);
const registry = createEventRegistry((text) => text);
const reported = [];
registry.onError(() => { throw new Error('onError threw'); });
registry.onError(async () => { throw new Error('onError rejected'); });
registry.onError(() => Promise.reject(Object.create(null)));
registry.onError((error) => { reported.push(error.code); });
registry.on('payment.approved', async () => { throw new Error('listener failed'); });
const failures = await registry.emit({ name: 'payment.approved', topic: 'payment', resourceId: '1' });
registry.reportError(new MercadoPagoNotificationError('INTERNAL_ERROR', 'direct'));
await new Promise((resolve) => setTimeout(resolve, 50));
console.log(JSON.stringify({ failures: failures.map((f) => f.code), reported }));
`;

describe('event registry routing', () => {
  it('calls a listener for its event name only', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const heard: string[] = [];
    registry.on('payment.approved', (e) => void heard.push(e.name));
    await registry.emit(eventOf('payment.approved'));
    await registry.emit(eventOf('payment.pending'));
    await registry.emit(eventOf('merchant_order.closed'));
    expect(heard).toEqual(['payment.approved']);
  });

  it('calls a topic listener for every event of the topic and no other', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const heard: string[] = [];
    registry.on('payment', (e) => void heard.push(e.name));
    for (const name of [
      'payment.pending',
      'payment.approved',
      'merchant_order.closed',
      'order.processed',
    ] as const) {
      await registry.emit(eventOf(name));
    }
    expect(heard).toEqual(['payment.pending', 'payment.approved']);
  });

  it('calls onAny listeners for every event', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const heard: string[] = [];
    registry.onAny((e) => void heard.push(e.name));
    await registry.emit(eventOf('payment.approved'));
    await registry.emit(eventOf('notification.unhandled'));
    expect(heard).toEqual(['payment.approved', 'notification.unhandled']);
  });

  it('passes the event object itself to the listener', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const event = eventOf('chargeback.opened', '233000061680860123');
    let received: unknown;
    registry.on('chargeback.opened', (e) => {
      received = e;
    });
    await registry.emit(event);
    expect(received).toBe(event);
  });

  it('stops calling a listener removed with off', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const heard: string[] = [];
    const handler = (e: { name: string }): void => void heard.push(e.name);
    registry.on('payment.approved', handler);
    registry.on('payment', handler);
    registry.off('payment.approved', handler);
    await registry.emit(eventOf('payment.approved'));
    registry.off('payment', handler);
    await registry.emit(eventOf('payment.approved'));
    expect(heard).toEqual(['payment.approved']);
  });

  it('keeps other listeners when one is removed, and ignores removing an unknown one', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const heard: string[] = [];
    const first = (): void => void heard.push('first');
    const second = (): void => void heard.push('second');
    registry.on('payment.approved', first);
    registry.on('payment.approved', second);
    registry.off('payment.approved', first);
    registry.off('payment.pending', second);
    await registry.emit(eventOf('payment.approved'));
    expect(heard).toEqual(['second']);
  });

  it('runs the listeners of one event concurrently', async () => {
    const registry = createEventRegistry(createRedactor([]));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const order: string[] = [];
    registry.on('payment.approved', async () => {
      order.push('a started');
      await gate;
      order.push('a finished');
    });
    registry.on('payment', () => {
      order.push('b started');
      release();
    });
    await registry.emit(eventOf('payment.approved'));
    expect(order).toEqual(['a started', 'b started', 'a finished']);
  });

  it('waits for async listeners before resolving', async () => {
    const registry = createEventRegistry(createRedactor([]));
    let done = false;
    registry.on('payment.approved', async () => {
      await sleep(20);
      done = true;
    });
    await expect(registry.emit(eventOf('payment.approved'))).resolves.toEqual([]);
    expect(done).toBe(true);
  });

  it('resolves with no failures when there are no listeners', async () => {
    await expect(createEventRegistry(createRedactor([])).emit(eventOf('payment.approved'))).resolves.toEqual(
      [],
    );
  });

  it('accepts every event name and every topic', () => {
    const registry = createEventRegistry(createRedactor([]));
    for (const name of EVENT_NAMES) {
      expect(() => registry.on(name, () => undefined)).not.toThrow();
      const topic = name.slice(0, name.indexOf('.')) as Parameters<typeof registry.on>[0];
      expect(() => registry.on(topic, () => undefined)).not.toThrow();
    }
  });
});

describe('event registry argument checks', () => {
  const on = (name: unknown, handler: unknown = () => undefined): void =>
    createEventRegistry(createRedactor([])).on(
      name as EventName,
      handler as EventHandler<AnyMercadoPagoEvent>,
    );

  it.each([
    ['a misspelled name', 'payment.aproved'],
    ['an unknown name', 'nope'],
    ['an unknown topic', 'refund'],
    ['an empty string', ''],
    ['a name with a trailing dot', 'payment.'],
    ['a name in upper case', 'PAYMENT.APPROVED'],
    ['the raw topic as sent', 'topic_chargebacks_wh'],
    ['a number', 42],
    ['undefined', undefined],
  ])('throws a TypeError on %s', (_label, name) => {
    expect(() => on(name)).toThrow(TypeError);
  });

  it('names the unknown event in the TypeError', () => {
    expect(() => on('payment.aproved')).toThrow('"payment.aproved"');
  });

  it('throws a TypeError pointing to onAny for "*"', () => {
    expect(() => on('*')).toThrow(TypeError);
    expect(() => on('*')).toThrow('onAny');
  });

  it.each([
    [
      'on',
      (registry: ReturnType<typeof createEventRegistry>, h: unknown) => registry.on('payment', h as never),
    ],
    ['onAny', (registry: ReturnType<typeof createEventRegistry>, h: unknown) => registry.onAny(h as never)],
    [
      'onError',
      (registry: ReturnType<typeof createEventRegistry>, h: unknown) => registry.onError(h as never),
    ],
  ])('throws a TypeError when %s gets a handler that is not a function', (method, register) => {
    for (const handler of [undefined, null, 'fn', {}]) {
      expect(() => register(createEventRegistry(createRedactor([])), handler)).toThrow(TypeError);
      expect(() => register(createEventRegistry(createRedactor([])), handler)).toThrow(method);
    }
  });
});

describe('event registry failures', () => {
  it('collects a throwing listener as LISTENER_FAILED with the thrown error as cause', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const boom = new Error('boom');
    registry.on('payment.approved', () => {
      throw boom;
    });
    const failures = await registry.emit(eventOf('payment.approved'));
    expect(failures).toHaveLength(1);
    const [failure] = failures;
    expect(failure).toBeInstanceOf(MercadoPagoNotificationError);
    expect(failure?.code).toBe('LISTENER_FAILED');
    expect(failure?.status).toBe(500);
    expect(failure?.cause).toBe(boom);
    expect(failure?.message).toContain('payment.approved');
    expect(failure?.message).toContain('boom');
  });

  it('collects a rejecting listener and still runs the others', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const ran: string[] = [];
    registry.on('payment.approved', async () => {
      ran.push('rejecting');
      throw new Error('async boom');
    });
    registry.on('payment', () => void ran.push('topic'));
    registry.onAny(() => void ran.push('any'));
    const failures = await registry.emit(eventOf('payment.approved'));
    expect(ran.sort()).toEqual(['any', 'rejecting', 'topic']);
    expect(failures.map((f) => f.code)).toEqual(['LISTENER_FAILED']);
    expect((failures[0]?.cause as Error).message).toBe('async boom');
  });

  it('collects one failure per failing listener', async () => {
    const registry = createEventRegistry(createRedactor([]));
    registry.on('payment.approved', () => {
      throw new Error('one');
    });
    registry.onAny(async () => Promise.reject(new Error('two')));
    const failures = await registry.emit(eventOf('payment.approved'));
    expect(failures.map((f) => (f.cause as Error).message).sort()).toEqual(['one', 'two']);
  });

  it('reports every listener failure to onError together with the event', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const reported: Array<Parameters<ErrorHandler>> = [];
    registry.onError((error, event) => void reported.push([error, event]));
    registry.on('payment.approved', () => {
      throw new Error('boom');
    });
    const event = eventOf('payment.approved');
    const failures = await registry.emit(event);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.[0]).toBe(failures[0]);
    expect(reported[0]?.[1]).toBe(event);
  });

  it('does not call onError when every listener succeeds', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const reported: unknown[] = [];
    registry.onError((error) => void reported.push(error));
    registry.on('payment.approved', () => undefined);
    await registry.emit(eventOf('payment.approved'));
    expect(reported).toEqual([]);
  });

  it.each([
    ['a string', 'plain string', 'plain string'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a number', 42, '42'],
    ['a plain object', { reason: 'x' }, '[object Object]'],
    ['an object that cannot be printed', Object.create(null) as object, 'cannot be printed'],
  ])('wraps a thrown non-Error value (%s) and keeps it as cause', async (_label, thrown, inMessage) => {
    const registry = createEventRegistry(createRedactor([]));
    registry.on('payment.approved', () => {
      throw thrown;
    });
    const [failure] = await registry.emit(eventOf('payment.approved'));
    expect(failure?.code).toBe('LISTENER_FAILED');
    expect(failure?.cause).toBe(thrown);
    expect(failure?.message).toContain(inMessage);
  });

  it('survives an onError handler that throws, and still calls the next one', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const reported: string[] = [];
    registry.onError(() => {
      throw new Error('onError threw');
    });
    registry.onError((error) => void reported.push(error.code));
    registry.on('payment.approved', () => {
      throw new Error('boom');
    });
    await expect(registry.emit(eventOf('payment.approved'))).resolves.toHaveLength(1);
    expect(reported).toEqual(['LISTENER_FAILED']);
  });

  it('still calls the next onError handler when one rejects', async () => {
    const registry = createEventRegistry(createRedactor([]));
    const reported: string[] = [];
    registry.onError(async () => Promise.reject(new Error('onError rejected')));
    registry.onError((error) => void reported.push(error.code));
    registry.on('payment.approved', async () => Promise.reject(new Error('boom')));
    await registry.emit(eventOf('payment.approved'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(reported).toEqual(['LISTENER_FAILED']);
  });

  it('leaves no unhandled rejection when onError handlers throw or reject (strict Node process)', async () => {
    const result = await runStrict(ON_ERROR_FAILURES_SCRIPT);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      failures: ['LISTENER_FAILED'],
      reported: ['LISTENER_FAILED', 'INTERNAL_ERROR'],
    });
  });

  it('exits non-zero in the strict Node process when a rejection is unhandled (control)', async () => {
    const result = await runStrict(
      `${ON_ERROR_FAILURES_SCRIPT}\nPromise.reject(new Error('deliberately unhandled'));`,
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('deliberately unhandled');
  });

  it('reports an error without an event to onError with event undefined', () => {
    const registry = createEventRegistry(createRedactor([]));
    const reported: Array<Parameters<ErrorHandler>> = [];
    registry.onError((error, event) => void reported.push([error, event]));
    const error = new MercadoPagoNotificationError('API_TIMEOUT', 'slow');
    registry.reportError(error);
    expect(reported).toEqual([[error, undefined]]);
  });
});
