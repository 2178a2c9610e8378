// RFC 7512 PKCS#11 URIs (parsePKCS11URI), which need no module to test.
//
// Must never happen: a percent-encoded value read back differently from what was encoded; a PIN
// accepted from the URI (pin-value), or echoed in the refusal; an attribute jwtkit does not match on
// silently ignored (the URI would name another token than the user thinks); a crash on any string.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { JWTKitError } from 'jwtkit';
import { parsePKCS11URI } from 'jwtkit/pkcs11';
import { throwsWith } from '../support/errors.js';

/** Percent-encodes every byte outside RFC 3986's unreserved set, as RFC 7512 §2.3 allows. */
const encode = (bytes: Uint8Array) =>
  Array.from(bytes, (byte) =>
    /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).padStart(2, '0')}`,
  ).join('');
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('parsePKCS11URI', () => {
  it('reads back any token label, object label and id that were percent-encoded', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 32 }),
        fc.string({ minLength: 1, maxLength: 32 }),
        fc.uint8Array({ minLength: 1, maxLength: 20 }),
        (token, object, id) => {
          const uri = `pkcs11:token=${encode(utf8(token))};object=${encode(utf8(object))};id=${encode(id)};type=private`;
          const parsed = parsePKCS11URI(uri);
          assert.equal(parsed.token, token);
          assert.equal(parsed.object, object);
          assert.deepEqual(parsed.id, id);
          assert.equal(parsed.type, 'private');
        },
      ),
    );
  });

  it('reads slot-id, module-path and pin-source; an RFC 7512 example', () => {
    assert.deepEqual(
      parsePKCS11URI('pkcs11:slot-id=1514085571;object=a?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/pin'),
      {
        slotId: 1514085571n,
        object: 'a',
        modulePath: '/usr/lib/softhsm/libsofthsm2.so',
        pinSource: 'file:/run/pin',
      },
    );
    // RFC 7512 §3, "an object with a given label and id": the 'id' bytes may be any.
    const example = parsePKCS11URI('pkcs11:object=my-sign-key;type=private;id=%01%02%ff');
    assert.deepEqual(example.id, Uint8Array.from([1, 2, 255]));
    // Literal characters outside ASCII, and outside the BMP, are kept whole.
    assert.equal(parsePKCS11URI('pkcs11:object=clé 😀%20x').object, 'clé 😀 x');
  });

  it('refuses pin-value without echoing it, attributes it would ignore, repeats, bad escapes and non-URIs', () => {
    const pin = 'secret-pin-61524';
    const refused = throwsWith(() => parsePKCS11URI(`pkcs11:token=t;object=k?pin-value=${pin}`), 'ERR_INVALID_OPTION');
    assert.match(refused.message, /pin-value is refused/);
    assert.ok(!refused.message.includes(pin));
    for (const [uri, message] of [
      ['pkcs11:token=t;serial=1234;object=k', /serial is not supported/],
      ['pkcs11:token=t;manufacturer=x;object=k', /manufacturer is not supported/],
      ['pkcs11:token=a;token=b', /token is given twice/],
      ['pkcs11:object=%zz', /two hex digits/],
      ['pkcs11:object=%ff', /not UTF-8/],
      ['pkcs11:slot-id=abc', /decimal/],
      ['pkcs11:color=blue', /unknown path attribute/],
      ['pkcs11:object=k?module=x', /unknown query attribute/],
      ['pkcs11:object', /not name=value/],
      ['https://example.com', /must be a PKCS#11 URI/],
    ] as const) {
      assert.match(throwsWith(() => parsePKCS11URI(uri), 'ERR_INVALID_OPTION').message, message, uri);
    }
  });

  it('any string: a result or ERR_INVALID_OPTION, never another error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (tail) => {
        try {
          parsePKCS11URI(`pkcs11:${tail}`);
        } catch (error) {
          assert.ok(error instanceof JWTKitError && error.code === 'ERR_INVALID_OPTION', String(error));
        }
      }),
    );
  });

  it('huge values, "#", a relative module-path and a value without "=": ERR_INVALID_OPTION, quoting none of the text', () => {
    for (const uri of [
      `pkcs11:id=${'x'.repeat(1_000_000)}`,
      `pkcs11:object=${'%41'.repeat(300_000)}`,
      `pkcs11:token=${'é'.repeat(100_000)}`,
    ])
      throwsWith(() => parsePKCS11URI(uri), 'ERR_INVALID_OPTION');
    // Below the cap, a long literal run is decoded whole (no spread of its bytes into one call).
    assert.equal(parsePKCS11URI(`pkcs11:object=${'y'.repeat(8000)}`).object?.length, 8000);
    assert.match(throwsWith(() => parsePKCS11URI('pkcs11:object=a#frag'), 'ERR_INVALID_OPTION').message, /%23/);
    assert.equal(parsePKCS11URI('pkcs11:object=a%23b').object, 'a#b');
    for (const path of ['../../tmp/evil.so', '%2e%2e/evil.so', 'lib.so'])
      assert.match(
        throwsWith(() => parsePKCS11URI(`pkcs11:object=a?module-path=${path}`), 'ERR_INVALID_OPTION').message,
        /absolute/,
      );
    assert.equal(parsePKCS11URI('pkcs11:object=a?module-path=C:%5Cp11%5Cvendor.dll').modulePath, 'C:\\p11\\vendor.dll');
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9!$*+,.:@_~-]{4,30}$/), (secret) => {
        for (const uri of [
          `pkcs11:object=a;${secret}`,
          `pkcs11:object=a?${secret}`,
          `pkcs11:${secret}=x`,
          `pkcs11:object=a?${secret}=x`,
        ]) {
          let message = '';
          try {
            parsePKCS11URI(uri);
          } catch (error) {
            message = (error as Error).message;
          }
          // A value the parser accepted carries no message; a refusal never repeats the text.
          if (message !== '') assert.ok(!message.includes(secret) || /^[a-z][a-z-]{0,31}$/.test(secret), message);
        }
      }),
    );
  });
});
