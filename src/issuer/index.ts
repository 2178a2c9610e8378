/**
 * `jwtkit/issuer`: the issuing side of an application: a key ring with rotation and a JWKS
 * endpoint. Stores, revocation and refresh-token rotation build on it.
 */
export { createKeyRing, type KeyRing, type KeyRingOptions, keysFromText } from './key-ring.js';
