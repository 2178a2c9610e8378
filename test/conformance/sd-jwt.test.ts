// jwtkit/sd-jwt (RFC 9901), on every runtime and both backends. Must never happen: a verified
// payload holding a claim that was not disclosed, or missing one that was; a Disclosure accepted
// whose digest the issuer did not sign (or signed twice); a Disclosure overwriting a claim; an
// unknown `_sd_alg` guessed; a key-binding JWT accepted for another verifier, nonce, time or set
// of Disclosures, or its absence accepted where binding is required; a private key in `cnf.jwk`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { exportKey, generateKeyPair, type JWK, type Key, signJWT } from 'jwtkit';
import { type DisclosureFrame, decodeSDJWT, issueSDJWT, presentSDJWT, verifySDJWT } from 'jwtkit/sd-jwt';
import { b64u } from '../support/craft.js';
import { rejectsWith } from '../support/errors.js';
import * as RFC from '../support/rfc9901-vectors.js';

type Json = null | boolean | number | string | Json[] | { [name: string]: Json };

const issuer = await generateKeyPair('ES256');
const holder = await generateKeyPair('ES256');
const other = await generateKeyPair('ES256');
const AUD = 'https://verifier.example';
const NONCE = 'n-0S6_WzA2Mj';

const encode = (contents: Json[]) => b64u(JSON.stringify(contents));
async function digest(text: string, hash = 'SHA-256'): Promise<string> {
  return b64u(new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(text))));
}
/** An SD-JWT built by hand: any payload, signed by the issuer, followed by the given Disclosures. */
async function craft(payload: object, disclosures: string[]): Promise<string> {
  const jwt = await signJWT(payload, issuer.privateKey, { noTimestamp: true });
  return `${jwt}~${disclosures.map((d) => `${d}~`).join('')}`;
}
const CLAIMS = {
  sub: 'user-42',
  given_name: 'Ada',
  birthdate: '1815-12-10',
  address: { locality: 'London', country: 'GB' },
  nationalities: ['GB', 'FR'],
};
const FRAME: DisclosureFrame = {
  _sd: ['given_name', 'birthdate', 'address'],
  address: { _sd: ['locality', 'country'] },
  nationalities: { _sd: [0, 1] },
};
const issued = await issueSDJWT(CLAIMS, issuer.privateKey, { disclosable: FRAME, holderKey: holder.publicKey, expiresIn: '1h' });
const bound = { audience: AUD, nonce: NONCE };

describe('sd-jwt: issue, present, verify', () => {
  it('discloses exactly the chosen claims, with what leads to them, and binds the presentation to the holder key', async () => {
    const presentation = await presentSDJWT(issued, {
      disclose: ['given_name', ['address', 'country'], ['nationalities', 1]],
      keyBinding: { key: holder.privateKey, aud: AUD, nonce: NONCE },
    });
    const { payload, keyBinding, disclosures } = await verifySDJWT(presentation, issuer.publicKey, { keyBinding: bound });
    assert.equal(payload.given_name, 'Ada');
    assert.deepEqual(payload.address, { country: 'GB' });
    assert.deepEqual(payload.nationalities, ['FR']);
    assert.equal(payload.birthdate, undefined);
    for (const name of ['_sd', '_sd_alg']) assert.equal(Object.hasOwn(payload, name), false);
    assert.equal(disclosures.length, 4);
    assert.equal(keyBinding?.header.typ, 'kb+jwt');
    assert.equal(keyBinding?.payload.aud, AUD);
  });

  it('the issued payload carries digests only, sorted, sha-256, and a public cnf.jwk (never the private members)', async () => {
    const exportable = await generateKeyPair('ES256', { extractable: true });
    const withPrivate = await issueSDJWT(CLAIMS, issuer.privateKey, {
      disclosable: FRAME,
      holderKey: await exportKey(exportable.privateKey, 'jwk'),
    });
    const { payload, disclosures } = await decodeSDJWT(withPrivate);
    assert.equal(payload._sd_alg, 'sha-256');
    const digests = payload._sd as string[];
    assert.deepEqual([...digests].sort(), digests);
    assert.equal(JSON.stringify(payload).includes('Ada'), false);
    const jwk = (payload.cnf as { jwk: JWK }).jwk;
    assert.equal(jwk.d, undefined);
    assert.deepEqual(jwk, await exportKey(exportable.publicKey, 'jwk'));
    // Salts: 128 bits (22 base64url characters), all distinct.
    const salts = disclosures.map((d) => d.salt);
    assert.ok(salts.every((salt) => salt.length === 22));
    assert.equal(new Set(salts).size, salts.length);
    for (const d of disclosures) assert.equal(await digest(d.encoded), d.digest);
  });

  it('refuses a symmetric holder key (it would be published in cnf.jwk)', async () => {
    await rejectsWith(issueSDJWT(CLAIMS, issuer.privateKey, { holderKey: { kty: 'oct', k: 'c2VjcmV0' } }), 'ERR_KEY_INVALID');
  });

  it('decoys add digests that verify as nothing', async () => {
    const sd = await issueSDJWT(CLAIMS, issuer.privateKey, {
      disclosable: { ...FRAME, nationalities: { _sd: [0], _sd_decoy: 3 } },
      decoys: 4,
    });
    const { payload } = await decodeSDJWT(sd);
    assert.equal((payload._sd as string[]).length, 3 + 4);
    assert.equal((payload.nationalities as unknown[]).length, 2 + 3);
    const verified = await verifySDJWT(await presentSDJWT(sd, { disclose: ['nationalities'] }), issuer.publicKey);
    assert.deepEqual(verified.payload.nationalities, ['GB', 'FR']);
  });

  it('sha-384 and sha-512 as _sd_alg; the KB-JWT sd_hash uses the same hash', async () => {
    for (const sdAlg of ['sha-384', 'sha-512'] as const) {
      const sd = await issueSDJWT(CLAIMS, issuer.privateKey, { disclosable: FRAME, sdAlg, holderKey: holder.publicKey });
      const presentation = await presentSDJWT(sd, {
        disclose: ['birthdate'],
        keyBinding: { key: holder.privateKey, aud: AUD, nonce: NONCE },
      });
      const { payload, sdAlg: used } = await verifySDJWT(presentation, issuer.publicKey, { keyBinding: bound });
      assert.equal(used, sdAlg);
      assert.equal(payload.birthdate, '1815-12-10');
    }
  });

  it('recursive disclosure: the parent must be presented for a child to count', async () => {
    const sd = await issueSDJWT(CLAIMS, issuer.privateKey, { disclosable: FRAME });
    const all = await decodeSDJWT(sd);
    const locality = all.disclosures.find((d) => d.name === 'locality');
    assert.ok(locality !== undefined);
    const jwt = sd.slice(0, sd.indexOf('~'));
    await rejectsWith(verifySDJWT(`${jwt}~${locality.encoded}~`, issuer.publicKey), 'ERR_SD_JWT_DISCLOSURE_UNREFERENCED');
  });

  it('a disclosure named __proto__ becomes an own claim, never a prototype', async () => {
    const d = encode(['c2FsdHNhbHRzYWx0c2FsdA', '__proto__', { admin: true }]);
    const { payload } = await verifySDJWT(await craft({ _sd: [await digest(d)] }, [d]), issuer.publicKey);
    assert.equal(Object.getPrototypeOf(payload), Object.prototype);
    assert.equal((payload as { admin?: unknown }).admin, undefined);
    assert.deepEqual(Object.getOwnPropertyDescriptor(payload, '__proto__')?.value, { admin: true });
  });

  it('a Disclosure with a reserved claim name, the wrong length, or broken encoding is malformed', async () => {
    for (const contents of [
      ['salt', '_sd', 'x'],
      ['salt', '...', 'x'],
      ['salt'],
      ['salt', 'a', 'b', 'c'],
      [1, 'a', 'b'],
      ['salt', 2, 'b'],
    ] as Json[][]) {
      const d = encode(contents);
      await rejectsWith(verifySDJWT(await craft({ _sd: [await digest(d)] }, [d]), issuer.publicKey), 'ERR_SD_JWT_MALFORMED');
    }
    for (const d of ['WyJ+', 'e30', b64u('["a","b","c"'), b64u('{"a":1}')]) {
      await rejectsWith(verifySDJWT(await craft({}, [d]), issuer.publicKey), 'ERR_SD_JWT_MALFORMED');
    }
    const jwt = await signJWT({}, issuer.privateKey);
    await rejectsWith(verifySDJWT(jwt, issuer.publicKey), 'ERR_SD_JWT_MALFORMED');
    await rejectsWith(verifySDJWT(`${jwt}~~`, issuer.publicKey), 'ERR_SD_JWT_MALFORMED');
  });

  it('a forged issuer signature fails like a JWT', async () => {
    const forged = await issueSDJWT(CLAIMS, other.privateKey, { disclosable: FRAME });
    await rejectsWith(verifySDJWT(forged, issuer.publicKey), 'ERR_JWS_SIGNATURE_INVALID');
  });
});

describe('sd-jwt attack: a Disclosure whose digest is not in the payload', () => {
  it('is refused (ERR_SD_JWT_DISCLOSURE_UNREFERENCED), also when it comes from another SD-JWT of the same issuer', async () => {
    const foreign = encode(['c2FsdHNhbHRzYWx0c2FsdA', 'admin', true]);
    await rejectsWith(
      verifySDJWT(`${issued}${foreign}~`, issuer.publicKey, { keyBinding: { required: false } }),
      'ERR_SD_JWT_DISCLOSURE_UNREFERENCED',
    );
    const second = await issueSDJWT({ admin: true }, issuer.privateKey, { disclosable: { _sd: ['admin'] } });
    const stolen = second.split('~')[1];
    const mine = await presentSDJWT(issued, { disclose: ['given_name'] });
    await rejectsWith(
      verifySDJWT(`${mine}${stolen}~`, issuer.publicKey, { keyBinding: { required: false } }),
      'ERR_SD_JWT_DISCLOSURE_UNREFERENCED',
    );
  });
});

describe('sd-jwt attack: a digest listed twice', () => {
  it('is refused (ERR_SD_JWT_DIGEST_DUPLICATE) in one _sd, across levels, in arrays, and for a Disclosure given twice', async () => {
    const d = encode(['c2FsdHNhbHRzYWx0c2FsdA', 'role', 'user']);
    const h = await digest(d);
    const e = encode(['c2FsdHNhbHRzYWx0c2FsdA', 'user']);
    const k = await digest(e);
    const cases: [object, string[]][] = [
      [{ _sd: [h, h] }, [d]],
      [{ _sd: [h], nested: { _sd: [h] } }, [d]],
      [{ list: [{ '...': k }, { '...': k }] }, [e]],
      [{ list: [{ '...': k }], other: [{ '...': k }] }, [e]],
      // Undisclosed digests count too: a digest twice is refused whether or not it is revealed.
      [{ _sd: [h], list: [{ '...': h }] }, []],
      [{ _sd: [h, h] }, []],
    ];
    for (const [payload, disclosures] of cases) {
      await rejectsWith(verifySDJWT(await craft(payload, disclosures), issuer.publicKey), 'ERR_SD_JWT_DIGEST_DUPLICATE');
    }
    await rejectsWith(verifySDJWT(await craft({ _sd: [h] }, [d, d]), issuer.publicKey), 'ERR_SD_JWT_DIGEST_DUPLICATE');
  });
});

describe('sd-jwt attack: a Disclosure that overwrites a claim already in the payload', () => {
  it('is refused (ERR_SD_JWT_CLAIM_COLLISION) against a plain claim and against another Disclosure', async () => {
    const admin = encode(['c2FsdHNhbHRzYWx0c2FsdA', 'role', 'admin']);
    const error = await rejectsWith(
      verifySDJWT(await craft({ role: 'user', _sd: [await digest(admin)] }, [admin]), issuer.publicKey),
      'ERR_SD_JWT_CLAIM_COLLISION',
    );
    assert.equal((error as { claim?: string }).claim, 'role');
    const user = encode(['b3RoZXJzYWx0b3RoZXJzYQ', 'role', 'user']);
    await rejectsWith(
      verifySDJWT(await craft({ _sd: [await digest(user), await digest(admin)] }, [user, admin]), issuer.publicKey),
      'ERR_SD_JWT_CLAIM_COLLISION',
    );
    // Positive control: either one alone is fine.
    assert.equal(
      (await verifySDJWT(await craft({ _sd: [await digest(user), await digest(admin)] }, [admin]), issuer.publicKey)).payload
        .role,
      'admin',
    );
  });
});

describe('sd-jwt attack: _sd inside a Disclosure that points back up (a loop)', () => {
  it('is a digest seen twice (ERR_SD_JWT_DIGEST_DUPLICATE), never endless processing', async () => {
    // A Disclosure cannot contain its own digest (that needs a hash preimage); pointing back at an
    // ancestor or a sibling already in the payload is what an attacker can build.
    const leaf = encode(['c2FsdHNhbHRzYWx0c2FsdA', 'leaf', 1]);
    const up = encode(['b3RoZXJzYWx0b3RoZXJzYQ', 'up', { _sd: [await digest(leaf)] }]);
    const payload = { _sd: [await digest(leaf), await digest(up)] };
    await rejectsWith(verifySDJWT(await craft(payload, [leaf, up]), issuer.publicKey), 'ERR_SD_JWT_DIGEST_DUPLICATE');
    const chain = encode(['dGhpcmRzYWx0dGhpcmRzYQ', 'chain', { _sd: [await digest(up)] }]);
    const top = { _sd: [await digest(chain), await digest(up)] };
    await rejectsWith(verifySDJWT(await craft(top, [chain, up, leaf]), issuer.publicKey), 'ERR_SD_JWT_DIGEST_DUPLICATE');
  });
});

describe('sd-jwt attack: an unknown _sd_alg', () => {
  it('is refused (ERR_SD_JWT_HASH_UNSUPPORTED), never read as sha-256', async () => {
    for (const sdAlg of ['md5', 'SHA-256', 'sha3-256', 'sha-1', '', 256, null]) {
      const d = encode(['c2FsdHNhbHRzYWx0c2FsdA', 'a', 1]);
      await rejectsWith(
        verifySDJWT(await craft({ _sd_alg: sdAlg, _sd: [await digest(d)] }, [d]), issuer.publicKey),
        'ERR_SD_JWT_HASH_UNSUPPORTED',
      );
    }
    await rejectsWith(issueSDJWT({}, issuer.privateKey, { sdAlg: 'md5' as never }), 'ERR_SD_JWT_HASH_UNSUPPORTED');
  });
});

describe('sd-jwt attack: a key-binding JWT for another audience or nonce', () => {
  it('is refused (ERR_SD_JWT_KEY_BINDING_INVALID, reason audience / nonce)', async () => {
    const elsewhere = await presentSDJWT(issued, {
      disclose: ['given_name'],
      keyBinding: { key: holder.privateKey, aud: 'https://other.example', nonce: NONCE },
    });
    const error = await rejectsWith(
      verifySDJWT(elsewhere, issuer.publicKey, { keyBinding: bound }),
      'ERR_SD_JWT_KEY_BINDING_INVALID',
    );
    assert.equal((error as { reason?: string }).reason, 'audience');
    const oldNonce = await presentSDJWT(issued, {
      disclose: ['given_name'],
      keyBinding: { key: holder.privateKey, aud: AUD, nonce: 'old' },
    });
    const nonceError = await rejectsWith(
      verifySDJWT(oldNonce, issuer.publicKey, { keyBinding: bound }),
      'ERR_SD_JWT_KEY_BINDING_INVALID',
    );
    assert.equal((nonceError as { reason?: string }).reason, 'nonce');
  });

  it('a key-binding JWT signed by another key than cnf.jwk is refused (reason signature)', async () => {
    const stolen = await presentSDJWT(issued, { disclose: ['given_name'] });
    const kb = await signJWT({ aud: AUD, nonce: NONCE, sd_hash: await digest(stolen) }, other.privateKey, { typ: 'kb+jwt' });
    const error = await rejectsWith(
      verifySDJWT(stolen + kb, issuer.publicKey, { keyBinding: bound }),
      'ERR_SD_JWT_KEY_BINDING_INVALID',
    );
    assert.equal((error as { reason?: string }).reason, 'signature');
    const untyped = await signJWT({ aud: AUD, nonce: NONCE, sd_hash: await digest(stolen) }, holder.privateKey);
    const typError = await rejectsWith(
      verifySDJWT(stolen + untyped, issuer.publicKey, { keyBinding: bound }),
      'ERR_SD_JWT_KEY_BINDING_INVALID',
    );
    assert.equal((typError as { reason?: string }).reason, 'typ');
  });
});

describe('sd-jwt attack: a replayed presentation with a stale iat', () => {
  it('is refused (reason iat) once older than keyBinding.maxAge, and a future iat too', async () => {
    const now = Math.floor(Date.now() / 1000);
    const old = await presentSDJWT(issued, {
      disclose: ['given_name'],
      keyBinding: { key: holder.privateKey, aud: AUD, nonce: NONCE, iat: now - 301 },
    });
    const error = await rejectsWith(verifySDJWT(old, issuer.publicKey, { keyBinding: bound }), 'ERR_SD_JWT_KEY_BINDING_INVALID');
    assert.equal((error as { reason?: string }).reason, 'iat');
    assert.ok(
      await verifySDJWT(old, issuer.publicKey, { keyBinding: { ...bound, maxAge: 600 } }),
      'positive control: within the window',
    );
    const future = await presentSDJWT(issued, { keyBinding: { key: holder.privateKey, aud: AUD, nonce: NONCE, iat: now + 120 } });
    const futureError = await rejectsWith(
      verifySDJWT(future, issuer.publicKey, { keyBinding: bound }),
      'ERR_SD_JWT_KEY_BINDING_INVALID',
    );
    assert.equal((futureError as { reason?: string }).reason, 'iat');
  });
});

describe('sd-jwt attack: an sd_hash over other Disclosures', () => {
  it('is refused (reason sd_hash): Disclosures added, removed or swapped after binding', async () => {
    const presentation = await presentSDJWT(issued, {
      disclose: ['given_name'],
      keyBinding: { key: holder.privateKey, aud: AUD, nonce: NONCE },
    });
    const kb = presentation.slice(presentation.lastIndexOf('~') + 1);
    const all = await decodeSDJWT(issued);
    const jwt = issued.slice(0, issued.indexOf('~'));
    const birthdate = all.disclosures.find((d) => d.name === 'birthdate')?.encoded;
    const givenName = all.disclosures.find((d) => d.name === 'given_name')?.encoded;
    for (const tampered of [`${jwt}~${birthdate}~${kb}`, `${jwt}~${givenName}~${birthdate}~${kb}`, `${jwt}~${kb}`]) {
      const error = await rejectsWith(
        verifySDJWT(tampered, issuer.publicKey, { keyBinding: bound }),
        'ERR_SD_JWT_KEY_BINDING_INVALID',
      );
      assert.equal((error as { reason?: string }).reason, 'sd_hash');
    }
  });
});

describe('sd-jwt attack: the key-binding JWT removed where one is required', () => {
  it('is refused (ERR_SD_JWT_KEY_BINDING_MISSING): by default for a credential with cnf, and when required', async () => {
    const presentation = await presentSDJWT(issued, {
      disclose: ['given_name'],
      keyBinding: { key: holder.privateKey, aud: AUD, nonce: NONCE },
    });
    const stripped = presentation.slice(0, presentation.lastIndexOf('~') + 1);
    await rejectsWith(verifySDJWT(stripped, issuer.publicKey, { keyBinding: bound }), 'ERR_SD_JWT_KEY_BINDING_MISSING');
    await rejectsWith(verifySDJWT(stripped, issuer.publicKey), 'ERR_SD_JWT_KEY_BINDING_MISSING');
    const unbound = await issueSDJWT(CLAIMS, issuer.privateKey, { disclosable: FRAME });
    await rejectsWith(
      verifySDJWT(unbound, issuer.publicKey, { keyBinding: { ...bound, required: true } }),
      'ERR_SD_JWT_KEY_BINDING_MISSING',
    );
    // Positive controls: opting out, and a credential without cnf.
    assert.equal((await verifySDJWT(stripped, issuer.publicKey, { keyBinding: { required: false } })).payload.given_name, 'Ada');
    assert.equal((await verifySDJWT(unbound, issuer.publicKey)).keyBinding, undefined);
  });

  it('a key-binding JWT is only checked against an audience and nonce the verifier gives', async () => {
    const presentation = await presentSDJWT(issued, { keyBinding: { key: holder.privateKey, aud: AUD, nonce: NONCE } });
    await rejectsWith(verifySDJWT(presentation, issuer.publicKey), 'ERR_INVALID_OPTION');
    await rejectsWith(verifySDJWT(presentation, issuer.publicKey, { keyBinding: { audience: AUD } }), 'ERR_INVALID_OPTION');
  });

  it('a verifier that gives an audience and nonce requires key binding: a concealed cnf left out does not switch it off', async () => {
    // Issued by hand (issueSDJWT refuses to conceal cnf): the holder drops the cnf Disclosure.
    const cnf = encode(['c2FsdC1jbmY', 'cnf', { jwk: (await exportKey(holder.publicKey, 'jwk')) as Json }]);
    const concealed = await craft({ _sd: [await digest(cnf)], _sd_alg: 'sha-256', given_name: 'Ada' }, [cnf]);
    const dropped = concealed.slice(0, concealed.indexOf('~') + 1);
    await rejectsWith(verifySDJWT(dropped, issuer.publicKey, { keyBinding: bound }), 'ERR_SD_JWT_KEY_BINDING_MISSING');
    // Positive control: a verifier that binds nothing reads it.
    assert.equal((await verifySDJWT(dropped, issuer.publicKey)).payload.given_name, 'Ada');
    // Issuing refuses to conceal cnf, or anything inside it.
    const jwk = await exportKey(holder.publicKey, 'jwk');
    for (const disclosable of [{ _sd: ['cnf'] }, { cnf: { _sd: ['jwk'] } }] as DisclosureFrame[])
      await rejectsWith(issueSDJWT({ cnf: { jwk }, a: 1 }, issuer.privateKey, { disclosable }), 'ERR_INVALID_OPTION');
  });

  it("trailing content for a verifier that binds nothing is the presentation's fault, and bad settings are refused before any input", async () => {
    const unbound = await issueSDJWT(CLAIMS, issuer.privateKey, { disclosable: FRAME });
    await rejectsWith(verifySDJWT(`${unbound}garbage`, issuer.publicKey), 'ERR_SD_JWT_KEY_BINDING_INVALID');
    await rejectsWith(
      verifySDJWT(unbound, issuer.publicKey, { keyBinding: { maxAge: Number.POSITIVE_INFINITY } }),
      'ERR_INVALID_OPTION',
    );
    await rejectsWith(verifySDJWT(unbound, issuer.publicKey, { keyBinding: { audience: '' } }), 'ERR_INVALID_OPTION');
  });
});

describe('sd-jwt attack: validity claims in Disclosures', () => {
  it('checks exp, nbf and aud where a Disclosure put them, and counts disclosed claims for requiredClaims', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const [claim, value, code] of [
      ['exp', now - 3600, 'ERR_JWT_EXPIRED'],
      ['nbf', now + 86_400, 'ERR_JWT_NOT_YET_VALID'],
      ['aud', 'https://another.example', 'ERR_JWT_CLAIM_INVALID'],
    ] as const) {
      const disclosure = encode(['c2FsdC12YWxpZA', claim, value]);
      const token = await craft({ _sd: [await digest(disclosure)], _sd_alg: 'sha-256', sub: 'x' }, [disclosure]);
      // The signed payload has no aud: the audience check waits for the processed payload.
      const options = claim === 'aud' ? { audience: 'https://verifier.example' } : {};
      await rejectsWith(verifySDJWT(token, issuer.publicKey, options), code);
    }
    // Issuing refuses to make exp or nbf disclosable: a holder would leave them out.
    for (const claim of ['exp', 'nbf'])
      await rejectsWith(
        issueSDJWT({ [claim]: now + 60, a: 1 }, issuer.privateKey, { disclosable: { _sd: [claim] } }),
        'ERR_INVALID_OPTION',
      );
    // requiredClaims is met by a disclosed claim (RFC 9901 §9.7), and not by one left out.
    const presented = await presentSDJWT(issued, {
      disclose: ['given_name'],
      keyBinding: { key: holder.privateKey, aud: AUD, nonce: NONCE },
    });
    assert.equal(
      (await verifySDJWT(presented, issuer.publicKey, { keyBinding: bound, requiredClaims: ['given_name'] })).payload.given_name,
      'Ada',
    );
    await rejectsWith(
      verifySDJWT(presented, issuer.publicKey, { keyBinding: bound, requiredClaims: ['family_name'] }),
      'ERR_JWT_CLAIM_INVALID',
    );
  });
});

describe('sd-jwt: RFC 9901 §5 example (test/support/rfc9901-vectors.ts)', () => {
  const at = 1748537244 + 10;
  it('the Disclosures hash to the digests the RFC lists', async () => {
    for (const vector of Object.values(RFC.DISCLOSURES)) assert.equal(await digest(vector.encoded), vector.digest);
    const { disclosures } = await decodeSDJWT(
      `${RFC.ISSUER_SIGNED_JWT}~${Object.values(RFC.DISCLOSURES)
        .map((v) => `${v.encoded}~`)
        .join('')}`,
    );
    assert.deepEqual(
      disclosures.map((d) => d.digest),
      Object.values(RFC.DISCLOSURES).map((v) => v.digest),
    );
    assert.deepEqual(
      disclosures.map((d) => (d.name === undefined ? [d.salt, d.value] : [d.salt, d.name, d.value])),
      Object.values(RFC.DISCLOSURES).map((v) => v.contents),
    );
  });

  it('§5.2: the presentation with key binding verifies to the documented processed payload', async () => {
    const { payload, keyBinding } = await verifySDJWT(RFC.PRESENTATION, RFC.ISSUER_PUBLIC_JWK, {
      now: at,
      typ: 'example+sd-jwt',
      issuer: 'https://issuer.example.com',
      keyBinding: { audience: 'https://verifier.example.org', nonce: '1234567890' },
    });
    assert.deepEqual(payload, RFC.PRESENTATION_CLAIMS);
    assert.equal(keyBinding?.payload.sd_hash, '0_Af-2B-EhLWX5ydh_w2xzwmO6iM66B_2QCEanI4fUY');
  });

  it('§5.2: the same key-binding JWT with one Disclosure fewer fails on sd_hash; another nonce on nonce', async () => {
    const fewer = RFC.PRESENTATION.replace(`${RFC.DISCLOSURES.given_name.encoded}~`, '');
    const error = await rejectsWith(
      verifySDJWT(fewer, RFC.ISSUER_PUBLIC_JWK, {
        now: at,
        keyBinding: { audience: 'https://verifier.example.org', nonce: '1234567890' },
      }),
      'ERR_SD_JWT_KEY_BINDING_INVALID',
    );
    assert.equal((error as { reason?: string }).reason, 'sd_hash');
    const nonce = await rejectsWith(
      verifySDJWT(RFC.PRESENTATION, RFC.ISSUER_PUBLIC_JWK, {
        now: at,
        keyBinding: { audience: 'https://verifier.example.org', nonce: '123456789' },
      }),
      'ERR_SD_JWT_KEY_BINDING_INVALID',
    );
    assert.equal((nonce as { reason?: string }).reason, 'nonce');
  });

  it('§5.1: the SD-JWT with every listed Disclosure and no key binding, when the verifier does not require it', async () => {
    const sdJwt = `${RFC.ISSUER_SIGNED_JWT}~${RFC.DISCLOSURES.email.encoded}~${RFC.DISCLOSURES.nationality_de.encoded}~`;
    const { payload } = await verifySDJWT(sdJwt, RFC.ISSUER_PUBLIC_JWK, { now: at, keyBinding: { required: false } });
    assert.deepEqual(payload, { ...RFC.PLAIN_CLAIMS, email: 'johndoe@example.com', nationalities: ['DE'] });
  });
});

// ---- property: random claim trees and frames --------------------------------------------------

type Path = (string | number)[];
const leaf = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
const { tree } = fc.letrec<{ tree: Json; node: Json }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('tree')),
  tree: fc.oneof(
    { depthSize: 'small' },
    fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', '__proto__', 'e f'), tie('node'), { maxKeys: 4 }),
    fc.array(tie('node'), { maxLength: 4 }),
  ),
}));
const claimsArbitrary = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'e'), fc.oneof(leaf, tree), { minKeys: 1, maxKeys: 5 });

/** A frame over `value` and the concealed paths, from a stream of random numbers. */
function frameOf(value: Json, random: () => number, path: Path, concealed: Path[]): DisclosureFrame | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const entries: [string | number, Json][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const sd: (string | number)[] = [];
  const frame: Record<string, unknown> = {};
  for (const [name, child] of entries) {
    if (random() < 0.5) {
      sd.push(name);
      concealed.push([...path, name]);
    }
    const childFrame = random() < 0.7 ? frameOf(child, random, [...path, name], concealed) : undefined;
    if (childFrame !== undefined) Object.defineProperty(frame, String(name), { value: childFrame, enumerable: true });
  }
  if (sd.length > 0) frame._sd = sd;
  return frame as DisclosureFrame;
}
const prefix = (a: Path, b: Path) => a.length <= b.length && a.every((step, i) => step === b[i]);
/** The model: what a verifier must see when `chosen` are disclosed. */
function view(value: Json, frame: DisclosureFrame | undefined, path: Path, concealed: Path[], chosen: Path[]): Json {
  if (value === null || typeof value !== 'object' || frame === undefined) return value;
  const shown = (p: Path) =>
    !concealed.some((c) => prefix(c, p) && c.length === p.length) || chosen.some((c) => prefix(p, c) || prefix(c, p));
  const child = (name: string | number, v: Json) =>
    view(
      v,
      (Object.hasOwn(frame, String(name)) ? frame[String(name)] : undefined) as DisclosureFrame | undefined,
      [...path, name],
      concealed,
      chosen,
    );
  if (Array.isArray(value)) return value.flatMap((v, i) => (shown([...path, i]) ? [child(i, v)] : []));
  const out: Record<string, Json> = {};
  for (const [name, v] of Object.entries(value))
    if (shown([...path, name]))
      Object.defineProperty(out, name, { value: child(name, v), enumerable: true, writable: true, configurable: true });
  return out;
}
function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('sd-jwt property: random claims, random frames, a random subset disclosed', () => {
  it('verify gives exactly the disclosed claims (and everything plain), with and without key binding', async () => {
    const holderJWK: Key = holder.publicKey;
    await fc.assert(
      fc.asyncProperty(claimsArbitrary, fc.integer(), fc.boolean(), async (raw, seed, bind) => {
        const claims = JSON.parse(JSON.stringify(raw)) as Record<string, Json>;
        const random = mulberry(seed);
        const concealed: Path[] = [];
        const frame = frameOf(claims, random, [], concealed) ?? {};
        const chosen = concealed.filter(() => random() < 0.4);
        const sd = await issueSDJWT(claims, issuer.privateKey, {
          disclosable: frame,
          noTimestamp: true,
          decoys: seed & 3,
          ...(bind ? { holderKey: holderJWK } : {}),
        });
        const presentation = await presentSDJWT(sd, {
          disclose: chosen,
          ...(bind ? { keyBinding: { key: holder.privateKey, aud: AUD, nonce: NONCE } } : {}),
        });
        const { payload } = await verifySDJWT(presentation, issuer.publicKey, { keyBinding: bind ? bound : { required: false } });
        const expected = view(claims, frame, [], concealed, chosen) as Record<string, Json>;
        if (bind) expected.cnf = (await decodeSDJWT(sd)).payload.cnf as Json;
        assert.deepStrictEqual(JSON.parse(JSON.stringify(payload)), JSON.parse(JSON.stringify(expected)));
        assert.deepStrictEqual(Object.keys(payload).sort(), Object.keys(expected).sort());
      }),
      { numRuns: 40 },
    );
  });
});
