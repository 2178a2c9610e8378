// The browser build loads the key text reader (PEM, ASN.1, the key-material scanner) on first need
// (src/keys/text-reader.ts, issue 32). What must never happen:
// - the web build, bundled and split the way an application's bundler does it, classifies any key
//   material differently from the Node build: a public key in any form, wrapper and junk becomes a
//   secret there, or a forged HMAC token keyed with it verifies;
// - a synchronous call in the web build, before the reader is loaded, reads key text some other
//   way than the reader does (it must fail as ERR_SYNC_UNAVAILABLE instead).
// The web build runs here in Node (WebCrypto is global), from esbuild's split output for the
// browser platform, in a directory of its own; the inputs are generated (fast-check).
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import * as node from 'jwtkit';
import { forgeHMAC, OWNERS, wrappedKeyCase } from '../support/key-forms.js';
import { ROCA_KEY } from '../support/roca-key.js';

const root = new URL('../../../', import.meta.url).pathname;
type Jwtkit = typeof node;

let dir: string;
let web: Jwtkit;
let chunks: string[];

/** The web build, bundled and split for the browser into `into`; returns the output files' names. */
async function bundleWeb(into: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: `export * from './dist/src/index.js';`, resolveDir: root, sourcefile: 'app.js' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: into,
    entryNames: 'app',
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.outputs);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jwtkit-web-build-'));
  chunks = await bundleWeb(join(dir, 'split'));
  web = (await import(pathToFileURL(join(dir, 'split', 'app.js')).href)) as Jwtkit;
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The outcome of an attempt as comparable data: the error's code, or what the key became. */
async function outcome(attempt: () => Promise<{ alg: string }> | { alg: string }): Promise<string> {
  try {
    return `key ${(await attempt()).alg}`;
  } catch (error) {
    return error instanceof Error && 'code' in error ? String(error.code) : `untyped ${String(error)}`;
  }
}

describe('the web build reads key text as the Node build does, from a chunk loaded on first need', () => {
  // Runs first: nothing has loaded the reader in the web build yet.
  it('before the reader is loaded, a synchronous import of key text fails with ERR_SYNC_UNAVAILABLE and nothing else', async () => {
    assert.ok(
      chunks.some((chunk) => /text-reader/.test(chunk)),
      `the split has no key text reader chunk: ${chunks.join(', ')}`,
    );
    const pem = OWNERS[0]?.fixture.spki as string;
    for (const material of [
      pem,
      new TextEncoder().encode(pem),
      'a-secret-of-at-least-thirty-two-bytes!!',
      { kty: 'oct', k: 'c2VjcmV0' },
    ]) {
      assert.equal(await outcome(() => web.importKeySync(material, { alg: 'HS256' })), 'ERR_SYNC_UNAVAILABLE');
    }
    // A CryptoKey needs no reader: the web build refuses it synchronously for its own reason.
    const cryptoKey = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
    assert.equal(await outcome(() => web.importKeySync(cryptoKey, { alg: 'HS256' })), 'ERR_SYNC_UNAVAILABLE');
    // Positive control: the asynchronous import loads the reader and takes the same text.
    assert.equal(await outcome(() => web.importKey(pem, { alg: 'RS256' })), 'key RS256');
  });

  it('every form, wrapper and junk of public key material gets the same answer from importKey in both builds, and no forged HMAC token verifies in the web build (property)', async () => {
    const forms = wrappedKeyCase(['HS256', 'HS512', undefined] as const);
    await fc.assert(
      fc.asyncProperty(forms, async ({ owner, wrapped, alg }) => {
        const value = wrapped?.value as node.KeyMaterial;
        const options = alg === undefined ? {} : { alg };
        const inNode = await outcome(() => node.importKey(value, options));
        const inWeb = await outcome(() => web.importKey(value, options));
        assert.equal(inWeb, inNode, `${owner.name}: web build ${inWeb}, Node build ${inNode}`);
        assert.ok(!inWeb.startsWith('key HS'), `a public key became an HMAC secret: ${inWeb}`);
        const forged = await forgeHMAC('HS256', wrapped?.hmacKey as Uint8Array, { sub: 'victim' });
        const verdict = await outcome(async () => ({
          alg: (await web.verifyJWT(forged, value, { algorithms: ['HS256'] })).header.alg ?? 'none',
        }));
        assert.ok(!verdict.startsWith('key'), `the web build ACCEPTED a token forged with ${owner.name} material`);
      }),
      { numRuns: 120 },
    );
  });

  it('a key object whose kty answers anything on its first read, any one later read and all others (a getter or a Proxy) never becomes a secret that holds key material, in either build (every schedule)', async () => {
    // Hostile reviews of issue 32: a getter answering "RSA" only to the check that decides whether
    // "k" is scanned got a public PEM accepted as an HS256 secret (both builds); so did one answering
    // nothing on its first read, which skipped the snapshot of the JWK, then "oct" to the backend.
    // Every schedule of that shape is tried: first answer, one later read with its own answer, the rest.
    const answers = [undefined, 1, 'oct', 'RSA', 'EC'] as const;
    const pem = OWNERS[0]?.fixture.spki as string;
    const k = Buffer.from(pem).toString('base64url');
    const forged = await forgeHMAC('HS256', new TextEncoder().encode(pem), { sub: 'victim' });
    const hostile = (first: unknown, flipAt: number, flip: unknown, rest: unknown, proxy: boolean) => {
      let reads = 0;
      const kty = () => {
        reads += 1;
        return reads === 1 ? first : reads === flipAt ? flip : rest;
      };
      if (proxy)
        return new Proxy({ kty: 'oct', k }, { get: (target, name) => (name === 'kty' ? kty() : Reflect.get(target, name)) });
      return {
        get kty() {
          return kty();
        },
        k,
      };
    };
    let tried = 0;
    for (const first of answers)
      for (const flip of answers)
        for (const rest of answers)
          for (let flipAt = 2; flipAt <= 14; flipAt++)
            for (const proxy of [false, true])
              for (const [build, lib] of [
                ['Node', node],
                ['web', web],
              ] as const) {
                const schedule = `${build} build, ${proxy ? 'Proxy' : 'getter'}: ${first}, read ${flipAt} ${flip}, else ${rest}`;
                const imported = await outcome(() =>
                  lib.importKey(hostile(first, flipAt, flip, rest, proxy) as node.KeyMaterial, { alg: 'HS256' }),
                );
                assert.ok(!imported.startsWith('key') && !imported.startsWith('untyped'), `${schedule}: ${imported}`);
                const verdict = await outcome(async () => ({
                  alg:
                    (
                      await lib.verifyJWT(forged, hostile(first, flipAt, flip, rest, proxy) as node.KeyMaterial, {
                        algorithms: ['HS256'],
                      })
                    ).header.alg ?? 'none',
                }));
                assert.ok(!verdict.startsWith('key'), `${schedule}: a token forged with the public key ACCEPTED`);
                tried += 1;
              }
    assert.equal(tried, 5 * 5 * 5 * 13 * 2 * 2);
    // Positive control: a plain symmetric JWK of a real secret still imports in both builds.
    const secret = { kty: 'oct', k: Buffer.from('a-32-byte-or-longer-secret-value-here!').toString('base64url') };
    assert.equal(await outcome(() => node.importKey({ ...secret }, { alg: 'HS256' })), 'key HS256');
    assert.equal(await outcome(() => web.importKey({ ...secret }, { alg: 'HS256' })), 'key HS256');
  });

  it("odd key objects get the Node build's answer, typed, from the first call of a fresh web bundle, in importKey and verifyJWT", async () => {
    // Hostile reviews of issue 32: a "type" getter that throws escaped untyped; an ML-DSA JWK asked
    // for the key text reader it does not need; a kty naming an Object.prototype member crashed
    // jwkMaterial; a key_ops whose iterator or elements throw, bytes that are no bytes (an object
    // made from Uint8Array.prototype, a Proxy of bytes) and a revoked Proxy escaped untyped; a
    // CryptoKey whose own getters lie to the first reads made a fresh bundle skip loading a part.
    const akp = await node.generateKeyPair('ML-DSA-44', { extractable: true }).then(
      async ({ publicKey }) => (await node.exportKey(publicKey, 'jwk')) as Record<string, string>,
      () => undefined,
    );
    const revoked = () => {
      const proxy = Proxy.revocable({}, {});
      proxy.revoke();
      return proxy.proxy;
    };
    const throwing = (name: string, base: object = {}) =>
      Object.defineProperty({ ...base }, name, {
        enumerable: true,
        get() {
          throw new Error('boom');
        },
      });
    const publicJwk = OWNERS[1]?.fixture.publicJwk as Record<string, string>;
    const builtinGetter = (object: object, name: string) => {
      for (let at: object | null = object; at !== null; at = Object.getPrototypeOf(at)) {
        const found = Object.getOwnPropertyDescriptor(at, name)?.get;
        if (found !== undefined) return found;
      }
      throw new Error(`no getter ${name}`);
    };
    /** A CryptoKey whose own `name` getter answers `lie` to its first `reads` reads, then the truth. */
    const lying = (key: CryptoKey, name: string, lie: unknown, reads: number) => {
      const real = builtinGetter(key, name);
      let count = 0;
      return Object.defineProperty(key, name, {
        get() {
          count += 1;
          return count <= reads ? lie : real.call(this);
        },
      });
    };
    const cases: [string, () => unknown, string][] = [
      ['a "type" getter that throws', () => throwing('type'), 'HS256'],
      ['a "kty" getter that throws', () => throwing('kty'), 'ES256'],
      ['a revoked Proxy', revoked, 'HS256'],
      ['a revoked Proxy as key_ops', () => ({ ...publicJwk, key_ops: revoked() }), 'ES256'],
      [
        'a key_ops whose iterator throws',
        () => ({
          ...publicJwk,
          key_ops: Object.assign(['verify'], {
            [Symbol.iterator]() {
              throw new Error('boom');
            },
          }),
        }),
        'ES256',
      ],
      [
        'a key_ops whose element throws',
        () => ({
          ...publicJwk,
          key_ops: new Proxy(['verify'], { get: (t, p) => (p === '0' ? assert.fail('boom') : Reflect.get(t, p)) }),
        }),
        'ES256',
      ],
      ['an object made from Uint8Array.prototype', () => Object.create(Uint8Array.prototype), 'HS256'],
      ['a Proxy of bytes', () => new Proxy(new TextEncoder().encode('a-32-byte-or-longer-secret-value-here!'), {}), 'HS256'],
      ...['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((kty): [string, () => unknown, string] => [
        `kty "${kty}"`,
        () => JSON.parse(`{"kty":"${kty}","k":"c2VjcmV0"}`),
        'HS256',
      ]),
    ];
    const asyncCases: [string, () => Promise<unknown>, string][] = [
      [
        'a ROCA RSA CryptoKey whose algorithm lies to its first three reads',
        async () =>
          lying(
            await crypto.subtle.importKey(
              'jwk',
              ROCA_KEY.publicJwk as JsonWebKey,
              { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
              true,
              ['verify'],
            ),
            'algorithm',
            { name: 'ECDSA', namedCurve: 'P-256' },
            3,
          ),
        'RS256',
      ],
      [
        'a 16-byte HMAC CryptoKey whose type lies to its first read',
        async () =>
          lying(
            await crypto.subtle.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']),
            'type',
            'public',
            1,
          ),
        'HS256',
      ],
    ];
    if (akp !== undefined) cases.push(['an AKP (ML-DSA) JWK', () => ({ ...akp }), 'ML-DSA-44']);
    const lies = new Set(asyncCases.map(([name]) => name));
    const pristine = join(dir, 'pristine');
    await bundleWeb(pristine);
    const fresh = async (label: string) => {
      const copy = join(dir, `fresh-odd-${label}`);
      await cp(pristine, copy, { recursive: true });
      return (await import(pathToFileURL(join(copy, 'app.js')).href)) as Jwtkit;
    };
    const token = 'eyJhbGciOiJIUzI1NiJ9.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
    let index = 0;
    // Each key comes wrapped: awaiting a revoked Proxy itself would throw in this harness (it reads `then`).
    const made: [string, () => Promise<{ key: unknown }>, string][] = [
      ...cases.map(([name, material, alg]): [string, () => Promise<{ key: unknown }>, string] => [
        name,
        async () => ({ key: material() }),
        alg,
      ]),
      ...asyncCases.map(([name, material, alg]): [string, () => Promise<{ key: unknown }>, string] => [
        name,
        async () => ({ key: await material() }),
        alg,
      ]),
    ];
    for (const [name, material, alg] of made) {
      for (const call of ['importKey', 'verifyJWT'] as const) {
        const attempt = async (lib: Jwtkit) => {
          const key = (await material()).key as node.KeyMaterial;
          return call === 'importKey'
            ? lib.importKey(key, { alg })
            : lib
                .verifyJWT(
                  token.replace('eyJhbGciOiJIUzI1NiJ9', Buffer.from(JSON.stringify({ alg })).toString('base64url')),
                  key,
                  { algorithms: [alg] },
                )
                .then(() => ({ alg }));
        };
        const inNode = await outcome(() => attempt(node));
        assert.ok(!inNode.startsWith('untyped'), `Node build, ${call}, ${name}: ${inNode}`);
        const isolated = await fresh(String(index++));
        const inWeb = await outcome(() => attempt(isolated));
        if (lies.has(name)) {
          // A getter that lies to some reads gets answers that depend on how often each build reads
          // it; what must hold is a typed refusal in both, never a key, never "load it synchronously".
          for (const [build, verdict] of [
            ['Node', inNode],
            ['web', inWeb],
          ] as const)
            assert.ok(
              verdict.startsWith('ERR_') && verdict !== 'ERR_SYNC_UNAVAILABLE',
              `${build} build, ${call}, ${name}: ${verdict}`,
            );
        } else assert.equal(inWeb, inNode, `web build, ${call}, ${name}`);
      }
    }
    // The JWE path reads a key's alg before the import, when no algorithm is named.
    const jwe = await node.encryptJWT({ sub: 'a' }, { kty: 'oct', k: Buffer.alloc(32, 1).toString('base64url'), alg: 'A256KW' });
    for (const lib of [node, await fresh('jwe')]) {
      const refused = await outcome(async () => ({
        alg: (await lib.decryptJWT(jwe, throwing('alg', { kty: 'oct' }) as node.KeyMaterial)).header.alg ?? '',
      }));
      assert.equal(refused, 'ERR_KEY_INVALID');
    }
  });

  it('bytes and keys that only look like bytes or keys never carry a public key in as an HMAC secret, and are refused typed, in both builds', async () => {
    // Third hostile review of issue 32: the scan for key material read a Uint8Array through its own
    // methods (subarray, species) while the backend read its stored bytes, so a Buffer with its own
    // subarray hid a PEM from the scan and a forged HS256 token verified (both builds). Bytes are
    // copied by the built-ins now, and a Key is recognised by a brand, not by its prototype.
    const pem = OWNERS[0]?.fixture.spki as string;
    const pemBytes = () => new Uint8Array(Buffer.from(pem));
    const harmless = new Uint8Array(new ArrayBuffer(64)).fill(0x61);
    class Hiding extends Uint8Array {
      override subarray(): Uint8Array<ArrayBuffer> {
        return harmless;
      }
    }
    class Species extends Uint8Array {
      static get [Symbol.species]() {
        return class extends Uint8Array {
          constructor() {
            super(harmless);
          }
        };
      }
    }
    const detached = () => {
      const buffer = new ArrayBuffer(8);
      structuredClone(buffer, { transfer: [buffer] });
      return buffer;
    };
    const sparseOps = () => ({
      ...(OWNERS[1]?.fixture.publicJwk as Record<string, string>),
      key_ops: Object.assign(['verify'], { length: 2 ** 32 - 1 }),
    });
    const forms: [string, () => unknown][] = [
      ['a Buffer with its own subarray', () => Object.assign(Buffer.from(pem), { subarray: () => harmless })],
      ['a Uint8Array subclass overriding subarray', () => new Hiding(pemBytes())],
      ['a Uint8Array subclass with another species', () => new Species(pemBytes())],
      [
        'a Buffer whose prototype was swapped',
        () => Object.setPrototypeOf(Buffer.from(pem), { subarray: () => harmless, __proto__: Uint8Array.prototype }),
      ],
      [
        'an object made from Key.prototype',
        () => Object.assign(Object.create(node.Key.prototype), { alg: 'HS256', kty: 'oct', internals: {} }),
      ],
      [
        'a Proxy whose getPrototypeOf throws',
        () =>
          new Proxy(
            {},
            {
              getPrototypeOf() {
                throw new Error('boom');
              },
            },
          ),
      ],
      ['a detached ArrayBuffer', detached],
      ['a JWK whose key_ops claims four billion entries', sparseOps],
    ];
    const forged = await forgeHMAC('HS256', new TextEncoder().encode(pem), { sub: 'victim' });
    for (const [name, material] of forms)
      for (const [build, lib] of [
        ['Node', node],
        ['web', web],
      ] as const) {
        const imported = await outcome(() => lib.importKey(material() as node.KeyMaterial, { alg: 'HS256' }));
        assert.ok(imported.startsWith('ERR_'), `${build} build, importKey, ${name}: ${imported}`);
        const verdict = await outcome(async () => ({
          alg: (await lib.verifyJWT(forged, material() as node.KeyMaterial, { algorithms: ['HS256'] })).header.alg ?? '',
        }));
        assert.ok(verdict.startsWith('ERR_'), `${build} build, verifyJWT, ${name}: ${verdict}`);
      }
    // Positive control: the same PEM bytes declared a secret verify the forged token, so the refusals
    // above come from the classification, not from a broken forgery.
    const declared = await node.importKey(pemBytes(), { alg: 'HS256', secret: true });
    assert.equal((await node.verifyJWT(forged, declared, { algorithms: ['HS256'] })).payload.sub, 'victim');
  });

  it("a secret key object loads the reader too: the first import in a fresh bundle, and every later one, gets the Node build's answer (property)", async () => {
    // The secret rules (length, the short-secret warning, a JWE secret used as bytes) are part of the
    // reader's chunk (src/keys/import-text.ts). A CryptoKey of type "secret" is neither text nor
    // bytes: were it not counted as needing the reader, its import would fail for want of it.
    const fresh = join(dir, 'fresh');
    await bundleWeb(fresh);
    const isolated = (await import(pathToFileURL(join(fresh, 'app.js')).href)) as Jwtkit;
    const hmac = (bytes: number, hash: string) =>
      crypto.subtle.importKey('raw', new Uint8Array(bytes).fill(7), { name: 'HMAC', hash }, true, ['sign', 'verify']);
    const first = await hmac(32, 'SHA-256');
    assert.equal(await outcome(() => isolated.importKey(first, { alg: 'HS256' })), 'key HS256');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 80 }),
        fc.constantFrom('SHA-256', 'SHA-384', 'SHA-512'),
        fc.constantFrom('HS256', 'HS384', 'HS512', undefined),
        async (bytes, hash, alg) => {
          const key = await hmac(bytes, hash);
          const options = alg === undefined ? {} : { alg };
          const inNode = await outcome(() => node.importKey(key, options));
          for (const lib of [isolated, web]) assert.equal(await outcome(() => lib.importKey(key, options)), inNode);
        },
      ),
      { numRuns: 60 },
    );
    // A JWE secret key object (used as bytes): an AES key of the right length and of a wrong one.
    for (const [length, alg] of [
      [256, 'A256KW'],
      [128, 'A256KW'],
      [256, 'A256GCM'],
    ] as const) {
      const aes = await crypto.subtle.generateKey({ name: 'AES-KW', length }, true, ['wrapKey', 'unwrapKey']);
      assert.equal(await outcome(() => isolated.importKey(aes, { alg })), await outcome(() => node.importKey(aes, { alg })));
    }
  });

  it('the RSA checks load on the first RSA key: a ROCA key is refused in every form as the first call of a fresh bundle, as in the Node build', async () => {
    // The ROCA check (src/keys/roca.ts) is a chunk of its own in the browser build (src/keys/rsa-checks.ts),
    // apart from the key text reader: an RSA key in text shows its type only once read, so its
    // first import plans, meets the checks missing, loads them and plans again (importKeyFor).
    const extractable = await crypto.subtle.importKey(
      'jwk',
      ROCA_KEY.publicJwk as JsonWebKey,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      true,
      ['verify'],
    );
    const der = (pem: string) =>
      Uint8Array.from(atob(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')), (c) => c.charCodeAt(0));
    const forms: [string, () => node.KeyMaterial][] = [
      ['public JWK', () => ({ ...ROCA_KEY.publicJwk })],
      ['private JWK', () => ({ ...ROCA_KEY.privateJwk })],
      ['extractable CryptoKey', () => extractable],
      ['JWK text', () => JSON.stringify(ROCA_KEY.publicJwk)],
      ['SPKI PEM', () => ROCA_KEY.spki],
      ['PKCS#8 PEM', () => ROCA_KEY.pkcs8],
      ['SPKI DER bytes', () => der(ROCA_KEY.spki)],
    ];
    for (const [index, [name, material]] of forms.entries()) {
      const inNode = await outcome(() => node.importKey(material(), { alg: 'RS256' }));
      assert.equal(inNode, 'ERR_KEY_WEAK', `Node build, ${name}`);
      const fresh = join(dir, `fresh-rsa-${index}`);
      await bundleWeb(fresh);
      const isolated = (await import(pathToFileURL(join(fresh, 'app.js')).href)) as Jwtkit;
      assert.equal(await outcome(() => isolated.importKey(material(), { alg: 'RS256' })), inNode, `web build, ${name}`);
    }
    // Positive controls: an ordinary RSA key in text, as the first call of a fresh bundle, imports and verifies.
    const ordinary = OWNERS[0]?.fixture as { spki: string; pkcs8: string };
    const signed = await node.signJWT({ sub: 'a' }, ordinary.pkcs8, { alg: 'RS256' });
    for (const [index, material] of [ordinary.spki, ordinary.pkcs8].entries()) {
      const fresh = join(dir, `fresh-rsa-ordinary-${index}`);
      await bundleWeb(fresh);
      const isolated = (await import(pathToFileURL(join(fresh, 'app.js')).href)) as Jwtkit;
      assert.equal(await outcome(() => isolated.importKey(material, { alg: 'RS256' })), 'key RS256');
    }
    const freshVerify = join(dir, 'fresh-rsa-pem-verify');
    await bundleWeb(freshVerify);
    const pemVerifier = (await import(pathToFileURL(join(freshVerify, 'app.js')).href)) as Jwtkit;
    assert.equal(
      await outcome(async () => ({ alg: (await pemVerifier.verifyJWT(signed, ordinary.spki)).header.alg ?? '' })),
      'key RS256',
    );
    // The same in a verifier, first call of its own bundle: the key source imports through the same path.
    const again = join(dir, 'fresh-rsa-verify');
    await bundleWeb(again);
    const verifier = (await import(pathToFileURL(join(again, 'app.js')).href)) as Jwtkit;
    const token = await node.signJWT({ sub: 'a' }, OWNERS[0]?.fixture.pkcs8 as string, { alg: 'RS256' });
    assert.equal(
      await outcome(async () => ({
        alg: (await verifier.verifyJWT(token, { ...ROCA_KEY.publicJwk }, { algorithms: ['RS256'] })).header.alg ?? '',
      })),
      'ERR_KEY_WEAK',
    );
    // Positive control: an ordinary RSA key verifies in the web build.
    assert.equal(
      await outcome(async () => ({
        alg:
          (await verifier.verifyJWT(token, OWNERS[0]?.fixture.publicJwk as Record<string, string>, { algorithms: ['RS256'] }))
            .header.alg ?? '',
      })),
      'key RS256',
    );
  });

  it('a reader chunk the application cannot load is a typed ERR_NOT_SUPPORTED naming the cause, never a bare TypeError', async () => {
    const broken = join(dir, 'broken');
    const files = await bundleWeb(broken);
    const reader = files.find((file) => /text-reader[^/]*\.js$/.test(file));
    assert.ok(reader !== undefined, files.join(', '));
    await rm(resolve(process.cwd(), reader));
    const isolated = (await import(pathToFileURL(join(broken, 'app.js')).href)) as Jwtkit;
    const pem = OWNERS[1]?.fixture.spki as string;
    // The bundle's own error classes: a JWTKitError of that copy of jwtkit.
    const error = await isolated.importKey(pem, { alg: 'ES256' }).then(
      () => assert.fail('imported without its reader'),
      (failure: unknown) => failure,
    );
    assert.ok(error instanceof isolated.JWTKitError, String(error));
    assert.equal(error.code, 'ERR_NOT_SUPPORTED');
    assert.match(error.message, /key text reader .* could not be loaded/);
    assert.ok(error.cause !== undefined);
    // What needs no reader still works in that bundle: a JWK.
    const key = await isolated.importKey(OWNERS[1]?.fixture.publicJwk as Record<string, string>, { alg: 'ES256' });
    assert.equal(key.alg, 'ES256');
  });
});
