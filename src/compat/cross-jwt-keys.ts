/**
 * The key side of `jwtkit/compat/cross-jwt`: @cross/jwt's key helpers on WebCrypto CryptoKeys
 * (`generateKey`, `generateKeyPair`, `exportPEMKey`, `importPEMKey`), the jwtkit Key behind each
 * CryptoKey, and jwtkit errors as @cross/jwt's classes.
 */
import { JWSMalformedError, JWTKitError, JWTMalformedError } from '../errors.js';
import { exportKey, pemText } from '../keys/export.js';
import { findKeyMaterial } from '../keys/find-key-material.js';
import { importKey } from '../keys/import.js';
import type { Key } from '../keys/key.js';
import {
  type ExportPEMKeyOptions,
  type GenerateKeyOptions,
  type GenerateKeyPairOptions,
  JWTFormatError,
  JWTUnsupportedAlgorithmError,
  JWTValidationError,
  type SupportedKeyAlgorithms,
  type SupportedKeyPairAlgorithms,
} from './cross-jwt-api.js';

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

/** WebCrypto parameters of each algorithm, for generating and importing CryptoKeys. */
interface Params {
  name: string;
  hash?: string;
  namedCurve?: string;
}
const PARAMS: Readonly<Record<SupportedKeyAlgorithms | SupportedKeyPairAlgorithms, Params>> = {
  HS256: { name: 'HMAC', hash: 'SHA-256' },
  HS384: { name: 'HMAC', hash: 'SHA-384' },
  HS512: { name: 'HMAC', hash: 'SHA-512' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  RS384: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' },
  RS512: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' },
  PS256: { name: 'RSA-PSS', hash: 'SHA-256' },
  PS384: { name: 'RSA-PSS', hash: 'SHA-384' },
  PS512: { name: 'RSA-PSS', hash: 'SHA-512' },
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  ES384: { name: 'ECDSA', namedCurve: 'P-384' },
  ES512: { name: 'ECDSA', namedCurve: 'P-521' },
  EdDSA: { name: 'Ed25519' },
};
const isAlgorithm = (name: unknown): name is keyof typeof PARAMS => typeof name === 'string' && Object.hasOwn(PARAMS, name);
const MIN_SECRET: Readonly<Record<SupportedKeyAlgorithms, number>> = { HS256: 32, HS384: 48, HS512: 64 };
const unsupported = () => new JWTUnsupportedAlgorithmError('Unsupported key algorithm');

/** HMAC CryptoKeys made by `generateKey` with `allowInsecureKeyLengths`: the only short secrets jwtkit takes. */
const insecure = new WeakSet<CryptoKey>();

function pick<T extends string, O extends { algorithm?: T }>(value: T | O | undefined, fallback: T): [T, O | undefined] {
  return typeof value === 'object' && value !== null ? [value.algorithm ?? fallback, value] : [value ?? fallback, undefined];
}

/** An HMAC key from a secret string, refused when shorter than the hash unless `allowInsecureKeyLengths`. */
export async function generateKey(
  keyStr: string,
  optionsOrAlgorithm: SupportedKeyAlgorithms | GenerateKeyOptions = 'HS256',
): Promise<CryptoKey> {
  const [algorithm, options] = pick<SupportedKeyAlgorithms, GenerateKeyOptions>(optionsOrAlgorithm, 'HS256');
  if (!Object.hasOwn(MIN_SECRET, algorithm)) throw unsupported();
  // @cross/jwt makes an HMAC key of any string; a public key's text must never become one (RFC 8725 §3.1).
  const lookalike = typeof keyStr === 'string' ? findKeyMaterial(keyStr) : undefined;
  if (lookalike !== undefined) {
    throw new JWTValidationError(`A secret string cannot be ${lookalike}: import the key with importPEMKey (or as a CryptoKey)`);
  }
  const bytes = new TextEncoder().encode(keyStr);
  const minimum = MIN_SECRET[algorithm];
  const allowShort = options?.allowInsecureKeyLengths === true;
  if (!allowShort && bytes.byteLength < minimum) {
    throw new JWTValidationError(`JWT Secret String for ${algorithm} should be at least ${minimum} bytes long`);
  }
  const key = await subtle().importKey('raw', bytes, PARAMS[algorithm], false, ['sign', 'verify']);
  if (allowShort && bytes.byteLength < minimum) insecure.add(key);
  return key;
}

/** A key pair (extractable, as in @cross/jwt, so that `exportPEMKey` can write it). */
export async function generateKeyPair(
  optionsOrAlgorithm: SupportedKeyPairAlgorithms | GenerateKeyPairOptions = 'RS256',
): Promise<CryptoKeyPair> {
  const [algorithm, options] = pick<SupportedKeyPairAlgorithms, GenerateKeyPairOptions>(optionsOrAlgorithm, 'RS256');
  if (!isAlgorithm(algorithm) || algorithm.startsWith('HS')) throw unsupported();
  const params: Record<string, unknown> = { ...PARAMS[algorithm] };
  if (algorithm.startsWith('RS') || algorithm.startsWith('PS')) {
    const modulusLength = options?.modulusLength || 2048;
    if (!Number.isSafeInteger(modulusLength) || modulusLength < 2048) {
      throw new JWTValidationError(
        'Modulus length should be at least 2048. (jwtkit signs and verifies with no shorter RSA key, allowInsecureModulusLengths or not.)',
      );
    }
    Object.assign(params, { modulusLength, publicExponent: new Uint8Array([1, 0, 1]) });
  }
  return (await subtle().generateKey(params as unknown as AlgorithmIdentifier, true, ['sign', 'verify'])) as CryptoKeyPair;
}

/** The JWS algorithm a CryptoKey is for, from its WebCrypto algorithm. */
export function algorithmOf(key: CryptoKey): string | undefined {
  const { name, hash, namedCurve } = key.algorithm as KeyAlgorithm & { hash?: { name: string }; namedCurve?: string };
  return Object.entries(PARAMS).find(
    ([, params]) =>
      params.name === name &&
      (params.hash === undefined || params.hash === hash?.name) &&
      (params.namedCurve === undefined || params.namedCurve === namedCurve),
  )?.[0];
}

/**
 * Exports an RSA, EC or Ed25519 CryptoKey as PEM (SPKI or PKCS#8), and writes it to the file given
 * (a path, or `{ filePath, mode }`).
 */
export async function exportPEMKey(key: CryptoKey, filePathOrOptions?: string | ExportPEMKeyOptions): Promise<string> {
  const filePath = typeof filePathOrOptions === 'string' ? filePathOrOptions : filePathOrOptions?.filePath;
  if (!isCryptoKey(key) || key.type === 'secret') {
    throw new JWTUnsupportedAlgorithmError('exportPEMKey exports RSA, EC and Ed25519 keys; an HMAC secret has no PEM form');
  }
  const der = new Uint8Array(await subtle().exportKey(key.type === 'private' ? 'pkcs8' : 'spki', key));
  // As @cross/jwt writes it: no newline after the END line.
  const pem = pemText(key.type === 'private' ? 'PRIVATE KEY' : 'PUBLIC KEY', der).trimEnd();
  if (filePath !== undefined) {
    const { chmod, writeFile } = await import('node:fs/promises');
    // A private key file is readable by its owner only, also when it existed with a looser mode
    // (writeFile's mode applies only to a file it creates): emptied, narrowed, then written.
    const asked = typeof filePathOrOptions === 'object' ? filePathOrOptions.mode : undefined;
    const mode = key.type === 'private' ? 0o600 : (asked ?? 0o644);
    await writeFile(filePath, '', { mode });
    if (key.type === 'private') await chmod(filePath, mode);
    await writeFile(filePath, pem);
  }
  return pem;
}

/** Imports a PEM key (the text, or the path of a file holding it) as a non-extractable CryptoKey. */
export async function importPEMKey(keyDataOrPath: string, algorithm: SupportedKeyPairAlgorithms): Promise<CryptoKey> {
  if (!isAlgorithm(algorithm) || algorithm.startsWith('HS')) throw unsupported();
  let text = keyDataOrPath;
  if (!text.includes('-----BEGIN')) {
    const { readFile } = await import('node:fs/promises');
    text = await readFile(keyDataOrPath, 'utf8');
  }
  if (!text.includes('-----BEGIN')) throw new JWTFormatError('Wrong format. Not PEM?');
  let key: Key;
  try {
    key = await importKey(text, { alg: algorithm, extractable: true });
  } catch (error) {
    throw translate(error);
  }
  // jwtkit has read and checked the key (PKCS#8, SPKI, PKCS#1, SEC1, its size and its family);
  // WebCrypto takes it back as a JWK.
  const { kty, crv, n, e, d, p, q, dp, dq, qi, x, y } = await exportKey(key, 'jwk');
  const jwk: JsonWebKey = Object.fromEntries(
    Object.entries({ kty, crv, n, e, d, p, q, dp, dq, qi, x, y }).filter(([, v]) => v !== undefined),
  );
  return subtle().importKey('jwk', jwk, PARAMS[algorithm], false, key.type === 'private' ? ['sign'] : ['verify']);
}

export const isCryptoKey = (value: unknown): value is CryptoKey =>
  typeof CryptoKey !== 'undefined'
    ? value instanceof CryptoKey
    : typeof value === 'object' && value !== null && 'algorithm' in value;

/** jwtkit Keys for each CryptoKey and algorithm, imported once. */
const imported = new WeakMap<CryptoKey, Map<string, Promise<Key>>>();

export function jwtkitKey(key: CryptoKey, algorithm: string): Promise<Key> {
  let byAlgorithm = imported.get(key);
  if (byAlgorithm === undefined) {
    byAlgorithm = new Map();
    imported.set(key, byAlgorithm);
  }
  const cached = byAlgorithm;
  let found = cached.get(algorithm);
  if (found === undefined) {
    found = importKey(key, { alg: algorithm, unsafeAllowShortSecret: insecure.has(key) });
    found.catch(() => cached.delete(algorithm));
    cached.set(algorithm, found);
  }
  return found;
}

/** A jwtkit error as the @cross/jwt class a caller of @cross/jwt would catch; other errors pass. */
export function translate(error: unknown): unknown {
  if (!(error instanceof JWTKitError)) return error;
  if (error instanceof JWSMalformedError || error instanceof JWTMalformedError) {
    return new JWTFormatError(`Invalid JWT format: ${error.message}`, { cause: error });
  }
  if (error.code === 'ERR_NOT_SUPPORTED' || error.code === 'ERR_ALG_NOT_ALLOWED') {
    return new JWTUnsupportedAlgorithmError(error.message, { cause: error });
  }
  return new JWTValidationError(error.message, { cause: error });
}
