// `npm install` on a fresh clone must leave the checkout clean: npm rewrites package-lock.json whenever its root
// entry (packages[""]) disagrees with package.json, as it did when the `bin` entry was missing (issue 12).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>;

/** The package.json fields npm copies into the lockfile's root entry. */
const MIRRORED_FIELDS = [
  'name',
  'version',
  'license',
  'bin',
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'engines',
] as const;

/** npm writes bin paths without the leading `./`. */
function normalize(field: string, value: unknown): unknown {
  if (field !== 'bin' || typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, path]) => [name, String(path).replace(/^\.\//, '')]),
  );
}

describe('package-lock.json', () => {
  const pkg = readJson('package.json');
  const lock = readJson('package-lock.json') as {
    name?: unknown;
    version?: unknown;
    packages?: Record<string, Record<string, unknown>>;
  };
  const root = lock.packages?.[''] ?? {};

  it.each(MIRRORED_FIELDS)('root entry carries package.json `%s` as npm install writes it', (field) => {
    expect(normalize(field, root[field])).toEqual(normalize(field, pkg[field]));
  });

  it('names the same package and version at its top level', () => {
    expect({ name: lock.name, version: lock.version }).toEqual({
      name: pkg['name'],
      version: pkg['version'],
    });
  });
});
