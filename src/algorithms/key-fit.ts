/**
 * Which keys serve which algorithm. A module of its own, without the registries' re-exports of
 * index.ts, so that the key text reader's chunk (keys/import-text.ts) can use it without pulling the
 * JWE registry into a browser bundle that never encrypts.
 */
import type { AlgorithmEntry } from './index.js';

/**
 * Whether a key of this JWK type and curve can serve the algorithm. For an AKP key, `crv` is its
 * ML-DSA parameter set where known (a container's OID, a key object): one set never serves another.
 */
export function keyFits(alg: AlgorithmEntry, kty: string, crv: string | undefined): boolean {
  if (alg.kty === 'AKP') return kty === 'AKP' && (crv === undefined || crv === alg.name);
  if (alg.kind === 'key-management' && alg.curves !== undefined) {
    // ECDH-ES: the NIST curves as EC keys, X25519 as an OKP key.
    return (kty === 'EC' || kty === 'OKP') && alg.curves.includes(crv ?? '') && (kty === 'OKP') === (crv === 'X25519');
  }
  if (kty !== alg.kty) return false;
  return alg.kind !== 'signature' || alg.crv === undefined || alg.crv === crv;
}

/** `sig` for signature algorithms, `enc` for JWE ones: the JWK `use` a key for the algorithm carries. */
export function keyUse(alg: AlgorithmEntry): 'sig' | 'enc' {
  return alg.kind === 'signature' ? 'sig' : 'enc';
}
