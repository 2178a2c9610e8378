/**
 * `zip: "DEF"` (RFC 7516 §4.1.3): raw DEFLATE (RFC 1951) through the web-standard
 * CompressionStream, which every runtime jwtkit serves has. Inflation is streamed and stops at the
 * cap, so a zip bomb costs at most one chunk past it (catalogue entry 13).
 */
import { readCapped } from '../encoding/stream.js';
import { JWEDecompressionError, NotSupportedError } from '../errors.js';

function streams(): { Compression: typeof CompressionStream; Decompression: typeof DecompressionStream } {
  const scope = globalThis as { CompressionStream?: typeof CompressionStream; DecompressionStream?: typeof DecompressionStream };
  if (scope.CompressionStream === undefined || scope.DecompressionStream === undefined) {
    throw new NotSupportedError('zip "DEF" needs CompressionStream, which this runtime lacks');
  }
  return { Compression: scope.CompressionStream, Decompression: scope.DecompressionStream };
}

function through(data: Uint8Array, transform: TransformStream<BufferSource, Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<BufferSource>({
    start(controller) {
      controller.enqueue(data as BufferSource);
      controller.close();
    },
  }).pipeThrough(transform);
}

/** Compresses the plaintext with raw DEFLATE. */
export function deflate(data: Uint8Array): Promise<Uint8Array> {
  const { Compression } = streams();
  return readCapped(through(data, new Compression('deflate-raw')));
}

/** Inflates raw DEFLATE, refusing more than `cap` bytes of output (0 refuses compressed input altogether). */
export async function inflate(data: Uint8Array, cap: number): Promise<Uint8Array> {
  if (cap === 0) throw new JWEDecompressionError('compressed plaintext is refused (maxDecompressedSize is 0)');
  const { Decompression } = streams();
  try {
    const tooLarge = () =>
      new JWEDecompressionError(`the decompressed plaintext is over the limit of ${cap} bytes (maxDecompressedSize)`);
    return await readCapped(through(data, new Decompression('deflate-raw')), { cap, tooLarge });
  } catch (error) {
    if (error instanceof JWEDecompressionError) throw error;
    throw new JWEDecompressionError('the compressed plaintext is not valid DEFLATE data');
  }
}
