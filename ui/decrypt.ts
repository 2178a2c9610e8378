/** The Decrypt view: a compact JWE with a key or a PBES2 password; the plaintext shown, a nested JWT opened. */
import { decryptJWE, importKey, type KeyOrResolver } from 'jwtkit';
import { jweKeyAlgorithm, keyFromText, readKeyText, type SecretEncoding } from 'jwtkit/inspect';
import { byId, el, failure, verdict } from './dom.js';
import { currentToken } from './state.js';

const NESTED = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]*){2,4}$/;
let inner: string | undefined;

/** The token inside the last decrypted JWE, if its plaintext is one. */
export function innerToken(): string | undefined {
  return inner;
}

function usePassword(): boolean {
  return byId<HTMLInputElement>('decrypt-with-password').checked;
}

export function syncDecryptMode(): void {
  byId('decrypt-key-box').hidden = usePassword();
  byId('decrypt-password-box').hidden = !usePassword();
}

export async function runDecrypt(): Promise<void> {
  const target = byId('decrypt-result');
  const output = byId<HTMLPreElement>('decrypt-output');
  const open = byId<HTMLButtonElement>('decrypt-open');
  output.hidden = true;
  open.hidden = true;
  inner = undefined;
  const current = currentToken();
  if (current === undefined) return verdict(target, 'warn', 'Paste a token first.');
  const { header } = current.dissected;
  if (current.dissected.kind !== 'JWE' || header === undefined)
    return verdict(target, 'warn', 'This is not an encrypted token (JWE has five parts): use Decode and Verify.');
  const { alg, enc } = header;
  if (typeof alg !== 'string' || typeof enc !== 'string')
    return verdict(target, 'bad', 'The header has no "alg" and "enc": nothing can decrypt it.');
  verdict(target, '', 'Decrypting…');
  try {
    let key: KeyOrResolver;
    if (usePassword()) {
      if (!alg.startsWith('PBES2-')) throw new Error(`a password decrypts PBES2 tokens; this one uses ${alg}, which needs a key`);
      key = await importKey(new TextEncoder().encode(byId<HTMLInputElement>('decrypt-password').value), { alg });
    } else {
      const encoding = byId<HTMLSelectElement>('decrypt-encoding').value as SecretEncoding;
      // A single key is bound to the algorithm the token names (the key's type must still fit it).
      key = await keyFromText(readKeyText(byId<HTMLTextAreaElement>('decrypt-key').value, encoding), jweKeyAlgorithm(alg, enc));
    }
    // The user chose this token and this key; its own alg and enc are the ones to try.
    const { plaintext } = await decryptJWE(current.token, key, {
      keyManagementAlgorithms: [alg],
      contentEncryptionAlgorithms: [enc],
    });
    const text = new TextDecoder('utf-8', { fatal: false }).decode(plaintext);
    let shown = text;
    try {
      shown = JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      // not JSON: shown as text
    }
    output.textContent = shown;
    output.hidden = false;
    if (NESTED.test(text.trim())) {
      inner = text.trim();
      open.hidden = false;
    }
    verdict(target, 'ok', el('strong', undefined, 'Decrypted.'), ` ${alg} + ${enc}; the content is authentic.`);
  } catch (error) {
    failure(target, 'Not decrypted.', error);
  }
}
