/** Access to crypto.subtle, and the translation of a runtime's "not supported" into ours. */
import { NotSupportedError } from '../errors.js';

/** This runtime's SubtleCrypto; ERR_NOT_SUPPORTED where there is none. */
export function subtle(): SubtleCrypto {
  const value = globalThis.crypto?.subtle;
  if (value === undefined) throw new NotSupportedError('this runtime has no crypto.subtle (WebCrypto)');
  return value;
}

/** Whether a WebCrypto rejection means the runtime lacks the algorithm (AES-192 in Chromium, ...). */
export function isUnsupported(cause: unknown): boolean {
  return (cause as { name?: string } | null)?.name === 'NotSupportedError';
}

const AES_KEY_BYTES = [16, 24, 32];

/** Imports a raw key for one WebCrypto algorithm; a missing algorithm becomes ERR_NOT_SUPPORTED. */
export async function importRaw(
  bytes: Uint8Array,
  algorithm: AlgorithmIdentifier | HmacImportParams,
  usages: KeyUsage[],
  extractable = false,
): Promise<CryptoKey> {
  try {
    return await subtle().importKey('raw', bytes as BufferSource, algorithm, extractable, usages);
  } catch (cause) {
    const name = typeof algorithm === 'string' ? algorithm : algorithm.name;
    // An AES key of a valid length is refused only for lack of support: Chromium answers a 192-bit
    // one with an OperationError, not a NotSupportedError.
    const aesRefused = name.startsWith('AES-') && AES_KEY_BYTES.includes(bytes.length);
    if (isUnsupported(cause) || aesRefused) {
      throw new NotSupportedError(`${name} with a ${bytes.length * 8}-bit key is not supported by this runtime's WebCrypto`, {
        cause,
      });
    }
    throw cause;
  }
}
