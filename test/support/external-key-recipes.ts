// The recipes of docs/external-keys.md: each region between `#region recipe:` and `#endregion` is
// in that page, character for character, in a ```ts block (test/node/external-recipes.test.ts
// checks it, and the docs code-block test type-checks the page's copy). Edit both together.
import { createExternalKey, type Key } from 'jwtkit';

// #region recipe: aws-kms
/** What this uses of `KMS` from `@aws-sdk/client-kms` (`new KMS({ region })`). */
export interface AWSKMS {
  getPublicKey(input: { KeyId: string }): Promise<{ PublicKey?: Uint8Array; SigningAlgorithms?: string[] }>;
  sign(
    input: { KeyId: string; Message: Uint8Array; MessageType: 'DIGEST'; SigningAlgorithm: string },
    options: { abortSignal: AbortSignal },
  ): Promise<{ Signature?: Uint8Array }>;
}

const AWS_SIGNING_ALGORITHMS: Record<string, string> = {
  ES256: 'ECDSA_SHA_256',
  ES384: 'ECDSA_SHA_384',
  ES512: 'ECDSA_SHA_512',
  PS256: 'RSASSA_PSS_SHA_256',
  PS384: 'RSASSA_PSS_SHA_384',
  PS512: 'RSASSA_PSS_SHA_512',
  RS256: 'RSASSA_PKCS1_V1_5_SHA_256',
  RS384: 'RSASSA_PKCS1_V1_5_SHA_384',
  RS512: 'RSASSA_PKCS1_V1_5_SHA_512',
};

/** An AWS KMS signing key (key id, ARN or alias) as a jwtkit key. */
export async function awsKMSKey(kms: AWSKMS, keyId: string, alg: string, kid: string): Promise<Key> {
  const SigningAlgorithm = AWS_SIGNING_ALGORITHMS[alg];
  const { PublicKey, SigningAlgorithms } = await kms.getPublicKey({ KeyId: keyId });
  if (!PublicKey || !SigningAlgorithm || !SigningAlgorithms?.includes(SigningAlgorithm)) {
    throw new Error(`the KMS key ${keyId} does not sign ${alg}`);
  }
  return createExternalKey({
    alg,
    kid,
    publicKey: PublicKey, // DER SubjectPublicKeyInfo
    signatureFormat: alg.startsWith('ES') ? 'der' : 'jose', // KMS answers ECDSA in DER
    sign: async (_data, { digest, signal }) => {
      // A digest, not RAW: RAW takes at most 4096 bytes, and a token can be longer.
      const { Signature } = await kms.sign(
        { KeyId: keyId, Message: await digest(), MessageType: 'DIGEST', SigningAlgorithm },
        { abortSignal: signal },
      );
      if (Signature === undefined) throw new Error('AWS KMS returned no signature');
      return Signature;
    },
  });
}
// #endregion

// #region recipe: google-cloud-kms
/** What this uses of `KeyManagementServiceClient` from `@google-cloud/kms`. */
export interface GoogleCloudKMS {
  getPublicKey(request: { name: string }): Promise<[{ pem?: string | null; algorithm?: unknown }, ...unknown[]]>;
  asymmetricSign(request: {
    name: string;
    digest: Record<string, Uint8Array>;
  }): Promise<[{ signature?: Uint8Array | string | null; name?: string | null }, ...unknown[]]>;
}

/** The Cloud KMS algorithms of each JOSE algorithm (the key size is the key's). */
const GOOGLE_ALGORITHMS: Record<string, RegExp> = {
  ES256: /^EC_SIGN_P256_SHA256$/,
  ES384: /^EC_SIGN_P384_SHA384$/,
  PS256: /^RSA_SIGN_PSS_\d+_SHA256$/,
  PS512: /^RSA_SIGN_PSS_\d+_SHA512$/,
  RS256: /^RSA_SIGN_PKCS1_\d+_SHA256$/,
  RS512: /^RSA_SIGN_PKCS1_\d+_SHA512$/,
};

/** A Cloud KMS key version (`projects/.../cryptoKeyVersions/1`) as a jwtkit key. */
export async function googleCloudKMSKey(kms: GoogleCloudKMS, name: string, alg: string, kid: string): Promise<Key> {
  const [publicKey] = await kms.getPublicKey({ name });
  if (!GOOGLE_ALGORITHMS[alg]?.test(String(publicKey.algorithm)) || !publicKey.pem) {
    throw new Error(`the key version ${name} is ${String(publicKey.algorithm)}, not ${alg}`);
  }
  return createExternalKey({
    alg,
    kid,
    publicKey: publicKey.pem,
    signatureFormat: alg.startsWith('ES') ? 'der' : 'jose', // Cloud KMS answers ECDSA in DER
    sign: async (_data, { digest, hash }) => {
      // { sha256: digest }: the field names the hash. jwtkit verifies every signature with the
      // public key, which catches what the CRC32C fields would.
      const field = String(hash).replace('SHA-', 'sha');
      const [response] = await kms.asymmetricSign({ name, digest: { [field]: await digest() } });
      if (!(response.signature instanceof Uint8Array)) throw new Error('Cloud KMS returned no signature');
      return response.signature;
    },
  });
}
// #endregion

// #region recipe: azure-key-vault
/** What this uses of `CryptographyClient` from `@azure/keyvault-keys` (`new CryptographyClient(keyId, credential)`). */
export interface AzureCryptographyClient {
  getKey(): Promise<{ key?: { kty?: string; crv?: string; n?: Uint8Array; e?: Uint8Array; x?: Uint8Array; y?: Uint8Array } }>;
  sign(algorithm: string, digest: Uint8Array, options: { abortSignal: AbortSignal }): Promise<{ result: Uint8Array }>;
}

/** An Azure Key Vault (or Managed HSM) key as a jwtkit key: ES256/384/512, PS*, RS*. */
export async function azureKeyVaultKey(client: AzureCryptographyClient, alg: string, kid: string): Promise<Key> {
  const { key } = await client.getKey();
  // The SDK gives the JWK's numbers as bytes, and kty as EC-HSM or RSA-HSM for HSM keys.
  const b64u = (bytes?: Uint8Array) => (bytes ? Buffer.from(bytes).toString('base64url') : undefined);
  const publicKey = key?.kty?.startsWith('EC')
    ? { kty: 'EC', crv: key.crv, x: b64u(key.x), y: b64u(key.y) }
    : { kty: 'RSA', n: b64u(key?.n), e: b64u(key?.e) };
  return createExternalKey({
    alg,
    kid,
    publicKey,
    // sign takes the digest and answers ECDSA as r || s, JOSE's form: the default signatureFormat.
    sign: async (_data, { digest, signal }) => (await client.sign(alg, await digest(), { abortSignal: signal })).result,
  });
}
// #endregion

// #region recipe: vault-transit
/** Where Vault is, and a token allowed `read` on transit/keys/<name> and `update` on transit/sign/<name>. */
export interface VaultConnection {
  address: string; // https://vault.example.com:8200
  token: string;
  mount?: string; // default 'transit'
}

/** A Vault transit key (ecdsa-p256 for ES256, rsa-* for PS256 and RS256) as a jwtkit key. */
export async function vaultTransitKey(vault: VaultConnection, name: string, alg: string, kid: string): Promise<Key> {
  const base = `${vault.address}/v1/${vault.mount ?? 'transit'}`;
  const call = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}/${path}`, { ...init, headers: { 'X-Vault-Token': vault.token } });
    const body = await response.json();
    if (!response.ok) throw new Error(`Vault: ${response.status} ${(body.errors ?? []).join('; ')}`);
    return body.data;
  };
  // Pin the version whose public key this is: a key rotated in Vault then fails the check,
  // instead of signing with a key no verifier has.
  const { latest_version: version, keys } = await call(`keys/${encodeURIComponent(name)}`);
  const options: Record<string, Record<string, string>> = {
    ES256: { marshaling_algorithm: 'jws' }, // r || s in base64url, not ASN.1
    PS256: { signature_algorithm: 'pss', salt_length: 'hash' }, // JOSE's salt; Vault's default is the longest
    RS256: { signature_algorithm: 'pkcs1v15' },
  };
  if (options[alg] === undefined) throw new Error(`this recipe signs ES256, PS256 and RS256, not ${alg}`);
  return createExternalKey({
    alg,
    kid,
    publicKey: keys[version].public_key, // PEM
    sign: async (data, { signal }) => {
      const { signature } = await call(`sign/${encodeURIComponent(name)}/sha2-256`, {
        method: 'POST',
        body: JSON.stringify({ input: Buffer.from(data).toString('base64'), key_version: version, ...options[alg] }),
        signal,
      });
      const [, encoded = ''] = /^vault:v\d+:(.*)$/.exec(signature) ?? [];
      return Buffer.from(encoded, alg === 'ES256' ? 'base64url' : 'base64');
    },
  });
}
// #endregion
