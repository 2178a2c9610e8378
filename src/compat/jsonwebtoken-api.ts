/**
 * The public names of `jwtkit/compat/jsonwebtoken` other than its functions: the types of
 * @types/jsonwebtoken (so that code typed against it compiles) and jsonwebtoken's error classes.
 */
import type { JWSAlgorithm } from '../algorithms/index.js';

/** The algorithms jsonwebtoken knows, plus EdDSA (Ed25519); `none` only for `verify`'s list. */
export type Algorithm = Exclude<JWSAlgorithm, 'ES256K' | 'Ed25519'> | 'none';

export interface JwtHeader {
  alg: string | Algorithm;
  typ?: string | undefined;
  cty?: string | undefined;
  crit?: string[] | undefined;
  kid?: string | undefined;
  jku?: string | undefined;
  x5u?: string | string[] | undefined;
  'x5t#S256'?: string | undefined;
  x5t?: string | undefined;
  x5c?: string | string[] | undefined;
}

export interface JwtPayload {
  // biome-ignore lint/suspicious/noExplicitAny: the shape @types/jsonwebtoken gives claims
  [key: string]: any;
  iss?: string | undefined;
  sub?: string | undefined;
  aud?: string | string[] | undefined;
  exp?: number | undefined;
  nbf?: number | undefined;
  iat?: number | undefined;
  jti?: string | undefined;
}

export interface Jwt {
  header: JwtHeader;
  payload: JwtPayload | string;
  signature: string;
}

/** A secret (string or bytes), key text (PEM), a KeyObject, a CryptoKey, a JWK object or a jwtkit Key. */
export type Secret = string | Uint8Array | object;
export type PublicKey = Secret;
export type PrivateKey = Secret;

export interface SignOptions {
  algorithm?: Algorithm | undefined;
  keyid?: string | undefined;
  /** Seconds as a number; a string is a span as the `ms` package reads it (`'2 days'`, `'1h'`; `'120'` is 120 ms). */
  expiresIn?: string | number | undefined;
  notBefore?: string | number | undefined;
  audience?: string | string[] | undefined;
  subject?: string | undefined;
  issuer?: string | undefined;
  jwtid?: string | undefined;
  mutatePayload?: boolean | undefined;
  noTimestamp?: boolean | undefined;
  header?: Partial<JwtHeader> & Record<string, unknown>;
  /** How a string payload becomes bytes: only `utf8` (the default). */
  encoding?: string | undefined;
  /** Also accepts an HMAC secret shorter than the hash (jwtkit refuses those otherwise, loudly). RSA stays >= 2048 bits. */
  allowInsecureKeySizes?: boolean | undefined;
  /** Accepted and ignored: jwtkit always checks that the key fits the algorithm. */
  allowInvalidAsymmetricKeyTypes?: boolean | undefined;
}

export interface VerifyOptions {
  algorithms?: Algorithm[] | undefined;
  audience?: string | RegExp | Array<string | RegExp> | undefined;
  clockTimestamp?: number | undefined;
  clockTolerance?: number | undefined;
  complete?: boolean | undefined;
  issuer?: string | string[] | undefined;
  ignoreExpiration?: boolean | undefined;
  ignoreNotBefore?: boolean | undefined;
  jwtid?: string | undefined;
  nonce?: string | undefined;
  subject?: string | undefined;
  maxAge?: string | number | undefined;
  /** Accepted and ignored: jwtkit always checks that the key fits the algorithm. */
  allowInvalidAsymmetricKeyTypes?: boolean | undefined;
  /** jwtkit's: accept an HMAC secret shorter than the hash (refused otherwise). */
  allowInsecureKeySizes?: boolean | undefined;
  /** jwtkit's: the largest token accepted, in characters (default 8192), checked before anything is decoded. */
  maxTokenLength?: number | undefined;
}

export interface DecodeOptions {
  complete?: boolean | undefined;
  json?: boolean | undefined;
}

export type SignCallback = (error: Error | null, encoded?: string) => void;
export type VerifyErrors = JsonWebTokenError | NotBeforeError | TokenExpiredError;
export type VerifyCallback<T = Jwt | JwtPayload | string> = (error: VerifyErrors | null, decoded?: T) => void;
export type SigningKeyCallback = (error: Error | null, signingKey?: Secret | PublicKey) => void;
export type GetPublicKeyOrSecret = (header: JwtHeader, callback: SigningKeyCallback) => void;

// ---------------------------------------------------------------------------------------------
// Errors: jsonwebtoken's classes, fields and names.

/** What `verify` fails with; `inner` holds the underlying error where there is one (a jwtkit error has a `code`). */
export class JsonWebTokenError extends Error {
  declare inner?: Error;
  constructor(message: string, error?: Error) {
    super(message);
    this.name = 'JsonWebTokenError';
    if (error) this.inner = error;
  }
}

/** The token's `exp` (or `iat` + `maxAge`) has passed; `expiredAt` says when. */
export class TokenExpiredError extends JsonWebTokenError {
  readonly expiredAt: Date;
  constructor(message: string, expiredAt: Date) {
    super(message);
    this.name = 'TokenExpiredError';
    this.expiredAt = expiredAt;
  }
}

/** The token's `nbf` is still ahead; `date` says when it becomes valid. */
export class NotBeforeError extends JsonWebTokenError {
  readonly date: Date;
  constructor(message: string, date: Date) {
    super(message);
    this.name = 'NotBeforeError';
    this.date = date;
  }
}
