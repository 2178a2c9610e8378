/** Backend selection for browsers and Workers: WebCrypto only, no node: module anywhere. */
import type { AlgorithmEntry } from '../algorithms/index.js';
import { NotSupportedError } from '../errors.js';
import type { KeySide } from './choose.js';
import type { Backend, BuildInfo, CipherBackend } from './types.js';
import { webBackend } from './web.js';
import { webCipher } from './web-cipher.js';

const backends: readonly Backend[] = [webBackend];

/** The one backend of this build, when it serves `alg` (chooseBackend's choice, with nothing to choose from). */
function only<B extends { supports(alg: AlgorithmEntry): boolean }>(alg: AlgorithmEntry, backend: B): B {
  if (backend.supports(alg)) return backend;
  throw new NotSupportedError(`${alg.name} is not supported on this runtime`);
}

/** The backend that serves `alg` here. */
export function backendFor(alg: AlgorithmEntry, _side?: KeySide): Backend {
  return only(alg, webBackend);
}

/** The JWE primitives for `alg` (content encryption, key wrap, PBES2) here. */
export function cipherFor(alg: AlgorithmEntry): CipherBackend {
  return only(alg, webCipher);
}

/** The JWE primitives of the backend that holds a key (RSA-OAEP, ECDH need the same one). */
export function cipherOf(_backend: Backend): CipherBackend {
  return webCipher;
}

/** Every backend of this build, for wrapping native key objects (CryptoKey). */
export const allBackends: readonly Backend[] = backends;

/** Describes the build and the runtime, for diagnostics and the support table. */
export const buildInfo: BuildInfo = { build: 'web', runtime: 'web', forced: 'auto' };

/**
 * The key text reader and the RSA checks are not in this build's first chunk: the asynchronous import
 * loads each the first time it is needed (keys/text-reader.ts, keys/rsa-checks.ts), and nothing is to
 * be done before an import.
 */
export function installKeyText(): void {}
