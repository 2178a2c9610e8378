/**
 * Which signature algorithms this browser can run, found by trying: one key generated per family
 * when the page opens. A list of browsers would be wrong the day a browser adds a curve (Chromium has
 * no secp256k1 today, and gained ML-DSA recently); the attempt is right on every browser, every day.
 */
import { generateKeyPair, generateSecret, JWS_ALGORITHMS } from 'jwtkit';

/**
 * Algorithms that differ only in their hash share one WebCrypto key type and one answer, so RSA
 * (the slow one to generate) is tried once per padding; every curve and parameter set is its own.
 */
const family = (alg: string): string => (/^(?:RS|PS|HS)\d+$/.test(alg) ? alg.slice(0, 2) : alg);

function unsupported(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const name = error instanceof Error ? error.name : undefined;
  return code === 'ERR_NOT_SUPPORTED' || name === 'NotSupportedError';
}

async function works(alg: string): Promise<boolean> {
  try {
    if (alg.startsWith('HS')) await generateSecret(alg);
    else await generateKeyPair(alg);
    return true;
  } catch (error) {
    // Only "this runtime cannot" hides an algorithm; any other failure is a fault to show when it is used.
    return !unsupported(error);
  }
}

let offered: Promise<readonly string[]> | undefined;

/** The signature algorithms this page offers, in the registry's order (computed once). */
export function offeredAlgorithms(): Promise<readonly string[]> {
  offered ??= (async () => {
    const probes = new Map<string, Promise<boolean>>();
    for (const alg of JWS_ALGORITHMS) if (!probes.has(family(alg))) probes.set(family(alg), works(alg));
    const answers = await Promise.all(JWS_ALGORITHMS.map((alg) => probes.get(family(alg)) as Promise<boolean>));
    return JWS_ALGORITHMS.filter((_, index) => answers[index]);
  })();
  return offered;
}
