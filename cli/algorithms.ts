/**
 * The algorithm names the CLI offers to shell completion. The library exports the names as types
 * only; the checks below fail to compile when a name is added to the library and not here, so the
 * lists cannot fall behind the registry.
 */
import type { ContentEncryptionAlgorithmName, JWSAlgorithm, KeyManagementAlgorithmName } from 'jwtkit';

export const SIGNATURE_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'ES256K',
  'EdDSA',
  'Ed25519',
  'Ed448',
  'ML-DSA-44',
  'ML-DSA-65',
  'ML-DSA-87',
] as const satisfies readonly JWSAlgorithm[];

export const KEY_MANAGEMENT_ALGORITHMS = [
  'dir',
  'A128KW',
  'A192KW',
  'A256KW',
  'A128GCMKW',
  'A192GCMKW',
  'A256GCMKW',
  'RSA-OAEP',
  'RSA-OAEP-256',
  'RSA-OAEP-384',
  'RSA-OAEP-512',
  'ECDH-ES',
  'ECDH-ES+A128KW',
  'ECDH-ES+A192KW',
  'ECDH-ES+A256KW',
  'PBES2-HS256+A128KW',
  'PBES2-HS384+A192KW',
  'PBES2-HS512+A256KW',
] as const satisfies readonly KeyManagementAlgorithmName[];

export const CONTENT_ENCRYPTION_ALGORITHMS = [
  'A128GCM',
  'A192GCM',
  'A256GCM',
  'A128CBC-HS256',
  'A192CBC-HS384',
  'A256CBC-HS512',
] as const satisfies readonly ContentEncryptionAlgorithmName[];

export const ECDH_CURVE_NAMES = ['P-256', 'P-384', 'P-521', 'X25519'] as const;

type Missing<All, Listed> = Exclude<All, Listed> extends never ? true : Exclude<All, Listed>;
const complete: [
  Missing<JWSAlgorithm, (typeof SIGNATURE_ALGORITHMS)[number]>,
  Missing<KeyManagementAlgorithmName, (typeof KEY_MANAGEMENT_ALGORITHMS)[number]>,
  Missing<ContentEncryptionAlgorithmName, (typeof CONTENT_ENCRYPTION_ALGORITHMS)[number]>,
] = [true, true, true];
void complete;

/**
 * The values a flag takes, by command path and flag, where the set is known: algorithm names,
 * curves, and commander's own `choices`.
 */
export function valuesFor(path: string, flag: string): readonly string[] | undefined {
  const command = path.split(' ')[0];
  if (flag === '--enc') return CONTENT_ENCRYPTION_ALGORITHMS;
  if (flag === '--verify-alg') return SIGNATURE_ALGORITHMS;
  if (flag === '--crv') return ECDH_CURVE_NAMES;
  if (flag !== '--alg') return undefined;
  if (command === 'encrypt' || command === 'decrypt') return KEY_MANAGEMENT_ALGORITHMS;
  return SIGNATURE_ALGORITHMS;
}

/** What `keygen <alg>` takes: every algorithm a key or secret can be generated for. */
export const KEYGEN_ALGORITHMS: readonly string[] = [
  ...SIGNATURE_ALGORITHMS,
  ...KEY_MANAGEMENT_ALGORITHMS.filter((name) => name !== 'dir' && !name.startsWith('PBES2')),
  ...CONTENT_ENCRYPTION_ALGORITHMS,
];
