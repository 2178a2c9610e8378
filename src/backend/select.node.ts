/**
 * Backend selection for Node, Deno and Bun (the node-capable build, through package.json "imports").
 * Which backend serves which family per runtime comes from `npm run bench` (docs/benchmarks.md).
 */
import type { AlgorithmEntry } from '../algorithms/index.js';
import { installRSAChecks } from '../keys/roca.js';
import { installKeyTextReader } from '../keys/text-reader.js';
import { chooseBackend, forcedBackend, type KeySide, type Preference } from './choose.js';
import { cryptoKeyModulus, nodeBackend } from './node.js';
import { nodeCipher } from './node-cipher.js';
import type { Backend, BackendName, BuildInfo, CipherBackend } from './types.js';
import { webBackend } from './web.js';
import { webCipher } from './web-cipher.js';

type Runtime = 'node' | 'deno' | 'bun';
const scope = globalThis as { Deno?: unknown; Bun?: unknown };
const runtime: Runtime = scope.Deno !== undefined ? 'deno' : scope.Bun !== undefined ? 'bun' : 'node';

const NODE_EVERYWHERE: Preference = {
  HMAC: 'node',
  'RSASSA-PKCS1-v1_5': 'node',
  'RSA-PSS': 'node',
  ECDSA: 'node',
  EdDSA: 'node',
};
const PREFERENCE: Readonly<Record<Runtime, Preference>> = {
  node: NODE_EVERYWHERE,
  bun: NODE_EVERYWHERE,
  // Measured (docs/benchmarks.md): on Deno, ECDSA verifies faster through WebCrypto but signs
  // faster (P-521 twice as fast) through its node:crypto; every other family, EdDSA included, is
  // faster through node:crypto.
  deno: { ...NODE_EVERYWHERE, ECDSA: { private: 'node', public: 'web' } },
};

const backends: readonly Backend[] = [nodeBackend, webBackend];
const ciphers: readonly CipherBackend[] = [nodeCipher, webCipher];
const forced: BackendName | undefined = forcedBackend();

/** The backend that serves `alg` here, for the private or the public side of a key pair. */
export function backendFor(alg: AlgorithmEntry, side?: KeySide): Backend {
  return chooseBackend(alg, backends, PREFERENCE[runtime], forced, side);
}

/** The JWE primitives for `alg` (content encryption, key wrap, PBES2) here. */
export function cipherFor(alg: AlgorithmEntry): CipherBackend {
  return chooseBackend(alg, ciphers, PREFERENCE[runtime], forced);
}

/** The JWE primitives of the backend that holds a key (RSA-OAEP, ECDH need the same one). */
export function cipherOf(backend: Backend): CipherBackend {
  return backend.name === 'node' ? nodeCipher : webCipher;
}

/** Every backend of this build, for wrapping native key objects (KeyObject, CryptoKey). */
export const allBackends: readonly Backend[] = backends;

/** Describes the build and the runtime, for diagnostics and the support table. */
export const buildInfo: BuildInfo = { build: 'node', runtime: runtime, forced: forced ?? 'auto' };

/**
 * Makes the key text reader (PEM, DER, the scan that keeps key material from becoming a secret) and
 * the RSA checks (ROCA) ready before an import: here they are always in the build, for the
 * synchronous API as well.
 */
export function installKeyText(): void {
  if (installed) return;
  installed = true;
  installKeyTextReader();
  installRSAChecks(cryptoKeyModulus);
}
let installed = false;
