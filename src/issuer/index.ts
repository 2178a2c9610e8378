/**
 * `jwtkit/issuer`: the issuing side of an application: a key ring with rotation and a JWKS
 * endpoint, revocation and one-time tokens, and rotating refresh tokens with reuse detection, on
 * any store of `jwtkit/stores`.
 */

export type { AccessTokenProfileOptions } from './access-token-profile.js';
export type { DPoPBinding, TokenRequestOptions } from './dpop-binding.js';
export { createKeyRing, type KeyRing, type KeyRingOptions, keysFromText } from './key-ring.js';
export { createRevocationList, type RevocationList, type RevocationOptions } from './revocation.js';
export { createTokenIssuer, type TokenIssuer, type TokenIssuerOptions, type TokenPair } from './token-pairs.js';
