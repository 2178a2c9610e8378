/**
 * The base64url alphabet and the spare-bit rule, shared by the decoders in base64url.ts and Node's
 * own in codec.node.ts (a module of its own, so that codec.node.ts needs no import of base64url.ts,
 * which imports it).
 */

export const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** The value of each base64url character by its code; -1 for every other ASCII character. */
export const DECODE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

/** Whether the spare bits of a short last group (`rest` is the length mod 4) are zero. */
export function spareBitsClear(text: string, rest: number): boolean {
  if (rest === 0) return true;
  // 2 trailing chars carry 1 byte (4 spare bits), 3 carry 2 bytes (2 spare bits).
  const last = DECODE[text.charCodeAt(text.length - 1)] as number;
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/**
 * Whether `code` is a character of base64 or base64url, padding included (`[A-Za-z0-9+/_=-]`): what
 * a damaged token or an encoded key may hold, for the scanners that look for them in text.
 */
export function isAnyBase64Char(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x5f ||
    code === 0x2d ||
    code === 0x3d ||
    code === 0x2b ||
    code === 0x2f
  );
}
