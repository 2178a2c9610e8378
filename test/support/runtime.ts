// What the current run is: runtime, forced backend, and which algorithms must work here. The
// support table is explicit so that an algorithm that stops working fails a test instead of
// turning into a quiet "not supported".
import { buildInfo, type JWSAlgorithm } from 'jwtkit';

const AES_192 = /^A192(GCM|CBC-HS384|GCMKW)$/;

export const runtime = buildInfo.runtime;
export const backend: 'node' | 'web' = buildInfo.forced === 'web' ? 'web' : 'node';

/** Whether `alg` must be available in this run (ES256K needs secp256k1 in node:crypto; Bun's BoringSSL lacks it). */
export function mustSupport(alg: JWSAlgorithm): boolean {
  if (alg === 'ES256K') return backend === 'node' && runtime !== 'bun' && runtime !== 'web';
  return true;
}

/** Whether the synchronous API must work for `alg` in this run. */
export function mustBeSync(alg: JWSAlgorithm): boolean {
  if (backend === 'web' || runtime === 'web') return false;
  return mustSupport(alg);
}

/**
 * Whether a JWE algorithm (alg or enc) must work in this run. Deno's node:crypto has no 192-bit
 * AES-GCM or AES-CBC, so with the node backend forced there, those report ERR_NOT_SUPPORTED (auto
 * selection uses WebCrypto for them).
 */
export function mustSupportJWE(name: string): boolean {
  if (AES_192.test(name)) return !(backend === 'node' && runtime === 'deno');
  return true;
}
