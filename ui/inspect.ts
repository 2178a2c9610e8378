/**
 * The Inspect view: `inspectToken`, the code behind `jwtkit inspect`. The quick findings show at
 * once; the secret search (tens of thousands of HMACs through WebCrypto) follows and replaces them.
 */
import { type Finding, inspectToken } from 'jwtkit/inspect';
import { byId, el, fill } from './dom.js';
import { currentToken } from './state.js';

let run = 0;
let inspected: string | undefined;

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

/** Reviews the current token unless it was already reviewed; stale runs give way to newer ones. */
export async function runInspect(): Promise<void> {
  const current = currentToken();
  const status = byId('inspect-status');
  if (current === undefined) {
    inspected = undefined;
    status.textContent = 'Paste a token first.';
    render([]);
    return;
  }
  if (inspected === current.token) return;
  inspected = current.token;
  const mine = ++run;
  const hmac = current.dissected.kind === 'JWS' && /^HS\d+$/.test(String(current.dissected.header?.alg));
  const quick = await inspectToken(current.token, { secretCheck: false });
  if (mine !== run) return;
  render(quick);
  if (!hmac) {
    status.textContent = counts(quick);
    return;
  }
  status.textContent = `${counts(quick)} Trying well-known and short secrets…`;
  const full = await inspectToken(current.token);
  if (mine !== run) return;
  render(full);
  status.textContent = `${counts(full)} Well-known and short secrets tried.`;
}
