/** Seconds from a number or a duration string such as '90s', '15m', '1h', '7d', '2 weeks'. */
import { InvalidOptionError } from '../errors.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
  y: 31557600,
  yr: 31557600,
  yrs: 31557600,
  year: 31557600,
  years: 31557600,
};

const DURATION = /^(-|\+)?\s*(\d+(?:\.\d+)?)\s*([a-z]+)$/i;

/**
 * Parses a duration into seconds. Numbers are seconds; strings need a unit. The result is always
 * finite: `Infinity`, `NaN` and unit-less strings are refused (catalogue entry 33).
 */
export function parseDuration(value: unknown, option: string, { allowNegative = false } = {}): number {
  let seconds: number;
  if (typeof value === 'number') seconds = value;
  else if (typeof value === 'string') {
    const match = DURATION.exec(value.trim());
    const unit = match && UNIT_SECONDS[(match[3] as string).toLowerCase()];
    if (!match || unit === undefined || unit === null) {
      throw new InvalidOptionError(option, `"${value.slice(0, 32)}" is not a duration such as "90s", "15m", "1h" or "7d"`);
    }
    seconds = Number(match[2]) * unit * (match[1] === '-' ? -1 : 1);
  } else {
    throw new InvalidOptionError(option, 'must be a number of seconds or a duration string');
  }
  if (!Number.isFinite(seconds)) throw new InvalidOptionError(option, 'must be finite');
  if (!allowNegative && seconds < 0) throw new InvalidOptionError(option, 'must not be negative');
  return seconds;
}

/** A NumericDate from a number of seconds or a Date; refuses non-finite values. */
export function parseNow(value: unknown, option = 'now'): number {
  const seconds = value instanceof Date ? value.getTime() / 1000 : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    throw new InvalidOptionError(option, 'must be a finite NumericDate in seconds, or a Date');
  }
  return seconds;
}
