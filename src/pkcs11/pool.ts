/**
 * A small pool of logged-in sessions on one token: a PKCS#11 session runs one operation at a time,
 * so concurrent signers each take one, and wait (bounded by their caller's signal) when all are busy.
 */
import { ExternalKeyUnavailableError } from '../errors.js';
import { type Binding, ck, ckrName, type Handle, type PKCS11 } from './binding.js';

/** CKR codes after which a session is gone: it is dropped, and the next operation opens a new one. */
const SESSION_LOST = new Set([
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_USER_NOT_LOGGED_IN',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_TOKEN_NOT_RECOGNIZED',
  'CKR_DEVICE_REMOVED',
  'CKR_DEVICE_ERROR',
  'CKR_SLOT_ID_INVALID',
  'CKR_CRYPTOKI_NOT_INITIALIZED',
  // An operation left active (a call that timed out on our side): the session cannot start another.
  'CKR_OPERATION_ACTIVE',
]);
const PIN_REFUSED = new Set(['CKR_PIN_INCORRECT', 'CKR_PIN_INVALID', 'CKR_PIN_LEN_RANGE', 'CKR_PIN_LOCKED', 'CKR_PIN_EXPIRED']);

export function sessionLost(error: unknown): boolean {
  // jwtkit's own error keeps the module's in cause.
  const cause = error instanceof Error && !ckrName(error) ? error.cause : undefined;
  return SESSION_LOST.has(ckrName(error) ?? ckrName(cause) ?? '');
}

export interface PoolOptions {
  binding: Binding;
  pkcs11: PKCS11;
  slot: Handle;
  /** The token's label, for messages. */
  token: string;
  pin: string;
  size: number;
}

/** Set by an operation while the session holds a started operation (see `SessionPool.use`). */
export interface Lease {
  dirty: boolean;
}

export class SessionPool {
  readonly #options: PoolOptions;
  readonly #idle: Handle[] = [];
  readonly #waiting = new Set<() => void>();
  #open = 0;
  #busy = 0;
  #drained: (() => void) | undefined;
  #closed = false;

  constructor(options: PoolOptions) {
    this.#options = options;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Opens and logs in one session (the first check of the PIN happens here). */
  async #openSession(): Promise<Handle> {
    const { binding, pkcs11, slot, token, pin } = this.#options;
    let session: Handle;
    try {
      session = pkcs11.C_OpenSession(slot, ck(binding, 'CKF_SERIAL_SESSION') | ck(binding, 'CKF_RW_SESSION'));
    } catch (error) {
      throw new ExternalKeyUnavailableError(
        'failed',
        `could not open a session on the PKCS#11 token "${token}" (${ckrName(error) ?? 'error'}): is the token present?`,
        { cause: error },
      );
    }
    try {
      pkcs11.C_Login(session, ck(binding, 'CKU_USER'), pin);
    } catch (error) {
      const name = ckrName(error);
      // Login is per application and token: another session of this process has done it.
      if (name !== 'CKR_USER_ALREADY_LOGGED_IN') {
        this.#closeQuietly(session);
        // The binding's error carries the CKR name only; the PIN is in no message and no cause.
        const refused = PIN_REFUSED.has(name ?? '');
        throw new ExternalKeyUnavailableError(
          'failed',
          refused
            ? `the PKCS#11 token "${token}" refused the PIN (${name})`
            : `could not log in to the PKCS#11 token "${token}" (${name ?? 'error'})`,
          { cause: error },
        );
      }
    }
    return session;
  }

  #closeQuietly(session: Handle): void {
    try {
      this.#options.pkcs11.C_CloseSession(session);
    } catch {
      // Already closed (the token went away, or C_CloseAllSessions ran): nothing to release.
    }
  }

  #closedError(): ExternalKeyUnavailableError {
    return new ExternalKeyUnavailableError('failed', `the PKCS#11 session on token "${this.#options.token}" is closed`);
  }

  async #acquire(signal: AbortSignal | undefined): Promise<Handle> {
    for (;;) {
      if (this.#closed) throw this.#closedError();
      if (signal?.aborted) throw new ExternalKeyUnavailableError('timeout', 'gave up waiting for a free PKCS#11 session');
      const idle = this.#idle.pop();
      if (idle !== undefined) return idle;
      if (this.#open < this.#options.size) {
        this.#open += 1;
        try {
          return await this.#openSession();
        } catch (error) {
          this.#open -= 1;
          this.#wakeOne();
          throw error;
        }
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiting.delete(wake);
          signal?.removeEventListener('abort', wake);
          resolve();
        };
        this.#waiting.add(wake);
        signal?.addEventListener('abort', wake, { once: true });
      });
    }
  }

  #wakeOne(): void {
    const [first] = this.#waiting;
    first?.();
  }

  #release(session: Handle, lost: boolean): void {
    if (lost || this.#closed) {
      this.#closeQuietly(session);
      this.#open -= 1;
    } else {
      this.#idle.push(session);
    }
    this.#busy -= 1;
    if (this.#busy === 0) this.#drained?.();
    this.#wakeOne();
  }

  /**
   * Runs `operation` on a session of its own; a session the module reports gone is dropped, and so
   * is one whose operation failed while `lease.dirty` was set (between C_SignInit/C_DecryptInit and
   * the end of the operation): the module may have left the operation active, and a session going
   * back to the pool that way would fail the next caller with CKR_OPERATION_ACTIVE. Closing it ends
   * the operation.
   */
  async use<T>(operation: (session: Handle, lease: Lease) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const session = await this.#acquire(signal);
    this.#busy += 1;
    const lease: Lease = { dirty: false };
    let lost = false;
    try {
      return await operation(session, lease);
    } catch (error) {
      lost = lease.dirty || sessionLost(error);
      throw error;
    } finally {
      this.#release(session, lost || lease.dirty);
    }
  }

  /**
   * Closes the idle sessions now and the busy ones when their operation ends; waiters get an error.
   * Resolves true once no operation runs any more (the module can be finalised), false when one is
   * still running after `bound` ms: finalising then would free memory under a running native call.
   */
  close(bound: number): Promise<boolean> {
    this.#closed = true;
    for (const session of this.#idle.splice(0)) {
      this.#closeQuietly(session);
      this.#open -= 1;
    }
    for (const wake of [...this.#waiting]) wake();
    if (this.#busy === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), bound);
      // Nothing else keeps the process alive for a close that is only waiting.
      timer.unref?.();
      this.#drained = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** Operations running now. */
  get busy(): number {
    return this.#busy;
  }

  /** Sessions open now (idle and busy): for tests and metrics. */
  get size(): number {
    return this.#open;
  }
}
