// The CLI as users run it: the built binary (dist/cli/jwtkit.js, the package's bin) in a
// subprocess, for every command, with valid and invalid input, exit codes, --json parsed, stdin,
// piped versus terminal output, and key files with loose permissions.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { decryptJWT, importKey, jwkThumbprint, signJWT, verifyJWT } from 'jwtkit';
import { BIN, bashCompletions, type Run, runCLI, userEnv } from '../support/bin.js';
import { forgeHMAC, OWNERS, placedKey } from '../support/key-forms.js';

const dir = mkdtempSync(join(tmpdir(), 'jwtkit-cli-'));
const SECRET = 'a cli test secret of at least thirty-two bytes';
const NOW = () => Math.floor(Date.now() / 1000);

function jwtkit(args: string[], options: { input?: string; env?: Record<string, string | undefined> } = {}): Run {
  return runCLI(dir, args, options);
}

/** The same, without blocking this process: for tests whose server runs in this process. */
function jwtkitAsync(args: string[]): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: userEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise((resolve) => {
    child.on('close', (status) => resolve({ status, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}

function file(name: string, content: string | Uint8Array, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

/** An HS256 token with any header and claims, made with node:crypto (the CLI must not be trusted to make its own test input). */
function hs256(claims: object, secret: string | Buffer = SECRET, header: object = { alg: 'HS256', typ: 'JWT' }): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what colour output starts with
const ANSI = /\u001b\[/;
let secretFile: string;

before(() => {
  assert.ok(existsSync(BIN), `${BIN} is built by npm run build`);
  secretFile = file('secret.txt', `${SECRET}\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('jwtkit decode', () => {
  const token = hs256({ sub: 'ada', iat: NOW(), exp: NOW() + 900 });

  it('shows header and claims, says NOT VERIFIED, and gives times as ISO and relative', () => {
    const run = jwtkit(['decode', token]);
    assert.equal(run.status, 0);
    assert.match(run.stdout, /NOT VERIFIED/);
    assert.match(run.stdout, /"sub": "ada"/);
    assert.match(run.stdout, /expires in 1[45] min/);
    assert.match(run.stdout, /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z/);
    assert.doesNotMatch(run.stdout, ANSI, 'piped output is plain');
  });

  it('accepts pasted noise: a whole Authorization line, quotes, whitespace, and stdin', () => {
    for (const pasted of [
      `Authorization: Bearer ${token}`,
      `"${token}"`,
      `  bearer ${token.slice(0, 30)}\n${token.slice(30)}  `,
    ]) {
      const run = jwtkit(['decode', pasted, '--json']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal((run.json().payload as { sub: string }).sub, 'ada');
    }
    const piped = jwtkit(['decode', '-', '--json'], { input: `Authorization: Bearer ${token}\n` });
    assert.deepEqual(piped.json().verified, false);
    assert.equal((piped.json().header as { alg: string }).alg, 'HS256');
  });

  it('colours the parts with FORCE_COLOR and on a terminal, never with NO_COLOR', (t) => {
    assert.match(jwtkit(['decode', token], { env: { FORCE_COLOR: '1' } }).stdout, ANSI);
    // A pseudo-terminal through script(1), with no colour variables inherited from the test runner.
    const onTerminal = (env: Record<string, string | undefined>) =>
      spawnSync('script', ['-qec', `${process.execPath} ${BIN} decode ${token}`, '/dev/null'], {
        encoding: 'utf8',
        env: userEnv({ TERM: 'xterm', ...env }),
      });
    const coloured = onTerminal({});
    if (coloured.error !== undefined) {
      const why = 'script(1) is missing (Debian package bsdutils): the pseudo-terminal case is not run';
      if (process.env.CI === 'true' || process.env.CI === '1') assert.fail(why);
      t.skip(why);
      return;
    }
    assert.match(coloured.stdout, ANSI, 'a pseudo-terminal gets colour');
    assert.doesNotMatch(onTerminal({ NO_COLOR: '1' }).stdout, ANSI);
  });

  it('decodes a broken token as far as it goes and names the problem with its position', () => {
    const [h, p, s] = token.split('.') as [string, string, string];
    const run = jwtkit(['decode', `${h}=.${p}.${s}`, '--json']);
    assert.equal(run.status, 1);
    const result = run.json() as { problems: string[]; payload: { sub: string } };
    assert.equal(result.payload.sub, 'ada');
    assert.match(result.problems.join('\n'), new RegExp(`header: padding "=" at position ${h.length}`));
    const twoParts = jwtkit(['decode', `${h}.${p}`]);
    assert.equal(twoParts.status, 1);
    assert.match(twoParts.stdout, /3 parts \(signed\) or 5 parts \(encrypted\); this one has 2/);
  });

  it('says what an encrypted token is without a key', () => {
    const jwe = ['eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0', '', 'AAAAAAAAAAAAAAAA', 'AAAA', 'AAAAAAAAAAAAAAAAAAAAAA'].join('.');
    const run = jwtkit(['decode', jwe, '--json']);
    assert.equal(run.json().kind, 'JWE');
    assert.deepEqual(run.json().header, { alg: 'dir', enc: 'A256GCM' });
  });

  it('fails with a usage error on empty input', () => {
    const run = jwtkit(['decode', '-', '--json'], { input: '   ' });
    assert.equal(run.status, 2);
    assert.equal((run.json().error as { code: string }).code, 'ERR_USAGE');
  });
});

describe('jwtkit verify', () => {
  const valid = () => hs256({ sub: 'ada', iss: 'https://issuer.test', aud: 'api', iat: NOW(), exp: NOW() + 600 });

  it('exits 0 for a valid token and prints the payload', () => {
    const run = jwtkit(['verify', valid(), '--key', secretFile, '--iss', 'https://issuer.test', '--aud', 'api', '--json']);
    assert.equal(run.status, 0, run.stdout);
    assert.equal(run.json().valid, true);
    assert.equal((run.json().payload as { sub: string }).sub, 'ada');
  });

  it('exits 1 with the error code: wrong key, expired, wrong issuer, alg not allowed', () => {
    const cases: Array<[string[], string, string]> = [
      [['--key', file('other.txt', 'another secret of at least thirty-two bytes!!')], valid(), 'ERR_JWS_SIGNATURE_INVALID'],
      [['--key', secretFile], hs256({ sub: 'ada', exp: NOW() - 10 }), 'ERR_JWT_EXPIRED'],
      [['--key', secretFile, '--iss', 'https://other.test'], valid(), 'ERR_JWT_CLAIM_INVALID'],
      [['--key', secretFile], hs256({ sub: 'ada', exp: NOW() + 60 }, SECRET, { alg: 'HS384' }), 'ERR_ALG_NOT_ALLOWED'],
    ];
    for (const [flags, token, code] of cases) {
      const run = jwtkit(['verify', token, ...flags, '--json']);
      assert.equal(run.status, 1, `${code}: ${run.stdout}`);
      assert.equal((run.json().error as { code: string }).code, code);
      const human = jwtkit(['verify', token, ...flags]);
      assert.equal(human.status, 1);
      assert.equal(human.stdout, '', 'nothing on stdout when invalid');
      assert.match(human.stderr, new RegExp(`INVALID: .*\\(${code}\\)`));
    }
  });

  it('exits 2 on usage errors, naming the flag', () => {
    const cases: Array<[string[], RegExp]> = [
      [['verify', valid()], /a key is needed: --key/],
      [
        ['verify', valid(), '--key', 'no-such-file'],
        /--key: cannot read the file it names \(no such file\); the value is not shown/,
      ],
      [['verify', valid(), '--key', 'keys/no-such.pem'], /--key: cannot read "keys\/no-such.pem": no such file/],
      [['verify', valid(), '--key', secretFile, '--max-age', 'soon'], /--max-age/],
      [['verify', valid(), '--key', 'env:JWTKIT_NOT_SET'], /--key: the environment variable JWTKIT_NOT_SET is not set/],
      [['verify', valid(), '--jwks', 'http://example.com/jwks.json'], /--jwks: http:\/\/example.com\/jwks.json must be https/],
      [['verify', valid(), '--key', secretFile, '--jwks', secretFile], /--key and --jwks cannot be combined/],
      [['verify', valid(), '--bogus'], /unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const run = jwtkit(args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      const json = jwtkit([...args, '--json']);
      assert.equal(json.status, 2);
      assert.equal(json.json().ok, false, 'errors are JSON on stdout with --json');
      assert.match(String((json.json().error as { message: string }).message), message);
    }
  });

  it('reads the key from an environment variable or stdin, and the token from stdin', () => {
    assert.equal(jwtkit(['verify', valid(), '--key', 'env:JWT_SECRET'], { env: { JWT_SECRET: SECRET } }).status, 0);
    assert.equal(jwtkit(['verify', valid(), '--key', '-'], { input: SECRET }).status, 0);
    assert.equal(jwtkit(['verify', '-', '--key', `@${secretFile}`], { input: valid() }).status, 0);
    const both = jwtkit(['verify', '-', '--key', '-'], { input: valid() });
    assert.equal(both.status, 2);
    assert.match(both.stderr, /cannot both come from stdin/);
  });

  it('warns about a key file others can read, and not about a private one', () => {
    const loose = file('loose.txt', SECRET, 0o644);
    const warned = jwtkit(['verify', valid(), '--key', loose]);
    assert.equal(warned.status, 0);
    assert.match(warned.stderr, /readable by others \(mode 0644\); run chmod 600/);
    assert.doesNotMatch(jwtkit(['verify', valid(), '--key', secretFile]).stderr, /readable by others/);
  });

  it('warns about a readable key file by what it holds: never a public key, whatever its encoding (DER, UTF-16 PEM)', async () => {
    const der = (pem: string) => Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
    for (const owner of OWNERS) {
      const token = await signJWT({ sub: 'ada' }, await importKey(owner.fixture.pkcs8, { alg: owner.alg }));
      for (const [form, bytes] of [
        ['DER', der(owner.fixture.spki)],
        ['UTF-16 PEM', Buffer.from(owner.fixture.spki, 'utf16le')],
      ] as const) {
        const run = jwtkit(['verify', token, '--key', file(`public-${owner.name}.key`, bytes, 0o644)]);
        assert.equal(run.status, 0, `${owner.name} ${form}: ${run.stderr}`);
        assert.doesNotMatch(run.stderr, /readable by others/, `${owner.name} public key as ${form}`);
      }
      const signed = jwtkit(['sign', '{}', '--key', file(`private-${owner.name}.der`, der(owner.fixture.pkcs8), 0o644)]);
      assert.equal(signed.status, 0, signed.stderr);
      assert.match(signed.stderr, /holds a private key and is readable by others/, `${owner.name} private DER`);
    }
    const binarySecret = file(
      'binary.secret',
      Uint8Array.from({ length: 48 }, (_, i) => (i * 97 + 200) % 256),
      0o644,
    );
    // Not the token's secret, so the verification fails; the warning comes as the key is read.
    assert.match(jwtkit(['verify', valid(), '--key', binarySecret]).stderr, /holds a secret and is readable by others/);
    const shortSecret = file('short.secret', Uint8Array.of(0xff, 0xfe, 1, 2, 3), 0o644);
    // Too short for the import (it takes --allow-weak-key): warned about as key material.
    assert.match(jwtkit(['verify', valid(), '--key', shortSecret]).stderr, /holds key material and is readable by others/);
    // Key text the import refuses (hex of DER, a weak RSA key): which half it holds is not told, so it is named neither way.
    const hexDER = file('public.hex', der(OWNERS[0]?.fixture.spki ?? '').toString('hex'), 0o644);
    assert.match(jwtkit(['verify', valid(), '--key', hexDER]).stderr, /holds key material and is readable by others/);
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' });
    assert.match(
      jwtkit(['verify', valid(), '--key', file('weak.der', weak, 0o644)]).stderr,
      /holds key material and is readable/,
    );
    // A private block after a public one or a certificate, in UTF-16 (where the armour has NULs between its letters):
    // the import would read the public block first, and the file still holds the private key.
    for (const owner of OWNERS) {
      const bundle = `${owner.fixture.spki}${owner.fixture.certificate ?? ''}${owner.fixture.pkcs8}`;
      for (const [encoding, bom] of [
        ['utf16le', '\ufeff'],
        ['utf16le', ''],
      ] as const) {
        const path = file(`bundle-${owner.name}.pem`, Buffer.from(`${bom}${bundle}`, encoding), 0o644);
        assert.match(
          jwtkit(['verify', valid(), '--key', path]).stderr,
          /holds a private key and is readable/,
          `${owner.name} ${bom ? 'with' : 'without'} BOM`,
        );
      }
    }
    // A JWKS with a private key or a secret in it; one of public keys is not warned about.
    const publicJWK = OWNERS[1]?.fixture.publicJwk as Record<string, string>;
    const privateJWK = OWNERS[1]?.fixture.privateJwk as Record<string, string>;
    const jwks = (keys: object[]) => JSON.stringify({ keys });
    assert.match(
      jwtkit(['verify', valid(), '--key', file('private.jwks', jwks([publicJWK, privateJWK]), 0o644)]).stderr,
      /holds secret or private keys and is readable/,
    );
    assert.match(
      jwtkit(['verify', valid(), '--key', file('secret.jwks', jwks([{ kty: 'oct', k: 'c2VjcmV0' }]), 0o644)]).stderr,
      /holds secret or private keys and is readable/,
    );
    assert.doesNotMatch(
      jwtkit(['verify', valid(), '--key', file('public.jwks', jwks([publicJWK]), 0o644)]).stderr,
      /readable by others/,
    );
    // A private JWK that also has "keys" reads as a JWKS: its own members count too.
    const both = file('jwk-and-keys.json', JSON.stringify({ ...privateJWK, keys: [] }), 0o644);
    assert.match(jwtkit(['verify', valid(), '--key', both]).stderr, /holds secret or private keys and is readable/);
    // A file that cannot be read as a key at all (broken JSON) is warned about before the error.
    const broken = jwtkit(['verify', valid(), '--key', file('broken.jwk', JSON.stringify(privateJWK).slice(0, -1), 0o644)]);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /holds key material and is readable by others[\s\S]*does not parse/);
  });

  describe('with keys served over HTTP on 127.0.0.1', () => {
    let server: Server;
    let base: string;
    let token: string;
    before(async () => {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' };
      token = await signJWT({ sub: 'ada', iss: '', exp: NOW() + 600 }, await importKey(privateKey, { alg: 'ES256', kid: 'k1' }));
      server = createServer((request, response) => {
        const routes: Record<string, unknown> = {
          '/jwks.json': { keys: [jwk] },
          '/.well-known/openid-configuration': { issuer: base, jwks_uri: `${base}/jwks.json` },
        };
        if (request.url === '/elsewhere') {
          response.writeHead(302, { location: 'http://127.0.0.2:1/jwks.json' }).end();
          return;
        }
        const body = routes[request.url ?? ''];
        response
          .writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' })
          .end(JSON.stringify(body ?? {}));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      token = await signJWT(
        { sub: 'ada', iss: base, exp: NOW() + 600 },
        await importKey(privateKey, { alg: 'ES256', kid: 'k1' }),
      );
    });
    after(() => server.close());

    it('verifies through a JWKS URL and through issuer discovery', async () => {
      const byURL = await jwtkitAsync(['verify', token, '--jwks', `${base}/jwks.json`, '--json']);
      assert.equal(byURL.status, 0, byURL.stdout);
      const discovered = await jwtkitAsync(['verify', token, '--issuer-discovery', base, '--json']);
      assert.equal(discovered.status, 0, discovered.stdout);
      assert.equal((discovered.json().payload as { iss: string }).iss, base);
    });

    it('never follows a redirect to another origin', async () => {
      const run = await jwtkitAsync(['verify', token, '--jwks', `${base}/elsewhere`]);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /redirects to another origin/);
    });

    it('lists a remote JWKS', async () => {
      const run = await jwtkitAsync(['jwks', 'show', `${base}/jwks.json`, '--json']);
      assert.equal(run.status, 0);
      assert.equal((run.json().keys as Array<{ kid: string }>)[0]?.kid, 'k1');
    });
  });
});

describe('jwtkit sign', () => {
  it('signs claims from JSON, a file and stdin, with -c pairs and registered-claim flags', async () => {
    const key = await importKey(SECRET, { alg: 'HS256' });
    const claimsFile = file('claims.json', '{"role":"admin"}');
    const cases: Array<[string[], string | undefined, Record<string, unknown>]> = [
      [['{"sub":"ada"}'], undefined, { sub: 'ada' }],
      [[`@${claimsFile}`], undefined, { role: 'admin' }],
      [['-'], '{"sub":"stdin"}', { sub: 'stdin' }],
    ];
    for (const [args, input, expected] of cases) {
      const run = jwtkit(
        [
          'sign',
          ...args,
          '-c',
          'n=5',
          '-c',
          'admin=true',
          '-c',
          'name=Ada L',
          '--aud',
          'a',
          '--aud',
          'b',
          '--iss',
          'me',
          '--exp',
          '15m',
          '--jti',
          '--key',
          secretFile,
        ],
        input === undefined ? {} : { input },
      );
      assert.equal(run.status, 0, run.stderr);
      const { payload } = await verifyJWT(run.stdout.trim(), key, { audience: 'a', issuer: 'me' });
      assert.deepEqual(
        { ...payload },
        {
          ...expected,
          n: 5,
          admin: true,
          name: 'Ada L',
          aud: ['a', 'b'],
          iss: 'me',
          iat: payload.iat,
          exp: (payload.iat as number) + 900,
          jti: payload.jti,
        },
      );
      assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
    }
  });

  it('signs with an asymmetric key file and sets kid, typ and header parameters', async () => {
    const keygen = jwtkit(['keygen', 'ES256', '--out', 'es']);
    assert.equal(keygen.status, 0, keygen.stderr);
    const run = jwtkit(['sign', '{"sub":"ada"}', '--key', 'es.private.json', '--kid', 'k9', '--typ', 'at+jwt', '-H', 'x-team=7']);
    assert.equal(run.status, 0, run.stderr);
    const publicKey = JSON.parse(readFileSync(join(dir, 'es.public.json'), 'utf8'));
    const { header } = await verifyJWT(run.stdout.trim(), publicKey, { typ: 'at+jwt' });
    assert.deepEqual({ ...header }, { alg: 'ES256', typ: 'at+jwt', kid: 'k9', 'x-team': 7 });
  });

  it('never takes the key on the command line and names the flag for bad input', () => {
    const cases: Array<[string[], RegExp]> = [
      [['sign', '{}'], /--key is required/],
      [['sign', '{}', '--key', SECRET], /--key: cannot read/],
      [['sign', '[1]', '--key', secretFile], /\[claims\]: must be a JSON object/],
      [['sign', '{', '--key', secretFile], /\[claims\]: not valid JSON/],
      [['sign', '-c', 'novalue', '--key', secretFile], /--claim: expected name=value/],
      [['sign', '{}', '--key', secretFile, '--exp', 'tomorrow'], /--exp/],
      [['sign', '{}', '--key', file('short.txt', 'short')], /--key: .*at least 32 bytes.*\(ERR_KEY_WEAK\)/],
    ];
    for (const [args, message] of cases) {
      const run = jwtkit(args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
    }
  });
});

describe('jwtkit encrypt and decrypt', () => {
  it('round-trips dir + A256GCM with a generated key, and the library decrypts it', async () => {
    assert.equal(jwtkit(['keygen', 'A256GCM', '--out', 'cek']).status, 0);
    const jwe = jwtkit(['encrypt', '{"sub":"ada"}', '--key', 'cek.secret.json', '--exp', '5m']);
    assert.equal(jwe.status, 0, jwe.stderr);
    const token = jwe.stdout.trim();
    assert.equal(token.split('.').length, 5);
    const decrypted = jwtkit(['decrypt', token, '--key', 'cek.secret.json', '--json']);
    assert.equal(decrypted.status, 0, decrypted.stdout);
    assert.equal((decrypted.json().payload as { sub: string }).sub, 'ada');
    const jwk = JSON.parse(readFileSync(join(dir, 'cek.secret.json'), 'utf8'));
    assert.equal((await decryptJWT(token, jwk)).payload.sub, 'ada');
  });

  it('encrypts with a password from a file and decrypts with the password on stdin; a wrong one exits 1', () => {
    const password = file('password.txt', 'correct horse battery staple\n');
    const jwe = jwtkit(['encrypt', '-c', 'sub=ada', '--password-file', password]);
    assert.equal(jwe.status, 0, jwe.stderr);
    const token = jwe.stdout.trim();
    assert.equal(JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).alg, 'PBES2-HS256+A128KW');
    const ok = jwtkit(['decrypt', token, '--password', '--json'], { input: 'correct horse battery staple\n' });
    assert.equal(ok.status, 0, ok.stdout);
    const wrong = jwtkit(['decrypt', token, '--password', '--json'], { input: 'wrong\n' });
    assert.equal(wrong.status, 1);
    assert.equal((wrong.json().error as { code: string }).code, 'ERR_JWE_DECRYPTION_FAILED');
  });

  it('encrypts to an RSA public key and decrypts with the private key', () => {
    assert.equal(jwtkit(['keygen', 'RSA-OAEP-256', '--out', 'rsa', '--format', 'pem']).status, 0);
    const jwe = jwtkit([
      'encrypt',
      '{"sub":"ada"}',
      '--key',
      'rsa.public.pem',
      '--alg',
      'RSA-OAEP-256',
      '--enc',
      'A128CBC-HS256',
    ]);
    assert.equal(jwe.status, 0, jwe.stderr);
    const run = jwtkit(['decrypt', jwe.stdout.trim(), '--key', 'rsa.private.pem', '--alg', 'RSA-OAEP-256']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /"sub": "ada"/);
    // Without --alg the key is bound to the algorithm the token names; a key of another type still fails.
    assert.equal(jwtkit(['decrypt', jwe.stdout.trim(), '--key', 'rsa.private.pem']).status, 0);
    const secret = file('other.secret', Buffer.alloc(32, 1).toString('base64url'));
    const wrongKind = jwtkit(['decrypt', jwe.stdout.trim(), '--key', secret, '--key-encoding', 'base64url', '--json']);
    assert.equal(wrongKind.status, 2);
    assert.equal((wrongKind.json().error as { code: string }).code, 'ERR_KEY_INVALID');
  });

  it('encrypts and decrypts with a raw dir secret, bound to its enc', () => {
    const secret = file('dir.secret', Buffer.alloc(32, 7).toString('base64url'));
    const flags = ['--key', secret, '--key-encoding', 'base64url'];
    const jwe = jwtkit(['encrypt', '{"sub":"ada"}', ...flags, '--alg', 'dir', '--enc', 'A256GCM']);
    assert.equal(jwe.status, 0, jwe.stderr);
    assert.deepEqual(JSON.parse(Buffer.from(jwe.stdout.split('.')[0] as string, 'base64url').toString()), {
      alg: 'dir',
      enc: 'A256GCM',
    });
    const run = jwtkit(['decrypt', jwe.stdout.trim(), ...flags]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /"sub": "ada"/);
  });

  it('asks for exactly one of key and password', () => {
    const run = jwtkit(['encrypt', '{}']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /exactly one of --key .* and --password/);
  });
});

describe('jwtkit keygen, key convert, thumbprint, jwks build', () => {
  it('writes private keys with mode 600 and names them by thumbprint', async () => {
    const run = jwtkit(['keygen', 'EdDSA', '--out', 'ed', '--json']);
    assert.equal(run.status, 0, run.stderr);
    const { kid, files } = run.json() as { kid: string; files: { private: string; public: string } };
    assert.equal(statSync(join(dir, files.private)).mode & 0o777, 0o600);
    const publicJWK = JSON.parse(readFileSync(join(dir, files.public), 'utf8'));
    assert.equal(kid, await jwkThumbprint(publicJWK));
    assert.equal(publicJWK.d, undefined);
    assert.equal(jwtkit(['keygen', 'HS256', '--out', 'hs']).status, 0);
    assert.equal(statSync(join(dir, 'hs.secret.json')).mode & 0o777, 0o600);
  });

  it('prints PEM pairs and refuses what cannot be', () => {
    const pem = jwtkit(['keygen', 'ES384', '--format', 'pem']);
    assert.match(pem.stdout, /-----BEGIN PRIVATE KEY-----[\s\S]+-----BEGIN PUBLIC KEY-----/);
    assert.equal(jwtkit(['keygen', 'XS999']).status, 2);
    assert.match(jwtkit(['keygen', 'HS256', '--format', 'pem']).stderr, /secrets have no PEM form/);
    assert.match(jwtkit(['keygen', 'RS256', '--bits', '1024']).stderr, /--bits/);
  });

  it('converts PEM to JWK with a thumbprint kid and back, and computes thumbprints', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pemFile = file('rsa.pem', privateKey.export({ format: 'pem', type: 'pkcs8' }) as string);
    const jwk = jwtkit(['key', 'convert', pemFile, '--public', '--json']).json().jwk as Record<string, string>;
    assert.equal(jwk.kty, 'RSA');
    assert.equal(jwk.d, undefined);
    assert.equal(jwk.kid, await jwkThumbprint({ kty: 'RSA', n: jwk.n as string, e: jwk.e as string }));
    const jwkFile = file('rsa.public.json', JSON.stringify(jwk));
    assert.match(jwtkit(['key', 'convert', jwkFile]).stdout, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(jwtkit(['thumbprint', jwkFile]).stdout.trim(), jwk.kid);
    assert.equal(
      jwtkit(['thumbprint', pemFile, '--uri']).stdout.trim(),
      `urn:ietf:params:oauth:jwk-thumbprint:sha-256:${jwk.kid}`,
    );
  });

  it('builds a JWKS of public keys and refuses secrets', () => {
    jwtkit(['keygen', 'ES256', '--out', 'one']);
    jwtkit(['keygen', 'RS256', '--out', 'two', '--format', 'pem']);
    const run = jwtkit(['jwks', 'build', 'one.private.json', 'two.public.pem']);
    assert.equal(run.status, 0, run.stderr);
    const { keys } = run.json() as { keys: Array<Record<string, string>> };
    assert.deepEqual(
      keys.map((key) => [key.kty, key.use, key.d]),
      [
        ['EC', 'sig', undefined],
        ['RSA', 'sig', undefined],
      ],
    );
    const refused = jwtkit(['jwks', 'build', 'hs.secret.json']);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /a secret must never be published/);
  });
});

/** A compact JWE with this header and placeholder parts: enough for inspect, which never decrypts. */
const jwe = (header: object) =>
  `${Buffer.from(JSON.stringify(header)).toString('base64url')}.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA`;

describe('jwtkit inspect', () => {
  const clean = () => hs256({ sub: 'ada', iat: NOW(), exp: NOW() + 900 }, 'a random secret nobody would ever guess, 2f9c4e1a');
  const findings = (run: Run) =>
    (run.json().findings as Array<{ id: string; severity: string }>).map((finding) => `${finding.id}:${finding.severity}`);

  it('finds nothing in a clean token and exits 0', () => {
    const run = jwtkit(['inspect', clean(), '--json']);
    assert.equal(run.status, 0, run.stdout);
    assert.deepEqual(findings(run), []);
    assert.match(jwtkit(['inspect', clean()]).stdout, /no findings/);
  });

  it('flags each problem it knows, with a severity and a fix; exit 3 on a high one', () => {
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'a', exp: NOW() + 60 })).toString('base64url')}.`;
    const cases: Array<[string, string[], string]> = [
      [none, [], 'alg-none:high'],
      [hs256({ sub: 'a' }), [], 'no-exp:medium'],
      [hs256({ sub: 'a', iat: NOW(), exp: NOW() + 30 * 86400 }), [], 'long-lifetime:medium'],
      [hs256({ sub: 'a', iat: NOW() + 3600, exp: NOW() + 7200 }), [], 'iat-future:medium'],
      [hs256({ sub: 'a', exp: NOW() + 60 }, SECRET, { alg: 'HS256', jku: 'https://evil.test/jwks' }), [], 'header-jku:high'],
      [hs256({ sub: 'a', exp: NOW() + 60 }, SECRET, { alg: 'HS256', x5u: 'https://evil.test/cert' }), [], 'header-x5u:high'],
      [hs256({ sub: 'a', exp: NOW() + 60 }, SECRET, { alg: 'HS256', jwk: { kty: 'oct', k: 'AA' } }), [], 'header-jwk:high'],
      [hs256({ sub: 'a', exp: NOW() + 60 }, SECRET, { alg: 'HS256', kid: '../../dev/null' }), [], 'kid-suspicious:high'],
      [hs256({ sub: 'a', exp: NOW() + 60 }, SECRET, { alg: 'HS256', kid: "x' OR '1'='1" }), [], 'kid-suspicious:high'],
      [hs256({ sub: 'a', exp: NOW() + 60 }, 'secret'), [], 'common-secret:high'],
      [hs256({ sub: 'a', exp: NOW() + 60 }, 'your-256-bit-secret'), [], 'common-secret:high'],
      [hs256({ sub: 'a', exp: NOW() + 60 }, 'q7z'), [], 'short-secret:high'],
      [hs256({ sub: 'a', exp: NOW() + 60, email: 'ada@example.com' }), [], 'personal-data:medium'],
      [hs256({ sub: 'a', exp: NOW() + 60, card: '4111 1111 1111 1111' }), [], 'personal-data:high'],
      [hs256({ sub: 'a', exp: NOW() + 60, id: '078-05-1120' }), [], 'personal-data:high'],
      [hs256({ sub: 'a', exp: NOW() + 60, user: { password: 'hunter2' } }), [], 'secret-claim:high'],
      [hs256({ sub: 'a', exp: NOW() + 60, pad: 'x'.repeat(400) }), ['--max-size', '300'], 'too-large:medium'],
      [hs256({ sub: 'a', exp: NOW() - 60 }), [], 'expired:info'],
      [hs256({ sub: 'a', iat: NOW(), exp: NOW() + 7200 }), ['--max-lifetime', '1h'], 'long-lifetime:medium'],
      [jwe({ alg: 'RSA1_5', enc: 'A128GCM' }), [], 'jwe-rsa1_5:high'],
      [jwe({ alg: 'PBES2-HS256+A128KW', enc: 'A128GCM', p2c: 1000, p2s: 'AAAAAAAAAAA' }), [], 'jwe-p2c-low:medium'],
      [jwe({ alg: 'dir', enc: 'A128GCM', zip: 'DEF' }), [], 'jwe-zip:low'],
      [hs256({ sub: 'a', exp: NOW() + 60 }, SECRET, { alg: 'HS256', kid: 5 }), [], 'kid-not-string:medium'],
      [hs256({ sub: 'a', exp: NOW() + 60 }, SECRET, { alg: 'HS256', kid: '' }), [], 'kid-odd-length:low'],
      [hs256({ sub: 'a', exp: NOW() + 60 }, SECRET, { alg: 'HS256', crit: ['exp-x'], 'exp-x': 1 }), [], 'header-crit:low'],
      [hs256({ sub: 'a', iat: NOW() + 30, exp: NOW() + 20 }), [], 'exp-before-iat:medium'],
      [hs256({ sub: 'a', nbf: NOW() + 100, exp: NOW() + 50 }), [], 'nbf-after-exp:medium'],
      [hs256({ sub: 'a', exp: 'tomorrow' }), [], 'time-not-number:medium'],
      [hs256({ sub: 'a', exp: NOW() + 60 }).replace('.', '=.'), [], 'malformed:high'],
    ];
    for (const [token, flags, expected] of cases) {
      const run = jwtkit(['inspect', token, ...flags, '--json']);
      assert.ok(findings(run).includes(expected), `${expected} in ${findings(run).join(', ')}`);
      assert.equal(run.status, expected.endsWith(':high') ? 3 : 0, expected);
    }
  });

  it('never prints a found secret in full', () => {
    const run = jwtkit(['inspect', hs256({ sub: 'a', exp: NOW() + 60 }, 'changeme')]);
    assert.equal(run.status, 3);
    assert.match(run.stdout, /c\*{6}e \(8 characters\)/);
    assert.doesNotMatch(run.stdout, /changeme/);
  });

  it("tries a team's own secrets from a file, and none with --no-secret-check", () => {
    const token = hs256({ sub: 'a', exp: NOW() + 60 }, 'our-2019-secret-that-leaked-once');
    const list = file('secrets.txt', 'nope\nour-2019-secret-that-leaked-once\n');
    assert.ok(findings(jwtkit(['inspect', token, '--secrets', list, '--json'])).includes('common-secret:high'));
    const weak = hs256({ sub: 'a', exp: NOW() + 60 }, 'secret');
    assert.deepEqual(findings(jwtkit(['inspect', weak, '--no-secret-check', '--json'])), []);
  });
});

describe('44. ReDoS in tools that read hostile tokens: jwtkit decode and inspect', () => {
  // Each run has the subprocess timeout of jwtkit() (30 s): a run it kills has status null. The
  // former regular expressions took about 30 s for each of these inputs, linear scans milliseconds.
  const fill = (unit: string, length = 240_000) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const token = () => hs256({ sub: 'ada', exp: NOW() + 60 });

  it('ends with a usage error, naming the problem, on the catalogue recipes', () => {
    for (const input of [`a${fill(' ')}b`, `"x${fill(' ')}x,`, fill('eyJ'), `${fill('=')}a`]) {
      for (const command of ['decode', 'inspect']) {
        const run = jwtkit([command, '-', '--json'], { input });
        assert.equal(run.status, 2, `${command}: ${run.stdout.slice(0, 200)}`);
        assert.match(run.stdout, /no token found/);
      }
    }
  });

  it('decodes a million dots, as many as fit, and a token with "=" runs, naming the problems', () => {
    const dots = jwtkit(['decode', '-', '--json'], { input: `a${fill('.')}` });
    assert.equal(dots.status, 1);
    assert.match(String(dots.json().problems), /this one has 240001\b/);
    const padded = jwtkit(['inspect', '-', '--json'], { input: `${fill('=', 100_000)}a.${token()}` });
    assert.equal(padded.status, 3);
    assert.ok((padded.json().findings as Array<{ id: string }>).some((finding) => finding.id === 'malformed'));
  });

  it('refuses input over 256 KiB before reading it, and finds the token in noise up to there (positive control)', () => {
    const jwt = token();
    const noisy = `${fill(' ', 200_000)}Bearer ${jwt}\n`;
    const found = jwtkit(['decode', '-', '--json'], { input: noisy });
    assert.equal(found.status, 0, found.stderr);
    assert.equal((found.json().payload as { sub: string }).sub, 'ada');
    for (const command of ['decode', 'inspect', 'verify']) {
      const run = jwtkit([command, '-', '--json'], { input: `${fill(' ', 262_145 - jwt.length)}${jwt}` });
      assert.equal(run.status, 2, command);
      assert.match(run.stdout, /the input is 262145 characters, over the limit of 262144 characters \(256 KiB\)/);
    }
    const bytes = jwtkit(['decode', '-'], { input: fill('x', 3_000_000) });
    assert.equal(bytes.status, 2);
    assert.match(bytes.stderr, /the input is more than 786432 bytes, over the limit/);
  });

  it('bounds the secret search with --max-secret-candidates, and says so', () => {
    const weak = hs256({ sub: 'a', exp: NOW() + 60 }, 'zz');
    const full = jwtkit(['inspect', weak, '--json']);
    assert.ok(
      (full.json().findings as Array<{ id: string }>).some((finding) => finding.id === 'short-secret'),
      'positive control',
    );
    const capped = jwtkit(['inspect', weak, '--max-secret-candidates', '10', '--json']);
    const ids = (capped.json().findings as Array<{ id: string }>).map((finding) => finding.id);
    assert.ok(!ids.includes('short-secret') && ids.includes('secret-check-partial'), ids.join(', '));
    assert.equal(jwtkit(['inspect', weak, '--max-secret-candidates', '0']).status, 2);
  });
});

describe('jwtkit completion', () => {
  it('completes commands and flags in bash from the command tree', () => {
    const script = jwtkit(['completion', 'bash']).stdout;
    const complete = (line: string) => bashCompletions(script, line, dir);
    assert.deepEqual(complete('jwtkit de'), ['decode', 'decrypt']);
    assert.ok(complete('jwtkit verify --is').includes('--iss'));
    assert.ok(complete('jwtkit verify --is').includes('--issuer-discovery'));
    assert.deepEqual(complete('jwtkit key c'), ['convert']);
  });

  it('prints zsh and fish scripts and refuses other shells', () => {
    assert.match(jwtkit(['completion', 'zsh']).stdout, /^#compdef jwtkit/);
    assert.match(jwtkit(['completion', 'fish']).stdout, /complete -c jwtkit -n '__fish_use_subcommand' -a inspect/);
    const run = jwtkit(['completion', 'tcsh']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /<shell>: expected bash, zsh, fish/);
  });
});

describe('jwtkit --help', () => {
  it('gives every command help with examples, and --version', () => {
    for (const command of [
      'decode',
      'verify',
      'sign',
      'encrypt',
      'decrypt',
      'inspect',
      'keygen',
      'thumbprint',
      'completion',
      'ui',
    ]) {
      const run = jwtkit([command, '--help']);
      assert.equal(run.status, 0);
      assert.match(run.stdout, /Examples:\n {2}\$ jwtkit /, command);
    }
    assert.match(jwtkit(['--version']).stdout, /^\d+\.\d+\.\d+/);
    assert.equal(jwtkit([]).status, 2);
  });
});

describe('jwtkit ui', () => {
  // The page itself is tested in a browser (test/ui/); here, the command's own inputs.
  it('refuses a bad or busy port, naming --port', async () => {
    const bad = jwtkit(['ui', '--port', '70000', '--json']);
    assert.equal(bad.status, 2);
    assert.match((bad.json().error as { message: string }).message, /^--port: expected 0 to 65535/);
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const run = await jwtkitAsync(['ui', '--port', String((busy.address() as AddressInfo).port)]);
      assert.equal(run.status, 2);
      assert.match(run.stderr, /--port: \d+ is in use/);
    } finally {
      busy.close();
    }
  });
});

describe('35. key material as bytes: jwtkit verify --key FILE', () => {
  it('never prints VALID for an HMAC token keyed with the bytes of a key file, and verifies the genuine token', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...OWNERS).chain((owner) => fc.record({ owner: fc.constant(owner), placed: placedKey(owner) })),
        fc.constantFrom('HS256' as const, 'HS384' as const, 'HS512' as const),
        async ({ owner, placed }, alg) => {
          const path = join(dir, `forms-${n++}.key`);
          writeFileSync(path, placed.bytes, { mode: 0o600 });
          // The CLI drops one trailing line break of a secret file: the attacker may key with either.
          const text = new TextDecoder().decode(placed.bytes);
          const stripped = new TextEncoder().encode(text.replace(/\r?\n$/, ''));
          for (const key of placed.text === undefined ? [placed.bytes] : [placed.bytes, stripped]) {
            const forged = await forgeHMAC(alg, key, { sub: 'victim' });
            for (const extra of [[], ['--alg', alg]]) {
              const run = jwtkit(['verify', forged, '--key', path, ...extra]);
              assert.notEqual(run.status, 0, `${owner.name} ${placed.form.form} ${extra.join(' ')}: ${run.stdout}`);
              assert.doesNotMatch(run.stdout, /VALID/);
            }
          }
          if (placed.form.importable) {
            const genuine = await signJWT({ sub: 'victim' }, owner.fixture.pkcs8, { alg: owner.alg, expiresIn: '1h' });
            const run = jwtkit(['verify', genuine, '--key', path]);
            assert.equal(run.status, 0, `${owner.name} ${placed.form.form}: positive control: ${run.stderr}`);
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});

const ANY_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLW9mLW5vLWtleS1hdC1hbGwtMDEyMzQ1Njc4OQ';

describe('45. secrets in output', () => {
  it('never repeats a literal --key value that names no file', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 12, maxLength: 60 })
          .filter((text) => !/^(?:-|env:|\.{0,2}\/|~\/)/.test(text) && !/\.[a-z0-9]{2,4}$/i.test(text) && !text.includes('\0')),
        (literal) => {
          const run = jwtkit(['verify', ANY_TOKEN, '--key', literal]);
          assert.notEqual(run.status, 0);
          assert.ok(!run.stderr.includes(literal) && !run.stdout.includes(literal), `echoed: ${run.stderr}`);
        },
      ),
      { numRuns: 8 },
    );
    const pem = jwtkit(['verify', ANY_TOKEN, '--key', '-----BEGIN PUBLIC KEY-----MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE']);
    assert.doesNotMatch(pem.stderr, /MFkwEwYHKoZIzj0/);
  });

  it('says where a broken JWK file is broken, never what it holds', () => {
    const secret = 'c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1uZXZlci1sZWFr';
    for (const broken of [
      `{"kty":"oct","k":"${secret}"`,
      `{"kty":"oct","k":"${secret}",}`,
      `{"kty":"oct" "k":"${secret}"}`,
      `{"kty":"oct","k":${secret}}`,
    ]) {
      const path = file('broken.jwk', broken);
      const run = jwtkit(['verify', ANY_TOKEN, '--key', path]);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, /does not parse \(.* at position \d+\)/);
      assert.ok(!run.stderr.includes(secret.slice(0, 12)), run.stderr);
    }
  });
});
