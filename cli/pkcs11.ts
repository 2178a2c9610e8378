/**
 * `--key pkcs11:token=...;object=...` (RFC 7512): a key in a PKCS#11 token. The module path comes
 * from --pkcs11-module, the URI's module-path or JWTKIT_PKCS11_MODULE; the PIN from --pin-file,
 * the URI's pin-source or the environment variable JWTKIT_PKCS11_PIN: never from the command line.
 */
import { JWTKitError, type Key } from 'jwtkit';
import { openPKCS11, type PKCS11Token, parsePKCS11URI } from 'jwtkit/pkcs11';
import { UsageError } from './output.js';

export interface PKCS11Flags {
  pkcs11Module?: string;
  pinFile?: string;
}

export const PIN_ENV = 'JWTKIT_PKCS11_PIN';
export const MODULE_ENV = 'JWTKIT_PKCS11_MODULE';

/** A token or key that cannot be used keeps its code (exit 1); a bad URI or option is a usage error of --key. */
function rethrow(error: unknown): never {
  if (error instanceof JWTKitError && error.code !== 'ERR_INVALID_OPTION') throw error;
  throw new UsageError(`--key: ${(error as Error).message.replace(/^option "[^"]*": /, '')}`);
}

export const isPKCS11URI = (value: string | undefined): value is string => value?.toLowerCase().startsWith('pkcs11:') === true;

/** Opens the token the URI names and returns the key with `close` to call when done. */
export async function pkcs11Key(
  uri: string,
  flags: PKCS11Flags,
  alg: string | undefined,
): Promise<{ key: Key; close: () => Promise<void> }> {
  let parsed: ReturnType<typeof parsePKCS11URI>;
  try {
    parsed = parsePKCS11URI(uri);
  } catch (error) {
    rethrow(error);
  }
  if (alg === undefined) throw new UsageError('--alg is required with a pkcs11: key (ES256, RS256, PS256, EdDSA, ...)');
  if (parsed.object === undefined && parsed.id === undefined)
    throw new UsageError('--key: the pkcs11: URI names no key: give object= or id=');
  if (parsed.type !== undefined && parsed.type !== 'private')
    throw new UsageError('--key: a pkcs11: key to sign with is type=private');
  const module = flags.pkcs11Module ?? parsed.modulePath ?? process.env[MODULE_ENV];
  if (module === undefined)
    throw new UsageError(`--key: which PKCS#11 module? give --pkcs11-module, module-path= in the URI, or ${MODULE_ENV}`);
  const pinSource = flags.pinFile ?? parsed.pinSource;
  const pinFile = pinSource?.startsWith('file:') ? decodeURIComponent(new URL(pinSource).pathname) : pinSource;
  if (pinFile === undefined && process.env[PIN_ENV] === undefined)
    throw new UsageError(
      `--key: where is the PIN? give --pin-file, pin-source= in the URI, or ${PIN_ENV} (never the PIN itself)`,
    );
  let token: PKCS11Token;
  try {
    token = await openPKCS11({
      module,
      ...(parsed.token !== undefined && { token: parsed.token }),
      ...(parsed.slotId !== undefined && { slot: parsed.slotId }),
      ...(pinFile !== undefined ? { pinFile } : { pinEnv: PIN_ENV }),
    });
  } catch (error) {
    rethrow(error);
  }
  try {
    const key = await token.key({
      alg,
      ...(parsed.object !== undefined && { label: parsed.object }),
      ...(parsed.id !== undefined && { id: parsed.id }),
    });
    return { key, close: () => token.close() };
  } catch (error) {
    await token.close();
    rethrow(error);
  }
}
