/** One bounded call to a key service: a deadline, an AbortSignal for the service's client, typed failures. */
import { ExternalKeySignatureInvalidError, ExternalKeyUnavailableError } from '../../errors.js';

/** jwtkit's own external-key errors; false for anything else, even a Proxy whose prototype trap throws. */
function isOwnError(error: unknown): boolean {
  try {
    return error instanceof ExternalKeyUnavailableError || error instanceof ExternalKeySignatureInvalidError;
  } catch {
    return false;
  }
}

/**
 * Runs `run` with a signal that aborts after `timeout` ms, and gives up waiting then: a service
 * that never answers costs the caller `timeout`, not a hung request. A throw or rejection becomes
 * `ERR_EXTERNAL_KEY_UNAVAILABLE` (the original in `cause`), except jwtkit's own external-key errors,
 * which an adapter may throw to say precisely what went wrong. With `quiet`, a throw or rejection
 * gives `undefined` instead (a timeout still throws): an unwrap whose failure must not be told apart.
 */
export async function callExternal<T>(
  what: string,
  kid: string | undefined,
  timeout: number,
  run: (signal: AbortSignal) => T | Promise<T>,
  quiet = false,
): Promise<T | undefined> {
  const controller = new AbortController();
  const named = kid === undefined ? 'the external key' : `the external key "${kid.slice(0, 64)}"`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new ExternalKeyUnavailableError('timeout', `${named} did not ${what} within ${timeout} ms (timeout)`));
    }, timeout);
  });
  try {
    return await Promise.race([Promise.resolve().then(() => run(controller.signal)), deadline]);
  } catch (error) {
    if (isOwnError(error)) throw error;
    // A JWE unwrap that fails must look like any other failed decryption (RFC 7516 §11.5).
    if (quiet) return undefined;
    // The service's error may say more than a message should (an account, a key ARN): it stays in cause.
    throw new ExternalKeyUnavailableError('failed', `${named} could not ${what}: its function threw or rejected`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}
