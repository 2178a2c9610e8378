/**
 * `--exp` and `--nbf`: a duration from now (what the library's `expiresIn` takes) or a moment, as a
 * NumericDate or an ISO 8601 date-time, as jwt-cli and `step crypto jwt` users write them.
 */
import { UsageError } from './output.js';

/** Either seconds from now (or a duration string the library parses), or a NumericDate. */
export type TimeFlag = { readonly duration: number | string } | { readonly at: number };

/**
 * A whole number this large (2001-09-09 and later, as a NumericDate) is a moment: as a duration it
 * would be over 31 years, which nobody means by typing seconds. Below it, a number is seconds.
 */
export const NUMERIC_DATE_FROM = 1_000_000_000;

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Reads a time flag. Durations: `900`, `+900`, `15m`, `1h`, `7d` (the library's syntax). Moments: a
 * NumericDate of at least {@link NUMERIC_DATE_FROM}, or ISO 8601: `2030-01-31` (midnight UTC) or a
 * date-time with `Z` or an offset (`2030-01-31T12:00:00+02:00`); a date-time without a zone is
 * refused, since the machine's zone is rarely the one meant.
 */
export function parseTimeFlag(flag: string, value: string): TimeFlag {
  if (/^\d+$/.test(value)) {
    const number = Number(value);
    if (!Number.isSafeInteger(number)) throw new UsageError(`${flag}: "${value}" is too large for a time`);
    return number >= NUMERIC_DATE_FROM ? { at: number } : { duration: number };
  }
  if (/^\+\d+$/.test(value)) return { duration: Number(value.slice(1)) };
  if (!/^\d{4}-/.test(value)) return { duration: value };
  const match = ISO.exec(value);
  if (match === null)
    throw new UsageError(`${flag}: "${value}" is not an ISO 8601 date or date-time; write 2030-01-31 or 2030-01-31T12:00:00Z`);
  const [, year, month, day, hour, minute, second, fraction, zone] = match as unknown as (string | undefined)[];
  if (hour !== undefined && zone === undefined)
    throw new UsageError(`${flag}: "${value}" has no time zone; add Z (UTC) or an offset such as +02:00`);
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map((part) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (y < 1970) throw new UsageError(`${flag}: "${value}" is before 1970`);
  const midnight = Date.UTC(y, mo - 1, d);
  const real = new Date(midnight);
  if (mo < 1 || mo > 12 || real.getUTCDate() !== d || real.getUTCMonth() !== mo - 1 || h > 23 || mi > 59 || s > 59)
    throw new UsageError(`${flag}: "${value}" is not a real date and time`);
  let offset = 0;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    const digits = zone.replace(':', '');
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) throw new UsageError(`${flag}: "${zone}" is not a time zone offset`);
    offset = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60;
  }
  // Fractions of a second are dropped: a NumericDate here is whole seconds, like the library writes.
  void fraction;
  const at = Math.floor(midnight / 1000) + h * 3600 + mi * 60 + s - offset;
  if (at < 0) throw new UsageError(`${flag}: "${value}" is before 1970`);
  return { at };
}
