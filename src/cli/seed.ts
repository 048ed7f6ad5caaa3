// Seed resources for `fake-api --seed <dir>`: every *.json file of the directory is one resource in the format
// of the package's resource fixtures, `{ "endpoint": "GET https://api.mercadopago.com/v1/payments/123",
// "resource": { ... } }` (the endpoint may also be a bare path, `/v1/payments/123`).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, stringify } from 'lossless-json';
import { UsageError } from './input.js';

/** The resources to serve, by API path, as JSON text (big integers keep every digit). */
export async function loadSeed(dir: string): Promise<Map<string, string>> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read the seed directory ${dir}: ${error.code ?? error.message}`);
  });
  const resources = new Map<string, string>();
  // Sorted, so that when two files name one endpoint the last one wins, the same way on every machine.
  for (const name of names.filter((file) => file.endsWith('.json')).sort()) {
    const file = join(dir, name);
    let parsed: unknown;
    try {
      parsed = parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
    }
    const { endpoint, resource } = (parsed ?? {}) as { endpoint?: unknown; resource?: unknown };
    const path = typeof endpoint === 'string' ? endpointPath(endpoint) : undefined;
    if (path === undefined || typeof resource !== 'object' || resource === null) {
      throw new UsageError(
        `${file} must hold { "endpoint": "GET https://api.mercadopago.com/<path>" or "/<path>", "resource": {...} }`,
      );
    }
    resources.set(path, stringify(resource) ?? '');
  }
  return resources;
}

/** `GET https://api.mercadopago.com/v1/payments/1` or `/v1/payments/1` to `/v1/payments/1`. */
function endpointPath(endpoint: string): string | undefined {
  const target = endpoint.replace(/^GET\s+/i, '').trim();
  if (target.startsWith('/')) return target.split('?')[0];
  try {
    return new URL(target).pathname;
  } catch {
    return undefined;
  }
}
