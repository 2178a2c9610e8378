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
import { JWSMalformedError, JWTMalformedError } from '../errors.js';
import { parseJSONBytes } from '../jws/compact.js';
import { verifyJWS } from '../jws/verify.js';
import { decodeJWT } from '../jwt/decode.js';
import { signJWT as signWithJwtkit } from '../jwt/sign.js';
import type { Key } from '../keys/key.js';
import {
  type ExportPEMKeyOptions,
  type GenerateKeyOptions,
  type GenerateKeyPairOptions,
  type JOSEHeader,
  JWTAlgorithmMismatchError,
  JWTAmbiguousClaimError,
  type JWTError,
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
import {
  algorithmOf,
  exportPEMKey,
  generateKey,
  generateKeyPair,
  importPEMKey,
  isCryptoKey,
  jwtkitKey,
  translate,
} from './cross-jwt-keys.js';
import { type Result, tryCatch, tryCatchSync } from './cross-jwt-result.js';

export * from './cross-jwt-api.js';
export { exportPEMKey, generateKey, generateKeyPair, importPEMKey } from './cross-jwt-keys.js';
export { Err, err, Ok, ok, type Result, tryCatch, tryCatchSync } from './cross-jwt-result.js';

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

/** @cross/jwt 1.0 reports every failure of the unsafeParse functions, a wrong part count too, as JWTParseError. */
function unsafeParse(jwt: string, part: 'header' | 'payload'): JOSEHeader | JWTPayload {
  try {
    if (typeof jwt !== 'string' || jwt.split('.').length !== 3) throw new JWTFormatError('Invalid JWT format');
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

/** @cross/jwt's alias of {@link signJWT}. */
export const createJWT = signJWT;
/** @cross/jwt's alias of {@link validateJWT}. */
export const verifyJWT = validateJWT;

// The *Safe forms: the same calls, resolving to a Result that holds what the throwing form throws.

/**
 * {@link signJWT}, as a Result.
 *
 * @example
 * ```ts
 * const signed = await signJWTSafe({ sub: 'ada' }, secret);
 * if (signed.isOk()) console.log(signed.value);
 * ```
 */
export function signJWTSafe(
  payload: JWTPayload,
  key: CryptoKey | string | false,
  options?: JWTOptions,
): Promise<Result<string, JWTError>> {
  return tryCatch(() => signJWT(payload, key, options));
}

/**
 * {@link validateJWT}, as a Result.
 *
 * @example
 * ```ts
 * const result = await validateJWTSafe(jwt, secret);
 * if (result.isErr() && result.errorValue instanceof JWTExpiredError) console.log('expired');
 * ```
 */
export function validateJWTSafe(
  jwt: string,
  key: CryptoKey | string | false,
  options?: JWTOptions,
): Promise<Result<JWTPayload, JWTError>> {
  return tryCatch(() => validateJWT(jwt, key, options));
}

/**
 * {@link unsafeParseJWT}, as a Result (NOT VERIFIED).
 *
 * @example
 * ```ts
 * const claims = unsafeParseJWTSafe(jwt).unwrapOr({});
 * ```
 */
export function unsafeParseJWTSafe(jwt: string): Result<JWTPayload, JWTError> {
  return tryCatchSync(() => unsafeParseJWT(jwt));
}

/**
 * {@link unsafeParseJOSEHeader}, as a Result (NOT VERIFIED).
 *
 * @example
 * ```ts
 * const kid = unsafeParseJOSEHeaderSafe(jwt).map((header) => header.kid).unwrapOr(undefined);
 * ```
 */
export function unsafeParseJOSEHeaderSafe(jwt: string): Result<JOSEHeader, JWTError> {
  return tryCatchSync(() => unsafeParseJOSEHeader(jwt));
}

/**
 * `generateKey`, as a Result.
 *
 * @example
 * ```ts
 * const key = await generateKeySafe(process.env.JWT_SECRET ?? '', 'HS256');
 * ```
 */
export function generateKeySafe(
  keyStr: string,
  optionsOrAlgorithm: SupportedKeyAlgorithms | GenerateKeyOptions = 'HS256',
): Promise<Result<CryptoKey, JWTError>> {
  return tryCatch(() => generateKey(keyStr, optionsOrAlgorithm));
}

/**
 * `generateKeyPair`, as a Result.
 *
 * @example
 * ```ts
 * const pair = await generateKeyPairSafe('ES256');
 * ```
 */
export function generateKeyPairSafe(
  optionsOrAlgorithm: SupportedKeyPairAlgorithms | GenerateKeyPairOptions = 'RS256',
): Promise<Result<CryptoKeyPair, JWTError>> {
  return tryCatch(() => generateKeyPair(optionsOrAlgorithm));
}

/**
 * `exportPEMKey`, as a Result.
 *
 * @example
 * ```ts
 * const pem = await exportPEMKeySafe(publicKey);
 * ```
 */
export function exportPEMKeySafe(
  key: CryptoKey,
  filePathOrOptions?: string | ExportPEMKeyOptions,
): Promise<Result<string, JWTError>> {
  return tryCatch(() => exportPEMKey(key, filePathOrOptions));
}

/**
 * `importPEMKey`, as a Result.
 *
 * @example
 * ```ts
 * const key = await importPEMKeySafe(pemText, 'RS256');
 * ```
 */
export function importPEMKeySafe(pem: string, algorithm: SupportedKeyPairAlgorithms): Promise<Result<CryptoKey, JWTError>> {
  return tryCatch(() => importPEMKey(pem, algorithm));
}
