/**
 * Durations the way the `ms` package reads them, which is what jsonwebtoken's `expiresIn`,
 * `notBefore` and `maxAge` take: a number followed by an optional unit, where a missing unit means
 * milliseconds (`'120'` is 120 ms, not 120 s). jwtkit's own options refuse unit-less strings; the
 * compat layer keeps jsonwebtoken's reading so that a switched application computes the same times.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNIT_MS: Readonly<Record<string, number>> = {
  '': 1,
  ms: 1,
  msec: 1,
  msecs: 1,
  millisecond: 1,
  milliseconds: 1,
  s: SECOND,
  sec: SECOND,
  secs: SECOND,
  second: SECOND,
  seconds: SECOND,
  m: MINUTE,
  min: MINUTE,
  mins: MINUTE,
  minute: MINUTE,
  minutes: MINUTE,
  h: HOUR,
  hr: HOUR,
  hrs: HOUR,
  hour: HOUR,
  hours: HOUR,
  d: DAY,
  day: DAY,
  days: DAY,
  w: 7 * DAY,
  week: 7 * DAY,
  weeks: 7 * DAY,
  y: 365.25 * DAY,
  yr: 365.25 * DAY,
  yrs: 365.25 * DAY,
  year: 365.25 * DAY,
  years: 365.25 * DAY,
};

// A sign, digits with an optional fraction (".5" too), spaces, then letters for the unit.
const SPAN = /^(-?\d*\.?\d+) *([a-z]*)$/i;

/** Milliseconds in a span such as `'2 days'`, `'1.5h'`, `'90s'` or `'120'`; undefined when it is not one. */
export function spanMilliseconds(text: string): number | undefined {
  if (text.length === 0 || text.length > 100) return undefined;
  const match = SPAN.exec(text);
  if (match === null) return undefined;
  const unit = UNIT_MS[(match[2] as string).toLowerCase()];
  return unit === undefined ? undefined : Number.parseFloat(match[1] as string) * unit;
}

/**
 * A NumericDate `time` after `from` (seconds): numbers are seconds, strings spans as above (the
 * result is floored to whole seconds, as jsonwebtoken does). Undefined for anything else, and for
 * a result that is not finite.
 */
export function timespan(time: unknown, from: number): number | undefined {
  let at: number | undefined;
  if (typeof time === 'number') at = from + time;
  else if (typeof time === 'string') {
    const ms = spanMilliseconds(time);
    at = ms === undefined ? undefined : Math.floor(from + ms / 1000);
  }
  return at !== undefined && Number.isFinite(at) ? at : undefined;
}
