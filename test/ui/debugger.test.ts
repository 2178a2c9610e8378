// The offline debugger page end to end in headless Chromium (Debian's chromium, driven by
// playwright-core): served by the built `jwtkit ui`, and opened from disk. Every request the page
// makes is recorded and anything not to its own server is aborted; the page must make none but its
// own load, log no console error, and every view is saved as a screenshot under build/screenshots/.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { encryptJWE, encryptJWT, importKey, signJWT, verifyJWT } from 'jwtkit';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../harness/browser.js';
import { BIN, root, userEnv } from '../support/bin.js';
import { MLDSA44_TOKEN, PQ_KEYS } from '../support/pq-key-fixtures.js';

const PAGE_FILE = join(root, 'dist', 'ui', 'jwtkit-debugger.html');
const SHOTS = join(root, 'build', 'screenshots');
const SECRET = 'a debugger test secret of at least thirty-two bytes';
const NOW = () => Math.floor(Date.now() / 1000);
const ci = process.env.CI === 'true' || process.env.CI === '1';

/** Outside CI a missing chromium skips, naming the package; with CI=true the skip fails the run. */
const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: install the Debian package "chromium"`;
if (missing !== undefined && !ci) console.warn(`SKIP debugger page tests: ${missing}`);

/** An HS256 token made with node:crypto, independent of the code under test. */
function hs256(claims: object, secret = SECRET, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Starts `jwtkit ui` and resolves with its URL (the first line it prints). */
function startUI(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'ui'], { env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`jwtkit ui printed no URL in 15 s: ${stderr}`)), 15_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk;
      const line = /^(http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(stdout);
      if (line !== null) {
        clearTimeout(timer);
        resolve({ child, url: line[1] as string });
      }
    });
    child.on('exit', (code) => reject(new Error(`jwtkit ui exited with ${code}: ${stderr}`)));
  });
}

interface Watched {
  page: Page;
  /** Every URL the page asked for, in order. */
  requests: string[];
  /** Console errors and uncaught exceptions. */
  problems: string[];
}

/** A page whose requests are recorded, where anything but `allowed` (an origin) is aborted. */
async function watchedPage(context: BrowserContext, allowed: string | undefined): Promise<Watched> {
  const page = await context.newPage();
  const requests: string[] = [];
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(`${route.request().method()} ${url}`);
    return allowed !== undefined && url.startsWith(allowed) ? route.continue() : route.abort('blockedbyclient');
  });
  return { page, requests, problems };
}

async function paste(page: Page, text: string): Promise<void> {
  await page.fill('#token', text);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

// innerText on purpose: the text as rendered (hidden parts left out, CSS text-transform applied).
// biome-ignore lint/performance/useDomNodeTextContent: see above
const text = (page: Page, selector: string) => page.locator(selector).innerText();

/** Waits until a result box holds a verdict (it says "…ing…" while working). */
async function resultOf(page: Page, selector: string): Promise<string> {
  await page.waitForFunction(
    (target) => {
      const box = document.querySelector(target);
      return box !== null && box.textContent !== '' && !box.textContent.endsWith('…');
    },
    selector,
    { timeout: 30_000 },
  );
  return text(page, selector);
}

describe('debugger page', { skip: missing }, () => {
  let browser: Browser;
  let context: BrowserContext;
  let ui: { child: ChildProcess; url: string };
  let watched: Watched;
  let page: Page;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ui = await startUI();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    context.setDefaultTimeout(10_000);
    watched = await watchedPage(context, ui.url);
    page = watched.page;
    await page.goto(ui.url);
  });

  after(async () => {
    await browser?.close();
    ui?.child.kill('SIGINT');
  });

  it('decodes a pasted token: coloured parts, JSON, claims with descriptions and times, expiry badge', async () => {
    // 14.5 min ahead: reads "expires in 14 min" for 30 s, however slow the run.
    const token = hs256({ sub: 'user-42', iss: 'https://issuer.example', iat: NOW() - 60, exp: NOW() + 870 });
    await paste(page, `Authorization: Bearer "${token}"`);
    const segments = await page
      .locator('#token-colour span[class^="seg-"]')
      .evaluateAll((spans) => spans.map((span) => [span.className, span.textContent]));
    assert.deepEqual(
      segments,
      token.split('.').map((part, index) => [`seg-${['header', 'payload', 'signature'][index]}`, part]),
    );
    assert.match(await text(page, '#token-summary'), /Signed token \(JWS\) · HS256 · text around the token was dropped/);
    assert.deepEqual(JSON.parse(await text(page, '#header-json')), { alg: 'HS256', typ: 'JWT' });
    assert.equal(JSON.parse(await text(page, '#payload-json')).sub, 'user-42');
    const exp = await text(page, '#payload-table tr:has(code:text-is("exp"))');
    assert.match(exp, /Expiration time/i);
    assert.match(exp, /\d{4}-\d\d-\d\dT.*expires in 1\d min/);
    assert.match(await text(page, '#payload-table'), /Issuer/);
    assert.match(await text(page, '#header-table tr:has(code:text-is("alg"))'), /algorithm/i);
    assert.equal(await text(page, '#expiry-badge'), 'expires in 14 min');
    assert.equal(await page.getAttribute('#expiry-badge', 'class'), 'badge valid');
    await shot(page, 'decode');
  });

  it('shows an expired token with its badge, and a broken token with the exact problem', async () => {
    await paste(page, hs256({ sub: 'x', exp: NOW() - 3 * 86400 }));
    assert.equal(await text(page, '#expiry-badge'), 'expired 3 days ago');
    const good = hs256({ sub: 'x' });
    const [header, payload, signature] = good.split('.') as [string, string, string];
    await paste(page, `${header}.${payload}==.${signature}`);
    assert.match(
      await text(page, '#problems'),
      new RegExp(`payload: padding "=" at position ${header.length + 1 + payload.length}`),
    );
    assert.equal(await page.getAttribute('#token-colour .seg-payload', 'class'), 'seg-payload seg-bad');
    await paste(page, `${header}.${Buffer.from('{"sub": "x",}').toString('base64url')}.${signature}`);
    assert.match(await text(page, '#problems'), /payload.*JSON/i);
    assert.deepEqual(JSON.parse(await text(page, '#header-json')), { alg: 'HS256', typ: 'JWT' });
    await shot(page, 'decode-broken');
    await paste(page, 'not a token at all');
    assert.match(await text(page, '#token-summary'), /no token found/);
  });

  it('verifies with the right secret and reports the code with a wrong one', async () => {
    await paste(page, hs256({ sub: 'user-42', exp: NOW() + 600 }));
    await page.click('#tab-verify');
    await page.fill('#verify-key', SECRET);
    await page.click('#verify-run');
    assert.match(await resultOf(page, '#verify-result'), /Signature verified\. HS256/);
    assert.equal(await page.getAttribute('#verify-result', 'class'), 'result ok');
    await shot(page, 'verify');
    await page.fill('#verify-key', `${SECRET}!`);
    await page.click('#verify-run');
    assert.match(await resultOf(page, '#verify-result'), /Not verified\. ERR_JWS_SIGNATURE_INVALID/);
    await shot(page, 'verify-failed');
    // base64url secrets, and claim checks as options
    await page.fill('#verify-key', Buffer.from(SECRET).toString('base64url'));
    await page.selectOption('#verify-encoding', 'base64url');
    await page.click('#jwks-fetch summary');
    await page.click('details.more summary >> text=Claim checks');
    await page.fill('#verify-iss', 'https://expected.example');
    await page.click('#verify-run');
    assert.match(await resultOf(page, '#verify-result'), /ERR_JWT_CLAIM_INVALID.*iss/);
    await page.fill('#verify-iss', '');
    await page.click('#verify-run');
    assert.match(await resultOf(page, '#verify-result'), /Signature verified/);
    await page.selectOption('#verify-encoding', 'utf8');
  });

  it('verifies with a PEM, a JWK and a JWKS', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const rsaToken = await signJWT(
      { sub: 'rsa' },
      await importKey(rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { alg: 'RS256' }),
    );
    const ecJWK = { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1' };
    const ecToken = await signJWT(
      { sub: 'ec' },
      await importKey(ec.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { alg: 'ES256' }),
      { kid: 'ec-1' },
    );
    await page.click('#tab-verify');
    await paste(page, rsaToken);
    await page.fill('#verify-key', rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string);
    await page.click('#verify-run');
    assert.match(await resultOf(page, '#verify-result'), /Signature verified\. RS256/);
    await paste(page, ecToken);
    await page.fill('#verify-key', JSON.stringify(ecJWK));
    await page.click('#verify-run');
    assert.match(await resultOf(page, '#verify-result'), /Signature verified\. ES256, kid ec-1/);
    await page.fill('#verify-key', JSON.stringify({ keys: [{ ...ecJWK, kid: 'other' }, ecJWK] }));
    await page.click('#verify-run');
    assert.match(await resultOf(page, '#verify-result'), /Signature verified\. ES256, kid ec-1/);
    // A public RSA key for an HS256 token is the classic confusion attack: refused.
    await paste(page, hs256({ sub: 'forged' }, rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string));
    await page.fill('#verify-key', rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string);
    await page.click('#verify-run');
    assert.match(await resultOf(page, '#verify-result'), /Not verified\. ERR_(ALG_NOT_ALLOWED|KEY_MISMATCH)/);
  });

  // The page runs the web build in Chromium, whose WebCrypto has ML-DSA, whatever the Node of this job.
  it('verifies an ML-DSA-44 token with an AKP JWK, and refuses the AKP key as an HMAC secret', async () => {
    await page.click('#tab-verify');
    await paste(page, MLDSA44_TOKEN);
    await page.fill('#verify-key', JSON.stringify({ ...PQ_KEYS.mldsa44.publicJwk, kid: 'pq-1' }));
    await page.click('#verify-run');
    assert.match(await resultOf(page, '#verify-result'), /Signature verified\. ML-DSA-44, kid pq-1/);
    const [header, payload, signature] = MLDSA44_TOKEN.split('.') as [string, string, string];
    await paste(page, `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`);
    await page.click('#verify-run');
    assert.match(await resultOf(page, '#verify-result'), /Not verified\. ERR_JWS_SIGNATURE_INVALID/);
    const akpText = JSON.stringify(PQ_KEYS.mldsa44.publicJwk);
    await paste(page, hs256({ sub: 'forged' }, akpText));
    await page.fill('#verify-key', akpText);
    await page.click('#verify-run');
    assert.match(await resultOf(page, '#verify-result'), /Not verified\. ERR_(ALG_NOT_ALLOWED|KEY_MISMATCH|KEY_INVALID)/);
  });

  it('decrypts a JWE with a key and with a password, and opens a nested token', async () => {
    const key = Buffer.alloc(32, 7);
    const jwe = await encryptJWT({ sub: 'secret-user', exp: NOW() + 600 }, key, { alg: 'dir', enc: 'A256GCM' });
    await paste(page, jwe);
    assert.match(await text(page, '#token-summary'), /Encrypted token \(JWE\) · dir \+ A256GCM/);
    await page.click('#tab-decrypt');
    await page.fill('#decrypt-key', key.toString('base64url'));
    await page.click('#decrypt-run');
    assert.match(await resultOf(page, '#decrypt-result'), /Decrypted\. dir \+ A256GCM/);
    assert.equal(JSON.parse(await text(page, '#decrypt-output')).sub, 'secret-user');
    await shot(page, 'decrypt');
    await page.fill('#decrypt-key', Buffer.alloc(32, 8).toString('base64url'));
    await page.click('#decrypt-run');
    assert.match(await resultOf(page, '#decrypt-result'), /Not decrypted\. ERR_JWE_DECRYPTION_FAILED/);

    const inner = hs256({ sub: 'inside' });
    const password = 'correct horse battery staple';
    // A nested JWT: the compact token is the plaintext, encrypted to a password.
    const nested = await encryptJWE(inner, await importKey(Buffer.from(password), { alg: 'PBES2-HS256+A128KW' }), {
      enc: 'A128GCM',
      cty: 'JWT',
    });
    await paste(page, nested);
    await page.check('#decrypt-with-password');
    await page.fill('#decrypt-password', password);
    await page.click('#decrypt-run');
    assert.match(await resultOf(page, '#decrypt-result'), /Decrypted\. PBES2-HS256\+A128KW/);
    await page.click('#decrypt-open');
    assert.equal(await page.inputValue('#token'), inner);
    assert.equal(await page.getAttribute('#tab-decode', 'aria-selected'), 'true');
    await page.click('#tab-decrypt');
    await page.check('#decrypt-with-key');
    assert.equal(await page.isVisible('#decrypt-key'), true);
  });

  it('encodes: generates a key, signs, and the token verifies with the library in Node', async () => {
    await page.click('#tab-encode');
    await page.selectOption('#encode-alg', 'ES256');
    await page.click('#encode-generate');
    assert.match(await resultOf(page, '#encode-result'), /Generated a ES256 key pair/);
    await page.fill('#encode-payload', JSON.stringify({ sub: 'made-in-the-page', exp: NOW() + 600 }));
    await page.fill('#encode-header', JSON.stringify({ typ: 'JWT', kid: 'page-key' }));
    await page.click('#encode-run');
    assert.match(await resultOf(page, '#encode-result'), /Signed with ES256/);
    await shot(page, 'encode');
    const token = await page.inputValue('#encode-output');
    const publicPEM = await page.inputValue('#encode-public');
    const verified = await verifyJWT(token, await importKey(publicPEM, { alg: 'ES256' }));
    assert.equal(verified.payload.sub, 'made-in-the-page');
    assert.equal(verified.header.kid, 'page-key');

    await page.selectOption('#encode-alg', 'HS256');
    await page.selectOption('#encode-encoding', 'utf8');
    await page.fill('#encode-key', SECRET);
    await page.click('#encode-run');
    assert.match(await resultOf(page, '#encode-result'), /Signed with HS256/);
    const hsToken = await page.inputValue('#encode-output');
    assert.equal(
      (await verifyJWT(hsToken, await importKey(Buffer.from(SECRET), { alg: 'HS256' }))).payload.sub,
      'made-in-the-page',
    );
    await page.click('#encode-generate');
    await resultOf(page, '#encode-result');
    assert.equal(Buffer.from(await page.inputValue('#encode-key'), 'base64url').length, 32);
    await page.fill('#encode-header', JSON.stringify({ alg: 'HS512', typ: 'JWT' }));
    await page.click('#encode-run');
    assert.match(await resultOf(page, '#encode-result'), /Not signed\..*"alg": "HS512", but HS256 is chosen/);
    await page.fill('#encode-header', JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    await page.click('#encode-run');
    assert.match(await resultOf(page, '#encode-result'), /Signed with HS256/);
    await page.fill('#encode-payload', '{"sub": ');
    await page.click('#encode-run');
    assert.match(await resultOf(page, '#encode-result'), /Not signed\..*payload is not JSON/);
    await page.click('#encode-open');
    assert.equal(await page.getAttribute('#tab-decode', 'aria-selected'), 'true');
  });

  it('inspects with the same findings as jwtkit inspect, a well-known secret included', async () => {
    await paste(page, hs256({ sub: 'x', email: 'ada@example.com' }, 'secret', { alg: 'HS256' }));
    await page.click('#tab-inspect');
    await page.waitForFunction(() => document.querySelector('#inspect-status')?.textContent?.includes('secrets tried'), null, {
      timeout: 60_000,
    });
    const findings = await text(page, '#findings');
    assert.match(findings, /HIGH\s*the signature verifies with a well-known secret: s\*\*\*\*t \(6 characters\)/);
    assert.match(findings, /no exp/i);
    assert.match(findings, /e-mail/i);
    assert.doesNotMatch(findings, /\bsecret\b"?\s*$/m, 'the secret itself is never shown');
    await shot(page, 'inspect');
  });

  it('44. ReDoS: reads hostile pasted text in linear time, and says when it is over the cap', async () => {
    // Each wait has the context's 10 s timeout; the former expressions took half a minute per input.
    const fill = (unit: string, length = 240_000) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
    const summary = () => text(page, '#token-summary');
    await page.click('#tab-decode');
    for (const hostile of [`a${fill(' ')}b`, fill('eyJ'), `"x${fill(' ')}x,`]) {
      await paste(page, hostile);
      await page.waitForFunction(() => /no token found/.test(document.querySelector('#token-summary')?.textContent ?? ''));
    }
    await paste(page, `${fill('=', 100_000)}a.b.c`);
    await page.waitForFunction(() => /problem/.test(document.querySelector('#token-summary')?.textContent ?? ''));
    const token = hs256({ sub: 'in noise' });
    await paste(page, `${fill(' ', 200_000)}Bearer ${token}`);
    assert.equal(JSON.parse(await text(page, '#payload-json')).sub, 'in noise', 'positive control: found in noise');
    await paste(page, `${fill(' ', 262_145 - token.length)}${token}`);
    assert.match(
      await summary(),
      /The text is 262,145 characters, over the page's limit of 262,144 \(256 KiB\): paste only the token\./,
    );
    assert.equal(await text(page, '#payload-json'), '');
  });

  it('44. ReDoS: the secret search can be stopped, and a new token stops it', async () => {
    const slow = hs256({ sub: 'x', pad: 'p'.repeat(5000) }, 'a random secret nobody would guess, 8d1f');
    await paste(page, slow);
    await page.click('#tab-inspect');
    await page.waitForSelector('#inspect-stop', { state: 'visible' });
    await page.click('#inspect-stop');
    await page.waitForFunction(() => document.querySelector('#inspect-status')?.textContent?.includes('was stopped'));
    assert.equal(await page.isHidden('#inspect-stop'), true);
    await page.click('#tab-decode');
    await page.click('#tab-inspect');
    await page.waitForSelector('#inspect-stop', { state: 'visible' });
    await paste(page, hs256({ sub: 'y' }, 'secret', { alg: 'HS256' }));
    await page.waitForFunction(() => document.querySelector('#inspect-status')?.textContent?.includes('secrets tried'), null, {
      timeout: 60_000,
    });
    assert.match(await text(page, '#findings'), /well-known secret/);
    const large = hs256({ sub: 'z', pad: 'p'.repeat(7000) }, 'secret', { alg: 'HS256' });
    await paste(page, large);
    await page.waitForFunction(() => document.querySelector('#inspect-status')?.textContent?.includes('was skipped'));
    assert.match(await text(page, '#findings'), /secret search was skipped: the token is \d+ characters, over 8192/);
  });

  it('takes a token from the URL fragment, never the query string', async () => {
    const token = hs256({ sub: 'linked' });
    await page.goto(`${ui.url}#token=${token}`);
    assert.equal(await page.inputValue('#token'), token);
    assert.equal(JSON.parse(await text(page, '#payload-json')).sub, 'linked');
    await page.goto(`${ui.url}?token=${token}`);
    assert.equal(await page.inputValue('#token'), '');
  });

  it('works with the keyboard alone through decode and verify', async () => {
    await page.goto(ui.url);
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to the token');
    await page.keyboard.press('Enter');
    assert.equal(await focused(), 'token');
    await page.keyboard.insertText(hs256({ sub: 'keyboard', exp: NOW() + 600 }));
    assert.match(await text(page, '#token-summary'), /Signed token/);
    for (const id of ['copy-token', 'copy-link', 'clear-token', 'tab-decode']) {
      await page.keyboard.press('Tab');
      assert.equal(await focused(), id);
    }
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(), 'tab-verify');
    assert.equal(await page.isVisible('#view-verify'), true);
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'verify-key');
    await page.keyboard.insertText(SECRET);
    await page.keyboard.press('Tab'); // encoding
    await page.keyboard.press('Tab'); // claim checks
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'verify-run');
    await page.keyboard.press('Enter');
    assert.match(await resultOf(page, '#verify-result'), /Signature verified/);
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'tab-verify');
    await page.keyboard.press('Home');
    assert.equal(await focused(), 'tab-decode');
    assert.equal(await page.isVisible('#view-decode'), true);
  });

  it('labels every control, reads in light and dark schemes, and fits 360 px', async () => {
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea, button')]
        .filter((control) => {
          const labels = (control as HTMLInputElement).labels;
          const named = control.getAttribute('aria-label') || (control.tagName === 'BUTTON' && control.textContent?.trim());
          return !named && (labels === null || labels.length === 0);
        })
        .map((control) => control.id || control.outerHTML),
    );
    assert.deepEqual(unlabelled, []);
    const colours = async () =>
      page.evaluate(() => {
        const style = getComputedStyle(document.body);
        return { background: style.backgroundColor, text: style.color };
      });
    const light = await colours();
    await page.emulateMedia({ colorScheme: 'dark' });
    const dark = await colours();
    assert.notDeepEqual(dark, light);
    await paste(page, hs256({ sub: 'dark', exp: NOW() + 600 }));
    await shot(page, 'decode-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 360, height: 800 });
    for (const view of ['decode', 'verify', 'decrypt', 'inspect', 'encode']) {
      await page.click(`#tab-${view}`);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 360, `the ${view} view is ${width} px wide at a 360 px viewport`);
    }
    await page.click('#tab-decode');
    await shot(page, 'decode-360');
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('made no request but its own load, and logged no console error', () => {
    const own = watched.requests.filter((request) => !request.startsWith(`GET ${ui.url}`));
    assert.deepEqual(own, []);
    assert.deepEqual(watched.problems, []);
  });

  it('sends its policy: connect only to itself, scripts and style only its own', async () => {
    const response = await fetch(ui.url);
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /(^|; )default-src 'self'(;|$)/);
    assert.match(policy, /(^|; )connect-src 'self'(;|$)/);
    assert.match(policy, /(^|; )script-src 'sha256-[^']+'(;|$)/);
    assert.match(policy, /frame-ancestors 'none'/);
    assert.match(await response.text(), /<meta http-equiv="Content-Security-Policy" content="default-src 'self'; /);
    // The browser enforces it: a fetch to another origin is refused before it leaves the page.
    const probe = await watchedPage(context, ui.url);
    await probe.page.goto(ui.url);
    const outcome = await probe.page.evaluate(() =>
      fetch('http://127.0.0.1:9/collect', { method: 'POST', body: 'token' }).then(
        () => 'sent',
        (error: Error) => `refused: ${error.message}`,
      ),
    );
    assert.match(outcome, /^refused/);
    assert.deepEqual(
      probe.requests.filter((request) => !request.startsWith(`GET ${ui.url}`)),
      [],
      'the refused fetch never reached the network layer',
    );
    assert.ok(probe.problems.some((problem) => /Content Security Policy/.test(problem)));
    await probe.page.close();
  });

  describe('fetching a JWKS (the one request, through jwtkit ui)', () => {
    let provider: Server;
    let providerURL: string;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    before(async () => {
      const jwks = { keys: [{ ...ec.publicKey.export({ format: 'jwk' }), kid: 'idp-1', alg: 'ES256', use: 'sig' }] };
      let served = 0;
      provider = createServer((request, response) => {
        if (++served > 20) return void response.writeHead(429).end();
        if (request.url === '/jwks.json')
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
        else if (request.url === '/elsewhere') response.writeHead(302, { location: 'http://127.0.0.2:1/jwks.json' }).end();
        else response.writeHead(404).end();
      });
      await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
      providerURL = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    });
    after(() => provider.close());

    it('fills the key box from the URL on request, and the token verifies', async () => {
      const token = await signJWT(
        { sub: 'from-idp', exp: NOW() + 600 },
        await importKey(ec.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { alg: 'ES256' }),
        { kid: 'idp-1' },
      );
      const { page: jwksPage, requests, problems } = await watchedPage(context, ui.url);
      await jwksPage.goto(ui.url);
      await paste(jwksPage, token);
      await jwksPage.click('#tab-verify');
      await jwksPage.click('#jwks-fetch summary');
      await jwksPage.fill('#jwks-url', `${providerURL}/jwks.json`);
      await jwksPage.click('#jwks-run');
      assert.match(await resultOf(jwksPage, '#jwks-result'), /Fetched 1 key into the key box/);
      await jwksPage.click('#verify-run');
      assert.match(await resultOf(jwksPage, '#verify-result'), /Signature verified\. ES256, kid idp-1/);
      assert.deepEqual(
        requests.filter((request) => !request.startsWith(`GET ${ui.url}`)),
        [`POST ${ui.url}jwks`],
        'the page asked its own server, never the provider',
      );
      await jwksPage.fill('#jwks-url', `${providerURL}/elsewhere`);
      await jwksPage.click('#jwks-run');
      assert.match(await resultOf(jwksPage, '#jwks-result'), /redirects to another origin/);
      await jwksPage.fill('#jwks-url', 'http://example.com/jwks.json');
      await jwksPage.click('#jwks-run');
      assert.match(await resultOf(jwksPage, '#jwks-result'), /must be https \(http only on a loopback host\)/);
      assert.deepEqual(
        problems.filter((problem) => !/status of 400/.test(problem)),
        [],
      );
      await jwksPage.close();
    });

    it('answers no one but the page it served', async () => {
      const body = JSON.stringify({ url: `${providerURL}/jwks.json` });
      const post = (headers: Record<string, string>) =>
        fetch(`${ui.url}jwks`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      assert.equal((await post({})).status, 403);
      assert.equal((await post({ 'x-jwtkit-session': 'guess' })).status, 403);
      const html = await (await fetch(ui.url)).text();
      const session = /name="jwtkit-session" content="([^"]+)"/.exec(html)?.[1] as string;
      assert.equal((await post({ 'x-jwtkit-session': session, origin: 'https://evil.example' })).status, 403);
      assert.equal((await post({ 'x-jwtkit-session': session })).status, 200);
      // DNS rebinding: the right address under another name is refused.
      const { request } = await import('node:http');
      const rebound = await new Promise<number>((resolve, reject) => {
        const port = new URL(ui.url).port;
        request({ host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      assert.equal(rebound, 421);
    });
  });

  it('opens from disk as a single file and works without any server', async () => {
    const { page: filePage, requests, problems } = await watchedPage(context, undefined);
    await filePage.unroute('**/*');
    await filePage.route('**/*', (route) => {
      requests.push(`${route.request().method()} ${route.request().url()}`);
      return route.request().url().startsWith('file:') ? route.continue() : route.abort('blockedbyclient');
    });
    await filePage.goto(pathToFileURL(PAGE_FILE).href);
    await paste(filePage, hs256({ sub: 'from-disk', exp: NOW() + 600 }));
    assert.equal(JSON.parse(await text(filePage, '#payload-json')).sub, 'from-disk');
    await filePage.click('#tab-verify');
    await filePage.fill('#verify-key', SECRET);
    await filePage.click('#verify-run');
    assert.match(await resultOf(filePage, '#verify-result'), /Signature verified/);
    await filePage.click('#jwks-fetch summary');
    await filePage.fill('#jwks-url', 'https://issuer.example/jwks.json');
    await filePage.click('#jwks-run');
    assert.match(await resultOf(filePage, '#jwks-result'), /opened as a file, the page makes no request/);
    assert.deepEqual(
      requests.filter((request) => !request.startsWith('GET file:')),
      [],
    );
    assert.deepEqual(problems, []);
    await filePage.close();
  });
});
