/**
 * Taking a compact token apart for display, part by part, as far as each part allows: a broken
 * token is shown up to its first defect, and every defect is named with its position in the token.
 * Nothing here verifies anything.
 */
import { decodeBase64url, isBase64url } from '../encoding/base64url.js';
import { isJSONObject, type JSONObject, JSONSyntaxError } from '../encoding/json.js';
import { parseJSONText } from '../encoding/json-strict.js';
import { utf8Decode } from '../encoding/utf8.js';
import { checkOptionNames } from '../options.js';
import type { InputLimit } from './extract.js';
import { checkInputLength, INPUT_LIMIT_OPTIONS, limitOption, MAX_INSPECT_INPUT_LENGTH } from './limits.js';

export type TokenKind = 'JWS' | 'JWE' | 'unknown';
export type PartRole = 'header' | 'payload' | 'signature' | 'encrypted_key' | 'iv' | 'ciphertext' | 'tag' | 'part';

export interface TokenPart {
  readonly role: PartRole;
  readonly text: string;
  /** Where the part starts in the token. */
  readonly offset: number;
  /** Decoded length in bytes, when the part is base64url (or close enough to decode). */
  readonly bytes?: number;
  /** The JSON object a header or payload holds. */
  readonly json?: JSONObject;
  /** The decoded text of a payload that is not JSON (a JWS may sign anything). */
  readonly decodedText?: string;
  /** What is wrong with this part, if anything. */
  readonly problem?: string;
}

export interface DissectedToken {
  readonly kind: TokenKind;
  readonly parts: readonly TokenPart[];
  readonly header: JSONObject | undefined;
  /** The claims of a JWS whose payload is a JSON object. */
  readonly payload: JSONObject | undefined;
  /** Every problem found, each naming its part and position. */
  readonly problems: readonly string[];
}

const JWS_ROLES: readonly PartRole[] = ['header', 'payload', 'signature'];
const JWE_ROLES: readonly PartRole[] = ['header', 'encrypted_key', 'iv', 'ciphertext', 'tag'];

/** Why a segment is not canonical base64url, with the token position of the first bad character. */
function base64urlProblem(text: string, offset: number): string | undefined {
  if (isBase64url(text)) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (/[A-Za-z0-9_-]/.test(c)) continue;
    const at = `at position ${offset + i}`;
    if (c === '=') return `padding "=" ${at}: base64url in JOSE has no padding`;
    if (c === '+' || c === '/') return `"${c}" ${at} is standard base64; base64url uses "-" and "_"`;
    return `character ${JSON.stringify(c)} ${at} is not base64url`;
  }
  if (text.length % 4 === 1) return `length ${text.length} is impossible for base64url (one character too many or too few)`;
  return 'the last character carries bits that must be zero (not the canonical encoding)';
}

/** The text without trailing "=" (a loop: `/=+$/` retries from every "=" of a long run). */
function withoutPadding(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x3d) end--;
  return text.slice(0, end);
}

/** Decodes leniently, so that a part with a fixable defect can still be shown. */
function lenientBytes(text: string): Uint8Array | undefined {
  const cleaned = withoutPadding(text).replace(/\+/g, '-').replace(/\//g, '_');
  if (!/^[A-Za-z0-9_-]*$/.test(cleaned) || cleaned.length % 4 === 1) return undefined;
  const padded = cleaned.length % 4 === 0 ? cleaned : cleaned + 'A'.repeat(4 - (cleaned.length % 4));
  const bytes = decodeBase64url(padded);
  return bytes?.subarray(0, (cleaned.length * 3) >> 2);
}

function jsonPart(role: PartRole, text: string, offset: number, problem: string | undefined, bytes: Uint8Array): TokenPart {
  const decoded = utf8Decode(bytes);
  const name = role === 'header' ? 'header' : 'payload';
  if (decoded === undefined)
    return { role, text, offset, bytes: bytes.length, problem: problem ?? `the ${name} is not valid UTF-8` };
  try {
    // The node-capable build's parser in either build: it says where the text fails (the debugger page shows it).
    const value = parseJSONText(decoded, 64);
    if (isJSONObject(value)) return { role, text, offset, bytes: bytes.length, json: value, ...(problem && { problem }) };
    if (role === 'payload') return { role, text, offset, bytes: bytes.length, decodedText: decoded, ...(problem && { problem }) };
    return { role, text, offset, bytes: bytes.length, problem: problem ?? 'the header is JSON but not an object' };
  } catch (error) {
    if (!(error instanceof JSONSyntaxError)) throw error;
    const reason = `the ${name} is not strict JSON: ${error.message}`;
    if (role === 'payload') return { role, text, offset, bytes: bytes.length, decodedText: decoded, problem: problem ?? reason };
    return { role, text, offset, bytes: bytes.length, problem: problem ?? reason };
  }
}

function dissectPart(role: PartRole, text: string, offset: number, kind: TokenKind): TokenPart {
  const problem = base64urlProblem(text, offset);
  const bytes = decodeBase64url(text) ?? lenientBytes(text);
  if (bytes === undefined) return { role, text, offset, ...(problem && { problem }) };
  const json = role === 'header' || (role === 'payload' && kind === 'JWS');
  if (json) return jsonPart(role, text, offset, problem, bytes);
  if (role === 'signature' && text.length === 0) return { role, text, offset, bytes: 0, problem: 'the signature is empty' };
  return { role, text, offset, bytes: bytes.length, ...(problem && { problem }) };
}

/** Parts shown one by one; the rest of a token with more (a million dots) is one part, not decoded. */
const MAX_PARTS = 6;

/** The token's parts, the ones after the sixth kept together as the sixth. */
function splitParts(token: string): { texts: string[]; count: number } {
  const texts: string[] = [];
  let from = 0;
  while (texts.length < MAX_PARTS - 1) {
    const dot = token.indexOf('.', from);
    if (dot < 0) break;
    texts.push(token.slice(from, dot));
    from = dot + 1;
  }
  const rest = token.slice(from);
  texts.push(rest);
  let count = texts.length;
  for (let dot = rest.indexOf('.'); dot >= 0; dot = rest.indexOf('.', dot + 1)) count++;
  return { texts, count };
}

/**
 * Splits a compact JWS (3 parts) or JWE (5 parts) and decodes each part as far as it goes. Text
 * over `maxInputLength` (256 KiB by default) is refused with `ERR_TOKEN_TOO_LARGE`; time is linear
 * in the length of the token.
 *
 * @example
 * ```ts
 * const { kind, header, payload, problems } = dissectToken(token);
 * ```
 */
export function dissectToken(token: string, options: InputLimit = {}): DissectedToken {
  checkOptionNames(options, INPUT_LIMIT_OPTIONS);
  checkInputLength(token, limitOption('maxInputLength', options.maxInputLength, MAX_INSPECT_INPUT_LENGTH));
  const { texts, count } = splitParts(token);
  const kind: TokenKind = count === 3 ? 'JWS' : count === 5 ? 'JWE' : 'unknown';
  const roles = kind === 'JWE' ? JWE_ROLES : JWS_ROLES;
  const parts: TokenPart[] = [];
  let offset = 0;
  texts.forEach((text, index) => {
    const rest = count > MAX_PARTS && index === MAX_PARTS - 1;
    parts.push(
      rest
        ? { role: 'part', text, offset, problem: `parts ${MAX_PARTS} to ${count}, not decoded` }
        : dissectPart(roles[index] ?? 'part', text, offset, kind),
    );
    offset += text.length + 1;
  });
  const problems: string[] = [];
  if (kind === 'unknown') {
    problems.push(`a compact token has 3 parts (signed) or 5 parts (encrypted); this one has ${count}`);
  }
  const header = parts[0]?.json;
  // An unsecured JWS (alg "none") has an empty signature by definition; inspect reports the alg itself.
  const unsecured = kind === 'JWS' && header?.alg === 'none' && parts[2]?.text === '';
  for (const part of parts) {
    if (part.problem !== undefined && !(unsecured && part.role === 'signature'))
      problems.push(`${part.role.replace('_', ' ')}: ${part.problem}`);
  }
  if (header !== undefined && kind !== 'unknown') {
    const alg = header.alg;
    if (typeof alg !== 'string') problems.push('header: "alg" is missing or not a string');
    if (kind === 'JWE' && typeof header.enc !== 'string') problems.push('header: an encrypted token needs "enc"');
  }
  return { kind, parts, header, payload: kind === 'JWS' ? parts[1]?.json : undefined, problems };
}
