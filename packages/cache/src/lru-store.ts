import { LRUCache } from "lru-cache";

import { FlgCacheError } from "./errors.js";
import { estimateBytes, stringBytes } from "./size-of.js";
import type { CacheRecord, StoreStats, SyncCacheStore } from "./store.js";

/** Options of the in-process tier. With neither bound given, it holds at most 10,000 entries. */
export interface LruStoreOptions {
  /** Most entries held; the least recently used goes first. Default 10,000 when `maxBytes` is absent. */
  maxEntries?: number;
  /** Most estimated bytes held (keys + values + bookkeeping). */
  maxBytes?: number;
  /** Largest single entry in bytes; bigger values are not stored (counted in `oversize`). Default `maxBytes`. */
  maxEntryBytes?: number;
  /** Size of a value in bytes; default {@link estimateBytes}. Only called when a byte bound is set. */
  sizeOf?: (value: unknown) => number;
}

/**
 * Bytes per entry beyond key and value: lru-cache's slots, its Map entry and the record object. With it
 * the estimate of 20,000 cached 5 KB answers came within 3% of the heap measured after GC (bench:
 * cache-model.ts, "memory").
 */
const ENTRY_OVERHEAD = 96;
const DEFAULT_MAX_ENTRIES = 10_000;
/**
 * Shared options object for lru-cache's get: without it, its default parameter allocates `{}` per
 * call (measured ~40% of a hit). lru-cache writes `status: undefined` into it, which is harmless.
 */
const GET_OPTIONS: LRUCache.GetOptions<string, CacheRecord, unknown> = {};

/**
 * The in-process tier: lru-cache bounded by entry count and/or estimated bytes, per-entry TTL.
 * Values are held by reference, as LangChain's InMemoryCache does: do not mutate what the cache returns.
 * A hit is one lru-cache lookup (tens of ns); see packages/bench/src/cache-model.ts.
 */
export class LruStore implements SyncCacheStore {
  readonly name = "lru";
  readonly sync = true as const;
  readonly remote = false;
  private readonly lru: LRUCache<string, CacheRecord>;
  private readonly sized: boolean;
  private evictions = 0;
  private expirations = 0;
  private oversize = 0;

  constructor(options: LruStoreOptions = {}) {
    const { maxEntries, maxBytes, maxEntryBytes, sizeOf = estimateBytes } = options;
    checkBound("maxEntries", maxEntries);
    checkBound("maxBytes", maxBytes);
    checkBound("maxEntryBytes", maxEntryBytes);
    if (maxEntryBytes !== undefined && maxBytes === undefined) {
      throw new FlgCacheError("FLG_CACHE_OPTIONS", "maxEntryBytes needs maxBytes: entry sizes are only measured when the cache is bounded by bytes", { where: "LruStore" });
    }
    this.sized = maxBytes !== undefined;
    this.lru = new LRUCache<string, CacheRecord>({
      max: maxEntries ?? (maxBytes === undefined ? DEFAULT_MAX_ENTRIES : 0),
      ...(maxBytes === undefined
        ? {}
        : {
            maxSize: maxBytes,
            maxEntrySize: Math.min(maxEntryBytes ?? maxBytes, maxBytes),
            sizeCalculation: (record: CacheRecord, key: string) => Math.max(1, Math.ceil(sizeOf(record.value) + stringBytes(key) + ENTRY_OVERHEAD)),
          }),
      dispose: (_value, _key, reason) => {
        if (reason === "evict") this.evictions += 1;
        else if (reason === "expire") this.expirations += 1;
      },
    });
  }

  get(key: string): CacheRecord | undefined {
    return this.lru.get(key, GET_OPTIONS);
  }

  /** Like `get`, without making the entry most recently used (for adapters rewriting entries). */
  peek(key: string): CacheRecord | undefined {
    return this.lru.peek(key);
  }

  /** Keys held, most recently used first. */
  keys(): IterableIterator<string> {
    return this.lru.keys();
  }

  set(key: string, record: CacheRecord, ttlMs?: number): void {
    if (ttlMs !== undefined && ttlMs <= 0) {
      this.lru.delete(key);
      return;
    }
    this.lru.set(key, record, ttlMs === undefined ? undefined : { ttl: Math.ceil(ttlMs) });
    // lru-cache refuses (and drops any old value of) an entry bigger than maxEntrySize without telling.
    if (this.sized && !this.lru.has(key)) this.oversize += 1;
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  clear(prefix?: string): void {
    if (!prefix) {
      this.lru.clear();
      return;
    }
    const doomed: string[] = [];
    for (const key of this.lru.keys()) if (key.startsWith(prefix)) doomed.push(key);
    for (const key of doomed) this.lru.delete(key);
  }

  /** Drops expired entries now instead of when they are next read. */
  purgeStale(): void {
    this.lru.purgeStale();
  }

  stats(): StoreStats {
    return {
      entries: this.lru.size,
      bytes: this.sized ? this.lru.calculatedSize : 0,
      evictions: this.evictions,
      expirations: this.expirations,
      oversize: this.oversize,
      errors: 0,
    };
  }
}

function checkBound(name: string, value: number | undefined): void {
  if (value === undefined) return;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new FlgCacheError("FLG_CACHE_OPTIONS", `${name} must be a positive integer, got ${String(value)}`, { where: "LruStore" });
  }
}
