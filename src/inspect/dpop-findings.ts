/** inspectToken's findings for DPoP proofs (RFC 9449) and for tokens bound to a key by `cnf`. */
import type { JSONObject } from '../encoding/json.js';
import { explainConfirmation, explainDPoPProof } from './dpop.js';
import type { Finding } from './findings.js';

/** Proofs older than this are refused by any server with the usual window (60 s to a few minutes). */
const OLD_PROOF = 300;

async function proofFindings(header: JSONObject, payload: JSONObject, now: number): Promise<Finding[]> {
  const out: Finding[] = [];
  const proof = await explainDPoPProof(header, payload, now);
  if (proof.privateMembers.length > 0) {
    out.push({
      id: 'dpop-private-jwk',
      severity: 'high',
      where: 'jwk',
      message: `the proof's jwk carries the private member${proof.privateMembers.length > 1 ? 's' : ''} ${proof.privateMembers.map((m) => `"${m}"`).join(', ')}: the client's private key is published with every request`,
      fix: 'Put only the public key in jwk (createDPoPProof does), and replace this key: every server and log that saw the proof has it',
    });
  }
  for (const problem of proof.problems) {
    if (proof.privateMembers.length > 0 && problem.includes('private member')) continue;
    out.push({
      id: 'dpop-invalid',
      severity: 'high',
      message: problem,
      fix: 'Make proofs with createDPoPProof (or jwtkit dpop): typ dpop+jwt, an asymmetric alg, the public jwk, jti, htm, htu and iat',
    });
  }
  const seconds = proof.iat?.seconds;
  if (seconds !== undefined && (seconds > OLD_PROOF || seconds < -60)) {
    out.push({
      id: 'dpop-stale',
      severity: 'info',
      where: 'iat',
      message: `the proof was ${proof.iat?.age}: servers accept a proof for about a minute from its iat`,
      fix: 'Make a new proof for every request, just before sending it',
    });
  }
  return out;
}

async function confirmationFindings(payload: JSONObject): Promise<Finding[]> {
  const cnf = await explainConfirmation(payload);
  if (cnf === undefined) return [];
  if (cnf.privateMembers.length > 0) {
    return [
      {
        id: 'cnf-private-jwk',
        severity: 'high',
        where: 'cnf',
        message: `cnf.jwk carries the private member${cnf.privateMembers.length > 1 ? 's' : ''} ${cnf.privateMembers.map((m) => `"${m}"`).join(', ')}: whoever reads the token can prove possession of the key it is bound to`,
        fix: "Put only the holder's public key in cnf.jwk, and replace this key",
      },
    ];
  }
  return [{ id: 'cnf', severity: 'info', where: 'cnf', message: `sender-constrained: ${cnf.meaning}`, fix: 'Nothing to fix' }];
}

/** The DPoP-proof findings (`dpop` true) and, for any token, those of its `cnf` claim. */
export async function dpopFindings(header: JSONObject, payload: JSONObject, dpop: boolean, now: number): Promise<Finding[]> {
  return [...(dpop ? await proofFindings(header, payload, now) : []), ...(await confirmationFindings(payload))];
}
