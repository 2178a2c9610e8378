/**
 * fromIssuer: a remote JWKS whose URL comes from the issuer's discovery metadata (OpenID Connect
 * Discovery, then RFC 8414). Discovery is part of each fetch until it succeeds, so it shares the
 * remote set's cooldown: an issuer that is down sees one discovery per cooldown.
 *
 * When discovery fails, the error is the first real cause: a 500, a refused connection or a
 * timeout at the first URL, not the fallback's 404 that merely says "not here". A server that gave
 * no answer at all is not asked for the fallback, which lives on the same host.
 */
import { JWKSFetchError, JWTKitError } from '../errors.js';
import { checkFetchURL, failureKind, fetchJSON } from './fetch.js';
import { type RemoteJWKS, type RemoteJWKSOptions, remoteJWKS, type Settings, settings } from './jwks-remote.js';

/** Candidate metadata URLs of an issuer: OpenID Connect Discovery §4, then RFC 8414 §3. */
function metadataURLs(issuer: URL): URL[] {
  const path = issuer.pathname.replace(/\/$/, '');
  return [
    new URL(`${issuer.origin}${path}/.well-known/openid-configuration`),
    new URL(`${issuer.origin}/.well-known/oauth-authorization-server${path}`),
  ];
}

/** The jwks_uri of the metadata at `candidate`, checked: it must name exactly this issuer. */
async function jwksURIAt(candidate: URL, issuer: string, config: Settings): Promise<URL> {
  const { value } = await fetchJSON(candidate, config);
  const metadata = value as { issuer?: unknown; jwks_uri?: unknown } | null;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw new JWKSFetchError(`${candidate.href} is not a metadata document`);
  if (metadata.issuer !== issuer)
    throw new JWKSFetchError(`the metadata at ${candidate.href} names another issuer (${String(metadata.issuer).slice(0, 200)})`);
  if (typeof metadata.jwks_uri !== 'string') throw new JWKSFetchError(`the metadata at ${candidate.href} has no jwks_uri`);
  try {
    return checkFetchURL(metadata.jwks_uri, 'jwks_uri');
  } catch (error) {
    throw new JWKSFetchError(`the jwks_uri in ${candidate.href} is refused: ${(error as Error).message}`, { cause: error });
  }
}

/** "Not here": the answer that sends discovery on to the next URL and says least about why it failed. */
const notHere = (error: unknown) => {
  const kind = failureKind(error);
  return kind === 404 || kind === 410;
};

/**
 * Finds an issuer's `jwks_uri` through its discovery metadata. The metadata must name exactly this
 * issuer (OpenID Connect Discovery §4.3, RFC 8414 §3.3), and the `jwks_uri` obeys the same URL rules.
 */
async function discoverJWKSURL(issuer: string, config: Settings): Promise<URL> {
  const base = checkFetchURL(issuer, 'issuer');
  const failures: JWTKitError[] = [];
  for (const candidate of metadataURLs(base)) {
    try {
      return await jwksURIAt(candidate, issuer, config);
    } catch (error) {
      if (!(error instanceof JWTKitError)) throw error;
      // Nothing answered: the fallback is on the same host and would only double the wait.
      if (failureKind(error) === 'no answer') throw error;
      failures.push(error);
    }
  }
  const real = failures.find((error) => !notHere(error));
  if (real !== undefined) throw real;
  throw new JWKSFetchError(
    `${issuer} publishes no discovery metadata: ${metadataURLs(base)
      .map((url) => url.href)
      .join(' and ')} answered "not found"`,
    { cause: failures[0] },
  );
}

/**
 * A remote JWKS found through an issuer's OpenID Connect or OAuth 2.0 discovery metadata. Discovery
 * happens on first use (or `reload()`), so this can be set up where no await is possible. A failed
 * discovery reports its first real cause and, like a failed fetch, is not retried within `cooldown`.
 *
 * @example
 * ```ts
 * const jwks = fromIssuer('https://accounts.google.com');
 * const verify = createVerifier({ key: jwks, algorithms: ['RS256'], issuer: 'https://accounts.google.com', audience: clientId });
 * ```
 */
export function fromIssuer(issuer: string, options?: RemoteJWKSOptions): RemoteJWKS {
  checkFetchURL(issuer, 'issuer');
  const config = settings(options);
  return remoteJWKS(() => discoverJWKSURL(issuer, config), undefined, config);
}
