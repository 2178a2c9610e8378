/**
 * jwtkit: JWT and JOSE for every JavaScript runtime.
 *
 * @example
 * ```ts
 * import { generateKeyPair, signJWT, verifyJWT } from 'jwtkit';
 *
 * const { privateKey, publicKey } = await generateKeyPair('EdDSA');
 * const token = await signJWT({ sub: 'ada' }, privateKey, { expiresIn: '15m' });
 * const { payload } = await verifyJWT(token, publicKey);
 * ```
 *
 * @packageDocumentation
 */

export {
  CONTENT_ENCRYPTION_ALGORITHMS,
  type ContentEncryptionAlgorithmName,
  JWS_ALGORITHMS,
  type JWSAlgorithm,
  KEY_MANAGEMENT_ALGORITHMS,
  type KeyAlgorithmName,
  type KeyManagementAlgorithmName,
} from './algorithms/index.js';
export type { KeyType } from './algorithms/signature.js';
export { buildInfo } from './backend/build-info.js';
export type { Awaitable, BackendName, BuildInfo } from './backend/types.js';
export * from './dpop/index.js';
export * from './errors.js';
export { type DecryptedJWE, type DecryptJWEOptions, decryptJWE } from './jwe/decrypt.js';
export {
  type EncryptJWEOptions,
  encryptJWE,
  type JWERecipient,
  type JWERecipientOptions,
} from './jwe/encrypt.js';
export {
  DEFAULT_PBES2_COUNT,
  type FlattenedJWE,
  type GeneralJWE,
  type JWEHeader,
  type JWERecipientEntry,
  type JWESerialization,
} from './jwe/types.js';
export type { JWSHeader } from './jws/header.js';
export type { KeyOrResolver, KeyResolver } from './jws/key-source.js';
export type { HeaderOptions } from './jws/protected-header.js';
export { type JWSSigner, type JWSSignerOptions, type SignJWSOptions, signJWS } from './jws/sign.js';
export type { FlattenedJWS, GeneralJWS, JWSSerialization, JWSSignatureEntry } from './jws/types.js';
export { type VerifiedJWS, type VerifyJWSOptions, verifyJWS } from './jws/verify.js';
export {
  ACCESS_TOKEN_TYP,
  type AccessTokenClaims,
  type AccessTokenVerifierOptions,
  type AccessTokenVerifyOptions,
  createAccessTokenVerifier,
  verifyAccessToken,
} from './jwt/access-token.js';
export type { ClaimSetOptions } from './jwt/claim-set.js';
export type { ClaimOptions } from './jwt/claims.js';
export { decodeJWT } from './jwt/decode.js';
export { type DecryptedJWT, type DecryptJWTOptions, decryptJWT } from './jwt/decrypt.js';
export { type EncryptJWTOptions, encryptJWT } from './jwt/encrypt.js';
export { createSigner, type Signer, type SignerOptions, type SignJWTOptions, signJWT, signJWTSync } from './jwt/sign.js';
export type { JWTPayload, VerifiedJWT } from './jwt/types.js';
export {
  createVerifier,
  type Verifier,
  type VerifierOptions,
  type VerifyJWTOptions,
  verifyJWT,
  verifyJWTSync,
} from './jwt/verify.js';
export type { VerifierCacheOptions } from './jwt/verify-cache.js';
export { fromIssuer } from './keys/discovery.js';
export { type ExportFormat, exportKey } from './keys/export.js';
export {
  createExternalKey,
  type ExternalCallContext,
  type ExternalKeyOptions,
  type ExternalSignContext,
  externalPublicKey,
} from './keys/external/create.js';
export { ecdsaDERToJOSE, ecdsaJOSEToDER } from './keys/external/ecdsa-der.js';
export { type GenerateKeyPairOptions, generateKeyPair, generateSecret } from './keys/generate.js';
export { type ImportKeyOptions, importKey, importKeySync } from './keys/import.js';
export type { JWK, JWKS } from './keys/jwk.js';
export { createLocalJWKS, createSecretJWKS, type LocalJWKS } from './keys/jwks-local.js';
export { createRemoteJWKS, type RemoteJWKS, type RemoteJWKSOptions } from './keys/jwks-remote.js';
export { Key } from './keys/key.js';
export type { KeyMaterial } from './keys/material.js';
export { jwkThumbprint, jwkThumbprintURI, type ThumbprintHash } from './keys/thumbprint.js';
