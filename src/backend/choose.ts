import type { AlgorithmEntry, AlgorithmFamily } from '../algorithms/index.js';
import { NotSupportedError } from '../errors.js';
import type { BackendName } from './types.js';

/** What a choice needs of a backend (its key side or its JWE primitives). */
interface Choosable {
  readonly name: BackendName;
  supports(alg: AlgorithmEntry): boolean;
}

/** Which side of a key pair is being imported: signing and verifying can be fastest in different backends. */
export type KeySide = 'private' | 'public';

/**
 * Which backend a family prefers, for both sides or per side (secrets count as `public`); families
 * not listed prefer the first backend of the build.
 */
export type Preference = Readonly<Partial<Record<AlgorithmFamily, BackendName | Readonly<Record<KeySide, BackendName>>>>>;

/**
 * Picks the backend for an algorithm: the preferred one when it supports the algorithm, else any
 * other that does. A forced backend (JWTKIT_BACKEND) is the only one considered.
 */
export function chooseBackend<B extends Choosable>(
  alg: AlgorithmEntry,
  backends: readonly B[],
  preference: Preference,
  forced: BackendName | undefined,
  side: KeySide = 'public',
): B {
  const candidates = forced === undefined ? backends : backends.filter((backend) => backend.name === forced);
  const entry = preference[alg.family];
  const wanted = (typeof entry === 'object' ? entry[side] : entry) ?? backends[0]?.name;
  const preferred = candidates.find((backend) => backend.name === wanted);
  if (preferred?.supports(alg)) return preferred;
  const other = candidates.find((backend) => backend.supports(alg));
  if (other !== undefined) return other;
  const where = forced === undefined ? 'this runtime' : `the ${forced} backend`;
  throw new NotSupportedError(`${alg.name} is not supported on ${where}`);
}

/** Reads JWTKIT_BACKEND from the environment of Node, Bun or Deno; unset or "auto" means no forcing. */
export function forcedBackend(): BackendName | undefined {
  let value: string | undefined;
  try {
    const scope = globalThis as {
      process?: { env?: Record<string, string | undefined> };
      Deno?: { env: { get(name: string): string | undefined } };
    };
    value = scope.process?.env?.JWTKIT_BACKEND ?? scope.Deno?.env.get('JWTKIT_BACKEND');
  } catch {
    // Deno without --allow-env: behave as if unset.
  }
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if (value === 'node' || value === 'web') return value;
  throw new NotSupportedError(`JWTKIT_BACKEND must be "node", "web" or "auto"`);
}
