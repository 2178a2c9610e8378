/**
 * `--key pkcs11:token=...;object=...` (RFC 7512): a key in a PKCS#11 token. The module path comes
 * from --pkcs11-module, the URI's module-path or JWTKIT_PKCS11_MODULE; the PIN from --pin-file,
 * the URI's pin-source or the environment variable JWTKIT_PKCS11_PIN: never from the command line.
 */
import { statSync } from 'node:fs';
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
  warn: (message: string) => void = () => {},
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
  // The URI's pin-source is percent-decoded once, by parsePKCS11URI: decoding it again would turn a
  // "%" in the path into another character (or an internal error for a lone "%").
  const pinFile = pinPath(flags.pinFile ?? parsed.pinSource);
  if (pinFile === undefined && process.env[PIN_ENV] === undefined)
    throw new UsageError(
      `--key: where is the PIN? give --pin-file, pin-source= in the URI, or ${PIN_ENV} (never the PIN itself)`,
    );
  if (pinFile !== undefined) warnIfLoose(pinFile, warn);
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

/** `file:/p`, `file:///p` and `file://localhost/p` are the path p; anything else is a path already. */
function pinPath(source: string | undefined): string | undefined {
  if (source === undefined || !/^file:/i.test(source)) return source;
  const path = source.replace(/^file:(?:\/\/(?:localhost)?(?=\/))?/i, '');
  if (!path.startsWith('/'))
    throw new UsageError('--key: a file: pin-source must name a local absolute path (file:/path or file:///path)');
  return path;
}

/**
 * A PIN file others can read: a warning, as for key files (cli.md). Not refused: secrets mounted by
 * Kubernetes or Docker are often 0644 inside a container that has no other user.
 */
function warnIfLoose(path: string, warn: (message: string) => void): void {
  if (process.platform === 'win32') return;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return; // openPKCS11 reports the unreadable file.
  }
  if ((mode & 0o077) !== 0)
    warn(`the PIN file "${path}" is readable by others (mode ${mode.toString(8).padStart(4, '0')}); run chmod 600 "${path}"`);
}
