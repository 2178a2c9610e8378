/** Which PKCS#11 mechanism does each JOSE algorithm, and what the key must be. */
import { type Binding, ck, type Mechanism } from './binding.js';

export interface AlgorithmPlan {
  /** `rsa` or the curve. */
  key: 'rsa' | 'P-256' | 'P-384' | 'P-521' | 'Ed25519';
  use: 'sign' | 'decrypt';
  /** The mechanism's number is looked up in the binding when used. */
  mechanism: (binding: Binding) => Mechanism;
  /** CKM_ECDSA signs a digest (the module does not hash); the others take the message. */
  input: 'message' | 'digest';
}

const SHA: Readonly<Record<string, [string, string, number]>> = {
  'SHA-1': ['CKM_SHA_1', 'CKG_MGF1_SHA1', 20],
  'SHA-256': ['CKM_SHA256', 'CKG_MGF1_SHA256', 32],
  'SHA-384': ['CKM_SHA384', 'CKG_MGF1_SHA384', 48],
  'SHA-512': ['CKM_SHA512', 'CKG_MGF1_SHA512', 64],
};
const sha = (hash: string) => SHA[hash] as [string, string, number];

const pkcs1 = (bits: string): AlgorithmPlan => ({
  key: 'rsa',
  use: 'sign',
  input: 'message',
  mechanism: (b) => ({ mechanism: ck(b, `CKM_SHA${bits}_RSA_PKCS`) }),
});
const pss = (bits: string): AlgorithmPlan => ({
  key: 'rsa',
  use: 'sign',
  input: 'message',
  mechanism: (b) => {
    const [hash, mgf, saltLen] = sha(`SHA-${bits}`);
    // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
    return {
      mechanism: ck(b, `CKM_SHA${bits}_RSA_PKCS_PSS`),
      parameter: { type: ck(b, 'CK_PARAMS_RSA_PSS'), hashAlg: ck(b, hash), mgf: ck(b, mgf), saltLen },
    };
  },
});
const ecdsa = (key: AlgorithmPlan['key']): AlgorithmPlan => ({
  key,
  use: 'sign',
  input: 'digest',
  mechanism: (b) => ({ mechanism: ck(b, 'CKM_ECDSA') }),
});
const eddsa: AlgorithmPlan = {
  key: 'Ed25519',
  use: 'sign',
  input: 'message',
  mechanism: (b) => ({ mechanism: ck(b, 'CKM_EDDSA') }),
};
const oaep = (hashName: string): AlgorithmPlan => ({
  key: 'rsa',
  use: 'decrypt',
  input: 'message',
  mechanism: (b) => {
    const [hash, mgf] = sha(hashName);
    return {
      mechanism: ck(b, 'CKM_RSA_PKCS_OAEP'),
      // RFC 7518 §4.3: MGF1 with the OAEP hash, an empty label.
      parameter: {
        type: ck(b, 'CK_PARAMS_RSA_OAEP'),
        hashAlg: ck(b, hash),
        mgf: ck(b, mgf),
        source: ck(b, 'CKZ_DATA_SPECIFIED'),
      },
    };
  },
});

export const PLANS: Readonly<Record<string, AlgorithmPlan>> = {
  RS256: pkcs1('256'),
  RS384: pkcs1('384'),
  RS512: pkcs1('512'),
  PS256: pss('256'),
  PS384: pss('384'),
  PS512: pss('512'),
  ES256: ecdsa('P-256'),
  ES384: ecdsa('P-384'),
  ES512: ecdsa('P-521'),
  EdDSA: eddsa,
  Ed25519: eddsa,
  'RSA-OAEP': oaep('SHA-1'),
  'RSA-OAEP-256': oaep('SHA-256'),
  'RSA-OAEP-384': oaep('SHA-384'),
  'RSA-OAEP-512': oaep('SHA-512'),
};

export const SUPPORTED = Object.keys(PLANS).join(', ');
