/**
 * The Inspect view: `inspectToken`, the code behind `jwtkit inspect`. The quick findings show at
 * once; the secret search (tens of thousands of HMACs through WebCrypto) follows and replaces them.
 * The search runs between the page's own tasks (each WebCrypto call is one), so the page stays
 * usable; a new token or the Stop button aborts it.
 */
import { type Finding, inspectToken } from 'jwtkit/inspect';
import { byId, el, fill } from './dom.js';
import { currentToken } from './state.js';

let run = 0;
let inspected: string | undefined;
let search: AbortController | undefined;

function render(findings: readonly Finding[]): void {
  fill(
    byId('findings'),
    ...findings.map((finding) =>
      el(
        'li',
        finding.severity,
        el('span', 'severity', finding.severity),
        finding.message,
        el('span', 'fix', `Fix: ${finding.fix}`),
      ),
    ),
  );
}

function counts(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No findings.';
  const high = findings.filter((finding) => finding.severity === 'high').length;
  return `${findings.length} finding${findings.length > 1 ? 's' : ''}${high > 0 ? `, ${high} high` : ''}.`;
}

/** Ends a running secret search; the view says it was stopped, and the token may be inspected again. */
export function stopInspect(): void {
  if (search === undefined) return;
  search.abort();
  search = undefined;
  inspected = undefined;
  byId('inspect-stop').hidden = true;
}

/** Reviews the current token unless it was already reviewed; a newer run aborts an older one's search. */
export async function runInspect(): Promise<void> {
  const current = currentToken();
  const status = byId('inspect-status');
  if (current === undefined) {
    stopInspect();
    inspected = undefined;
    status.textContent = 'Paste a token first.';
    render([]);
    return;
  }
  if (inspected === (current.sdJwt ?? current.token)) return;
  stopInspect();
  inspected = current.sdJwt ?? current.token;
  const mine = ++run;
  const hmac = current.dissected.kind === 'JWS' && /^HS\d+$/.test(String(current.dissected.header?.alg));
  const quick = await inspectToken(current.sdJwt ?? current.token, { secretCheck: false });
  if (mine !== run) return;
  render(quick);
  if (!hmac) {
    status.textContent = counts(quick);
    return;
  }
  const controller = new AbortController();
  search = controller;
  const stop = byId('inspect-stop');
  stop.hidden = false;
  status.textContent = `${counts(quick)} Trying well-known and short secrets…`;
  try {
    const full = await inspectToken(current.sdJwt ?? current.token, { signal: controller.signal });
    if (mine !== run) return;
    render(full);
    status.textContent = `${counts(full)} ${full.some((finding) => finding.id === 'secret-check-skipped') ? 'The secret search was skipped.' : 'Well-known and short secrets tried.'}`;
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    if (mine === run) status.textContent = `${counts(quick)} The secret search was stopped; open Inspect again to restart it.`;
  } finally {
    if (search === controller) {
      search = undefined;
      stop.hidden = true;
    }
  }
}
