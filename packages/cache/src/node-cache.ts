import { BaseCache, type CacheFullKey, type CacheNamespace, type SerializerProtocol } from "@langchain/langgraph-checkpoint";

import { FlgCacheError } from "./errors.js";
import type { LruStore } from "./lru-store.js";
import { checkNamespace, chooseStore } from "./store-choice.js";
import type { CacheRecord, CacheStore, SyncCacheStore } from "./store.js";

/** Options of {@link NodeCache}. */
export interface NodeCacheOptions {
  /** Most entries in the default in-process tier (default 10,000 when `maxBytes` is absent). Not with `store`. */
  maxEntries?: number;
  /** Most estimated bytes in the default in-process tier. Not with `store`. */
  maxBytes?: number;
  /** Size of a value in bytes for `maxBytes`. Not with `store`. */
  sizeOf?: (value: unknown) => number;
  /** The tier, e.g. a `RedisStore` shared by a cluster. Default: an `LruStore` of its own. */
  store?: CacheStore;
  /** Prefix of this cache's keys in a shared `store`. Default "lg". */
  namespace?: string;
  /**
   * Serialize values with `serde` even in-process, so a node's cached writes are copies that later
   * mutation cannot reach (what LangGraph's InMemoryCache does, at ~10× the cost of a hit). Remote
   * stores always serialize. Default false: writes are held by reference.
   */
  isolate?: boolean;
  /** Serializer for remote stores and `isolate`; default LangGraph's JsonPlusSerializer. */
  serde?: SerializerProtocol;
}

/** Counters of a {@link NodeCache}. */
export interface NodeCacheStats {
  hits: number;
  misses: number;
  hitRatio: number;
  entries: number;
  bytes: number;
  evictions: number;
  expirations: number;
  oversize: number;
  errors: number;
}

const PREFIX_MEMO_MAX = 1024;

/** One namespace's value under a task key, in the nested in-process layout. */
interface NodeVariant {
  ns: string[];
  value: unknown;
  /** Epoch ms; absent: no expiry. */
  expiresAt?: number;
}

function sameParts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

function findVariant(variants: NodeVariant[], ns: CacheNamespace): NodeVariant | undefined {
  for (let i = 0; i < variants.length; i += 1) {
    const v = variants[i];
    if (sameParts(v.ns, ns)) return v.expiresAt === undefined || v.expiresAt > Date.now() ? v : undefined;
  }
  return undefined;
}

function writeVariants(store: LruStore, key: string, variants: NodeVariant[], now: number): void {
  if (variants.length === 0) {
    store.delete(key);
    return;
  }
  let ttl: number | undefined = 0;
  for (const v of variants) {
    if (v.expiresAt === undefined) {
      ttl = undefined;
      break;
    }
    ttl = Math.max(ttl, v.expiresAt - now);
  }
  store.set(key, { value: variants }, ttl);
}

interface Serialized {
  enc: string;
  bytes: Uint8Array;
}

/**
 * A bounded LangGraph node cache: `graph.compile({ cache: new NodeCache({ maxEntries: 10_000 }) })` and give
 * nodes a `cachePolicy` (`{ ttl }` in seconds, optional `keyFunc`). Same contract as LangGraph's
 * `InMemoryCache`: `get` returns the entries found in key order, `set` takes a TTL in seconds (absent or
 * null: no expiry; 0 or less: expires at once), `clear([])` drops everything and `clear(namespaces)` drops
 * exactly those namespaces. Unlike `InMemoryCache`, namespaces `["a,b"]` and `["a", "b"]` stay apart.
 */
export class NodeCache<V = unknown> extends BaseCache<V> {
  readonly store: CacheStore;
  private readonly prefix: string;
  private readonly serialize: boolean;
  /** Own in-process store, values by reference: entries keyed by the task key alone (see `get`). */
  private readonly nested: LruStore | undefined;
  private readonly prefixes = new Map<string, Map<string, string>>();
  private hits = 0;
  private misses = 0;
  private errors = 0;

  constructor(options: NodeCacheOptions = {}) {
    super(options.serde);
    this.store = chooseStore(options, "NodeCache");
    const namespace = checkNamespace(options.namespace ?? "lg", "NodeCache");
    this.prefix = options.store ? `${namespace}:` : "";
    this.serialize = this.store.remote || options.isolate === true;
    this.nested = options.store === undefined && !this.serialize ? (this.store as LruStore) : undefined;
  }

  /**
   * `<parts>:ns1,ns2|`, with `\\`, `,` and `|` escaped and the part count first, so every (namespace, key)
   * pair has its own text (`[]` and `[""]` too) and a namespace's keys share a prefix no other namespace has.
   * LangGraph builds a fresh namespace array per task (`["__pregel_ns_writes", node]`) from strings that
   * are the same objects every time, so a two-level memo on the parts finds the prefix without building it.
   */
  private namespaceKey(namespace: CacheNamespace): string {
    if (namespace.length === 2) {
      let inner = this.prefixes.get(namespace[0]);
      const hit = inner?.get(namespace[1]);
      if (hit !== undefined) return hit;
      const made = this.buildNamespaceKey(namespace);
      if (this.prefixes.size >= PREFIX_MEMO_MAX) this.prefixes.clear();
      if (inner === undefined) {
        inner = new Map();
        this.prefixes.set(namespace[0], inner);
      }
      if (inner.size < PREFIX_MEMO_MAX) inner.set(namespace[1], made);
      return made;
    }
    return this.buildNamespaceKey(namespace);
  }

  private buildNamespaceKey(namespace: CacheNamespace): string {
    let out = `${this.prefix}${namespace.length}:`;
    for (let i = 0; i < namespace.length; i += 1) out += (i > 0 ? "," : "") + escape(namespace[i]);
    return `${out}|`;
  }

  get(keys: CacheFullKey[]): Promise<{ key: CacheFullKey; value: V }[]> {
    if (this.nested === undefined) return this.getAsync(keys);
    // Hot path. LangGraph passes a fresh namespace array and key string per task: building one string
    // from them would cost a V8 runtime call to flatten it and another to hash it (~0.4 µs). Instead the
    // lru-cache key is the task key itself and the entry lists (namespace, value) variants, matched by
    // comparing namespace parts (the same string objects each time, so each comparison is a pointer check).
    const out: { key: CacheFullKey; value: V }[] = [];
    for (let i = 0; i < keys.length; i += 1) {
      const fullKey = keys[i];
      const rec = this.nested.get(fullKey[1]);
      const found = rec === undefined ? undefined : findVariant(rec.value as NodeVariant[], fullKey[0]);
      if (found === undefined) this.misses += 1;
      else {
        this.hits += 1;
        out.push({ key: fullKey, value: found.value as V });
      }
    }
    return Promise.resolve(out);
  }

  private async getAsync(keys: CacheFullKey[]): Promise<{ key: CacheFullKey; value: V }[]> {
    const out: { key: CacheFullKey; value: V }[] = [];
    for (const fullKey of keys) {
      const key = this.namespaceKey(fullKey[0]) + escape(fullKey[1]);
      let rec: CacheRecord | undefined;
      try {
        rec = await this.store.get(key);
      } catch {
        this.errors += 1;
      }
      if (rec === undefined) {
        this.misses += 1;
        continue;
      }
      let value = rec.value as V;
      if (this.serialize) {
        const s = rec.value as Serialized;
        try {
          value = (await this.serde.loadsTyped(s.enc, s.bytes)) as V;
        } catch {
          // Bytes this serde cannot read (another version wrote them): a miss, never a failed step.
          this.errors += 1;
          this.misses += 1;
          continue;
        }
      }
      this.hits += 1;
      out.push({ key: fullKey, value });
    }
    return out;
  }

  async set(pairs: { key: CacheFullKey; value: V; ttl?: number }[]): Promise<void> {
    for (const { key: fullKey, value, ttl } of pairs) {
      // TTL in seconds, as LangGraph's InMemoryCache: null/undefined never expires, <= 0 expires at once.
      const ttlMs = ttl == null ? undefined : ttl * 1000;
      if (this.nested !== undefined) {
        this.setVariant(this.nested, fullKey[1], fullKey[0], value, ttlMs);
        continue;
      }
      const key = this.namespaceKey(fullKey[0]) + escape(fullKey[1]);
      let stored: unknown = value;
      if (this.serialize) {
        const [enc, bytes] = await this.serde.dumpsTyped(value);
        stored = { enc, bytes } satisfies Serialized;
      }
      try {
        await this.store.set(key, { value: stored }, ttlMs);
      } catch {
        this.errors += 1;
      }
    }
  }

  /** Replaces the variant of `ns` under `key`, dropping expired ones; the entry lives as long as its longest variant. */
  private setVariant(store: LruStore, key: string, ns: CacheNamespace, value: unknown, ttlMs: number | undefined): void {
    const now = Date.now();
    const old = store.peek(key)?.value as NodeVariant[] | undefined;
    const variants: NodeVariant[] = [];
    for (const v of old ?? []) if (!sameParts(v.ns, ns) && (v.expiresAt === undefined || v.expiresAt > now)) variants.push(v);
    // A copy: the caller's array is LangGraph's, built per task.
    const parts = ns.slice();
    if (ttlMs === undefined || ttlMs > 0) variants.push(ttlMs === undefined ? { ns: parts, value } : { ns: parts, value, expiresAt: now + ttlMs });
    writeVariants(store, key, variants, now);
  }

  async clear(namespaces: CacheNamespace[] = []): Promise<void> {
    if (namespaces.length === 0) {
      await this.store.clear(this.prefix);
      return;
    }
    if (this.nested !== undefined) {
      const doomed = (v: NodeVariant) => namespaces.some((ns) => sameParts(v.ns, ns));
      const now = Date.now();
      for (const key of [...this.nested.keys()]) {
        const variants = this.nested.peek(key)?.value as NodeVariant[] | undefined;
        if (variants === undefined || !variants.some(doomed)) continue;
        writeVariants(
          this.nested,
          key,
          variants.filter((v) => !doomed(v)),
          now,
        );
      }
      return;
    }
    for (const namespace of namespaces) await this.store.clear(this.namespaceKey(namespace));
  }

  stats(): NodeCacheStats {
    const s = this.store.stats();
    const lookups = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRatio: lookups === 0 ? 0 : this.hits / lookups,
      entries: s.entries,
      bytes: s.bytes,
      evictions: s.evictions,
      expirations: s.expirations,
      oversize: s.oversize,
      errors: this.errors + s.errors,
    };
  }
}

const SPECIAL = /[\\,|]/;
const SPECIAL_ALL = /[\\,|]/g;

function escape(part: string): string {
  // Node names and XXH3 keys never need escaping: test first, replace only when needed.
  return SPECIAL.test(part) ? part.replace(SPECIAL_ALL, (c) => `\\${c}`) : part;
}
