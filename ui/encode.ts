/** The Encode view: header and claims edited as JSON, an algorithm, a key pasted or generated, a signed token. */
import { exportKey, generateKeyPair, generateSecret, JWS_ALGORITHMS, type JWSHeader, type Key, signJWT } from 'jwtkit';
import { keyFromText, readKeyText, type SecretEncoding } from 'jwtkit/inspect';
import { byId, el, failure, verdict } from './dom.js';
import { now } from './state.js';

const SIGNING = JWS_ALGORITHMS;

export function setUpEncode(): void {
  const select = byId<HTMLSelectElement>('encode-alg');
  for (const alg of SIGNING) select.append(new Option(alg, alg, alg === 'HS256', alg === 'HS256'));
  const issued = now();
  byId<HTMLTextAreaElement>('encode-payload').value = JSON.stringify(
    { sub: 'user-1234', name: 'Ada Lovelace', iat: issued, exp: issued + 900 },
    null,
    2,
  );
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

const alg = (): string => byId<HTMLSelectElement>('encode-alg').value;

/** A fresh key for the chosen algorithm: a random secret (base64url) or a key pair (PEM). */
export async function generate(): Promise<void> {
  const target = byId('encode-result');
  try {
    const chosen = alg();
    const keyBox = byId<HTMLTextAreaElement>('encode-key');
    const publicBox = byId<HTMLTextAreaElement>('encode-public');
    if (chosen.startsWith('HS')) {
      const secret = await generateSecret(chosen, { extractable: true });
      keyBox.value = (await exportKey(secret, 'jwk')).k as string;
      byId<HTMLSelectElement>('encode-encoding').value = 'base64url';
      publicBox.value = '';
      verdict(target, 'ok', `Generated a random ${chosen} secret, written as base64url.`);
    } else {
      const pair = await generateKeyPair(chosen, { extractable: true });
      keyBox.value = await exportKey(pair.privateKey, 'pkcs8');
      publicBox.value = await exportKey(pair.publicKey, 'spki');
      verdict(target, 'ok', `Generated a ${chosen} key pair; the public half is below, for verifying.`);
    }
  } catch (error) {
    failure(target, 'No key generated.', error);
  }
}

export async function sign(): Promise<void> {
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
    output.value = await signJWT(claims, key, { alg: alg(), header: header as JWSHeader });
    verdict(target, 'ok', el('strong', undefined, 'Signed'), ` with ${alg()}.`);
  } catch (error) {
    failure(target, 'Not signed.', error);
  }
}
