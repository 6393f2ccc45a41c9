import { BaseCache } from "@langchain/core/caches";
import type { Generation } from "@langchain/core/outputs";
import type { HashKeyEncoder } from "@langchain/core/utils/hash";

import { FlgCacheError } from "./errors.js";
import { digest, keyFor } from "./hash.js";
import { checkNamespace, chooseStore } from "./store-choice.js";
import type { CacheRecord, CacheStore, SyncCacheStore } from "./store.js";

/** Options of {@link ModelCache}. */
export interface ModelCacheOptions {
  /** Most entries in the default in-process tier (default 10,000 when `maxBytes` is absent). Not with `store`. */
  maxEntries?: number;
  /** Most estimated bytes in the default in-process tier. Not with `store`. */
  maxBytes?: number;
  /** Size of a value in bytes for `maxBytes`. Not with `store`. */
  sizeOf?: (value: unknown) => number;
  /** Milliseconds an answer stays cached. Default: until evicted. */
  ttl?: number;
  /** The tier, e.g. a `RedisStore` shared by a cluster. Default: an `LruStore` of its own. */
  store?: CacheStore;
  /** Prefix of this cache's keys in a shared `store`. Default "llm". */
  namespace?: string;
  /**
   * Milliseconds a lookup that misses waits when an identical prompt (same model settings) missed just
   * before and its answer is being generated: the waiter gets that answer instead of calling the model
   * again. LangChain's cache interface has no "failed" signal, so if the first call fails, waiters
   * call the model themselves after this long. Default 0 (off). In-process only.
   */
  coalesceMs?: number;
}

/** Counters of a {@link ModelCache}. */
export interface ModelCacheStats {
  hits: number;
  misses: number;
  /** Of the misses: lookups that waited for an identical call already generating (`coalesceMs`). */
  coalesced: number;
  hitRatio: number;
  entries: number;
  bytes: number;
  evictions: number;
  expirations: number;
  oversize: number;
  errors: number;
}

/** Model settings strings up to this length are used in keys as they are; longer ones are digested once and memoized. */
const LLM_KEY_RAW_MAX = 64;
/** Prompts up to this length are keys as they are (a Map lookup); longer ones cost one SHA-256 (bench: cache-keys.ts). */
const PROMPT_RAW_MAX = 256;
const LLM_TAGS_MAX = 256;

/** Prompt part of a key: the prompt itself when short (and not starting with "#"), else "#" + SHA-256. */
function promptKey(prompt: string): string {
  return prompt.length <= PROMPT_RAW_MAX && prompt.charCodeAt(0) !== 35 ? prompt : `#${digest(prompt)}`;
}

/** Key of a (settings, prompt) pair for coalescing waiters in the nested layout. */
function waitKey(llmKey: string, pk: string): string {
  return `${llmKey.length}:${llmKey}${pk}`;
}

/** A shared resolved promise: a miss allocates nothing. */
const NULL: Promise<null> = Promise.resolve(null);

/** One model-settings variant of a prompt's entry in the nested layout. */
interface Variant {
  llm: string;
  value: Generation[];
  expiresAt?: number;
}

interface Waiter {
  promise: Promise<Generation[] | null>;
  resolve: (value: Generation[] | null) => void;
  timer: NodeJS.Timeout;
}

/**
 * A bounded LangChain model cache: pass it as `cache` to any chat model or LLM.
 *
 * ```ts
 * const model = new ChatOpenAI({ model: "gpt-4o-mini", cache: new ModelCache({ maxEntries: 5000, ttl: 3_600_000 }) });
 * ```
 *
 * In its own in-process store, an entry is keyed by the prompt (SHA-256 when longer than 256 characters)
 * and holds the answers per model-settings string (`llmKey`), compared as strings: a hit is one lru-cache
 * lookup and no hashing beyond V8's own (LangChain's `InMemoryCache` runs a pure-JS SHA-256 over both
 * on every lookup). Answers are held by reference, as `InMemoryCache` does. With a `store` (shared or
 * remote) keys are flat (`namespace:settings+prompt`) and each generation is stored as
 * `{ text, message, generationInfo }` (messages are revived as their own class).
 */
export class ModelCache extends BaseCache<Generation[]> {
  readonly store: CacheStore;
  private readonly prefix: string;
  private readonly ownStore: boolean;
  private readonly ttl: number | undefined;
  private readonly coalesceMs: number;
  private readonly llmTags = new Map<string, string>();
  private readonly waiting = new Map<string, Waiter>();
  private customEncoder = false;
  private hits = 0;
  private misses = 0;
  private coalesced = 0;
  private errors = 0;

  constructor(options: ModelCacheOptions = {}) {
    super();
    const { ttl, coalesceMs = 0 } = options;
    if (ttl !== undefined && !(typeof ttl === "number" && ttl > 0 && Number.isFinite(ttl))) {
      throw new FlgCacheError("FLG_CACHE_OPTIONS", `ttl must be a positive number of milliseconds, got ${String(ttl)}`, { where: "ModelCache" });
    }
    if (!(typeof coalesceMs === "number" && coalesceMs >= 0 && Number.isFinite(coalesceMs))) {
      throw new FlgCacheError("FLG_CACHE_OPTIONS", `coalesceMs must be a non-negative number of milliseconds, got ${String(coalesceMs)}`, { where: "ModelCache" });
    }
    this.store = chooseStore(options, "ModelCache");
    const namespace = checkNamespace(options.namespace ?? "llm", "ModelCache");
    this.prefix = options.store ? `${namespace}:` : "";
    this.ownStore = options.store === undefined;
    this.ttl = ttl;
    this.coalesceMs = coalesceMs;
  }

  /** Uses `keyEncoderFn(prompt, llmKey)` as the key text instead of the built-in key (LangChain's hook). */
  override makeDefaultKeyEncoder(keyEncoderFn: HashKeyEncoder): void {
    super.makeDefaultKeyEncoder(keyEncoderFn);
    this.customEncoder = true;
    // Entries made with the built-in key can no longer be found; drop them now rather than at eviction.
    if (this.ownStore) void this.store.clear();
  }

  /** Flat key (remote or shared stores, custom encoder): prompt and model settings in one string. */
  private flatKey(prompt: string, llmKey: string): string {
    if (this.customEncoder) return `${this.prefix}e${keyFor(this.keyEncoder(prompt, llmKey))}`;
    let tag = this.llmTags.get(llmKey);
    if (tag === undefined) {
      const body = llmKey.length <= LLM_KEY_RAW_MAX ? `=${llmKey}` : `#${digest(llmKey)}`;
      // Length-prefixed, so the boundary between model settings and prompt is unambiguous.
      tag = `${body.length}${body}`;
      if (this.llmTags.size >= LLM_TAGS_MAX) this.llmTags.clear();
      this.llmTags.set(llmKey, tag);
    }
    return `${this.prefix}${tag}${promptKey(prompt)}`;
  }

  /** In its own in-process store, entries are keyed by prompt alone and hold one variant per model settings. */
  private get nested(): boolean {
    return this.ownStore && !this.customEncoder;
  }

  lookup(prompt: string, llmKey: string): Promise<Generation[] | null> {
    if (this.nested) {
      // Hot path: one lru-cache lookup on the prompt (no string building, so a prompt whose hash V8
      // already computed costs no hashing), then a scan comparing settings strings (memcmp, no hashing).
      const pk = promptKey(prompt);
      const rec = (this.store as SyncCacheStore).get(pk);
      if (rec !== undefined) {
        const variants = rec.value as Variant[];
        for (let i = 0; i < variants.length; i += 1) {
          const v = variants[i];
          if (v.llm === llmKey && (v.expiresAt === undefined || v.expiresAt > Date.now())) {
            this.hits += 1;
            return Promise.resolve(v.value);
          }
        }
      }
      if (this.coalesceMs === 0) {
        this.misses += 1;
        return NULL;
      }
      return this.missed(waitKey(llmKey, pk));
    }
    const key = this.flatKey(prompt, llmKey);
    if (this.store.sync) {
      const rec = (this.store as SyncCacheStore).get(key);
      if (rec !== undefined) {
        this.hits += 1;
        return Promise.resolve(rec.value as Generation[]);
      }
      return this.missed(key);
    }
    return this.lookupRemote(key);
  }

  private async lookupRemote(key: string): Promise<Generation[] | null> {
    let rec: CacheRecord | undefined;
    try {
      rec = await this.store.get(key);
    } catch {
      this.errors += 1;
    }
    if (rec !== undefined) {
      this.hits += 1;
      return rec.value as Generation[];
    }
    return this.missed(key);
  }

  private missed(key: string): Promise<Generation[] | null> {
    this.misses += 1;
    if (this.coalesceMs === 0) return NULL;
    const waiter = this.waiting.get(key);
    if (waiter) {
      this.coalesced += 1;
      return waiter.promise;
    }
    // This caller will generate; later identical lookups wait for its update().
    let resolve!: (value: Generation[] | null) => void;
    const promise = new Promise<Generation[] | null>((r) => {
      resolve = r;
    });
    const timer = setTimeout(() => {
      if (this.waiting.get(key)?.promise === promise) this.waiting.delete(key);
      resolve(null);
    }, this.coalesceMs);
    timer.unref();
    this.waiting.set(key, { promise, resolve, timer });
    return Promise.resolve(null);
  }

  async update(prompt: string, llmKey: string, value: Generation[]): Promise<void> {
    let wait: string;
    if (this.nested) {
      const store = this.store as SyncCacheStore;
      const key = promptKey(prompt);
      const now = Date.now();
      const old = store.get(key)?.value as Variant[] | undefined;
      // One copy of each settings string, shared by every entry that uses it.
      let llm = this.llmTags.get(llmKey);
      if (llm === undefined) {
        if (this.llmTags.size >= LLM_TAGS_MAX) this.llmTags.clear();
        this.llmTags.set(llmKey, llmKey);
        llm = llmKey;
      }
      const variants: Variant[] = [];
      let longest = this.ttl;
      for (const v of old ?? []) {
        if (v.llm === llmKey || (v.expiresAt !== undefined && v.expiresAt <= now)) continue;
        variants.push(v);
        if (longest !== undefined && v.expiresAt !== undefined) longest = Math.max(longest, v.expiresAt - now);
      }
      variants.push(this.ttl === undefined ? { llm, value } : { llm, value, expiresAt: now + this.ttl });
      store.set(key, { value: variants }, longest);
      wait = waitKey(llmKey, key);
    } else {
      wait = this.flatKey(prompt, llmKey);
      const stored = this.store.remote ? value.map(plainGeneration) : value;
      try {
        await this.store.set(wait, { value: stored }, this.ttl);
      } catch {
        this.errors += 1;
      }
    }
    const waiter = this.waiting.get(wait);
    if (waiter) {
      this.waiting.delete(wait);
      clearTimeout(waiter.timer);
      waiter.resolve(value);
    }
  }

  stats(): ModelCacheStats {
    const s = this.store.stats();
    const lookups = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      coalesced: this.coalesced,
      hitRatio: lookups === 0 ? 0 : this.hits / lookups,
      entries: s.entries,
      bytes: s.bytes,
      evictions: s.evictions,
      expirations: s.expirations,
      oversize: s.oversize,
      errors: this.errors + s.errors,
    };
  }

  /** Drops every cached answer (this cache's namespace in a shared store). */
  async clear(): Promise<void> {
    await this.store.clear(this.prefix);
  }
}

/** Chat models return ChatGeneration(Chunk) instances; outside the process only their fields travel. */
function plainGeneration(g: Generation): Generation {
  const out: Generation & { message?: unknown } = { text: g.text };
  const message = (g as { message?: unknown }).message;
  if (message !== undefined) out.message = message;
  if (g.generationInfo !== undefined) out.generationInfo = g.generationInfo;
  return out;
}
