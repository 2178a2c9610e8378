/**
 * A security review of one token: what an attacker or an auditor would notice, each finding with a
 * severity and a one-line fix. Shared by `jwtkit inspect` and the debugger page.
 */
import type { JSONObject, JSONValue } from '../encoding/json.js';
import { JWTKitError } from '../errors.js';
import { DEFAULT_PBES2_COUNT } from '../jwe/types.js';
import { parseDuration } from '../jwt/duration.js';
import { checkOptionNames, optionNames } from '../options.js';
import { formatDuration, groupDigits } from './claims.js';
import { dissectToken } from './dissect.js';
import { isDPoPProof } from './dpop.js';
import { dpopFindings } from './dpop-findings.js';
import { limitOption, MAX_INSPECT_INPUT_LENGTH, MAX_SECRET_CANDIDATES, MAX_SECRET_SEARCH_TOKEN_LENGTH } from './limits.js';
import { findPersonalData } from './personal-data.js';
import { sdJWTFindings } from './sd-jwt-findings.js';
import { commonSecrets, SHORT_SECRET_COUNT } from './secrets.js';
import { visibleText } from './visible.js';
import { findWeakSecret, maskSecret } from './weak-secret.js';

export type Severity = 'high' | 'medium' | 'low' | 'info';

export interface Finding {
  /** Stable identifier, for tests and for filtering (`alg-none`, `no-exp`, ...). */
  readonly id: string;
  readonly severity: Severity;
  /** What was found, in one sentence. Token text quoted in it has its control and bidi characters shown as `\uXXXX`. */
  readonly message: string;
  /** How to fix it, in one line. */
  readonly fix: string;
  /** The header parameter or claim concerned, when there is one. */
  readonly where?: string;
}

export interface InspectOptions {
  /** The current time in seconds (default: the clock). */
  now?: number;
  /** Longest acceptable lifetime (`exp` - `iat`): seconds or a duration string ('1h'); default 24 hours. */
  maxLifetime?: number | string;
  /** Largest acceptable token, in characters; default 4096 (what a cookie holds). */
  maxSize?: number;
  /** Try the built-in common and short secrets on HS* tokens (default true). */
  secretCheck?: boolean;
  /** Also try every secret of up to 3 characters and 4-digit PINs (default true). */
  shortSecrets?: boolean;
  /** More secrets to try first. */
  secrets?: readonly string[];
  /** Most HMACs the secret search computes (default 100,000; the built-in lists are about 68,000). */
  maxSecretCandidates?: number;
  /** Most characters read; a longer token is refused with `ERR_TOKEN_TOO_LARGE` (default 262,144: 256 KiB). */
  maxInputLength?: number;
  /** Ends the secret search: the promise rejects with `signal.reason`. */
  signal?: AbortSignal;
}

const INSPECT_OPTIONS = /* @__PURE__ */ optionNames<InspectOptions>()([
  'now',
  'maxLifetime',
  'maxSize',
  'secretCheck',
  'shortSecrets',
  'secrets',
  'maxSecretCandidates',
  'maxInputLength',
  'signal',
]);

export const SEVERITY_ORDER: readonly Severity[] = ['high', 'medium', 'low', 'info'];
const DEFAULT_MAX_LIFETIME = 86400;
const DEFAULT_MAX_SIZE = 4096;
const SKEW = 60;

const KID_TRAVERSAL = /(?:^|[/\\])\.\.(?:[/\\]|$)|^[/\\]|^[a-z]:[/\\]/i;
const KID_INJECTION = /['";|`$<>]|--|\/\*|\b(?:union|select|or|and)\b\s/i;

function headerFindings(header: JSONObject, kind: 'JWS' | 'JWE', dpop: boolean, out: Finding[]): void {
  const alg = header.alg;
  if (typeof alg === 'string' && alg.toLowerCase() === 'none') {
    out.push({
      id: 'alg-none',
      severity: 'high',
      where: 'alg',
      message: 'alg is "none": the token is not signed, anyone can write one',
      fix: 'Sign every token and verify with a fixed algorithm list that excludes none',
    });
  }
  if (kind === 'JWE' && alg === 'RSA1_5') {
    out.push({
      id: 'jwe-rsa1_5',
      severity: 'high',
      where: 'alg',
      message: 'RSA1_5 key encryption is open to padding-oracle attacks (Bleichenbacher)',
      fix: 'Use RSA-OAEP-256 or ECDH-ES',
    });
  }
  if (
    kind === 'JWE' &&
    typeof alg === 'string' &&
    alg.startsWith('PBES2') &&
    typeof header.p2c === 'number' &&
    header.p2c < DEFAULT_PBES2_COUNT
  ) {
    // Under what jwtkit writes and decrypters run by default; more would be refused by default (decisions.md).
    const count = groupDigits(DEFAULT_PBES2_COUNT);
    out.push({
      id: 'jwe-p2c-low',
      severity: 'medium',
      where: 'p2c',
      message: `PBES2 with only ${groupDigits(header.p2c)} iterations, under the ${count} jwtkit writes, makes the password cheaper to guess`,
      fix: `Use ${count} iterations (the default) and a long random password, or a random key (dir, A256KW) instead of a password`,
    });
  }
  if (kind === 'JWE' && header.zip !== undefined) {
    out.push({
      id: 'jwe-zip',
      severity: 'low',
      where: 'zip',
      message: 'the plaintext is compressed before encryption: its length can leak secrets mixed with attacker input',
      fix: 'Leave out zip unless the payload holds no attacker-influenced data',
    });
  }
  for (const [name, what] of [
    ['jku', 'a URL of keys'],
    ['x5u', 'a certificate URL'],
  ] as const) {
    if (header[name] !== undefined) {
      out.push({
        id: `header-${name}`,
        severity: 'high',
        where: name,
        message: `"${name}" carries ${what}: a verifier that fetches it lets the token choose its own key`,
        fix: `Drop ${name}; verifiers must use keys they were configured with (jwtkit never fetches it)`,
      });
    }
  }
  // A DPoP proof carries its key in jwk by design (RFC 9449 §4.2); dpopFindings judges that key.
  if (header.jwk !== undefined && !dpop) {
    out.push({
      id: 'header-jwk',
      severity: 'high',
      where: 'jwk',
      message: 'the token embeds its own key: verifying with it proves nothing',
      fix: 'Drop jwk; verify with a configured key or JWKS, selected by kid',
    });
  }
  const kid = header.kid;
  if (kid !== undefined) kidFindings(kid, out);
  if (Array.isArray(header.crit) && header.crit.length > 0) {
    out.push({
      id: 'header-crit',
      severity: 'low',
      where: 'crit',
      message: `critical extensions ${JSON.stringify(header.crit)}: verifiers that do not know them must refuse the token`,
      fix: 'Make sure every verifier understands these extensions, or drop them',
    });
  }
}

function kidFindings(kid: JSONValue, out: Finding[]): void {
  if (typeof kid !== 'string') {
    out.push({
      id: 'kid-not-string',
      severity: 'medium',
      where: 'kid',
      message: `kid is a ${kid === null ? 'null' : Array.isArray(kid) ? 'array' : typeof kid}, not a string`,
      fix: "Use a string key id, such as the key's RFC 7638 thumbprint",
    });
    return;
  }
  const problems: string[] = [];
  if (KID_TRAVERSAL.test(kid)) problems.push('a file path (path traversal)');
  if (KID_INJECTION.test(kid)) problems.push('quotes or SQL/shell syntax (injection)');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(kid)) problems.push('a URL');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  if (/[\u0000-\u001f\u007f]/.test(kid)) problems.push('control characters');
  if (problems.length > 0) {
    out.push({
      id: 'kid-suspicious',
      severity: 'high',
      where: 'kid',
      message: `kid contains ${problems.join(', ')}: verifiers that use it to read a file, query a database or build a URL can be steered by the token`,
      fix: 'Use kid only as a lookup key into a fixed key set; issue plain ids (a thumbprint)',
    });
  } else if (kid.length === 0 || kid.length > 256) {
    out.push({
      id: 'kid-odd-length',
      severity: 'low',
      where: 'kid',
      message: kid.length === 0 ? 'kid is empty' : `kid is ${kid.length} characters long`,
      fix: "Use a short, non-empty key id, such as the key's RFC 7638 thumbprint",
    });
  }
}

function timeFindings(payload: JSONObject, now: number, maxLifetime: number, dpop: boolean, out: Finding[]): void {
  const { exp, nbf, iat } = payload;
  for (const [name, value] of [
    ['exp', exp],
    ['nbf', nbf],
    ['iat', iat],
  ] as const) {
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      out.push({
        id: 'time-not-number',
        severity: 'medium',
        where: name,
        message: `${name} is ${JSON.stringify(value)}, not a NumericDate: lenient verifiers treat it as absent`,
        fix: `Write ${name} as seconds since 1970 (a number)`,
      });
    }
  }
  // A DPoP proof has no exp: servers judge it by iat (dpopFindings reports its age).
  if (exp === undefined && !dpop) {
    out.push({
      id: 'no-exp',
      severity: 'medium',
      where: 'exp',
      message: 'no exp: the token never expires, so a leaked copy works forever',
      fix: "Set exp (signJWT(..., { expiresIn: '15m' })) and keep access tokens short-lived",
    });
  } else if (typeof exp === 'number') {
    const start = typeof iat === 'number' ? iat : now;
    const lifetime = exp - start;
    if (lifetime > maxLifetime) {
      out.push({
        id: 'long-lifetime',
        severity: 'medium',
        where: 'exp',
        message: `lives ${formatDuration(lifetime)}, more than ${formatDuration(maxLifetime)}`,
        fix: 'Issue short-lived access tokens (minutes) and renew them with a refresh token',
      });
    }
    if (exp <= now) {
      out.push({
        id: 'expired',
        severity: 'info',
        where: 'exp',
        message: `expired ${formatDuration(now - exp)} ago`,
        fix: 'Get a new token',
      });
    }
    if (typeof iat === 'number' && exp <= iat) {
      out.push({
        id: 'exp-before-iat',
        severity: 'medium',
        where: 'exp',
        message: 'exp is not after iat: the token was never valid',
        fix: "Check the issuer's clock and how it computes exp",
      });
    }
  }
  if (typeof iat === 'number' && iat > now + SKEW) {
    out.push({
      id: 'iat-future',
      severity: 'medium',
      where: 'iat',
      message: `issued ${formatDuration(iat - now)} in the future: a wrong clock at the issuer, or a forged token`,
      fix: "Synchronise the issuer's clock (NTP); verifiers may refuse such tokens with maxAge",
    });
  }
  if (typeof nbf === 'number' && typeof exp === 'number' && nbf >= exp) {
    out.push({
      id: 'nbf-after-exp',
      severity: 'medium',
      where: 'nbf',
      message: 'nbf is not before exp: the token is never valid',
      fix: 'Set nbf before exp',
    });
  }
}

/** The weak-secret search, and why it did not run in full when it did not. */
async function secretFindings(token: string, alg: unknown, options: InspectOptions, out: Finding[]): Promise<void> {
  const maxCandidates = limitOption('maxSecretCandidates', options.maxSecretCandidates, MAX_SECRET_CANDIDATES);
  const extra = options.secrets ?? [];
  let weak: Awaited<ReturnType<typeof findWeakSecret>>;
  try {
    weak = await findWeakSecret(token, {
      extra,
      short: options.shortSecrets !== false,
      maxCandidates,
      ...(options.signal !== undefined && { signal: options.signal }),
    });
  } catch (error) {
    if (!(error instanceof JWTKitError && error.code === 'ERR_TOKEN_TOO_LARGE')) throw error;
    out.push({
      id: 'secret-check-skipped',
      severity: 'info',
      where: 'alg',
      message: `the secret search was skipped: the token is ${token.length} characters, over ${MAX_SECRET_SEARCH_TOKEN_LENGTH}, and every candidate would hash all of it`,
      fix: 'Check the secret by hand: it must be random and at least as long as the hash (32 bytes for HS256)',
    });
    return;
  }
  const hashBytes = { HS256: 32, HS384: 48, HS512: 64 }[String(alg)];
  const ownBytes = weak !== undefined && extra.includes(weak.secret) ? new TextEncoder().encode(weak.secret).length : undefined;
  if (ownBytes !== undefined && hashBytes !== undefined && ownBytes < hashBytes) {
    // A secret the caller listed (their own, e.g. one kept through the jsonwebtoken layer's
    // allowInsecureKeySizes switch) that is shorter than the hash: weak, whoever guesses it.
    out.push({
      id: 'short-secret',
      severity: 'high',
      where: 'alg',
      message: `the signature verifies with a listed secret of ${ownBytes} bytes, shorter than the ${hashBytes} bytes ${String(alg)} needs: ${maskSecret((weak as { secret: string }).secret)}; it can be brute-forced from this token`,
      fix: 'Rotate to a random secret of at least 32 bytes with a key ring (docs/migration/jsonwebtoken.md) and stop signing with this one',
    });
    return;
  }
  if (weak !== undefined) {
    out.push({
      id: weak.source === 'short' ? 'short-secret' : 'common-secret',
      severity: 'high',
      where: 'alg',
      message: `the signature verifies with ${weak.source === 'short' ? 'a short' : 'a well-known'} secret: ${maskSecret(weak.secret)}; anyone can forge tokens`,
      fix: 'Rotate to a random secret of at least 32 bytes (jwtkit keygen HS256) and revoke tokens signed with this one',
    });
    return;
  }
  const total = extra.length + commonSecrets().length + (options.shortSecrets === false ? 0 : SHORT_SECRET_COUNT);
  if (total > maxCandidates) {
    out.push({
      id: 'secret-check-partial',
      severity: 'info',
      where: 'alg',
      message: `the secret search stopped after ${maxCandidates} candidates; ${total - maxCandidates} were not tried`,
      fix: 'Raise maxSecretCandidates (--max-secret-candidates) or shorten the list of extra secrets',
    });
  }
}

/**
 * Reviews a token (compact JWS or JWE) and lists findings, most severe first. Text over
 * `maxInputLength` (256 KiB) is refused with `ERR_TOKEN_TOO_LARGE`. The secret search on HS*
 * tokens computes at most `maxSecretCandidates` HMACs, skips tokens over 8 KiB (an info finding
 * says so) and stops when `signal` aborts.
 *
 * @example
 * ```ts
 * const findings = await inspectToken(token);
 * if (findings.some((finding) => finding.severity === 'high')) process.exitCode = 3;
 * ```
 */
export async function inspectToken(token: string, options: InspectOptions = {}): Promise<Finding[]> {
  checkOptionNames(options, INSPECT_OPTIONS);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const maxSize = options.maxSize ?? DEFAULT_MAX_SIZE;
  const maxLifetime =
    options.maxLifetime === undefined ? DEFAULT_MAX_LIFETIME : parseDuration(options.maxLifetime, 'maxLifetime');
  const maxInputLength = limitOption('maxInputLength', options.maxInputLength, MAX_INSPECT_INPUT_LENGTH);
  // An SD-JWT (`<JWT>~<Disclosure>~...`): its JWT is reviewed as any token, its Disclosures apart.
  if (typeof token === 'string' && token.length <= maxInputLength && token.includes('~')) {
    return ranked(await sdJWTFindings(token, (jwt) => inspectToken(jwt, options)));
  }
  const out: Finding[] = [];
  const dissected = dissectToken(token, { maxInputLength });
  for (const problem of dissected.problems) {
    out.push({
      id: 'malformed',
      severity: 'high',
      message: problem,
      fix: 'Strict verifiers refuse this token; fix how it is produced',
    });
  }
  if (token.length > maxSize) {
    out.push({
      id: 'too-large',
      severity: 'medium',
      message: `the token is ${token.length} characters, over ${maxSize}: it may not fit a cookie or a header limit`,
      fix: 'Carry ids in the token, not data; look the rest up on the server',
    });
  }
  const { header, payload } = dissected;
  const dpop = dissected.kind === 'JWS' && isDPoPProof(header);
  if (header !== undefined && dissected.kind !== 'unknown') headerFindings(header, dissected.kind, dpop, out);
  if (payload !== undefined) {
    timeFindings(payload, now, maxLifetime, dpop, out);
    out.push(...findPersonalData(payload));
    out.push(...(await dpopFindings(header ?? {}, payload, dpop, now)));
  }
  if (dissected.kind === 'JWS' && options.secretCheck !== false) await secretFindings(token, header?.alg, options, out);
  return ranked(out);
}

/**
 * Most severe first, with the token text the messages quote made visible: a finding is read on a
 * terminal or a page, where an escape sequence or a bidi override from a claim name must not act.
 */
function ranked(findings: Finding[]): Finding[] {
  return findings
    .map((finding) => ({
      ...finding,
      message: visibleText(finding.message),
      ...(finding.where !== undefined && { where: visibleText(finding.where) }),
    }))
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}
