import { canonicalArgs } from "./canonical-key.js";
import { FlgCacheError } from "./errors.js";
import { keyFor } from "./hash.js";
import { checkNamespace, chooseStore } from "./store-choice.js";
import type { CacheRecord, CacheStore, SyncCacheStore } from "./store.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

/** Options of {@link cached}. */
export interface CachedOptions<A extends unknown[] = unknown[]> {
  /** Most entries in the default in-process tier (default 10,000 when `maxBytes` is absent). Not with `store`. */
  maxEntries?: number;
  /** Most estimated bytes in the default in-process tier. Not with `store`. */
  maxBytes?: number;
  /** Size of a value in bytes for `maxBytes`; default an estimate of its heap size. Not with `store`. */
  sizeOf?: (value: unknown) => number;
  /** Milliseconds a value stays fresh. Default: until evicted. */
  ttl?: number;
  /**
   * Milliseconds after `ttl` during which the stale value is still returned at once while one call
   * refreshes it in the background. Needs `ttl`. Default 0.
   */
  staleWhileRevalidate?: number;
  /** Key text for the arguments; default: canonical text of all arguments (see `canonicalKey`). */
  key?: (...args: A) => string;
  /** The tier to use, e.g. a shared `LruStore` or a `RedisStore`. Default: an `LruStore` of its own. */
  store?: CacheStore;
  /**
   * Prefix of this function's keys in `store`, so functions sharing a store (or a Redis database) do not
   * serve each other's results; letters, digits and `_ . - / @`. Default: the function's name. Needed with
   * `store` for an anonymous function; ignored without `store`.
   */
  namespace?: string;
  /** Told about failures that did not reach the caller: a failed background refresh, a store error. */
  onError?: (error: FlgCacheError) => void;
}

/** Counters of one cached function. */
export interface CacheStats {
  /** Calls answered from the cache (including stale answers). */
  hits: number;
  /** Calls that found no value: they computed, joined a computation already running, or waited for another process. */
  misses: number;
  /** Of the hits: stale values returned while a refresh ran. */
  staleHits: number;
  /** Of the misses: calls that joined a lookup or computation already running in this process. */
  coalesced: number;
  /** Times the wrapped function ran in this process (including background refreshes). */
  computations: number;
  /** hits / (hits + misses); 0 before the first call. */
  hitRatio: number;
  /** Entries held by the store (the whole store when shared). */
  entries: number;
  /** Estimated bytes held by the store (0 unless it is bounded by bytes). */
  bytes: number;
  /** Entries the store dropped to make room. */
  evictions: number;
  /** Entries the store dropped because they expired. */
  expirations: number;
  /** Values not stored because they alone exceed the store's per-entry limit. */
  oversize: number;
  /** Store failures and failed background refreshes; callers were served anyway. */
  errors: number;
}

/** A function wrapped by {@link cached}. */
export interface CachedFunction<F extends AnyFn, R = ReturnType<F>> {
  (this: ThisParameterType<F>, ...args: Parameters<F>): R;
  stats(): CacheStats;
  /** Drops every entry of this function (its namespace in a shared store). */
  clear(): Promise<void>;
  /** Drops the entry for these arguments. */
  delete(...args: Parameters<F>): Promise<void>;
  /** The store holding this function's entries. */
  readonly store: CacheStore;
}

/** A store whose operations may return promises (Redis): the wrapped function always returns a promise. */
type RemoteStore = CacheStore & { readonly sync: false };

/**
 * Wraps `fn` so that calls with equal arguments share one result.
 *
 * - The key is the canonical text of the arguments (object key order does not matter, LangChain messages
 *   and class instances are keyed by content), hashed with SHA-256 when longer than 256 characters. An
 *   argument that cannot be keyed (function, symbol, cycle) throws `FlgCacheError` `FLG_CACHE_KEY`
 *   (a rejected promise when `fn` is async).
 * - Single-flight: concurrent calls with the same key share one execution; a rejection or throw is not
 *   cached, and the next call runs `fn` again. With a store that supports it (Redis), across processes too.
 * - Bounded: the default store holds at most 10,000 entries; set `maxEntries` / `maxBytes`.
 * - A sync `fn` on an in-process store stays sync; an async `fn` (or any `fn` on a remote store) returns a promise.
 *
 * ```ts
 * const complete = cached(async (prompt: string, opts: { temperature: number }) => llm.invoke(prompt, opts), {
 *   maxEntries: 1000, ttl: 60_000,
 * });
 * ```
 */
export function cached<F extends AnyFn>(fn: F, options: CachedOptions<Parameters<F>> & { store: RemoteStore }): CachedFunction<F, Promise<Awaited<ReturnType<F>>>>;
export function cached<F extends AnyFn>(fn: F, options?: CachedOptions<Parameters<F>> & { store?: SyncCacheStore }): CachedFunction<F>;
export function cached<F extends AnyFn>(fn: F, options?: CachedOptions<Parameters<F>>): CachedFunction<F, ReturnType<F> | Promise<Awaited<ReturnType<F>>>>;
export function cached<F extends AnyFn>(fn: F, options: CachedOptions<Parameters<F>> = {}): CachedFunction<F, unknown> {
  if (typeof fn !== "function") throw new FlgCacheError("FLG_CACHE_OPTIONS", `cached() needs a function, got ${typeof fn}`, { where: "cached" });
  const { ttl, staleWhileRevalidate = 0, key: keyFn, onError } = options;
  checkDuration("ttl", ttl);
  checkDuration("staleWhileRevalidate", staleWhileRevalidate, true);
  if (staleWhileRevalidate > 0 && ttl === undefined) {
    throw new FlgCacheError("FLG_CACHE_OPTIONS", "staleWhileRevalidate needs ttl: a value without ttl never becomes stale", { where: "cached" });
  }
  const store = chooseStore(options, "cached");
  let prefix = "";
  if (options.store) {
    const namespace = options.namespace ?? fn.name;
    if (!namespace) {
      throw new FlgCacheError("FLG_CACHE_OPTIONS", "an anonymous function sharing a store needs `namespace`, or its entries would mix with other functions'", { where: "cached" });
    }
    prefix = `${checkNamespace(namespace, "cached")}:`;
  }
  const storeTtl = ttl === undefined ? undefined : ttl + staleWhileRevalidate;
  const useFreshUntil = staleWhileRevalidate > 0;
  const syncStore = store.sync;

  let hits = 0;
  let misses = 0;
  let staleHits = 0;
  let coalesced = 0;
  let computations = 0;
  let errors = 0;
  /** Set once `fn` returned a promise: later hits resolve instead of returning the value bare. */
  let promised = !syncStore || isAsyncFunction(fn);
  const inflight = new Map<string, Promise<unknown>>();
  /** Keys being refreshed in the background (stale-while-revalidate). */
  const refreshing = new Set<string>();

  const report = (err: FlgCacheError) => {
    errors += 1;
    if (onError) {
      try {
        onError(err);
      } catch {
        // A throwing listener must not turn a served call into a failure.
      }
    }
  };

  const keyOf = (args: Parameters<F>): string => {
    if (!keyFn) return prefix + keyFor(canonicalArgs(args));
    const text = keyFn(...args);
    if (typeof text !== "string") {
      throw new FlgCacheError("FLG_CACHE_KEY", `the \`key\` function returned ${typeof text}, not a string`, { where: "key" });
    }
    return prefix + keyFor(text);
  };

  const record = (value: unknown, isPromised: boolean): CacheRecord => {
    const rec: CacheRecord = { value };
    if (isPromised) rec.promised = true;
    if (useFreshUntil) rec.freshUntil = Date.now() + (ttl as number);
    return rec;
  };

  /** Stores without letting a failing store reach the caller. */
  const put = (key: string, rec: CacheRecord): void | Promise<void> => {
    try {
      const done = store.set(key, rec, storeTtl);
      if (isThenable(done)) return done.then(undefined, (err: unknown) => report(storeError(store, "set", err)));
    } catch (err) {
      report(storeError(store, "set", err));
    }
  };

  /** Runs fn and stores its result; for a thenable result, resolves to the stored record. */
  const produce = (thisArg: unknown, args: Parameters<F>, key: string): Promise<CacheRecord> => {
    computations += 1;
    let result: unknown;
    try {
      result = fn.apply(thisArg, args);
    } catch (err) {
      return Promise.reject(err);
    }
    const isPromised = isThenable(result);
    if (isPromised) promised = true;
    return Promise.resolve(result).then(async (value) => {
      const rec = record(value, isPromised);
      await put(key, rec);
      return rec;
    });
  };

  /** Computation shared by every caller of `key`, across processes when the store can. */
  const shared = (thisArg: unknown, args: Parameters<F>, key: string): Promise<unknown> => {
    const run = store.singleFlight
      ? store.singleFlight(key, () => produce(thisArg, args, key)).then((rec) => (rec === undefined ? produce(thisArg, args, key) : rec))
      : produce(thisArg, args, key);
    return track(
      key,
      run.then((rec) => rec.value),
    );
  };

  /**
   * Recomputes a stale entry in the background; callers keep getting the stale value meanwhile (the
   * refresh is not in `inflight`, which callers would join). Deferred to a microtask so a sync function's
   * caller gets its stale value before the refresh runs.
   */
  const refresh = (thisArg: unknown, args: Parameters<F>, key: string): void => {
    if (refreshing.has(key)) return;
    refreshing.add(key);
    const run = (): Promise<unknown> => (store.singleFlight ? store.singleFlight(key, () => produce(thisArg, args, key)) : produce(thisArg, args, key));
    Promise.resolve()
      .then(run)
      .then(undefined, (err: unknown) => report(new FlgCacheError("FLG_CACHE_REFRESH", `background refresh of a stale entry failed: ${errorMessage(err)}`, { where: key, cause: err })))
      .finally(() => refreshing.delete(key));
  };

  const track = <T>(key: string, p: Promise<T>): Promise<T> => {
    inflight.set(key, p);
    const done = () => {
      if (inflight.get(key) === p) inflight.delete(key);
    };
    p.then(done, done);
    return p;
  };

  /** A record found by a lookup: counts the hit and starts a refresh when stale. */
  const served = (thisArg: unknown, args: Parameters<F>, key: string, rec: CacheRecord): void => {
    hits += 1;
    if (rec.freshUntil !== undefined && rec.freshUntil <= Date.now()) {
      staleHits += 1;
      refresh(thisArg, args, key);
    }
  };

  const wrapper = function (this: unknown, ...args: Parameters<F>): unknown {
    let key: string;
    try {
      key = keyOf(args);
    } catch (err) {
      if (promised) return Promise.reject(err);
      throw err;
    }
    if (!syncStore) return callRemote(this, args, key);
    const rec = (store as SyncCacheStore).get(key);
    if (rec !== undefined) {
      served(this, args, key, rec);
      return rec.promised || promised ? Promise.resolve(rec.value) : rec.value;
    }
    misses += 1;
    const pending = inflight.get(key);
    if (pending) {
      coalesced += 1;
      return pending;
    }
    if (promised) return shared(this, args, key);
    // Not known to be async: call fn directly so a sync function stays sync.
    computations += 1;
    const result = fn.apply(this, args) as unknown;
    if (!isThenable(result)) {
      put(key, record(result, false));
      return result;
    }
    promised = true;
    return track(
      key,
      Promise.resolve(result).then(async (value) => {
        await put(key, record(value, true));
        return value;
      }),
    );
  } as CachedFunction<F, unknown>;

  /**
   * Remote store. Callers of a key wait on one lookup (100 concurrent callers cost one round trip, not
   * 100) and then on one computation; a hit in the store's in-process layer comes back without waiting.
   */
  const callRemote = (thisArg: unknown, args: Parameters<F>, key: string): Promise<unknown> => {
    const pending = inflight.get(key);
    if (pending) {
      misses += 1;
      coalesced += 1;
      return pending;
    }
    let got: CacheRecord | undefined | Promise<CacheRecord | undefined>;
    try {
      got = store.get(key);
    } catch (err) {
      report(storeError(store, "get", err));
      got = undefined;
    }
    if (got === undefined) {
      misses += 1;
      return shared(thisArg, args, key);
    }
    if (!isThenable(got)) {
      served(thisArg, args, key, got);
      return Promise.resolve(got.value);
    }
    return track(
      key,
      got.then(
        (rec) => {
          if (rec !== undefined) {
            served(thisArg, args, key, rec);
            return rec.value;
          }
          misses += 1;
          return shared(thisArg, args, key);
        },
        (err: unknown) => {
          report(storeError(store, "get", err));
          misses += 1;
          return shared(thisArg, args, key);
        },
      ),
    );
  };

  wrapper.stats = (): CacheStats => {
    const s = store.stats();
    const lookups = hits + misses;
    return {
      hits,
      misses,
      staleHits,
      coalesced,
      computations,
      hitRatio: lookups === 0 ? 0 : hits / lookups,
      entries: s.entries,
      bytes: s.bytes,
      evictions: s.evictions,
      expirations: s.expirations,
      oversize: s.oversize,
      errors: errors + s.errors,
    };
  };
  wrapper.clear = async (): Promise<void> => {
    inflight.clear();
    await store.clear(prefix);
  };
  wrapper.delete = async (...args: Parameters<F>): Promise<void> => {
    const key = keyOf(args);
    inflight.delete(key);
    await store.delete(key);
  };
  Object.defineProperty(wrapper, "store", { value: store, enumerable: true });
  Object.defineProperty(wrapper, "name", { value: `cached ${fn.name || "anonymous"}` });
  return wrapper;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
}

function isAsyncFunction(fn: AnyFn): boolean {
  const name = (fn as { constructor?: { name?: string } }).constructor?.name;
  return name === "AsyncFunction";
}

function checkDuration(name: string, value: number | undefined, zeroOk = false): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (!zeroOk && value === 0)) {
    throw new FlgCacheError("FLG_CACHE_OPTIONS", `${name} must be a ${zeroOk ? "non-negative" : "positive"} number of milliseconds, got ${String(value)}`, { where: "cached" });
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function storeError(store: CacheStore, op: string, err: unknown): FlgCacheError {
  return new FlgCacheError("FLG_CACHE_STORE", `${store.name} store ${op} failed: ${errorMessage(err)}`, { where: store.name, cause: err });
}
