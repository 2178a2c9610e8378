// The @sd-jwt peers' keys and configuration, as their README shows (every role brings its own
// signer, verifier, hasher and salts), shared by the SD-JWT and SD-JWT VC interop tests. Node only.
import { digest, ES256, generateSalt } from '@sd-jwt/crypto-nodejs';
import type { SDJWTVCConfig } from '@sd-jwt/sd-jwt-vc';

export const issuerKeys = await ES256.generateKeyPair();
export const holderKeys = await ES256.generateKeyPair();

/** The configuration both peer classes take: the issuer signs, the holder binds. */
export const peerConfig: SDJWTVCConfig = {
  signer: await ES256.getSigner(issuerKeys.privateKey),
  signAlg: ES256.alg,
  verifier: await ES256.getVerifier(issuerKeys.publicKey),
  hasher: digest,
  hashAlg: 'sha-256',
  saltGenerator: generateSalt,
  kbSigner: await ES256.getSigner(holderKeys.privateKey),
  kbSignAlg: ES256.alg,
  kbVerifier: async (data, signature, payload) => {
    const jwk = (payload as { cnf?: { jwk?: object } }).cnf?.jwk;
    if (jwk === undefined) return false;
    return (await ES256.getVerifier(jwk))(data, signature);
  },
};
