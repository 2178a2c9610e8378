/**
 * What both halves of a key import share: the plan a path makes (import.ts for JWKs, key objects
 * and Keys; import-text.ts for key text, bytes and secrets, which loads with the key text reader),
 * and the algorithm a key gets when none is named.
 */
import type { AlgorithmEntry, AlgorithmLookup } from '../algorithms/index.js';
import { defaultAlgorithmFor } from '../algorithms/signature.js';
import type { Backend, NativeKey } from '../backend/types.js';
import { NotSupportedError } from '../errors.js';

export interface Plan {
  readonly alg: AlgorithmEntry;
  readonly backend: Backend;
  readonly kid: string | undefined;
  readonly extractable: boolean;
  readonly allowShort: boolean;
  readonly ops: readonly string[] | undefined;
  /** Appended to a refused secret's message: what the caller probably meant. */
  readonly hint?: string;
  readonly run: () => NativeKey | Promise<NativeKey>;
}

/** Makes a plan with the import's options: `kid` and `ops` from a JWK where it has them, the backend for `alg` unless given. */
export type PlanFor = (
  alg: AlgorithmEntry,
  run: (backend: Backend) => NativeKey | Promise<NativeKey>,
  kid?: string,
  ops?: readonly string[],
  backend?: Backend,
) => Plan;

/** "an RSA", "an EC", "an Ed25519", "a P-256": the article as the name is spoken. */
export const article = (name: string): string => `${/^(?:[AEIOU]|RSA|X|OKP)/.test(name) ? 'an' : 'a'} ${name}`;

export function defaultAlgorithm(kty: string, crv: string | undefined, lookup: AlgorithmLookup): AlgorithmEntry {
  const alg = lookup.find(defaultAlgorithmFor(kty as 'oct', crv));
  if (alg === undefined)
    throw new NotSupportedError(`a ${crv ?? kty} key has no default algorithm: pass alg (X25519: ECDH-ES, ...)`);
  return alg;
}
