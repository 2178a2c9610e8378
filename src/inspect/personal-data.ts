/**
 * Personal and secret data in claims. A JWS payload is base64url, not encryption: whoever holds the
 * token (a browser extension, a log, a proxy) reads it. Values are matched by shape (e-mail, phone,
 * payment card by Luhn, national ids) and members by name (password, secret, ssn).
 */
import type { JSONObject, JSONValue } from '../encoding/json.js';
import type { Finding } from './findings.js';

const SECRET_NAMES =
  /^(?:pass(?:word|wd|phrase)?|pwd|secret|client_secret|api_?key|private_?key|otp|pin|cvv|cvc|ssn|social_security(?:_number)?|credit_?card|card_?number|pan|iban|tax_?id|national_?id)$/i;
const NO_SPACE_OR_AT = /^[^\s@]+$/;
const TOP_LEVEL_DOMAIN = /^[a-z]{2,}$/i;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
const CARD = /^(?:\d[ -]?){12,18}\d$/;
const US_SSN = /^(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}$/;
const UK_NINO = /^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]$/i;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/** The Luhn checksum payment card numbers carry. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** ISO 13616: the IBAN with its first four characters moved to the end is 1 mod 97. */
function ibanValid(text: string): boolean {
  const rearranged = text.slice(4) + text.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = Number.parseInt(char, 36);
    remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder === 1;
}

/**
 * The longest value looked at: an e-mail address has at most 254 characters (RFC 5321 §4.5.3.1.3),
 * the other shapes far fewer. A longer string is none of them, and is not scanned.
 */
const MAX_VALUE_LENGTH = 320;

/**
 * `local@domain.tld` with no white space and one "@", the top-level domain two letters or more.
 * Written out rather than as one expression: `[^\s@]+\.[a-z]{2,}` gives the engine many ways
 * to split the domain, a shape the ReDoS check in test/node refuses.
 */
function isEmail(text: string): boolean {
  const at = text.indexOf('@');
  const dot = text.lastIndexOf('.');
  if (at < 1 || dot < at + 2) return false;
  return (
    NO_SPACE_OR_AT.test(text.slice(0, at)) &&
    NO_SPACE_OR_AT.test(text.slice(at + 1, dot)) &&
    TOP_LEVEL_DOMAIN.test(text.slice(dot + 1))
  );
}

/** What kind of personal data a string value looks like, if any. */
function valueKind(value: string): { kind: string; severity: 'high' | 'medium' } | undefined {
  if (value.length > MAX_VALUE_LENGTH) return undefined;
  const text = value.trim();
  if (isEmail(text)) return { kind: 'an e-mail address', severity: 'medium' };
  const digits = text.replace(/[ -]/g, '');
  if (CARD.test(text) && passesLuhn(digits)) return { kind: 'a payment card number (passes Luhn)', severity: 'high' };
  if (US_SSN.test(text)) return { kind: 'a US social security number', severity: 'high' };
  if (UK_NINO.test(text)) return { kind: 'a UK national insurance number', severity: 'high' };
  const compact = text.replace(/\s/g, '').toUpperCase();
  if (IBAN.test(compact) && ibanValid(compact)) return { kind: 'an IBAN', severity: 'high' };
  if (PHONE.test(text) && /^\+/.test(text) && digits.replace(/\D/g, '').length >= 8)
    return { kind: 'a phone number', severity: 'medium' };
  return undefined;
}

function visit(value: JSONValue, path: string, out: Finding[], depth: number): void {
  if (depth > 16) return;
  if (typeof value === 'string') {
    const match = valueKind(value);
    if (match !== undefined) {
      out.push({
        id: 'personal-data',
        severity: match.severity,
        where: path,
        message: `${path} holds ${match.kind}, readable by anyone who holds the token`,
        fix: 'Keep personal data out of tokens (use an opaque id), or encrypt the token (JWE)',
      });
    }
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  for (const [name, item] of entries) {
    const child = Array.isArray(value) ? `${path}[${name}]` : path === '' ? name : `${path}.${name}`;
    if (!Array.isArray(value) && SECRET_NAMES.test(name) && item !== null && item !== '') {
      out.push({
        id: 'secret-claim',
        severity: 'high',
        where: child,
        message: `a member named "${name}": secrets and sensitive ids do not belong in a token anyone can read`,
        fix: 'Remove it from the claims; keep it on the server',
      });
      continue;
    }
    visit(item as JSONValue, child, out, depth + 1);
  }
}

/** Findings for personal or secret data anywhere in the claims. */
export function findPersonalData(payload: JSONObject): Finding[] {
  const out: Finding[] = [];
  visit(payload, '', out, 0);
  return out;
}
