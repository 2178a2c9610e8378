/** The token box and the Decode view: the coloured token, header and payload as JSON and as tables. */
import {
  type ClaimRow,
  describeMembers,
  describeTime,
  type JSONObject,
  type JSONValue,
  type TokenPart,
  timeStatus,
} from 'jwtkit/inspect';
import { byId, el, fill } from './dom.js';
import { type Current, now, type TokenState } from './state.js';

const ROLE_NAMES: Readonly<Record<string, string>> = {
  header: 'header',
  payload: 'payload',
  signature: 'signature',
  encrypted_key: 'encrypted key',
  iv: 'initialization vector',
  ciphertext: 'ciphertext',
  tag: 'authentication tag',
  part: 'part',
};

function segment(part: TokenPart): HTMLElement {
  const span = el('span', `seg-${part.role}${part.problem === undefined ? '' : ' seg-bad'}`, part.text);
  span.title = part.problem === undefined ? (ROLE_NAMES[part.role] ?? part.role) : `${ROLE_NAMES[part.role]}: ${part.problem}`;
  return span;
}

function colourToken(current: Current | undefined): void {
  const target = byId('token-colour');
  if (current === undefined) {
    fill(target);
    return;
  }
  const children: Node[] = [];
  current.dissected.parts.forEach((part, index) => {
    if (index > 0) children.push(el('span', 'dot', '.'));
    children.push(segment(part));
  });
  fill(target, ...children);
}

function summary(state: TokenState): string {
  if (!('current' in state)) return state.error ?? 'No token yet.';
  const { dissected, trimmed } = state.current;
  const alg = dissected.header?.alg;
  const kind =
    state.current.sdJwt !== undefined
      ? 'SD-JWT, selective disclosure (its issuer-signed JWS below; Disclosures under Decode)'
      : dissected.kind === 'JWS'
        ? 'Signed token (JWS)'
        : dissected.kind === 'JWE'
          ? 'Encrypted token (JWE)'
          : `Not a JWS or JWE (${dissected.parts.length} parts)`;
  const enc = dissected.header?.enc;
  const algorithms = [typeof alg === 'string' ? alg : undefined, typeof enc === 'string' ? enc : undefined].filter(Boolean);
  return [
    kind,
    algorithms.length > 0 ? algorithms.join(' + ') : undefined,
    trimmed ? 'text around the token was dropped' : undefined,
    dissected.problems.length > 0
      ? `${dissected.problems.length} problem${dissected.problems.length > 1 ? 's' : ''}, see Decode`
      : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

const show = (value: JSONValue): string => (typeof value === 'string' ? value : JSON.stringify(value));

function row(claim: ClaimRow): HTMLTableRowElement {
  const name = el('th', undefined, el('code', undefined, claim.name), el('span', 'desc', claim.description));
  name.scope = 'row';
  const value = el(
    'td',
    undefined,
    el('code', undefined, show(claim.value)),
    claim.time === undefined ? undefined : el('span', 'when', `${claim.time.iso} · ${claim.time.relative}`),
  );
  return el('tr', undefined, name, value);
}

function table(id: string, object: JSONObject | undefined, part: 'header' | 'payload'): void {
  const target = byId<HTMLTableElement>(id);
  const caption = target.caption;
  const rows = object === undefined ? [] : describeMembers(object, part, now()).map(row);
  fill(target, caption ?? undefined, el('tbody', undefined, ...rows));
  target.hidden = rows.length === 0;
}

function badge(payload: JSONObject | undefined): void {
  const target = byId('expiry-badge');
  if (payload === undefined) {
    target.hidden = true;
    return;
  }
  const status = timeStatus(payload, now());
  target.className = `badge ${status}`;
  target.textContent =
    status === 'no-expiry'
      ? 'never expires'
      : status === 'not-yet-valid'
        ? describeTime('nbf', payload.nbf as number, now())
        : describeTime('exp', payload.exp as number, now());
  target.hidden = false;
}

function partJSON(part: TokenPart | undefined): string {
  if (part === undefined) return '';
  if (part.json !== undefined) return JSON.stringify(part.json, null, 2);
  if (part.decodedText !== undefined) return part.decodedText;
  if (part.role === 'ciphertext') return '(encrypted: use Decrypt)';
  return part.problem === undefined ? '' : '(cannot be decoded, see above)';
}

/** Renders every part of the token box and the Decode view for the new state. */
export function runDecode(state: TokenState): void {
  const current = 'current' in state ? state.current : undefined;
  byId('token-summary').textContent = summary(state);
  colourToken(current);
  const dissected = current?.dissected;
  const problems = dissected?.problems ?? [];
  const problemBox = byId('problems');
  if (problems.length === 0) fill(problemBox);
  else
    fill(
      problemBox,
      el('strong', undefined, 'What is wrong with this token'),
      el('ul', undefined, ...problems.map((problem) => el('li', undefined, problem))),
    );
  const header = dissected?.parts[0];
  const payload = dissected?.kind === 'JWE' ? dissected.parts[3] : dissected?.parts[1];
  byId('header-json').textContent = partJSON(header);
  byId('payload-json').textContent = partJSON(payload);
  table('header-table', dissected?.header, 'header');
  table('payload-table', dissected?.payload, 'payload');
  badge(dissected?.payload);
}
