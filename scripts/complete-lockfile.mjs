// Adds the optional platform packages (@swc/core-darwin-arm64, @rollup/rollup-win32-x64-msvc, ...) that
// package-lock.json lacks when it was written against a registry that does not serve them all. npm
// install skips an optional package it cannot fetch and leaves it out of the lockfile, and `npm ci` then
// refuses the lockfile ("Missing: @swc/core-darwin-arm64@ from lock file"). Each added entry carries the
// version the parent asks for and the os/cpu/libc read from its name, so npm skips it on other platforms
// exactly as it does with a complete lockfile. Run `npm run lockfile:complete` after `npm install`.
import { readFileSync, writeFileSync } from 'node:fs';

const LOCKFILE = new URL('../package-lock.json', import.meta.url);
const OPERATING_SYSTEMS = new Set([
  'aix',
  'android',
  'darwin',
  'freebsd',
  'linux',
  'netbsd',
  'openbsd',
  'openharmony',
  'sunos',
  'win32',
]);
const CPUS = new Set(['arm', 'arm64', 'ia32', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x', 'x64']);

/** Reads `os`, `cpu` and `libc` from names such as `core-linux-arm-gnueabihf` or `rollup-win32-x64-msvc`. */
function platformOf(name) {
  const parts = name.slice(name.lastIndexOf('/') + 1).split('-');
  const osIndex = parts.findIndex((part) => OPERATING_SYSTEMS.has(part));
  if (osIndex === -1 || !CPUS.has(parts[osIndex + 1])) return {};
  const os = parts[osIndex];
  const platform = { cpu: [parts[osIndex + 1]], os: [os] };
  const abi = parts.slice(osIndex + 2).join('-');
  if (os === 'linux' && abi.startsWith('musl')) platform.libc = ['musl'];
  else if (os === 'linux' && abi.startsWith('gnu')) platform.libc = ['glibc'];
  return platform;
}

/** Whether `name` resolves from the package at `parentKey`, walking up the node_modules folders. */
function resolves(packages, parentKey, name) {
  let dir = parentKey;
  for (;;) {
    if (packages[`${dir === '' ? '' : `${dir}/`}node_modules/${name}`]) return true;
    if (dir === '') return false;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}

const lock = JSON.parse(readFileSync(LOCKFILE, 'utf8'));
const added = [];
for (const [parentKey, parent] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(parent.optionalDependencies ?? {})) {
    if (resolves(lock.packages, parentKey, name)) continue;
    const entry = { version, ...(parent.dev ? { dev: true } : {}), optional: true, ...platformOf(name) };
    lock.packages[`node_modules/${name}`] = entry;
    added.push(`${name}@${version}`);
  }
}
if (added.length > 0) {
  // Same order as npm writes: the root entry, then by key.
  lock.packages = Object.fromEntries(
    Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b, 'en')),
  );
  writeFileSync(LOCKFILE, `${JSON.stringify(lock, null, 2)}\n`);
}
console.log(
  `package-lock.json: added ${added.length} optional platform package(s)${added.length ? ':' : ''}`,
);
for (const name of added) console.log(`  ${name}`);
