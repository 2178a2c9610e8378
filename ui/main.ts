/**
 * The offline debugger page: jwt.io's views (decode, verify, decrypt, inspect, encode) on jwtkit's
 * web build, inside a Content-Security-Policy that lets the page connect nowhere but where it was
 * served from. Tokens arrive by pasting or by the URL fragment (`#token=`), which browsers never send.
 */
import { buildInfo } from 'jwtkit';
import { SECRET_ENCODINGS, type SecretEncoding } from 'jwtkit/inspect';
import { SAMPLE_SECRET, SAMPLE_TOKEN, VERSION } from './build-time.js';
import { runDecode } from './decode.js';
import { innerToken, runDecrypt, syncDecryptMode } from './decrypt.js';
import { byId, copyText, verdict } from './dom.js';
import { encodeFromToken, generate, onSigned, setUpEncode, sign } from './encode.js';
import { checkAth, runExtras } from './extras.js';
import { runInspect, stopInspect } from './inspect.js';
import { currentToken, onToken, setTokenText } from './state.js';
import { activeView, onShow, setUpTabs, showView } from './tabs.js';
import { fetchJWKS, GUESS, GUESS_LABEL, runVerify } from './verify.js';

const tokenBox = byId<HTMLTextAreaElement>('token');

/** Puts a token in the box, as if pasted, and shows it decoded. */
function load(text: string, view: 'decode' | 'keep' = 'decode'): void {
  tokenBox.value = text;
  setTokenText(text);
  if (view === 'decode') showView('decode');
}

/** The token of a `#token=` link, if the page was opened with one. */
function fragmentToken(): string | null {
  // `#token` alone is the skip link's target, not a deep link.
  return new URLSearchParams(location.hash.slice(1)).get('token');
}

function fromFragment(): void {
  const token = fragmentToken();
  if (token) load(token);
}

/** Opened without a token, the page shows the sample one, with its secret in Encode so that edits re-sign it. */
function loadSample(): void {
  byId<HTMLTextAreaElement>('encode-key').value = SAMPLE_SECRET;
  load(SAMPLE_TOKEN);
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
onToken((state) => void runExtras(state));
byId('dpop-access-token').addEventListener('input', () => void checkAth());
onToken((_, source) => {
  // The Encode view's own result says what it signed; the token it put in the box does not clear it.
  const results = ['verify-result', 'decrypt-result', ...(source === 'encode' ? [] : ['encode-result'])];
  for (const id of results) verdict(byId(id), '');
  if (activeView() === 'inspect') void runInspect();
  else stopInspect();
});
onToken(encodeFromToken);
onToken(() => {
  byId('sample-note').hidden = currentToken()?.token !== SAMPLE_TOKEN;
});
onSigned((token) => {
  tokenBox.value = token;
  setTokenText(token, 'encode');
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
  // Verify can try the readings in turn: the token's signature tells which one is right.
  if (id === 'verify-encoding') select.append(new Option(GUESS_LABEL, GUESS, true, true));
  for (const encoding of SECRET_ENCODINGS) {
    const chosen = encoding === select.dataset.default;
    select.append(new Option(ENCODING_LABELS[encoding], encoding, chosen, chosen));
  }
}

setUpTabs();
void setUpEncode();
syncDecryptMode();
byId('sample-secret').textContent = SAMPLE_SECRET;
byId('build').textContent = `${VERSION} (${buildInfo.build} build)`;
window.addEventListener('hashchange', fromFragment);
if (fragmentToken()) fromFragment();
else loadSample();
