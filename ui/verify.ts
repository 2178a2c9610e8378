/** The Verify view: a pasted key (secret, PEM, JWK, JWKS) against the token, with the reason when it fails. */
import { type JWSHeader, type VerifyJWTOptions, verifyJWT } from 'jwtkit';
import { type KeyText, keyFromText, readKeyText, type SecretEncoding } from 'jwtkit/inspect';
import { byId, el, failure, verdict } from './dom.js';
import { currentToken } from './state.js';

function options(): VerifyJWTOptions {
  const result: VerifyJWTOptions = {};
  const issuer = byId<HTMLInputElement>('verify-iss').value.trim();
  const audience = byId<HTMLInputElement>('verify-aud').value.trim();
  const leeway = byId<HTMLInputElement>('verify-leeway').valueAsNumber;
  if (issuer !== '') result.issuer = issuer;
  if (audience !== '') result.audience = audience;
  if (Number.isFinite(leeway) && leeway > 0) result.clockTolerance = leeway;
  return result;
}

/** The Verify view's own encoding choice: try the readings of a secret in turn. */
export const GUESS = 'guess';
export const GUESS_LABEL = 'guess (UTF-8 text first)';
const READINGS: readonly SecretEncoding[] = ['utf8', 'base64url', 'base64', 'hex'];
const NAMES: Readonly<Record<SecretEncoding, string>> = {
  utf8: 'UTF-8 text',
  base64url: 'base64url',
  base64: 'base64',
  hex: 'hex',
};
/** Failures that come after the signature was checked and found good: the key was the right one. */
const CLAIM_FAILURES: ReadonlySet<string> = new Set(['ERR_JWT_EXPIRED', 'ERR_JWT_NOT_YET_VALID', 'ERR_JWT_CLAIM_INVALID']);

/** Failures that say this secret is not the one (or unusable as one): another reading may be. */
const WRONG_SECRET: ReadonlySet<string> = new Set(['ERR_JWS_SIGNATURE_INVALID', 'ERR_KEY_WEAK']);

type Outcome = { readonly ok: true; readonly header: JWSHeader } | { readonly ok: false; readonly error: unknown };

const codeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;

/** Whether this reading of the key is the one the token was signed with. */
const signatureGood = (outcome: Outcome): boolean => outcome.ok || CLAIM_FAILURES.has(String(codeOf(outcome.error)));

async function attempt(token: string, material: KeyText): Promise<Outcome> {
  try {
    // keyFromText goes through importKey: bytes holding key material never become an HMAC secret (issue 26).
    const { header } = await verifyJWT(token, await keyFromText(material), options());
    return { ok: true, header };
  } catch (error) {
    return { ok: false, error };
  }
}

function readAs(text: string, encoding: SecretEncoding): Uint8Array | undefined {
  try {
    const material = readKeyText(text, encoding);
    return material.kind === 'secret' ? material.bytes : undefined;
  } catch {
    return undefined;
  }
}

const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((byte, index) => byte === b[index]);

/**
 * The other readings of a secret, after the first one's signature did not verify: the first whose
 * signature does. At most three more HMACs, each with the secret the person pasted.
 */
async function otherReading(
  token: string,
  text: string,
  first: SecretEncoding,
  firstBytes: Uint8Array,
): Promise<{ found?: { encoding: SecretEncoding; outcome: Outcome }; tried: SecretEncoding[] }> {
  const seen = [firstBytes];
  const tried: SecretEncoding[] = [];
  for (const encoding of READINGS) {
    if (encoding === first) continue;
    const bytes = readAs(text, encoding);
    if (bytes === undefined || seen.some((other) => same(other, bytes))) continue;
    seen.push(bytes);
    tried.push(encoding);
    const outcome = await attempt(token, { kind: 'secret', bytes });
    if (signatureGood(outcome)) return { found: { encoding, outcome }, tried };
  }
  return { tried };
}

function show(target: HTMLElement, outcome: Outcome, note?: string): void {
  if (outcome.ok) {
    const { header } = outcome;
    verdict(
      target,
      'ok',
      el('strong', undefined, 'Signature verified.'),
      ` ${header.alg}${header.kid === undefined ? '' : `, kid ${header.kid}`}; the claims pass their checks.`,
      note === undefined ? undefined : ` ${note}`,
    );
  } else {
    failure(target, 'Not verified.', outcome.error);
    if (note !== undefined) target.append(` ${note}`);
  }
}

export async function runVerify(): Promise<void> {
  const target = byId('verify-result');
  const current = currentToken();
  if (current === undefined) return verdict(target, 'warn', 'Paste a token first.');
  if (current.dissected.kind === 'JWE') return verdict(target, 'warn', 'This is an encrypted token (JWE): use Decrypt.');
  const text = byId<HTMLTextAreaElement>('verify-key').value;
  if (text.trim() === '') return verdict(target, 'warn', 'Paste the key to verify with.');
  verdict(target, '', 'Verifying…');
  const choice = byId<HTMLSelectElement>('verify-encoding').value;
  const guess = choice === GUESS;
  const encoding = guess ? 'utf8' : (choice as SecretEncoding);
  let material: KeyText;
  try {
    material = readKeyText(text, encoding);
  } catch (error) {
    return failure(target, 'Not verified.', error);
  }
  const outcome = await attempt(current.token, material);
  if (material.kind !== 'secret' || outcome.ok || !WRONG_SECRET.has(String(codeOf(outcome.error)))) return show(target, outcome);
  const { found, tried } = await otherReading(current.token, text, encoding, material.bytes);
  if (found === undefined) {
    const also =
      guess && tried.length > 0 ? `Also read as ${tried.map((each) => NAMES[each]).join(', ')}: no reading verified.` : undefined;
    return show(target, outcome, also);
  }
  const name = NAMES[found.encoding];
  if (guess) return show(target, found.outcome, `The secret was read as ${name}: as UTF-8 text it did not verify.`);
  show(target, outcome, `The signature verifies with the secret read as ${name}: choose ${name} above.`);
}

/**
 * Fetches a JWKS through the `jwtkit ui` server that served the page: the page's own policy allows
 * no other connection. Opened as a file, there is no such server and the button says so.
 */
export async function fetchJWKS(): Promise<void> {
  const target = byId('jwks-result');
  const session = document.querySelector<HTMLMetaElement>('meta[name="jwtkit-session"]')?.content;
  const url = byId<HTMLInputElement>('jwks-url').value.trim();
  if (session === undefined || location.protocol === 'file:')
    return verdict(
      target,
      'warn',
      'Fetching needs the page as served by `jwtkit ui`; opened as a file, the page makes no request at all.',
    );
  if (url === '') return verdict(target, 'warn', 'Enter the JWKS URL first.');
  verdict(target, '', 'Fetching…');
  try {
    const response = await fetch('/jwks', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-jwtkit-session': session },
      body: JSON.stringify({ url }),
    });
    const body = (await response.json()) as { jwks?: unknown; error?: string };
    if (!response.ok || body.jwks === undefined) throw new Error(body.error ?? `HTTP ${response.status}`);
    const keys = (body.jwks as { keys: unknown[] }).keys.length;
    byId<HTMLTextAreaElement>('verify-key').value = JSON.stringify(body.jwks, null, 2);
    verdict(target, 'ok', `Fetched ${keys} key${keys === 1 ? '' : 's'} into the key box.`);
  } catch (error) {
    failure(target, 'Not fetched.', error);
  }
}
