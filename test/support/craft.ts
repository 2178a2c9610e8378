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
