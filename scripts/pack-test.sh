#!/usr/bin/env bash
# Pack test (STYLE.md section 6, after helmet test/project-setups/ and stripe testProjects/): builds the
# package, packs it with `npm pack`, installs the tarball into three throwaway projects under .pack-test/
# (CommonJS require, ESM import, TypeScript module nodenext) and checks what a user of the published
# package would see: the exports, the dual CJS/ESM entry points, the shipped .d.ts/.d.cts and the typed
# `on()`. It then compiles the README's Quick start and "Testing your listeners" snippets, extracted from
# README.md, in projects made with `tsc --init` (strict, exactOptionalPropertyTypes, module nodenext) with
# TypeScript 5.9 and 7, and checks that `npx mercadopago-notifications fake-api` stops on SIGTERM to npx without
# leaving a process or its port behind. Run it with `npm run test:pack`; it leaves .pack-test/ behind for
# inspection (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACK_DIR="$ROOT/.pack-test"
TSC="$ROOT/node_modules/.bin/tsc"
PKG_NAME="$(node -p 'require(process.argv[1]).name' "$ROOT/package.json")"
# The same signature input in every project, so CJS and ESM can be compared.
SIGN_INPUT="{ secret: 's', dataId: '123', requestId: 'r', ts: '1' }"
NPM_INSTALL=(npm install --no-audit --no-fund --prefer-offline --loglevel=error)
# The TypeScript the README promises besides the repository's own 5.9 (installed into its test project only).
TS_NEXT="typescript@7"
# devDependency VERSION: the repository's range for a package, so the README projects test what CI tests.
dev_range() { node -p 'require(process.argv[1]).devDependencies[process.argv[2]]' "$ROOT/package.json" "$1"; }
# What the README's "Testing your listeners" set-up installs.
TEST_TYPES=("@types/express@5" "@types/node@20" "@types/jest@$(dev_range @types/jest)"
  "supertest@$(dev_range supertest)" "@types/supertest@$(dev_range @types/supertest)")

step() { printf '\n[pack-test] %s\n' "$*"; }
trap 'printf "[pack-test] FAILED (line %s, exit %s)\n" "$LINENO" "$?" >&2' ERR

fail() {
  printf '[pack-test] FAILED: %s\n' "$*" >&2
  exit 1
}

[[ -x "$TSC" ]] || fail "$TSC not found: run npm ci first"

step "building"
(cd "$ROOT" && npm run build --silent)

step "packing into $PACK_DIR"
rm -rf "$PACK_DIR"
mkdir -p "$PACK_DIR"
TARBALL_NAME="$(cd "$ROOT" && npm pack --silent --pack-destination "$PACK_DIR" | tail -n 1)"
TARBALL="$PACK_DIR/$TARBALL_NAME"
[[ -f "$TARBALL" ]] || fail "npm pack did not produce $TARBALL"
echo "tarball: $TARBALL ($(wc -c <"$TARBALL") bytes)"

step "checking the tarball contents"
CONTENTS="$(tar -tzf "$TARBALL" | sed 's#^package/##' | sort)"
echo "$CONTENTS"
for required in package.json LICENSE dist/index.js dist/index.cjs dist/index.d.ts dist/index.d.cts \
  dist/testing.js dist/testing.cjs dist/testing.d.ts dist/testing.d.cts dist/cli.js; do
  grep -qx "$required" <<<"$CONTENTS" || fail "the tarball has no $required"
done
if grep -Eq '^(src|__tests__|example|bench|scripts|node_modules|coverage)/' <<<"$CONTENTS"; then
  fail "the tarball ships files outside dist/ (check \"files\" in package.json)"
fi

# new_project DIR TYPE [extra packages...]: package.json + install of the tarball and express 5.
new_project() {
  local dir="$PACK_DIR/$1" type="$2"
  shift 2
  mkdir -p "$dir"
  printf '{ "name": "pack-test-%s", "private": true, "type": "%s" }\n' "$(basename "$dir")" "$type" >"$dir/package.json"
  (cd "$dir" && "${NPM_INSTALL[@]}" "$TARBALL" express@5 "$@")
}

step "CommonJS project (require)"
new_project cjs commonjs
cat >"$PACK_DIR/cjs/check.cjs" <<EOF
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const pkg = require('$PKG_NAME');
const { mercadoPagoNotifications, signNotification, MercadoPagoNotificationError, redisStore } = pkg;

assert.match(require.resolve('$PKG_NAME'), /[\\\\/]dist[\\\\/]index\.cjs\$/, 'require() must load dist/index.cjs');
assert.equal(typeof mercadoPagoNotifications, 'function', 'mercadoPagoNotifications is a function');
assert.equal(typeof signNotification, 'function', 'signNotification is a function');
assert.equal(typeof MercadoPagoNotificationError, 'function', 'MercadoPagoNotificationError is a class');
assert.ok(MercadoPagoNotificationError.prototype instanceof Error, 'MercadoPagoNotificationError extends Error');
assert.equal(typeof redisStore, 'function', 'redisStore is a function');

const signature = signNotification($SIGN_INPUT);
assert.equal(typeof signature, 'string');
assert.ok(signature.startsWith('ts=1,v1='), 'unexpected signature: ' + signature);

// Whatever the package requires itself must come from this project: a dependency declared only in the
// repo's devDependencies would otherwise be found in the repo's node_modules, a few levels up. (Only
// the package's direct requires: debug, for one, tries an optional supports-color wherever it finds it.)
const here = __dirname + path.sep;
const entry = require.cache[require.resolve('$PKG_NAME')];
const outside = entry.children.map((child) => child.filename).filter((file) => !file.startsWith(here));
assert.deepEqual(outside, [], 'the package loads modules from outside the project: missing dependencies?');

// The test kit subpath: the same signer, and deliveries signed with it.
const testing = require('$PKG_NAME/testing');
assert.match(require.resolve('$PKG_NAME/testing'), /[\\\\/]dist[\\\\/]testing\.cjs\$/, 'require() must load dist/testing.cjs');
assert.equal(testing.signNotification($SIGN_INPUT), signature, 'the testing signer differs');
const delivery = testing.buildDelivery({ topic: 'payment', resourceId: '123', secret: 's', requestId: 'r', ts: '1' });
assert.equal(delivery.path, '/webhooks?data.id=123&type=payment');
assert.equal(delivery.headers['x-signature'], signature);
assert.equal(typeof testing.startFakeMercadoPagoApi, 'function');
assert.equal(typeof testing.triggerEvent, 'function');

process.stdout.write(signature);
EOF
CJS_SIGNATURE="$(cd "$PACK_DIR/cjs" && node check.cjs)"
echo "ok: $CJS_SIGNATURE"

step "ESM project (import)"
new_project esm module
cat >"$PACK_DIR/esm/check.mjs" <<EOF
import assert from 'node:assert/strict';
import { mercadoPagoNotifications, signNotification, MercadoPagoNotificationError, redisStore } from '$PKG_NAME';

assert.match(import.meta.resolve('$PKG_NAME'), /\/dist\/index\.js\$/, 'import must load dist/index.js');
assert.equal(typeof mercadoPagoNotifications, 'function', 'mercadoPagoNotifications is a function');
assert.equal(typeof signNotification, 'function', 'signNotification is a function');
assert.equal(typeof MercadoPagoNotificationError, 'function', 'MercadoPagoNotificationError is a class');
assert.ok(MercadoPagoNotificationError.prototype instanceof Error, 'MercadoPagoNotificationError extends Error');
assert.equal(typeof redisStore, 'function', 'redisStore is a function');

const signature = signNotification($SIGN_INPUT);
assert.equal(typeof signature, 'string');
assert.ok(signature.startsWith('ts=1,v1='), 'unexpected signature: ' + signature);

// The test kit subpath: a fake API that serves what is set, and deliveries for supertest.
const { buildDelivery, startFakeMercadoPagoApi } = await import('$PKG_NAME/testing');
assert.match(import.meta.resolve('$PKG_NAME/testing'), /\/dist\/testing\.js\$/, 'import must load dist/testing.js');
const api = await startFakeMercadoPagoApi({ resources: { '/v1/payments/123': { id: 123, status: 'approved' } } });
const answer = await fetch(api.url + '/v1/payments/123', { headers: { authorization: 'Bearer t' } });
assert.deepEqual(await answer.json(), { id: 123, status: 'approved' });
await api.close();
const delivery = buildDelivery({ topic: 'payment', resourceId: '123', secret: 's', requestId: 'r', ts: '1' });
assert.equal(delivery.headers['x-signature'], signature);
process.stdout.write(signature);
EOF
ESM_SIGNATURE="$(cd "$PACK_DIR/esm" && node check.mjs)"
echo "ok: $ESM_SIGNATURE"
[[ "$CJS_SIGNATURE" == "$ESM_SIGNATURE" ]] || fail "CJS and ESM signatures differ: $CJS_SIGNATURE vs $ESM_SIGNATURE"

step "TypeScript project (module nodenext, tsc $("$TSC" --version))"
new_project ts module @types/express@5 @types/node@20
cat >"$PACK_DIR/ts/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "strict": true,
    "noUncheckedIndexedAccess": true,
    "types": ["node"],
    "skipLibCheck": true,
    "outDir": "out",
    "rootDir": "src"
  },
  "include": ["src"]
}
EOF
mkdir -p "$PACK_DIR/ts/src"
# ESM consumer: resolves the "import" branch and dist/index.d.ts.
cat >"$PACK_DIR/ts/src/index.ts" <<EOF
import assert from 'node:assert/strict';
import { mercadoPagoNotifications, signNotification, MercadoPagoNotificationError, redisStore } from '$PKG_NAME';
import type { DeliveryStore, RedisStoreClient } from '$PKG_NAME';
import { buildDelivery, startFakeMercadoPagoApi, type BuiltDelivery, type FakeMercadoPagoApi } from '$PKG_NAME/testing';

type IsAny<T> = 0 extends 1 & T ? true : false;

export function register(mp: ReturnType<typeof mercadoPagoNotifications>): void {
  mp.on('payment.approved', (e) => e.resource.transaction_amount);
  mp.on('payment.approved', (e) => {
    const resourceIsAny: IsAny<typeof e.resource> = false;
    const amount: number | undefined = e.resource.transaction_amount;
    return [resourceIsAny, amount];
  });
  // @ts-expect-error: misspelled event names must not compile
  mp.on('payment.aproved', () => undefined);
}

// The Redis store's types compile without any Redis client package installed (this project has none).
export const storeFor = (client: RedisStoreClient): DeliveryStore => redisStore({ client, leaseMs: 30_000 });
const built: BuiltDelivery = buildDelivery({ topic: 'payment', resourceId: '1', secret: 's' });
const path: string = built.path;
assert.throws(
  // @ts-expect-error: buildDelivery needs a resource id
  () => buildDelivery({ topic: 'payment', secret: 's' }),
  TypeError,
);
export async function fake(): Promise<string> {
  const api: FakeMercadoPagoApi = await startFakeMercadoPagoApi({ resources: {} });
  api.set('/v1/payments/1', { id: 1 });
  await api.close();
  return api.url + path;
}

const errorClass: abstract new (...args: never[]) => Error = MercadoPagoNotificationError;
const signature: string = signNotification($SIGN_INPUT);
assert.ok(errorClass.prototype instanceof Error);
assert.ok(signature.startsWith('ts=1,v1='));
process.stdout.write(signature);
EOF
# CommonJS consumer in the same project: resolves the "require" branch and dist/index.d.cts.
cat >"$PACK_DIR/ts/src/require.cts" <<EOF
import assert = require('node:assert/strict');
import notifications = require('$PKG_NAME');
import testing = require('$PKG_NAME/testing');

const signature: string = notifications.signNotification($SIGN_INPUT);
const factory: typeof notifications.mercadoPagoNotifications = notifications.mercadoPagoNotifications;
assert.equal(typeof factory, 'function');
assert.equal(testing.buildDelivery({ topic: 'payment', resourceId: '1', secret: 's' }).method, 'POST');
// @ts-expect-error: misspelled exports must not compile
notifications.signNotifcation;
process.stdout.write(signature);
EOF
(cd "$PACK_DIR/ts" && "$TSC" -p tsconfig.json --listEmittedFiles)
# skipLibCheck above is what most projects use (the mercadopago SDK's own .d.ts does not pass a strict
# lib check). Check our shipped declarations anyway: any error reported inside them fails the test.
OWN_DTS_ERRORS="$(cd "$PACK_DIR/ts" && { "$TSC" -p tsconfig.json --noEmit --skipLibCheck false 2>&1 || true; } |
  grep -E "^node_modules/$PKG_NAME/" || true)"
[[ -z "$OWN_DTS_ERRORS" ]] || fail "the shipped declarations do not type-check:
$OWN_DTS_ERRORS"
TS_ESM_SIGNATURE="$(cd "$PACK_DIR/ts" && node out/index.js)"
TS_CJS_SIGNATURE="$(cd "$PACK_DIR/ts" && node out/require.cjs)"
[[ "$TS_ESM_SIGNATURE" == "$ESM_SIGNATURE" ]] || fail "compiled TS (ESM) signature differs: $TS_ESM_SIGNATURE"
[[ "$TS_CJS_SIGNATURE" == "$ESM_SIGNATURE" ]] || fail "compiled TS (CJS) signature differs: $TS_CJS_SIGNATURE"
echo "ok: type-checked, compiled and ran (ESM and CJS)"

# readme_project NAME TSC: a `tsc --init` project with the README's snippets, type-checked by TSC.
readme_project() {
  local dir="$PACK_DIR/$1" tsc="$2"
  (cd "$dir" && "$tsc" --init >/dev/null)
  # tsc --init leaves "types" empty (no global from node_modules/@types): a Node app with jest names its own.
  sed -i -E 's/"types": \[\],/"types": ["node", "jest"],/' "$dir/tsconfig.json"
  grep -q '"types": \["node", "jest"\]' "$dir/tsconfig.json" || fail "$1: tsc --init wrote no \"types\": [] to edit"
  for option in '"strict": true' '"exactOptionalPropertyTypes": true' '"module": "nodenext"'; do
    grep -q "$option" "$dir/tsconfig.json" || fail "$1: tsc --init no longer sets $option"
  done
  # The Quick start's `fulfil` is the user's own code.
  printf 'export async function fulfil(reference: string | undefined): Promise<void> {\n  void reference;\n}\n' \
    >"$dir/orders.ts"
  node "$ROOT/scripts/readme-snippets.mjs" "$ROOT/README.md" "$dir" '## Quick start' '### Testing your listeners'
  cat >"$dir/options.ts" <<EOF
// Every optional member of every public option type accepts undefined (exactOptionalPropertyTypes is on).
import type {
  InspectorOptions,
  MercadoPagoNotificationsOptions as RouterOptions,
  NotificationUrlOptions,
  RedisStoreOptions,
  SignNotificationOptions,
} from '$PKG_NAME';
import type { BuildDeliveryOptions, FakeMercadoPagoApiOptions, TriggerEventOptions } from '$PKG_NAME/testing';

type OptionalKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? K : never }[keyof T];
/** The optional members of T that refuse undefined; never when every one accepts it. */
type Refusing<T> = { [K in OptionalKeys<T>]-?: undefined extends Required<T>[K] ? never : K }[OptionalKeys<T>];
type Offenders =
  | Refusing<RouterOptions>
  | Refusing<NonNullable<RouterOptions['dedup']>>
  | Refusing<NonNullable<RouterOptions['paths']>>
  | Refusing<InspectorOptions>
  | Refusing<NotificationUrlOptions>
  | Refusing<RedisStoreOptions>
  | Refusing<SignNotificationOptions>
  | Refusing<BuildDeliveryOptions>
  | Refusing<FakeMercadoPagoApiOptions>
  | Refusing<TriggerEventOptions>;
export const everyOptionalMemberAcceptsUndefined: [Offenders] extends [never] ? true : Offenders = true;
EOF
  (cd "$dir" && "$tsc" -p tsconfig.json --noEmit)
  echo "ok: $1: $(cd "$dir" && echo *.ts) type-check with $("$tsc" --version)"
}

step "README snippets in tsc --init projects: TypeScript $("$TSC" --version | cut -d' ' -f2) and $TS_NEXT"
new_project readme-ts5 module "${TEST_TYPES[@]}"
readme_project readme-ts5 "$TSC"
new_project readme-ts7 module "${TEST_TYPES[@]}" "$TS_NEXT"
readme_project readme-ts7 "$PACK_DIR/readme-ts7/node_modules/.bin/tsc"

step "the mercadopago-notifications bin (npx, from the ESM and CommonJS projects)"
for project in esm cjs; do
  BIN_SIGNATURE="$(cd "$PACK_DIR/$project" && npx --no-install mercadopago-notifications sign --data-id 123 \
    --request-id r --ts 1 --secret s)"
  [[ "$BIN_SIGNATURE" == "$ESM_SIGNATURE" ]] || fail "the bin signs differently in $project: $BIN_SIGNATURE"
done
BIN_STATUS=0
(cd "$PACK_DIR/esm" && npx --no-install mercadopago-notifications trigger payment.aproved --url http://127.0.0.1:9 \
  --secret s >/dev/null 2>&1) || BIN_STATUS=$?
[[ "$BIN_STATUS" == 2 ]] || fail "the bin exited $BIN_STATUS instead of 2 for an unknown event"
echo "ok: npx mercadopago-notifications sign / trigger"

step "npx mercadopago-notifications fake-api stops on SIGTERM to npx (no process left, port freed)"
FAKE_PORT="$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$FAKE_PORT") 2>/dev/null; }
# Its own process group (setsid), so whatever npx started can be found afterwards.
(cd "$PACK_DIR/esm" && exec setsid npx --no-install mercadopago-notifications fake-api --port "$FAKE_PORT" \
  >"$PACK_DIR/fake-api.log" 2>&1) &
FAKE_PID=$!
for _ in $(seq 1 100); do listening && break; sleep 0.1; done
listening || fail "fake-api did not listen on $FAKE_PORT: $(cat "$PACK_DIR/fake-api.log")"
kill -TERM "$FAKE_PID"
wait "$FAKE_PID" || true
for _ in $(seq 1 100); do kill -0 -- "-$FAKE_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 -- "-$FAKE_PID" 2>/dev/null; then
  LEFT="$(ps -o pid=,args= -g "$FAKE_PID" || true)"
  kill -KILL -- "-$FAKE_PID" 2>/dev/null || true
  fail "processes left after SIGTERM to npx: $LEFT"
fi
if listening; then fail "port $FAKE_PORT still answers after SIGTERM to npx"; fi
echo "ok: stopped ($(tail -n 1 "$PACK_DIR/fake-api.log"))"

step "passed: CJS, ESM, TypeScript (nodenext) and README (tsc --init, TypeScript 5.9 and 7) projects use $TARBALL_NAME"
