/**
 * The short-secret warning, once per process whichever API gives it first: the compat layer's
 * `allowInsecureKeySizes` turns on the core's `unsafeAllowShortSecret`, and one switch must not
 * print two warnings for the same secret.
 */
let warned = false;

/** @internal Prints `message()` unless a short-secret warning was printed already; the message is built only when printed. */
export function warnShortSecretOnce(message: () => string): void {
  if (warned) return;
  warned = true;
  console.warn(message());
}
