/**
 * ECDH-ES (RFC 7518 §4.6, RFC 8037 §3.2): the ephemeral key, the Concat KDF, and the checks on a
 * received `epk` that run before any key agreement (catalogue entry 11).
 */
import type { Backend, CipherPrimitives, NativeKey } from '../backend/types.js';
import { decodeBase64url } from '../encoding/base64url.js';
import { asciiBytes, concatBytes } from '../encoding/utf8.js';
import { JWEMalformedError } from '../errors.js';
import type { JWK } from '../keys/jwk.js';
import type { Key } from '../keys/key.js';

interface Curve {
  readonly p: bigint;
  readonly b: bigint;
  readonly bytes: number;
}

// Short Weierstrass curves y^2 = x^3 - 3x + b over GF(p) (SEC 2, FIPS 186-4).
const CURVES: Readonly<Record<string, Curve>> = {
  'P-256': {
    p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    bytes: 32,
  },
  'P-384': {
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    bytes: 48,
  },
  'P-521': {
    p: 2n ** 521n - 1n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
    bytes: 66,
  },
};

function integer(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** Whether (x, y) is a point of the curve: coordinates in the field and the curve equation holding. */
export function onCurve(crv: string, x: Uint8Array, y: Uint8Array): boolean {
  const curve = CURVES[crv];
  if (curve === undefined || x.length !== curve.bytes || y.length !== curve.bytes) return false;
  const { p, b } = curve;
  const X = integer(x);
  const Y = integer(y);
  if (X >= p || Y >= p) return false;
  const left = (Y * Y) % p;
  const right = (((X * X) % p) * X - 3n * X + b) % p;
  return left === (right + p) % p;
}

const invalid = (message: string) => new JWEMalformedError(`"epk" ${message}`, 'epk');

/**
 * Checks a received `epk` against the recipient's key and returns the public JWK to import: the
 * same key type and curve as the recipient's key, coordinates of the exact length, on the curve,
 * and no private member.
 */
export function checkEphemeralKey(epk: unknown, recipient: Key): JWK {
  if (typeof epk !== 'object' || epk === null || Array.isArray(epk)) throw invalid('is missing or not a JWK object');
  const jwk = epk as Record<string, unknown>;
  const { kty, crv } = recipient.internals.native.facts;
  if (jwk.kty !== kty) throw invalid(`has kty "${String(jwk.kty).slice(0, 8)}", the recipient key is ${kty}`);
  if (jwk.crv !== crv) throw invalid(`is on curve "${String(jwk.crv).slice(0, 16)}", the recipient key on ${crv}`);
  if (Object.hasOwn(jwk, 'd')) throw invalid('holds a private key');
  const x = typeof jwk.x === 'string' ? decodeBase64url(jwk.x) : undefined;
  if (kty === 'OKP') {
    if (x === undefined || x.length !== 32) throw invalid('x is not a 32-byte X25519 public key');
    return { kty, crv, x: jwk.x as string };
  }
  const y = typeof jwk.y === 'string' ? decodeBase64url(jwk.y) : undefined;
  if (x === undefined || y === undefined || !onCurve(crv as string, x, y)) throw invalid(`is not a point on ${crv}`);
  return { kty, crv, x: jwk.x as string, y: jwk.y as string };
}

/** Checks a received `epk` (see {@link checkEphemeralKey}) and imports it beside the recipient's key. */
export async function importEphemeralKey(epk: unknown, recipient: Key): Promise<NativeKey> {
  const jwk = checkEphemeralKey(epk, recipient);
  try {
    return await recipient.internals.backend.importJWK(jwk, recipient.internals.algorithm, true);
  } catch {
    throw invalid(`is not a usable ${jwk.crv} public key`);
  }
}

/** The ephemeral public key as it goes in the header: key type, curve and coordinates only. */
export function publicMembers(jwk: JWK): Record<string, string> {
  const out: Record<string, string> = { kty: jwk.kty as string, crv: jwk.crv as string, x: jwk.x as string };
  if (jwk.y !== undefined) out.y = jwk.y;
  return out;
}

/**
 * Runs the agreement; an X25519 result of all zeros (a low-order point, RFC 7748 §6.1) is refused.
 * On the NIST curves an all-zero x-coordinate is a legitimate shared point.
 */
export async function agree(
  cipher: Pick<CipherPrimitives, 'deriveSharedSecret'>,
  own: NativeKey,
  other: NativeKey,
): Promise<Uint8Array> {
  const shared = await cipher.deriveSharedSecret(own, other);
  const lowOrder = own.facts.crv === 'X25519' && shared?.every((byte) => byte === 0);
  if (shared === undefined || lowOrder) {
    throw invalid('gives no usable shared secret (a low-order or invalid point)');
  }
  return shared;
}

const uint32 = (value: number) => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
};
const lengthPrefixed = (data: Uint8Array) => concatBytes(uint32(data.length), data);

/**
 * The Concat KDF of NIST SP 800-56A §5.8.1 with SHA-256, as RFC 7518 §4.6.2 fills it: AlgorithmID
 * is `enc` for direct agreement and `alg` with key wrapping; PartyUInfo and PartyVInfo are apu/apv.
 */
export async function concatKDF(
  backend: Backend,
  shared: Uint8Array,
  algorithmId: string,
  keyLength: number,
  apu: Uint8Array,
  apv: Uint8Array,
): Promise<Uint8Array> {
  const otherInfo = concatBytes(
    lengthPrefixed(asciiBytes(algorithmId)),
    lengthPrefixed(apu),
    lengthPrefixed(apv),
    uint32(keyLength * 8),
  );
  const rounds = Math.ceil(keyLength / 32);
  const blocks: Uint8Array[] = [];
  for (let counter = 1; counter <= rounds; counter++) {
    blocks.push(await backend.digest('SHA-256', concatBytes(uint32(counter), shared, otherInfo)));
  }
  return concatBytes(...blocks).subarray(0, keyLength);
}
