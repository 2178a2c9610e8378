/**
 * Loads a module the browser build keeps out of its first chunk (the key text reader, the RSA
 * checks, WebCrypto key generation and export): an application bundler splits each dynamic import
 * into a chunk fetched on first use (issue 32). A chunk the page cannot fetch is a typed error that
 * names it, never a bare TypeError from the loader.
 */
import { NotSupportedError, SyncUnavailableError } from '../errors.js';

export async function loadChunk<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    throw new NotSupportedError(
      `jwtkit's ${what} (a chunk of the application's bundle, loaded on first use) could not be loaded: check that the bundle's chunks are served`,
      { cause },
    );
  }
}

/** Where a part loaded on first need is installed, and read from by the code that uses it. */
export interface ChunkHook<T> {
  /** Installs the part (idempotent). */
  set(part: T): void;
  /**
   * The installed part. Only a synchronous call in the browser build can find it missing, before any
   * asynchronous call has loaded it; the same call would need the asynchronous WebCrypto backend a
   * moment later, so it fails as that does, with ERR_SYNC_UNAVAILABLE.
   */
  get(): T;
  loaded(): boolean;
}

/** A hook for one part (the key text reader, the RSA checks): installed at once in the Node build, on first need in the browser build. */
export function chunkHook<T>(): ChunkHook<T> {
  let part: T | undefined;
  return {
    set: (installed) => {
      part = installed;
    },
    get: () => {
      if (part === undefined) {
        throw new SyncUnavailableError(
          'the browser and Workers build has no synchronous API (WebCrypto is asynchronous): use importKey, verifyJWT, signJWT',
        );
      }
      return part;
    },
    loaded: () => part !== undefined,
  };
}
