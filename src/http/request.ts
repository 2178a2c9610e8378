/**
 * What the core reads of a request, from a Web `Request`, a `Headers` object or Node's header record
 * (node:http, Express, Fastify, Koa), so adapters only say where the request is.
 */

/** What the core uses of a Web `Headers` object (Oak's and other polyfills' included). */
export interface HeadersLike {
  get(name: string): string | null;
  has(name: string): boolean;
}

/** Node's header record: names in lower case, a string or (for a few) a list. */
export type HeaderRecord = Record<string, string | string[] | undefined>;

/**
 * A request as the core sees it: a Web `Request`, or an object with `headers` (a `Headers` or
 * Node's record), the `method`, and Node's `rawHeaders` where there are (to see repeated headers
 * Node would otherwise drop) and the `url` (only read when the `query` option asks).
 */
export type AuthRequest =
  | Request
  | {
      method?: string;
      headers: HeadersLike | HeaderRecord;
      rawHeaders?: readonly string[];
      url?: string | URL;
      /** Express's and Koa's URL before a mounted router cut its prefix; read before `url`. */
      originalUrl?: string;
    };

export interface RequestView {
  readonly method: string;
  /** A header by lower-case name; repeated headers joined the way `Headers` does. */
  header(name: string): string | undefined;
  /**
   * A header's value and how many times it was sent, in one look (the count is exact where the
   * request can tell, Node's rawHeaders; elsewhere 0 or 1).
   */
  sent(name: string): HeaderSent;
  /** The request's URL, absolute or path only, where known. */
  readonly url: string | undefined;
}

function isHeaders(headers: unknown): headers is HeadersLike {
  return typeof (headers as HeadersLike).get === 'function';
}

export interface HeaderSent {
  value: string | undefined;
  count: number;
}

const once = (value: string | undefined): HeaderSent => ({ value, count: value === undefined ? 0 : 1 });

/** A header of Node's raw list (name, value, name, value, ...): its values joined, and how many there were. */
function rawHeader(raw: readonly string[], name: string): HeaderSent {
  let value: string | undefined;
  let count = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length !== name.length || key.toLowerCase() !== name) continue;
    const next = raw[i + 1] as string;
    value = count === 0 ? next : `${value}${name === 'cookie' ? '; ' : ', '}${next}`;
    count++;
  }
  return { value, count };
}

// The views are classes rather than object literals of closures: one allocation per request, and
// their methods are shared, which keeps the per-request path small for the engine.
class HeadersView implements RequestView {
  constructor(
    readonly method: string,
    readonly url: string | undefined,
    private readonly headers: HeadersLike,
  ) {}
  header(name: string): string | undefined {
    return this.headers.get(name) ?? undefined;
  }
  sent(name: string): HeaderSent {
    return once(this.header(name));
  }
}

/** Node's raw list: it is already there (Node builds its header record on first read), and short. */
class RawHeadersView implements RequestView {
  constructor(
    readonly method: string,
    readonly url: string | undefined,
    private readonly raw: readonly string[],
  ) {}
  header(name: string): string | undefined {
    return rawHeader(this.raw, name).value;
  }
  sent(name: string): HeaderSent {
    return rawHeader(this.raw, name);
  }
}

class RecordView implements RequestView {
  constructor(
    readonly method: string,
    readonly url: string | undefined,
    private readonly headers: HeaderRecord,
  ) {}
  header(name: string): string | undefined {
    const value = this.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  }
  sent(name: string): HeaderSent {
    return once(this.header(name));
  }
}

export function viewOf(request: AuthRequest): RequestView {
  const { headers } = request;
  const method = request.method === undefined ? 'GET' : request.method.toUpperCase();
  const original = 'originalUrl' in request ? request.originalUrl : undefined;
  const target = typeof original === 'string' ? original : request.url;
  const url = target === undefined ? undefined : String(target);
  if (isHeaders(headers)) return new HeadersView(method, url, headers);
  const raw = 'rawHeaders' in request ? request.rawHeaders : undefined;
  return raw !== undefined ? new RawHeadersView(method, url, raw) : new RecordView(method, url, headers);
}

/** Values of a cookie in a `Cookie` header: every occurrence, so that a duplicate can be refused. */
export function cookieValues(cookieHeader: string | undefined, name: string): string[] {
  if (cookieHeader === undefined) return [];
  const values: string[] = [];
  for (const pair of cookieHeader.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1 || pair.slice(0, eq).trim() !== name) continue;
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    values.push(value);
  }
  return values;
}

/** The host the request was sent to (`Host`, else the URL's), lower case, for same-origin checks. */
export function requestHost(view: RequestView): string | undefined {
  const host = view.header('host');
  if (host !== undefined) return host.toLowerCase();
  if (view.url === undefined) return undefined;
  try {
    return new URL(view.url).host.toLowerCase();
  } catch {
    return undefined;
  }
}
