/** A value as a tier holds it. */
export interface CacheRecord<V = unknown> {
  value: V;
  /**
   * Epoch ms after which the value is stale: still served (stale-while-revalidate) until the tier drops
   * it, while one caller refreshes it. Absent: fresh until the tier drops it.
   */
  freshUntil?: number;
  /** The wrapped function returned a promise: hits resolve to the value instead of returning it bare. */
  promised?: boolean;
}

/** Counters every tier keeps. */
export interface StoreStats {
  /** Entries held (in-process tiers; remote tiers report their local layer). */
  entries: number;
  /** Estimated bytes held (0 when the tier is not bounded by bytes). */
  bytes: number;
  /** Entries dropped to make room (LRU). */
  evictions: number;
  /** Entries dropped because their TTL passed. */
  expirations: number;
  /** Values refused because they alone exceed the per-entry limit. */
  oversize: number;
  /** Operations that failed or timed out and were served from a lower tier or by computing. */
  errors: number;
}

/**
 * A cache tier. Keys are strings the caller already made canonical (and short); values are records.
 * In-process tiers answer synchronously (`sync: true`); remote tiers may return promises and must never
 * reject: a failure is a miss (get) or a no-op (set/delete/clear), counted in `stats().errors`.
 */
export interface CacheStore {
  /** Short name for messages and stats, e.g. "lru" or "redis". */
  readonly name: string;
  /** true: get/set/delete/clear return synchronously (no promise). */
  readonly sync: boolean;
  /**
   * true: values leave the process and go through a codec, so they must be encodable (plain data,
   * LangChain messages, Date/Map/Set/BigInt/Uint8Array). Adapters convert class instances first.
   */
  readonly remote: boolean;
  get(key: string): CacheRecord | undefined | Promise<CacheRecord | undefined>;
  /** Stores `record`; `ttlMs` is when the tier drops it (absent: only when evicted). */
  set(key: string, record: CacheRecord, ttlMs?: number): void | Promise<void>;
  delete(key: string): void | Promise<void>;
  /** Drops every entry whose key starts with `prefix`, or every entry when `prefix` is absent or "". */
  clear(prefix?: string): void | Promise<void>;
  stats(): StoreStats;
  /**
   * Optional cross-process single-flight: runs `produce` in at most one process at a time per key and
   * hands its record to every process waiting for the same key. Must fall back to running `produce`
   * locally when coordination fails, and never reject except with `produce`'s own error.
   */
  singleFlight?(key: string, produce: () => Promise<CacheRecord | undefined>): Promise<CacheRecord | undefined>;
}

/** A tier that answers synchronously (in-process). */
export interface SyncCacheStore extends CacheStore {
  readonly sync: true;
  get(key: string): CacheRecord | undefined;
  set(key: string, record: CacheRecord, ttlMs?: number): void;
  delete(key: string): void;
  clear(prefix?: string): void;
}
