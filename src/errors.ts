/**
 * Every error jwtkit throws is a {@link JWTKitError} with a stable `code`.
 * Messages describe what was wrong and never contain a key, a secret or a whole token.
 * The list of codes is in docs/errors.md.
 */

/** All error codes jwtkit can produce; switch on `error.code`. */
export type ErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_NOT_SUPPORTED'
  | 'ERR_SYNC_UNAVAILABLE'
  | 'ERR_ALG_NOT_ALLOWED'
  | 'ERR_KEY_INVALID'
  | 'ERR_KEY_WEAK'
  | 'ERR_KEY_MISMATCH'
  | 'ERR_KEY_NOT_EXTRACTABLE'
  | 'ERR_TOKEN_TOO_LARGE'
  | 'ERR_JWS_MALFORMED'
  | 'ERR_JWS_SIGNATURE_INVALID'
  | 'ERR_CRIT_UNSUPPORTED'
  | 'ERR_JWT_MALFORMED'
  | 'ERR_JWT_EXPIRED'
  | 'ERR_JWT_NOT_YET_VALID'
  | 'ERR_JWT_CLAIM_INVALID'
  | 'ERR_JWE_MALFORMED'
  | 'ERR_JWE_DECRYPTION_FAILED'
  | 'ERR_JWE_DECOMPRESSION_FAILED'
  | 'ERR_JWKS_INVALID'
  | 'ERR_JWKS_NO_MATCHING_KEY'
  | 'ERR_JWKS_MULTIPLE_MATCHING_KEYS'
  | 'ERR_JWKS_FETCH_FAILED'
  | 'ERR_JWKS_TIMEOUT'
  | 'ERR_STORE_UNAVAILABLE'
  | 'ERR_REFRESH_TOKEN_INVALID'
  | 'ERR_REFRESH_TOKEN_REUSED'
  | 'ERR_AUTH_MISSING'
  | 'ERR_AUTH_INVALID_REQUEST'
  | 'ERR_AUTH_INVALID_TOKEN'
  | 'ERR_AUTH_INSUFFICIENT_SCOPE'
  | 'ERR_AUTH_FORBIDDEN'
  | 'ERR_AUTH_CSRF'
  | 'ERR_AUTH_UNAVAILABLE'
  | 'ERR_AUTH_PREFLIGHT'
  | 'ERR_DPOP_PROOF_INVALID'
  | 'ERR_DPOP_NONCE_REQUIRED'
  | 'ERR_SD_JWT_MALFORMED'
  | 'ERR_SD_JWT_HASH_UNSUPPORTED'
  | 'ERR_SD_JWT_DISCLOSURE_UNREFERENCED'
  | 'ERR_SD_JWT_DIGEST_DUPLICATE'
  | 'ERR_SD_JWT_CLAIM_COLLISION'
  | 'ERR_SD_JWT_KEY_BINDING_MISSING'
  | 'ERR_SD_JWT_KEY_BINDING_INVALID'
  | 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID'
  | 'ERR_EXTERNAL_KEY_UNAVAILABLE';

/**
 * Base class of every jwtkit error.
 *
 * @example
 * ```ts
 * try {
 *   await verifyJWT(token, key);
 * } catch (error) {
 *   if (error instanceof JWTKitError && error.code === 'ERR_JWT_EXPIRED') refresh();
 * }
 * ```
 */
export class JWTKitError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** An option passed to a jwtkit function is invalid (refused when the signer or verifier is created). */
export class InvalidOptionError extends JWTKitError {
  /** The name of the option at fault. */
  readonly option: string;
  constructor(option: string, message: string) {
    super('ERR_INVALID_OPTION', `option "${option}": ${message}`);
    this.option = option;
  }
}

/** The algorithm or key type is not available on this runtime or backend. */
export class NotSupportedError extends JWTKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_NOT_SUPPORTED', message, options);
  }
}

/** A synchronous call was made where only an asynchronous backend can serve the key. */
export class SyncUnavailableError extends JWTKitError {
  constructor(message: string) {
    super('ERR_SYNC_UNAVAILABLE', message);
  }
}

/** The token's algorithm is not one the caller or the key allows. */
export class AlgorithmNotAllowedError extends JWTKitError {
  constructor(message: string) {
    super('ERR_ALG_NOT_ALLOWED', message);
  }
}

/** Key material could not be used: empty, unparsable, of an unknown type. */
export class KeyInvalidError extends JWTKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_KEY_INVALID', message, options);
  }
}

/** Key material is well formed but too weak (RSA under 2048 bits, HMAC secret shorter than the hash). */
export class KeyWeakError extends JWTKitError {
  constructor(message: string) {
    super('ERR_KEY_WEAK', message);
  }
}

/** The key does not fit the algorithm or the operation (wrong type, curve, `use`, `key_ops`, `alg`). */
export class KeyMismatchError extends JWTKitError {
  constructor(message: string) {
    super('ERR_KEY_MISMATCH', message);
  }
}

/** The key was created non-extractable and cannot be exported. */
export class KeyNotExtractableError extends JWTKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_KEY_NOT_EXTRACTABLE', message, options);
  }
}

/** The token is longer than `maxTokenLength`; nothing was decoded. */
export class TokenTooLargeError extends JWTKitError {
  constructor(length: number, max: number) {
    super('ERR_TOKEN_TOO_LARGE', `token is ${length} characters, over the limit of ${max}`);
  }
}

/** The JWS is not well formed (segments, base64url, header JSON, `crit`, `b64`). */
export class JWSMalformedError extends JWTKitError {
  constructor(message: string) {
    super('ERR_JWS_MALFORMED', message);
  }
}

/** The signature does not verify with the key. */
export class JWSSignatureInvalidError extends JWTKitError {
  constructor(message = 'signature verification failed') {
    super('ERR_JWS_SIGNATURE_INVALID', message);
  }
}

/** The header lists in `crit` an extension the caller did not declare as understood. */
export class CritUnsupportedError extends JWTKitError {
  /** The header parameter that is not understood. */
  readonly parameter: string;
  constructor(parameter: string) {
    super('ERR_CRIT_UNSUPPORTED', `critical header parameter "${parameter}" is not understood`);
    this.parameter = parameter;
  }
}

/** The JWT is not well formed (payload not a JSON object, not compact, `b64:false`). */
export class JWTMalformedError extends JWTKitError {
  constructor(message: string) {
    super('ERR_JWT_MALFORMED', message);
  }
}

/** Why a claim failed. */
export type ClaimReason = 'expired' | 'not_yet_valid' | 'invalid' | 'missing' | 'mismatch';

/** A claim check failed; `claim` names the claim (or `typ` for the header), `reason` says why. */
export class JWTClaimError extends JWTKitError {
  readonly claim: string;
  readonly reason: ClaimReason;
  constructor(claim: string, reason: ClaimReason, message: string, code: ErrorCode = 'ERR_JWT_CLAIM_INVALID') {
    super(code, message);
    this.claim = claim;
    this.reason = reason;
  }
}

/** The token has expired (`exp`, or `iat` older than `maxAge`). */
export class JWTExpiredError extends JWTClaimError {
  constructor(claim: 'exp' | 'iat', message: string) {
    super(claim, 'expired', message, 'ERR_JWT_EXPIRED');
  }
}

/** The token is not valid yet (`nbf` in the future). */
export class JWTNotYetValidError extends JWTClaimError {
  constructor(message: string) {
    super('nbf', 'not_yet_valid', message, 'ERR_JWT_NOT_YET_VALID');
  }
}

/**
 * The JWE is not well formed: segments, base64url, header JSON, header placement (`zip` and `crit`
 * unprotected), IV or tag of the wrong length, a bad `epk`, `p2c` or `p2s`. `parameter` names the
 * header parameter or member at fault, where there is one.
 */
export class JWEMalformedError extends JWTKitError {
  readonly parameter: string | undefined;
  constructor(message: string, parameter?: string) {
    super('ERR_JWE_MALFORMED', message);
    this.parameter = parameter;
  }
}

/**
 * Decryption failed. Deliberately one error for a wrong key, a failed key unwrap, a bad tag and
 * bad padding (RFC 7516 §11.5): telling them apart would be an oracle.
 */
export class JWEDecryptionFailedError extends JWTKitError {
  constructor(message = 'decryption failed') {
    super('ERR_JWE_DECRYPTION_FAILED', message);
  }
}

/** The compressed plaintext (`zip: "DEF"`) was refused: over `maxDecompressedSize`, not valid DEFLATE, or compression is off. */
export class JWEDecompressionError extends JWTKitError {
  constructor(message: string) {
    super('ERR_JWE_DECOMPRESSION_FAILED', message);
  }
}

/** A JWKS document is not well formed. */
export class JWKSInvalidError extends JWTKitError {
  constructor(message: string) {
    super('ERR_JWKS_INVALID', message);
  }
}

/** No key in the JWKS matches the token's header. */
export class JWKSNoMatchingKeyError extends JWTKitError {
  constructor(message = 'no key in the JWKS matches the token header') {
    super('ERR_JWKS_NO_MATCHING_KEY', message);
  }
}

/**
 * A remote JWKS or discovery document could not be fetched: the network failed, the server
 * answered other than 2xx, redirected to another origin, sent more than the size cap, or sent no
 * JSON. The message names the URL and the reason, never a token.
 */
export class JWKSFetchError extends JWTKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_JWKS_FETCH_FAILED', message, options);
  }
}

/** A remote JWKS or discovery document did not arrive within the `timeout`. */
export class JWKSTimeoutError extends JWTKitError {
  constructor(message: string) {
    super('ERR_JWKS_TIMEOUT', message);
  }
}

/** A store (revocations, one-time tokens, refresh-token families) could not be reached or failed. */
export class StoreUnavailableError extends JWTKitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_STORE_UNAVAILABLE', message, options);
  }
}

/** A refresh token is malformed, unknown, expired, or belongs to a revoked family. */
export class RefreshTokenInvalidError extends JWTKitError {
  /**
   * Why: `malformed` (not a refresh token), `unknown` (unknown or expired), `logged_out` (its
   * session was ended), `collision` (a new family id was taken), `dpop_proof_missing` (the family is
   * bound to a DPoP key and no proof came with the refresh), `dpop_key_mismatch` (the proof's key is
   * another). The two DPoP reasons leave the family as it was: nothing rotated, nothing revoked.
   */
  readonly reason: RefreshTokenInvalidReason;
  constructor(message: string, reason: RefreshTokenInvalidReason = 'unknown') {
    super('ERR_REFRESH_TOKEN_INVALID', message);
    this.reason = reason;
  }
}

/** Why a refresh token was refused: see {@link RefreshTokenInvalidError.reason}. */
export type RefreshTokenInvalidReason =
  | 'malformed'
  | 'unknown'
  | 'logged_out'
  | 'collision'
  | 'dpop_proof_missing'
  | 'dpop_key_mismatch';

/**
 * A refresh token was presented after it had been used (RFC 9700 §4.14.2: reuse detection): one of
 * its holders is not the client it was issued to, so its whole family was revoked.
 */
export class RefreshTokenReusedError extends JWTKitError {
  constructor(message = 'the refresh token was already used; its family is revoked and the user must log in again') {
    super('ERR_REFRESH_TOKEN_REUSED', message);
  }
}

/** More than one key in the JWKS matches and the header does not tell them apart. */
export class JWKSMultipleMatchingKeysError extends JWTKitError {
  constructor(message = 'several keys in the JWKS match the token header; give each key a distinct kid') {
    super('ERR_JWKS_MULTIPLE_MATCHING_KEYS', message);
  }
}

/**
 * What was wrong with a DPoP proof (RFC 9449 §4.3), one value per check: `count` (no proof, or
 * several), `malformed` (not a compact JWS of JSON objects, or a claim of the wrong type), `typ`,
 * `alg`, `jwk` (missing, private, symmetric or unusable), `signature`, `jti`, `htm`, `htu`, `iat`
 * (outside the window), `ath` (missing or not the access token's hash), `jkt` (not the key the
 * token is bound to), `replay` (this jti was already accepted within the window).
 */
export type DPoPProofReason =
  | 'count'
  | 'malformed'
  | 'typ'
  | 'alg'
  | 'jwk'
  | 'signature'
  | 'jti'
  | 'htm'
  | 'htu'
  | 'iat'
  | 'ath'
  | 'jkt'
  | 'replay';

/**
 * A DPoP proof was refused. `reason` names the check that failed; `oauthError` is the RFC 9449
 * §7.1 error code an HTTP layer answers with (`invalid_dpop_proof`).
 */
export class DPoPProofInvalidError extends JWTKitError {
  readonly reason: DPoPProofReason;
  readonly oauthError = 'invalid_dpop_proof' as const;
  constructor(reason: DPoPProofReason, message: string, options?: { cause?: unknown }) {
    super('ERR_DPOP_PROOF_INVALID', message, options);
    this.reason = reason;
  }
}

/**
 * A DPoP proof carries no server nonce, or one that is no longer (`stale`) or never was (`invalid`)
 * this server's, while nonces are required (RFC 9449 §8). The client retries with a fresh nonce:
 * `oauthError` is `use_dpop_nonce`, and the HTTP layer sends a new one in `DPoP-Nonce`.
 */
export class DPoPNonceRequiredError extends JWTKitError {
  readonly reason: 'missing' | 'stale' | 'invalid';
  readonly oauthError = 'use_dpop_nonce' as const;
  constructor(reason: 'missing' | 'stale' | 'invalid', message: string) {
    super('ERR_DPOP_NONCE_REQUIRED', message);
    this.reason = reason;
  }
}

/** An SD-JWT (RFC 9901) is not well formed: its `~` segments, a Disclosure's encoding or shape, `_sd` or `...` values. */
export class SDJWTMalformedError extends JWTKitError {
  constructor(message: string) {
    super('ERR_SD_JWT_MALFORMED', message);
  }
}

/** The SD-JWT's `_sd_alg` names a hash function jwtkit does not support (sha-256, sha-384 and sha-512 are). */
export class SDJWTHashUnsupportedError extends JWTKitError {
  constructor(message: string) {
    super('ERR_SD_JWT_HASH_UNSUPPORTED', message);
  }
}

/** A Disclosure's digest is not in the issuer-signed payload, nor in another Disclosure it refers to (RFC 9901 §7.1). */
export class SDJWTDisclosureUnreferencedError extends JWTKitError {
  constructor(message: string) {
    super('ERR_SD_JWT_DISCLOSURE_UNREFERENCED', message);
  }
}

/** A digest appears more than once in the payload and its Disclosures, or a Disclosure is given twice (RFC 9901 §7.1). */
export class SDJWTDigestDuplicateError extends JWTKitError {
  constructor(message: string) {
    super('ERR_SD_JWT_DIGEST_DUPLICATE', message);
  }
}

/** A Disclosure names a claim that is already at its level of the payload (RFC 9901 §7.1: no overwriting). */
export class SDJWTClaimCollisionError extends JWTKitError {
  /** The claim name that would have been written twice. */
  readonly claim: string;
  constructor(claim: string, message: string) {
    super('ERR_SD_JWT_CLAIM_COLLISION', message);
    this.claim = claim;
  }
}

/** Key binding is required (the verifier asked for it, or the credential has `cnf`) and the presentation has no key-binding JWT. */
export class SDJWTKeyBindingMissingError extends JWTKitError {
  constructor(message: string) {
    super('ERR_SD_JWT_KEY_BINDING_MISSING', message);
  }
}

/** Why a key-binding JWT was refused. */
export type KeyBindingReason = 'malformed' | 'typ' | 'key' | 'signature' | 'audience' | 'nonce' | 'iat' | 'sd_hash';

/** The key-binding JWT does not verify: its signature, `typ`, `aud`, `nonce`, `iat` or `sd_hash` (RFC 9901 §7.3). */
export class SDJWTKeyBindingInvalidError extends JWTKitError {
  /** Which check failed. */
  readonly reason: KeyBindingReason;
  constructor(reason: KeyBindingReason, message: string, options?: { cause?: unknown }) {
    super('ERR_SD_JWT_KEY_BINDING_INVALID', message, options);
    this.reason = reason;
  }
}

/** Why an external key's signature was refused. */
export type ExternalSignatureReason = 'format' | 'length' | 'mismatch';

/**
 * An external key (HSM, cloud KMS) returned a signature jwtkit will not put in a token: not bytes
 * or not strict DER (`format`), not the algorithm's length (`length`), or one that does not verify
 * with the key's public half (`mismatch`: a misconfigured key id, another key, garbage). No token
 * is produced.
 */
export class ExternalKeySignatureInvalidError extends JWTKitError {
  /** Which check failed. */
  readonly reason: ExternalSignatureReason;
  constructor(reason: ExternalSignatureReason, message: string) {
    super('ERR_EXTERNAL_KEY_SIGNATURE_INVALID', message);
    this.reason = reason;
  }
}

/**
 * An external key's service could not be used: its function threw or rejected (`failed`; the
 * error is in `cause`), or did not answer within `timeout` (`timeout`).
 */
export class ExternalKeyUnavailableError extends JWTKitError {
  /** `failed` or `timeout`. */
  readonly reason: 'failed' | 'timeout';
  constructor(reason: 'failed' | 'timeout', message: string, options?: { cause?: unknown }) {
    super('ERR_EXTERNAL_KEY_UNAVAILABLE', message, options);
    this.reason = reason;
  }
}
