/**
 * Finds asymmetric key material wherever it sits in text or bytes, so that it never becomes an HMAC
 * or AES secret (RFC 8725 §3.1, catalogue entries 2 and 35). Key files come with junk around the
 * key (`openssl x509 -text` output before the armour, PKCS#12 "Bag Attributes", comments, a BOM,
 * CRLF), in other character encodings (UTF-16 and UTF-32 from editors and PowerShell, read as bytes
 * or as a string), flattened into environment variables (literal `\n`, spaces for line breaks,
 * percent-encoding) and in many forms: PEM, JWK or JWKS JSON (or YAML), OpenSSH and PuTTY lines,
 * base64 or hex of DER or of a PEM file, raw DER with bytes around it. The scan is linear in the
 * input: no regular expression with backtracking, every character visited a bounded number of times.
 */
import { isAnyBase64Char } from '../encoding/base64url-alphabet.js';
import { holdsKeyStructure, KEY_OID_TLVS, startsWithKeyStructure } from './asn1.js';

const isBase64Char = isAnyBase64Char;

const isHexChar = (code: number): boolean =>
  (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);

/**
 * Separators that may stand between the pieces of one base64 or hex body: line breaks and spaces
 * (a PEM body flattened onto one line), quotes and commas (lines of a JSON array or a config
 * string), colons (hex bytes as `openssl` prints them).
 */
const isSoftSeparator = (code: number): boolean =>
  code === 10 || code === 13 || code === 32 || code === 9 || code === 34 || code === 39 || code === 44 || code === 58;

const SIXTY_FOUR = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) SIXTY_FOUR['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
SIXTY_FOUR[45] = 62; // '-' of base64url
SIXTY_FOUR[95] = 63; // '_' of base64url

/**
 * Decodes base64 or base64url leniently: either alphabet, up to the first padding character (what
 * follows it, a junk line joined to a body, is not part of it), a last partial character ignored;
 * `undefined` for anything else.
 */
function decodeAnyBase64(text: string): Uint8Array | undefined {
  const out = new Uint8Array((text.length * 3) >> 2);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 61) break;
    const value = code < 128 ? (SIXTY_FOUR[code] as number) : -1;
    if (value < 0) return undefined;
    acc = ((acc << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

function decodeHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
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
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
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

/** DER key-algorithm identifiers, raw or as a UTF-8 decoding of a DER file would have mangled them. */
const OID_MARKERS: readonly string[] = KEY_OID_TLVS.flatMap((tlv) => {
  const raw = latin1(tlv);
  const mangled = new TextDecoder().decode(tlv);
  return mangled === raw ? [raw] : [raw, mangled];
});

/**
 * A JWK's `kty` member: quoted (`"kty`, `'kty`, `\\"kty`), escaped (`\\u006bty`), or as a YAML or
 * TOML key (`kty:`, `kty =` at the start of a word).
 */
function namesKty(text: string): boolean {
  if (text.includes('\\u006bty')) return true;
  for (let at = text.indexOf('kty'); at >= 0; at = text.indexOf('kty', at + 3)) {
    const before = text.charCodeAt(at - 1);
    if (before === 34 || before === 39 || before === 92) return true;
    if (at > 0 && /\w/.test(text.charAt(at - 1))) continue;
    let i = at + 3;
    while (i < at + 7 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (text.charCodeAt(i) === 58 || text.charCodeAt(i) === 61) return true;
  }
  return false;
}

/**
 * Bytes in a run of colon-separated hex pairs (`00:c1:4a:...`, lines may break after a colon), the
 * way openssl prints a modulus, a public point or a raw key: the longest run in the text. 32 bytes
 * and more is a key's numbers (an Ed25519 key is 32), not a secret anyone types.
 */
const MIN_COLON_HEX_BYTES = 32;
function colonHexRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i + 1 < text.length; ) {
    if (isHexChar(text.charCodeAt(i)) && isHexChar(text.charCodeAt(i + 1)) && !isHexChar(text.charCodeAt(i + 2))) {
      run++;
      if (run > longest) longest = run;
      i += 2;
      if (text.charCodeAt(i) !== 58) {
        run = 0;
        continue;
      }
      i++;
      // A line break (and the indentation openssl writes) may follow a colon.
      while (i < text.length && (text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13 || text.charCodeAt(i) === 32)) i++;
      continue;
    }
    run = 0;
    i++;
  }
  return longest;
}

/** Markers of key material that need no decoding; the reason, or `undefined`. */
function markerIn(text: string): string | undefined {
  if (hasArmour(text)) return 'PEM key material';
  if (namesKty(text)) return 'a JWK or JWKS';
  if (text.includes('PuTTY-User-Key-File')) return 'a PuTTY key';
  if (
    text.includes('Public-Key:') ||
    text.includes('Subject Public Key Info') ||
    text.includes('publicExponent:') ||
    text.includes('Modulus=')
  ) {
    return 'a key printed by openssl';
  }
  if (colonHexRun(text) >= MIN_COLON_HEX_BYTES) return 'key numbers printed by openssl (colon-separated hex)';
  if (OID_MARKERS.some((marker) => text.includes(marker))) return 'DER key material';
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

/** What a base64 or hex candidate decodes to, when that is key material (junk may follow it). */
function decodedKey(candidate: string, nested: boolean): string | undefined {
  let hexLength = 0;
  while (hexLength < candidate.length && isHexChar(candidate.charCodeAt(hexLength))) hexLength++;
  const decodings: Array<[string, Uint8Array | undefined]> = [['base64', decodeAnyBase64(candidate)]];
  if (hexLength >= MIN_CANDIDATE) decodings.push(['hex', decodeHex(candidate.slice(0, hexLength & ~1))]);
  for (const [encoding, bytes] of decodings) {
    if (bytes === undefined) continue;
    if (startsWithKeyStructure(bytes)) return `${encoding} of DER key material`;
    if (isSSHBlob(bytes)) return 'an OpenSSH key';
    // One level down: a PEM file or a JWK encoded whole, as secrets managers and environment variables hold them.
    if (!nested && looksLikeText(bytes)) {
      const inner = scanText(stripNUL(latin1(bytes)), true);
      if (inner !== undefined) return `${encoding} of ${inner}`;
    }
  }
  return undefined;
}

/** Shortest run of base64 characters worth decoding: an Ed25519 SPKI, the smallest key container, is 60. */
const MIN_CANDIDATE = 40;
/** Piece starts tried in one body, so that junk before the key cannot hide it. */
const STARTS_PER_BLOCK = 16;

/**
 * Runs of base64 (or hex) anywhere in the text, each on its own and joined into bodies where only
 * soft separators stand between them (PEM bodies wrapped or flattened, hex printed with colons). A
 * run ends after its `=` padding (`KEY=MIIB...` holds two runs). A body is decoded from each of its
 * first piece starts, since a junk word that happens to be all base64 characters may come first.
 */
function encodedKeyIn(text: string, nested: boolean): string | undefined {
  let block = '';
  let starts: number[] = [];
  const flush = (): string | undefined => {
    let found: string | undefined;
    // A body of one piece was decoded as a run already.
    for (const start of starts.length > 1 ? starts : []) {
      if (block.length - start < MIN_CANDIDATE) break;
      found = decodedKey(block.slice(start), nested);
      if (found !== undefined) break;
    }
    block = '';
    starts = [];
    return found;
  };
  for (let i = 0; i < text.length; ) {
    const code = text.charCodeAt(i);
    if (!isBase64Char(code)) {
      if (!isSoftSeparator(code)) {
        const found = flush();
        if (found !== undefined) return found;
      }
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && isBase64Char(text.charCodeAt(j)) && text.charCodeAt(j) !== 61) j++;
    while (j < text.length && text.charCodeAt(j) === 61) j++;
    const run = text.slice(i, j);
    if (run.length >= MIN_CANDIDATE) {
      const found = decodedKey(run, nested);
      if (found !== undefined) return found;
    }
    if (starts.length < STARTS_PER_BLOCK) starts.push(block.length);
    block += run;
    i = j;
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

const stripNUL = (text: string): string =>
  text.includes('\u0000') ? text.replaceAll('\u0000', '').replaceAll('\uFFFD', '') : text;

/** Literal `\n` escapes (a PEM in an environment variable) become line breaks; percent-encoding is undone. */
function unescaped(text: string): string | undefined {
  let out = text;
  if (/\\[nr]/.test(out)) out = out.replace(/\\r\\n|\\n|\\r/g, '\n');
  if (/%[0-9a-f]{2}/i.test(out)) {
    try {
      out = decodeURIComponent(out);
    } catch {
      // Not percent-encoding after all.
    }
  }
  return out === text ? undefined : out;
}

function scanText(text: string, nested: boolean): string | undefined {
  const marker = markerIn(text);
  if (marker !== undefined) return marker;
  const trimmed = text.trim();
  const opening = trimmed.charCodeAt(0);
  if ((opening === 0x7b || opening === 0x5b) && isJSON(trimmed))
    return 'JSON (a JWK or JWKS belongs in importKey or createLocalJWKS)';
  return encodedKeyIn(text, nested);
}

/** {@link scanText} over the text, its NUL-free view (UTF-16 and UTF-32 of ASCII) and its unescaped view. */
function textReason(text: string): string | undefined {
  // Before the NULs and U+FFFD go: a DER file decoded as UTF-8 keeps its OIDs only in their mangled form.
  if (OID_MARKERS.some((marker) => text.includes(marker))) return 'DER key material';
  const plain = stripNUL(text);
  const found = scanText(plain, false);
  if (found !== undefined) return found;
  const other = unescaped(plain);
  return other === undefined ? undefined : scanText(other, false);
}

/** Bytes of key-algorithm DER within the first bytes: a DER key or certificate with bytes before or after it. */
function derWithin(bytes: Uint8Array): boolean {
  for (let i = 0; i < Math.min(bytes.length, 64); i++) {
    if (bytes[i] === 0x30 && startsWithKeyStructure(i === 0 ? bytes : bytes.subarray(i))) return true;
  }
  return false;
}

/** Raw DER read as a "binary" (Latin-1) string: every character one byte. */
function binaryStringReason(text: string): string | undefined {
  // Every key container holds an INTEGER (0x02) or an OBJECT IDENTIFIER (0x06): text without either is no DER.
  if (text.length < MIN_CANDIDATE || (!text.includes('\u0002') && !text.includes('\u0006'))) return undefined;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) return undefined;
    bytes[i] = code;
  }
  return holdsKeyStructure(bytes) || derWithin(bytes) ? 'DER key material in a binary string' : undefined;
}

/**
 * Why `input` holds asymmetric key material and so can never be a secret, or `undefined` when it
 * holds none. Strings and bytes are read alike: bytes as Latin-1 (all markers are ASCII, so UTF-8
 * reads the same) and, when they look like UTF-16, as UTF-16 too.
 */
export function findKeyMaterial(input: string | Uint8Array): string | undefined {
  if (typeof input === 'string') return textReason(input) ?? binaryStringReason(input);
  if (holdsKeyStructure(input) || derWithin(input)) return 'DER-encoded key material';
  const utf16 = utf16Text(input);
  if (utf16 !== undefined) {
    const reason = textReason(utf16);
    if (reason !== undefined) return `UTF-16 text of ${reason}`;
  }
  return textReason(latin1(input));
}
