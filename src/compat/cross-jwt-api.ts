/**
 * The public names of `jwtkit/compat/cross-jwt` other than its functions: @cross/jwt's option and
 * claim types, so that code typed against it compiles, and its error classes, with their names,
 * messages and hierarchy (the expiry, not-yet-valid, missing and ambiguous claim errors are
 * validation errors).
 */

/** The HMAC algorithms `generateKey` makes keys for. */
export type SupportedKeyAlgorithms = 'HS256' | 'HS384' | 'HS512';
/** The algorithms `generateKeyPair` and `importPEMKey` take; ES512 and EdDSA are jwtkit's additions. */
export type SupportedKeyPairAlgorithms =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'EdDSA';
/** The names older @cross/jwt versions gave the same two types. */
export type SupportedGenerateKeyAlgorithms = SupportedKeyAlgorithms;
export type SupportedGenerateKeyPairAlgorithms = SupportedKeyPairAlgorithms;

export interface GenerateKeyOptions {
  /** The HMAC algorithm (default HS256). */
  algorithm?: SupportedKeyAlgorithms;
  /** Accept a secret shorter than the hash (32, 48 or 64 bytes). Unsafe: it can be brute-forced from one token. */
  allowInsecureKeyLengths?: boolean;
}

export interface GenerateKeyPairOptions {
  /** The algorithm (default RS256). */
  algorithm?: SupportedKeyPairAlgorithms;
  /** RSA modulus length in bits (default 2048, at least 2048). */
  modulusLength?: number;
  /** Accepted for compatibility; jwtkit refuses RSA keys under 2048 bits all the same. */
  allowInsecureModulusLengths?: boolean;
}

/** Where and how `exportPEMKey` writes the key (as its second argument, instead of a path). */
export interface ExportPEMKeyOptions {
  /** The file to write the PEM text to. */
  filePath?: string;
  /**
   * The file's mode (default 0o644 for a public key). A private key file is made 0o600 whatever
   * this says (a difference from @cross/jwt, docs/migration/cross-jwt.md).
   */
  mode?: number;
}

/** The JOSE header of a token. */
export interface JOSEHeader {
  alg?: string;
  typ?: string;
  cty?: string;
  kid?: string;
  [parameter: string]: unknown;
}

/** The claims of a token: jwtkit's type, which has @cross/jwt's shape. */
export type { JWTPayload } from '../jwt/types.js';

/** @cross/jwt's options for `signJWT` and `validateJWT`. */
export interface JWTOptions {
  /** The algorithm; it must be the key's (default: the key's). */
  algorithm?: string;
  /** Add `iat` when the payload has none (default true). */
  setIat?: boolean;
  /**
   * `signJWT`: require an `exp` in the future. `validateJWT`: require `exp`. Whatever this says,
   * `validateJWT` refuses an expired token unless it is `false` (jwtkit checks `exp` by default).
   */
  validateExp?: boolean;
  /** As `validateExp`, for `nbf`. */
  validateNbf?: boolean;
  /** Leeway for `exp` and `nbf`, in seconds (default 60). */
  clockSkewLeewaySeconds?: number;
  /** RSA-PSS salt length in bytes: only the length RFC 7518 §3.5 gives (the hash's: 32, 48, 64) is accepted. */
  saltLength?: number;
  /** `exp` as a duration from now: a whole number and one of d, h, m, s (`'1h'`, `'30m'`). */
  expiresIn?: string;
  /** `nbf` as a duration from now, as `expiresIn`. */
  notBefore?: string;
  /** More header parameters (`kid`, `typ`, `cty`, ...); `alg` comes from the key. */
  additionalHeaderClaims?: JOSEHeader;
}

/** A token that is not three base64url segments, or whose segments do not decode. */
export class JWTFormatError extends Error {
  override name = 'JWTFormatError';
}
/** An algorithm the key, the options or the library does not support. */
export class JWTUnsupportedAlgorithmError extends Error {
  override name = 'JWTUnsupportedAlgorithmError';
}
/** `options.algorithm` is not the key's algorithm. */
export class JWTAlgorithmMismatchError extends Error {
  override name = 'JWTAlgorithmMismatchError';
}
/** A token or a claim that failed validation; the parent of the claim errors below. */
export class JWTValidationError extends Error {
  override name = 'JWTValidationError';
}
export class JWTExpiredError extends JWTValidationError {
  override name = 'JWTExpiredError';
  constructor(options?: ErrorOptions) {
    super('JWT has expired', options);
  }
}
export class JWTNotYetValidError extends JWTValidationError {
  override name = 'JWTNotYetValidError';
  constructor(options?: ErrorOptions) {
    super('JWT is not yet valid', options);
  }
}
export class JWTRequiredClaimMissingError extends JWTValidationError {
  override name = 'JWTRequiredClaimMissingError';
  constructor(claimName: string) {
    super(`Missing required claim: ${claimName}`);
  }
}
/** A claim given both in the payload and as an option (`exp` and `expiresIn`). */
export class JWTAmbiguousClaimError extends JWTValidationError {
  override name = 'JWTAmbiguousClaimError';
  constructor(claimName: string) {
    super(`Ambiguous claim supplied: ${claimName}`);
  }
}
export class JWTRequiredOptionMissingError extends JWTFormatError {
  override name = 'JWTRequiredOptionMissingError';
  constructor(optionName: string) {
    super(`Missing required option: ${optionName}`);
  }
}
/** A header or payload that is not a JSON object. */
export class JWTParseError extends Error {
  override name = 'JWTParseError';
}

export type JWTError =
  | JWTFormatError
  | JWTUnsupportedAlgorithmError
  | JWTAlgorithmMismatchError
  | JWTValidationError
  | JWTExpiredError
  | JWTNotYetValidError
  | JWTRequiredClaimMissingError
  | JWTAmbiguousClaimError
  | JWTRequiredOptionMissingError
  | JWTParseError;
