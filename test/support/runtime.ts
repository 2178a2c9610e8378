// What the current run is: runtime, forced backend, and which algorithms must work here. The
// support table is explicit so that an algorithm that stops working fails a test instead of
// turning into a quiet "not supported".
import { buildInfo, type JWSAlgorithm } from 'jwtkit';

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
