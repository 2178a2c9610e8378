/** PEM (RFC 7468) armour around the DER containers of asn1.ts. */
import { type ContainerKind, type KeyContainer, readKeyContainer } from './asn1.js';

const LABELS: Readonly<Record<string, ContainerKind>> = {
  'PUBLIC KEY': 'spki',
  'PRIVATE KEY': 'pkcs8',
  'RSA PUBLIC KEY': 'pkcs1',
  'RSA PRIVATE KEY': 'pkcs1',
  'EC PRIVATE KEY': 'sec1',
  CERTIFICATE: 'certificate',
};

export type PEMResult = { readonly ok: true; readonly container: KeyContainer } | { readonly ok: false; readonly reason: string };

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes standard base64 with padding, as PEM bodies use it; `undefined` if it is not that. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Every key block of a PEM text, each as a PEM text of its own (`EC PARAMETERS` and other blocks left out). */
export function pemKeyBlocks(text: string): string[] {
  return [...text.matchAll(BLOCK)]
    .filter((match) => LABELS[match[1] as string] !== undefined || match[1] === 'ENCRYPTED PRIVATE KEY')
    .map((match) => match[0]);
}

/**
 * Reads the first key block of a PEM text (skipping `EC PARAMETERS` and other non-key blocks;
 * a certificate chain gives the first certificate's key).
 */
export function readPEM(text: string): PEMResult {
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1] as string;
    if (label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(match[2] as string)) {
      return { ok: false, reason: 'encrypted PEM private keys are not supported; decrypt the key first' };
    }
    const kind = LABELS[label];
    if (kind === undefined) continue;
    const der = decodeBase64((match[2] as string).replace(/\s+/g, ''));
    if (der === undefined) return { ok: false, reason: `PEM "${label}" block is not valid base64` };
    const container = readKeyContainer(der, [kind]);
    if (container === undefined) return { ok: false, reason: `PEM "${label}" block does not hold a supported key` };
    return { ok: true, container };
  }
  return { ok: false, reason: 'no PEM key block found' };
}
