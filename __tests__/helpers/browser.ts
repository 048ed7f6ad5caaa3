// The browser the inspector's browser test drives: the system's chromium (Debian's `chromium` package), never a
// downloaded one. CHROMIUM_PATH points elsewhere (a Chrome or Chromium of another system).
import { spawnSync } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';
import type { Requirement } from './requirements.js';

/** The chromium executable: CHROMIUM_PATH, or Debian's /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';

// Jest picks the tests before any hook runs, so the probe is synchronous: the browser answering --version.
export const CHROMIUM: Requirement = {
  what: `chromium at ${CHROMIUM_PATH}`,
  met: spawnSync(CHROMIUM_PATH, ['--version'], { timeout: 10_000, stdio: 'ignore' }).status === 0,
  requiredBy: 'REQUIRE_BROWSER',
  hint:
    'Install it (Debian: `apt-get install chromium`) or set CHROMIUM_PATH to a Chrome or Chromium ' +
    'executable to run it.',
};

/** Launches the system's chromium headless, with what a sandboxed CI container needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
