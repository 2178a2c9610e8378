/** `jwtkit decode`: header and claims of a token, never verified, and said so. */
import { type DissectedToken, describeMembers, dissectToken, explainSDJWT, type JSONObject, timeStatus } from 'jwtkit/inspect';
import { readToken } from '../input.js';
import { formatJSON, type Output, type Style, visible } from '../output.js';
import { explainExtras, printExtras, printSDJWT } from './decode-extras.js';

const PART_STYLES: Record<string, Style> = {
  header: 'header',
  payload: 'payload',
  signature: 'signature',
  encrypted_key: 'key',
  iv: 'iv',
  ciphertext: 'payload',
  tag: 'signature',
};

/** The token with each part in its colour. */
export function colourToken(out: Output, dissected: DissectedToken): string {
  return dissected.parts.map((part) => out.paint(PART_STYLES[part.role] ?? 'dim', part.text)).join(out.paint('dim', '.'));
}

function claimTable(out: Output, object: JSONObject, part: 'header' | 'payload', now: number): string[] {
  const rows = describeMembers(object, part, now);
  // Names and values come from the token: escapes and line breaks are shown, not acted on.
  const names = rows.map((row) => visible(row.name));
  const width = Math.max(...names.map((name) => name.length), 3);
  return rows.map((row, index) => {
    const value = visible(JSON.stringify(row.value) ?? 'null');
    const time =
      row.time === undefined
        ? ''
        : `  ${row.time.iso}  ${out.paint(row.time.relative.startsWith('expired') ? 'red' : 'dim', row.time.relative)}`;
    const description = row.description === undefined ? '' : `\n${' '.repeat(width + 4)}${out.paint('dim', row.description)}`;
    return `  ${out.paint('cyan', (names[index] as string).padEnd(width))}  ${value}${time}${description}`;
  });
}

const STATUS_TEXT = {
  expired: ['red', 'EXPIRED'],
  'not-yet-valid': ['yellow', 'NOT YET VALID'],
  valid: ['green', 'within its validity period'],
  'no-expiry': ['yellow', 'NO EXPIRY'],
} as const;

export function decodeReport(token: string, now: number) {
  const dissected = dissectToken(token);
  return {
    dissected,
    json: {
      verified: false,
      kind: dissected.kind,
      header: dissected.header,
      payload: dissected.payload ?? dissected.parts[1]?.decodedText,
      status: dissected.kind === 'JWS' ? timeStatus(dissected.payload, now) : undefined,
      claims: dissected.payload === undefined ? undefined : describeMembers(dissected.payload, 'payload', now),
      parts: dissected.parts.map(({ role, offset, bytes, problem }) => ({ role, offset, bytes, problem })),
      problems: dissected.problems,
    },
  };
}

export async function runDecode(out: Output, argument: string | undefined): Promise<number> {
  const input = readToken(argument);
  const now = Math.floor(Date.now() / 1000);
  // An SD-JWT: the issuer-signed JWT is decoded as any token, then its Disclosures are shown.
  const sd = input.includes('~') ? await explainSDJWT(input) : undefined;
  const token = sd?.jwt ?? input;
  const { dissected, json } = decodeReport(token, now);
  const extras = await explainExtras(dissected.header, dissected.payload, now);
  // A proof with a private jwk, a cnf.jwk with private members: problems of the token like any other.
  const extraProblems = [
    ...(extras.dpop?.problems ?? []).map((problem) => `DPoP proof: ${problem}`),
    ...((extras.cnf?.privateMembers.length ?? 0) > 0 ? ['cnf.jwk carries private key members'] : []),
  ];
  if (out.json) {
    out.result({
      ...json,
      problems: [...json.problems, ...extraProblems],
      ...extras,
      ...(sd !== undefined && {
        kind: 'SD-JWT',
        sdJwt: {
          sdAlg: sd.sdAlg,
          disclosures: sd.disclosures.map(({ digest, path, name, value, salt, encoded }) => ({
            digest,
            path,
            name,
            value,
            salt,
            encoded,
          })),
          undisclosed: sd.undisclosed,
          claims: sd.claims,
          problem: sd.problem,
          keyBinding: sd.keyBinding,
        },
      }),
    });
    return dissected.problems.length > 0 || extraProblems.length > 0 || sd?.problem !== undefined ? 1 : 0;
  }
  out.line(
    out.paint('yellow', out.paint('bold', 'NOT VERIFIED')) +
      out.paint('dim', ': decoded only; nothing here proves who wrote this token'),
  );
  out.line();
  out.line(colourToken(out, dissected));
  out.line();
  const header = dissected.header;
  if (header !== undefined) {
    out.line(
      out.paint('header', out.paint('bold', `Header`)) +
        out.paint(
          'dim',
          ` (${dissected.kind === 'JWE' ? 'encrypted token, JWE' : dissected.kind === 'JWS' ? 'signed token, JWS' : 'unknown kind'})`,
        ),
    );
    out.line(formatJSON(out, header));
    for (const row of claimTable(out, header, 'header', now)) out.line(row);
    out.line();
  }
  if (dissected.kind === 'JWS') {
    const payload = dissected.payload;
    if (payload !== undefined) {
      // A DPoP proof has no exp: its life is the verifier's iat window (the DPoP section below).
      const [style, text] =
        extras.dpop !== undefined
          ? (['dim', 'a DPoP proof: valid only within the iat window'] as const)
          : STATUS_TEXT[timeStatus(payload, now)];
      out.line(`${out.paint('payload', out.paint('bold', 'Payload'))}  ${out.paint(style, text)}`);
      out.line(formatJSON(out, payload));
      out.line();
      out.line(out.paint('bold', sd === undefined ? 'Claims' : 'Claims (as signed, digests in place of the Disclosures)'));
      for (const row of claimTable(out, payload, 'payload', now)) out.line(row);
      out.line();
    } else if (dissected.parts[1]?.decodedText !== undefined) {
      out.line(out.paint('payload', out.paint('bold', 'Payload (not JSON)')));
      out.line(visible(dissected.parts[1].decodedText));
      out.line();
    }
    printExtras(out, extras);
    if (sd !== undefined) {
      printSDJWT(out, sd);
      out.line();
    }
    const signature = dissected.parts[2];
    if (signature !== undefined)
      out.line(`${out.paint('signature', out.paint('bold', 'Signature'))}  ${signature.bytes ?? '?'} bytes, not checked`);
  } else if (dissected.kind === 'JWE') {
    out.line(out.paint('dim', 'The payload is encrypted: use `jwtkit decrypt` with the key.'));
  }
  if (dissected.problems.length === 0 && (sd?.problem !== undefined || extraProblems.length > 0)) return 1;
  if (dissected.problems.length > 0) {
    out.line();
    out.line(out.paint('red', out.paint('bold', 'Problems')));
    for (const problem of dissected.problems) out.line(`  ${out.paint('red', '✗')} ${visible(problem)}`);
    return 1;
  }
  return 0;
}
