/**
 * The `htu` comparison of RFC 9449 §4.3 (check 9): the target URI without query and fragment,
 * normalised per RFC 3986 §6.2.2 and §6.2.3 (scheme and host in lower case, the default port
 * dropped, an empty path as `/`, dot segments removed). The WHATWG URL
 * parser, present on every runtime, does exactly these steps; the path is otherwise kept as sent.
 */

/**
 * The normal form of an http(s) URI for `htu`, or undefined when `value` is not an absolute
 * http or https URI. Credentials (`user@`) stay part of it, so a URI with them never equals one
 * without.
 */
export function normalizeHTU(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 8192) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const credentials = url.username === '' && url.password === '' ? '' : `${url.username}:${url.password}@`;
  return `${url.protocol}//${credentials}${url.host}${url.pathname}`;
}

// A dot segment ("." or ".." between slashes or at the end), an encoded dot, or a backslash
// (which WHATWG URL parsing turns into "/" in http(s) URLs).
const NOT_NORMAL = /(?:^|[/\\])\.{1,2}(?:[/\\?#]|$)|%2e|\\/i;

/**
 * Why the path of a request URL or target is not in the normal form a router sees, or undefined.
 * A URL parser resolves `/users/%2e%2e/orders` to `/orders` while Express, Koa or Fastify route it
 * as it was sent (`/users/:id/orders`): comparing the resolved form would accept a proof for one
 * resource on another. Only the part before the query is judged.
 */
export function normalFormProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const end = value.search(/[?#]/);
  const path = end === -1 ? value : value.slice(0, end);
  return NOT_NORMAL.test(path) ? 'has dot segments, an encoded dot or a backslash in its path' : undefined;
}
