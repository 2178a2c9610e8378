/**
 * The base64url decoder only Node has (the node-capable build, through package.json "imports"; the
 * web build gets codec.web.ts, so browsers never download it).
 *
 * Node's Buffer decoder knows 66 characters (both alphabets), reads a character above U+00FF as its
 * low byte, and skips every other one or stops there; each character it skips or stops at shortens
 * the output below `floor(3 * length / 4)` bytes. A full-length output therefore leaves only the
 * standard alphabet's `+` and `/` (two native searches), stand-ins above U+007F (the text's UTF-8
 * length equals its length only for ASCII) and the spare bits to rule out. That costs a third of
 * re-encoding the bytes to compare (the round trip other runtimes with a Buffer use): 0.2 to 0.4 µs
 * less per RSA token, with the caches cold from the RSA verification. Deno's and Bun's Buffers are
 * not known to decode alike, so there this is `undefined`.
 */
import { spareBitsClear } from './base64url-alphabet.js';
import { NativeBuffer } from './native-buffer.js';

const isNode =
  (globalThis as { process?: { release?: { name?: string } } }).process?.release?.name === 'node' &&
  !('Deno' in globalThis) &&
  !('Bun' in globalThis);

function decodeCounted(text: string): Uint8Array | undefined {
  const rest = text.length & 3;
  if (rest === 1) return undefined;
  const buffer = NativeBuffer as NonNullable<typeof NativeBuffer>;
  const bytes = buffer.from(text, 'base64url');
  if (bytes.length !== (text.length * 3) >> 2 || text.includes('+') || text.includes('/')) return undefined;
  return buffer.byteLength(text, 'utf8') === text.length && spareBitsClear(text, rest) ? bytes : undefined;
}

/** Node's own canonical base64url decoder, or `undefined` elsewhere. */
export const runtimeBase64urlDecoder: ((text: string) => Uint8Array | undefined) | undefined =
  NativeBuffer !== undefined && isNode ? decodeCounted : undefined;

export { parseJSONText } from './json-strict.js';
