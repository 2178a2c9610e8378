/**
 * The pkcs11js binding, loaded when a module is opened (an optional peer dependency: a bundle that
 * never opens one needs none of it), and one initialisation per module file per process.
 */
import { ExternalKeyUnavailableError } from '../errors.js';

/** The part of pkcs11js this adapter uses (its own types stay out of jwtkit's declarations). */
export interface Binding {
  PKCS11: new () => PKCS11;
  [constant: string]: unknown;
}
export type Handle = Uint8Array;
export interface Attribute {
  type: number;
  value?: number | boolean | string | Uint8Array;
}
export interface Mechanism {
  mechanism: number;
  parameter?: { type: number; [name: string]: unknown };
}
export interface PKCS11 {
  load(path: string): void;
  C_Initialize(options?: { flags?: number }): void;
  C_Finalize(): void;
  close(): void;
  C_GetSlotList(tokenPresent?: boolean): Handle[];
  C_GetTokenInfo(slot: Handle): { label: string; flags: number };
  C_GetMechanismInfo(slot: Handle, mechanism: number): { flags: number };
  C_OpenSession(slot: Handle, flags: number): Handle;
  C_CloseSession(session: Handle): void;
  C_Login(session: Handle, userType: number, pin?: string): void;
  C_FindObjectsInit(session: Handle, template: Attribute[]): void;
  C_FindObjects(session: Handle, max: number): Handle[];
  C_FindObjectsFinal(session: Handle): void;
  C_GetAttributeValue(session: Handle, object: Handle, template: Attribute[]): Attribute[];
  C_SignInit(session: Handle, mechanism: Mechanism, key: Handle): void;
  C_SignAsync(session: Handle, data: Uint8Array, out: Uint8Array): Promise<Uint8Array>;
  C_DecryptInit(session: Handle, mechanism: Mechanism, key: Handle): void;
  C_DecryptAsync(session: Handle, data: Uint8Array, out: Uint8Array): Promise<Uint8Array>;
  C_GenerateKeyPairAsync(
    session: Handle,
    mechanism: Mechanism,
    publicTemplate: Attribute[],
    privateTemplate: Attribute[],
  ): Promise<{ publicKey: Handle; privateKey: Handle }>;
}

/** PKCS#11 3.0 constants that pkcs11js 2.1 does not define (values from the standard's pkcs11t.h). */
const MISSING: Readonly<Record<string, number>> = {
  CKK_EC_EDWARDS: 0x40,
  CKM_EC_EDWARDS_KEY_PAIR_GEN: 0x1055,
  CKM_EDDSA: 0x1057,
  CKZ_DATA_SPECIFIED: 0x1,
};

/** The number of a PKCS#11 constant (`CKM_ECDSA`, `CKA_LABEL`, ...), as the binding defines it. */
export function ck(binding: Binding, name: string): number {
  const value = binding[name] ?? MISSING[name];
  if (typeof value !== 'number') throw new ExternalKeyUnavailableError('failed', `the pkcs11js binding has no ${name}`);
  return value;
}

/** The CKR_ name of a binding error (pkcs11js puts it in the message), or undefined. */
export function ckrName(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : undefined;
  return message !== undefined && /^CKR_[A-Z0-9_]+$/.test(message) ? message : undefined;
}

interface Loaded {
  binding: Binding;
  pkcs11: PKCS11;
  users: number;
  /** False when something else in the process initialised the module: it finalises it, not us. */
  owned: boolean;
}
const modules = new Map<string, Promise<Loaded>>();

async function importBinding(): Promise<Binding> {
  try {
    const imported = (await import('pkcs11js')) as unknown as { default?: Binding } & Binding;
    return imported.default ?? imported;
  } catch (error) {
    throw new ExternalKeyUnavailableError(
      'failed',
      'jwtkit/pkcs11 needs the pkcs11js binding (an optional peer dependency): npm install pkcs11js',
      { cause: error },
    );
  }
}

/** Loads and initialises `path` once per process; `release` finalises it when the last user closes. */
export async function acquireModule(path: string): Promise<Loaded> {
  let loading = modules.get(path);
  if (loading === undefined) {
    loading = (async () => {
      const binding = await importBinding();
      const pkcs11 = new binding.PKCS11();
      try {
        pkcs11.load(path);
      } catch (error) {
        throw new ExternalKeyUnavailableError('failed', `the PKCS#11 module "${path}" could not be loaded`, { cause: error });
      }
      let owned = true;
      try {
        // The async calls run on libuv's threads: the module must lock for itself.
        pkcs11.C_Initialize({ flags: ck(binding, 'CKF_OS_LOCKING_OK') });
      } catch (error) {
        if (ckrName(error) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
          throw new ExternalKeyUnavailableError(
            'failed',
            `the PKCS#11 module "${path}" did not initialise (${ckrName(error) ?? 'error'})`,
            { cause: error },
          );
        }
        owned = false;
      }
      return { binding, pkcs11, users: 0, owned };
    })();
    modules.set(path, loading);
    loading.catch(() => modules.delete(path));
  }
  const loaded = await loading;
  loaded.users += 1;
  return loaded;
}

/**
 * Drops one user of the module; the last one finalises it, unless `finalise` is false (a native
 * call of a closed token still runs: C_Finalize would free memory under it). The module then stays
 * initialised and loaded for the rest of the process, and the next openPKCS11 of it reuses it.
 */
export function releaseModule(path: string, loaded: Loaded, finalise = true): void {
  loaded.users -= 1;
  if (loaded.users > 0 || modules.get(path) === undefined || !finalise) return;
  modules.delete(path);
  if (!loaded.owned) return;
  try {
    loaded.pkcs11.C_Finalize();
  } catch {
    // Finalising a module that lost its token can fail; there is nothing left to release.
  }
}
