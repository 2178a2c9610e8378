/**
 * Turning what the user pointed at into keys of the public API: PEM, JWK and secrets through
 * `importKey`, JWKS files through `createLocalJWKS`, JWKS URLs and issuer discovery through one
 * fetch (https only, except on loopback; no redirect to another origin; a timeout).
 */
import type { JWKS, Key, KeyOrResolver } from 'jwtkit';
import { keyFromText } from 'jwtkit/inspect';
import { loadMaterial, type Material, type SecretEncoding } from './input.js';
import { blame, type Output, UsageError } from './output.js';

export const FETCH_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;

/** One Key from PEM, JWK or a secret; a JWKS is refused where a single key is needed. */
export async function keyFrom(material: Material, flag: string, alg: string | undefined): Promise<Key> {
  return blame(flag, () => keyFromText(material, alg, true) as Promise<Key>);
}

/** A key or resolver for verifying: one key, or a JWKS selected by `kid`. */
export async function verificationKey(material: Material, flag: string, alg: string | undefined): Promise<KeyOrResolver> {
  return blame(flag, () => keyFromText(material, alg));
}

function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(url.hostname);
}

/** Checks a URL the CLI is about to fetch: https, or http on loopback only. */
export function checkURL(text: string, flag: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag}: "${text}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url))) {
    throw new UsageError(`${flag}: only https URLs are fetched (http only on localhost), not ${url.protocol}//${url.host}`);
  }
  return url;
}

/** GETs JSON, following redirects only within the same origin. */
export async function fetchJSON(start: URL, flag: string): Promise<unknown> {
  let url = start;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    let response: Response;
    try {
      response = await fetch(url, {
        redirect: 'manual',
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError' ? `no answer within ${FETCH_TIMEOUT_MS / 1000} s` : (error as Error).message;
      throw new UsageError(`${flag}: cannot fetch ${url.href}: ${reason}`);
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location');
      const next = location === null ? undefined : new URL(location, url);
      if (next === undefined || next.origin !== start.origin) {
        throw new UsageError(`${flag}: ${url.href} redirects to another origin (${next?.origin ?? 'nowhere'}); not followed`);
      }
      url = next;
      continue;
    }
    if (!response.ok) throw new UsageError(`${flag}: ${url.href} answered HTTP ${response.status}`);
    try {
      return await response.json();
    } catch {
      throw new UsageError(`${flag}: ${url.href} did not answer JSON`);
    }
  }
  throw new UsageError(`${flag}: more than ${MAX_REDIRECTS} redirects from ${start.href}`);
}

/** Fetches a JWKS. */
export async function fetchJWKS(text: string, flag: string): Promise<JWKS> {
  const value = (await fetchJSON(checkURL(text, flag), flag)) as { keys?: unknown };
  if (typeof value !== 'object' || value === null || !Array.isArray(value.keys))
    throw new UsageError(`${flag}: ${text} is not a JWKS (no "keys" array)`);
  return value as JWKS;
}

/**
 * OpenID Connect / OAuth discovery (OpenID Connect Discovery §4, RFC 8414 §3): the metadata's
 * `issuer` must be the issuer asked for, and its `jwks_uri` obeys the same URL rules.
 */
export async function discoverJWKS(issuer: string, flag: string): Promise<{ issuer: string; jwksURI: string }> {
  const base = checkURL(issuer, flag);
  const path = base.pathname.replace(/\/$/, '');
  const candidates = [
    new URL(`${base.origin}${path}/.well-known/openid-configuration`),
    new URL(`${base.origin}/.well-known/oauth-authorization-server${path}`),
  ];
  let lastError: unknown;
  for (const url of candidates) {
    try {
      const metadata = (await fetchJSON(url, flag)) as { issuer?: unknown; jwks_uri?: unknown };
      if (metadata.issuer !== issuer) {
        throw new UsageError(
          `${flag}: the metadata at ${url.href} names issuer ${JSON.stringify(metadata.issuer)}, not ${JSON.stringify(issuer)}`,
        );
      }
      if (typeof metadata.jwks_uri !== 'string') throw new UsageError(`${flag}: the metadata at ${url.href} has no jwks_uri`);
      checkURL(metadata.jwks_uri, `${flag} (jwks_uri)`);
      return { issuer, jwksURI: metadata.jwks_uri };
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
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
    return verificationKey({ kind: 'jwks', jwks }, flag, alg);
  }
  return verificationKey(loadMaterial(out, value, flag, encoding), flag, alg);
}
