/**
 * `jwtkit/compat/jsonwebtoken`: the jsonwebtoken package's API (`sign`, `verify`, `decode` and its
 * three error classes) on jwtkit. Same signatures (synchronous, callback, `getKey(header, cb)`),
 * same options, the same checks in the same order with the same messages, and byte-identical
 * tokens for the same input. What jwtkit will not do is refused instead: a public key as an HMAC
 * secret, `none` unless listed, short secrets, RSA under 2048 bits, non-finite times. Plus EdDSA.
 * Every deliberate difference is listed in docs/migration/jsonwebtoken.md.
 *
 * @example
 * ```ts
 * import jwt from 'jwtkit/compat/jsonwebtoken';
 *
 * const token = jwt.sign({ sub: 'ada' }, secret, { expiresIn: '1h' });
 * const payload = jwt.verify(token, secret, { algorithms: ['HS256'] });
 * ```
 *
 * @packageDocumentation
 */

import { signatureAlgorithm } from '../algorithms/index.js';
import { decodeBase64url, encodeBase64urlString } from '../encoding/base64url.js';
import { type JSONObject, JSONSyntaxError, parseJSONObject } from '../encoding/json.js';
import { utf8Decode } from '../encoding/utf8.js';
import { createHeaderReader, splitCompact } from '../jws/compact.js';
import { headerRules } from '../jws/header.js';
import { signWith, verifySegment } from '../jws/signature.js';
import type { Key } from '../keys/key.js';
import {
  type DecodeOptions,
  type GetPublicKeyOrSecret,
  JsonWebTokenError,
  type Jwt,
  type JwtHeader,
  type JwtPayload,
  NotBeforeError,
  type Secret,
  type SignCallback,
  type SignOptions,
  TokenExpiredError,
  type VerifyCallback,
  type VerifyOptions,
} from './jsonwebtoken-api.js';
import { ASYMMETRIC, defaultAlgorithms, EC, HMAC, importFailure, keyFor, keyTypeMismatch, RSA } from './jsonwebtoken-keys.js';
import { timespan } from './timespan.js';

export * from './jsonwebtoken-api.js';

// ---------------------------------------------------------------------------------------------
// sign

const SIGN_OPTIONS: Readonly<Record<string, [(value: unknown) => boolean, string]>> = {
  expiresIn: [isSpan, '"expiresIn" should be a number of seconds or string representing a timespan'],
  notBefore: [isSpan, '"notBefore" should be a number of seconds or string representing a timespan'],
  audience: [(value) => typeof value === 'string' || Array.isArray(value), '"audience" must be a string or array'],
  algorithm: [
    (value) => typeof value === 'string' && SIGN_ALGORITHMS.has(value),
    '"algorithm" must be a valid string enum value',
  ],
  header: [isPlainObject, '"header" must be an object'],
  encoding: [(value) => typeof value === 'string', '"encoding" must be a string'],
  issuer: [(value) => typeof value === 'string', '"issuer" must be a string'],
  subject: [(value) => typeof value === 'string', '"subject" must be a string'],
  jwtid: [(value) => typeof value === 'string', '"jwtid" must be a string'],
  noTimestamp: [(value) => typeof value === 'boolean', '"noTimestamp" must be a boolean'],
  keyid: [(value) => typeof value === 'string', '"keyid" must be a string'],
  mutatePayload: [(value) => typeof value === 'boolean', '"mutatePayload" must be a boolean'],
  allowInsecureKeySizes: [(value) => typeof value === 'boolean', '"allowInsecureKeySizes" must be a boolean'],
  allowInvalidAsymmetricKeyTypes: [(value) => typeof value === 'boolean', '"allowInvalidAsymmetricKeyTypes" must be a boolean'],
};
const SIGN_ALGORITHMS = new Set([...HMAC, ...RSA, ...EC, 'EdDSA', 'none']);
const TIME_CLAIMS = ['iat', 'exp', 'nbf'] as const;
const CLAIM_OF_OPTION = [
  ['audience', 'aud'],
  ['issuer', 'iss'],
  ['subject', 'sub'],
  ['jwtid', 'jti'],
] as const;
const OBJECT_ONLY_OPTIONS = ['expiresIn', 'notBefore', 'noTimestamp', 'audience', 'issuer', 'subject', 'jwtid'];

function isSpan(value: unknown): boolean {
  return Number.isInteger(value) || (typeof value === 'string' && value.length > 0);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype;
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

/** The whole of `sign` but the callback: returns the token or throws what jsonwebtoken would. */
function signNow(payload: unknown, secretOrPrivateKey: unknown, options: SignOptions): string {
  const isObjectPayload = typeof payload === 'object' && payload !== null && !isBytes(payload);
  const header: Record<string, unknown> = Object.assign(
    { alg: options.algorithm ?? 'HS256', typ: isObjectPayload ? 'JWT' : undefined, kid: options.keyid },
    options.header,
  );
  const alg = header.alg as string;
  if (options.algorithm === 'none' || alg === 'none') {
    throw new Error('jwtkit does not sign unsecured tokens (algorithm "none"); signJWS and signJWT cannot either');
  }
  if (!secretOrPrivateKey) throw new Error('secretOrPrivateKey must have a value');
  if (typeof alg !== 'string' || signatureAlgorithm(alg) === undefined)
    throw new Error('"algorithm" must be a valid string enum value');
  const allowShort = options.allowInsecureKeySizes === true;
  let kind: Key;
  try {
    kind = keyFor(secretOrPrivateKey, undefined, allowShort, 'private');
  } catch (error) {
    throw importFailure(error, 'secretOrPrivateKey', alg, secretOrPrivateKey, allowShort);
  }
  if (alg.startsWith('HS') && kind.type !== 'secret')
    throw new Error(`secretOrPrivateKey must be a symmetric key when using ${alg}`);
  if (ASYMMETRIC.test(alg) && kind.type !== 'private')
    throw new Error(`secretOrPrivateKey must be an asymmetric key when using ${alg}`);

  let claims: Record<string, unknown> | undefined;
  if (payload === undefined) throw new Error('payload is required');
  if (isObjectPayload) {
    if (!isPlainObject(payload)) throw new Error('Expected "payload" to be a plain object.');
    // As jsonwebtoken: a claim present with the value undefined is not "absent".
    for (const name of TIME_CLAIMS) {
      if (Object.hasOwn(payload, name) && typeof payload[name] !== 'number')
        throw new Error(`"${name}" should be a number of seconds`);
    }
    claims = options.mutatePayload ? payload : Object.assign({}, payload);
  } else {
    const misplaced = OBJECT_ONLY_OPTIONS.filter((name) => options[name as keyof SignOptions] !== undefined);
    if (misplaced.length > 0) throw new Error(`invalid ${misplaced.join(',')} option for ${typeof payload} payload`);
  }
  if (claims?.exp !== undefined && options.expiresIn !== undefined) {
    throw new Error('Bad "options.expiresIn" option the payload already has an "exp" property.');
  }
  if (claims?.nbf !== undefined && options.notBefore !== undefined) {
    throw new Error('Bad "options.notBefore" option the payload already has an "nbf" property.');
  }
  checkSignOptions(options);

  let key: Key;
  try {
    key = keyFor(secretOrPrivateKey, alg, allowShort, 'private');
  } catch (error) {
    // A private key that cannot serve alg: the wrong type, or (EC) the wrong curve.
    if (kind.type === 'private') throw keyTypeMismatch(kind, alg);
    throw importFailure(error, 'secretOrPrivateKey', alg, secretOrPrivateKey, allowShort);
  }

  if (claims !== undefined) {
    const timestamp = (claims.iat as number | undefined) || Math.floor(Date.now() / 1000);
    if (options.noTimestamp) delete claims.iat;
    else claims.iat = timestamp;
    if (options.notBefore !== undefined) {
      claims.nbf = timespan(options.notBefore, timestamp);
      if (claims.nbf === undefined) {
        throw new Error('"notBefore" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60');
      }
    }
    if (options.expiresIn !== undefined) {
      claims.exp = timespan(options.expiresIn, timestamp);
      if (claims.exp === undefined) {
        throw new Error('"expiresIn" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60');
      }
    }
    for (const [option, claim] of CLAIM_OF_OPTION) {
      if (options[option] === undefined) continue;
      if (claims[claim] !== undefined) {
        throw new Error(`Bad "options.${option}" option. The payload already has an "${claim}" property.`);
      }
      claims[claim] = options[option];
    }
    for (const name of TIME_CLAIMS) {
      const value = claims[name];
      if (value !== undefined && !Number.isFinite(value)) throw new Error(`"${name}" must be a finite number of seconds`);
    }
  }

  const encoding = options.encoding ?? 'utf8';
  if (encoding !== 'utf8' && encoding !== 'utf-8') throw new Error(`jwtkit encodes payloads as UTF-8 only, not "${encoding}"`);
  const payloadText =
    claims !== undefined ? JSON.stringify(claims) : isBytes(payload) ? utf8Decode(payload) : String(payload as string);
  if (payloadText === undefined) throw new Error('the payload bytes are not UTF-8');
  const input = `${encodeBase64urlString(JSON.stringify(header))}.${encodeBase64urlString(payloadText)}`;
  const signature = signWith(key, input);
  if (typeof signature !== 'string')
    throw new Error(`${alg} is served by an asynchronous backend here; sign cannot be synchronous`);
  return `${input}.${signature}`;
}

function sameFamily(key: Key, alg: string): boolean {
  return defaultAlgorithms(key).includes(alg);
}

function checkSignOptions(options: SignOptions): void {
  if (!isPlainObject(options)) throw new Error('Expected "options" to be a plain object.');
  for (const name of Object.keys(options)) {
    const rule = SIGN_OPTIONS[name];
    if (rule === undefined) throw new Error(`"${name}" is not allowed in "options"`);
    // As jsonwebtoken: an option present with the value undefined is checked like any value
    // (`{ audience: undefined }` fails), never read as "absent".
    if (!rule[0](options[name as keyof SignOptions])) throw new Error(rule[1]);
  }
}

/**
 * Signs a payload (an object of claims, or a string or bytes for a plain JWS) and returns the
 * compact token; with a callback, passes it there asynchronously instead. Defaults to HS256, adds
 * `iat` unless `noTimestamp`. Throws plain `Error`s with jsonwebtoken's messages.
 */
export function sign(payload: string | Uint8Array | object, secretOrPrivateKey: Secret | null, options?: SignOptions): string;
export function sign(payload: string | Uint8Array | object, secretOrPrivateKey: Secret | null, callback: SignCallback): void;
export function sign(
  payload: string | Uint8Array | object,
  secretOrPrivateKey: Secret | null,
  options: SignOptions,
  callback: SignCallback,
): void;
export function sign(
  payload: string | Uint8Array | object,
  secretOrPrivateKey: Secret | null,
  optionsOrCallback?: SignOptions | SignCallback,
  callback?: SignCallback,
): string | undefined {
  let options: SignOptions;
  if (typeof optionsOrCallback === 'function') {
    callback = optionsOrCallback;
    options = {};
  } else options = optionsOrCallback ?? {};
  if (callback === undefined) return signNow(payload, secretOrPrivateKey, options);
  const reply = callback;
  let outcome: { token: string } | { error: Error };
  try {
    outcome = { token: signNow(payload, secretOrPrivateKey, options) };
  } catch (error) {
    outcome = { error: error instanceof Error ? error : new Error(String(error)) };
  }
  // jsonwebtoken answers a callback from a stream event, after the call has returned.
  queueMicrotask(() => ('token' in outcome ? reply(null, outcome.token) : reply(outcome.error)));
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// decode

interface Decoded {
  readonly header: JSONObject;
  readonly payload: JSONObject | string;
  readonly signature: string;
  readonly input: string;
}

const malformed = (message: string) => new JsonWebTokenError(message);
const readHeader = createHeaderReader(headerRules(undefined, false), malformed, 0);

/**
 * Reads a compact token strictly (jwtkit's rules: canonical base64url, fatal UTF-8, a JSON object
 * header without duplicate members). The payload is a claims object when it is JSON text for an
 * object, which must then be strict JSON too; any other text is returned as it is, as jsonwebtoken
 * does for a plain JWS.
 */
function decodeStrict(token: string, maxLength: number): Decoded {
  const parts = splitCompact(token, maxLength, malformed);
  const { header } = readHeader(parts.protectedSegment);
  const bytes = decodeBase64url(parts.payloadSegment);
  const text = bytes === undefined ? undefined : utf8Decode(bytes);
  if (text === undefined) throw malformed('the payload is not canonical base64url of UTF-8 text');
  return { header: header as JSONObject, payload: payloadOf(text), signature: parts.signatureSegment, input: parts.signingInput };
}

function payloadOf(text: string): JSONObject | string {
  let loose: unknown;
  try {
    loose = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof loose !== 'object' || loose === null) return text;
  try {
    return parseJSONObject(text);
  } catch (error) {
    // JSON.parse took it as an object; jwtkit's rules refuse it (a duplicate member, too deep, an array).
    if (error instanceof JSONSyntaxError) throw malformed(`the payload is not a strict JSON object: ${error.message}`);
    throw error;
  }
}

/**
 * Decodes a token WITHOUT verifying it: the payload (or `{ header, payload, signature }` with
 * `complete`), or `null` when the token cannot be read. Never trust what it returns.
 */
export function decode(token: string, options: DecodeOptions & { complete: true }): Jwt | null;
export function decode(token: string, options: DecodeOptions & { json: true }): JwtPayload | null;
export function decode(token: string, options?: DecodeOptions): JwtPayload | string | null;
export function decode(token: string, options: DecodeOptions = {}): Jwt | JwtPayload | string | null {
  let decoded: Decoded;
  try {
    decoded = decodeStrict(token, DEFAULT_MAX_LENGTH);
  } catch {
    return null;
  }
  // json: the payload must be JSON, as in jsonwebtoken, where JSON.parse throws for other text.
  const payload = options.json === true && typeof decoded.payload === 'string' ? JSON.parse(decoded.payload) : decoded.payload;
  if (options.complete === true) {
    return { header: decoded.header as unknown as JwtHeader, payload, signature: decoded.signature };
  }
  return payload;
}

// ---------------------------------------------------------------------------------------------
// verify

const DEFAULT_MAX_LENGTH = 8192;

type Done = (error: Error | null, value?: unknown) => unknown;
/** Any of the callback types the overloads take (their `decoded` types differ). */
type AnyCallback = (error: never, decoded?: never) => void;

/** Options jsonwebtoken takes as they come, made safe: no option may switch a check off by being NaN or Infinity. */
function verifyOptionError(options: VerifyOptions): JsonWebTokenError | undefined {
  if (options.clockTimestamp && typeof options.clockTimestamp !== 'number')
    return new JsonWebTokenError('clockTimestamp must be a number');
  if (options.clockTimestamp !== undefined && !Number.isFinite(options.clockTimestamp)) {
    return new JsonWebTokenError('clockTimestamp must be a finite number');
  }
  if (options.nonce !== undefined && (typeof options.nonce !== 'string' || options.nonce.trim() === '')) {
    return new JsonWebTokenError('nonce must be a non-empty string');
  }
  if (options.allowInvalidAsymmetricKeyTypes !== undefined && typeof options.allowInvalidAsymmetricKeyTypes !== 'boolean') {
    return new JsonWebTokenError('allowInvalidAsymmetricKeyTypes must be a boolean');
  }
  if (
    options.clockTolerance !== undefined &&
    !(typeof options.clockTolerance === 'number' && Number.isFinite(options.clockTolerance))
  ) {
    return new JsonWebTokenError('clockTolerance must be a finite number of seconds');
  }
  if (options.maxAge !== undefined && typeof options.maxAge === 'number' && !Number.isFinite(options.maxAge)) {
    return new JsonWebTokenError('maxAge must be a finite number of seconds');
  }
  if (options.algorithms !== undefined && !Array.isArray(options.algorithms))
    return new JsonWebTokenError('algorithms must be an array');
  const maxLength = options.maxTokenLength;
  if (maxLength !== undefined && !(Number.isSafeInteger(maxLength) && maxLength > 0)) {
    return new JsonWebTokenError('maxTokenLength must be a positive integer');
  }
  return undefined;
}

/** After the key is known: key checks, signature, then claims, in jsonwebtoken's order. */
function verifyWithKey(decoded: Decoded, input: unknown, options: VerifyOptions, clock: number, done: Done): unknown {
  const { header, payload, signature } = decoded;
  const alg = header.alg as string;
  const hasSignature = signature.trim() !== '';
  if (!hasSignature && input) return done(new JsonWebTokenError('jwt signature is required'));
  if (hasSignature && !input) return done(new JsonWebTokenError('secret or public key must be provided'));
  if (!hasSignature && !options.algorithms) {
    return done(new JsonWebTokenError('please specify "none" in "algorithms" to verify unsigned tokens'));
  }

  const allowShort = options.allowInsecureKeySizes === true;
  let kind: Key | undefined;
  if (input) {
    try {
      kind = keyFor(input, undefined, allowShort, 'public');
    } catch (error) {
      return done(
        new JsonWebTokenError(
          'secretOrPublicKey is not valid key material',
          importFailure(error, 'secretOrPublicKey', undefined, input, allowShort),
        ),
      );
    }
  }
  const algorithms: readonly string[] = options.algorithms ?? (kind ? defaultAlgorithms(kind) : []);
  if (!algorithms.includes(alg)) return done(new JsonWebTokenError('invalid algorithm'));

  if (kind === undefined) {
    // Unsigned, with "none" listed: nothing to verify (a signature here would have needed a key).
    if (alg !== 'none') return done(new JsonWebTokenError('invalid signature'));
  } else {
    if (alg.startsWith('HS') && kind.type !== 'secret') {
      return done(new JsonWebTokenError(`secretOrPublicKey must be a symmetric key when using ${alg}`));
    }
    if (ASYMMETRIC.test(alg) && kind.type !== 'public') {
      const why = kind.type === 'private' ? 'a public key (jwtkit does not verify with a private key)' : 'an asymmetric key';
      return done(new JsonWebTokenError(`secretOrPublicKey must be ${why} when using ${alg}`));
    }
    if (alg === 'none') return done(new JsonWebTokenError('invalid signature'));
    if (kind.type !== 'secret' && !sameFamily(kind, alg)) return done(keyTypeMismatch(kind, alg));
    let key: Key;
    try {
      key = keyFor(input, alg, allowShort, 'public');
    } catch (error) {
      if (kind.type !== 'secret') return done(keyTypeMismatch(kind, alg));
      return done(
        new JsonWebTokenError(
          'secretOrPublicKey is not valid key material',
          importFailure(error, 'secretOrPublicKey', undefined, input, allowShort),
        ),
      );
    }
    let valid: unknown;
    try {
      valid = verifySegment(key, decoded.input, signature, malformed);
    } catch (error) {
      // A signature segment jwtkit cannot read (a trailing space or newline, padding, non-canonical
      // bits) is what jsonwebtoken's token pattern refuses as "invalid token"; inner says why.
      return done(
        new JsonWebTokenError(error instanceof JsonWebTokenError ? 'invalid token' : 'invalid signature', error as Error),
      );
    }
    if (valid instanceof Promise) {
      return done(new JsonWebTokenError(`${alg} is served by an asynchronous backend here; verify cannot be synchronous`));
    }
    if (!valid) return done(new JsonWebTokenError('invalid signature'));
  }

  // A text payload has none of the claims, and fails the checks that expect one, as in jsonwebtoken.
  const claimError = checkClaims(typeof payload === 'string' ? {} : payload, options, clock);
  if (claimError !== undefined) return done(claimError);
  if (options.complete === true) return done(null, { header, payload, signature });
  return done(null, payload);
}

/** jsonwebtoken's claim checks, in its order, with jwtkit's rule that a time claim is a finite number. */
function checkClaims(payload: JSONObject, options: VerifyOptions, clock: number): Error | undefined {
  const tolerance = options.clockTolerance ?? 0;
  const { nbf, exp, iat } = payload;
  if (nbf !== undefined && !options.ignoreNotBefore) {
    if (typeof nbf !== 'number' || !Number.isFinite(nbf)) return new JsonWebTokenError('invalid nbf value');
    if (nbf > clock + tolerance) return new NotBeforeError('jwt not active', new Date(nbf * 1000));
  }
  if (exp !== undefined && !options.ignoreExpiration) {
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return new JsonWebTokenError('invalid exp value');
    if (clock >= exp + tolerance) return new TokenExpiredError('jwt expired', new Date(exp * 1000));
  }
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) return new JsonWebTokenError('invalid iat value');
  if (options.audience) {
    const audiences = Array.isArray(options.audience) ? options.audience : [options.audience];
    const targets = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    const match = targets.some((target) =>
      audiences.some((audience) =>
        audience instanceof RegExp ? typeof target === 'string' && audience.test(target) : audience === target,
      ),
    );
    if (!match) return new JsonWebTokenError(`jwt audience invalid. expected: ${audiences.join(' or ')}`);
  }
  if (options.issuer) {
    const invalid =
      (typeof options.issuer === 'string' && payload.iss !== options.issuer) ||
      (Array.isArray(options.issuer) && !options.issuer.includes(payload.iss as string));
    if (invalid) return new JsonWebTokenError(`jwt issuer invalid. expected: ${options.issuer}`);
  }
  if (options.subject && payload.sub !== options.subject) {
    return new JsonWebTokenError(`jwt subject invalid. expected: ${options.subject}`);
  }
  if (options.jwtid && payload.jti !== options.jwtid)
    return new JsonWebTokenError(`jwt jwtid invalid. expected: ${options.jwtid}`);
  if (options.nonce && payload.nonce !== options.nonce)
    return new JsonWebTokenError(`jwt nonce invalid. expected: ${options.nonce}`);
  if (options.maxAge) {
    if (typeof iat !== 'number') return new JsonWebTokenError('iat required when maxAge is specified');
    const limit = timespan(options.maxAge, iat);
    if (limit === undefined) {
      return new JsonWebTokenError(
        '"maxAge" should be a number of seconds or string representing a timespan eg: "1d", "20h", 60',
      );
    }
    if (clock >= limit + tolerance) return new TokenExpiredError('maxAge exceeded', new Date(limit * 1000));
  }
  return undefined;
}

/**
 * Verifies a token and returns its payload (or `{ header, payload, signature }` with `complete`);
 * throws a {@link JsonWebTokenError}, {@link TokenExpiredError} or {@link NotBeforeError}. With a
 * callback, reports there instead, and the key may be a `getKey(header, callback)` function.
 * Without `algorithms`, the key's type decides: HS256/384/512 for a secret, RS and PS for RSA, ES
 * for EC, EdDSA for Ed25519.
 */
export function verify(token: string, secretOrPublicKey: Secret, options: VerifyOptions & { complete: true }): Jwt;
export function verify(
  token: string,
  secretOrPublicKey: Secret,
  options?: VerifyOptions & { complete?: false },
): JwtPayload | string;
export function verify(token: string, secretOrPublicKey: Secret, options?: VerifyOptions): Jwt | JwtPayload | string;
export function verify(
  token: string,
  secretOrPublicKey: Secret | GetPublicKeyOrSecret,
  callback?: VerifyCallback<JwtPayload | string>,
): void;
export function verify(
  token: string,
  secretOrPublicKey: Secret | GetPublicKeyOrSecret,
  options: VerifyOptions & { complete: true },
  callback?: VerifyCallback<Jwt>,
): void;
export function verify(
  token: string,
  secretOrPublicKey: Secret | GetPublicKeyOrSecret,
  options?: VerifyOptions,
  callback?: VerifyCallback,
): void;
export function verify(
  token: string,
  secretOrPublicKey: Secret | GetPublicKeyOrSecret | null | undefined,
  optionsOrCallback?: VerifyOptions | AnyCallback,
  callback?: AnyCallback,
): unknown {
  let options: VerifyOptions;
  if (typeof optionsOrCallback === 'function' && !callback) {
    callback = optionsOrCallback;
    options = {};
  } else options = { ...((optionsOrCallback as VerifyOptions | undefined) ?? {}) };
  const reply = callback as ((error: Error | null, value?: unknown) => unknown) | undefined;
  const done: Done =
    reply ??
    ((error, value) => {
      if (error) throw error;
      return value;
    });

  const optionError = verifyOptionError(options);
  if (optionError) return done(optionError);
  const clock = options.clockTimestamp || Math.floor(Date.now() / 1000);
  if (!token) return done(new JsonWebTokenError('jwt must be provided'));
  if (typeof token !== 'string') return done(new JsonWebTokenError('jwt must be a string'));
  if (token.split('.', 4).length !== 3) return done(new JsonWebTokenError('jwt malformed'));

  let decoded: Decoded;
  try {
    decoded = decodeStrict(token, options.maxTokenLength ?? DEFAULT_MAX_LENGTH);
  } catch (error) {
    return done(new JsonWebTokenError('invalid token', error as Error));
  }

  if (typeof secretOrPublicKey === 'function') {
    if (!reply) {
      return done(new JsonWebTokenError('verify must be called asynchronous if secret or public key is provided as a callback'));
    }
    const getKey = secretOrPublicKey as GetPublicKeyOrSecret;
    return getKey(decoded.header as unknown as JwtHeader, (error, key) => {
      if (error) return done(new JsonWebTokenError(`error in secret or public key callback: ${error.message}`));
      return verifyWithKey(decoded, key, options, clock, done);
    });
  }
  return verifyWithKey(decoded, secretOrPublicKey, options, clock, done);
}

const jsonwebtoken = { sign, verify, decode, JsonWebTokenError, NotBeforeError, TokenExpiredError };
export default jsonwebtoken;
