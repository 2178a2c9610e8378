/**
 * Node, Deno and Bun expose Buffer globally; its base64url and UTF-8 codecs are native and several
 * times faster than any loop we can write (and, on Deno, than its fatal TextDecoder). We
 * feature-test the global rather than import node:buffer so that the web build stays free of node:
 * modules.
 */
export interface NativeBytes {
  toString(encoding: 'base64url' | 'utf8'): string;
}
interface BufferLike {
  from(input: string, encoding: 'base64url' | 'utf8' | 'latin1'): Uint8Array & NativeBytes;
  from(input: ArrayBufferLike, offset: number, length: number): NativeBytes;
  isBuffer(value: Uint8Array): boolean;
  byteLength(input: string, encoding: 'utf8'): number;
}

export const NativeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;
