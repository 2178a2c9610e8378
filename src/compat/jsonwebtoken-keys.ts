/**
 * Keys for `jwtkit/compat/jsonwebtoken`: material imported once per algorithm, the algorithms a key
 * type serves when the caller lists none, and jsonwebtoken's messages when a key does not fit.
 */
import { JWTKitError, KeyWeakError } from '../errors.js';
import { importKeySync } from '../keys/import.js';
import type { Key } from '../keys/key.js';

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

/**
 * The Key for `input` bound to `alg`, or with its default binding when `alg` is undefined (which
 * tells what kind of key it is). Secrets in text are remembered in a small map, objects (Buffers,
 * KeyObjects, JWKs) in a WeakMap.
 */
export function keyFor(input: unknown, alg: string | undefined, allowShort: boolean): Key {
  const slot = `${alg ?? ''}${allowShort ? '!' : ''}`;
  if (typeof input === 'string') {
    const name = `${slot}\u0000${input}`;
    const known = textKeys.get(name);
    if (known !== undefined) return known;
    const key = importKeySync(input, { alg, unsafeAllowShortSecret: allowShort });
    if (textKeys.size >= TEXT_KEYS_MAX) textKeys.delete(textKeys.keys().next().value as string);
    textKeys.set(name, key);
    return key;
  }
  if (typeof input !== 'object' || input === null) throw new Error('not key material');
  let perAlg = objectKeys.get(input);
  const known = perAlg?.get(slot);
  if (known !== undefined) return known;
  const key = importKeySync(material(input) as object, { alg, unsafeAllowShortSecret: allowShort });
  if (perAlg === undefined) {
    perAlg = new Map();
    objectKeys.set(input, perAlg);
  }
  perAlg.set(slot, key);
  return key;
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

/** Turns an import failure into the error jsonwebtoken's callers can read; a short secret names the opt-in. */
export function importFailure(error: unknown, role: string): Error {
  if (error instanceof KeyWeakError) {
    return new Error(`${role} is too weak: ${error.message} (jwtkit refuses it; allowInsecureKeySizes: true accepts it)`);
  }
  if (error instanceof JWTKitError) return new Error(`${role} is not valid key material: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}
