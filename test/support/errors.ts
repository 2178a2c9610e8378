import assert from 'node:assert/strict';
import { JWTKitError } from 'jwtkit';

/** Asserts that `promise` rejects with a JWTKitError whose code is `code` (or one of `code`). */
export async function rejectsWith(
  promise: Promise<unknown> | (() => Promise<unknown>),
  code: string | string[],
): Promise<JWTKitError> {
  const codes = Array.isArray(code) ? code : [code];
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected a rejection with ${codes.join(' or ')}, but it resolved`);
  assert.ok(caught instanceof JWTKitError, `expected a JWTKitError, got ${String(caught)}`);
  assert.ok(codes.includes(caught.code), `expected ${codes.join(' or ')}, got ${caught.code}: ${caught.message}`);
  return caught;
}

/** Asserts that `fn` throws a JWTKitError whose code is `code` (or one of `code`). */
export function throwsWith(fn: () => unknown, code: string | string[]): JWTKitError {
  const codes = Array.isArray(code) ? code : [code];
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `expected ${codes.join(' or ')} to be thrown`);
  assert.ok(caught instanceof JWTKitError, `expected a JWTKitError, got ${String(caught)}`);
  assert.ok(codes.includes(caught.code), `expected ${codes.join(' or ')}, got ${caught.code}: ${caught.message}`);
  return caught;
}
