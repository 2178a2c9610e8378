/**
 * openPKCS11: a token in a PKCS#11 module (an HSM, a smart card, SoftHSM2) as a source of external
 * keys. Signing and unwrapping run in the token; jwtkit gets the public halves and checks every
 * signature with them (createExternalKey).
 */
import { readFile } from 'node:fs/promises';
import { ExternalKeyUnavailableError, InvalidOptionError, JWTKitError } from '../errors.js';
import { parseDuration } from '../jwt/duration.js';
import type { Key } from '../keys/key.js';
import type { KeyMaterial } from '../keys/material.js';
import { checkOptionNames, optionNames } from '../options.js';
import { acquireModule, ckrName, type Handle, releaseModule } from './binding.js';
import { closedError, generate, tokenKey } from './keys.js';
import { SessionPool } from './pool.js';

export interface PKCS11Options {
  /** Path of the PKCS#11 module (`/usr/lib/softhsm/libsofthsm2.so`, a vendor's `.so`/`.dylib`/`.dll`). */
  module: string;
  /** The token's label. Give it or `slot`; neither picks the only token present. */
  token?: string;
  /** The slot id (`CK_SLOT_ID`, RFC 7512 `slot-id`). */
  slot?: number | bigint;
  /**
   * A file holding the user PIN (a leading byte order mark and one trailing line break are ignored).
   * Give this or `pinEnv`: never the PIN itself.
   */
  pinFile?: string;
  /** The environment variable holding the user PIN. */
  pinEnv?: string;
  /** Sessions opened at most, one per concurrent operation (default 4). */
  sessions?: number;
  /**
   * How long one sign, unwrap, key lookup or key generation may take, waiting for a session included
   * (seconds or a duration string; default 10, at most 2,147,483 s: 2^31-1 ms).
   */
  timeout?: number | string;
}

export interface PKCS11KeyOptions {
  /** The one algorithm of the key: `RS*`, `PS*`, `ES256/384/512`, `EdDSA`/`Ed25519`, `RSA-OAEP*`. */
  alg: string;
  /** The key's `CKA_LABEL`. Give it, `id`, or both. */
  label?: string;
  /** The key's `CKA_ID`, as bytes or hex. */
  id?: string | Uint8Array;
  /** The key id put in headers and the JWKS; by default none (a key ring takes the JWK thumbprint). */
  kid?: string;
  /**
   * The public half, when the token keeps no public key object (a certificate instead). By default
   * it is read from the token: RSA from the private key, EC and Ed25519 from the public key object
   * with the same `CKA_ID` (or label).
   */
  publicKey?: KeyMaterial;
}

export interface PKCS11GenerateOptions {
  /** `CKA_LABEL` of the new pair; default `jwtkit-<alg>-<time>`. */
  label?: string;
  /** RSA modulus length in bits (default 2048). */
  modulusLength?: number;
  /** The key id; by default none (a key ring takes the JWK thumbprint). */
  kid?: string;
}

/** An open token. */
export interface PKCS11Token {
  /** The token's label. */
  readonly label: string;
  /** A key on the token, found by label and/or id, as an external key bound to `alg`. */
  key(options: PKCS11KeyOptions): Promise<Key>;
  /**
   * Makes a key pair inside the token (private half sensitive and never extractable) and returns it
   * as an external key. A bound function: give it to `createKeyRing({ generateKey })` as it is.
   */
  generateKey(alg: string, options?: PKCS11GenerateOptions): Promise<Key>;
  /**
   * Closes the sessions (busy ones when their operation ends) and finalises the module once no
   * operation runs any more; later operations fail with `ERR_EXTERNAL_KEY_UNAVAILABLE`. It waits
   * for the operations in flight (at most `timeout` plus 30 s): one still running after that keeps
   * the module initialised for the rest of the process rather than have memory freed under it.
   */
  close(): Promise<void>;
}

const OPTIONS = /* @__PURE__ */ optionNames<PKCS11Options>()([
  'module',
  'token',
  'slot',
  'pinFile',
  'pinEnv',
  'sessions',
  'timeout',
]);
const KEY_OPTIONS = /* @__PURE__ */ optionNames<PKCS11KeyOptions>()(['alg', 'label', 'id', 'kid', 'publicKey']);
const GENERATE_OPTIONS = /* @__PURE__ */ optionNames<PKCS11GenerateOptions>()(['label', 'modulusLength', 'kid']);

/** A value the caller meant as a variable name or a path may be a PIN given in the wrong place: echoed only when it looks like one. */
const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const looksLikePath = (value: string) => /[/\\]/.test(value);

/** Reads the PIN from where the options say; the messages name the source, never the content. */
async function readPin(options: PKCS11Options): Promise<string> {
  const { pinFile, pinEnv } = options;
  if ((pinFile === undefined) === (pinEnv === undefined))
    throw new InvalidOptionError('pinFile', 'give pinFile or pinEnv (one of them): the PIN is never an option itself');
  let pin: string | undefined;
  if (pinEnv !== undefined) {
    if (typeof pinEnv !== 'string' || pinEnv === '') throw new InvalidOptionError('pinEnv', 'must name an environment variable');
    // Own properties only: process.env.__proto__ is an object, not a variable.
    const value: unknown = Object.hasOwn(process.env, pinEnv) ? process.env[pinEnv] : undefined;
    pin = typeof value === 'string' ? value : undefined;
    if (pin === undefined || pin === '')
      throw new InvalidOptionError(
        'pinEnv',
        ENV_NAME.test(pinEnv)
          ? `the environment variable ${pinEnv} is not set`
          : 'names no environment variable that is set (not repeated here: it does not look like a variable name; is it the PIN itself?)',
      );
  } else {
    if (typeof pinFile !== 'string' || pinFile === '') throw new InvalidOptionError('pinFile', 'must be a file path');
    const named = looksLikePath(pinFile) ? pinFile : 'the PIN file (its name is not repeated: is it the PIN itself?)';
    try {
      // A BOM (an editor's) and one line break (echo's) are not part of the PIN: left in, they
      // would spend one of the token's few wrong-PIN attempts.
      pin = (await readFile(pinFile, 'utf8')).replace(/^\uFEFF/, '').replace(/\r?\n$/, '');
    } catch (error) {
      throw new InvalidOptionError('pinFile', `could not read ${named}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (pin === '') throw new InvalidOptionError('pinFile', `${named} is empty`);
    // A PIN has no line break: a second one (echo twice, CRLF edited into LF+CRLF) is refused here
    // rather than sent to the token as a wrong PIN, which counts towards locking it.
    if (/[\r\n]/.test(pin)) throw new InvalidOptionError('pinFile', `${named} holds more than one line`);
  }
  return pin;
}

/** The longest timer Node.js keeps (a longer one fires at once). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** How long close() waits past `timeout` for the native calls in flight before giving up on finalising. */
const CLOSE_GRACE_MS = 30_000;

const slotNumber = (slot: Handle): bigint => {
  const bytes = new Uint8Array(8);
  bytes.set(slot.subarray(0, 8));
  return new DataView(bytes.buffer).getBigUint64(0, true);
};

/**
 * Opens a token of a PKCS#11 module and logs in (a wrong PIN fails here). Needs the optional peer
 * dependency `pkcs11js`.
 *
 * @example
 * ```ts
 * import { signJWT } from 'jwtkit';
 * import { openPKCS11 } from 'jwtkit/pkcs11';
 * const hsm = await openPKCS11({ module: '/usr/lib/softhsm/libsofthsm2.so', token: 'jwtkit', pinEnv: 'HSM_PIN' });
 * const key = await hsm.key({ alg: 'ES256', label: 'signing-2025', kid: 'signing-2025' });
 * const token = await signJWT({ sub: 'ada' }, key, { expiresIn: '15m' });
 * await hsm.close();
 * ```
 */
export async function openPKCS11(options: PKCS11Options): Promise<PKCS11Token> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must be an object');
  checkOptionNames(options, OPTIONS);
  const { module, token, slot, sessions = 4, timeout } = options;
  if (typeof module !== 'string' || module === '') throw new InvalidOptionError('module', 'must be the path of a PKCS#11 module');
  if (token !== undefined && typeof token !== 'string') throw new InvalidOptionError('token', 'must be a token label');
  if (slot !== undefined && typeof slot !== 'number' && typeof slot !== 'bigint')
    throw new InvalidOptionError('slot', 'must be a slot id');
  if (!Number.isInteger(sessions) || sessions < 1 || sessions > 64)
    throw new InvalidOptionError('sessions', 'must be an integer from 1 to 64');
  const timeoutMs = parseDuration(timeout ?? 10, 'timeout') * 1000;
  if (!(timeoutMs > 0) || timeoutMs > MAX_TIMEOUT_MS)
    throw new InvalidOptionError('timeout', 'must be greater than 0 and at most 2147483 seconds (2^31-1 ms)');
  const pin = await readPin(options);
  const loaded = await acquireModule(module);
  const { binding, pkcs11 } = loaded;
  let pool: SessionPool;
  let label: string;
  let slotHandle: Handle;
  try {
    const present = pkcs11
      .C_GetSlotList(true)
      .map((handle) => ({ handle, label: pkcs11.C_GetTokenInfo(handle).label.trimEnd() }));
    const matching = present.filter(
      (entry) =>
        (token === undefined || entry.label === token) && (slot === undefined || slotNumber(entry.handle) === BigInt(slot)),
    );
    const chosen = matching[0];
    if (chosen === undefined || (token === undefined && slot === undefined && present.length > 1)) {
      const list = present.map((entry) => `"${entry.label}" (slot ${slotNumber(entry.handle)})`).join(', ') || 'none';
      throw new ExternalKeyUnavailableError(
        'failed',
        token === undefined && slot === undefined && present.length > 1
          ? `the PKCS#11 module holds several tokens: name one with token or slot (present: ${list})`
          : `no PKCS#11 token${token !== undefined ? ` labelled "${token}"` : ''}${slot !== undefined ? ` in slot ${slot}` : ''} in ${module} (present: ${list})`,
      );
    }
    label = chosen.label;
    slotHandle = chosen.handle;
    pool = new SessionPool({ binding, pkcs11, slot: slotHandle, token: label, pin, size: sessions });
    // Log in now, so that a wrong PIN or a missing token is an error of openPKCS11, not of the first token minted.
    await pool.use(async () => undefined);
  } catch (error) {
    releaseModule(module, loaded);
    if (error instanceof JWTKitError) throw error;
    throw new ExternalKeyUnavailableError('failed', `the PKCS#11 module ${module} failed (${ckrName(error) ?? 'error'})`, {
      cause: error,
    });
  }
  let closed: Promise<void> | undefined;
  const context = { binding, pkcs11, pool, label, slot: slotHandle, timeout, timeoutMs };
  return {
    label,
    key: async (keyOptions) => {
      if (typeof keyOptions !== 'object' || keyOptions === null) throw new InvalidOptionError('options', 'must be an object');
      checkOptionNames(keyOptions, KEY_OPTIONS);
      if (closed) throw closedError(label);
      return tokenKey(context, keyOptions, undefined, AbortSignal.timeout(timeoutMs));
    },
    generateKey: async (alg, generateOptions = {}) => {
      checkOptionNames(generateOptions, GENERATE_OPTIONS);
      if (closed) throw closedError(label);
      return generate(context, alg, generateOptions, AbortSignal.timeout(timeoutMs));
    },
    close: () => {
      // C_Finalize under a running C_SignAsync or C_GenerateKeyPairAsync frees what the call
      // uses (a crash, a double free): the module is finalised only once the pool has drained.
      closed ??= pool.close(Math.min(timeoutMs + CLOSE_GRACE_MS, MAX_TIMEOUT_MS)).then((drained) => {
        releaseModule(module, loaded, drained);
      });
      return closed;
    },
  };
}
