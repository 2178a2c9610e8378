/**
 * How much hostile input the inspection tools take. They read tokens nobody vouches for (pasted
 * into a page, piped into the CLI), so every function here refuses text over a size it can handle
 * in a fraction of a second before looking at it, and runs in time linear in what it accepts.
 */
import { InvalidOptionError, JWTMalformedError, TokenTooLargeError } from '../errors.js';
import { DEFAULT_MAX_JWT_LENGTH } from '../jwt/types.js';
import { optionNames } from '../options.js';
import type { InputLimit } from './extract.js';

/**
 * The most text `extractToken`, `dissectToken` and `inspectToken` read by default: 256 KiB of
 * characters. Far above any real token (a JWT verifier refuses more than 8 KiB by default, and a
 * JWE carrying a document rarely passes 100 KiB), far below what would make a linear scan slow.
 *
 * @example
 * ```ts
 * if (pasted.length > MAX_INSPECT_INPUT_LENGTH) console.log('paste only the token');
 * ```
 */
export const MAX_INSPECT_INPUT_LENGTH = 262_144;

/**
 * The longest token the weak-secret search tries (8 KiB, `verifyJWT`'s default `maxTokenLength`).
 * Each candidate hashes the whole signing input, so the search costs tokens x candidates; a
 * longer HS* token is refused by a default verifier anyway.
 *
 * @example
 * ```ts
 * if (token.length > MAX_SECRET_SEARCH_TOKEN_LENGTH) console.log('too large for the secret search');
 * ```
 */
export const MAX_SECRET_SEARCH_TOKEN_LENGTH = DEFAULT_MAX_JWT_LENGTH;

/**
 * The most HMACs one weak-secret search computes: 100,000, above the built-in lists (about
 * 68,000 candidates) with room for a team's own list; about 0.2 s on Node for a common token.
 *
 * @example
 * ```ts
 * await findWeakSecret(token, { maxCandidates: MAX_SECRET_CANDIDATES / 10 });
 * ```
 */
export const MAX_SECRET_CANDIDATES = 100_000;

/** The option names of the inspection functions that read text (`InputLimit`). */
export const INPUT_LIMIT_OPTIONS = /* @__PURE__ */ optionNames<InputLimit>()(['maxInputLength']);

/** A positive whole-number option, or its default. */
export function limitOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidOptionError(name, 'must be a positive integer');
  return value;
}

/** Refuses text over `max` characters (and anything that is not text) before it is read. */
export function checkInputLength(text: unknown, max: number): asserts text is string {
  if (typeof text !== 'string') throw new JWTMalformedError('the token must be text');
  if (text.length > max) throw new TokenTooLargeError(text.length, max);
}
