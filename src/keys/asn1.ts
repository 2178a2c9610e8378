/**
 * Just enough DER (X.690) to recognise key containers and convert them: SPKI, PKCS#8, PKCS#1 RSA,
 * SEC1 EC and X.509 certificates. Both backends import only SPKI and PKCS#8, so every other form is
 * rewritten into one of those here. Definite lengths only; anything else is not DER.
 */
import type { KeyType } from '../algorithms/index.js';
import { concatBytes } from '../encoding/utf8.js';

interface TLV {
  readonly tag: number;
  /** Offset of the tag byte. */
  readonly start: number;
  /** Offset of the first content byte. */
  readonly body: number;
  /** Offset just past the content. */
  readonly end: number;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OCTET_STRING = 0x04;
const NULL = 0x05;
const OID = 0x06;

class NotDER extends Error {}
/** Thrown for every malformed input: one instance, so that refusing random bytes costs no stack trace. */
const NOT_DER = new NotDER('not DER');

function readTLV(bytes: Uint8Array, start: number, limit: number): TLV {
  if (start + 2 > limit) throw NOT_DER;
  const tag = bytes[start] as number;
  if ((tag & 0x1f) === 0x1f) throw NOT_DER;
  let length = bytes[start + 1] as number;
  let body = start + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || body + count > limit) throw NOT_DER;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[body + i] as number);
    body += count;
    // DER: minimal length encoding.
    if (length < 0x80 || (count > 1 && bytes[start + 2] === 0)) throw NOT_DER;
  }
  const end = body + length;
  if (end > limit) throw NOT_DER;
  return { tag, start, body, end };
}

function children(bytes: Uint8Array, parent: TLV): TLV[] {
  const out: TLV[] = [];
  for (let offset = parent.body; offset < parent.end; ) {
    const child = readTLV(bytes, offset, parent.end);
    out.push(child);
    offset = child.end;
  }
  return out;
}

function whole(bytes: Uint8Array): TLV {
  const top = readTLV(bytes, 0, bytes.length);
  if (top.end !== bytes.length || top.tag !== SEQUENCE) throw NOT_DER;
  return top;
}

const hex = (bytes: Uint8Array, node: TLV): string => {
  let out = '';
  for (let i = node.body; i < node.end; i++) out += (bytes[i] as number).toString(16).padStart(2, '0');
  return out;
};

const OIDS = {
  rsaEncryption: '2a864886f70d010101',
  rsassaPss: '2a864886f70d01010a',
  ecPublicKey: '2a8648ce3d0201',
  ed25519: '2b6570',
  x25519: '2b656e',
  ed448: '2b6571',
} as const;
/** FIPS 204 / RFC 9881: id-ml-dsa-44, -65, -87 (2.16.840.1.101.3.4.3.17 to .19). */
const ML_DSA_OIDS: Readonly<Record<string, string>> = {
  '608648016503040311': 'ML-DSA-44',
  '608648016503040312': 'ML-DSA-65',
  '608648016503040313': 'ML-DSA-87',
};
const CURVES: Readonly<Record<string, string>> = {
  '2a8648ce3d030107': 'P-256',
  '2b81040022': 'P-384',
  '2b81040023': 'P-521',
  '2b8104000a': 'secp256k1',
};

export interface KeyContainer {
  readonly format: 'spki' | 'pkcs8';
  readonly der: Uint8Array;
  readonly kty: KeyType;
  /** The curve of an EC or OKP key; for an AKP key, its ML-DSA parameter set (which the OID names). */
  readonly crv?: string;
}

/** Reads an AlgorithmIdentifier into a key type and curve. */
function algorithmOf(bytes: Uint8Array, identifier: TLV): { kty: KeyType; crv?: string } | undefined {
  const [oid, params] = children(bytes, identifier);
  if (oid === undefined || oid.tag !== OID) return undefined;
  switch (hex(bytes, oid)) {
    case OIDS.rsaEncryption:
      return { kty: 'RSA' };
    case OIDS.ecPublicKey: {
      const crv = params?.tag === OID ? CURVES[hex(bytes, params)] : undefined;
      return crv === undefined ? undefined : { kty: 'EC', crv };
    }
    case OIDS.ed25519:
      return { kty: 'OKP', crv: 'Ed25519' };
    case OIDS.x25519:
      return { kty: 'OKP', crv: 'X25519' };
    case OIDS.ed448:
      return { kty: 'OKP', crv: 'Ed448' };
    default: {
      // RFC 9881: the ML-DSA identifiers have no parameters.
      const set = params === undefined ? ML_DSA_OIDS[hex(bytes, oid)] : undefined;
      return set === undefined ? undefined : { kty: 'AKP', crv: set };
    }
  }
}

function encode(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  const n = body.length;
  const header =
    n < 0x80
      ? [tag, n]
      : n < 0x100
        ? [tag, 0x81, n]
        : n < 0x10000
          ? [tag, 0x82, n >> 8, n & 0xff]
          : [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concatBytes(new Uint8Array(header), body);
}

const oidBytes = (value: string): Uint8Array =>
  encode(
    OID,
    Uint8Array.from(value.match(/../g) ?? [], (h) => parseInt(h, 16)),
  );
const RSA_IDENTIFIER = (): Uint8Array => encode(SEQUENCE, oidBytes(OIDS.rsaEncryption), new Uint8Array([NULL, 0]));
const VERSION_0 = new Uint8Array([INTEGER, 1, 0]);

function trySPKI(bytes: Uint8Array, top: TLV): KeyContainer | undefined {
  const parts = children(bytes, top);
  if (parts.length !== 2 || parts[0]?.tag !== SEQUENCE || parts[1]?.tag !== BIT_STRING) return undefined;
  const algorithm = algorithmOf(bytes, parts[0]);
  return algorithm && { format: 'spki', der: bytes, ...algorithm };
}

function tryPKCS8(bytes: Uint8Array, top: TLV): KeyContainer | undefined {
  const parts = children(bytes, top);
  if (parts.length < 3 || parts[0]?.tag !== INTEGER || parts[1]?.tag !== SEQUENCE || parts[2]?.tag !== OCTET_STRING) {
    return undefined;
  }
  const algorithm = algorithmOf(bytes, parts[1]);
  return algorithm && { format: 'pkcs8', der: bytes, ...algorithm };
}

function tryPKCS1(bytes: Uint8Array, top: TLV): KeyContainer | undefined {
  const parts = children(bytes, top);
  if (!parts.every((part) => part.tag === INTEGER)) return undefined;
  // RSAPublicKey ::= SEQUENCE { modulus, publicExponent }
  if (parts.length === 2) {
    return {
      format: 'spki',
      kty: 'RSA',
      der: encode(SEQUENCE, RSA_IDENTIFIER(), encode(BIT_STRING, new Uint8Array([0]), bytes)),
    };
  }
  // RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dp, dq, qi, ... }
  if (parts.length >= 9) {
    return { format: 'pkcs8', kty: 'RSA', der: encode(SEQUENCE, VERSION_0, RSA_IDENTIFIER(), encode(OCTET_STRING, bytes)) };
  }
  return undefined;
}

function trySEC1(bytes: Uint8Array, top: TLV): KeyContainer | undefined {
  // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, [0] parameters, [1] publicKey }
  const parts = children(bytes, top);
  if (parts[0]?.tag !== INTEGER || hex(bytes, parts[0]) !== '01' || parts[1]?.tag !== OCTET_STRING) return undefined;
  const params = parts.find((part) => part.tag === 0xa0);
  const curveOid = params && children(bytes, params)[0];
  const crv = curveOid?.tag === OID ? CURVES[hex(bytes, curveOid)] : undefined;
  if (curveOid === undefined || crv === undefined) return undefined;
  const identifier = encode(SEQUENCE, oidBytes(OIDS.ecPublicKey), bytes.subarray(curveOid.start, curveOid.end));
  return { format: 'pkcs8', kty: 'EC', crv, der: encode(SEQUENCE, VERSION_0, identifier, encode(OCTET_STRING, bytes)) };
}

function tryCertificate(bytes: Uint8Array, top: TLV): KeyContainer | undefined {
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }; the SPKI is the
  // 7th field of tbsCertificate when the explicit [0] version is present, the 6th otherwise.
  const parts = children(bytes, top);
  if (parts.length !== 3 || parts[0]?.tag !== SEQUENCE || parts[2]?.tag !== BIT_STRING) return undefined;
  const fields = children(bytes, parts[0]);
  const spki = fields[fields[0]?.tag === 0xa0 ? 6 : 5];
  if (spki?.tag !== SEQUENCE) return undefined;
  const der = bytes.slice(spki.start, spki.end);
  return trySPKI(der, whole(der));
}

export type ContainerKind = 'spki' | 'pkcs8' | 'pkcs1' | 'sec1' | 'certificate';
const READERS: Record<ContainerKind, (bytes: Uint8Array, top: TLV) => KeyContainer | undefined> = {
  spki: trySPKI,
  pkcs8: tryPKCS8,
  pkcs1: tryPKCS1,
  sec1: trySEC1,
  certificate: tryCertificate,
};

/**
 * Recognises a DER key container and returns it as SPKI or PKCS#8 with its key type, or
 * `undefined` when the bytes are not one. `kinds` narrows what is tried (a PEM label says which).
 */
export function readKeyContainer(
  bytes: Uint8Array,
  kinds: readonly ContainerKind[] = ['spki', 'pkcs8', 'certificate', 'sec1', 'pkcs1'],
): KeyContainer | undefined {
  if (bytes[0] !== SEQUENCE) return undefined;
  try {
    const top = whole(bytes);
    for (const kind of kinds) {
      const found = READERS[kind](bytes, top);
      if (found !== undefined) return found;
    }
  } catch (error) {
    if (!(error instanceof NotDER)) throw error;
  }
  return undefined;
}

/**
 * The DER of the OBJECT IDENTIFIERs that name a public-key algorithm in SPKI, PKCS#8 and
 * certificates (tag, length, value): RSA, RSASSA-PSS, EC, Ed25519, Ed448, X25519, X448, DSA and
 * ML-DSA-44/65/87. Found anywhere in bytes, they mark DER key material however it is wrapped.
 */
export const KEY_OID_TLVS: readonly Uint8Array[] = [
  '06092a864886f70d010101',
  '06092a864886f70d01010a',
  '06072a8648ce3d0201',
  '06032b6570',
  '06032b6571',
  '06032b656e',
  '06032b656f',
  '06072a8648ce380401',
  '0609608648016503040311',
  '0609608648016503040312',
  '0609608648016503040313',
].map((hexText) => Uint8Array.from(hexText.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16)));

/**
 * An ML-DSA key given raw as a container both backends import: a 32-byte seed as PKCS#8 in its
 * seed-only form (RFC 9881 §6: `seed [0] OCTET STRING (SIZE (32))`), a public key as SPKI.
 */
export function mlDSAContainer(set: string, raw: Uint8Array, format: 'spki' | 'pkcs8'): KeyContainer {
  const oid = Object.keys(ML_DSA_OIDS).find((value) => ML_DSA_OIDS[value] === set);
  if (oid === undefined) throw new RangeError(`not an ML-DSA parameter set: ${set}`);
  const identifier = encode(SEQUENCE, oidBytes(oid));
  const der =
    format === 'spki'
      ? encode(SEQUENCE, identifier, encode(BIT_STRING, new Uint8Array([0]), raw))
      : encode(SEQUENCE, VERSION_0, identifier, encode(OCTET_STRING, encode(0x80, raw)));
  return { format, der, kty: 'AKP', crv: set };
}

/**
 * Arcs under which every public-key algorithm and key container we know of names itself: PKCS#1
 * and PKCS#12 (1.2.840.113549), ANSI X9.62 EC (1.2.840.10045), DSA (1.2.840.10040), Edwards and
 * Montgomery curves (1.3.101), SEC curves (1.3.132), NIST algorithms incl. ML-DSA (2.16.840.1.101.3),
 * brainpool (1.3.36.3.3.2.8), GOST (1.2.643) and SM2 (1.2.156.10197).
 */
const KEY_ARCS = [
  '2a864886f70d',
  '2a8648ce3d',
  '2a8648ce38',
  '2b65',
  '2b8104',
  '608648016503',
  '2b2403030208',
  '2a8503',
  '2a811ccf55',
];

/**
 * Whether the bytes are one complete DER structure naming a key algorithm: a key container we can
 * import, or one we cannot (DSA, Ed448, RSA-PSS parameters, explicit curves, PKCS#12, encrypted
 * PKCS#8). Either way the bytes are key material, never a secret. Random bytes pass with
 * negligible probability: the whole tree must parse to the exact length and hold such an OID.
 */
export function holdsKeyStructure(bytes: Uint8Array): boolean {
  if (bytes[0] !== SEQUENCE) return false;
  if (readKeyContainer(bytes) !== undefined) return true;
  let budget = 4096;
  const walk = (node: TLV, depth: number): boolean => {
    if (--budget < 0 || depth > 24) throw NOT_DER;
    if (node.tag === OID) {
      const value = hex(bytes, node);
      return KEY_ARCS.some((arc) => value.startsWith(arc));
    }
    // Constructed types, and BIT/OCTET STRINGs that wrap a key (SPKI, PKCS#8) when their content parses.
    if ((node.tag & 0x20) !== 0) return children(bytes, node).some((child) => walk(child, depth + 1));
    if (node.tag === BIT_STRING || node.tag === OCTET_STRING) {
      const start = node.tag === BIT_STRING ? node.body + 1 : node.body;
      if (start >= node.end || bytes[start] !== SEQUENCE) return false;
      try {
        const inner = readTLV(bytes, start, node.end);
        return inner.end === node.end && walk(inner, depth + 1);
      } catch (error) {
        if (error instanceof NotDER) return false;
        throw error;
      }
    }
    return false;
  };
  try {
    return walk(whole(bytes), 0);
  } catch (error) {
    if (!(error instanceof NotDER)) throw error;
    return false;
  }
}

/** The modulus of an RSA key container (big-endian, without the sign byte), or `undefined`. */
export function rsaModulus(container: KeyContainer): Uint8Array | undefined {
  if (container.kty !== 'RSA') return undefined;
  try {
    const { der } = container;
    const parts = children(der, whole(der));
    const wrapper = container.format === 'spki' ? parts[1] : parts[2];
    if (wrapper === undefined) return undefined;
    const start = container.format === 'spki' ? wrapper.body + 1 : wrapper.body;
    const key = readTLV(der, start, wrapper.end);
    const integers = children(der, key);
    const n = integers[container.format === 'spki' ? 0 : 1];
    if (n?.tag !== INTEGER) return undefined;
    const bytes = der.subarray(n.body, n.end);
    return bytes[0] === 0 ? bytes.subarray(1) : bytes;
  } catch (error) {
    if (!(error instanceof NotDER)) throw error;
    return undefined;
  }
}

/** Whether the bytes begin with a DER structure that {@link holdsKeyStructure} accepts, whatever follows it. */
export function startsWithKeyStructure(bytes: Uint8Array): boolean {
  // The outer length, read without throwing: most bytes that start with 0x30 are no DER at all.
  if (bytes[0] !== SEQUENCE || bytes.length < 2) return false;
  let length = bytes[1] as number;
  let body = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || body + count > bytes.length) return false;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[body + i] as number);
    body += count;
  }
  const end = body + length;
  if (end > bytes.length || length < 8) return false;
  return holdsKeyStructure(end === bytes.length ? bytes : bytes.subarray(0, end));
}
