/** PKCS#11 EC keys: CKA_EC_PARAMS (a DER OID or a printable name) and CKA_EC_POINT (DER OCTET STRING or raw) to JWK. */
import { encodeBase64url } from '../encoding/base64url.js';
import { ExternalKeyUnavailableError } from '../errors.js';

interface Curve {
  crv: 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  /** Coordinate size in bytes. */
  size: number;
  /** The DER OID jwtkit writes when it generates a key. */
  params: Uint8Array;
}

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));

export const CURVES: readonly Curve[] = [
  { crv: 'P-256', size: 32, params: hex('06082a8648ce3d030107') },
  { crv: 'P-384', size: 48, params: hex('06052b81040022') },
  { crv: 'P-521', size: 66, params: hex('06052b81040023') },
  { crv: 'Ed25519', size: 32, params: hex('06032b6570') },
];
/** PKCS#11 3.0 also allows the curve's name as a PrintableString. */
const NAMED: Readonly<Record<string, Curve['crv']>> = { edwards25519: 'Ed25519', prime256v1: 'P-256' };

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, index) => byte === b[index]);

export function curveOf(params: Uint8Array): Curve | undefined {
  const byOid = CURVES.find((curve) => same(curve.params, params));
  if (byOid !== undefined) return byOid;
  if (params[0] === 0x13 && params[1] === params.length - 2) {
    const name = NAMED[new TextDecoder().decode(params.subarray(2))];
    return CURVES.find((curve) => curve.crv === name);
  }
  return undefined;
}

/** The public JWK of an EC or Edwards point; `point` is CKA_EC_POINT, DER-wrapped or raw. */
export function pointToJWK(curve: Curve, point: Uint8Array): { kty: string; crv: string; x: string; y?: string } {
  const raw = curve.crv === 'Ed25519' ? curve.size : 2 * curve.size + 1;
  let bytes = point;
  // A DER OCTET STRING around the point (the standard form; some modules give it raw).
  if (bytes.length !== raw && bytes[0] === 0x04) {
    const long = bytes[1] === 0x81;
    const length = long ? bytes[2] : bytes[1];
    const start = long ? 3 : 2;
    if (length === raw && bytes.length === start + raw) bytes = bytes.subarray(start);
  }
  if (bytes.length !== raw || (curve.crv !== 'Ed25519' && bytes[0] !== 0x04)) {
    throw new ExternalKeyUnavailableError('failed', `the token's ${curve.crv} public key point has an unexpected form`);
  }
  if (curve.crv === 'Ed25519') return { kty: 'OKP', crv: 'Ed25519', x: encodeBase64url(bytes) };
  return {
    kty: 'EC',
    crv: curve.crv,
    x: encodeBase64url(bytes.subarray(1, 1 + curve.size)),
    y: encodeBase64url(bytes.subarray(1 + curve.size)),
  };
}
