/**
 * Keys for `jwtkit/compat/jsonwebtoken`: material imported once per algorithm, the algorithms a key
 * type serves when the caller lists none, and jsonwebtoken's messages when a key does not fit.
 */
import { JWTKitError, KeyWeakError } from '../errors.js';
import { importKeySync } from '../keys/import.js';
import type { Key } from '../keys/key.js';
import { decodeBase64, type KeySide, pemBlocksFor, pemKeyBlocks } from '../keys/pem.js';
import { warnShortSecretOnce } from '../keys/short-secret-warning.js';

export const HMAC = ['HS256', 'HS384', 'HS512'];
export const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
export const EC = ['ES256', 'ES384', 'ES512'];
const CURVE_OF: Readonly<Record<string, string>> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
export const ASYMMETRIC = /^(?:RS|PS|ES|EdDSA$)/;

const objectKeys = new WeakMap<object, Map<string, Key>>();
const textKeys = new Map<string, Key>();
const TEXT_KEYS_MAX = 64;

/** The material jwtkit can import: a `{ key, passphrase }` pair is refused (pass a KeyObject). */
function material(input: unknown): unknown {
  if (typeof input === 'object' && input !== null && 'passphrase' in input) {
    throw new Error('jwtkit does not decrypt encrypted private keys: pass crypto.createPrivateKey({ key, passphrase }) instead');
  }
  return input;
}

/** PEM text in a string or in bytes (a Buffer from `fs.readFileSync`), or `undefined`. */
function pemTextOf(input: unknown): string | undefined {
  if (typeof input === 'string') return input.includes('-----BEGIN ') ? input : undefined;
  if (!(input instanceof Uint8Array)) return undefined;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(input);
  return text.includes('-----BEGIN ') ? text : undefined;
}

/**
 * The one block of a PEM bundle (a certificate and its private key, as `openssl pkcs12 -nodes`
 * writes them, in either order) that `side` needs, as Node's createPrivateKey and createPublicKey
 * pick it for jsonwebtoken: the private key to sign, the first public key or certificate to verify.
 * The block is then read like any key text, so it can only become an asymmetric key (or be
 * refused), never a secret. Anything but a text of several key blocks is returned as it came.
 */
function blockFor(input: unknown, side: KeySide): unknown {
  const text = pemTextOf(input);
  if (text === undefined || pemKeyBlocks(text).length < 2) return input;
  const chosen = pemBlocksFor(text, side);
  if (side === 'private' && chosen.length > 1) {
    throw new Error('the PEM text holds more than one private key: pass the one to sign with');
  }
  return chosen[0] ?? input;
}

/**
 * The Key for `input` bound to `alg`, or with its default binding when `alg` is undefined (which
 * tells what kind of key it is). Secrets in text are remembered in a small map, objects (Buffers,
 * KeyObjects, JWKs) in a WeakMap.
 */
export function keyFor(input: unknown, alg: string | undefined, allowShort: boolean, side: KeySide): Key {
  const slot = `${alg ?? ''}${allowShort ? '!' : ''}${side}`;
  // Before the import, whose own (core) warning would otherwise come first without the migration fix;
  // a secret without an alg yet is bound to HS256 (jsonwebtoken's default), the least it must reach.
  if (allowShort) warnShortSecret(input, alg ?? 'HS256');
  if (typeof input === 'string') {
    const name = `${slot}\u0000${input}`;
    const known = textKeys.get(name);
    if (known !== undefined) return known;
    const key = importKeySync(blockFor(input, side) as string, { alg, unsafeAllowShortSecret: allowShort });
    if (textKeys.size >= TEXT_KEYS_MAX) textKeys.delete(textKeys.keys().next().value as string);
    textKeys.set(name, key);
    return key;
  }
  if (typeof input !== 'object' || input === null) throw new Error('not key material');
  let perAlg = objectKeys.get(input);
  const known = perAlg?.get(slot);
  if (known !== undefined) return known;
  const key = importKeySync(blockFor(material(input), side) as object, { alg, unsafeAllowShortSecret: allowShort });
  if (perAlg === undefined) {
    perAlg = new Map();
    objectKeys.set(input, perAlg);
  }
  perAlg.set(slot, key);
  return key;
}

const HASH_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

/**
 * The switch's warning, once per process: loud, and naming the way out (a strong secret added to
 * a key ring, docs/migration/jsonwebtoken.md), never the secret.
 */
function warnShortSecret(input: unknown, alg: string): void {
  const need = HASH_BYTES[alg];
  if (need === undefined) return;
  const bytes =
    typeof input === 'string' ? new TextEncoder().encode(input).length : input instanceof Uint8Array ? input.length : need;
  if (bytes >= need) return;
  // Shared with the core's unsafeAllowShortSecret warning, which this switch also turns on: one warning, this one first.
  warnShortSecretOnce(
    () =>
      `jwtkit/compat/jsonwebtoken: allowInsecureKeySizes is on and a ${bytes}-byte secret serves ${alg} (at least ${need} bytes are needed): anyone holding one token can brute-force it offline. Fix: generate a strong secret (jwtkit keygen ${alg}), sign new tokens with it and verify with both until the old tokens expire (docs/migration/jsonwebtoken.md, "Rotating to a strong secret"); jwtkit inspect --secrets <file> flags tokens signed with the old one.`,
  );
}

/** jsonwebtoken's name for a key's type: `secret`, `rsa`, `ec` or (ours) `ed25519`. */
function keyTypeName(key: Key): string {
  return key.kty === 'oct' ? 'secret' : key.kty === 'RSA' ? 'rsa' : key.kty === 'EC' ? 'ec' : 'ed25519';
}

/** The algorithms a key serves when the caller lists none (jsonwebtoken's defaults, and EdDSA for Ed25519). */
export function defaultAlgorithms(key: Key): string[] {
  if (key.kty === 'oct') return HMAC;
  if (key.kty === 'RSA') return RSA;
  if (key.kty === 'EC') return EC;
  return ['EdDSA'];
}

/** The algorithms jsonwebtoken lists, in its order, when a key's type cannot serve the one asked for. */
const LISTED_FOR: Readonly<Record<string, readonly string[]>> = {
  rsa: ['RS256', 'PS256', 'RS384', 'PS384', 'RS512', 'PS512'],
  ec: EC,
  ed25519: ['EdDSA'],
};

/** What jsonwebtoken says when the key's type cannot serve `alg`. */
export function keyTypeMismatch(key: Key, alg: string): Error {
  const type = keyTypeName(key);
  if (type === 'ec' && EC.includes(alg)) return new Error(`"alg" parameter "${alg}" requires curve "${CURVE_OF[alg]}".`);
  return new Error(`"alg" parameter for "${type}" key type must be one of: ${(LISTED_FOR[type] ?? []).join(', ')}.`);
}

/** Key types Node reads and jwtkit does not, by the DER of their algorithm OID (RFC 3279). */
const UNSUPPORTED_TYPES: readonly [string, readonly number[]][] = [
  ['dsa', [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01]],
  ['dh', [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x03, 0x01]],
  ['dh', [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3e, 0x02, 0x01]],
];

function holds(bytes: Uint8Array, pattern: readonly number[]): boolean {
  outer: for (let i = 0; i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return true;
  }
  return false;
}

/** `dsa` or `dh` when the key material is one of those (what Node would call its asymmetricKeyType). */
function unsupportedType(input: unknown): string | undefined {
  const text = pemTextOf(input);
  const ders =
    text === undefined
      ? input instanceof Uint8Array
        ? [input]
        : []
      : pemKeyBlocks(text).map((block) =>
          decodeBase64(
            block
              .split(/\r?\n/)
              .filter((line) => !line.startsWith('-----'))
              .join('')
              .trim(),
          ),
        );
  for (const der of ders) {
    if (der === undefined) continue;
    for (const [type, oid] of UNSUPPORTED_TYPES) if (holds(der, oid)) return type;
  }
  return undefined;
}

/**
 * Turns an import failure into the error jsonwebtoken's callers read: its own message where it
 * has one (an RSA key under 2048 bits, a DSA key), else what jwtkit found. A short secret names
 * the switch and the way out of it.
 */
export function importFailure(error: unknown, role: string, alg?: string, input?: unknown, allowShort = false): Error {
  if (error instanceof KeyWeakError && error.message.startsWith('RSA keys must be at least')) {
    // jsonwebtoken's message; allowInsecureKeySizes lets jsonwebtoken sign with such a key, never jwtkit.
    const why = allowShort ? ' (jwtkit refuses RSA keys under 2048 bits, also with allowInsecureKeySizes)' : '';
    return new Error(`${role} has a minimum key size of 2048 bits${alg === undefined ? '' : ` for ${alg}`}${why}`);
  }
  if (error instanceof KeyWeakError) {
    return new Error(
      `${role} is too weak: ${error.message} (jwtkit refuses it; allowInsecureKeySizes: true accepts it while you rotate to a strong secret, see docs/migration/jsonwebtoken.md)`,
    );
  }
  const type = error instanceof JWTKitError ? unsupportedType(input) : undefined;
  if (type !== undefined) return new Error(`Unknown key type "${type}".`);
  if (error instanceof JWTKitError) return new Error(`${role} is not valid key material: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}
