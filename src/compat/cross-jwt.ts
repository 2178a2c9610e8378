/**
 * `jwtkit/compat/cross-jwt`: the API of @cross/jwt (`signJWT`, `validateJWT`, `generateKey`,
 * `generateKeyPair`, `exportPEMKey`, `importPEMKey`, `unsafeParseJWT`, `unsafeParseJOSEHeader`),
 * with its types, options, defaults and error classes, on jwtkit. Keys are WebCrypto CryptoKeys as
 * in @cross/jwt. Where @cross/jwt accepts what jwtkit's security rules refuse, this refuses it with
 * a message that says what to do; docs/migration/cross-jwt.md lists every such place. The two
 * differences a user will meet: `validateJWT` checks `exp` and `nbf` whenever the token has them,
 * and RSA-PSS uses the salt length RFC 7518 §3.5 gives (the hash's), not 32 bytes for every hash.
 */
import { JWS_ALGORITHMS } from '../algorithms/signature.js';
import { JWSMalformedError, JWTKitError, JWTMalformedError } from '../errors.js';
import { parseJSONBytes } from '../jws/compact.js';
import { verifyJWS } from '../jws/verify.js';
import { decodeJWT } from '../jwt/decode.js';
import { signJWT as signWithJwtkit } from '../jwt/sign.js';
import { exportKey } from '../keys/export.js';
import { importKey } from '../keys/import.js';
import type { Key } from '../keys/key.js';
import {
  type GenerateKeyOptions,
  type GenerateKeyPairOptions,
  type JOSEHeader,
  JWTAlgorithmMismatchError,
  JWTAmbiguousClaimError,
  JWTExpiredError,
  JWTFormatError,
  JWTNotYetValidError,
  type JWTOptions,
  JWTParseError,
  type JWTPayload,
  JWTRequiredClaimMissingError,
  JWTUnsupportedAlgorithmError,
  JWTValidationError,
  type SupportedKeyAlgorithms,
  type SupportedKeyPairAlgorithms,
} from './cross-jwt-api.js';

export * from './cross-jwt-api.js';

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
function algorithmOf(key: CryptoKey): string | undefined {
  const { name, hash, namedCurve } = key.algorithm as KeyAlgorithm & { hash?: { name: string }; namedCurve?: string };
  return Object.entries(PARAMS).find(
    ([, params]) =>
      params.name === name &&
      (params.hash === undefined || params.hash === hash?.name) &&
      (params.namedCurve === undefined || params.namedCurve === namedCurve),
  )?.[0];
}

/** Exports an RSA, EC or Ed25519 CryptoKey as PEM (SPKI or PKCS#8), and writes it to `filePath` if given. */
export async function exportPEMKey(key: CryptoKey, filePath?: string): Promise<string> {
  if (!isCryptoKey(key) || key.type === 'secret') {
    throw new JWTUnsupportedAlgorithmError('exportPEMKey exports RSA, EC and Ed25519 keys; an HMAC secret has no PEM form');
  }
  const der = new Uint8Array(await subtle().exportKey(key.type === 'private' ? 'pkcs8' : 'spki', key));
  const label = key.type === 'private' ? 'PRIVATE KEY' : 'PUBLIC KEY';
  const body = btoa(String.fromCharCode(...der)).match(/.{1,64}/g) ?? [];
  const pem = `-----BEGIN ${label}-----\n${body.join('\n')}\n-----END ${label}-----`;
  if (filePath !== undefined) {
    const { writeFile } = await import('node:fs/promises');
    // A private key file is readable by its owner only.
    await writeFile(filePath, pem, { mode: key.type === 'private' ? 0o600 : 0o644 });
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

const isCryptoKey = (value: unknown): value is CryptoKey =>
  typeof CryptoKey !== 'undefined'
    ? value instanceof CryptoKey
    : typeof value === 'object' && value !== null && 'algorithm' in value;

/** jwtkit Keys for each CryptoKey and algorithm, imported once. */
const imported = new WeakMap<CryptoKey, Map<string, Promise<Key>>>();

function jwtkitKey(key: CryptoKey, algorithm: string): Promise<Key> {
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

interface Resolved {
  algorithm: string;
  key: Key;
  options: Required<Pick<JWTOptions, 'setIat' | 'clockSkewLeewaySeconds'>> & JWTOptions;
}

/** @cross/jwt's option defaults, its key handling (a string is an HMAC secret), and jwtkit's refusals. */
async function resolve(input: CryptoKey | string | false, given: JWTOptions | undefined): Promise<Resolved> {
  const options = { setIat: true, clockSkewLeewaySeconds: 60, ...given };
  if (input === false || input === 'none') {
    throw new JWTUnsupportedAlgorithmError(
      'Unsecured JWTs (key false or "none") are not supported: jwtkit signs and verifies with a key; unsafeParseJWT reads a token without verifying it',
    );
  }
  const key =
    typeof input === 'string' ? await generateKey(input, (options.algorithm ?? 'HS256') as SupportedKeyAlgorithms) : input;
  if (!isCryptoKey(key)) throw new JWTUnsupportedAlgorithmError('Unsupported key: a CryptoKey or a secret string is needed.');
  const keyAlgorithm = algorithmOf(key);
  const algorithm = options.algorithm || keyAlgorithm;
  if (algorithm !== keyAlgorithm) {
    throw new JWTAlgorithmMismatchError(
      `Incompatible algorithm '${algorithm}' for key using '${keyAlgorithm}'. Provide a compatible key or omit the 'algorithm' option.`,
    );
  }
  if (algorithm === undefined || !JWS_ALGORITHMS.includes(algorithm as never)) {
    throw new JWTUnsupportedAlgorithmError('Unsupported key algorithm.');
  }
  if (options.saltLength !== undefined && algorithm.startsWith('PS')) {
    const rfc = Number(algorithm.slice(2)) / 8;
    if (options.saltLength !== rfc) {
      throw new JWTUnsupportedAlgorithmError(
        `${algorithm} uses a ${rfc}-byte salt (RFC 7518 §3.5); jwtkit signs and verifies no other, so saltLength ${options.saltLength} is not supported`,
      );
    }
  }
  const leeway = options.clockSkewLeewaySeconds;
  if (typeof leeway !== 'number' || !Number.isFinite(leeway) || leeway < 0) {
    throw new JWTValidationError('clockSkewLeewaySeconds must be a finite number of seconds, 0 or more');
  }
  try {
    return { algorithm, key: await jwtkitKey(key, algorithm), options };
  } catch (error) {
    throw translate(error);
  }
}

/** @cross/jwt's durations: a whole number and one of d, h, m, s. */
function parseDuration(text: string): number {
  const match = /^(\d+)([dhms])$/.exec(text);
  if (!match) throw new Error(`Invalid duration format: ${text}`);
  return Number(match[1]) * { d: 86_400, h: 3600, m: 60, s: 1 }[match[2] as 'd' | 'h' | 'm' | 's'];
}

const now = () => Math.floor(Date.now() / 1000);

/** A jwtkit error as the @cross/jwt class a caller of @cross/jwt would catch; other errors pass. */
function translate(error: unknown): unknown {
  if (!(error instanceof JWTKitError)) return error;
  if (error instanceof JWSMalformedError || error instanceof JWTMalformedError) {
    return new JWTFormatError(`Invalid JWT format: ${error.message}`, { cause: error });
  }
  if (error.code === 'ERR_NOT_SUPPORTED' || error.code === 'ERR_ALG_NOT_ALLOWED') {
    return new JWTUnsupportedAlgorithmError(error.message, { cause: error });
  }
  return new JWTValidationError(error.message, { cause: error });
}

/**
 * Signs a JWT with an HMAC CryptoKey, a private key, or a secret string (an HS256 key, or the
 * `algorithm` option's). The payload is not changed; `iat`, `exp` and `nbf` go into a copy.
 */
export async function signJWT(payload: JWTPayload, key: CryptoKey | string | false, options?: JWTOptions): Promise<string> {
  const resolved = await resolve(key, options);
  const { algorithm, options: settings } = resolved;
  const claims: JWTPayload = { ...payload };
  if (settings.expiresIn) {
    if (claims.exp) throw new JWTAmbiguousClaimError('exp');
    claims.exp = now() + parseDuration(settings.expiresIn);
  }
  if (settings.notBefore) {
    if (claims.nbf) throw new JWTAmbiguousClaimError('nbf');
    claims.nbf = now() + parseDuration(settings.notBefore);
  }
  if (settings.setIat && !claims.iat) claims.iat = now();
  if (settings.validateExp) {
    if (!claims.exp) throw new JWTRequiredClaimMissingError('exp');
    if (now() >= claims.exp) throw new JWTValidationError("JWT 'exp' claim cannot be in the past.");
  }
  if (settings.validateNbf) {
    if (!claims.nbf) throw new JWTRequiredClaimMissingError('nbf');
    if (now() > claims.nbf) throw new JWTValidationError("JWT 'nbf' claim cannot be in the past.");
  }
  const { alg, typ, ...header } = settings.additionalHeaderClaims ?? {};
  if (alg !== undefined && alg !== algorithm) {
    throw new JWTAlgorithmMismatchError(`The header's alg '${String(alg)}' is not the key's algorithm '${algorithm}'.`);
  }
  try {
    return await signWithJwtkit(claims, resolved.key, {
      alg: algorithm,
      typ: typeof typ === 'string' ? typ : 'JWT',
      header,
      noTimestamp: true,
    });
  } catch (error) {
    throw translate(error);
  }
}

/** A time claim's value: a finite number, or undefined when absent. */
function timeClaim(payload: JWTPayload, name: 'exp' | 'nbf'): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new JWTValidationError(`JWT '${name}' claim is not a number.`);
  return value;
}

/**
 * Verifies a JWT with an HMAC CryptoKey, a public key or a secret string, and returns its payload.
 * `exp` and `nbf` are checked whenever the token has them (with `clockSkewLeewaySeconds`, default
 * 60); `validateExp: true` / `validateNbf: true` also require them, `false` skips the check.
 */
export async function validateJWT(jwt: string, key: CryptoKey | string | false, options?: JWTOptions): Promise<JWTPayload> {
  if (typeof jwt !== 'string' || jwt.split('.').length !== 3) throw new JWTFormatError('Invalid JWT format');
  const { algorithm, key: verifying, options: settings } = await resolve(key, options);
  let bytes: Uint8Array;
  try {
    ({ payload: bytes } = await verifyJWS(jwt, verifying, { algorithms: [algorithm] }));
  } catch (error) {
    if (error instanceof JWSMalformedError) throw translate(error);
    throw new JWTValidationError('JWT verification failed.', { cause: error });
  }
  let payload: JWTPayload;
  try {
    payload = parseJSONBytes(bytes, 'payload', (message) => new JWTMalformedError(message)) as JWTPayload;
  } catch (error) {
    throw new JWTParseError('Invalid JWT payload: malformed JSON', { cause: error });
  }
  const leeway = settings.clockSkewLeewaySeconds;
  const exp = settings.validateExp === false ? undefined : timeClaim(payload, 'exp');
  if (settings.validateExp && exp === undefined) throw new JWTRequiredClaimMissingError('exp');
  // RFC 7519 §4.1.4: the token is expired from its exp second on (plus the leeway).
  if (exp !== undefined && now() >= exp + leeway) throw new JWTExpiredError();
  const nbf = settings.validateNbf === false ? undefined : timeClaim(payload, 'nbf');
  if (settings.validateNbf && nbf === undefined) throw new JWTRequiredClaimMissingError('nbf');
  if (nbf !== undefined && now() < nbf - leeway) throw new JWTNotYetValidError();
  return payload;
}

function unsafeParse(jwt: string, part: 'header' | 'payload'): JOSEHeader | JWTPayload {
  if (typeof jwt !== 'string' || jwt.split('.').length !== 3) throw new JWTFormatError('Invalid JWT format');
  try {
    return decodeJWT(jwt)[part] as JOSEHeader | JWTPayload;
  } catch (error) {
    throw new JWTParseError(`Invalid JWT format or malformed ${part}`, { cause: error });
  }
}

/** The payload of a JWT, NOT VERIFIED: for reading a token, never for trusting it. */
export function unsafeParseJWT(jwt: string): JWTPayload {
  return unsafeParse(jwt, 'payload') as JWTPayload;
}

/** The JOSE header of a JWT, NOT VERIFIED. */
export function unsafeParseJOSEHeader(jwt: string): JOSEHeader {
  return unsafeParse(jwt, 'header') as JOSEHeader;
}
