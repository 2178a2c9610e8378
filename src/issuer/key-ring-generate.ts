/**
 * One call of a key ring's `generateKey`, bounded: a key service that hangs while making a key
 * must not hang every `ring.sign` behind it, and one that fails must say so with a typed error.
 */
import { ExternalKeyUnavailableError, InvalidOptionError, JWTKitError } from '../errors.js';
import { Key } from '../keys/key.js';

/** jwtkit's own errors pass unchanged (an adapter may throw them); false even for a Proxy whose trap throws. */
function isJWTKitError(error: unknown): boolean {
  try {
    return error instanceof JWTKitError;
  } catch {
    return false;
  }
}

/**
 * Calls `generateKey(alg)` and gives up after `timeout` ms: a timeout, a throw or a rejection
 * becomes `ERR_EXTERNAL_KEY_UNAVAILABLE` (the original in `cause`); a key that arrives after the
 * deadline is dropped. What it returns must be a private Key bound to `alg`. No second argument is
 * passed (no AbortSignal): functions such as the PKCS#11 session's generateKey take their own
 * options there, and `generateKey: session.generateKey` must keep working.
 */
export async function generateBounded(generateKey: (alg: string) => Promise<Key>, alg: string, timeout: number): Promise<Key> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new ExternalKeyUnavailableError(
          'timeout',
          `the key ring's generateKey did not make a key within ${timeout} ms (timeout)`,
        ),
      );
    }, timeout);
  });
  let made: unknown;
  try {
    made = await Promise.race([Promise.resolve().then(() => generateKey(alg)), deadline]);
  } catch (error) {
    if (isJWTKitError(error)) throw error;
    // The service's error may name accounts or key paths: it stays in cause, out of the message.
    throw new ExternalKeyUnavailableError('failed', "the key ring's generateKey threw or rejected", { cause: error });
  } finally {
    clearTimeout(timer);
  }
  if (!(made instanceof Key) || made.type !== 'private' || made.alg !== alg)
    throw new InvalidOptionError('generateKey', `must return a private Key bound to ${alg}`);
  return made;
}
