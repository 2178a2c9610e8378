/**
 * @cross/jwt's Result API (its 0.6 addition, part of 1.0): `Ok`/`Err` values with the same fields
 * and methods, `ok`, `err`, `tryCatch`, `tryCatchSync`, and the `*Safe` form of every function,
 * which resolves to a Result instead of throwing. The errors inside are the ones the throwing
 * functions raise, so `result.errorValue instanceof JWTExpiredError` works as with @cross/jwt.
 */
/** Either a success ({@link Ok}) or a failure ({@link Err}). */
export type Result<T, E = Error> = Ok<T> | Err<E>;

/**
 * A success holding `value`.
 *
 * @example
 * ```ts
 * const doubled = ok(21).map((n) => n * 2).unwrapOr(0); // 42
 * ```
 */
export class Ok<T> {
  readonly success = true as const;
  readonly error = false as const;
  readonly value: T;
  constructor(value: T) {
    this.value = value;
  }
  /** A success holding `fn(value)`. */
  map<U>(fn: (value: T) => U): Result<U, never> {
    return new Ok(fn(this.value));
  }
  /** The Result `fn(value)` returns. */
  flatMap<U, F>(fn: (value: T) => Result<U, F>): Result<U, F> {
    return fn(this.value);
  }
  /** The value (the default is for failures). */
  unwrapOr(_defaultValue: T): T {
    return this.value;
  }
  /** The value. */
  unwrap(): T {
    return this.value;
  }
  /** The value (the message is for failures). */
  unwrapOrThrow(_errorMessage: string): T {
    return this.value;
  }
  isOk(): this is Ok<T> {
    return true;
  }
  isErr(): this is Err<never> {
    return false;
  }
}

/**
 * A failure holding `errorValue`.
 *
 * @example
 * ```ts
 * const failed = err(new Error('no key'));
 * failed.unwrapOr('fallback'); // 'fallback'
 * ```
 */
export class Err<E> {
  readonly success = false as const;
  readonly error = true as const;
  readonly errorValue: E;
  constructor(errorValue: E) {
    this.errorValue = errorValue;
  }
  /** This failure, unchanged. */
  map<U>(_fn: (value: never) => U): Result<U, E> {
    return this;
  }
  /** This failure, unchanged. */
  flatMap<U, F>(_fn: (value: never) => Result<U, F>): Result<U, F> {
    return this as unknown as Err<F>;
  }
  /** The default, since there is no value. */
  unwrapOr<T>(defaultValue: T): T {
    return defaultValue;
  }
  /** Throws the error held. */
  unwrap(): never {
    throw this.errorValue;
  }
  /** Throws a new `Error` with the message given. */
  unwrapOrThrow(errorMessage: string): never {
    throw new Error(errorMessage);
  }
  isOk(): this is Ok<never> {
    return false;
  }
  isErr(): this is Err<E> {
    return true;
  }
}

/**
 * A success.
 *
 * @example
 * ```ts
 * ok('token').isOk(); // true
 * ```
 */
export function ok<T>(value: T): Ok<T> {
  return new Ok(value);
}

/**
 * A failure.
 *
 * @example
 * ```ts
 * err(new Error('bad')).isErr(); // true
 * ```
 */
export function err<E>(error: E): Err<E> {
  return new Err(error);
}

/**
 * Runs `fn` (sync or async) and resolves to its value as a success, or what it threw as a failure.
 *
 * @example
 * ```ts
 * const result = await tryCatch(() => validateJWT(jwt, secret));
 * ```
 */
export async function tryCatch<T, E = Error>(fn: () => Promise<T> | T): Promise<Result<T, E>> {
  try {
    return ok(await fn());
  } catch (error) {
    return err(error as E);
  }
}

/**
 * Runs `fn` and returns its value as a success, or what it threw as a failure.
 *
 * @example
 * ```ts
 * const header = tryCatchSync(() => unsafeParseJOSEHeader(jwt));
 * ```
 */
export function tryCatchSync<T, E = Error>(fn: () => T): Result<T, E> {
  try {
    return ok(fn());
  } catch (error) {
    return err(error as E);
  }
}
