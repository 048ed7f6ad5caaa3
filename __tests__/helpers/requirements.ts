// What some suites need from the machine (Redis, chromium), and how a suite behaves when it is missing: skipped
// with one warning on a developer machine, failed in CI, where `.ci/run` sets the variable that forbids skipping.

/** Something a suite needs from the machine, and whether it is there. */
export interface Requirement {
  readonly what: string;
  readonly met: boolean;
  /** The environment variable that, set to 1, turns a skip for want of this into a failure. */
  readonly requiredBy: 'REQUIRE_REDIS' | 'REQUIRE_BROWSER';
  /** How to provide it, for the skip warning. */
  readonly hint: string;
}

/**
 * `describe(name, suite)` when every requirement is met. Otherwise the suite is replaced by a visibly named
 * placeholder and one console warning, or, when the requirement's variable is 1 (`.ci/run` sets REQUIRE_REDIS and
 * REQUIRE_BROWSER), by a failing test: CI must run every suite, a developer machine may skip some.
 */
export function describeWith(requirements: readonly Requirement[], name: string, suite: () => void): void {
  const missing = requirements.filter((requirement) => !requirement.met);
  if (missing.length === 0) {
    describe(name, suite);
    return;
  }
  const what = missing.map((requirement) => requirement.what);
  const reason = `no ${what.join(' and no ')}`;
  const enforced = [...new Set(missing.map(({ requiredBy }) => requiredBy))].filter(
    (variable) => process.env[variable] === '1',
  );
  if (enforced.length > 0) {
    const variables = enforced.map((variable) => `${variable}=1`).join(', ');
    describe(name, () => {
      test(`needs ${what.join(' and ')} (${variables})`, () => {
        throw new Error(`${name}: ${reason}, and ${variables} forbids skipping it`);
      });
    });
    return;
  }
  console.warn(`${name}: SKIPPED, ${reason}. ${missing.map(({ hint }) => hint).join(' ')}`);
  describe(`${name} (skipped: ${reason})`, () => {
    test.todo(`runs when there is ${what.join(' and ')}`);
  });
}
