// `npm start`: a short tour of jwtkit. For every algorithm: generate a key, sign a token, verify it,
// then show a tampered token and an expired token being refused, with their error codes.
import {
  buildInfo,
  generateKeyPair,
  generateSecret,
  JWS_ALGORITHMS,
  type JWSAlgorithm,
  JWTKitError,
  type Key,
  signJWT,
  verifyJWT,
} from 'jwtkit';

interface Row {
  alg: string;
  backend: string;
  length: string;
  verified: string;
  tampered: string;
  expired: string;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ACCEPTED (bug!)';
  } catch (error) {
    return error instanceof JWTKitError ? error.code : String(error);
  }
}

function tamper(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(
    new TextDecoder().decode(
      Uint8Array.from(atob((payload ?? '').replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
    ),
  );
  claims.role = 'admin';
  const forged = btoa(JSON.stringify(claims)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${header}.${forged}.${signature}`;
}

async function keysFor(alg: JWSAlgorithm): Promise<{ signing: Key; verifying: Key }> {
  if (alg.startsWith('HS')) {
    const secret = await generateSecret(alg);
    return { signing: secret, verifying: secret };
  }
  const pair = await generateKeyPair(alg);
  return { signing: pair.privateKey, verifying: pair.publicKey };
}

async function tour(alg: JWSAlgorithm): Promise<Row> {
  let keys: { signing: Key; verifying: Key };
  try {
    keys = await keysFor(alg);
  } catch (error) {
    const code = error instanceof JWTKitError ? error.code : String(error);
    return { alg, backend: '-', length: '-', verified: `not here (${code})`, tampered: '-', expired: '-' };
  }
  const token = await signJWT({ sub: 'ada', role: 'reader' }, keys.signing, { expiresIn: '15m', issuer: 'tour' });
  const { payload } = await verifyJWT(token, keys.verifying, { issuer: 'tour' });
  const expiredToken = await signJWT({ sub: 'ada' }, keys.signing, { expiresIn: '-1m' });
  return {
    alg,
    backend: keys.signing.backend,
    length: String(token.length),
    verified: `sub=${payload.sub}`,
    tampered: await codeOf(verifyJWT(tamper(token), keys.verifying)),
    expired: await codeOf(verifyJWT(expiredToken, keys.verifying)),
  };
}

function table(rows: Row[]): string {
  const columns: Array<[keyof Row, string]> = [
    ['alg', 'alg'],
    ['backend', 'backend'],
    ['length', 'token chars'],
    ['verified', 'verified'],
    ['tampered', 'tampered token'],
    ['expired', 'expired token'],
  ];
  const widths = columns.map(([key, title]) => Math.max(title.length, ...rows.map((row) => row[key].length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  return [
    line(columns.map(([, title]) => title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((row) => line(columns.map(([key]) => row[key]))),
  ].join('\n');
}

console.log(
  `jwtkit tour: ${buildInfo.build} build on ${buildInfo.runtime}, backend ${buildInfo.forced === 'auto' ? 'chosen per algorithm' : buildInfo.forced}\n`,
);
const rows: Row[] = [];
for (const alg of JWS_ALGORITHMS) rows.push(await tour(alg));
console.log(table(rows));
console.log('\nEvery token verified; every tampered and expired token was refused with a stable error code.');
