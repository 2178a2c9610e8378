/**
 * ECDSA signatures between the DER form key services return (X9.62 `Ecdsa-Sig-Value`, a SEQUENCE
 * of two INTEGERs: AWS KMS, Google Cloud KMS, OpenSSL) and JOSE's fixed-length r || s (RFC 7518
 * §3.4). The parser is strict: one reading per signature, so a service that answers with anything
 * else (trailing bytes, a non-minimal length or integer, a negative or zero value, a value wider
 * than the curve) is refused instead of being half understood.
 */
import { ExternalKeySignatureInvalidError, InvalidOptionError } from '../../errors.js';

/** Bytes of r and of s per curve: P-256 and secp256k1, P-384, P-521. No other size is an ECDSA JOSE signature. */
const SIZES: readonly number[] = [32, 48, 66];

const refuse = (message: string) => new ExternalKeySignatureInvalidError('format', `the DER ECDSA signature ${message}`);

/** Reads a DER length at `at`: short form, or long form with the fewest bytes and a value of 128 or more. */
function readLength(der: Uint8Array, at: number): { length: number; next: number } {
  const first = der[at];
  if (first === undefined) throw refuse('is truncated');
  if (first < 0x80) return { length: first, next: at + 1 };
  // A signature is at most 2 * (66 + 3) + 3 bytes: one length byte always suffices.
  if (first !== 0x81) throw refuse('has a length of an unsupported form');
  const length = der[at + 1];
  if (length === undefined) throw refuse('is truncated');
  if (length < 0x80) throw refuse('has a length in long form that fits the short form (not DER)');
  return { length, next: at + 2 };
}

/** Reads one positive INTEGER at `at` and writes it, left-padded, into `out` at `offset`. */
function readInteger(der: Uint8Array, at: number, size: number, out: Uint8Array, offset: number): number {
  if (der[at] !== 0x02) throw refuse('does not hold an INTEGER where r or s belongs');
  const { length, next } = readLength(der, at + 1);
  const end = next + length;
  if (length === 0 || end > der.length) throw refuse('has an INTEGER of a wrong length');
  const lead = der[next] as number;
  if (lead & 0x80) throw refuse('has a negative INTEGER');
  let start = next;
  if (lead === 0) {
    // A leading zero is DER only when it keeps the next byte's high bit from reading as a sign.
    if (length > 1 && !((der[next + 1] as number) & 0x80)) throw refuse('has an INTEGER with a superfluous leading zero');
    start = next + 1;
  }
  const value = der.subarray(start, end);
  if (value.length > size) throw refuse(`has an INTEGER wider than the curve's ${size} bytes`);
  if (value.every((byte) => byte === 0)) throw refuse('has r or s equal to zero');
  out.set(value, offset + size - value.length);
  return end;
}

/**
 * Converts a DER ECDSA signature to JOSE's r || s of `2 * size` bytes (`size`: 32 for P-256 and
 * secp256k1, 48 for P-384, 66 for P-521; any other is `ERR_INVALID_OPTION`). Throws
 * `ERR_EXTERNAL_KEY_SIGNATURE_INVALID` (reason `format`) for anything but exactly one strict DER
 * `Ecdsa-Sig-Value`.
 *
 * @example
 * ```ts
 * const jose = ecdsaDERToJOSE(derFromKMS, 32); // 64 bytes for ES256
 * ```
 */
export function ecdsaDERToJOSE(der: Uint8Array, size: number): Uint8Array {
  if (!SIZES.includes(size)) throw new InvalidOptionError('size', 'must be 32 (P-256, secp256k1), 48 (P-384) or 66 (P-521)');
  if (!(der instanceof Uint8Array)) throw refuse('is not a Uint8Array');
  if (der[0] !== 0x30) throw refuse('does not start with a SEQUENCE');
  const { length, next } = readLength(der, 1);
  if (next + length !== der.length) throw refuse('has a SEQUENCE length that does not match its size (or trailing bytes)');
  const out = new Uint8Array(2 * size);
  const afterR = readInteger(der, next, size, out, 0);
  const afterS = readInteger(der, afterR, size, out, size);
  if (afterS !== der.length) throw refuse('has bytes after s inside the SEQUENCE');
  return out;
}

/** One DER INTEGER of the unsigned big-endian `bytes`: leading zeros dropped, one added before a high bit. */
function integer(bytes: Uint8Array): number[] {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const value = [...bytes.subarray(start)];
  if ((value[0] as number) & 0x80) value.unshift(0);
  return [0x02, value.length, ...value];
}

/**
 * Converts JOSE's r || s to DER, the form some services and libraries take (the inverse of
 * {@link ecdsaDERToJOSE}). Takes 64, 96 or 132 bytes; any other length throws
 * `ERR_EXTERNAL_KEY_SIGNATURE_INVALID` (reason `length`).
 *
 * @example
 * ```ts
 * const der = ecdsaJOSEToDER(joseSignature);
 * ```
 */
export function ecdsaJOSEToDER(signature: Uint8Array): Uint8Array {
  if (!(signature instanceof Uint8Array))
    throw new ExternalKeySignatureInvalidError('format', 'the JOSE ECDSA signature is not a Uint8Array');
  // Only the curves' lengths: they keep the DER short enough for its one-byte lengths.
  if (!SIZES.includes(signature.length / 2)) {
    throw new ExternalKeySignatureInvalidError(
      'length',
      `the JOSE ECDSA signature has ${signature.length} bytes; r || s has 64 (P-256, secp256k1), 96 (P-384) or 132 (P-521)`,
    );
  }
  const half = signature.length / 2;
  const body = [...integer(signature.subarray(0, half)), ...integer(signature.subarray(half))];
  const length = body.length < 0x80 ? [body.length] : [0x81, body.length];
  return new Uint8Array([0x30, ...length, ...body]);
}
