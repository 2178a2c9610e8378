/** Backend selection for browsers and Workers: WebCrypto only, no node: module anywhere. */
import type { AlgorithmEntry } from '../algorithms/index.js';
import { chooseBackend, type Preference } from './choose.js';
import type { Backend, BuildInfo } from './types.js';
import { webBackend } from './web.js';

const WEB: Preference = {};
const backends: readonly Backend[] = [webBackend];

/** The backend that serves `alg` here. */
export function backendFor(alg: AlgorithmEntry): Backend {
  return chooseBackend(alg, backends, WEB, undefined);
}

/** Every backend of this build, for wrapping native key objects (CryptoKey). */
export const allBackends: readonly Backend[] = backends;

/** Describes the build and the runtime, for diagnostics and the support table. */
export const buildInfo: BuildInfo = { build: 'web', runtime: 'web', forced: 'auto' };
