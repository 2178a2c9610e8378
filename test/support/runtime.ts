// What the current run is: platform, backend, and which algorithms must work here. The support
// table is explicit so that an algorithm that stops working fails a test instead of turning into a
// quiet "not supported"; the README's runtime table is generated from the tests that check it
// (test/conformance/support.test.ts).
import { buildInfo, type JWSAlgorithm } from 'jwtkit';

/** Where the suite runs: the node-capable build on Node, Deno or Bun, or the web build in a browser or workerd. */
export type Platform = 'node' | 'deno' | 'bun' | 'browser' | 'workerd';

const userAgent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;

export const runtime = buildInfo.runtime;
export const platform: Platform =
  buildInfo.runtime !== 'web' ? buildInfo.runtime : userAgent === 'Cloudflare-Workers' ? 'workerd' : 'browser';
/** The backend under test: the one forced by JWTKIT_BACKEND, and always WebCrypto in the web build. */
export const backend: 'node' | 'web' = buildInfo.build === 'web' || buildInfo.forced === 'web' ? 'web' : 'node';

/** Every name that needs 192-bit AES: as content encryption, key wrap, or the wrap after ECDH-ES or PBES2. */
const AES_192 = /A192(GCM|CBC-HS384|GCMKW|KW)$/;
/** Deno's node:crypto has AES-192-ECB (key wrap) but no 192-bit AES-GCM or AES-CBC. */
const DENO_NODE_AES_192 = /^A192(GCM|CBC-HS384|GCMKW)$/;

/** The Node.js version as [major, minor] on Node itself; undefined on Deno, Bun and the web build. */
const nodeVersion = (): [number, number] | undefined => {
  if (platform !== 'node') return undefined;
  const version = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node ?? '';
  const [major, minor] = version.split('.').map(Number);
  return [major ?? 0, minor ?? 0];
};

/**
 * Whether `alg` must be available in this run. ES256K needs secp256k1 in node:crypto (Bun's
 * BoringSSL lacks it). ML-DSA: Node 24.7+ (node:crypto and WebCrypto), Deno's WebCrypto (not its
 * node:crypto), Bun (both), Chromium's WebCrypto; not workerd. Ed448: node:crypto on Node and
 * Deno, and Node's WebCrypto; not Bun, Chromium or workerd.
 */
export function mustSupport(alg: JWSAlgorithm): boolean {
  if (alg === 'ES256K') return backend === 'node' && platform !== 'bun';
  if (alg.startsWith('ML-DSA-')) {
    const node = nodeVersion();
    if (node !== undefined) return node[0] > 24 || (node[0] === 24 && node[1] >= 7);
    if (platform === 'deno') return backend === 'web';
    return platform === 'bun' || platform === 'browser';
  }
  if (alg === 'Ed448') return platform === 'node' || (platform === 'deno' && backend === 'node');
  return true;
}

/** Whether the synchronous API must work for `alg` in this run. */
export function mustBeSync(alg: JWSAlgorithm): boolean {
  if (backend === 'web') return false;
  return mustSupport(alg);
}

/**
 * Whether a JWE algorithm (alg or enc) must work in this run. Chromium's WebCrypto has no 192-bit
 * AES at all. Deno's node:crypto lacks 192-bit AES-GCM and AES-CBC, so with the node backend
 * forced there those report ERR_NOT_SUPPORTED (auto selection uses WebCrypto for them).
 */
export function mustSupportJWE(name: string): boolean {
  if (platform === 'browser') return !AES_192.test(name);
  if (platform === 'deno' && backend === 'node') return !DENO_NODE_AES_192.test(name);
  return true;
}
