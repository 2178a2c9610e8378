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
