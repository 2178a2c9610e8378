/**
 * The `~` serialization (RFC 9901 §4): `<issuer-signed JWT>~<Disclosure>~...~[<key-binding JWT>]`.
 * An SD-JWT ends in `~`; an SD-JWT+KB ends in the key-binding JWT, whose `sd_hash` covers
 * everything up to and including the last `~`.
 */

import { SDJWTMalformedError, TokenTooLargeError } from '../errors.js';

/** Default cap on a whole SD-JWT or presentation, in characters; checked before anything is decoded. */
export const DEFAULT_MAX_SD_JWT_LENGTH = 65_536;

export interface SDJWTParts {
  /** The issuer-signed JWT. */
  readonly jwt: string;
  /** The Disclosures, as received. */
  readonly disclosures: readonly string[];
  /** The key-binding JWT, when the input does not end in `~`. */
  readonly keyBindingJWT: string | undefined;
  /** The input up to and including its last `~`: what `sd_hash` is computed over. */
  readonly sdJWT: string;
}

export function splitSDJWT(input: unknown, maxLength = DEFAULT_MAX_SD_JWT_LENGTH): SDJWTParts {
  if (typeof input !== 'string') throw new SDJWTMalformedError('an SD-JWT must be a string');
  if (input.length > maxLength) throw new TokenTooLargeError(input.length, maxLength);
  const last = input.lastIndexOf('~');
  if (last === -1) throw new SDJWTMalformedError('an SD-JWT has a "~" after the issuer-signed JWT (a plain JWT was given?)');
  const segments = input.slice(0, last).split('~');
  const jwt = segments[0] as string;
  if (jwt.length === 0) throw new SDJWTMalformedError('the issuer-signed JWT is empty');
  const disclosures = segments.slice(1);
  const empty = disclosures.indexOf('');
  if (empty !== -1) throw new SDJWTMalformedError(`Disclosure ${empty + 1} is empty ("~~")`);
  const tail = input.slice(last + 1);
  return { jwt, disclosures, keyBindingJWT: tail.length === 0 ? undefined : tail, sdJWT: input.slice(0, last + 1) };
}
