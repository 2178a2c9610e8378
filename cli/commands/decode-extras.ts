/**
 * What `jwtkit decode` adds for tokens that are more than a JWT: a DPoP proof explained, a `cnf`
 * key binding, and an SD-JWT's Disclosures with the claims they fill in. Nothing is verified.
 */
import {
  type ConfirmationExplanation,
  type DPoPProofExplanation,
  type ExplainedSDJWT,
  explainConfirmation,
  explainDPoPProof,
  isDPoPProof,
  type JSONObject,
} from 'jwtkit/inspect';
import { formatJSON, type Output, visible } from '../output.js';

export interface Extras {
  dpop?: DPoPProofExplanation;
  cnf?: ConfirmationExplanation;
}

export async function explainExtras(
  header: JSONObject | undefined,
  payload: JSONObject | undefined,
  now: number,
): Promise<Extras> {
  if (payload === undefined) return {};
  const dpop = isDPoPProof(header) ? await explainDPoPProof(header ?? {}, payload, now) : undefined;
  const cnf = await explainConfirmation(payload);
  return { ...(dpop !== undefined && { dpop }), ...(cnf !== undefined && { cnf }) };
}

/** A value from the token, on one line with its escapes visible. */
const show = (value: unknown) => visible(typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'));

function rows(out: Output, entries: readonly (readonly [string, string | undefined])[]): void {
  const width = Math.max(...entries.map(([name]) => name.length));
  for (const [name, value] of entries) if (value !== undefined) out.line(`  ${out.paint('cyan', name.padEnd(width))}  ${value}`);
}

export function printExtras(out: Output, extras: Extras): void {
  const { dpop, cnf } = extras;
  if (dpop !== undefined) {
    out.line(
      `${out.paint('bold', 'DPoP proof')}${out.paint('dim', ' (RFC 9449): proves the sender holds the key in the header jwk')}`,
    );
    rows(out, [
      ['htm', dpop.htm === undefined ? undefined : `${show(dpop.htm)}  ${out.paint('dim', 'the request method')}`],
      ['htu', dpop.htu === undefined ? undefined : `${show(dpop.htu)}  ${out.paint('dim', 'the request URL')}`],
      ['iat', dpop.iat === undefined ? undefined : `${show(dpop.iat.value)}  ${out.paint('dim', dpop.iat.age ?? '')}`],
      ['ath', dpop.ath === undefined ? undefined : `${show(dpop.ath)}  ${out.paint('dim', "the access token's SHA-256")}`],
      ['nonce', dpop.nonce === undefined ? undefined : show(dpop.nonce)],
      ['jti', dpop.jti === undefined ? undefined : show(dpop.jti)],
      [
        'jkt',
        dpop.jkt === undefined
          ? undefined
          : `${show(dpop.jkt)}  ${out.paint('dim', "the key's thumbprint: a bound token's cnf.jkt")}`,
      ],
    ]);
    if (dpop.privateMembers.length > 0)
      out.line(`  ${out.paint('red', '✗')} the jwk carries PRIVATE key members: ${show(dpop.privateMembers.join(', '))}`);
    for (const problem of dpop.problems.filter((p) => !p.includes('private member')))
      out.line(`  ${out.paint('red', '✗')} ${show(problem)}`);
    out.line();
  }
  if (cnf !== undefined) {
    out.line(`${out.paint('bold', 'Key binding (cnf)')}${out.paint('dim', `: ${cnf.meaning}`)}`);
    rows(out, [
      ['jkt', cnf.jkt === undefined ? undefined : show(cnf.jkt)],
      ['jwk', cnf.jwkThumbprint === undefined ? undefined : `thumbprint ${cnf.jwkThumbprint}`],
    ]);
    if (cnf.privateMembers.length > 0)
      out.line(`  ${out.paint('red', '✗')} cnf.jwk carries PRIVATE key members: ${show(cnf.privateMembers.join(', '))}`);
    out.line();
  }
}

/** The Disclosures, each with its digest and the claim it reveals, then the processed payload and the key binding. */
export function printSDJWT(out: Output, sd: ExplainedSDJWT): void {
  out.line(
    `${out.paint('bold', `Disclosures (${sd.disclosures.length})`)}${out.paint('dim', `, digests with ${sd.sdAlg}; ${sd.undisclosed} digest${sd.undisclosed === 1 ? '' : 's'} undisclosed (withheld claims or decoys)`)}`,
  );
  for (const disclosure of sd.disclosures) {
    const where =
      disclosure.path !== undefined
        ? show(disclosure.path)
        : out.paint('red', '(its digest is in no _sd or ... element: verification refuses it)');
    out.line(`  ${out.paint('cyan', where)} = ${show(disclosure.value)}`);
    out.line(`    ${out.paint('dim', `digest ${disclosure.digest}  salt ${show(disclosure.salt)}`)}`);
  }
  out.line();
  if (sd.problem !== undefined)
    out.line(`  ${out.paint('red', '✗')} ${show(sd.problem.message)} (${sd.problem.code}): verification refuses this`);
  else {
    out.line(`${out.paint('payload', out.paint('bold', 'Processed payload'))}${out.paint('dim', ' (the Disclosures in place)')}`);
    out.line(formatJSON(out, sd.claims));
  }
  out.line();
  if (sd.keyBinding === undefined)
    out.line(out.paint('dim', 'No key-binding JWT (an SD-JWT as issued, or a presentation without key binding).'));
  else {
    out.line(
      `${out.paint('bold', 'Key-binding JWT')}${out.paint('dim', ' (not checked: jwtkit verify --key ... --kb-aud ... --kb-nonce ...)')}`,
    );
    out.line(formatJSON(out, { header: sd.keyBinding.header, payload: sd.keyBinding.payload }));
  }
}
