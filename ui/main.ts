/**
 * The offline debugger page: jwt.io's views (decode, verify, decrypt, inspect, encode) on jwtkit's
 * web build, inside a Content-Security-Policy that lets the page connect nowhere but where it was
 * served from. Tokens arrive by pasting or by the URL fragment (`#token=`), which browsers never send.
 */
import { buildInfo } from 'jwtkit';
import { SECRET_ENCODINGS, type SecretEncoding } from 'jwtkit/inspect';
import { runDecode } from './decode.js';
import { innerToken, runDecrypt, syncDecryptMode } from './decrypt.js';
import { byId, copyText, verdict } from './dom.js';
import { generate, setUpEncode, sign } from './encode.js';
import { runInspect, stopInspect } from './inspect.js';
import { currentToken, onToken, setTokenText } from './state.js';
import { activeView, onShow, setUpTabs, showView } from './tabs.js';
import { fetchJWKS, runVerify } from './verify.js';

const tokenBox = byId<HTMLTextAreaElement>('token');

/** Puts a token in the box, as if pasted, and shows it decoded. */
function load(text: string, view: 'decode' | 'keep' = 'decode'): void {
  tokenBox.value = text;
  setTokenText(text);
  if (view === 'decode') showView('decode');
}

function fromFragment(): void {
  // `#token` alone is the skip link's target, not a deep link.
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (token) load(token);
}

async function copy(text: string | undefined, what: string): Promise<void> {
  const status = byId('token-summary');
  if (text === undefined || text === '') {
    status.textContent = `Nothing to copy: no ${what} yet.`;
    return;
  }
  status.textContent = (await copyText(text)) ? `Copied the ${what}.` : `Could not copy the ${what}; select it and copy by hand.`;
}

function wire(id: string, action: () => unknown): void {
  byId(id).addEventListener('click', () => void action());
}

onToken(runDecode);
onToken(() => {
  for (const id of ['verify-result', 'decrypt-result', 'encode-result']) verdict(byId(id), '');
  if (activeView() === 'inspect') void runInspect();
  else stopInspect();
});
onShow((view) => {
  if (view === 'inspect') void runInspect();
});

tokenBox.addEventListener('input', () => setTokenText(tokenBox.value));
wire('copy-token', () => copy(currentToken()?.token, 'token'));
wire('copy-link', () => {
  const token = currentToken()?.token;
  return copy(token && `${location.href.split('#')[0]}#token=${token}`, 'link');
});
wire('clear-token', () => load(''));
wire('inspect-stop', stopInspect);
wire('verify-run', runVerify);
wire('jwks-run', fetchJWKS);
wire('decrypt-run', runDecrypt);
wire('decrypt-open', () => load(innerToken() ?? ''));
for (const id of ['decrypt-with-key', 'decrypt-with-password']) byId(id).addEventListener('change', syncDecryptMode);
wire('encode-generate', generate);
wire('encode-run', sign);
wire('encode-copy', () => copy(byId<HTMLTextAreaElement>('encode-output').value, 'signed token'));
wire('encode-open', () => load(byId<HTMLTextAreaElement>('encode-output').value));
// Enter in a one-line field runs its view's action; textareas keep Enter for new lines.
for (const [field, action] of [
  ['verify-iss', runVerify],
  ['verify-aud', runVerify],
  ['verify-leeway', runVerify],
  ['jwks-url', fetchJWKS],
  ['decrypt-password', runDecrypt],
] as const) {
  byId(field).addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      void action();
    }
  });
}

/** The three "a secret is written as" choices, one list for all. */
const ENCODING_LABELS: Readonly<Record<SecretEncoding, string>> = {
  utf8: 'UTF-8 text',
  base64url: 'base64url',
  base64: 'base64',
  hex: 'hex',
};
for (const id of ['verify-encoding', 'decrypt-encoding', 'encode-encoding']) {
  const select = byId<HTMLSelectElement>(id);
  for (const encoding of SECRET_ENCODINGS) {
    const chosen = encoding === select.dataset.default;
    select.append(new Option(ENCODING_LABELS[encoding], encoding, chosen, chosen));
  }
}

setUpTabs();
setUpEncode();
syncDecryptMode();
byId('build').textContent = `(${buildInfo.build} build)`;
window.addEventListener('hashchange', fromFragment);
fromFragment();
setTokenText(tokenBox.value);
