/**
 * Fetching the JSON documents a verifier may trust keys from: a JWKS and OpenID/OAuth discovery
 * metadata. Only URLs the application configured are fetched (never `jku` or `x5u` from a token),
 * over https (http only to a loopback host), following redirects only within the same origin, with
 * a timeout and a size cap, and parsed by the strict JSON parser.
 */
import { parseJSON } from '../encoding/json.js';
import { readCapped } from '../encoding/stream.js';
import { utf8Decode } from '../encoding/utf8.js';
import { InvalidOptionError, JWKSFetchError, JWKSTimeoutError } from '../errors.js';

export interface FetchJSONOptions {
  /** Milliseconds for the whole exchange, redirects and body included. */
  readonly timeout: number;
  /** The largest body accepted, in bytes. */
  readonly maxBytes: number;
  readonly fetch: typeof fetch;
  readonly headers: Readonly<Record<string, string>>;
}

export interface FetchedJSON {
  readonly value: unknown;
  /** The final URL, after same-origin redirects. */
  readonly url: URL;
  readonly headers: Headers;
}

const MAX_REDIRECTS = 3;

/** The HTTP status of a failure that was an answer other than 2xx or a redirect. */
const statuses = new WeakMap<JWKSFetchError, number>();
/** Failures where no HTTP answer came at all: refused, reset, unknown host. */
const unanswered = new WeakSet<JWKSFetchError>();

/**
 * How a fetchJSON failure ended: `status` for an HTTP answer other than 2xx, `'no answer'` when
 * the server was never heard from (network error or timeout), `'other'` for the rest (a body that
 * is not JSON, too large, a redirect elsewhere). Discovery reads it to choose which failure to report.
 */
export function failureKind(error: unknown): number | 'no answer' | 'other' {
  if (error instanceof JWKSTimeoutError) return 'no answer';
  if (!(error instanceof JWKSFetchError)) return 'other';
  if (unanswered.has(error)) return 'no answer';
  return statuses.get(error) ?? 'other';
}

/** localhost, 127.0.0.0/8 and [::1]: the hosts plain http may be used with. */
export function isLoopback(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(url.hostname);
}

/** Parses and checks a URL to fetch keys from: https, or http to a loopback host; no credentials in it. */
export function checkFetchURL(input: unknown, option: string): URL {
  let url: URL;
  try {
    url = new URL(String(input instanceof URL ? input.href : input));
  } catch {
    throw new InvalidOptionError(option, 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url)))
    throw new InvalidOptionError(option, `must be https (http only on a loopback host), not ${url.protocol}//${url.host}`);
  if (url.username !== '' || url.password !== '') throw new InvalidOptionError(option, 'must not carry credentials');
  return url;
}

/** Lets the connection go without reading the body; not awaited (a tee'd body settles only when both halves do). */
function discard(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

function readBody(response: Response, maxBytes: number, url: URL): Promise<Uint8Array> {
  const tooLarge = () => new JWKSFetchError(`${url.href} answered more than ${maxBytes} bytes`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge();
  if (response.body === null) return Promise.resolve(new Uint8Array(0));
  return readCapped(response.body, { cap: maxBytes, tooLarge });
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TimeoutError';
}

/** GETs a JSON document; every failure is a JWKSFetchError or JWKSTimeoutError naming the URL. */
export async function fetchJSON(start: URL, options: FetchJSONOptions): Promise<FetchedJSON> {
  // A timer of our own rather than AbortSignal.timeout, whose timer does not keep Node running: a
  // lookup waiting on a silent server would otherwise end with the process instead of timing out.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeout);
  const { signal } = controller;
  const timedOut = () => new JWKSTimeoutError(`${start.href} did not answer within ${options.timeout} ms`);
  let url = start;
  try {
    for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
      let response: Response;
      try {
        response = await options.fetch(url.href, {
          method: 'GET',
          redirect: 'manual',
          headers: { accept: 'application/json', ...options.headers },
          signal,
        });
      } catch (error) {
        if (isTimeout(error) || signal.aborted) throw timedOut();
        const failed = new JWKSFetchError(`cannot fetch ${url.href}: ${(error as Error)?.message ?? 'network error'}`, {
          cause: error,
        });
        unanswered.add(failed);
        throw failed;
      }
      if ((response.status >= 300 && response.status < 400) || response.type === 'opaqueredirect') {
        discard(response);
        const location = response.headers.get('location');
        const next = location === null ? undefined : new URL(location, url);
        if (next === undefined || next.origin !== start.origin)
          throw new JWKSFetchError(`${url.href} redirects to another origin (${next?.origin ?? 'unknown'}); not followed`);
        url = next;
        continue;
      }
      if (!response.ok) {
        discard(response);
        const failed = new JWKSFetchError(`${url.href} answered HTTP ${response.status}`);
        statuses.set(failed, response.status);
        throw failed;
      }
      const text = utf8Decode(await readBody(response, options.maxBytes, url));
      let value: unknown;
      try {
        if (text === undefined) throw new Error('not UTF-8');
        value = parseJSON(text);
      } catch {
        throw new JWKSFetchError(`${url.href} did not answer valid JSON`);
      }
      return { value, url, headers: response.headers };
    }
  } catch (error) {
    if (error instanceof JWKSFetchError || error instanceof JWKSTimeoutError) throw error;
    if (isTimeout(error) || signal.aborted) throw timedOut();
    throw new JWKSFetchError(`cannot fetch ${url.href}: ${(error as Error)?.message ?? 'network error'}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
  throw new JWKSFetchError(`more than ${MAX_REDIRECTS} redirects from ${start.href}`);
}

/**
 * Seconds a response may be used for by its `Cache-Control` (RFC 9111 §5.2.2): `max-age`, or 0 for
 * `no-store` and `no-cache`; undefined when it says neither.
 */
export function cacheControlMaxAge(headers: Headers): number | undefined {
  const value = headers.get('cache-control');
  if (value === null) return undefined;
  let maxAge: number | undefined;
  for (const directive of value.toLowerCase().split(',')) {
    const [name, argument] = directive.trim().split('=', 2) as [string, string | undefined];
    if (name === 'no-store' || name === 'no-cache') return 0;
    if (name === 'max-age' && argument !== undefined && /^"?\d+"?$/.test(argument)) maxAge = Number(argument.replace(/"/g, ''));
  }
  return maxAge;
}
