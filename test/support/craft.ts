// Builds tokens by hand, with WebCrypto directly, so that attack inputs do not depend on the code
// under test.

const encoder = new TextEncoder();

/** base64url of bytes or of a string's UTF-8. */
export function b64u(input: string | Uint8Array): string {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Bytes from base64url (lenient: for reading test output only). */
export function fromB64u(text: string): Uint8Array {
  return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
}

/** base64url of JSON.stringify(value), or of raw JSON text when a string is given. */
export function segment(value: unknown): string {
  return b64u(typeof value === 'string' ? value : JSON.stringify(value));
}

/** An HMAC-SHA-256/384/512 over `input` keyed with arbitrary bytes, as an attacker computes it. */
export async function hmac(
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512',
  key: Uint8Array | string,
  input: string,
): Promise<Uint8Array> {
  const bytes = typeof key === 'string' ? encoder.encode(key) : key;
  const cryptoKey = await crypto.subtle.importKey('raw', bytes as BufferSource, { name: 'HMAC', hash }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(input)));
}

/** A compact HS256 token over header and payload (objects or raw JSON text), keyed with `key`. */
export async function hs256Token(header: unknown, payload: unknown, key: Uint8Array | string): Promise<string> {
  const input = `${segment(header)}.${segment(payload)}`;
  return `${input}.${b64u(await hmac('SHA-256', key, input))}`;
}

/** A 32-byte test secret. */
export const SECRET = 'jwtkit-test-secret-0123456789abcdef';

/** Seconds since the epoch, now. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** An attacker's ES256 key pair, made with WebCrypto directly. */
export async function attackerES256(): Promise<{ privateKey: CryptoKey; publicJwk: JsonWebKey }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const { kty, crv, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { kty, crv, x, y } };
}

/** A compact ES256 token signed with a CryptoKey (P1363 signature). */
export async function es256Token(header: unknown, payload: unknown, privateKey: CryptoKey): Promise<string> {
  const input = `${segment(header)}.${segment(payload)}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, encoder.encode(input));
  return `${input}.${b64u(new Uint8Array(signature))}`;
}

/** Big-endian bytes of a bigint, left-padded to `length`. */
export function bigBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return out;
}

/** The bigint of big-endian bytes. */
export function bytesBig(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/** DER ECDSA-Sig-Value from a P1363 r||s signature. */
export function p1363ToDER(signature: Uint8Array): Uint8Array {
  const half = signature.length / 2;
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const body = bytes.subarray(start);
    const padded = (body[0] as number) & 0x80 ? Uint8Array.of(0, ...body) : body;
    return Uint8Array.of(0x02, padded.length, ...padded);
  };
  const body = Uint8Array.of(...integer(signature.subarray(0, half)), ...integer(signature.subarray(half)));
  return Uint8Array.of(0x30, body.length, ...body);
}

/** An OpenSSH public key line (RFC 4253 §6.6 wire format, base64) for an Ed25519 or P-256 JWK. */
export function openSSHLine(jwk: Record<string, string>): string {
  const wire = (...fields: Uint8Array[]) => {
    const parts: number[] = [];
    for (const field of fields)
      parts.push(
        (field.length >>> 24) & 255,
        (field.length >>> 16) & 255,
        (field.length >>> 8) & 255,
        field.length & 255,
        ...field,
      );
    return Uint8Array.from(parts);
  };
  const text = (value: string) => encoder.encode(value);
  const bytes =
    jwk.kty === 'OKP'
      ? wire(text('ssh-ed25519'), fromB64u(jwk.x as string))
      : wire(
          text('ecdsa-sha2-nistp256'),
          text('nistp256'),
          Uint8Array.of(4, ...fromB64u(jwk.x as string), ...fromB64u(jwk.y as string)),
        );
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `${jwk.kty === 'OKP' ? 'ssh-ed25519' : 'ecdsa-sha2-nistp256'} ${btoa(binary)} victim@host`;
}
