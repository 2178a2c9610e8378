import { joinBytes } from './utf8.js';

/**
 * Reads a byte stream to its end. With a `limit`, more than `limit.cap` bytes are refused: the
 * stream is cancelled (not awaited: a tee'd stream settles its cancel only when both halves do)
 * and `limit.tooLarge()` is thrown.
 */
export async function readCapped(
  stream: ReadableStream<Uint8Array>,
  limit?: { readonly cap: number; readonly tooLarge: () => Error },
): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (limit !== undefined && total > limit.cap) {
      reader.cancel().catch(() => undefined);
      throw limit.tooLarge();
    }
    chunks.push(value);
  }
  return joinBytes(chunks);
}
