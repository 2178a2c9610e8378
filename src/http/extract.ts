/**
 * Where a bearer token may come from (RFC 6750 §2): the `Authorization` header with the `Bearer`
 * scheme, a named cookie, the query string only when asked, or the application's own getter.
 * A token found in more than one place, or a header that is not one well-formed token, is an
 * `invalid_request`; another scheme (`Basic`) is no bearer credential at all.
 */
import { cookieValues, type RequestView } from './request.js';

/** Where the token was found. */
export type TokenSource = 'header' | 'cookie' | 'query' | 'custom';

export interface ExtractOptions {
  readonly header: boolean;
  /** Also read `Authorization: DPoP <token>` (RFC 9449 §7.1). */
  readonly dpop: boolean;
  readonly cookie: string | undefined;
  readonly query: string | undefined;
}

/** The scheme of the Authorization header the token came in; other sources are bearer tokens. */
export type TokenScheme = 'Bearer' | 'DPoP';

export type Extracted =
  | { readonly token: string; readonly source: TokenSource; readonly scheme: TokenScheme }
  | { readonly token: undefined }
  | { readonly problem: string };

/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** RFC 6750 §2.1 credentials: the scheme, one space, one token. The scheme is case-insensitive. */
const BEARER_CREDENTIALS = /^bearer ([A-Za-z0-9\-._~+/]+=*)$/i;
/**
 * An attempt at the Bearer scheme: the word as an auth-scheme (RFC 9110 token, so not followed by
 * another tchar), at the start or after a comma, whatever whitespace of any script surrounds it.
 * `Bearer<TAB>`, `Bearer<NBSP>`, `Bearer<U+2003>` and `Basic x, Bearer y` are attempts; `Bearerx`
 * and `Basic YmVhcmVy` are not.
 */
const BEARER_ATTEMPT = /(?:^|,)[\s\u200b-\u200d\u2060\ufeff]*bearer(?![!#$%&'*+\-.^_`|~0-9a-z])/i;
/** RFC 9449 §7.1: `DPoP`, one space, one token68 (the b64token syntax); the scheme is case-insensitive. */
const DPOP_CREDENTIALS = /^dpop ([A-Za-z0-9\-._~+/]+=*)$/i;
/** An attempt at the DPoP scheme, read as BEARER_ATTEMPT reads Bearer. */
const DPOP_ATTEMPT = /(?:^|,)[\s\u200b-\u200d\u2060\ufeff]*dpop(?![!#$%&'*+\-.^_`|~0-9a-z])/i;

type Found = { token: string; scheme?: TokenScheme } | { problem: string } | undefined;

function fromHeader(view: RequestView, dpop: boolean): Found {
  const { value, count } = view.sent('authorization');
  if (value === undefined || value === '') return undefined;
  if (count > 1) return { problem: 'more than one Authorization header' };
  const credentials = BEARER_CREDENTIALS.exec(value);
  if (credentials !== null) return { token: credentials[1] as string, scheme: 'Bearer' };
  if (dpop) {
    const bound = DPOP_CREDENTIALS.exec(value);
    if (bound !== null) return { token: bound[1] as string, scheme: 'DPoP' };
    if (DPOP_ATTEMPT.test(value)) return { problem: 'the Authorization header must be the DPoP scheme, one space and one token' };
  }
  // Anything else that tries Bearer is malformed, never "no credentials": with optional credentials
  // that would turn a client that meant to authenticate into an anonymous one.
  if (BEARER_ATTEMPT.test(value))
    return { problem: 'the Authorization header must be the Bearer scheme, one space and one token' };
  return undefined;
}

function fromCookie(view: RequestView, name: string): Found {
  const values = cookieValues(view.header('cookie'), name);
  if (values.length === 0 || (values.length === 1 && values[0] === '')) return undefined;
  if (values.length > 1) return { problem: `the ${name} cookie was sent more than once` };
  const value = values[0] as string;
  return B64TOKEN.test(value) ? { token: value } : { problem: `the ${name} cookie does not hold a token` };
}

/**
 * The query of a request target, without parsing the rest: a target such as `//[::1/x?a=b` or
 * `http://[` is no URL, and `new URL` would throw on what the client chose to send.
 */
function queryOf(target: string): URLSearchParams {
  const start = target.indexOf('?');
  if (start === -1) return new URLSearchParams();
  const end = target.indexOf('#', start);
  return new URLSearchParams(target.slice(start + 1, end === -1 ? undefined : end));
}

function fromQuery(view: RequestView, name: string): Found {
  if (view.url === undefined) return undefined;
  const values = queryOf(view.url).getAll(name);
  if (values.length === 0) return undefined;
  if (values.length > 1) return { problem: `the ${name} query parameter was sent more than once` };
  const value = values[0] as string;
  return B64TOKEN.test(value) ? { token: value } : { problem: `the ${name} query parameter does not hold a token` };
}

/** Adds what one place gave to what the places before gave: the first problem stands, a second token is one. */
function merge(previous: Extracted, found: Found, from: TokenSource): Extracted {
  if (found === undefined || 'problem' in previous) return previous;
  if ('problem' in found) return found;
  if (previous.token !== undefined)
    return { problem: `the token was sent in more than one place (${previous.source} and ${from})` };
  return { token: found.token, source: from, scheme: found.scheme ?? 'Bearer' };
}

const NO_TOKEN: Extracted = { token: undefined };

/** Runs on every request: no allocation beyond the result when only the header is read. */
export function extractToken(view: RequestView, options: ExtractOptions): Extracted {
  let result = options.header ? merge(NO_TOKEN, fromHeader(view, options.dpop), 'header') : NO_TOKEN;
  if (options.cookie !== undefined && !('problem' in result)) result = merge(result, fromCookie(view, options.cookie), 'cookie');
  if (options.query !== undefined && !('problem' in result)) result = merge(result, fromQuery(view, options.query), 'query');
  return result;
}
