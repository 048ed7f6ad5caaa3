/** Access tokens (`APP_USR-...`, `TEST-...`) and bearer credentials, wherever a message quotes one. */
const TOKEN_PATTERN = /\b(?:APP_USR|TEST)-[\w-]+|\bBearer\s+(?:\[token\]|[\w.~+/-]+=*)/g;

/** Masks secrets and tokens in a text. */
export type Redactor = (text: string) => string;

/**
 * Creates the masking every message of the package goes through before it is shown: the configured secrets and
 * access token become `[secret]` and `[token]`, and so does anything shaped like an access token.
 */
export function createRedactor(secrets: readonly string[], tokens: readonly string[] = []): Redactor {
  // Longest first, so that a secret containing another is masked whole.
  const known = [
    ...secrets.map((value) => [value, '[secret]'] as const),
    ...tokens.map((value) => [value, '[token]'] as const),
  ].sort(([a], [b]) => b.length - a.length);
  return (text) => {
    let masked = text;
    for (const [value, mask] of known) masked = masked.replaceAll(value, mask);
    return masked.replace(TOKEN_PATTERN, '[token]');
  };
}
