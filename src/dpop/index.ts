/** DPoP, RFC 9449: proofs of possession that bind tokens to a client's key. */
export { type CreateDPoPProofOptions, createDPoPProof, type DPoPKeyPair } from './create.js';
export { dpopProofFromHeaders } from './extract.js';
export { createDPoPFetch, type DPoPFetch, type DPoPFetchOptions } from './fetch.js';
export {
  createDPoPNonces,
  type DPoPNonceChecker,
  type DPoPNonceStatus,
  type DPoPNonces,
  type DPoPNoncesOptions,
} from './nonces.js';
export { type RecordDPoPProofOptions, recordDPoPProof } from './record.js';
export { DPOP_DEFAULT_ALGORITHMS, type VerifiedDPoPProof, type VerifyDPoPProofOptions, verifyDPoPProof } from './verify.js';
