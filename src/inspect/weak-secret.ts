/**
 * Whether an HS* token verifies with a secret an attacker would try first. Offline guessing is
 * exactly what a weak secret invites, so this does what such an attacker does: the built-in common
 * secrets, then every short one. It calls the backend's raw HMAC primitive (the one JWE's
 * CBC-HMAC uses) because importing tens of thousands of candidate keys would take seconds.
 *
 * The work is bounded (catalogue entry 44): at most `maxCandidates` HMACs per call, only for tokens
 * up to `maxTokenLength`, and an AbortSignal ends it between two candidates.
 */

import { cipherFor } from '#backend';
import { signatureAlgorithm } from '../algorithms/signature.js';
import { decodeBase64url } from '../encoding/base64url.js';
import { utf8Encode } from '../encoding/utf8.js';
import { TokenTooLargeError } from '../errors.js';
import { checkOptionNames, optionNames } from '../options.js';
import { dissectToken } from './dissect.js';
import { limitOption, MAX_SECRET_CANDIDATES, MAX_SECRET_SEARCH_TOKEN_LENGTH } from './limits.js';
import { commonSecrets, shortSecrets } from './secrets.js';

const WEAK_SECRET_OPTIONS = /* @__PURE__ */ optionNames<WeakSecretOptions>()([
  'extra',
  'short',
  'maxCandidates',
  'maxTokenLength',
  'signal',
]);

export interface WeakSecret {
  /** Where the secret came from. */
  readonly source: 'common' | 'short';
  /** The secret, for the caller to show masked (see {@link maskSecret}). */
  readonly secret: string;
}

/** Options of {@link findWeakSecret}. */
export interface WeakSecretOptions {
  /** Candidates to try first (a team's own list of old or leaked secrets). */
  extra?: readonly string[];
  /** Also try every secret of up to 3 characters and 4-digit PINs (default true). */
  short?: boolean;
  /** Most HMACs computed; the search stops there, as if nothing matched (default 100,000). */
  maxCandidates?: number;
  /** Longest token searched; a longer HS* token is refused with `ERR_TOKEN_TOO_LARGE` (default 8192). */
  maxTokenLength?: number;
  /** Ends the search between two candidates: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

/** `s****t (6 characters)`: enough to recognise a secret, not enough to reuse it from a screen. */
export function maskSecret(secret: string): string {
  const chars = [...secret];
  const shown = chars.length <= 2 ? '*'.repeat(chars.length) : `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
  return `${shown} (${chars.length} character${chars.length === 1 ? '' : 's'})`;
}

/** Candidates between two turns of the event loop, so that a synchronous HMAC lets an abort in. */
const CANDIDATES_PER_TURN = 1024;

const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function* candidates(options: WeakSecretOptions): Generator<WeakSecret> {
  for (const secret of options.extra ?? []) yield { source: 'common', secret };
  for (const secret of commonSecrets()) yield { source: 'common', secret };
  if (options.short !== false) for (const secret of shortSecrets()) yield { source: 'short', secret };
}

/**
 * Tries the candidates against an HS256/384/512 compact JWS; `undefined` when none verifies, the
 * token is not an HMAC JWS, or `maxCandidates` HMACs were computed without a match. `extra`
 * candidates (a team's own list) are tried first, then the built-in common and short secrets
 * (about 68,000). An HS* token over `maxTokenLength` characters (8 KiB, `verifyJWT`'s default
 * limit) is refused with `ERR_TOKEN_TOO_LARGE`: each candidate hashes the whole token.
 *
 * @example
 * ```ts
 * const stop = new AbortController();
 * cancelButton.onclick = () => stop.abort();
 * const weak = await findWeakSecret(token, { signal: stop.signal });
 * if (weak) console.log(`signed with ${maskSecret(weak.secret)}`);
 * ```
 */
export async function findWeakSecret(token: string, options: WeakSecretOptions = {}): Promise<WeakSecret | undefined> {
  checkOptionNames(options, WEAK_SECRET_OPTIONS);
  const maxCandidates = limitOption('maxCandidates', options.maxCandidates, MAX_SECRET_CANDIDATES);
  const maxTokenLength = limitOption('maxTokenLength', options.maxTokenLength, MAX_SECRET_SEARCH_TOKEN_LENGTH);
  const { signal } = options;
  signal?.throwIfAborted();
  const dissected = dissectToken(token);
  if (dissected.kind !== 'JWS') return undefined;
  const [protectedSegment, payloadSegment, signatureSegment] = dissected.parts.map((part) => part.text) as [
    string,
    string,
    string,
  ];
  const alg = dissected.header?.alg;
  const algorithm = signatureAlgorithm(alg);
  const signature = decodeBase64url(signatureSegment);
  if (algorithm?.family !== 'HMAC' || signature === undefined || signature.length !== algorithm.hashLength) return undefined;
  if (token.length > maxTokenLength) throw new TokenTooLargeError(token.length, maxTokenLength);
  const cipher = cipherFor(algorithm);
  const input = utf8Encode(`${protectedSegment}.${payloadSegment}`);
  let tried = 0;
  for (const candidate of candidates(options)) {
    if (tried === maxCandidates) return undefined;
    if (signal !== undefined && tried > 0 && tried % CANDIDATES_PER_TURN === 0) await nextTurn();
    signal?.throwIfAborted();
    tried++;
    if (cipher.equal(await cipher.hmac(algorithm.hash, utf8Encode(candidate.secret), input), signature)) return candidate;
  }
  return undefined;
}
