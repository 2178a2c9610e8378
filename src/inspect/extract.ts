/**
 * Finding the token in what a developer pastes: a bare token, `Bearer <token>`, a whole
 * `Authorization:` header line, quoted, with whitespace or line breaks inside. Characters that do
 * not belong in base64url (`=`, `+`, `/`) are kept, so that the token's own defects can be pointed
 * out afterwards instead of being silently repaired.
 *
 * The text may be hostile (catalogue entry 44), so it is read by forward scans that look at each
 * character a bounded number of times, never by a regular expression that backtracks: `\s+$` or
 * `eyJ[...]*\.` tried at every start position costs the square of the length.
 */

import { isAnyBase64Char } from '../encoding/base64url-alphabet.js';
import { JWTMalformedError } from '../errors.js';
import { checkOptionNames } from '../options.js';
import { checkInputLength, INPUT_LIMIT_OPTIONS, limitOption, MAX_INSPECT_INPUT_LENGTH } from './limits.js';

/** What `extractToken` found. */
export interface ExtractedToken {
  /** The token text. */
  readonly token: string;
  /** Whether anything around the token was dropped (a scheme, a header name, quotes, whitespace). */
  readonly trimmed: boolean;
}

/** Options of the inspection functions that read text. */
export interface InputLimit {
  /** Most characters read; longer text is refused with `ERR_TOKEN_TOO_LARGE` (default 262,144: 256 KiB). */
  maxInputLength?: number;
}

/** What `\s` matches in JavaScript: ASCII white space, NBSP, the Unicode space separators, BOM. */
function isSpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** `[A-Za-z0-9_-=+/]`: base64url with the base64 characters a damaged token may hold. */
const isSegmentChar = isAnyBase64Char;

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function wordAt(text: string, at: number, word: string): boolean {
  return text.slice(at, at + word.length).toLowerCase() === word;
}

/** Drops a leading `Authorization:` or `Proxy-Authorization:` header name. */
function dropHeaderName(text: string): string {
  const start = skipSpaces(text, 0);
  const name = wordAt(text, start, 'proxy-') ? start + 6 : start;
  if (!wordAt(text, name, 'authorization')) return text;
  const colon = skipSpaces(text, name + 13);
  return text.charCodeAt(colon) === 0x3a ? text.slice(skipSpaces(text, colon + 1)) : text;
}

/** Drops a leading `Bearer `, `JWT ` or `Token ` (the scheme needs white space after it). */
function dropScheme(text: string): string {
  const start = skipSpaces(text, 0);
  for (const scheme of ['bearer', 'jwt', 'token']) {
    const end = start + scheme.length;
    if (wordAt(text, start, scheme) && isSpace(text.charCodeAt(end))) return text.slice(skipSpaces(text, end));
  }
  return text;
}

/** Drops quotes and white space around the token, and a trailing `,` or `;` of a JSON or header list. */
function dropQuotes(text: string): string {
  const leading = (code: number) => isSpace(code) || code === 0x27 || code === 0x22 || code === 0x60;
  const trailing = (code: number) => leading(code) || code === 0x2c || code === 0x3b;
  let start = 0;
  let end = text.length;
  while (start < end && leading(text.charCodeAt(start))) start++;
  while (end > start && trailing(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

function withoutSpaces(text: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    if (!isSpace(text.charCodeAt(i))) continue;
    out += text.slice(from, i);
    from = i + 1;
  }
  return from === 0 ? text : out + text.slice(from);
}

/** Whether the text is one or more segment characters and at least one dot: a token as it stands. */
function isTokenText(text: string): boolean {
  let dot = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x2e) dot = true;
    else if (!isSegmentChar(code)) return false;
  }
  return dot;
}

function segmentEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSegmentChar(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The first compact JWS/JWE inside other text: a JSON object's base64url ("eyJ") and two to four
 * more dot-separated parts. A start that fails fails for every later "eyJ" of the same run of
 * segment characters (they all end where it ends), so the scan resumes after the run.
 */
function embeddedToken(text: string): string | undefined {
  let from = 0;
  while (from < text.length) {
    const start = text.indexOf('eyJ', from);
    if (start < 0) return undefined;
    const first = segmentEnd(text, start + 3);
    let end = first;
    let dots = 0;
    while (dots < 4 && text.charCodeAt(end) === 0x2e) {
      end = segmentEnd(text, end + 1);
      dots++;
    }
    if (dots >= 2) return text.slice(start, end);
    from = first + 1;
  }
  return undefined;
}

/**
 * Extracts the compact token from pasted text; throws `ERR_JWT_MALFORMED` when none is there, and
 * `ERR_TOKEN_TOO_LARGE` for text over `maxInputLength` (256 KiB by default), before reading it.
 * Time is linear in the length of the text.
 *
 * @example
 * ```ts
 * extractToken('Authorization: Bearer eyJhbGciOi...').token; // 'eyJhbGciOi...'
 * ```
 */
export function extractToken(text: string, options: InputLimit = {}): ExtractedToken {
  checkOptionNames(options, INPUT_LIMIT_OPTIONS);
  checkInputLength(text, limitOption('maxInputLength', options.maxInputLength, MAX_INSPECT_INPUT_LENGTH));
  const rest = withoutSpaces(dropScheme(dropQuotes(dropScheme(dropHeaderName(text)))));
  if (isTokenText(rest)) return { token: rest, trimmed: rest !== text };
  const embedded = embeddedToken(withoutSpaces(text));
  if (embedded !== undefined) return { token: embedded, trimmed: true };
  throw new JWTMalformedError(
    skipSpaces(text, 0) === text.length
      ? 'no token given: the input is empty'
      : 'no token found: expected parts separated by "."',
  );
}
