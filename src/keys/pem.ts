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

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes standard base64 with padding, as PEM bodies use it; `undefined` if it is not that. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const binary = atob(text);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Blocks looked at in one text: a key file holds a few; a text with thousands of armour lines is no key file. */
const MAX_BLOCKS = 64;

interface Block {
  readonly label: string;
  readonly body: string;
  readonly text: string;
}

/**
 * The armoured blocks of a text, found with `indexOf` alone: linear in the text for each label,
 * and at most {@link MAX_BLOCKS} BEGIN lines looked at.
 */
function* blocks(text: string): Generator<Block> {
  const missing = new Set<string>();
  let at = text.indexOf('-----BEGIN ');
  for (let seen = 0; at >= 0 && seen < MAX_BLOCKS; seen++) {
    const labelStart = at + 11;
    const labelEnd = text.indexOf('-----', labelStart);
    if (labelEnd < 0) return;
    const label = text.slice(labelStart, labelEnd);
    const end = `-----END ${label}-----`;
    const close = /^[A-Z0-9 ]{1,40}$/.test(label) && !missing.has(label) ? text.indexOf(end, labelEnd + 5) : -1;
    if (close < 0) {
      missing.add(label);
      at = text.indexOf('-----BEGIN ', labelEnd + 5);
      continue;
    }
    yield { label, body: text.slice(labelEnd + 5, close), text: text.slice(at, close + end.length) };
    at = text.indexOf('-----BEGIN ', close + end.length);
  }
}

/** Every key block of a PEM text, each as a PEM text of its own (`EC PARAMETERS` and other blocks left out). */
export function pemKeyBlocks(text: string): string[] {
  const out: string[] = [];
  for (const block of blocks(text)) {
    if (LABELS[block.label] !== undefined || block.label === 'ENCRYPTED PRIVATE KEY') out.push(block.text);
  }
  return out;
}

/** Which half of a key pair the caller needs: signing and decrypting need the private key. */
export type KeySide = 'private' | 'public';

const PRIVATE_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

/**
 * The key blocks of a PEM text that a caller needing `side` would use: a key file often holds both
 * halves (`openssl pkcs12 -nodes` writes the certificate, then the private key; some tools write
 * the key first). Every private key block for `private`, every public key or certificate block
 * for `public`; all key blocks when the text holds none of that side, so that the error then says
 * which half was given ("a public key cannot sign").
 */
export function pemBlocksFor(text: string, side: KeySide): string[] {
  const all: Block[] = [];
  for (const block of blocks(text)) {
    if (LABELS[block.label] !== undefined || block.label === 'ENCRYPTED PRIVATE KEY') all.push(block);
  }
  const wanted = all.filter((block) => PRIVATE_LABELS.has(block.label) === (side === 'private'));
  return (wanted.length > 0 ? wanted : all).map((block) => block.text);
}

/**
 * Reads the first key block of a PEM text (skipping `EC PARAMETERS` and other non-key blocks;
 * a certificate chain gives the first certificate's key). A caller that knows which half it needs
 * picks the block first with {@link pemBlocksFor}.
 */
export function readPEM(text: string): PEMResult {
  for (const { label, body } of blocks(text)) {
    if (label === 'ENCRYPTED PRIVATE KEY' || body.includes('4,ENCRYPTED')) {
      return { ok: false, reason: 'encrypted PEM private keys are not supported; decrypt the key first' };
    }
    const kind = LABELS[label];
    if (kind === undefined) continue;
    const der = decodeBase64(body.replace(/\s+/g, ''));
    if (der === undefined) return { ok: false, reason: `PEM "${label}" block is not valid base64` };
    const container = readKeyContainer(der, [kind]);
    if (container === undefined) return { ok: false, reason: `PEM "${label}" block does not hold a supported key` };
    return { ok: true, container };
  }
  return { ok: false, reason: 'no PEM key block found' };
}
