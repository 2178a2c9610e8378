/**
 * Login helpers for the "token in an HttpOnly cookie" pattern: secure attributes by default
 * (HttpOnly, Secure, SameSite=Lax, Path=/), Max-Age from the token's own `exp`, and a readable CSRF
 * cookie for the double-submit check.
 */
import { randomBytes } from '../backend/random.js';
import { encodeBase64url } from '../encoding/base64url.js';
import { InvalidOptionError } from '../errors.js';
import { decodeJWT } from '../index.js';
import { checkOptionNames, optionNames } from '../options.js';
import { type AuthRequest, viewOf } from './request.js';

/** The cookie the middleware reads when `cookie: true`, and these helpers write by default. */
export const DEFAULT_TOKEN_COOKIE = 'access_token';
/** The double-submit CSRF cookie and the header that must repeat it. */
export const DEFAULT_CSRF_COOKIE = 'csrf_token';
export const DEFAULT_CSRF_HEADER = 'x-csrf-token';

export interface CookieOptions {
  /** Cookie name (default `access_token`, or `csrf_token` for the CSRF cookie). */
  name?: string;
  /**
   * `Secure` attribute (default `true`, whatever the `Host`: browsers accept it from
   * `http://localhost`). `'auto'`: set it when `request` came over HTTPS, as the framework judges
   * it (`req.secure` in Express and Koa, `request.protocol` in Fastify, both after their own
   * trust-proxy setting; the socket or the request URL elsewhere), or when `trustProxy` lets
   * `X-Forwarded-Proto` / `Forwarded` say so. Unknown is HTTPS.
   */
  secure?: boolean | 'auto';
  /** The request being answered, for `secure: 'auto'`. */
  request?: AuthRequest;
  /**
   * With `secure: 'auto'`, believe `X-Forwarded-Proto` and `Forwarded: proto=` (default false: any
   * client can send them). Set it only behind a proxy that overwrites them.
   */
  trustProxy?: boolean;
  /** `SameSite` (default `Lax`); `None` requires `secure`. */
  sameSite?: 'Strict' | 'Lax' | 'None';
  /** `Path` (default `/`). */
  path?: string;
  /** `Domain`; left out by default, so the cookie stays on the host that set it. */
  domain?: string;
  /** `Max-Age` in seconds; by default the token's remaining lifetime (none: a session cookie). */
  maxAge?: number;
  /** The current time in seconds, for `Max-Age` (defaults to the clock). */
  now?: number;
}

/** Where a `Set-Cookie` header can be added: Web `Headers`, a node:http / Express response, a Koa context, a Hono context or a Fastify reply. */
export type CookieTarget =
  | Headers
  | { setHeader(name: string, value: string | string[]): unknown; getHeader(name: string): unknown }
  | { append(name: string, value: string): unknown }
  | { header(name: string, value: string, options?: { append?: boolean }): unknown };

/** RFC 6265 cookie-name (an RFC 9110 token). */
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
export const isCookieName = (name: unknown): name is string => typeof name === 'string' && COOKIE_NAME.test(name);
/** RFC 6265 cookie-octets; tokens and CSRF values are base64url, so this is never limiting. */
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
const ATTRIBUTE = /^[\x20-\x3a\x3c-\x7e]*$/;

/** What `secure: 'auto'` reads of a request, in the shapes the frameworks give. */
interface ConnectionFacts {
  secure?: unknown;
  protocol?: unknown;
  socket?: { encrypted?: unknown } | null;
  url?: unknown;
}

/** The first `proto` a proxy reported: `X-Forwarded-Proto: https, http` or `Forwarded: for=x;proto=https`. */
function forwardedProto(request: AuthRequest): string | undefined {
  const view = viewOf(request);
  const forwarded = view.header('forwarded');
  if (forwarded !== undefined) {
    const first = forwarded.split(',')[0] as string;
    for (const pair of first.split(';')) {
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === 'proto')
        return pair
          .slice(eq + 1)
          .trim()
          .replace(/^"|"$/g, '')
          .toLowerCase();
    }
  }
  return view.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
}

/** Whether the request came over HTTPS, or undefined when nothing real says. Never from `Host`. */
export function cameOverHTTPS(request: AuthRequest, trustProxy: boolean): boolean | undefined {
  if (trustProxy) {
    const proto = forwardedProto(request);
    if (proto === 'https' || proto === 'http') return proto === 'https';
  }
  const facts = request as ConnectionFacts;
  // Express and Koa (`req.secure`, `ctx.secure`), Oak (`request.secure`) and Fastify
  // (`request.protocol`) answer after their own trust-proxy setting: theirs is the one to follow.
  if (typeof facts.secure === 'boolean') return facts.secure;
  if (facts.protocol === 'https' || facts.protocol === 'http') return facts.protocol === 'https';
  if (facts.socket != null && typeof facts.socket === 'object') return facts.socket.encrypted === true;
  const url = facts.url instanceof URL ? facts.url.href : facts.url;
  if (typeof url === 'string') {
    if (/^https:/i.test(url)) return true;
    if (/^http:/i.test(url)) return false;
  }
  return undefined;
}

const CLEAR_COOKIE_NAMES = ['name', 'secure', 'request', 'trustProxy', 'sameSite', 'path', 'domain', 'now'] as const;
const COOKIE_OPTIONS = /* @__PURE__ */ optionNames<CookieOptions>()([...CLEAR_COOKIE_NAMES, 'maxAge']);
const CLEAR_COOKIE_OPTIONS = /* @__PURE__ */ optionNames<Omit<CookieOptions, 'maxAge'>>()(CLEAR_COOKIE_NAMES);

function isSecure(options: CookieOptions): boolean {
  const { secure = true, request, trustProxy = false } = options;
  if (typeof secure === 'boolean') return secure;
  if (secure !== 'auto') throw new InvalidOptionError('secure', 'must be true, false or "auto"');
  if (typeof trustProxy !== 'boolean') throw new InvalidOptionError('trustProxy', 'must be a boolean');
  return request === undefined ? true : (cameOverHTTPS(request, trustProxy) ?? true);
}

/** Serialises a `Set-Cookie` value. */
export function serializeCookie(value: string, options: CookieOptions & { httpOnly: boolean }, defaultName: string): string {
  const name = options.name ?? defaultName;
  if (!isCookieName(name)) throw new InvalidOptionError('name', 'is not a valid cookie name');
  if (!COOKIE_VALUE.test(value)) throw new InvalidOptionError('value', 'holds characters a cookie cannot carry');
  const sameSite = options.sameSite ?? 'Lax';
  if (sameSite !== 'Strict' && sameSite !== 'Lax' && sameSite !== 'None')
    throw new InvalidOptionError('sameSite', 'must be "Strict", "Lax" or "None"');
  const secure = isSecure(options);
  if (sameSite === 'None' && !secure) throw new InvalidOptionError('sameSite', '"None" requires a Secure cookie');
  const path = options.path ?? '/';
  for (const [option, text] of [
    ['path', path],
    ['domain', options.domain],
  ] as const) {
    if (text !== undefined && (typeof text !== 'string' || !ATTRIBUTE.test(text)))
      throw new InvalidOptionError(option, 'holds characters a cookie attribute cannot carry');
  }
  if (options.maxAge !== undefined && (!Number.isSafeInteger(options.maxAge) || options.maxAge < 0))
    throw new InvalidOptionError('maxAge', 'must be a whole number of seconds, 0 or more');
  let cookie = `${name}=${value}; Path=${path}`;
  if (options.domain !== undefined) cookie += `; Domain=${options.domain}`;
  if (options.maxAge !== undefined) cookie += `; Max-Age=${options.maxAge}`;
  if (options.httpOnly) cookie += '; HttpOnly';
  if (secure) cookie += '; Secure';
  return `${cookie}; SameSite=${sameSite}`;
}

/** Adds a `Set-Cookie` header to whatever the framework answers with, keeping those already set. */
export function appendSetCookie(target: CookieTarget, cookie: string): void {
  if (typeof Headers !== 'undefined' && target instanceof Headers) {
    target.append('Set-Cookie', cookie);
  } else if ('setHeader' in target && typeof target.setHeader === 'function') {
    const previous = target.getHeader('Set-Cookie');
    const list = previous === undefined ? [] : Array.isArray(previous) ? previous.map(String) : [String(previous)];
    target.setHeader('Set-Cookie', [...list, cookie]);
  } else if ('append' in target && typeof target.append === 'function') {
    target.append('Set-Cookie', cookie);
  } else if ('header' in target && typeof target.header === 'function') {
    target.header('Set-Cookie', cookie, { append: true });
  } else {
    throw new InvalidOptionError('target', 'must be Headers, a response with setHeader, or an object with append or header');
  }
}

/**
 * The `Set-Cookie` value that stores a token: HttpOnly, Secure, SameSite=Lax,
 * Path=/, and a Max-Age that ends with the token's `exp`.
 *
 * @example
 * ```ts
 * response.headers.append('Set-Cookie', tokenCookie(token, { request }));
 * ```
 */
export function tokenCookie(token: string, options: CookieOptions = {}): string {
  checkOptionNames(options, COOKIE_OPTIONS);
  let maxAge = options.maxAge;
  if (maxAge === undefined) {
    const { exp } = decodeJWT(token).payload;
    if (typeof exp === 'number' && Number.isFinite(exp)) {
      const now = options.now ?? Math.floor(Date.now() / 1000);
      maxAge = Math.max(0, Math.floor(exp - now));
    }
  }
  return serializeCookie(token, { ...options, maxAge, httpOnly: true }, DEFAULT_TOKEN_COOKIE);
}

/**
 * Sets the token cookie on a response (see {@link tokenCookie} for the attributes).
 *
 * @example
 * ```ts
 * app.post('/login', async (req, res) => {
 *   const token = await signJWT({ sub: user.id }, key, { expiresIn: '15m' });
 *   setTokenCookie(res, token, { request: req });
 *   res.json({ ok: true });
 * });
 * ```
 */
export function setTokenCookie(target: CookieTarget, token: string, options: CookieOptions = {}): void {
  appendSetCookie(target, tokenCookie(token, options));
}

/**
 * Removes the token cookie (logout): the same name, path and domain, empty, with `Max-Age=0`.
 *
 * @example
 * ```ts
 * clearTokenCookie(res, { request: req });
 * ```
 */
export function clearTokenCookie(target: CookieTarget, options: Omit<CookieOptions, 'maxAge'> = {}): void {
  checkOptionNames(options, CLEAR_COOKIE_OPTIONS);
  appendSetCookie(target, serializeCookie('', { ...options, maxAge: 0, httpOnly: true }, DEFAULT_TOKEN_COOKIE));
}

/**
 * A fresh CSRF token (32 random bytes, base64url) for the double-submit check.
 *
 * @example
 * ```ts
 * setCSRFCookie(res, createCSRFToken(), { request: req });
 * ```
 */
export function createCSRFToken(): string {
  return encodeBase64url(randomBytes(32));
}

/**
 * Sets the CSRF cookie: readable by the page's script (not HttpOnly), which repeats it in the
 * `X-CSRF-Token` header of unsafe requests; SameSite=Strict.
 *
 * @example
 * ```ts
 * setCSRFCookie(res, createCSRFToken(), { request: req });
 * ```
 */
export function setCSRFCookie(target: CookieTarget, value: string, options: CookieOptions = {}): void {
  checkOptionNames(options, COOKIE_OPTIONS);
  appendSetCookie(target, serializeCookie(value, { sameSite: 'Strict', ...options, httpOnly: false }, DEFAULT_CSRF_COOKIE));
}
