// The package's process warnings (codes MERCADOPAGO_NOTIFICATIONS_*) during tests. Each router warns when it is
// built, so a suite that builds forty routers without `accessToken` would print forty identical warnings. The
// guard installed by warnings-setup.ts (jest setupFilesAfterEnv) keeps them off the output: a test that builds such
// a router on purpose declares the codes it expects with `expectWarnings`, and any other package warning fails
// the test that emitted it, with its message. Other warnings (Node's own) pass through untouched.

const PACKAGE_CODE_PREFIX = 'MERCADOPAGO_NOTIFICATIONS_';

/** A package warning as emitted. */
export interface CapturedWarning {
  readonly code: string;
  readonly message: string;
}

const captured: CapturedWarning[] = [];
const expected = new Set<string>();

function codeOf(options: unknown): string | undefined {
  if (typeof options !== 'object' || options === null) return undefined;
  const { code } = options as { code?: unknown };
  return typeof code === 'string' ? code : undefined;
}

/** Replaces process.emitWarning for the test file: package warnings are recorded, the rest is passed on. */
export function installWarningGuard(): void {
  const original = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, options?: unknown, ...rest: unknown[]) => {
    const code = codeOf(options);
    if (code?.startsWith(PACKAGE_CODE_PREFIX)) {
      captured.push({ code, message: String(warning) });
      return;
    }
    (original as (...args: unknown[]) => void)(warning, options, ...rest);
  }) as typeof process.emitWarning;
  afterEach(() => {
    const unexpected = captured.filter(({ code }) => !expected.has(code));
    captured.length = 0;
    expected.clear();
    if (unexpected.length > 0) {
      const lines = unexpected.map(({ code, message }) => `  ${code}: ${message}`);
      throw new Error(
        `unexpected package warning(s); if the test means it, declare it with expectWarnings(code):\n${lines.join('\n')}`,
      );
    }
  });
}

/**
 * Declares the package warnings the tests of the enclosing `describe` (or file) mean to cause, for example by
 * building a router without `accessToken`. Call it at describe level, or inside a test for that test alone.
 */
export function expectWarnings(...codes: readonly string[]): void {
  const declare = (): void => codes.forEach((code) => expected.add(code));
  if (expect.getState().currentTestName === undefined) beforeEach(declare);
  else declare();
}

/** The package warnings recorded so far in the current test. */
export function warningsSoFar(): readonly CapturedWarning[] {
  return [...captured];
}
