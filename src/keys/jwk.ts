/** A JSON Web Key (RFC 7517) as jwtkit reads and writes it. */
export interface JWK {
  kty?: string;
  alg?: string;
  kid?: string;
  use?: string;
  key_ops?: string[];
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  k?: string;
  /** AKP (RFC 9964): the public key. */
  pub?: string;
  /** AKP (RFC 9964): the private key; for ML-DSA its 32-byte seed. */
  priv?: string;
  x5c?: string[];
  x5t?: string;
  'x5t#S256'?: string;
  ext?: boolean;
  [parameter: string]: unknown;
}

/** A JSON Web Key Set (RFC 7517 §5). */
export interface JWKS {
  keys: JWK[];
}

/**
 * Members that carry private or secret key material in a JWK of any type (RFC 7518 §6, RFC 8037,
 * AKP `priv` of RFC 9964, and `seed` as some tools write it): the one list every place that
 * publishes, flags or strips private members reads.
 */
export const PRIVATE_JWK_MEMBERS: readonly string[] = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv', 'seed'];

/** The members that carry key material per `kty`; everything else is metadata. */
const MATERIAL: Readonly<Record<string, readonly string[]>> = {
  oct: ['k'],
  RSA: ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'],
  EC: ['crv', 'x', 'y', 'd'],
  OKP: ['crv', 'x', 'd'],
  // An AKP key's alg is part of the key (its parameter set), not metadata.
  AKP: ['alg', 'pub', 'priv'],
};

/** A copy of the JWK with only `kty` and its key-material members, all strings. */
export function jwkMaterial(jwk: JWK): JWK | undefined {
  // Own members only: a kty of "constructor" or "__proto__" names no key type.
  const members = typeof jwk.kty === 'string' && Object.hasOwn(MATERIAL, jwk.kty) ? MATERIAL[jwk.kty] : undefined;
  if (members === undefined) return undefined;
  const out: JWK = { kty: jwk.kty };
  for (const name of members) {
    const value = jwk[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') return undefined;
    out[name] = value;
  }
  return out;
}

/** Whether the JWK holds private material (`d`, or an AKP key's `priv`). */
export function isPrivateJWK(jwk: JWK): boolean {
  return jwk.d !== undefined || (jwk.kty === 'AKP' && jwk.priv !== undefined);
}
