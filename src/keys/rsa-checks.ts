/**
 * The hook to the RSA key checks (roca.ts: the ROCA fingerprint, CVE-2017-15361). Only RSA keys need
 * them, so the browser build loads them the first time an RSA JWK or key object comes (a verifier of
 * ES256 or EdDSA never does); the Node, Deno and Bun build installs them before every import
 * (backend/select.node.ts). An RSA key in text (a PEM, a JWK's JSON) shows its type only once the
 * key text reader has read it: the first such import plans, meets the checks missing, loads them and
 * plans again (import.ts, importKeyFor).
 */
import { chunkHook, loadChunk } from '../backend/load-chunk.js';
import type * as ROCA from './roca.js';

type RSAChecks = Pick<typeof ROCA, 'rejectROCA' | 'checkedNative'>;

const checks = chunkHook<RSAChecks>();

/** @internal Called by roca.ts's installRSAChecks. */
export const setRSAChecks: (installed: RSAChecks) => void = checks.set;

/** The installed checks (roca.ts). */
export const rsaChecks: () => RSAChecks = checks.get;

/** Whether importing `input` needs the RSA checks: a JWK of kty "RSA" or a key object of an RSA algorithm. */
export function needsRSAChecks(input: unknown): boolean {
  if (checks.loaded() || typeof input !== 'object' || input === null) return false;
  // A JWK is snapshotJWK's frozen copy by now; a key object's getters may throw, which the key-object path reports.
  try {
    const object = input as { kty?: unknown; algorithm?: { name?: unknown } };
    if (object.kty === 'RSA') return true;
    const name = typeof object.algorithm === 'object' && object.algorithm !== null ? object.algorithm.name : undefined;
    return typeof name === 'string' && name.startsWith('RSA');
  } catch {
    return false;
  }
}

/** Loads the RSA checks' chunk (browser build). */
export async function loadRSAChecks(): Promise<void> {
  (await loadChunk('RSA key checks', () => import('./roca.js'))).installRSAChecks();
}
