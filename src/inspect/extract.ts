/**
 * Finding the token in what a developer pastes: a bare token, `Bearer <token>`, a whole
 * `Authorization:` header line, quoted, with whitespace or line breaks inside. Characters that do
 * not belong in base64url (`=`, `+`, `/`) are kept, so that the token's own defects can be pointed
 * out afterwards instead of being silently repaired.
 */
import { JWTMalformedError } from '../errors.js';

/** What `extractToken` found. */
export interface ExtractedToken {
  /** The token text. */
  readonly token: string;
  /** Whether anything around the token was dropped (a scheme, a header name, quotes, whitespace). */
  readonly trimmed: boolean;
}

const HEADER_NAME = /^\s*(?:proxy-)?authorization\s*:\s*/i;
const SCHEME = /^\s*(?:bearer|jwt|token)\s+/i;
const QUOTES = /^[\s'"`]+|[\s'"`,;]+$/g;
const TOKEN_TEXT = /^[A-Za-z0-9_\-.=+/]+$/;
/** A compact JWS/JWE inside other text: a JSON object's base64url ("eyJ") and two or four more parts. */
const EMBEDDED = /eyJ[A-Za-z0-9_\-=+/]*(?:\.[A-Za-z0-9_\-=+/]*){2,4}/;

/**
 * Extracts the compact token from pasted text; throws `ERR_JWT_MALFORMED` when none is there.
 *
 * @example
 * ```ts
 * extractToken('Authorization: Bearer eyJhbGciOi...').token; // 'eyJhbGciOi...'
 * ```
 */
export function extractToken(text: string): ExtractedToken {
  if (typeof text !== 'string') throw new JWTMalformedError('the token must be text');
  let rest = text.replace(HEADER_NAME, '').replace(SCHEME, '').replace(QUOTES, '');
  rest = rest.replace(SCHEME, '').replace(/\s+/g, '');
  if (rest.length > 0 && rest.includes('.') && TOKEN_TEXT.test(rest)) return { token: rest, trimmed: rest !== text };
  const embedded = EMBEDDED.exec(text.replace(/\s+/g, ''));
  if (embedded !== null) return { token: embedded[0], trimmed: true };
  throw new JWTMalformedError(
    text.trim().length === 0 ? 'no token given: the input is empty' : 'no token found: expected parts separated by "."',
  );
}
