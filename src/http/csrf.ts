/**
 * CSRF protection for cookie-authenticated requests that change state. A browser attaches the
 * cookie to a cross-site form post, so the cookie alone proves nothing: the request must also
 * repeat the CSRF cookie in a header (double submit: a cross-site page cannot read the cookie), or
 * come from an allowed origin (`Origin`, else `Referer`, which a cross-site page cannot forge).
 */
import { equalInConstantTime } from '../encoding/constant-time.js';
import { InvalidOptionError } from '../errors.js';
import { checkOptionNames, optionNames } from '../options.js';
import { DEFAULT_CSRF_COOKIE, DEFAULT_CSRF_HEADER } from './cookies.js';
import { cookieValues, type RequestView, requestHost } from './request.js';

export interface CSRFOptions {
  /** Origins allowed to send unsafe requests (`https://app.example.com`); default: the request's own host. */
  origins?: string[];
  /** The double-submit header (default `x-csrf-token`). */
  header?: string;
  /** The double-submit cookie (default `csrf_token`). */
  cookie?: string;
}

export interface CSRFPolicy {
  readonly origins: ReadonlySet<string> | undefined;
  readonly header: string;
  readonly cookie: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
/** Shorter values are not a secret worth the name. */
const MIN_TOKEN_LENGTH = 16;

const CSRF_OPTIONS = /* @__PURE__ */ optionNames<CSRFOptions>()(['origins', 'header', 'cookie']);

export function compileCSRF(options: CSRFOptions | boolean | undefined): CSRFPolicy | undefined {
  if (options === false) return undefined;
  const given = options === true || options === undefined ? {} : options;
  if (typeof given !== 'object' || given === null) throw new InvalidOptionError('csrf', 'must be a boolean or an object');
  checkOptionNames(given, CSRF_OPTIONS, 'csrf');
  let origins: Set<string> | undefined;
  if (given.origins !== undefined) {
    if (!Array.isArray(given.origins)) throw new InvalidOptionError('csrf.origins', 'must be an array of origins');
    origins = new Set(
      given.origins.map((origin) => {
        try {
          const url = new URL(origin);
          if (url.origin === 'null') throw new Error('opaque');
          return url.origin;
        } catch {
          throw new InvalidOptionError('csrf.origins', `"${String(origin).slice(0, 64)}" is not an origin`);
        }
      }),
    );
  }
  return {
    origins,
    header: (given.header ?? DEFAULT_CSRF_HEADER).toLowerCase(),
    cookie: given.cookie ?? DEFAULT_CSRF_COOKIE,
  };
}

function doubleSubmitted(view: RequestView, policy: CSRFPolicy): boolean {
  const sent = view.header(policy.header);
  const cookies = cookieValues(view.header('cookie'), policy.cookie);
  return (
    sent !== undefined &&
    cookies.length === 1 &&
    sent.length >= MIN_TOKEN_LENGTH &&
    equalInConstantTime(sent, cookies[0] as string)
  );
}

function sourceOrigin(view: RequestView): string | undefined {
  const origin = view.header('origin');
  if (origin !== undefined) return origin === 'null' ? undefined : origin;
  const referer = view.header('referer');
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

function allowedOrigin(view: RequestView, policy: CSRFPolicy): boolean {
  const origin = sourceOrigin(view);
  if (origin === undefined) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (policy.origins !== undefined) return policy.origins.has(url.origin);
  return url.host.toLowerCase() === requestHost(view);
}

/** Whether a cookie-authenticated request may go on: safe methods always, unsafe ones with proof. */
export function passesCSRF(view: RequestView, policy: CSRFPolicy): boolean {
  return SAFE_METHODS.has(view.method) || doubleSubmitted(view, policy) || allowedOrigin(view, policy);
}
