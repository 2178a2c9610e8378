/**
 * The caps that bound the work of one verify or decrypt call (catalogue entries 29 and 38), and the
 * check every such option goes through once: a cap of Infinity or NaN would switch it off
 * (catalogue entry 33), so only a safe integer is a cap.
 */
import { InvalidOptionError } from '../errors.js';

/** Deepest nesting a JSON serialization object may have: the strict header parser's cap. */
export const MAX_SERIALIZATION_DEPTH = 64;

/** A cap option, or its default: a positive safe integer (non-negative with `allowZero`). */
export function limitOption(option: string, value: unknown, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new InvalidOptionError(option, allowZero ? 'must be a non-negative integer' : 'must be a positive integer');
  }
  return value;
}
