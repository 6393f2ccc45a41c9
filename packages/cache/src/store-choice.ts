import { FlgCacheError } from "./errors.js";
import { LruStore } from "./lru-store.js";
import type { CacheStore } from "./store.js";

/** How a cache front (`cached()`, `ModelCache`, `NodeCache`) picks its store. */
export interface StoreChoice {
  maxEntries?: number;
  maxBytes?: number;
  sizeOf?: (value: unknown) => number;
  store?: CacheStore;
}

/** The given store, or an own in-process one bounded by the options (which make no sense with a given store). */
export function chooseStore(options: StoreChoice, where: string): CacheStore {
  if (options.store) {
    if (options.maxEntries !== undefined || options.maxBytes !== undefined || options.sizeOf !== undefined) {
      throw new FlgCacheError("FLG_CACHE_OPTIONS", "maxEntries/maxBytes/sizeOf bound the default store; with `store`, set them on the store", { where });
    }
    return options.store;
  }
  return new LruStore({ maxEntries: options.maxEntries, maxBytes: options.maxBytes, sizeOf: options.sizeOf });
}

/** A namespace becomes a key prefix in shared stores (and Redis key patterns): a small, safe alphabet. */
export function checkNamespace(namespace: string, where: string): string {
  if (!/^[\w.\-/@]+$/.test(namespace)) {
    throw new FlgCacheError("FLG_CACHE_OPTIONS", `namespace ${JSON.stringify(namespace)} may only hold letters, digits and _ . - / @`, { where });
  }
  return namespace;
}
