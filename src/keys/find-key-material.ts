/**
 * Finds asymmetric key material wherever it sits in text or bytes, so that it never becomes an HMAC
 * or AES secret (RFC 8725 §3.1, catalogue entries 2 and 35). Key files come with junk around the
 * key: `openssl x509 -text` output before the armour, PKCS#12 "Bag Attributes", comments, a BOM,
 * CRLF, UTF-16 from an editor; and in many encodings: PEM, JWK or JWKS JSON, OpenSSH and PuTTY
 * lines, base64 or hex of DER, raw DER. The scan is linear in the input: no regular expression
 * with backtracking, every character visited a bounded number of times.
 */
import { holdsKeyStructure, startsWithKeyStructure } from './asn1.js';

/** Whether `code` is a base64 or base64url character, padding included. */
function isBase64Char(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 48 && code <= 57) ||
    code === 43 ||
    code === 47 ||
    code === 45 ||
    code === 95 ||
    code === 61
  );
}

const isHexChar = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);

const SIXTY_FOUR = new Int16Array(128).fill(-1);
for (let i = 0; i < 64; i++) SIXTY_FOUR['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
SIXTY_FOUR[45] = 62; // '-' of base64url
SIXTY_FOUR[95] = 63; // '_' of base64url

/**
 * Decodes base64 or base64url leniently: either alphabet, padding and a last partial group ignored;
 * `undefined` if a character is outside both alphabets.
 */
function decodeAnyBase64(text: string): Uint8Array | undefined {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  const out = new Uint8Array((end * 3) >> 2);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const value = SIXTY_FOUR[text.charCodeAt(i)] ?? -1;
    if (value < 0) return o === 0 ? undefined : out.subarray(0, o);
    acc = ((acc << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

function decodeHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The SSH wire form of a public key (RFC 4253 §6.6): a 4-byte length, then a name such as `ssh-ed25519`. */
function isSSHBlob(bytes: Uint8Array): boolean {
  if (bytes.length < 16 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0) return false;
  const length = bytes[3] as number;
  if (length < 7 || length > 64 || 4 + length > bytes.length) return false;
  const name = String.fromCharCode(...bytes.subarray(4, 4 + length));
  return /^(?:ssh-|ecdsa-|sk-|rsa-sha2-)[a-z0-9@.-]+$/.test(name);
}

/** Latin-1 view of bytes: every marker searched for is ASCII, and each byte stays one character. */
export function latin1(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return text;
}

/**
 * The text of UTF-16 bytes (a BOM, or NUL in every other byte, as Windows editors and PowerShell
 * redirects write key files), or `undefined` for bytes that are not UTF-16.
 */
export function utf16Text(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4 || bytes.length % 2 !== 0) return undefined;
  const bom = bytes[0] === 0xff && bytes[1] === 0xfe ? 'le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'be' : undefined;
  const order = bom ?? (bytes[1] === 0 && bytes[3] === 0 ? 'le' : bytes[0] === 0 && bytes[2] === 0 ? 'be' : undefined);
  if (order === undefined) return undefined;
  let text = '';
  for (let i = bom === undefined ? 0 : 2; i + 1 < bytes.length; i += 2) {
    const unit =
      order === 'le'
        ? (bytes[i] as number) | ((bytes[i + 1] as number) << 8)
        : ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
    text += String.fromCharCode(unit);
  }
  return text;
}

/** PEM armour (`-----BEGIN X-----`, any label) or RFC 4716's `---- BEGIN SSH2 PUBLIC KEY ----`, anywhere. */
function hasArmour(text: string): boolean {
  for (let at = text.indexOf('BEGIN'); at >= 0; at = text.indexOf('BEGIN', at + 5)) {
    let i = at - 1;
    if (text.charCodeAt(i) === 32) i--;
    let dashes = 0;
    while (i >= 0 && text.charCodeAt(i) === 45 && dashes < 3) {
      dashes++;
      i--;
    }
    if (dashes === 3) return true;
  }
  return false;
}

/** Markers of key text that need no decoding; the reason, or `undefined`. */
function markerIn(text: string): string | undefined {
  if (hasArmour(text)) return 'PEM key material';
  if (text.includes('"kty') || text.includes("'kty") || text.includes('\\"kty')) return 'a JWK or JWKS';
  if (text.includes('PuTTY-User-Key-File')) return 'a PuTTY key';
  if (text.includes('Public-Key:') || text.includes('Subject Public Key Info') || text.includes('publicExponent:')) {
    return 'a key printed by openssl';
  }
  return undefined;
}

/** What a base64 or hex candidate decodes to, when that is key material (junk may follow it). */
function decodedKey(candidate: string, nested: boolean): string | undefined {
  if (candidate.length >= 80) {
    let hexLength = 0;
    while (hexLength < candidate.length && isHexChar(candidate.charCodeAt(hexLength))) hexLength++;
    const bytes = hexLength >= 80 ? decodeHex(candidate.slice(0, hexLength & ~1)) : undefined;
    if (bytes !== undefined && startsWithKeyStructure(bytes)) return 'hex of DER key material';
  }
  const bytes = decodeAnyBase64(candidate);
  if (bytes === undefined) return undefined;
  if (startsWithKeyStructure(bytes)) return 'base64 of DER key material';
  if (isSSHBlob(bytes)) return 'an OpenSSH key';
  // One level down: base64 of a PEM file or of a JWK, as secrets managers and environment variables hold them.
  if (!nested && looksLikeText(bytes)) {
    const inner = markerIn(latin1(bytes)) ?? utf16Marker(bytes);
    if (inner !== undefined) return `base64 of ${inner}`;
  }
  return undefined;
}

/** Whether decoded bytes start like text (printable ASCII, or UTF-16 of it): random bytes do not. */
function looksLikeText(bytes: Uint8Array): boolean {
  for (let i = 0; i < Math.min(bytes.length, 16); i++) {
    const byte = bytes[i] as number;
    if (!(byte === 0 || byte === 9 || byte === 10 || byte === 13 || (byte >= 0x20 && byte < 0x7f) || byte >= 0xef)) return false;
  }
  return true;
}

function utf16Marker(bytes: Uint8Array): string | undefined {
  const text = utf16Text(bytes);
  return text === undefined ? undefined : markerIn(text);
}

/** Shortest run of base64 characters worth decoding: an Ed25519 SPKI, the smallest key container, is 60. */
const MIN_CANDIDATE = 40;
/** Line starts tried in one block of base64 lines, so that junk lines before the key cannot hide it. */
const STARTS_PER_BLOCK = 16;

/**
 * Runs of base64 (or hex) anywhere in the text, each on its own and, where whole lines hold nothing
 * else, joined across lines as PEM bodies and PuTTY files wrap them. A run ends after its `=`
 * padding (`KEY=MIIB...` holds two runs). A block of lines is decoded from each of its first line
 * starts, since a junk line that happens to be all base64 characters may come before the key.
 */
function encodedKeyIn(text: string, nested: boolean): string | undefined {
  let block = '';
  let starts: number[] = [];
  const flush = (): string | undefined => {
    let found: string | undefined;
    // A block of one line was decoded as a run already.
    for (const start of starts.length > 1 ? starts : []) {
      if (block.length - start < MIN_CANDIDATE) break;
      found = decodedKey(block.slice(start), nested);
      if (found !== undefined) break;
    }
    block = '';
    starts = [];
    return found;
  };
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let runs = 0;
    let only = '';
    let other = false;
    for (let i = lineStart; i < lineEnd; ) {
      const code = text.charCodeAt(i);
      if (!isBase64Char(code)) {
        if (code !== 32 && code !== 9 && code !== 13) other = true;
        i++;
        continue;
      }
      let j = i;
      while (j < lineEnd && isBase64Char(text.charCodeAt(j)) && text.charCodeAt(j) !== 61) j++;
      while (j < lineEnd && text.charCodeAt(j) === 61) j++;
      const run = text.slice(i, j);
      runs++;
      only = run;
      if (run.length >= MIN_CANDIDATE) {
        const found = decodedKey(run, nested);
        if (found !== undefined) return found;
      }
      i = j;
    }
    if (runs === 1 && !other) {
      if (starts.length < STARTS_PER_BLOCK) starts.push(block.length);
      block += only;
    } else {
      const found = flush();
      if (found !== undefined) return found;
    }
    lineStart = lineEnd + 1;
  }
  return flush();
}

function isJSON(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function textReason(text: string, nested: boolean): string | undefined {
  const marker = markerIn(text);
  if (marker !== undefined) return marker;
  let first = 0;
  while (first < text.length && /[\s\uFEFF\u200B]/.test(text.charAt(first))) first++;
  const opening = text.charCodeAt(first);
  if ((opening === 0x7b || opening === 0x5b) && isJSON(text.slice(first))) {
    return 'JSON (a JWK or JWKS belongs in importKey or createLocalJWKS)';
  }
  return encodedKeyIn(text, nested);
}

/**
 * Why `input` holds asymmetric key material and so can never be a secret, or `undefined` when it
 * holds none. Strings and bytes are read alike: bytes as Latin-1 (all markers are ASCII, so UTF-8
 * reads the same) and, when they look like UTF-16, as UTF-16 too.
 */
export function findKeyMaterial(input: string | Uint8Array): string | undefined {
  if (typeof input === 'string') {
    const reason = textReason(input, false);
    if (reason !== undefined) return reason;
    // Raw DER read as a "binary" (Latin-1) string.
    if (input.charCodeAt(0) === 0x30 && input.length >= MIN_CANDIDATE) {
      const bytes = Uint8Array.from(input, (c) => c.charCodeAt(0));
      // A character above U+00FF lost its high byte above, so it is no binary string.
      const binary = bytes.every((byte, i) => byte === input.charCodeAt(i));
      if (binary && holdsKeyStructure(bytes)) return 'DER key material in a binary string';
    }
    return undefined;
  }
  if (holdsKeyStructure(input)) return 'DER-encoded key material';
  const utf16 = utf16Text(input);
  if (utf16 !== undefined) {
    const reason = textReason(utf16, false);
    if (reason !== undefined) return `UTF-16 text of ${reason}`;
  }
  return textReason(latin1(input), false);
}
