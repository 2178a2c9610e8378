/**
 * createDPoPFetch: a `fetch` that sends DPoP-bound requests (RFC 9449 §7): a fresh proof on every
 * request, the access token under the `DPoP` scheme, the server's nonce remembered per origin, and
 * one retry when the server asks for a nonce.
 */
import { InvalidOptionError } from '../errors.js';
import { checkOptionNames, optionNames } from '../options.js';
import { asksForNonceInBody, asksForNonceInChallenge } from './challenge.js';
import { checkKeyPair, createDPoPProof, type DPoPKeyPair, NONCE_SYNTAX } from './create.js';

export interface DPoPFetchOptions {
  /** The client's key pair, as {@link generateKeyPair} returns it: every proof is signed with it. */
  keyPair: DPoPKeyPair;
  /**
   * The access token to send as `Authorization: DPoP <token>`, or a function returning the current
   * one (called once per request; `undefined` sends none, as at a token endpoint). Without it, a
   * request that already carries `Authorization: DPoP <token>` gets its `ath` from that token.
   */
  accessToken?: string | (() => string | undefined | Promise<string | undefined>);
  /** The fetch to send requests with (default: the global `fetch`). */
  fetch?: (request: Request) => Promise<Response>;
  /** The proofs' signature algorithm; the private key's own by default. */
  alg?: string;
}

/** A fetch whose requests carry DPoP proofs: same arguments, same result as the global `fetch`. */
export type DPoPFetch = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

const FETCH_OPTIONS = /* @__PURE__ */ optionNames<DPoPFetchOptions>()(['keyPair', 'accessToken', 'fetch', 'alg']);
// RFC 9449 §7.1: the DPoP scheme's credentials are a token68.
const TOKEN68 = /^[A-Za-z0-9._~+/-]+=*$/;
const DPOP_AUTHORIZATION = /^DPoP +([A-Za-z0-9._~+/-]+=*) *$/i;
// Origins whose nonce is remembered; the oldest is forgotten past this (a client talks to a few).
const MAX_ORIGINS = 100;
// As fetch: more redirects than this is a network error.
const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function checkToken(token: unknown): string {
  if (typeof token !== 'string' || !TOKEN68.test(token))
    throw new InvalidOptionError('accessToken', 'must be a non-empty token68 string (RFC 9449 §7.1)');
  return token;
}

/**
 * Cancels a body nobody will read. Not awaited: a clone's branch settles its cancel only when the
 * other branch is read or cancelled too, which may be never (the caller holds it).
 */
function release(body: ReadableStream | null | undefined): void {
  body?.cancel().catch(() => {});
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Makes a `fetch` that adds a DPoP proof to every request: `htm` and `htu` from the request, `ath`
 * when an access token is sent, and the latest `DPoP-Nonce` the request's origin sent. When the
 * server answers that it needs a nonce (a 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"`,
 * or a 400 with `{"error":"use_dpop_nonce"}` from a token endpoint) and gave a new one, the request
 * is sent again, once, with a new proof; any other answer is returned as it is. A nonce is only
 * ever sent to the origin that issued it.
 *
 * @example
 * ```ts
 * const keyPair = await generateKeyPair('ES256');
 * const dpopFetch = createDPoPFetch({ keyPair, accessToken: () => session.accessToken });
 * const response = await dpopFetch('https://api.example.com/orders', { method: 'POST', body });
 * ```
 */
export function createDPoPFetch(options: DPoPFetchOptions): DPoPFetch {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'must give keyPair');
  checkOptionNames(options, FETCH_OPTIONS);
  checkKeyPair(options.keyPair);
  const { keyPair } = options;
  const { accessToken, alg } = options;
  if (accessToken !== undefined && typeof accessToken !== 'function') checkToken(accessToken);
  if (alg !== undefined && (typeof alg !== 'string' || alg === ''))
    throw new InvalidOptionError('alg', 'must be a non-empty string');
  const send = options.fetch ?? globalThis.fetch;
  if (typeof send !== 'function') throw new InvalidOptionError('fetch', 'must be a function (no global fetch here)');
  const nonces = new Map<string, string>();

  const remember = (response: Response, requestOrigin: string) => {
    const nonce = response.headers.get('dpop-nonce');
    if (nonce === null || !NONCE_SYNTAX.test(nonce)) return;
    // After a redirect the answer is the final URL's server's: its nonce is that origin's.
    const origin = (response.url === '' ? undefined : originOf(response.url)) ?? requestOrigin;
    nonces.delete(origin);
    nonces.set(origin, nonce);
    if (nonces.size > MAX_ORIGINS) nonces.delete(nonces.keys().next().value as string);
  };

  const currentToken = async (request: Request): Promise<{ token: string | undefined; set: boolean }> => {
    const given = typeof accessToken === 'function' ? await accessToken() : accessToken;
    const header = request.headers.get('authorization');
    if (given !== undefined) {
      // Two tokens for one request: which one the proof's ath should name cannot be guessed.
      if (header !== null)
        throw new InvalidOptionError('headers', 'the request has an Authorization header and the DPoP fetch has an access token');
      return { token: checkToken(given), set: true };
    }
    return { token: header === null ? undefined : DPOP_AUTHORIZATION.exec(header)?.[1], set: false };
  };

  /** One request to one URL: a fresh proof, and the one retry when the server asks for a nonce. */
  const exchange = async (request: Request, token: string | undefined, set: boolean, manual: boolean) => {
    const origin = originOf(request.url) as string;
    // Cloned before the first send, which consumes the body: the retry needs it again.
    let spare: Request | undefined = request.clone();

    const attempt = async (base: Request): Promise<{ response: Response; nonce: string | undefined }> => {
      const nonce = nonces.get(origin);
      const proof = await createDPoPProof(keyPair, {
        htm: request.method,
        htu: request.url,
        ...(nonce !== undefined && { nonce }),
        ...(token !== undefined && { accessToken: token }),
        ...(alg !== undefined && { alg }),
      });
      const headers = new Headers(base.headers);
      headers.set('dpop', proof);
      if (set) headers.set('authorization', `DPoP ${token}`);
      const response = await send(new Request(base, { headers, ...(manual && { redirect: 'manual' as const }) }));
      remember(response, origin);
      return { response, nonce };
    };

    try {
      const first = await attempt(request);
      const next = nonces.get(origin);
      // Retrying with the nonce already sent would be refused the same way: one retry, with a new one.
      if (next === undefined || next === first.nonce) return first.response;
      const asked =
        first.response.status === 401
          ? asksForNonceInChallenge(first.response.headers.get('www-authenticate'))
          : first.response.status === 400 && (await asksForNonceInBody(first.response));
      if (!asked) return first.response;
      release(first.response.body);
      const retry = spare;
      spare = undefined;
      return (await attempt(retry)).response;
    } finally {
      // A body kept for a retry that did not happen.
      release(spare?.body);
    }
  };

  return async (input, init) => {
    const request = new Request(input, init);
    if (request.headers.has('dpop'))
      throw new InvalidOptionError('headers', 'the request already has a DPoP header: the DPoP fetch makes the proof');
    const { token, set } = await currentToken(request);
    // The caller's 'manual' and 'error' go to fetch as they are. 'follow' is done here, hop by hop,
    // so that each URL gets a proof of its own and no proof or token leaves the first origin.
    if (request.redirect !== 'follow') return exchange(request, token, set, false);
    let current = request;
    for (let hops = 0; ; hops++) {
      const kept = current.body === null ? undefined : current.clone();
      const response = await exchange(current, token, set, true);
      const next = redirectTarget(current, response);
      if (next === undefined) {
        release(kept?.body);
        return response;
      }
      release(response.body);
      if (hops === MAX_REDIRECTS) {
        release(kept?.body);
        throw new TypeError(`the DPoP fetch followed ${MAX_REDIRECTS} redirects`);
      }
      current = await redirected(current, kept, response.status, next);
    }
  };
}

/**
 * Where a redirect leads, when the DPoP fetch follows it: a redirect status with a Location on the
 * request's own origin. A redirect to another origin is returned to the caller as it is: the proof
 * and the token are for this origin's server, and the other origin gets neither.
 */
function redirectTarget(request: Request, response: Response): URL | undefined {
  if (!REDIRECTS.has(response.status)) return undefined;
  const location = response.headers.get('location');
  if (location === null) return undefined;
  let url: URL;
  try {
    url = new URL(location, request.url);
  } catch {
    return undefined;
  }
  return url.origin === originOf(request.url) ? url : undefined;
}

/** The next hop's request, as fetch makes it (WHATWG Fetch, HTTP-redirect fetch, step 12). */
async function redirected(request: Request, kept: Request | undefined, status: number, url: URL): Promise<Request> {
  const headers = new Headers(request.headers);
  const toGet =
    ((status === 301 || status === 302) && request.method === 'POST') ||
    (status === 303 && request.method !== 'GET' && request.method !== 'HEAD');
  let body: ArrayBuffer | undefined;
  if (toGet) {
    release(kept?.body);
    for (const name of ['content-encoding', 'content-language', 'content-location', 'content-type']) headers.delete(name);
  } else if (kept !== undefined) body = await kept.arrayBuffer();
  if (url.hash === '' && request.url.includes('#')) url.hash = new URL(request.url).hash;
  return new Request(url, {
    method: toGet ? 'GET' : request.method,
    headers,
    ...(body !== undefined && { body }),
    signal: request.signal,
    credentials: request.credentials,
    cache: request.cache,
    referrerPolicy: request.referrerPolicy,
  });
}
