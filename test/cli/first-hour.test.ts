// The CLI faults a new user hits in the first hour (issue 29), against the built binary
// (dist/cli/jwtkit.js) in a subprocess: closed pipes, key files kept, RSA sizes, absolute times,
// token sources, one exit-code rule, weak secrets for debugging, other tools' habits, colour
// variables, inspect's JSON, nested JWTs and completion of algorithm names.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeJWT, decryptJWT, generateKeyPair, generateSecret, importKey } from 'jwtkit';
import { KEY_MANAGEMENT_ALGORITHMS, KEYGEN_ALGORITHMS, SIGNATURE_ALGORITHMS } from '../../cli/algorithms.js';
import { modulusBits } from '../../cli/commands/keys.js';
import { parseTimeFlag } from '../../cli/times.js';
import { BIN, bashCompletions, type Run, runCLI, userEnv } from '../support/bin.js';

const dir = mkdtempSync(join(tmpdir(), 'jwtkit-cli29-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'a cli test secret of at least thirty-two bytes';

function jwtkit(args: string[], options: { input?: string; env?: Record<string, string | undefined> } = {}): Run {
  return runCLI(dir, args, options);
}

function file(name: string, content: string, mode = 0o600): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

function hs256(claims: object, secret: string): string {
  const input = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const NOW = () => Math.floor(Date.now() / 1000);
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what colour output starts with
const ANSI = /\u001b\[/;
const secretFile = file('secret.txt', `${SECRET}\n`);

describe('jwtkit and closed pipes', () => {
  it('never crashes when the reader closes stdout first (EPIPE), and keeps its exit code', async () => {
    const child = spawn(process.execPath, [BIN, 'keygen', 'RS256', '--format', 'pem'], {
      cwd: dir,
      env: userEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    // The read end goes away before keygen has written anything: every write meets EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const status = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(status, 0, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error|at /);
  });

  it('jwtkit keygen RS256 --format pem | head -3 prints three lines and exits 0 (pipefail)', () => {
    const run = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" keygen RS256 --format pem | head -3`], {
      cwd: dir,
      env: userEnv(),
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trimEnd().split('\n').length, 3);
    assert.equal(run.stderr, '');
  });
});

describe('jwtkit keygen --out and existing files', () => {
  it('refuses to replace a key pair without --force, leaving both files as they were', () => {
    assert.equal(jwtkit(['keygen', 'ES256', '--out', 'kept']).status, 0);
    const before = [readFileSync(join(dir, 'kept.private.json'), 'utf8'), readFileSync(join(dir, 'kept.public.json'), 'utf8')];
    for (const args of [
      ['keygen', 'ES256', '--out', 'kept'],
      ['keygen', 'ES256', '--out', 'kept', '--json'],
    ]) {
      const run = jwtkit(args);
      assert.equal(run.status, 2);
      assert.match(`${run.stderr}${run.stdout}`, /kept\.private\.json.*already exist.*--force/);
    }
    assert.deepEqual(
      [readFileSync(join(dir, 'kept.private.json'), 'utf8'), readFileSync(join(dir, 'kept.public.json'), 'utf8')],
      before,
    );
  });

  it('refuses when only one of the two files exists, and writes neither', () => {
    file('half.public.json', 'mine\n', 0o644);
    assert.equal(jwtkit(['keygen', 'ES256', '--out', 'half']).status, 2);
    assert.equal(readFileSync(join(dir, 'half.public.json'), 'utf8'), 'mine\n');
    assert.throws(() => statSync(join(dir, 'half.private.json')), /ENOENT/);
  });

  it('refuses to replace a secret, and replaces key files with --force (private one mode 600)', () => {
    assert.equal(jwtkit(['keygen', 'HS256', '--out', 'sec']).status, 0);
    const first = readFileSync(join(dir, 'sec.secret.json'), 'utf8');
    assert.equal(jwtkit(['keygen', 'HS256', '--out', 'sec']).status, 2);
    assert.equal(readFileSync(join(dir, 'sec.secret.json'), 'utf8'), first);
    chmodSync(join(dir, 'sec.secret.json'), 0o644);
    assert.equal(jwtkit(['keygen', 'HS256', '--out', 'sec', '--force']).status, 0);
    assert.notEqual(readFileSync(join(dir, 'sec.secret.json'), 'utf8'), first);
    assert.equal(statSync(join(dir, 'sec.secret.json')).mode & 0o777, 0o600);
    assert.equal(jwtkit(['keygen', 'ES256', '--out', 'kept', '--force']).status, 0);
  });

  it('names a missing directory as a usage error', () => {
    const run = jwtkit(['keygen', 'ES256', '--out', 'no/such/dir/k']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--out: cannot write .*no such directory/);
  });
});

describe('jwtkit jwks show: RSA sizes', () => {
  it('shows 2048- and 3072-bit keys as such, also 1024 and a leading zero byte in n', () => {
    const keys = [2048, 3072, 1024].map((modulusLength) => {
      const jwk = generateKeyPairSync('rsa', { modulusLength }).publicKey.export({ format: 'jwk' });
      return { ...jwk, kid: `k${modulusLength}` };
    });
    const padded = {
      ...keys[0],
      kid: 'padded',
      n: Buffer.concat([Buffer.from([0]), Buffer.from(keys[0]?.n as string, 'base64url')]).toString('base64url'),
    };
    const jwks = file('rsa-sizes.json', JSON.stringify({ keys: [...keys, padded] }), 0o644);
    const human = jwtkit(['jwks', 'show', jwks]);
    assert.equal(human.status, 0, human.stderr);
    for (const [kid, bits] of [
      ['k2048', 2048],
      ['k3072', 3072],
      ['k1024', 1024],
      ['padded', 2048],
    ] as const)
      assert.match(human.stdout, new RegExp(`${kid}  RSA  ${bits} bits`));
    assert.doesNotMatch(human.stdout, /2056/);
    const json = jwtkit(['jwks', 'show', jwks, '--json']).json().keys as { kid: string; bits: number }[];
    assert.deepEqual(
      json.map((key) => [key.kid, key.bits]),
      [
        ['k2048', 2048],
        ['k3072', 3072],
        ['k1024', 1024],
        ['padded', 2048],
      ],
    );
  });

  it('counts the bits of any modulus like BigInt does (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 600 }), (bytes) => {
        const expected = BigInt(`0x${Buffer.from(bytes).toString('hex')}`)
          .toString(2)
          .replace(/^0+/, '').length;
        assert.equal(modulusBits(Buffer.from(bytes).toString('base64url')), expected);
      }),
    );
  });
});

describe('jwtkit sign --exp / --nbf: durations and absolute times', () => {
  const payload = (run: Run) => decodeJWT(run.stdout.trim()).payload;

  it('takes a NumericDate and ISO 8601 (Z, an offset, a date alone) as well as durations', () => {
    const at = Date.UTC(2030, 0, 31, 12) / 1000;
    const cases: [string[], Record<string, number>][] = [
      [['--exp', String(at)], { exp: at }],
      [['--exp', '2030-01-31T12:00:00Z'], { exp: at }],
      [['--exp', '2030-01-31T14:00:00+02:00'], { exp: at }],
      [['--exp', '2030-01-31 07:00:00-0500'], { exp: at }],
      [['--exp', '2030-01-31'], { exp: at - 12 * 3600 }],
      [['--nbf', '2030-01-31T12:00:00.999Z', '--exp', '2030-02-01T00:00:00Z'], { nbf: at, exp: at + 12 * 3600 }],
    ];
    for (const [flags, expected] of cases) {
      const run = jwtkit(['sign', '-c', 'sub=ada', '--key', secretFile, ...flags]);
      assert.equal(run.status, 0, `${flags.join(' ')}: ${run.stderr}`);
      const claims = payload(run);
      for (const [name, value] of Object.entries(expected)) assert.equal(claims[name], value, flags.join(' '));
    }
    const duration = payload(jwtkit(['sign', '-c', 'sub=ada', '--key', secretFile, '--exp', '900']));
    assert.equal((duration.exp as number) - (duration.iat as number), 900, 'a small number stays seconds from now');
    const plus = payload(jwtkit(['sign', '-c', 'sub=ada', '--key', secretFile, '--exp', '+3600', '--nbf', '1h']));
    assert.equal((plus.exp as number) - (plus.iat as number), 3600);
    assert.equal((plus.nbf as number) - (plus.iat as number), 3600);
  });

  it('refuses a date-time without a zone, an impossible date, and an exp the claims already set', () => {
    for (const [flags, message] of [
      [['--exp', '2030-01-31T12:00:00'], /--exp: .*no time zone; add Z/],
      [['--exp', '2030-02-30'], /--exp: .*not a real date/],
      [['--exp', '2030-01-31T24:00:00Z'], /--exp: .*not a real date/],
      [['--nbf', '2030-1-31'], /--nbf: .*not an ISO 8601 date/],
      [['--exp', '1969-12-31'], /before 1970/],
    ] as const) {
      const run = jwtkit(['sign', '-c', 'sub=ada', '--key', secretFile, ...flags]);
      assert.equal(run.status, 2, flags.join(' '));
      assert.match(run.stderr, message);
    }
    const both = jwtkit(['sign', '{"exp":1}', '--key', secretFile, '--exp', '2030-01-31']);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /"exp" is set both in the claims and by --exp/);
  });

  it('warns when an absolute exp is already past, and still signs (tests need expired tokens)', () => {
    const run = jwtkit(['sign', '-c', 'sub=ada', '--key', secretFile, '--exp', '2020-01-01T00:00:00Z']);
    assert.equal(run.status, 0);
    assert.match(run.stderr, /warning: --exp: 2020-01-01T00:00:00.000Z is in the past/);
    assert.equal(payload(run).exp, Date.UTC(2020, 0, 1) / 1000);
  });

  it('reads any ISO 8601 date-time with an offset as Date.parse does (property)', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.boolean(),
        (date, offsetMinutes, colon) => {
          const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const abs = Math.abs(offsetMinutes);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${colon ? ':' : ''}${String(abs % 60).padStart(2, '0')}`;
          const text = `${local}${zone}`;
          const oracle = Date.parse(
            `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`,
          );
          assert.deepEqual(parseTimeFlag('--exp', text), { at: Math.floor(oracle / 1000) });
        },
      ),
    );
  });
});

describe('jwtkit tokens from @file, env:NAME and stdin', () => {
  const token = hs256({ sub: 'ada', exp: NOW() + 600 }, SECRET);
  const tokenFile = file('token.txt', `${token}\n`, 0o644);

  it('reads the token from @file, env:NAME and stdin, for decode, verify and inspect', () => {
    for (const [args, options] of [
      [['@token.txt'], {}],
      [[`@${tokenFile}`], {}],
      [['env:MY_TOKEN'], { env: { MY_TOKEN: token } }],
      [['-'], { input: `${token}\n` }],
      [[], { input: token }],
    ] as const) {
      const decoded = jwtkit(['decode', ...args, '--json'], options);
      assert.equal(decoded.status, 0, `${args.join(' ')}: ${decoded.stderr}`);
      assert.equal((decoded.json().payload as { sub: string }).sub, 'ada');
      assert.equal(jwtkit(['verify', ...args, '--key', secretFile], options).status, 0);
      assert.equal(jwtkit(['inspect', ...args, '--no-secret-check'], options).status, 0);
    }
  });

  it('waits for a slow writer on stdin: claims, tokens and passwords (EAGAIN on a pipe is no error)', () => {
    const slow = (input: string, args: string[]) =>
      spawnSync('sh', ['-c', `(sleep 0.4; printf '%s' "$INPUT") | "$NODE" "$BIN" "$@"`, 'sh', ...args], {
        cwd: dir,
        env: userEnv({ INPUT: input, NODE: process.execPath, BIN }),
        encoding: 'utf8',
        timeout: 30_000,
      });
    const signed = slow('{"sub":"ada"}', ['sign', '-', '--key', secretFile, '--alg', 'HS256']);
    assert.equal(signed.status, 0, signed.stderr);
    const jwt = signed.stdout.trim();
    assert.equal(decodeJWT(jwt).payload.sub, 'ada');
    const verified = slow(jwt, ['verify', '-', '--key', secretFile, '--json']);
    assert.equal(verified.status, 0, verified.stderr);
    const encrypted = slow(jwt, ['encrypt', '-', '--password-file', file('pipe.pass', 'a long pipe password\n')]);
    assert.equal(encrypted.status, 0, encrypted.stderr);
    assert.equal(encrypted.stdout.trim().split('.').length, 5);
  });

  it('says so when a path is given as the token, instead of decoding the path', () => {
    for (const path of ['token.txt', tokenFile, './missing-token.jwt', 'missing.txt']) {
      const run = jwtkit(['decode', path]);
      assert.equal(run.status, 2, path);
      assert.match(
        run.stderr,
        new RegExp(`is a file path, not a token; .*write @${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
      );
    }
    const unset = jwtkit(['decode', 'env:NOT_SET_ANYWHERE']);
    assert.equal(unset.status, 2);
    assert.match(unset.stderr, /<token>: the environment variable NOT_SET_ANYWHERE is not set/);
    assert.equal(jwtkit(['decode', '@missing.txt']).status, 2);
  });

  it('refuses a token file over the input cap without reading it', () => {
    const big = file('big.txt', 'e'.repeat(800_000), 0o644);
    const run = jwtkit(['decode', `@${big}`]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /over the limit/);
  });
});

describe('jwtkit exit codes: one rule for every command', () => {
  const valid = hs256({ sub: 'ada', exp: NOW() + 600 }, SECRET);
  const expired = hs256({ sub: 'ada', exp: NOW() - 600 }, SECRET);

  it('2 for a usage error in every command, 1 for a token or key that fails, 3 for a high inspect finding', () => {
    const usage = [
      ['decode', '--nope'],
      ['verify', valid, '--nope'],
      ['verify', valid],
      ['sign', '{}'],
      ['encode', '{}', '--key', 'missing.pem'],
      ['encrypt', '{}'],
      ['decrypt', valid],
      ['inspect', valid, '--max-size', 'x'],
      ['keygen', 'XS999'],
      ['key', 'convert', 'missing.pem'],
      ['thumbprint', 'missing.pem'],
      ['jwks', 'build'],
      ['jwks', 'show', 'missing.json'],
      ['completion', 'tcsh'],
      ['ui', '--port', 'x'],
      ['nonsense'],
      [],
    ];
    for (const args of usage) {
      assert.equal(jwtkit(args).status, 2, args.join(' '));
      if (args.length > 0) {
        const json = jwtkit([...args, '--json']);
        assert.equal(json.status, 2, `${args.join(' ')} --json`);
        assert.equal(json.json().ok, false);
      }
    }
    const failing = [
      ['decode', `${valid.slice(0, -2)}=`],
      ['verify', expired, '--key', secretFile],
      ['verify', hs256({ sub: 'ada' }, 'another secret of thirty-two bytes!!'), '--key', secretFile],
    ];
    for (const args of failing) assert.equal(jwtkit(args).status, 1, args.join(' '));
    assert.equal(jwtkit(['inspect', hs256({ sub: 'a', exp: NOW() + 60 }, 'changeme')]).status, 3);
    assert.equal(jwtkit(['verify', valid, '--key', secretFile]).status, 0);
  });
});

describe('jwtkit verify --allow-weak-key', () => {
  // jwt.io's sample token and the secret its page shows.
  const JWT_IO =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  const weak = file('jwt-io.secret', 'your-256-bit-secret');

  it('refuses the short secret by default and names the flag', () => {
    const run = jwtkit(['verify', JWT_IO, '--key', weak]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /needs a secret of at least 32 bytes; this one has 19; .*add --allow-weak-key \(ERR_KEY_WEAK\)/);
  });

  it("verifies jwt.io's sample token with its secret, loudly, and still refuses a wrong secret", () => {
    assert.equal(hs256({ sub: '1234567890', name: 'John Doe', iat: 1516239022 }, 'your-256-bit-secret'), JWT_IO);
    const run = jwtkit(['verify', JWT_IO, '--key', weak, '--allow-weak-key', '--json']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal((run.json().payload as { name: string }).name, 'John Doe');
    assert.match(run.stderr, /warning: --allow-weak-key: the 19-byte secret is under the 32 bytes HS256 needs/);
    assert.equal(run.stderr.trim().split('\n').length, 1, `one warning, in the flag's terms: ${run.stderr}`);
    assert.doesNotMatch(run.stderr, /your-256-bit-secret/);
    const wrong = jwtkit(['verify', JWT_IO, '--key', file('other.secret', 'your-257-bit-secret'), '--allow-weak-key']);
    assert.equal(wrong.status, 1);
  });

  it('applies to HMAC secrets only: an RSA key, a JWKS or another algorithm is refused', () => {
    const pem = file(
      'rsa.pub.pem',
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) as string,
    );
    for (const flags of [
      ['--key', pem],
      ['--jwks', pem],
      ['--key', weak, '--alg', 'RS256'],
    ]) {
      const run = jwtkit(['verify', JWT_IO, ...flags, '--allow-weak-key']);
      assert.equal(run.status, 2, flags.join(' '));
      assert.match(run.stderr, /--allow-weak-key: /);
    }
  });
});

describe("jwtkit encode and other tools' flags", () => {
  it('encode is sign', () => {
    const run = jwtkit(['encode', '-c', 'sub=ada', '--key', secretFile]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(decodeJWT(run.stdout.trim()).payload.sub, 'ada');
    assert.match(jwtkit(['--help']).stdout, /sign\|encode/);
  });

  it('answers --secret, -S, -j, -A, -P with what to write instead', () => {
    for (const [args, hint] of [
      [['sign', '{}', '--secret', 'x'], /--key <file\|@file\|env:NAME\|->/],
      [['encode', '{}', '-S', 'x'], /--key <file/],
      [['decode', 'x', '-j'], /--json/],
      [['sign', '{}', '-A', 'HS256'], /-a \/ --alg/],
      [['sign', '-P', 'sub=ada'], /-c \/ --claim/],
      [['key', 'convert', 'x', '--format', 'pem'], /--to jwk or --to pem/],
    ] as const) {
      const run = jwtkit([...args]);
      assert.equal(run.status, 2, args.join(' '));
      assert.match(run.stderr, hint);
    }
  });

  it('never repeats a value glued to an unknown flag (--secret=..., -S..., --anything=...)', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789+/_'),
          minLength: 12,
          maxLength: 40,
        }),
        fc.constantFrom('--secret=', '-S', '--secret-key=', '--sekret=', '-Z'),
        (secret, flag) => {
          const run = jwtkit(['sign', '{}', `${flag}${secret}`, '--json']);
          assert.equal(run.status, 2);
          assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), `${flag}: ${run.stdout}${run.stderr}`);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe('jwtkit colour variables', () => {
  const token = hs256({ sub: 'ada' }, SECRET);

  it('NO_COLOR wins over FORCE_COLOR; FORCE_COLOR alone colours; FORCE_COLOR=0 does not', () => {
    assert.match(jwtkit(['decode', token], { env: { FORCE_COLOR: '1' } }).stdout, ANSI, 'positive control');
    assert.doesNotMatch(jwtkit(['decode', token], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout, ANSI);
    assert.doesNotMatch(jwtkit(['decode', token], { env: { FORCE_COLOR: '3', NO_COLOR: 'true' } }).stdout, ANSI);
    assert.doesNotMatch(jwtkit(['decode', token], { env: { FORCE_COLOR: '0' } }).stdout, ANSI);
    assert.match(
      jwtkit(['decode', token], { env: { FORCE_COLOR: '1', NO_COLOR: '' } }).stdout,
      ANSI,
      'an empty NO_COLOR is unset',
    );
  });
});

describe('jwtkit inspect --json: the review ran, and what it found', () => {
  it('ok says the review ran; passed says there was no high-severity finding', () => {
    const weak = jwtkit(['inspect', hs256({ sub: 'a', exp: NOW() + 60 }, 'changeme'), '--json']);
    assert.equal(weak.status, 3);
    assert.equal(weak.json().ok, true);
    assert.equal(weak.json().passed, false);
    const clean = jwtkit(['inspect', hs256({ sub: 'a', exp: NOW() + 60 }, SECRET), '--json']);
    assert.equal(clean.status, 0);
    assert.deepEqual([clean.json().ok, clean.json().passed], [true, true]);
    const broken = jwtkit(['inspect', '-', '--json'], { input: '' });
    assert.equal(broken.status, 2);
    assert.equal(broken.json().ok, false);
    assert.equal(broken.json().passed, undefined);
  });
});

describe('jwtkit encrypt: a signed JWT, nested', () => {
  it('wraps what sign printed (cty JWT); decrypt verifies it inside with --verify-key; the library agrees', async () => {
    assert.equal(jwtkit(['keygen', 'ES256', '--out', 'nest-sig']).status, 0);
    assert.equal(jwtkit(['keygen', 'RSA-OAEP-256', '--out', 'nest-enc']).status, 0);
    const signed = jwtkit(['sign', '-c', 'sub=ada', '--key', 'nest-sig.private.json', '--exp', '10m']).stdout;
    const run = jwtkit(['encrypt', '-', '--key', 'nest-enc.public.json'], { input: signed });
    assert.equal(run.status, 0, run.stderr);
    const jwe = run.stdout.trim();
    assert.equal(jwe.split('.').length, 5);
    const header = JSON.parse(Buffer.from(jwe.split('.')[0] as string, 'base64url').toString());
    assert.equal(header.cty, 'JWT');
    const opened = jwtkit(['decrypt', jwe, '--key', 'nest-enc.private.json', '--verify-key', 'nest-sig.public.json', '--json']);
    assert.equal(opened.status, 0, opened.stderr);
    assert.equal((opened.json().payload as { sub: string }).sub, 'ada');
    const withoutVerify = jwtkit(['decrypt', jwe, '--key', 'nest-enc.private.json']);
    assert.equal(withoutVerify.status, 2);
    assert.match(withoutVerify.stderr, /--verify-key/);
    const otherSigner = jwtkit(['keygen', 'ES256', '--out', 'nest-other']);
    assert.equal(otherSigner.status, 0);
    assert.equal(jwtkit(['decrypt', jwe, '--key', 'nest-enc.private.json', '--verify-key', 'nest-other.public.json']).status, 1);
    const { payload } = await decryptJWT(
      jwe,
      await importKey(readFileSync(join(dir, 'nest-enc.private.json'), 'utf8'), { alg: 'RSA-OAEP-256' }),
      {
        verify: {
          key: await importKey(readFileSync(join(dir, 'nest-sig.public.json'), 'utf8'), { alg: 'ES256' }),
          algorithms: ['ES256'],
        },
      },
    );
    assert.equal(payload.sub, 'ada');
  });

  it('refuses claims next to a signed JWT: they belong in the signed token', () => {
    const signed = jwtkit(['sign', '-c', 'sub=ada', '--key', secretFile]).stdout;
    for (const flags of [
      ['--exp', '5m'],
      ['--exp', '2030-01-01'],
      ['-c', 'admin=true'],
      ['--iss', 'x'],
    ]) {
      const run = jwtkit(['encrypt', signed.trim(), '--key', 'nest-enc.public.json', ...flags]);
      assert.equal(run.status, 2, flags.join(' '));
      assert.match(run.stderr, /signed JWT is encrypted as it is/);
    }
  });
});

describe('jwtkit completion: algorithm names', () => {
  const script = jwtkit(['completion', 'bash']).stdout;
  const complete = (line: string) => bashCompletions(script, line, dir);

  it('offers signature algorithms after sign/verify --alg, key management after encrypt --alg, all after keygen', () => {
    assert.deepEqual(complete('jwtkit sign --alg ES'), ['ES256', 'ES384', 'ES512', 'ES256K']);
    assert.deepEqual(complete('jwtkit verify -a PS'), ['PS256', 'PS384', 'PS512']);
    assert.deepEqual(complete('jwtkit encode -a H'), ['HS256', 'HS384', 'HS512']);
    assert.ok(complete('jwtkit encrypt --alg RSA').includes('RSA-OAEP-256'));
    assert.ok(!complete('jwtkit encrypt --alg ').includes('HS256'));
    assert.deepEqual(complete('jwtkit decrypt --enc A256'), ['A256GCM', 'A256CBC-HS512']);
    assert.deepEqual(complete('jwtkit keygen Ed'), ['EdDSA', 'Ed25519', 'Ed448']);
    assert.deepEqual(complete('jwtkit keygen --format '), ['jwk', 'pem', 'raw']);
    assert.deepEqual(complete('jwtkit en'), ['encode', 'encrypt']);
    const fish = jwtkit(['completion', 'fish']).stdout;
    assert.match(fish, /-l alg -s a -x -a '[^']*ES256K/);
  });

  it('offers only names the library takes: every keygen candidate generates, every signature name imports', async () => {
    for (const alg of KEYGEN_ALGORITHMS) {
      try {
        if (/^(?:HS|A\d{3}(?:GCM|KW|GCMKW|CBC))/.test(alg)) await generateSecret(alg);
        else await generateKeyPair(alg);
      } catch (error) {
        // Named by the library, not available on this runtime (ML-DSA before Node 24.7, Ed448 without node:crypto's).
        assert.ok(
          /^(?:ML-DSA|Ed448|ES256K)/.test(alg) && (error as { code?: string }).code === 'ERR_NOT_SUPPORTED',
          `${alg}: ${error}`,
        );
      }
    }
    for (const alg of SIGNATURE_ALGORITHMS.filter((name) => name.startsWith('HS')))
      await importKey(new Uint8Array(64).fill(7), { alg });
    assert.ok(KEY_MANAGEMENT_ALGORITHMS.includes('ECDH-ES+A256KW'));
  });
});
