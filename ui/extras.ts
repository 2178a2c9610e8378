/**
 * The Decode view's extra panels: a DPoP proof explained, with `ath` checked against a pasted
 * access token; a token's `cnf` key binding; and an SD-JWT's Disclosures next to the payload they
 * fill in. Nothing here verifies anything.
 */
import {
  checkAccessTokenHash,
  explainConfirmation,
  explainDPoPProof,
  explainSDJWT,
  isDPoPProof,
  type JSONValue,
} from 'jwtkit/inspect';
import { byId, el, fill, verdict } from './dom.js';
import { type Current, now, type TokenState } from './state.js';

let run = 0;
const show = (value: JSONValue | undefined): string => (typeof value === 'string' ? value : JSON.stringify(value));

function row(name: string, value: string | undefined, description?: string, tone?: string): HTMLTableRowElement | undefined {
  if (value === undefined) return undefined;
  const head = el(
    'th',
    undefined,
    el('code', undefined, name),
    description === undefined ? undefined : el('span', 'desc', description),
  );
  head.scope = 'row';
  return el('tr', tone, head, el('td', undefined, el('code', undefined, value)));
}

function table(id: string, ...rows: (HTMLTableRowElement | undefined)[]): void {
  const target = byId<HTMLTableElement>(id);
  fill(target, target.caption ?? undefined, el('tbody', undefined, ...rows));
}

async function dpop(current: Current | undefined, mine: number): Promise<void> {
  const box = byId('dpop-box');
  const header = current?.dissected.header;
  const payload = current?.dissected.payload;
  if (current === undefined || current.dissected.kind !== 'JWS' || payload === undefined || !isDPoPProof(header)) {
    box.hidden = true;
    return;
  }
  const proof = await explainDPoPProof(header ?? {}, payload, now());
  if (mine !== run) return;
  table(
    'dpop-table',
    row('htm', proof.htm === undefined ? undefined : show(proof.htm), 'The request method the proof is for'),
    row('htu', proof.htu === undefined ? undefined : show(proof.htu), 'The request URL, without query and fragment'),
    row(
      'iat',
      proof.iat === undefined ? undefined : `${show(proof.iat.value)} · ${proof.iat.age ?? ''}`,
      'When the proof was made',
    ),
    row('ath', proof.ath === undefined ? undefined : show(proof.ath), 'SHA-256 of the access token sent with it'),
    row('nonce', proof.nonce === undefined ? undefined : show(proof.nonce), "The server's nonce"),
    row('jkt', proof.jkt, "The key's RFC 7638 thumbprint: a bound token's cnf.jkt"),
    row(
      'private key',
      proof.privateMembers.length === 0 ? undefined : proof.privateMembers.join(', '),
      'PRIVATE members in the jwk: the key is published',
      'bad',
    ),
    ...proof.problems.filter((p) => !p.includes('private member')).map((problem) => row('problem', problem, undefined, 'bad')),
  );
  box.hidden = false;
  await checkAth(current);
}

/** Compares the proof's `ath` with the hash of the access token pasted next to it. */
export async function checkAth(current: Current | undefined = currentOf()): Promise<void> {
  const target = byId('dpop-ath-result');
  const pasted = byId<HTMLTextAreaElement>('dpop-access-token')
    .value.trim()
    .replace(/^(?:DPoP|Bearer)\s+/i, '');
  const payload = current?.dissected.payload;
  if (pasted === '' || payload === undefined) {
    verdict(target, '');
    return;
  }
  const match = await checkAccessTokenHash(payload, pasted);
  if (match === undefined)
    verdict(target, 'warn', 'The proof has no ath: it was not made for a request carrying an access token.');
  else if (match) verdict(target, 'ok', el('strong', undefined, 'ath matches'), ': the proof was made for this access token.');
  else verdict(target, 'bad', el('strong', undefined, 'ath does not match'), ': the proof was made for another access token.');
}

let latest: Current | undefined;
const currentOf = () => latest;

async function cnf(current: Current | undefined, mine: number): Promise<void> {
  const box = byId('cnf-box');
  const payload = current?.dissected.payload;
  const explained = payload === undefined ? undefined : await explainConfirmation(payload);
  if (mine !== run) return;
  if (explained === undefined) {
    box.hidden = true;
    return;
  }
  table(
    'cnf-table',
    row('meaning', explained.meaning),
    row('jkt', explained.jkt === undefined ? undefined : show(explained.jkt), 'Thumbprint of the DPoP key'),
    row('jwk', explained.jwkThumbprint, 'Thumbprint of the holder key in cnf.jwk'),
    row(
      'private key',
      explained.privateMembers.length === 0 ? undefined : explained.privateMembers.join(', '),
      'PRIVATE members in cnf.jwk',
      'bad',
    ),
  );
  box.hidden = false;
}

async function sdJwt(current: Current | undefined, mine: number): Promise<void> {
  const box = byId('sd-jwt-box');
  if (current?.sdJwt === undefined) {
    box.hidden = true;
    return;
  }
  let explained: Awaited<ReturnType<typeof explainSDJWT>>;
  try {
    explained = await explainSDJWT(current.sdJwt);
  } catch (error) {
    if (mine !== run) return;
    byId('sd-jwt-summary').textContent = `Not a readable SD-JWT: ${(error as Error).message}`;
    table('disclosure-table');
    byId('sd-jwt-claims').textContent = '';
    box.hidden = false;
    return;
  }
  if (mine !== run) return;
  const count = explained.disclosures.length;
  byId('sd-jwt-summary').textContent = [
    `${count} Disclosure${count === 1 ? '' : 's'} (digests: ${explained.sdAlg})`,
    `${explained.undisclosed} digest${explained.undisclosed === 1 ? '' : 's'} undisclosed (withheld claims or decoys)`,
    explained.keyBinding === undefined ? 'no key-binding JWT' : 'a key-binding JWT (not checked here)',
    explained.problem === undefined ? undefined : `verification would refuse it: ${explained.problem.message}`,
  ]
    .filter(Boolean)
    .join(' · ');
  table(
    'disclosure-table',
    ...explained.disclosures.map((disclosure) => {
      const head = el(
        'th',
        undefined,
        el('code', 'path', disclosure.path ?? '(fills in no claim)'),
        el('span', 'desc', `digest ${disclosure.digest}`),
      );
      head.scope = 'row';
      return el(
        'tr',
        disclosure.path === undefined ? 'bad' : undefined,
        head,
        el('td', undefined, el('code', undefined, show(disclosure.value))),
      );
    }),
  );
  byId('sd-jwt-claims').textContent =
    explained.claims === undefined ? '(the Disclosures cannot be put in place)' : JSON.stringify(explained.claims, null, 2);
  box.hidden = false;
}

/** Renders the extra panels for the new state; a newer token makes a slower render give up. */
export async function runExtras(state: TokenState): Promise<void> {
  const mine = ++run;
  const current = 'current' in state ? state.current : undefined;
  latest = current;
  await Promise.all([dpop(current, mine), cnf(current, mine), sdJwt(current, mine)]);
}
