/** The Verify view: a pasted key (secret, PEM, JWK, JWKS) against the token, with the reason when it fails. */
import { type VerifyJWTOptions, verifyJWT } from 'jwtkit';
import { keyFromText, readKeyText, type SecretEncoding } from 'jwtkit/inspect';
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

export async function runVerify(): Promise<void> {
  const target = byId('verify-result');
  const current = currentToken();
  if (current === undefined) return verdict(target, 'warn', 'Paste a token first.');
  if (current.dissected.kind === 'JWE') return verdict(target, 'warn', 'This is an encrypted token (JWE): use Decrypt.');
  const text = byId<HTMLTextAreaElement>('verify-key').value;
  if (text.trim() === '') return verdict(target, 'warn', 'Paste the key to verify with.');
  verdict(target, '', 'Verifying…');
  try {
    const encoding = byId<HTMLSelectElement>('verify-encoding').value as SecretEncoding;
    const key = await keyFromText(readKeyText(text, encoding));
    const { header } = await verifyJWT(current.token, key, options());
    verdict(
      target,
      'ok',
      el('strong', undefined, 'Signature verified.'),
      ` ${header.alg}${header.kid === undefined ? '' : `, kid ${header.kid}`}; the claims pass their checks.`,
    );
  } catch (error) {
    failure(target, 'Not verified.', error);
  }
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
