/**
 * Strict base64url (RFC 4648 §5, as JOSE uses it): URL-safe alphabet only, no padding, no
 * whitespace, length never 1 mod 4, and the unused trailing bits must be zero so that every
 * byte string has exactly one encoding.
 */

import { runtimeBase64urlDecoder } from '#codec';
import { ALPHABET, DECODE, spareBitsClear } from './base64url-alphabet.js';
import { NativeBuffer, type NativeBytes } from './native-buffer.js';

const char = (index: number): string => ALPHABET[index] as string;

const ALPHABET_ONLY = /^[A-Za-z0-9_-]*$/;

/** Whether `text` is a canonical unpadded base64url string (the check, without decoding). */
export function isBase64url(text: string): boolean {
  const rest = text.length & 3;
  return rest !== 1 && ALPHABET_ONLY.test(text) && spareBitsClear(text, rest);
}

interface FromBase64 {
  fromBase64?(text: string, options: { alphabet: 'base64url' }): Uint8Array;
}
const fromBase64 = (Uint8Array as FromBase64).fromBase64;
const URL_ALPHABET = { alphabet: 'base64url' } as const;

/**
 * `Uint8Array.fromBase64` with the base64url alphabet refuses `+`, `/` and misplaced `=`, but it
 * skips ASCII whitespace, takes trailing `=` padding and ignores the spare bits of a short last
 * group. Each skipped character shortens the output below `floor(3 * length / 4)` bytes (one
 * character by less than a byte only when the length is 1 mod 4, refused first), so the length
 * catches whitespace and padding, and the last character's spare bits are checked as in
 * {@link isBase64url}.
 */
function decodeNative(text: string): Uint8Array | undefined {
  const rest = text.length & 3;
  if (rest === 1) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = (fromBase64 as NonNullable<FromBase64['fromBase64']>)(text, URL_ALPHABET);
  } catch {
    return undefined;
  }
  return bytes.length === (text.length * 3) >> 2 && spareBitsClear(text, rest) ? bytes : undefined;
}

/**
 * Buffer's decoder is lenient (it takes `+`, `/`, `=` and skips what it does not know), but its
 * encoder writes the one canonical form, so the text is canonical exactly when encoding the decoded
 * bytes gives it back. Both directions are native: on an 8 KiB payload the round trip costs less
 * than half of what a character-class scan plus decoding does.
 */
function decodeRoundTrip(text: string): Uint8Array | undefined {
  const bytes = (NativeBuffer as NonNullable<typeof NativeBuffer>).from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** The check, then a table decoder: for runtimes with neither Buffer nor `Uint8Array.fromBase64`. */
function decodeScanned(text: string): Uint8Array | undefined {
  return isBase64url(text) ? decodeTable(text) : undefined;
}

/**
 * @internal The ways to decode canonical base64url this runtime has, for the tests to hold each to
 * the same answers (with Node's own, `runtimeBase64urlDecoder` in codec.node.ts): `roundtrip` needs a
 * Buffer, `native` needs `Uint8Array.fromBase64`, `scan` runs anywhere.
 */
export const BASE64URL_DECODERS: Readonly<Record<'roundtrip' | 'native' | 'scan', typeof decodeScanned | undefined>> = {
  roundtrip: NativeBuffer === undefined ? undefined : decodeRoundTrip,
  native: fromBase64 === undefined ? undefined : decodeNative,
  scan: decodeScanned,
};

/**
 * Decodes canonical base64url; returns `undefined` for anything else. Which way is chosen by
 * measurement (bench/rules.ts, docs/decisions.md): on Node, Buffer's decode checked by counts
 * (codec.node.ts); the Buffer round trip where Buffer is native and at least as fast as
 * `Uint8Array.fromBase64` (Deno, where the two cost the same); `fromBase64` where there is no Buffer
 * or it is slower (Bun: 110 ns against 290 ns for a 160-character payload); and a scan plus a table
 * decoder where there is none of these.
 */
export const decodeBase64url: (text: string) => Uint8Array | undefined =
  runtimeBase64urlDecoder ??
  (fromBase64 !== undefined && (NativeBuffer === undefined || 'Bun' in globalThis)
    ? decodeNative
    : NativeBuffer !== undefined
      ? decodeRoundTrip
      : decodeScanned);

/** Decodes text that {@link isBase64url} has already accepted (anything else decodes to garbage). */
function decodeTable(text: string): Uint8Array {
  const out = new Uint8Array((text.length * 3) >> 2);
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    acc = (acc << 6) | (DECODE[text.charCodeAt(i)] as number);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** Encodes bytes as unpadded base64url. */
export function encodeBase64url(bytes: Uint8Array): string {
  if (NativeBuffer !== undefined) {
    // node:crypto hands out Buffers already; anything else gets a Buffer view (no copy).
    const view = NativeBuffer.isBuffer(bytes)
      ? (bytes as Uint8Array & NativeBytes)
      : NativeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return view.toString('base64url');
  }
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += char(n >> 18) + char((n >> 12) & 63) + char((n >> 6) & 63) + char(n & 63);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += char(n >> 18) + char((n >> 12) & 63);
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += char(n >> 18) + char((n >> 12) & 63) + char((n >> 6) & 63);
  }
  return out;
}

/** Encodes the UTF-8 bytes of a string as base64url. */
export function encodeBase64urlString(text: string): string {
  if (NativeBuffer !== undefined) return NativeBuffer.from(text, 'utf8').toString('base64url');
  return encodeBase64url(new TextEncoder().encode(text));
}

/**
 * Why `text` is not canonical base64url, for error messages (called only on the error path): the
 * first character outside the alphabet and its position (0-based) in `text`, whether it is standard
 * base64 (`+`, `/`), padding, or whitespace, or else what is wrong with the length or last
 * character. Only these characters are quoted, never the text.
 */
export function base64urlProblem(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (ALPHABET_ONLY.test(text[i] as string)) continue;
    const at = `at position ${i}`;
    if (code === 0x3d) return `padding "=" ${at}: base64url in JOSE has no padding`;
    if (code === 0x2b || code === 0x2f) return `"${text[i]}" ${at} is standard base64; base64url uses "-" and "_"`;
    if (code <= 0x20 || code === 0x85 || code === 0xa0 || (code >= 0x2000 && code <= 0x200d) || code === 0xfeff) {
      return `whitespace (U+${code.toString(16).toUpperCase().padStart(4, '0')}) ${at}: trim the token`;
    }
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')} ${at} is not a base64url character`;
  }
  if ((text.length & 3) === 1) return `a length of ${text.length} is impossible in base64url`;
  return 'the last character carries bits that must be zero (not the canonical encoding)';
}
