// Test vectors live in test/vectors.
import { readText } from './files.js';

/** Reads a JSON file under test/vectors. */
export function readVector<T = unknown>(path: string): T {
  return JSON.parse(readText(`test/vectors/${path}`)) as T;
}

/** Bytes from a hex string. */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
