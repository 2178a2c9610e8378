/** RFC 7512 PKCS#11 URIs: `pkcs11:token=jwtkit;object=signing-2025?module-path=/usr/lib/softhsm/libsofthsm2.so`. */
import { InvalidOptionError } from '../errors.js';

/** What a PKCS#11 URI names. */
export interface PKCS11URI {
  /** `token`: the token's label. */
  token?: string;
  /** `object`: the key's label. */
  object?: string;
  /** `id`: the key's CKA_ID bytes. */
  id?: Uint8Array;
  /** `slot-id`. */
  slotId?: bigint;
  /** `type`: `private`, `public`, `cert`, `secret-key` or `data`. */
  type?: string;
  /** `module-path` (query). */
  modulePath?: string;
  /** `pin-source` (query), a `file:` URI or a path: where the PIN is read from. */
  pinSource?: string;
}

const MAX_URI_LENGTH = 8192;
/** An attribute name is echoed only when it looks like one (a PIN typed where a name goes is not). */
const safeName = (name: string) => (/^[a-z][a-z-]{0,31}$/.test(name) ? name : '(not repeated)');

/** Attributes that narrow the choice in ways jwtkit does not check: refused rather than ignored. */
const UNCHECKED = new Set([
  'manufacturer',
  'serial',
  'model',
  'library-manufacturer',
  'library-description',
  'library-version',
  'slot-description',
  'slot-manufacturer',
]);

function decode(value: string, name: string): Uint8Array {
  const bytes: number[] = [];
  // Literal characters by code point (a character outside the BMP stays whole), %XX as one byte.
  const encoder = new TextEncoder();
  for (const [, hex, literal] of value.matchAll(/%([0-9a-fA-F]{2})?|([^%]+)/gu)) {
    // One byte at a time: spreading a long run into push() overflows the call stack.
    if (literal !== undefined) for (const byte of encoder.encode(literal)) bytes.push(byte);
    else if (hex !== undefined) bytes.push(Number.parseInt(hex, 16));
    else throw new InvalidOptionError('uri', `${name}: a "%" must be followed by two hex digits`);
  }
  return Uint8Array.from(bytes);
}
const text = (value: string, name: string) => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(decode(value, name));
  } catch (error) {
    if (error instanceof InvalidOptionError) throw error;
    throw new InvalidOptionError('uri', `${name} is not UTF-8 once percent-decoded`);
  }
};

/**
 * Parses an RFC 7512 PKCS#11 URI. A `pin-value` is refused (a PIN in a URI ends up in shell
 * history and process lists: use `pin-source` or an environment variable), and so are attributes
 * jwtkit would not check (`serial`, `manufacturer`, ...).
 *
 * @example
 * ```ts
 * import { parsePKCS11URI } from 'jwtkit/pkcs11';
 * const { token, object } = parsePKCS11URI('pkcs11:token=jwtkit;object=signing%202025');
 * // token === 'jwtkit', object === 'signing 2025'
 * ```
 */
export function parsePKCS11URI(uri: string): PKCS11URI {
  if (typeof uri !== 'string' || !uri.toLowerCase().startsWith('pkcs11:'))
    throw new InvalidOptionError('uri', 'must be a PKCS#11 URI (pkcs11:token=...;object=...)');
  // Labels are at most 32 bytes, ids and paths a few hundred: a longer URI is a mistake or an attack.
  if (uri.length > MAX_URI_LENGTH) throw new InvalidOptionError('uri', `is longer than ${MAX_URI_LENGTH} characters`);
  // RFC 7512 has no fragment, and its grammar has no "#" anywhere: a literal one is a typo for %23.
  if (uri.includes('#')) throw new InvalidOptionError('uri', 'contains "#": write it %23 (RFC 7512 has no fragment)');
  const rest = uri.slice('pkcs11:'.length);
  const question = rest.indexOf('?');
  const path = question === -1 ? rest : rest.slice(0, question);
  const query = question === -1 ? '' : rest.slice(question + 1);
  const result: PKCS11URI = {};
  const seen = new Set<string>();
  const pairs = (part: string, separator: string, where: string) =>
    part === ''
      ? []
      : part.split(separator).map((pair, index) => {
          const equals = pair.indexOf('=');
          // The text is not quoted: a PIN pasted in the wrong place would be echoed.
          if (equals <= 0) throw new InvalidOptionError('uri', `${where} attribute ${index + 1} is not name=value`);
          const name = pair.slice(0, equals).toLowerCase();
          if (seen.has(name)) throw new InvalidOptionError('uri', `${name} is given twice`);
          seen.add(name);
          return [name, pair.slice(equals + 1)] as const;
        });
  for (const [name, value] of pairs(path, ';', 'path')) {
    if (UNCHECKED.has(name)) throw new InvalidOptionError('uri', `${name} is not supported: name the token by token or slot-id`);
    if (name === 'token') result.token = text(value, name);
    else if (name === 'object') result.object = text(value, name);
    else if (name === 'id') result.id = decode(value, name);
    else if (name === 'type') result.type = text(value, name);
    else if (name === 'slot-id') {
      if (!/^[0-9]{1,20}$/.test(value)) throw new InvalidOptionError('uri', 'slot-id must be a decimal number');
      result.slotId = BigInt(value);
    } else throw new InvalidOptionError('uri', `unknown path attribute ${safeName(name)}`);
  }
  for (const [name, value] of pairs(query, '&', 'query')) {
    if (name === 'pin-value')
      throw new InvalidOptionError(
        'uri',
        'pin-value is refused: a PIN on a command line is seen by every user of the machine; use pin-source or an environment variable',
      );
    if (name === 'module-path') {
      result.modulePath = text(value, name);
      // RFC 7512 §2.3: an absolute path. A relative one would load whatever the working directory holds.
      if (!/^(?:\/|[A-Za-z]:[\\/]|\\\\)/.test(result.modulePath))
        throw new InvalidOptionError('uri', 'module-path must be an absolute path');
    } else if (name === 'pin-source') result.pinSource = text(value, name);
    else if (name !== 'module-name') throw new InvalidOptionError('uri', `unknown query attribute ${safeName(name)}`);
  }
  return result;
}
