// RFC 9901 (Selective Disclosure for JWTs), November 2025: the example of §5.1 (issuance) and
// §5.2 (presentation), and the example keys of Appendix A.5. Typed in from the RFC's text
// (https://www.rfc-editor.org/rfc/rfc9901), long lines joined without their line breaks. Only the
// Disclosures the tests use are here; the §5.1 payload lists the digests of the others too.

/** Appendix A.5: the issuer's public key (ES256) the examples are signed with. */
export const ISSUER_PUBLIC_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ',
  y: 'Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8',
} as const;

/** §5.1: the issuer-signed JWT (header `{"alg": "ES256", "typ": "example+sd-jwt"}`). */
export const ISSUER_SIGNED_JWT =
  'eyJhbGciOiAiRVMyNTYiLCAidHlwIjogImV4YW1wbGUrc2Qtand0In0.' +
  'eyJfc2QiOiBbIkNyUWU3UzVrcUJBSHQtbk1ZWGdjNmJkdDJTSDVhVFkxc1VfTS1QZ2tqUEkiLCAiSnpZ' +
  'akg0c3ZsaUgwUjNQeUVNZmVadTZKdDY5dTVxZWhabzdGN0VQWWxTRSIsICJQb3JGYnBLdVZ1Nnh5bUph' +
  'Z3ZrRnNGWEFiUm9jMkpHbEFVQTJCQTRvN2NJIiwgIlRHZjRvTGJnd2Q1SlFhSHlLVlFaVTlVZEdFMHc1' +
  'cnREc3JaemZVYW9tTG8iLCAiWFFfM2tQS3QxWHlYN0tBTmtxVlI2eVoyVmE1TnJQSXZQWWJ5TXZSS0JN' +
  'TSIsICJYekZyendzY002R242Q0pEYzZ2Vks4QmtNbmZHOHZPU0tmcFBJWmRBZmRFIiwgImdiT3NJNEVk' +
  'cTJ4Mkt3LXc1d1BFemFrb2I5aFYxY1JEMEFUTjNvUUw5Sk0iLCAianN1OXlWdWx3UVFsaEZsTV8zSmx6' +
  'TWFTRnpnbGhRRzBEcGZheVF3TFVLNCJdLCAiaXNzIjogImh0dHBzOi8vaXNzdWVyLmV4YW1wbGUuY29t' +
  'IiwgImlhdCI6IDE2ODMwMDAwMDAsICJleHAiOiAxODgzMDAwMDAwLCAic3ViIjogInVzZXJfNDIiLCAi' +
  'bmF0aW9uYWxpdGllcyI6IFt7Ii4uLiI6ICJwRm5kamtaX1ZDem15VGE2VWpsWm8zZGgta284YUlLUWM5' +
  'RGxHemhhVllvIn0sIHsiLi4uIjogIjdDZjZKa1B1ZHJ5M2xjYndIZ2VaOGtoQXYxVTFPU2xlclAwVmtC' +
  'SnJXWjAifV0sICJfc2RfYWxnIjogInNoYS0yNTYiLCAiY25mIjogeyJqd2siOiB7Imt0eSI6ICJFQyIs' +
  'ICJjcnYiOiAiUC0yNTYiLCAieCI6ICJUQ0FFUjE5WnZ1M09IRjRqNFc0dmZTVm9ISVAxSUxpbERsczd2' +
  'Q2VHZW1jIiwgInkiOiAiWnhqaVdXYlpNUUdIVldLVlE0aGJTSWlyc1ZmdWVjQ0U2dDRqVDlGMkhaUSJ9' +
  'fX0.MczwjBFGtzf-6WMT-hIvYbkb11NrV1WMO-jTijpMPNbswNzZ87wY2uHz-CXo6R04b7jYrpj9mNRA' +
  'vVssXou1iw';

/** §5.1: Disclosures, with the digests the RFC gives for them. */
export const DISCLOSURES = {
  given_name: {
    encoded: 'WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd',
    digest: 'jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4',
    contents: ['2GLC42sKQveCfGfryNRN9w', 'given_name', 'John'],
  },
  family_name: {
    encoded: 'WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgImZhbWlseV9uYW1lIiwgIkRvZSJd',
    digest: 'TGf4oLbgwd5JQaHyKVQZU9UdGE0w5rtDsrZzfUaomLo',
    contents: ['eluV5Og3gSNII8EYnsxA_A', 'family_name', 'Doe'],
  },
  email: {
    encoded: 'WyI2SWo3dE0tYTVpVlBHYm9TNXRtdlZBIiwgImVtYWlsIiwgImpvaG5kb2VAZXhhbXBsZS5jb20iXQ',
    digest: 'JzYjH4svliH0R3PyEMfeZu6Jt69u5qehZo7F7EPYlSE',
    contents: ['6Ij7tM-a5iVPGboS5tmvVA', 'email', 'johndoe@example.com'],
  },
  address: {
    encoded:
      'WyJBSngtMDk1VlBycFR0TjRRTU9xUk9BIiwgImFkZHJlc3MiLCB7InN0cmVldF9hZGRyZXNzIjogIjEyMyBNYWluIFN0IiwgImxvY2FsaXR5IjogIkFueXRvd24iLCAicmVnaW9uIjogIkFueXN0YXRlIiwgImNvdW50cnkiOiAiVVMifV0',
    digest: 'XzFrzwscM6Gn6CJDc6vVK8BkMnfG8vOSKfpPIZdAfdE',
    contents: [
      'AJx-095VPrpTtN4QMOqROA',
      'address',
      { street_address: '123 Main St', locality: 'Anytown', region: 'Anystate', country: 'US' },
    ],
  },
  nationality_us: {
    encoded: 'WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIlVTIl0',
    digest: 'pFndjkZ_VCzmyTa6UjlZo3dh-ko8aIKQc9DlGzhaVYo',
    contents: ['lklxF5jMYlGTPUovMNIvCA', 'US'],
  },
  nationality_de: {
    encoded: 'WyJuUHVvUW5rUkZxM0JJZUFtN0FuWEZBIiwgIkRFIl0',
    digest: '7Cf6JkPudry3lcbwHgeZ8khAv1U1OSlerP0VkBJrWZ0',
    contents: ['nPuoQnkRFq3BIeAm7AnXFA', 'DE'],
  },
} as const;

/** §5.1: the plain claims of the issuer-signed payload (what every presentation shows). */
export const PLAIN_CLAIMS = {
  iss: 'https://issuer.example.com',
  iat: 1683000000,
  exp: 1883000000,
  sub: 'user_42',
  cnf: {
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: 'TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc',
      y: 'ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ',
    },
  },
} as const;

/** §5.2: a key-binding JWT (aud https://verifier.example.org, nonce 1234567890, iat 1748537244). */
export const KEY_BINDING_JWT =
  'eyJhbGciOiAiRVMyNTYiLCAidHlwIjogImtiK2p3dCJ9.' +
  'eyJub25jZSI6ICIxMjM0NTY3ODkwIiwgImF1ZCI6ICJodHRwczovL3ZlcmlmaWVyLmV4YW1wbGUub3Jn' +
  'IiwgImlhdCI6IDE3NDg1MzcyNDQsICJzZF9oYXNoIjogIjBfQWYtMkItRWhMV1g1eWRoX3cyeHp3bU82' +
  'aU02NkJfMlFDRWFuSTRmVVkifQ.' +
  'T3SIus2OidNl41nmVkTZVCKKhOAX97aOldMyHFiYjHm261eLiJ1YiuONFiMN8QlCmYzDlBLAdPvrXh52' +
  'KaLgUQ';

/** §5.2: the presentation the key-binding JWT's sd_hash covers: family_name, address, given_name, one nationality. */
export const PRESENTATION = `${ISSUER_SIGNED_JWT}~${DISCLOSURES.family_name.encoded}~${DISCLOSURES.address.encoded}~${DISCLOSURES.given_name.encoded}~${DISCLOSURES.nationality_us.encoded}~${KEY_BINDING_JWT}`;

/** §5.2: what the verifier gets from PRESENTATION (the RFC's processed payload). */
export const PRESENTATION_CLAIMS = {
  ...PLAIN_CLAIMS,
  family_name: 'Doe',
  address: { street_address: '123 Main St', locality: 'Anytown', region: 'Anystate', country: 'US' },
  given_name: 'John',
  nationalities: ['US'],
};
