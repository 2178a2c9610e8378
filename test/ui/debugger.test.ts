// The offline debugger page end to end in headless Chromium (Debian's chromium, driven by
// playwright-core): served by the built `jwtkit ui`, and opened from disk. Every request the page
// makes is recorded and anything not to its own server is aborted; the page must make none but its
// own load, log no console error, and every view is saved as a screenshot under build/screenshots/.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createHmac, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import {
  createDPoPProof,
  encryptJWE,
  encryptJWT,
  generateKeyPair,
  importKey,
  JWS_ALGORITHMS,
  jwkThumbprint,
  signJWT,
  verifyJWT,
} from 'jwtkit';
import { explainSDJWT } from 'jwtkit/inspect';
import { issueSDJWT, presentSDJWT } from 'jwtkit/sd-jwt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../harness/browser.js';
import { BIN, root, userEnv } from '../support/bin.js';
import { decodePNG, type Image } from '../support/png.js';
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
function hs256(claims: object, secret: string | Buffer = SECRET, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** The sample the page opens with: jwt.io's claims, signed with the secret docs/debugger.md gives. */
const SAMPLE_SECRET = 'a-string-secret-at-least-256-bits-long';
const SAMPLE_TOKEN = hs256({ sub: '1234567890', name: 'John Doe', admin: true, iat: 1516239022 }, SAMPLE_SECRET);

/** The payload of a compact JWS, decoded in Node. */
const payloadOf = (token: string): unknown => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());

/** Whether an HS* token's signature is right for these secret bytes, checked with node:crypto. */
function hmacValid(token: string, secret: Buffer | string): boolean {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const alg = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg: string }).alg;
  const hash = `sha${alg.slice(2)}`;
  return createHmac(hash, secret).update(`${header}.${payload}`).digest('base64url') === signature;
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

interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The pixels of a region, clipped to the image. */
function* pixels(image: Image, region: Region): Generator<[number, number, number]> {
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  const x1 = Math.min(image.width, Math.ceil(region.x + region.width));
  const y1 = Math.min(image.height, Math.ceil(region.y + region.height));
  for (let y = y0; y < y1; y++)
    for (let x = x0; x < x1; x++) {
      const at = (y * image.width + x) * 4;
      yield [image.rgba[at] as number, image.rgba[at + 1] as number, image.rgba[at + 2] as number];
    }
}

/** The share of a region's pixels that differ from its most common colour: text, borders, fills. */
function inked(image: Image, region: Region): number {
  const counts = new Map<number, number>();
  let total = 0;
  for (const [r, g, b] of pixels(image, region)) {
    const key = (r << 16) | (g << 8) | b;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    total++;
  }
  const common = Math.max(0, ...counts.values());
  return total === 0 ? 0 : (total - common) / total;
}

/** How many of a region's pixels are within a small distance of a CSS colour (#rrggbb): anti-aliasing blurs only edges. */
function holds(image: Image, region: Region, css: string): number {
  const wanted = [1, 3, 5].map((at) => Number.parseInt(css.slice(at, at + 2), 16));
  let count = 0;
  for (const pixel of pixels(image, region))
    if (pixel.every((channel, index) => Math.abs(channel - (wanted[index] as number)) <= 24)) count++;
  return count;
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
    assert.equal(await page.inputValue('#token'), SAMPLE_TOKEN, 'the query is ignored: the page opens on its sample');
  });

  it('works with the keyboard alone through decode and verify', async () => {
    await page.goto(ui.url);
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to the token');
    await page.keyboard.press('Enter');
    assert.equal(await focused(), 'token');
    await page.keyboard.press('ControlOrMeta+A'); // the sample token
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

  describe('first hour (issue 29)', () => {
    /** A page of its own, opened on the served page with nothing in the fragment. */
    async function fresh(viewport = { width: 1200, height: 900 }): Promise<Watched> {
      const opened = await watchedPage(context, ui.url);
      await opened.page.setViewportSize(viewport);
      await opened.page.goto(ui.url);
      return opened;
    }

    /** The page made no request but its own, and logged no error; then it closes. */
    async function done({ page: opened, requests, problems }: Watched): Promise<void> {
      assert.deepEqual(
        requests.filter((request) => !request.startsWith(`GET ${ui.url}`)),
        [],
      );
      assert.deepEqual(problems, []);
      await opened.close();
    }

    it('hides the expiry badge when the token is cleared or replaced by garbage', async () => {
      const watching = await fresh();
      const own = watching.page;
      const badgeShown = () => own.isVisible('#expiry-badge');
      await paste(own, hs256({ sub: 'x', exp: NOW() + 600 }));
      assert.equal(await badgeShown(), true, 'positive control: a token with exp shows its badge');
      await own.click('#clear-token');
      assert.equal(await badgeShown(), false, 'cleared');
      await paste(own, hs256({ sub: 'x', exp: NOW() - 600 }));
      assert.equal(await badgeShown(), true);
      await paste(own, 'not a token at all');
      assert.equal(await badgeShown(), false, 'garbage');
      // Whatever the box holds, the badge shows exactly when a payload was decoded.
      const tokenish = fc.constantFrom(hs256({ sub: 'y', exp: NOW() + 600 }), hs256({ sub: 'z' }), 'eyJhbGciOiJIUzI1NiJ9.e30.');
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string(),
            tokenish,
            fc.tuple(tokenish, fc.string()).map(([t, junk]) => t + junk),
          ),
          async (input) => {
            await paste(own, input);
            const payload = await text(own, '#payload-json');
            let decoded = false;
            try {
              decoded = typeof JSON.parse(payload) === 'object';
            } catch {
              decoded = false;
            }
            assert.equal(await badgeShown(), decoded, `badge for ${JSON.stringify(input)}`);
          },
        ),
        { numRuns: 30 },
      );
      await done(watching);
    });

    it('guesses how a Verify secret is written, and never takes key material as a secret', async () => {
      const watching = await fresh();
      const own = watching.page;
      await own.click('#tab-verify');
      assert.equal(await own.inputValue('#verify-encoding'), 'guess');
      const secret = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff));
      await paste(own, hs256({ sub: 'b64' }, secret));
      await own.fill('#verify-key', secret.toString('base64url'));
      await own.click('#verify-run');
      assert.match(
        await resultOf(own, '#verify-result'),
        /Signature verified\. HS256.*The secret was read as base64url: as UTF-8 text it did not verify\./,
      );
      // Chosen explicitly as UTF-8 text: not verified, with the hint.
      await own.selectOption('#verify-encoding', 'utf8');
      await own.click('#verify-run');
      assert.match(
        await resultOf(own, '#verify-result'),
        /Not verified\. ERR_JWS_SIGNATURE_INVALID.*The signature verifies with the secret read as base64url: choose base64url above\./,
      );
      await own.selectOption('#verify-encoding', 'guess');
      // A claim failure after a good signature is the right reading too: its error is the one shown.
      await paste(own, hs256({ sub: 'b64', exp: NOW() - 600 }, secret));
      await own.click('#verify-run');
      assert.match(await resultOf(own, '#verify-result'), /Not verified\. ERR_JWT_EXPIRED.*read as base64url/);
      // Issue 26: the base64 of a DER public key is key material; an HMAC made with those bytes never verifies.
      const der = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
      await paste(own, hs256({ sub: 'forged' }, der));
      for (const written of [der.toString('base64url'), der.toString('base64'), der.toString('hex')]) {
        await own.fill('#verify-key', written);
        await own.click('#verify-run');
        const verdictText = await resultOf(own, '#verify-result');
        assert.match(verdictText, /^Not verified\./, verdictText);
        assert.doesNotMatch(verdictText, /Signature verified|signature verifies/);
      }
      // Any secret, written any way: the guess verifies it and names a reading that gives its bytes;
      // another secret never verifies.
      const written = { base64url: 'base64url', base64: 'base64', hex: 'hex' } as const;
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ minLength: 32, maxLength: 64 }),
          fc.uint8Array({ minLength: 32, maxLength: 64 }),
          fc.constantFrom(...(Object.keys(written) as (keyof typeof written)[])),
          async (bytes, other, encoding) => {
            const key = Buffer.from(bytes);
            await paste(own, hs256({ sub: 'p' }, key));
            await own.fill('#verify-key', key.toString(encoding));
            await own.click('#verify-run');
            const ok = await resultOf(own, '#verify-result');
            const reading = /read as (base64url|base64|hex)/.exec(ok)?.[1] as BufferEncoding | undefined;
            assert.match(ok, /^Signature verified\./, ok);
            assert.ok(reading === undefined || Buffer.from(key.toString(encoding), reading).equals(key), ok);
            if (Buffer.from(other).equals(key)) return;
            await own.fill('#verify-key', Buffer.from(other).toString(encoding));
            await own.click('#verify-run');
            assert.match(await resultOf(own, '#verify-result'), /^Not verified\./);
          },
        ),
        { numRuns: 12 },
      );
      await done(watching);
    });

    it('offers only the algorithms this browser can run, found by trying', async () => {
      const watching = await fresh();
      const own = watching.page;
      await own.waitForSelector('#encode-alg[data-ready="true"]', { state: 'attached' });
      const offered = await own
        .locator('#encode-alg option')
        .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
      // Chromium's WebCrypto has no secp256k1: the page finds that out itself.
      const k256 = await own.evaluate(() =>
        crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'K-256' }, false, ['sign']).then(
          () => 'generated',
          (error: Error) => error.name,
        ),
      );
      assert.equal(k256, 'NotSupportedError');
      assert.ok(!offered.includes('ES256K'), `ES256K offered: ${offered.join(' ')}`);
      for (const alg of ['HS256', 'HS512', 'RS256', 'PS384', 'ES256', 'ES512', 'EdDSA'])
        assert.ok(offered.includes(alg), `${alg} is missing from ${offered.join(' ')}`);
      assert.deepEqual(
        offered,
        JWS_ALGORITHMS.filter((alg) => offered.includes(alg)),
        'in the registry order',
      );
      // Every algorithm offered signs in the page (keys of each kind generated there).
      await own.click('#tab-encode');
      for (const alg of offered.filter((each) => !/^(RS|PS)(384|512)$/.test(each))) {
        await own.selectOption('#encode-alg', alg);
        await own.click('#encode-generate');
        assert.match(await resultOf(own, '#encode-result'), new RegExp(`Signed with ${alg}\\.`), alg);
      }
      await done(watching);
    });

    it('shows the version from package.json in the footer', async () => {
      const watching = await fresh();
      const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
      assert.match(
        await text(watching.page, 'footer'),
        new RegExp(`^jwtkit ${version.replace(/\./g, '\\.')} \\(web build\\)\\.`),
      );
      await done(watching);
    });

    it('opens on a sample token that says so and verifies with its documented secret', async () => {
      const watching = await fresh();
      const own = watching.page;
      assert.equal(await own.inputValue('#token'), SAMPLE_TOKEN);
      assert.ok(hmacValid(SAMPLE_TOKEN, SAMPLE_SECRET));
      assert.ok(readFileSync(join(root, 'docs', 'debugger.md'), 'utf8').includes(SAMPLE_SECRET), 'the secret is documented');
      assert.match(await text(own, '#sample-note'), new RegExp(`sample token, signed with the HS256 secret ${SAMPLE_SECRET}`));
      assert.deepEqual(JSON.parse(await text(own, '#payload-json')), payloadOf(SAMPLE_TOKEN));
      assert.equal(await text(own, '#expiry-badge'), 'never expires');
      await own.click('#tab-verify');
      await own.fill('#verify-key', SAMPLE_SECRET);
      await own.click('#verify-run');
      assert.match(await resultOf(own, '#verify-result'), /^Signature verified\. HS256; the claims pass their checks\.$/);
      await paste(own, hs256({ sub: 'mine' }));
      assert.equal(await own.isVisible('#sample-note'), false, 'the note leaves with the sample');
      // A link's token, not the sample.
      const linked = hs256({ sub: 'linked' });
      await own.goto(`${ui.url}#token=${linked}`);
      assert.equal(await own.inputValue('#token'), linked);
      assert.equal(await own.isVisible('#sample-note'), false);
      await done(watching);
    });

    it('signs again on every Encode edit, and fills Encode from a token put in the box', async () => {
      const watching = await fresh();
      const own = watching.page;
      await own.click('#tab-encode');
      assert.deepEqual(JSON.parse(await own.inputValue('#encode-payload')), payloadOf(SAMPLE_TOKEN));
      assert.deepEqual(JSON.parse(await own.inputValue('#encode-header')), { typ: 'JWT' });
      assert.equal(await own.inputValue('#encode-key'), SAMPLE_SECRET);
      const boxToken = () => own.inputValue('#token');
      const changed = (from: string) =>
        own.waitForFunction((old) => (document.querySelector('#token') as HTMLTextAreaElement).value !== old, from);
      // Payload edits: the box holds the new token, signed with the key shown, decoded by the page.
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
          async (claims) => {
            const before = await boxToken();
            const wanted = { ...claims, n: before.length };
            await own.fill('#encode-payload', JSON.stringify(wanted));
            await changed(before);
            const token = await boxToken();
            assert.deepEqual(payloadOf(token), JSON.parse(JSON.stringify(wanted)));
            assert.ok(hmacValid(token, SAMPLE_SECRET));
            assert.equal(await own.inputValue('#encode-output'), token);
            assert.match(await resultOf(own, '#encode-result'), /Signed with HS256/);
          },
        ),
        { numRuns: 10 },
      );
      // Key, header and algorithm edits sign again too.
      let before = await boxToken();
      await own.fill('#encode-key', SECRET);
      await changed(before);
      assert.ok(hmacValid(await boxToken(), SECRET));
      before = await boxToken();
      await own.fill('#encode-header', JSON.stringify({ typ: 'JWT', kid: 'k-1' }));
      await changed(before);
      assert.deepEqual(JSON.parse(Buffer.from((await boxToken()).split('.')[0] as string, 'base64url').toString()), {
        alg: 'HS256',
        typ: 'JWT',
        kid: 'k-1',
      });
      before = await boxToken();
      await own.selectOption('#encode-alg', 'HS384');
      await changed(before);
      assert.ok(hmacValid(await boxToken(), SECRET));
      assert.match(await text(own, '#token-summary'), /HS384/);
      // The other way: a token pasted in the box fills Encode, and stays as it was pasted.
      const pasted = hs256({ sub: 'pasted', scope: 'read' }, SECRET, { alg: 'HS256', typ: 'JWT', kid: 'other' });
      await paste(own, pasted);
      assert.deepEqual(JSON.parse(await own.inputValue('#encode-payload')), { sub: 'pasted', scope: 'read' });
      assert.deepEqual(JSON.parse(await own.inputValue('#encode-header')), { typ: 'JWT', kid: 'other' });
      assert.equal(await own.inputValue('#encode-alg'), 'HS256', "the menu follows the token's alg");
      assert.equal(await boxToken(), pasted, 'pasting does not sign again');
      // Editing after the paste signs the pasted claims with the key shown, as HS256.
      await own.fill('#encode-payload', JSON.stringify({ sub: 'pasted', scope: 'write' }));
      await changed(pasted);
      assert.ok(hmacValid(await boxToken(), SECRET));
      assert.deepEqual(payloadOf(await boxToken()), { sub: 'pasted', scope: 'write' });
      // A token this page cannot sign keeps its alg in the header, where signing names the mismatch.
      await paste(own, hs256({ sub: 'k' }, SECRET, { alg: 'ES256K', typ: 'JWT' }));
      assert.deepEqual(JSON.parse(await own.inputValue('#encode-header')), { alg: 'ES256K', typ: 'JWT' });
      await done(watching);
    });

    it('renders the first screen: a screenshot at 1280×800 holds the key regions, drawn', async () => {
      const watching = await fresh({ width: 1280, height: 800 });
      const own = watching.page;
      await own.waitForSelector('#token-colour .seg-signature');
      const file = join(SHOTS, 'first-screen.png');
      writeFileSync(file, await own.screenshot({ caret: 'hide', animations: 'disabled' }));
      const image = decodePNG(readFileSync(file));
      assert.deepEqual([image.width, image.height], [1280, 800]);
      const palette = await own.evaluate(() => {
        const style = getComputedStyle(document.documentElement);
        const value = (name: string) => style.getPropertyValue(name).trim();
        return {
          bg: value('--bg'),
          header: value('--header'),
          payload: value('--payload'),
          signature: value('--signature'),
          warnBg: value('--warn-bg'),
        };
      });
      const box = async (selector: string) => {
        const found = await own.locator(selector).boundingBox();
        assert.ok(found !== null, `${selector} is not rendered`);
        return found;
      };
      // The regions a newcomer sees first, all above the fold.
      const regions = [
        'h1',
        '#sample-note',
        '#token',
        '#token-colour',
        '.tabs',
        '#header-json',
        '#payload-json',
        '#expiry-badge',
      ];
      for (const selector of regions) {
        const { x, y, width, height } = await box(selector);
        assert.ok(
          width > 0 && height > 0 && x >= 0 && y >= 0 && x + width <= 1280 && y + height <= 800,
          `${selector} at ${x},${y} ${width}×${height}`,
        );
        assert.ok(inked(image, { x, y, width, height }) > 0.01, `${selector} is drawn (it is blank in the screenshot)`);
      }
      assert.ok(inked(image, { x: 0, y: 0, width: 1280, height: 800 }) > 0.03, 'the screen is not blank');
      const colour = await box('#token-colour');
      for (const part of ['header', 'payload', 'signature'] as const)
        assert.ok(holds(image, colour, palette[part]) >= 20, `the token's ${part} is drawn in ${palette[part]}`);
      assert.ok(holds(image, await box('#expiry-badge'), palette.warnBg) > 100, 'the "never expires" badge has its colour');
      assert.ok(holds(image, await box('#sample-note'), palette.warnBg) > 1000, 'the sample note has its colour');
      await done(watching);
    });
  });

  describe('DPoP proofs and SD-JWTs (issues 30 and 31)', () => {
    it('explains a DPoP proof and checks ath against a pasted access token', async () => {
      const keyPair = await generateKeyPair('ES256', { extractable: true });
      const accessToken = hs256({ sub: 'client-7', cnf: { jkt: 'x' }, exp: NOW() + 600 });
      const proof = await createDPoPProof(keyPair, { htm: 'PATCH', htu: 'https://api.example.com/items/9?x=1', accessToken });
      await page.click('#tab-decode');
      await paste(page, `DPoP: ${proof}`);
      await page.waitForSelector('#dpop-box:not([hidden])');
      const table = await text(page, '#dpop-table');
      assert.match(table, /htm[\s\S]*PATCH/);
      assert.match(table, /https:\/\/api\.example\.com\/items\/9/);
      assert.match(table, /made \d+ s ago/);
      assert.ok(table.includes(await jwkThumbprint(keyPair.publicKey)), 'the key thumbprint (jkt)');
      await page.fill('#dpop-access-token', `DPoP ${accessToken}`);
      assert.match(await resultOf(page, '#dpop-ath-result'), /ath matches/);
      assert.equal(await page.getAttribute('#dpop-ath-result', 'class'), 'result ok');
      await page.fill('#dpop-access-token', hs256({ sub: 'someone-else' }));
      assert.match(await resultOf(page, '#dpop-ath-result'), /ath does not match/);
      await shot(page, 'decode-dpop');
      // The access token itself has cnf.jkt: the key-binding panel explains it; the DPoP panel goes.
      await paste(page, accessToken);
      await page.waitForSelector('#dpop-box[hidden]', { state: 'attached' });
      assert.match(await text(page, '#cnf-table'), /bound to a DPoP key/);
    });

    it('shows each SD-JWT Disclosure with its digest next to the payload it fills in', async () => {
      const issuer = await generateKeyPair('ES256');
      const claims = {
        sub: 'u-1',
        given_name: 'Ada',
        address: { locality: 'London', country: 'GB' },
        nationalities: ['GB', 'FR'],
      };
      const sdJwt = await issueSDJWT(claims, issuer.privateKey, {
        disclosable: { _sd: ['given_name', 'address'], address: { _sd: ['locality', 'country'] }, nationalities: { _sd: [1] } },
        decoys: 1,
      });
      const presentation = await presentSDJWT(sdJwt, {
        disclose: [
          ['address', 'country'],
          ['nationalities', 1],
        ],
      });
      await page.click('#tab-decode');
      await paste(page, presentation);
      await page.waitForSelector('#sd-jwt-box:not([hidden])');
      const rows = await page
        .locator('#disclosure-table tbody tr')
        .evaluateAll((trs) =>
          trs.map((tr) => [tr.querySelector('code.path')?.textContent, tr.querySelector('.desc')?.textContent]),
        );
      const expected = await explainSDJWT(presentation);
      assert.deepEqual(
        rows,
        expected.disclosures.map((d) => [d.path, `digest ${createHash('sha256').update(d.encoded).digest('base64url')}`]),
      );
      assert.deepEqual(rows.map(([path]) => path).sort(), ['address', 'address.country', 'nationalities[1]']);
      assert.match(await text(page, '#token-summary'), /^SD-JWT/);
      assert.deepEqual(JSON.parse(await text(page, '#sd-jwt-claims')), {
        sub: 'u-1',
        address: { country: 'GB' },
        nationalities: ['GB', 'FR'],
        iat: (payloadOf(presentation.split('~')[0] as string) as { iat: number }).iat,
      });
      // The issuer-signed payload, digests and all, stays in the Payload column beside it.
      assert.ok(Array.isArray(JSON.parse(await text(page, '#payload-json'))._sd));
      // Withheld: given_name, address.locality, and one decoy at each of the two levels.
      assert.match(await text(page, '#sd-jwt-summary'), /3 Disclosures .* 4 digests undisclosed/);
      await shot(page, 'decode-sd-jwt');
      // A plain JWT hides the panel again.
      await paste(page, hs256({ sub: 'plain' }));
      await page.waitForSelector('#sd-jwt-box[hidden]', { state: 'attached' });
    });
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
