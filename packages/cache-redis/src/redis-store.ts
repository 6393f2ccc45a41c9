import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";

import { FlgCacheError, jsonCodec, LruStore, type CacheRecord, type CacheStore, type Codec, type FlgCacheErrorCode, type LruStoreOptions, type StoreStats } from "@flg/cache";
import { Cluster, Redis, type RedisOptions } from "ioredis";

import { keyLayout, type KeyLayout } from "./keys.js";

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** An ioredis client (`Redis` or `Cluster`) to use; it is not closed by `close()`. Default: a client of our own for `url`. */
  client?: Redis | Cluster;
  /** Where to connect when no `client` is given. Default `redis://127.0.0.1:6379`. */
  url?: string;
  /** Extra ioredis options for the client we create. */
  redisOptions?: RedisOptions;
  /** Prefix of every Redis key and channel, e.g. "myapp:cache:"; no braces. Default "flg:". */
  prefix?: string;
  /**
   * The in-process layer (L1) in front of Redis: lru-cache bounds plus `ttl` (ms, the longest an entry is
   * served without asking Redis; default 60,000). `false`: every get goes to Redis. Default 10,000 entries.
   */
  l1?: false | (LruStoreOptions & { ttl?: number });
  /** Milliseconds to wait for a Redis reply before answering from L1/compute instead. Default 100. */
  timeoutMs?: number;
  /** Largest encoded value stored in Redis, in bytes; bigger ones stay in L1 only. Default 1 MiB. */
  maxValueBytes?: number;
  /** Turns values into text and back. Default `jsonCodec` from @flg/cache (lossless tagged JSON). */
  codec?: Codec;
  /** Expiry of a single-flight lock; renewed every third of it while its holder computes. Default 10,000 ms. */
  lockTtlMs?: number;
  /** Longest a process waits for another process's computation before computing itself. Default 60,000 ms. */
  lockWaitMs?: number;
  /** Waiters re-check Redis this often (completions are also announced over pub/sub). Default 100 ms. */
  pollMs?: number;
  /** Minimum milliseconds between two `error` events of the same code (all failures are counted). Default 1,000. */
  errorEventIntervalMs?: number;
}

/** Counters of a {@link RedisStore}; `entries`/`bytes`/`evictions`/`expirations` describe L1. */
export interface RedisStoreStats extends StoreStats {
  l1Hits: number;
  l2Hits: number;
  /** Lookups found in neither layer (including lookups skipped because Redis was unavailable). */
  misses: number;
  /** Values written to Redis. */
  writes: number;
  /** Invalidations received from other processes. */
  invalidations: number;
  /** Single-flight locks this process took. */
  locksAcquired: number;
  /** Times this process waited for another process's computation. */
  lockWaits: number;
  /** Computations run without coordination because Redis failed or a wait ran out. */
  fallbacks: number;
  /** Redis commands that timed out (also counted in `errors`). */
  timeouts: number;
  /** Whether the client is connected right now. */
  connected: boolean;
}

interface Envelope {
  v: unknown;
  /** freshUntil */
  f?: number;
  /** promised */
  p?: true;
  /** Absolute expiry (epoch ms), so an L1 copy never outlives the Redis entry. */
  x?: number;
  /** Write id: lets another process tell "my L1 copy is this very write" from "my copy is older". */
  w?: string;
}

interface BusEvent {
  /** Origin: the publishing store's id (a store ignores its own events). */
  o: string;
  /** "del": drop key k from L1; "clr": drop every L1 key starting with k; "done": single-flight for k finished. */
  t: "del" | "clr" | "done";
  k: string;
  /** With "del" after a set: the id of the write; an L1 copy of that very write is kept. */
  w?: string;
}

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;

/**
 * A cache tier shared by every process that uses the same Redis and prefix: an in-process L1 (lru-cache)
 * in front of Redis (L2).
 *
 * - get: L1, then Redis (the reply fills L1). set: L1 and Redis (`SET … PX`), values through a lossless
 *   codec, size-limited. delete/clear also drop the matching L1 entries of every other process (pub/sub);
 *   a set drops other processes' L1 copy of that key, so they read the new value from Redis.
 * - singleFlight: `SET lock NX PX`, renewed while computing; other processes wait for the announced result
 *   (or poll), and take over when a crashed holder's lock expires.
 * - Redis down, slow or restarting: every operation gives up after `timeoutMs` and the caller is served
 *   from L1 or by computing; nothing rejects. The client reconnects by itself; L1 is emptied when the
 *   invalidation channel reconnects (messages may have been missed). Failures are counted in `stats()`
 *   and emitted as `error` events (`FlgCacheError`, rate-limited per code).
 * - Keys are `prefix{=key}` and `prefix{=key}:lock` (one Cluster slot per key), so Redis 7 and Redis
 *   Cluster both work.
 */
export class RedisStore extends EventEmitter implements CacheStore {
  readonly name = "redis";
  readonly sync = false as const;
  readonly remote = true;
  readonly client: Redis | Cluster;
  private readonly sub: Redis | Cluster;
  private readonly ownsClient: boolean;
  private readonly keys: KeyLayout;
  private readonly l1: LruStore | undefined;
  private readonly l1TtlMs: number;
  private readonly timeoutMs: number;
  private readonly maxValueBytes: number;
  private readonly codec: Codec;
  private readonly lockTtlMs: number;
  private readonly lockWaitMs: number;
  private readonly pollMs: number;
  private readonly errorEventIntervalMs: number;
  private readonly id = randomBytes(8).toString("hex");
  /**
   * A Redis reply that raced an invalidation must not put a dropped value back into L1. `epoch` is bumped
   * by clears (any key); `seq` counts key invalidations, the last of each key kept in `lastDrop` with the
   * write id that caused it: a reply of that very write may still fill L1.
   */
  private epoch = 0;
  private seq = 0;
  private readonly lastDrop = new Map<string, { seq: number; w: string | undefined }>();
  /** Write id of each L1 record (records are the caller's objects: no extra field on them). */
  private readonly writeIds = new WeakMap<CacheRecord, string>();
  private writeCounter = 0;
  private subscribedOnce = false;
  private closed = false;
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly lastErrorEvent = new Map<string, number>();
  private readonly counters = { l1Hits: 0, l2Hits: 0, misses: 0, writes: 0, invalidations: 0, locksAcquired: 0, lockWaits: 0, fallbacks: 0, timeouts: 0, errors: 0, oversize: 0 };

  constructor(options: RedisStoreOptions = {}) {
    super();
    const prefix = options.prefix ?? "flg:";
    if (/[{}]/.test(prefix)) {
      throw new FlgCacheError("FLG_CACHE_OPTIONS", `prefix ${JSON.stringify(prefix)} may not contain braces: they would change the Redis Cluster hash tag`, { where: "RedisStore" });
    }
    this.keys = keyLayout(prefix);
    this.timeoutMs = positive("timeoutMs", options.timeoutMs ?? 100);
    this.maxValueBytes = positive("maxValueBytes", options.maxValueBytes ?? 1024 * 1024);
    this.lockTtlMs = positive("lockTtlMs", options.lockTtlMs ?? 10_000);
    this.lockWaitMs = positive("lockWaitMs", options.lockWaitMs ?? 60_000);
    this.pollMs = positive("pollMs", options.pollMs ?? 100);
    this.errorEventIntervalMs = options.errorEventIntervalMs ?? 1000;
    this.codec = options.codec ?? jsonCodec;
    if (options.l1 === false) {
      this.l1 = undefined;
      this.l1TtlMs = 0;
    } else {
      const { ttl = 60_000, ...bounds } = options.l1 ?? {};
      this.l1TtlMs = positive("l1.ttl", ttl);
      this.l1 = new LruStore(bounds.maxEntries === undefined && bounds.maxBytes === undefined ? { ...bounds, maxEntries: 10_000 } : bounds);
    }

    this.ownsClient = options.client === undefined;
    this.client =
      options.client ??
      new Redis(options.url ?? "redis://127.0.0.1:6379", {
        // Fail fast while disconnected instead of queueing: the caller is served from L1/compute.
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        enableAutoPipelining: true,
        retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
        ...options.redisOptions,
      });
    if (this.ownsClient) this.client.on("error", (err: unknown) => this.fail("connection", err));

    // Pub/sub needs its own connection. Its offline queue stays on so SUBSCRIBE waits for the connection.
    this.sub =
      this.client instanceof Cluster
        ? this.client.duplicate(undefined, { enableOfflineQueue: true })
        : this.client.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, enableAutoPipelining: false });
    this.sub.on("error", (err: unknown) => this.fail("subscriber connection", err));
    this.sub.on("message", (_channel: string, message: string) => this.onEvent(message));
    this.sub.on("ready", () => {
      // After a reconnect, invalidations sent meanwhile are lost: start L1 afresh.
      if (this.subscribedOnce) this.dropL1("");
    });
    this.sub.subscribe(this.keys.channel).then(
      () => {
        this.subscribedOnce = true;
      },
      (err: unknown) => this.fail("subscribe", err),
    );
  }

  /** Resolves true once the client and the invalidation channel are connected, false after `timeoutMs`. Never rejects. */
  async ready(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.available() && this.subscribedOnce && this.sub.status === "ready") return true;
      await sleep(10);
    }
    return false;
  }

  /** Closes the connections this store opened (not a `client` passed in). */
  async close(): Promise<void> {
    this.closed = true;
    for (const set of this.waiters.values()) for (const wake of set) wake();
    this.sub.disconnect();
    if (this.ownsClient) {
      try {
        await this.timed("QUIT", this.client.quit(), 1000);
      } catch {
        this.client.disconnect();
      }
    }
  }

  get(key: string): CacheRecord | undefined | Promise<CacheRecord | undefined> {
    const local = this.l1?.get(key);
    if (local !== undefined) {
      this.counters.l1Hits += 1;
      return local;
    }
    if (!this.available()) {
      this.counters.misses += 1;
      this.unavailable("get");
      return undefined;
    }
    return this.getRemote(key, false).then((rec) => {
      if (rec === undefined) this.counters.misses += 1;
      else this.counters.l2Hits += 1;
      return rec;
    });
  }

  /** Reads Redis; fills L1 unless an invalidation raced the read. `freshOnly`: a stale record counts as absent. */
  private async getRemote(key: string, freshOnly: boolean): Promise<CacheRecord | undefined> {
    const epoch = this.epoch;
    const seq = this.seq;
    let text: string | null;
    try {
      text = await this.timed("GET", this.client.get(this.keys.value(key)));
    } catch (err) {
      this.fail("get", err, key);
      return undefined;
    }
    if (text === null) return undefined;
    const env = this.decode(text, key);
    if (env === undefined) return undefined;
    const now = Date.now();
    if (env.x !== undefined && env.x <= now) return undefined;
    const rec: CacheRecord = { value: env.v };
    if (env.f !== undefined) rec.freshUntil = env.f;
    if (env.p) rec.promised = true;
    if (freshOnly && rec.freshUntil !== undefined && rec.freshUntil <= now) return undefined;
    if (this.l1 && epoch === this.epoch) {
      const drop = this.lastDrop.get(key);
      if (drop === undefined || drop.seq <= seq || (drop.w !== undefined && drop.w === env.w)) {
        this.l1.set(key, rec, this.l1Ttl(env.x, now));
        if (env.w !== undefined) this.writeIds.set(rec, env.w);
      }
    }
    return rec;
  }

  private decode(text: string, key: string): Envelope | undefined {
    let env: unknown;
    try {
      env = this.codec.decode(text);
    } catch (err) {
      this.fail("decode", err, key);
      return undefined;
    }
    if (env === null || typeof env !== "object" || !("v" in env)) {
      this.fail("decode", new FlgCacheError("FLG_CACHE_CODEC", "a value under our prefix is not a cache entry", { where: key }), key);
      return undefined;
    }
    const e = env as Envelope;
    if ((e.f !== undefined && typeof e.f !== "number") || (e.x !== undefined && typeof e.x !== "number") || (e.w !== undefined && typeof e.w !== "string")) {
      this.fail("decode", new FlgCacheError("FLG_CACHE_CODEC", "a cache entry under our prefix has malformed times", { where: key }), key);
      return undefined;
    }
    return e;
  }

  async set(key: string, record: CacheRecord, ttlMs?: number): Promise<void> {
    if (ttlMs !== undefined && ttlMs <= 0) {
      await this.delete(key);
      return;
    }
    const now = Date.now();
    const expiresAt = ttlMs === undefined ? undefined : now + ttlMs;
    this.writeCounter += 1;
    const w = `${this.id}.${this.writeCounter.toString(36)}`;
    // A read of this key still in flight must not put the older value back into L1.
    this.noteDrop(key, w);
    this.l1?.set(key, record, this.l1Ttl(expiresAt, now));
    this.writeIds.set(record, w);
    if (!this.available()) {
      this.unavailable("set");
      return;
    }
    const env: Envelope = { v: record.value };
    if (record.freshUntil !== undefined) env.f = record.freshUntil;
    if (record.promised) env.p = true;
    if (expiresAt !== undefined) env.x = expiresAt;
    env.w = w;
    const redisKey = this.keys.value(key);
    let text: string;
    try {
      text = this.codec.encode(env);
    } catch (err) {
      // Kept in L1 only; an older value in Redis must not outlive this one.
      this.fail("encode", err, key);
      await this.unlinkQuietly(redisKey);
      return;
    }
    if (text.length > this.maxValueBytes || Buffer.byteLength(text) > this.maxValueBytes) {
      this.counters.oversize += 1;
      await this.unlinkQuietly(redisKey);
      return;
    }
    try {
      await this.timed("SET", ttlMs === undefined ? this.client.set(redisKey, text) : this.client.set(redisKey, text, "PX", Math.max(1, Math.ceil(ttlMs))));
      this.counters.writes += 1;
      this.publish("del", key, w);
    } catch (err) {
      this.fail("set", err, key);
    }
  }

  async delete(key: string): Promise<void> {
    this.l1?.delete(key);
    this.noteDrop(key, undefined);
    if (!this.available()) {
      this.unavailable("delete");
      return;
    }
    try {
      await this.timed("UNLINK", this.client.unlink(this.keys.value(key)));
      this.publish("del", key);
    } catch (err) {
      this.fail("delete", err, key);
    }
  }

  async clear(prefix = ""): Promise<void> {
    this.dropL1(prefix);
    if (!this.available()) {
      this.unavailable("clear");
      return;
    }
    try {
      await this.scanUnlink(this.keys.pattern(prefix));
      this.publish("clr", prefix);
    } catch (err) {
      this.fail("clear", err, prefix);
    }
  }

  /** SCAN every master for our value keys and UNLINK them (lock keys are left to expire). */
  private async scanUnlink(pattern: string): Promise<void> {
    const cluster = this.client instanceof Cluster;
    const nodes: Redis[] = this.client instanceof Cluster ? this.client.nodes("master") : [this.client];
    // A clear may walk many keys: allow it far more time than a single command.
    const budget = Math.max(this.timeoutMs * 50, 5000);
    for (const node of nodes) {
      let cursor = "0";
      do {
        const [next, found] = await this.timed("SCAN", node.scan(cursor, "MATCH", pattern, "COUNT", 1000), budget);
        cursor = next;
        const doomed = found.filter((k) => this.keys.isValueKey(k));
        if (doomed.length === 0) continue;
        if (cluster) {
          // Keys of one node may still sit in different slots: one UNLINK each, pipelined.
          const pipe = node.pipeline();
          for (const k of doomed) pipe.unlink(k);
          await this.timed("UNLINK", pipe.exec(), budget);
        } else {
          await this.timed("UNLINK", node.unlink(...doomed), budget);
        }
      } while (cursor !== "0");
    }
  }

  async singleFlight(key: string, produce: () => Promise<CacheRecord | undefined>): Promise<CacheRecord | undefined> {
    if (!this.available()) {
      this.counters.fallbacks += 1;
      return produce();
    }
    const lockKey = this.keys.lock(key);
    const deadline = Date.now() + this.lockWaitMs;
    let waited = false;
    for (;;) {
      const token = randomBytes(12).toString("base64");
      let acquired: boolean;
      try {
        acquired = (await this.timed("SET NX", this.client.set(lockKey, token, "PX", this.lockTtlMs, "NX"))) === "OK";
      } catch (err) {
        this.fail("lock", err, key);
        this.counters.fallbacks += 1;
        return produce();
      }
      if (acquired) {
        this.counters.locksAcquired += 1;
        return this.runHolding(key, lockKey, token, produce);
      }
      if (!waited) {
        this.counters.lockWaits += 1;
        waited = true;
      }
      // Another process computes: wait for its announcement (or poll), read its result, or take over
      // when its lock is gone (it failed, or crashed and the lock expired).
      for (;;) {
        const remaining = deadline - Date.now();
        if (remaining <= 0 || this.closed) {
          this.counters.fallbacks += 1;
          return produce();
        }
        await this.signal(key, Math.min(this.pollMs, remaining));
        const rec = await this.getRemote(key, true);
        if (rec !== undefined) return rec;
        if (!this.available()) {
          this.counters.fallbacks += 1;
          return produce();
        }
        let holder: string | null;
        try {
          holder = await this.timed("GET", this.client.get(lockKey));
        } catch (err) {
          this.fail("lock", err, key);
          this.counters.fallbacks += 1;
          return produce();
        }
        if (holder === null) break;
      }
    }
  }

  private async runHolding(key: string, lockKey: string, token: string, produce: () => Promise<CacheRecord | undefined>): Promise<CacheRecord | undefined> {
    const renew = setInterval(
      () => {
        this.timed("PEXPIRE", this.client.eval(RENEW, 1, lockKey, token, String(this.lockTtlMs))).catch((err: unknown) => this.fail("lock renew", err, key));
      },
      Math.max(20, Math.floor(this.lockTtlMs / 3)),
    );
    renew.unref();
    try {
      // Another process may have stored a fresh value between our miss and taking the lock.
      const existing = await this.getRemote(key, true);
      if (existing !== undefined) return existing;
      return await produce();
    } finally {
      clearInterval(renew);
      // Not awaited: the caller has its value; waiters learn of it from the announcement.
      this.timed("EVAL", this.client.eval(RELEASE, 1, lockKey, token))
        .then(() => this.publish("done", key))
        .catch((err: unknown) => this.fail("unlock", err, key))
        .finally(() => this.wake(key));
    }
  }

  /** Resolves on the next completion announced for `key`, or after `ms`. */
  private signal(key: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(key);
      if (set === undefined) {
        set = new Set();
        this.waiters.set(key, set);
      }
      const waiting = set;
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        if (waiting.size === 0 && this.waiters.get(key) === waiting) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, ms);
      waiting.add(done);
    });
  }

  private wake(key: string): void {
    const set = this.waiters.get(key);
    if (set) for (const wake of [...set]) wake();
  }

  private publish(t: BusEvent["t"], k: string, w?: string): void {
    const event: BusEvent = w === undefined ? { o: this.id, t, k } : { o: this.id, t, k, w };
    this.timed("PUBLISH", this.client.publish(this.keys.channel, JSON.stringify(event))).catch((err: unknown) => this.fail("publish", err, k));
  }

  private onEvent(message: string): void {
    let event: BusEvent;
    try {
      event = JSON.parse(message) as BusEvent;
    } catch {
      return; // Not ours: someone else published on our channel.
    }
    if (event === null || typeof event !== "object" || typeof event.k !== "string" || event.o === this.id) return;
    if (event.t === "done") {
      this.wake(event.k);
      return;
    }
    this.counters.invalidations += 1;
    if (event.t === "del") {
      const w = typeof event.w === "string" ? event.w : undefined;
      this.noteDrop(event.k, w);
      const local = this.l1?.peek(event.k);
      // Keep a copy of the very write announced (read from Redis after it landed); drop anything older.
      if (local !== undefined && (w === undefined || this.writeIds.get(local) !== w)) this.l1?.delete(event.k);
    } else if (event.t === "clr") {
      this.dropL1(event.k);
    }
  }

  private noteDrop(key: string, w: string | undefined): void {
    this.seq += 1;
    if (this.lastDrop.size >= 10_000) {
      // Forgetting drops could let a raced read fill L1: make every read in flight skip L1 instead.
      this.lastDrop.clear();
      this.epoch += 1;
    }
    this.lastDrop.set(key, { seq: this.seq, w });
  }

  private dropL1(prefix: string): void {
    this.epoch += 1;
    this.l1?.clear(prefix);
  }

  private l1Ttl(expiresAt: number | undefined, now: number): number {
    return expiresAt === undefined ? this.l1TtlMs : Math.min(this.l1TtlMs, expiresAt - now);
  }

  private available(): boolean {
    return !this.closed && this.client.status === "ready";
  }

  private async unlinkQuietly(redisKey: string): Promise<void> {
    try {
      await this.timed("UNLINK", this.client.unlink(redisKey));
    } catch (err) {
      this.fail("delete", err, redisKey);
    }
  }

  private timed<T>(op: string, promise: Promise<T>, ms = this.timeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.counters.timeouts += 1;
        reject(new FlgCacheError("FLG_CACHE_TIMEOUT", `redis ${op} did not answer within ${ms} ms`, { where: "redis" }));
      }, ms);
      promise.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  private unavailable(op: string): void {
    this.report(new FlgCacheError("FLG_CACHE_STORE", `redis ${op} skipped: not connected (${this.closed ? "closed" : this.client.status})`, { where: "redis" }));
  }

  private fail(op: string, err: unknown, key?: string): void {
    if (err instanceof FlgCacheError) {
      this.report(err);
      return;
    }
    const message = err instanceof Error ? err.message : String(err);
    this.report(new FlgCacheError("FLG_CACHE_STORE", `redis ${op} failed${key === undefined ? "" : ` for ${JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)}`}: ${message}`, { where: "redis", cause: err }));
  }

  private report(error: FlgCacheError): void {
    this.counters.errors += 1;
    if (this.listenerCount("error") === 0) return;
    const code: FlgCacheErrorCode = error.code;
    const now = Date.now();
    if (now - (this.lastErrorEvent.get(code) ?? -Infinity) < this.errorEventIntervalMs) return;
    this.lastErrorEvent.set(code, now);
    this.emit("error", error);
  }

  stats(): RedisStoreStats {
    const l1 = this.l1?.stats();
    const c = this.counters;
    return {
      entries: l1?.entries ?? 0,
      bytes: l1?.bytes ?? 0,
      evictions: l1?.evictions ?? 0,
      expirations: l1?.expirations ?? 0,
      oversize: c.oversize + (l1?.oversize ?? 0),
      errors: c.errors,
      l1Hits: c.l1Hits,
      l2Hits: c.l2Hits,
      misses: c.misses,
      writes: c.writes,
      invalidations: c.invalidations,
      locksAcquired: c.locksAcquired,
      lockWaits: c.lockWaits,
      fallbacks: c.fallbacks,
      timeouts: c.timeouts,
      connected: this.available(),
    };
  }
}

function positive(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new FlgCacheError("FLG_CACHE_OPTIONS", `${name} must be a positive number, got ${String(value)}`, { where: "RedisStore" });
  }
  return value;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
