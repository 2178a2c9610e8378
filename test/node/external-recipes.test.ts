// The recipes of docs/external-keys.md (AWS KMS, Google Cloud KMS, Azure Key Vault, Vault transit)
// against local stand-ins that answer in each service's documented format: tokens they sign
// verify with the public key, in jwtkit and jose; a service that signs with another key or fails
// mints nothing and gives a typed error. And the page shows the code tested here.
import assert from 'node:assert/strict';
import { constants, createHash, createPublicKey, generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import * as jose from 'jose';
import { createExternalKey, type Key, signJWT, verifyJWT } from 'jwtkit';
import { awsKMSKey, azureKeyVaultKey, googleCloudKMSKey, vaultTransitKey } from '../support/external-key-recipes.js';
import {
  awsKMSClient,
  azureCryptographyClient,
  type Behaviour,
  googleKMSClient,
  type KeyServices,
  type Scheme,
  signDigest,
  startKeyServices,
} from '../support/key-service-stand-ins.js';

const root = new URL('../../../', import.meta.url).pathname;
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const otherEC = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const otherRSA = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

const CASES = [
  { alg: 'ES256', scheme: 'ecdsa', privateKey: ec, other: otherEC },
  { alg: 'PS256', scheme: 'pss', privateKey: rsa, other: otherRSA },
  { alg: 'RS256', scheme: 'pkcs1', privateKey: rsa, other: otherRSA },
] as const;
const googleName = (alg: string) => `projects/p/locations/global/keyRings/jwt/cryptoKeys/${alg}/cryptoKeyVersions/1`;

const behaviour: Behaviour = {};
let services: KeyServices;

type Recipe = (alg: string) => Promise<Key>;
const RECIPES: Record<string, Recipe> = {
  'AWS KMS Sign': (alg) => awsKMSKey(awsKMSClient(services.url), `alias/${alg}`, alg, 'kms-1'),
  'Google Cloud KMS asymmetricSign': (alg) => googleCloudKMSKey(googleKMSClient(services.url), googleName(alg), alg, 'gcp-1'),
  'Azure Key Vault sign': (alg) => azureKeyVaultKey(azureCryptographyClient(services.url, alg, 'v1'), alg, 'akv-1'),
  'Vault transit sign': (alg) => vaultTransitKey({ address: services.url, token: services.vaultToken }, alg, alg, 'vault-1'),
};

before(async () => {
  const keys: Record<string, { privateKey: KeyObject; scheme: Scheme }> = {};
  for (const { alg, scheme, privateKey } of CASES) {
    for (const name of [`alias/${alg}`, googleName(alg), alg]) keys[name] = { privateKey, scheme };
  }
  services = await startKeyServices(keys, behaviour);
});
after(() => services.close());

const publicOf = (privateKey: KeyObject) => createPublicKey(privateKey);
const code = async (promise: Promise<unknown>) =>
  promise.then(
    () => assert.fail('resolved'),
    (error: { code?: string; reason?: string }) => `${error.code}/${error.reason}`,
  );

for (const [service, recipe] of Object.entries(RECIPES)) {
  describe(`recipe: ${service}`, () => {
    for (const { alg, privateKey, other } of CASES) {
      it(`signs ${alg} tokens that jwtkit and jose verify with the public key`, async () => {
        const key = await recipe(alg);
        const token = await signJWT({ sub: 'ada' }, key, { expiresIn: '5m' });
        const { header } = await verifyJWT(token, publicOf(privateKey), { algorithms: [alg] });
        assert.equal(header.alg, alg);
        assert.equal((await jose.jwtVerify(token, publicOf(privateKey), { algorithms: [alg] })).payload.sub, 'ada');
        await assert.rejects(jose.jwtVerify(token, publicOf(other), { algorithms: [alg] }));
      });

      it(`${alg}: a service that signs with another key mints nothing (ERR_EXTERNAL_KEY_SIGNATURE_INVALID)`, async () => {
        const key = await recipe(alg);
        behaviour.signWith = other;
        try {
          assert.equal(await code(signJWT({ sub: 'ada' }, key)), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID/mismatch');
        } finally {
          behaviour.signWith = undefined;
        }
      });
    }

    it('a service that answers with an error gives ERR_EXTERNAL_KEY_UNAVAILABLE, no secret in the message', async () => {
      const key = await recipe('ES256');
      behaviour.fail = true;
      try {
        const error = await signJWT({ sub: 'ada' }, key).then(
          () => assert.fail('resolved'),
          (e: Error & { code?: string; reason?: string }) => e,
        );
        assert.equal(`${error.code}/${error.reason}`, 'ERR_EXTERNAL_KEY_UNAVAILABLE/failed');
        assert.ok(!error.message.includes(services.vaultToken));
      } finally {
        behaviour.fail = false;
      }
    });
  });
}

describe('recipes: what each sends is the documented request', () => {
  it('AWS KMS gets the SHA-256 digest of the signing input, MessageType DIGEST, ECDSA_SHA_256', async () => {
    const key = await RECIPES['AWS KMS Sign']?.('ES256');
    const token = await signJWT({ sub: 'ada' }, key as Key);
    const body = services.requests.filter((r) => r.service === 'aws').at(-1)?.body;
    const input = token.slice(0, token.lastIndexOf('.'));
    assert.deepEqual(body, {
      KeyId: 'alias/ES256',
      Message: createHash('sha256').update(input).digest('base64'),
      MessageType: 'DIGEST',
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
  });

  it('Google Cloud KMS gets { digest: { sha256 } }; Azure { alg, value: base64url digest }', async () => {
    for (const [service, name] of [
      ['google', 'Google Cloud KMS asymmetricSign'],
      ['azure', 'Azure Key Vault sign'],
    ] as const) {
      const token = await signJWT({ sub: 'ada' }, (await RECIPES[name]?.('PS256')) as Key);
      const digest = createHash('sha256')
        .update(token.slice(0, token.lastIndexOf('.')))
        .digest();
      const body = services.requests.filter((r) => r.service === service).at(-1)?.body;
      assert.deepEqual(
        body,
        service === 'google'
          ? { digest: { sha256: digest.toString('base64') } }
          : { alg: 'PS256', value: digest.toString('base64url') },
      );
    }
  });

  it('Vault transit gets the input in base64, the pinned key_version, jws marshaling for ES256, salt_length hash for PS256', async () => {
    for (const [alg, extra] of [
      ['ES256', { marshaling_algorithm: 'jws' }],
      ['PS256', { signature_algorithm: 'pss', salt_length: 'hash' }],
    ] as const) {
      const token = await signJWT({ sub: 'ada' }, (await RECIPES['Vault transit sign']?.(alg)) as Key);
      const input = Buffer.from(token.slice(0, token.lastIndexOf('.'))).toString('base64');
      assert.deepEqual(services.requests.filter((r) => r.service === 'vault').at(-1)?.body, { input, key_version: 1, ...extra });
    }
  });

  it("Vault's default PSS salt (the longest) is not JOSE's: without salt_length hash, nothing is minted", async () => {
    const response = async (data: Uint8Array) => {
      const res = await fetch(`${services.url}/v1/transit/sign/PS256/sha2-256`, {
        method: 'POST',
        headers: { 'X-Vault-Token': services.vaultToken },
        body: JSON.stringify({ input: Buffer.from(data).toString('base64'), signature_algorithm: 'pss' }),
      });
      const { data: answer } = (await res.json()) as { data: { signature: string } };
      return Buffer.from(answer.signature.slice('vault:v1:'.length), 'base64');
    };
    const key = await createExternalKey({ alg: 'PS256', publicKey: publicOf(rsa), sign: response });
    assert.equal(await code(signJWT({ sub: 'ada' }, key)), 'ERR_EXTERNAL_KEY_SIGNATURE_INVALID/mismatch');
  });
});

describe('stand-ins: signing a digest', () => {
  it('ECDSA P-256, RSA-PSS and PKCS#1 v1.5 signatures of a digest verify over the message (any message)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...CASES), (message, { scheme, privateKey }) => {
        const signature = signDigest(privateKey, scheme, 'sha256', createHash('sha256').update(message).digest());
        const options =
          scheme === 'ecdsa'
            ? { key: publicOf(privateKey), dsaEncoding: 'ieee-p1363' as const }
            : {
                key: publicOf(privateKey),
                padding: scheme === 'pss' ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING,
                saltLength: 32,
              };
        assert.ok(verify('sha256', message, options, signature));
        assert.ok(!verify('sha256', Buffer.concat([message, Buffer.from([0])]), options, signature));
      }),
      { numRuns: 40 },
    );
  });
});

describe('docs/external-keys.md shows the recipes tested here', () => {
  it('every recipe region of test/support/external-key-recipes.ts is in a ```ts block of the page, verbatim', () => {
    const source = readFileSync(`${root}/test/support/external-key-recipes.ts`, 'utf8');
    const page = readFileSync(`${root}/docs/external-keys.md`, 'utf8');
    const blocks = [...page.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
    const regions = [...source.matchAll(/^\/\/ #region recipe: (\S+)\n([\s\S]*?)^\/\/ #endregion$/gm)];
    assert.equal(regions.length, 4);
    for (const [, name, body] of regions) {
      assert.ok(
        blocks.some((block) => block.includes(body as string)),
        `the ${name} recipe in docs/external-keys.md differs from test/support/external-key-recipes.ts`,
      );
    }
  });
});
