/**
 * Turning what the user pointed at into keys of the public API: PEM, JWK and secrets through
 * `importKey`, JWKS files through `createLocalJWKS`, JWKS URLs and issuer discovery through the
 * library's `createRemoteJWKS` and `fromIssuer` (https only, except on loopback; no redirect to
 * another origin; a timeout; a size cap).
 */
import { createRemoteJWKS, fromIssuer, InvalidOptionError, type JWKS, type Key, type KeyOrResolver } from 'jwtkit';
import { keyFromText } from 'jwtkit/inspect';
import { loadMaterial, type Material, type SecretEncoding } from './input.js';
import { blame, type Output, UsageError } from './output.js';

/** Seconds a JWKS or discovery fetch may take. */
const FETCH_TIMEOUT = 10;

/** One Key from PEM, JWK or a secret; a JWKS is refused where a single key is needed. */
export async function keyFrom(material: Material, flag: string, alg: string | undefined): Promise<Key> {
  return blame(flag, () => keyFromText(material, alg, true) as Promise<Key>);
}

/** A key or resolver for verifying: one key, or a JWKS selected by `kid`. */
export async function verificationKey(material: Material, flag: string, alg: string | undefined): Promise<KeyOrResolver> {
  return blame(flag, () => keyFromText(material, alg));
}

/**
 * Runs a fetch of the library's remote-key code under a flag: a refused URL (an option error of
 * the library) and a failed fetch both become usage errors naming the flag.
 */
async function remote<T>(flag: string, text: string, fetchIt: () => Promise<T>): Promise<T> {
  try {
    return await fetchIt();
  } catch (error) {
    if (error instanceof InvalidOptionError) {
      throw new UsageError(`${flag}: ${text} ${error.message.slice(`option "${error.option}": `.length)}`);
    }
    return blame(flag, () => {
      throw error;
    });
  }
}

/** Fetches a JWKS (createRemoteJWKS: https only except on loopback, same-origin redirects, a timeout). */
export async function fetchJWKS(text: string, flag: string): Promise<JWKS> {
  return remote(flag, text, async () => {
    const jwks = createRemoteJWKS(text, { timeout: FETCH_TIMEOUT });
    await jwks.reload();
    return { keys: [...jwks.keys] };
  });
}

/**
 * OpenID Connect / OAuth discovery (fromIssuer): the metadata's `issuer` must be the issuer asked
 * for, and its `jwks_uri` obeys the same URL rules.
 */
export async function discoverJWKS(issuer: string, flag: string): Promise<{ issuer: string; jwksURI: string }> {
  return remote(flag, issuer, async () => {
    const jwks = fromIssuer(issuer, { timeout: FETCH_TIMEOUT });
    await jwks.reload();
    return { issuer, jwksURI: jwks.url as string };
  });
}

/** Loads key material from a `--key`/`--jwks` value: a URL is fetched as a JWKS. */
export async function loadVerificationKey(
  out: Output,
  value: string,
  flag: string,
  alg: string | undefined,
  encoding?: SecretEncoding,
): Promise<KeyOrResolver> {
  if (/^https?:\/\//i.test(value)) {
    const jwks = await fetchJWKS(value, flag);
    // Fetched, not read from a file: `private` only decides file-permission warnings (and createLocalJWKS refuses private keys).
    return verificationKey({ kind: 'jwks', jwks, private: false }, flag, alg);
  }
  return verificationKey(loadMaterial(out, value, flag, encoding), flag, alg);
}
