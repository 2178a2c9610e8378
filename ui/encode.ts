/**
 * The Encode view: header and claims edited as JSON, an algorithm, a key pasted or generated, a
 * signed token. It is live both ways, as on jwt.io: every edit signs again and puts the token in
 * the token box, and a token put in the token box fills the header and the claims.
 */
import { exportKey, generateKeyPair, generateSecret, type JWSHeader, type Key, signJWT } from 'jwtkit';
import { keyFromText, readKeyText, type SecretEncoding } from 'jwtkit/inspect';
import { offeredAlgorithms } from './capabilities.js';
import { byId, el, failure, verdict } from './dom.js';
import type { TokenSource, TokenState } from './state.js';

/** The algorithm to choose once the menu is filled (the menu waits for the capability probes). */
let wanted = 'HS256';
/** The newest signing run: an older one that finishes later must not overwrite its result. */
let signing = 0;
const signedListeners: ((token: string) => void)[] = [];

/** Called with each token the view signs. */
export function onSigned(listener: (token: string) => void): void {
  signedListeners.push(listener);
}

const alg = (): string => byId<HTMLSelectElement>('encode-alg').value || wanted;

function choose(chosen: string): void {
  wanted = chosen;
  const select = byId<HTMLSelectElement>('encode-alg');
  if ([...select.options].some((option) => option.value === chosen)) select.value = chosen;
}

/** Fills the algorithm menu with what this browser can do, and makes every edit sign again. */
export async function setUpEncode(): Promise<void> {
  for (const id of ['encode-header', 'encode-payload', 'encode-key']) byId(id).addEventListener('input', () => void sign());
  for (const id of ['encode-alg', 'encode-encoding'])
    byId(id).addEventListener('change', () => {
      if (id === 'encode-alg') wanted = alg();
      void sign();
    });
  const select = byId<HTMLSelectElement>('encode-alg');
  for (const offered of await offeredAlgorithms()) select.append(new Option(offered, offered));
  choose(wanted);
  select.dataset.ready = 'true';
}

/** A token put in the token box by the person (not by this view) becomes the header and claims to edit. */
export function encodeFromToken(state: TokenState, source: TokenSource): void {
  if (source === 'encode' || !('current' in state)) return;
  const { dissected } = state.current;
  if (dissected.kind !== 'JWS' || dissected.header === undefined) return;
  const { alg: named, ...rest } = dissected.header;
  const menu = byId<HTMLSelectElement>('encode-alg');
  // An algorithm this page cannot sign with stays in the header, where signing again names the mismatch.
  const signable =
    typeof named === 'string' && (menu.dataset.ready !== 'true' || [...menu.options].some((option) => option.value === named));
  if (signable) choose(named);
  const header = signable ? rest : dissected.header;
  byId<HTMLTextAreaElement>('encode-header').value = JSON.stringify(header, null, 2);
  if (dissected.payload !== undefined)
    byId<HTMLTextAreaElement>('encode-payload').value = JSON.stringify(dissected.payload, null, 2);
  byId<HTMLTextAreaElement>('encode-output').value = '';
  verdict(byId('encode-result'), '', 'Header and claims are the token\u2019s: edit them, or the key, to sign again.');
}

function object(id: string, what: string): Record<string, unknown> {
  const text = byId<HTMLTextAreaElement>(id).value.trim();
  let value: unknown;
  try {
    value = text === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new Error(`the ${what} is not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`the ${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** A fresh key for the chosen algorithm: a random secret (base64url) or a key pair (PEM); then signs with it. */
export async function generate(): Promise<void> {
  const target = byId('encode-result');
  // A newer edit (another algorithm chosen meanwhile) makes this key stale: it is then dropped.
  const mine = ++signing;
  verdict(target, '', 'Generating a key…');
  let done: string;
  try {
    const chosen = alg();
    const keyBox = byId<HTMLTextAreaElement>('encode-key');
    const publicBox = byId<HTMLTextAreaElement>('encode-public');
    if (chosen.startsWith('HS')) {
      const secret = await generateSecret(chosen, { extractable: true });
      const k = (await exportKey(secret, 'jwk')).k as string;
      if (mine !== signing) return;
      keyBox.value = k;
      byId<HTMLSelectElement>('encode-encoding').value = 'base64url';
      publicBox.value = '';
      done = `Generated a random ${chosen} secret, written as base64url.`;
    } else {
      const pair = await generateKeyPair(chosen, { extractable: true });
      const [privatePEM, publicPEM] = [await exportKey(pair.privateKey, 'pkcs8'), await exportKey(pair.publicKey, 'spki')];
      if (mine !== signing) return;
      keyBox.value = privatePEM;
      publicBox.value = publicPEM;
      done = `Generated a ${chosen} key pair; the public half is below, for verifying.`;
    }
  } catch (error) {
    if (mine === signing) failure(target, 'No key generated.', error);
    return;
  }
  await sign(done);
}

/** Signs the header and claims with the key; the token goes to the output and, through onSigned, to the token box. */
export async function sign(done?: string): Promise<void> {
  const mine = ++signing;
  const target = byId('encode-result');
  const output = byId<HTMLTextAreaElement>('encode-output');
  output.value = '';
  verdict(target, '', 'Signing…');
  try {
    const { alg: typed, ...header } = object('encode-header', 'header');
    // The algorithm comes from the menu; an alg typed into the header that says otherwise is a
    // mistake to point out, not something to overwrite silently.
    if (typed !== undefined && typed !== alg()) {
      throw new Error(
        `the header says "alg": ${JSON.stringify(typed)}, but ${alg()} is chosen: choose it above, or take alg out of the header`,
      );
    }
    const claims = object('encode-payload', 'payload');
    const text = byId<HTMLTextAreaElement>('encode-key').value;
    if (text.trim() === '') throw new Error('paste a signing key or generate one');
    const encoding = byId<HTMLSelectElement>('encode-encoding').value as SecretEncoding;
    const key = (await keyFromText(readKeyText(text, encoding), alg(), true)) as Key;
    // The claims as written, as jwt.io signs them: no iat added behind the person's back.
    const token = await signJWT(claims, key, { alg: alg(), header: header as JWSHeader, noTimestamp: true });
    if (mine !== signing) return;
    output.value = token;
    for (const listener of signedListeners) listener(token);
    verdict(target, 'ok', done === undefined ? undefined : `${done} `, el('strong', undefined, 'Signed'), ` with ${alg()}.`);
  } catch (error) {
    if (mine === signing) failure(target, done === undefined ? 'Not signed.' : `${done} Not signed.`, error);
  }
}
