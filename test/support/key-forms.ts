// Asymmetric key material in every form a verifier's key reaches a library: the text forms of key
// files (PEM with junk around it, `openssl x509 -text` output, PKCS#12 "Bag Attributes", JWK and
// JWKS JSON, OpenSSH lines, base64 and hex of DER, base64 of a PEM file) and raw DER, each wrapped
// as a string or as bytes (Buffer, Uint8Array at an offset, ArrayBuffer, DataView, UTF-16). The
// property suites forge HMAC tokens keyed with the exact bytes and check that no entry point accepts
// them (catalogue entries 2 and 35).
import fc from 'fast-check';
import { KEYS, type KeyFixture } from './key-fixtures.js';

const encoder = new TextEncoder();

export interface KeyOwner {
  readonly name: string;
  readonly fixture: KeyFixture;
  /** The algorithm of the genuine tokens its private key signs. */
  readonly alg: 'RS256' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';
}

export const OWNERS: readonly KeyOwner[] = [
  { name: 'RSA', fixture: KEYS.rsa, alg: 'RS256' },
  { name: 'P-256', fixture: KEYS.p256, alg: 'ES256' },
  { name: 'P-384', fixture: KEYS.p384, alg: 'ES384' },
  { name: 'P-521', fixture: KEYS.p521, alg: 'ES512' },
  { name: 'Ed25519', fixture: KEYS.ed25519, alg: 'EdDSA' },
];

const fromB64u = (text: string): Uint8Array =>
  Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));
const pemBody = (pem: string): Uint8Array =>
  Uint8Array.from(atob(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '')), (c) => c.charCodeAt(0));
const wrap = (text: string, width: number): string => text.match(new RegExp(`.{1,${width}}`, 'g'))?.join('\n') ?? text;
const colonHex = (bytes: Uint8Array): string =>
  wrap([...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(':'), 45)
    .split('\n')
    .map((line) => `                    ${line}`)
    .join('\n');

/** The RFC 4253 §6.6 wire form of a public key, for the OpenSSH line. */
function sshBlob(owner: KeyOwner): { type: string; blob: Uint8Array } {
  const field = (bytes: Uint8Array) => {
    const out = new Uint8Array(4 + bytes.length);
    new DataView(out.buffer).setUint32(0, bytes.length);
    out.set(bytes, 4);
    return out;
  };
  const mpint = (bytes: Uint8Array) => field((bytes[0] as number) & 0x80 ? Uint8Array.of(0, ...bytes) : bytes);
  const join = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));
  const jwk = owner.fixture.publicJwk;
  if (jwk.kty === 'RSA') {
    return {
      type: 'ssh-rsa',
      blob: join(field(encoder.encode('ssh-rsa')), mpint(fromB64u(jwk.e as string)), mpint(fromB64u(jwk.n as string))),
    };
  }
  if (jwk.kty === 'OKP')
    return { type: 'ssh-ed25519', blob: join(field(encoder.encode('ssh-ed25519')), field(fromB64u(jwk.x as string))) };
  const curve = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' }[jwk.crv as string] as string;
  const point = Uint8Array.of(4, ...fromB64u(jwk.x as string), ...fromB64u(jwk.y as string));
  return {
    type: `ecdsa-sha2-${curve}`,
    blob: join(field(encoder.encode(`ecdsa-sha2-${curve}`)), field(encoder.encode(curve)), field(point)),
  };
}

/** One way a key file holds the key: text (junk may surround it) or raw DER. */
export interface KeyForm {
  readonly form: string;
  /** Whether importKey reads a usable public key out of it (the positive control). */
  readonly importable: boolean;
  readonly text?: string;
  readonly der?: Uint8Array;
}

export const FORMS = [
  'SPKI PEM',
  'PKCS#1 PEM',
  'certificate PEM',
  'openssl x509 -text',
  'openssl x509 -text -noout',
  'PKCS#12 Bag Attributes',
  'JWK JSON',
  'JWK JSON, pretty',
  'JWKS JSON',
  'OpenSSH line',
  'authorized_keys line',
  'RFC 4716 SSH2 public key',
  'base64 DER',
  'base64 DER, wrapped',
  'hex DER',
  'base64 of the PEM file',
  'base64 of the base64 body',
  'hex of the PEM file',
  'PEM body on one line, spaces for line breaks',
  'PEM with literal \\n escapes',
  'percent-encoded PEM',
  'JWK with an escaped member name and a trailing no-break space',
  'JWK as YAML',
  'raw DER',
  'raw PKCS#1 DER',
  'base64 of PKCS#8 or SEC1 DER',
  'raw DER and a line break',
  'raw DER zero-padded',
  'two DER certificates',
  'openssl -modulus output',
  'public numbers as openssl -text prints them',
] as const;
export type FormName = (typeof FORMS)[number];

/** The key of `owner` in form `name`, or undefined where the form does not exist for that key. */
export function keyForm(owner: KeyOwner, name: FormName): KeyForm | undefined {
  const { fixture } = owner;
  const spkiDer = pemBody(fixture.spki);
  const textual = (text: string, importable: boolean): KeyForm => ({ form: name, text, importable });
  const ssh = sshBlob(owner);
  switch (name) {
    case 'SPKI PEM':
      return textual(fixture.spki, true);
    case 'PKCS#1 PEM':
      return fixture.pkcs1Public === undefined ? undefined : textual(fixture.pkcs1Public, true);
    case 'certificate PEM':
      return fixture.certificate === undefined ? undefined : textual(fixture.certificate, true);
    case 'openssl x509 -text':
    case 'openssl x509 -text -noout': {
      const printed = `Certificate:\n    Data:\n        Version: 3 (0x2)\n        Issuer: CN = jwtkit ${owner.name}\n        Subject Public Key Info:\n            Public Key Algorithm: ${owner.fixture.publicJwk.kty === 'RSA' ? 'rsaEncryption' : 'id-ecPublicKey'}\n                Public-Key: (${owner.name})\n                pub:\n${colonHex(spkiDer)}\n`;
      return name === 'openssl x509 -text -noout'
        ? textual(printed, false)
        : textual(`${printed}${fixture.certificate ?? fixture.spki}`, true);
    }
    case 'PKCS#12 Bag Attributes':
      return textual(
        `Bag Attributes\n    localKeyID: 01 00 00 00 \n    friendlyName: victim\nsubject=CN = victim\nissuer=CN = victim\n${fixture.certificate ?? fixture.spki}`,
        true,
      );
    case 'JWK JSON':
      return textual(JSON.stringify(fixture.publicJwk), true);
    case 'JWK JSON, pretty':
      return textual(JSON.stringify(fixture.publicJwk, null, 2), true);
    case 'JWKS JSON':
      return textual(JSON.stringify({ keys: [fixture.publicJwk] }), false);
    case 'OpenSSH line':
      return textual(`${ssh.type} ${toBase64(ssh.blob)} victim@host`, false);
    case 'authorized_keys line':
      return textual(`from="10.0.0.0/8",no-pty ${ssh.type} ${toBase64(ssh.blob)}`, false);
    case 'RFC 4716 SSH2 public key':
      return textual(
        `---- BEGIN SSH2 PUBLIC KEY ----\nComment: "victim"\n${wrap(toBase64(ssh.blob), 70)}\n---- END SSH2 PUBLIC KEY ----`,
        false,
      );
    case 'base64 DER':
      return textual(toBase64(spkiDer), false);
    case 'base64 DER, wrapped':
      return textual(wrap(toBase64(spkiDer), 64), false);
    case 'openssl -modulus output': {
      const { n } = fixture.publicJwk;
      if (n === undefined) return undefined;
      const hex = [...fromB64u(n)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
      return textual(`Modulus=${hex.toUpperCase()}\n`, false);
    }
    case 'public numbers as openssl -text prints them': {
      // The modulus (with its leading zero byte), the EC point or the raw key, without the label
      // lines: what a copy out of `openssl rsa/ec/pkey -pubin -text` holds.
      const { n, x, y } = fixture.publicJwk;
      const numbers =
        n !== undefined
          ? Uint8Array.from([0, ...fromB64u(n)])
          : y !== undefined
            ? Uint8Array.from([4, ...fromB64u(x as string), ...fromB64u(y)])
            : fromB64u(x as string);
      return textual(colonHex(numbers).trim(), false);
    }
    case 'hex DER':
      return textual([...spkiDer].map((byte) => byte.toString(16).padStart(2, '0')).join(''), false);
    case 'base64 of the PEM file':
      return textual(btoa(fixture.spki), false);
    case 'base64 of the base64 body':
      return textual(btoa(toBase64(spkiDer)), false);
    case 'hex of the PEM file':
      return textual([...encoder.encode(fixture.spki)].map((byte) => byte.toString(16).padStart(2, '0')).join(''), false);
    case 'PEM body on one line, spaces for line breaks':
      return textual(wrap(toBase64(spkiDer), 64).replace(/\n/g, ' '), false);
    case 'PEM with literal \\n escapes':
      return textual(fixture.spki.replace(/\n/g, '\\n'), false);
    case 'percent-encoded PEM':
      return textual(encodeURIComponent(fixture.spki), false);
    case 'JWK with an escaped member name and a trailing no-break space':
      return textual(`${JSON.stringify(fixture.publicJwk).replace('"kty"', '"\\u006bty"')}\u00a0`, true);
    case 'JWK as YAML':
      return textual(
        Object.entries(fixture.publicJwk)
          .map(([member, value]) => `${member}: ${value}`)
          .join('\n'),
        false,
      );
    case 'raw DER':
      return { form: name, der: spkiDer, importable: true };
    case 'raw PKCS#1 DER':
      return fixture.pkcs1Public === undefined ? undefined : { form: name, der: pemBody(fixture.pkcs1Public), importable: true };
    case 'base64 of PKCS#8 or SEC1 DER':
      // A private key where a public one belongs: refused as a secret all the same.
      return textual(toBase64(pemBody(fixture.sec1 ?? fixture.pkcs8)), false);
    case 'raw DER and a line break':
      return { form: name, der: Uint8Array.of(...spkiDer, 10), importable: false };
    case 'raw DER zero-padded': {
      const padded = new Uint8Array(spkiDer.length + 64);
      padded.set(spkiDer);
      return { form: name, der: padded, importable: false };
    }
    case 'two DER certificates': {
      const certificate = pemBody(fixture.certificate ?? fixture.spki);
      return { form: name, der: Uint8Array.of(...certificate, ...certificate), importable: false };
    }
  }
}

/** Junk a key file carries around the key, on lines of its own (comments, tool output, blank lines). */
export const junkLine = fc.oneof(
  fc.constant(''),
  fc.constantFrom('# verifier key', '// public key', 'key:', '\uFEFF', '\u200B', 'Comment: rotated 2026-12-01', 'AAAA', 'MIIB'),
  fc.string({ maxLength: 30 }).map((text) => text.replace(/[\r\n]/g, ' ')),
);

export interface Placed {
  readonly form: KeyForm;
  /** The material as text (undefined for raw DER). */
  readonly text?: string;
  /** The exact bytes a careless HMAC would be keyed with: UTF-8 of the text, or the DER. */
  readonly bytes: Uint8Array;
}

/** A form with junk lines before and after the text, and CRLF or LF line ends. */
export const placedKey = (owner: KeyOwner) =>
  fc
    .record({
      name: fc.constantFrom(...FORMS),
      before: fc.array(junkLine, { maxLength: 3 }),
      after: fc.array(junkLine, { maxLength: 3 }),
      crlf: fc.boolean(),
      trailingNewline: fc.boolean(),
    })
    .map(({ name, before, after, crlf, trailingNewline }): Placed | undefined => {
      const form = keyForm(owner, name);
      if (form === undefined) return undefined;
      if (form.der !== undefined) return { form, bytes: form.der };
      // Junk around a JSON text makes it no JWK any more: the material must still never be a secret.
      const importable = form.importable && (!form.form.startsWith('JWK') || (before.length === 0 && after.length === 0));
      let text = [...before, form.text as string, ...after].join('\n') + (trailingNewline ? '\n' : '');
      if (crlf) text = text.replace(/\n/g, '\r\n');
      return { form: { ...form, importable }, text, bytes: encoder.encode(text) };
    })
    .filter((placed): placed is Placed => placed !== undefined);

/** How the material reaches the library. */
export const WRAPPERS = [
  'string',
  'Buffer',
  'Uint8Array',
  'Uint8Array at an offset',
  'ArrayBuffer',
  'DataView',
  'UTF-16 with a BOM',
  'UTF-16 read as a UTF-8 string',
  'UTF-32',
] as const;
export type WrapperName = (typeof WRAPPERS)[number];

export interface Wrapped {
  readonly wrapper: WrapperName;
  readonly value: unknown;
  /** The bytes an attacker keys the HMAC with: what the value holds, byte for byte. */
  readonly hmacKey: Uint8Array;
}

const NodeBuffer = (globalThis as { Buffer?: { from(bytes: Uint8Array): Uint8Array } }).Buffer;

/** `placed` wrapped as `wrapper`; undefined where that wrapper does not exist here (no Buffer) or fit (raw DER as UTF-16). */
export function wrapKey(placed: Placed, wrapper: WrapperName): Wrapped | undefined {
  const { bytes } = placed;
  switch (wrapper) {
    case 'string': {
      if (placed.text !== undefined) return { wrapper, value: placed.text, hmacKey: bytes };
      // Raw DER read as a "binary" string: the careless HMAC keys with the UTF-8 of that string.
      const binary = String.fromCharCode(...bytes);
      return { wrapper, value: binary, hmacKey: encoder.encode(binary) };
    }
    case 'Buffer':
      return NodeBuffer === undefined ? undefined : { wrapper, value: NodeBuffer.from(bytes), hmacKey: bytes };
    case 'Uint8Array':
      return { wrapper, value: Uint8Array.from(bytes), hmacKey: bytes };
    case 'Uint8Array at an offset': {
      const backing = new Uint8Array(bytes.length + 13).fill(0x41);
      backing.set(bytes, 7);
      return { wrapper, value: backing.subarray(7, 7 + bytes.length), hmacKey: bytes };
    }
    case 'ArrayBuffer':
      return { wrapper, value: Uint8Array.from(bytes).buffer, hmacKey: bytes };
    case 'DataView': {
      const backing = new Uint8Array(bytes.length + 9).fill(0x2d);
      backing.set(bytes, 5);
      return { wrapper, value: new DataView(backing.buffer, 5, bytes.length), hmacKey: bytes };
    }
    case 'UTF-16 read as a UTF-8 string': {
      // readFileSync(path, 'utf8') of a file PowerShell wrote: NULs between the characters.
      const utf16 = placed.text === undefined ? undefined : wrapKey(placed, 'UTF-16 with a BOM');
      if (utf16 === undefined) return undefined;
      const text = new TextDecoder().decode(utf16.hmacKey);
      return { wrapper, value: text, hmacKey: encoder.encode(text) };
    }
    case 'UTF-32': {
      if (placed.text === undefined) return undefined;
      const units = new Uint8Array(placed.text.length * 4);
      for (let i = 0; i < placed.text.length; i++) new DataView(units.buffer).setUint32(4 * i, placed.text.charCodeAt(i), true);
      return { wrapper, value: units, hmacKey: units };
    }
    case 'UTF-16 with a BOM': {
      if (placed.text === undefined) return undefined;
      const units = new Uint8Array(2 + placed.text.length * 2);
      units[0] = 0xff;
      units[1] = 0xfe;
      for (let i = 0; i < placed.text.length; i++) {
        const code = placed.text.charCodeAt(i);
        units[2 + 2 * i] = code & 0xff;
        units[3 + 2 * i] = code >> 8;
      }
      return { wrapper, value: units, hmacKey: units };
    }
  }
}

/**
 * A key owner's material placed with junk and wrapped, with an algorithm from `algs` to forge or
 * import with; combinations a wrapper cannot carry (raw DER as UTF-16, no Buffer) are left out.
 */
export function wrappedKeyCase<A>(algs: readonly A[]) {
  return fc
    .constantFrom(...OWNERS)
    .chain((owner) =>
      fc.record({
        owner: fc.constant(owner),
        placed: placedKey(owner),
        wrapper: fc.constantFrom(...WRAPPERS),
        alg: fc.constantFrom(...algs),
      }),
    )
    .map((c) => ({ ...c, wrapped: wrapKey(c.placed, c.wrapper) }))
    .filter((c): c is typeof c & { wrapped: Wrapped } => c.wrapped !== undefined);
}

const segment = (value: unknown): string =>
  btoa(String.fromCharCode(...encoder.encode(JSON.stringify(value))))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');

/** An HS256/384/512 token keyed with `key`, as the attacker of catalogue entry 2 makes it. */
export async function forgeHMAC(alg: 'HS256' | 'HS384' | 'HS512', key: Uint8Array, claims: object): Promise<string> {
  const input = `${segment({ alg, typ: 'JWT' })}.${segment(claims)}`;
  const hash = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' }[alg];
  const cryptoKey = await crypto.subtle.importKey('raw', key as BufferSource, { name: 'HMAC', hash }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(input)));
  return `${input}.${btoa(String.fromCharCode(...signature))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')}`;
}
