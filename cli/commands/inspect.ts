/** `jwtkit inspect`: a security review of a token; exit 3 when a high-severity finding exists. */
import { type Finding, inspectToken, SEVERITY_ORDER, type Severity } from 'jwtkit/inspect';
import { readSource, readToken } from '../input.js';
import { EXIT, type Output, type Style, UsageError, visible } from '../output.js';

export interface InspectFlags {
  maxLifetime?: string;
  maxSize?: string;
  maxSecretCandidates?: string;
  secretCheck?: boolean;
  secrets?: string;
}

const SEVERITY_STYLE: Record<Severity, Style> = { high: 'red', medium: 'yellow', low: 'blue', info: 'dim' };

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number <= 0)
    throw new UsageError(`${flag}: expected a positive whole number, got "${value}"`);
  return number;
}

export async function runInspect(out: Output, argument: string | undefined, flags: InspectFlags): Promise<number> {
  const token = readToken(argument);
  const maxSize = count('--max-size', flags.maxSize);
  const maxSecretCandidates = count('--max-secret-candidates', flags.maxSecretCandidates);
  const secrets =
    flags.secrets === undefined
      ? undefined
      : readSource(flags.secrets, '--secrets')
          .bytes.toString('utf8')
          .split(/\r?\n/)
          .filter((line) => line.length > 0);
  const findings: Finding[] = await inspectToken(token, {
    ...(flags.maxLifetime !== undefined && {
      maxLifetime: /^\d+$/.test(flags.maxLifetime) ? Number(flags.maxLifetime) : flags.maxLifetime,
    }),
    ...(maxSize !== undefined && { maxSize }),
    ...(maxSecretCandidates !== undefined && { maxSecretCandidates }),
    ...(flags.secretCheck === false && { secretCheck: false }),
    ...(secrets !== undefined && { secrets }),
  });
  const high = findings.filter((finding) => finding.severity === 'high').length;
  if (out.json)
    // ok: the review ran (an error document has ok: false); passed: no high-severity finding (exit 0, not 3).
    out.result({
      ok: true,
      passed: high === 0,
      findings,
      counts: Object.fromEntries(SEVERITY_ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length])),
    });
  else if (findings.length === 0) out.line(`${out.paint('green', '✓')} no findings`);
  else {
    for (const finding of findings) {
      const label = out.paint(SEVERITY_STYLE[finding.severity], finding.severity.toUpperCase().padEnd(6));
      // Findings quote the token (claim names, header values): escapes shown, not acted on.
      out.line(
        `${label} ${visible(finding.message)}${finding.where === undefined ? '' : out.paint('dim', ` [${visible(finding.where)}]`)}`,
      );
      out.line(`       ${out.paint('dim', 'fix:')} ${finding.fix}`);
    }
  }
  return high > 0 ? EXIT.findings : EXIT.ok;
}
