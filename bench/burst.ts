// Sends requests all at once over connections opened beforehand, so that they reach the server together.
import { Agent, request } from 'node:http';
import type { BenchRequest } from './deliveries.js';

function send(
  agent: Agent,
  url: URL,
  req: Pick<BenchRequest, 'path' | 'headers' | 'body'> & { method: string },
) {
  return new Promise<number>((resolve, reject) => {
    const outgoing = request(
      { agent, host: url.hostname, port: url.port, method: req.method, path: req.path, headers: req.headers },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      },
    );
    outgoing.once('error', reject);
    outgoing.end(req.body);
  });
}

/** Opens one connection per request (a warm-up GET each), then sends every request at once; returns the statuses. */
export async function burst(baseUrl: string, requests: readonly BenchRequest[]): Promise<number[]> {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: requests.length });
  try {
    await Promise.all(
      requests.map(() => send(agent, url, { method: 'GET', path: '/', headers: {}, body: '' })),
    );
    return await Promise.all(requests.map((req) => send(agent, url, req)));
  } finally {
    agent.destroy();
  }
}
