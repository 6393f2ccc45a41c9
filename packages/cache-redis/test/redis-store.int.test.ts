import { AIMessage } from "@langchain/core/messages";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { cached, FlgCacheError, ModelCache, NodeCache } from "@flg/cache";
import { RedisStore, type RedisStoreOptions } from "@flg/cache-redis";
import { Redis } from "ioredis";

import { dropPrefix, eventually, OwnRedis, REDIS_URL, redisServerBinaryAvailable, sharedRedisAvailable, sleep, uniquePrefix } from "./fixtures/redis.js";

const available = await sharedRedisAvailable();
const canStartRedis = await redisServerBinaryAvailable();

const stores: RedisStore[] = [];
async function open(options: RedisStoreOptions): Promise<RedisStore> {
  const store = new RedisStore({ url: REDIS_URL, timeoutMs: 2000, ...options });
  stores.push(store);
  await store.ready();
  return store;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe.skipIf(!available)("RedisStore on the shared Redis", () => {
  let raw: Redis;
  let prefix: string;
  beforeAll(() => {
    raw = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    raw.disconnect();
  });
  afterEach(async () => {
    await dropPrefix(prefix);
  });
  const fresh = () => {
    prefix = uniquePrefix("store");
    return prefix;
  };

  it("L1 then L2: a value set by one store is read from Redis by another, then from its L1", async () => {
    const p = fresh();
    const a = await open({ prefix: p });
    const b = await open({ prefix: p });
    await a.set("k", { value: { n: 1 } });
    expect(await b.get("k")).toEqual({ value: { n: 1 } });
    expect(b.get("k")).toEqual({ value: { n: 1 } }); // synchronous: from L1
    expect(b.stats()).toMatchObject({ l2Hits: 1, l1Hits: 1 });
    expect(await raw.keys(`${p}*`)).toEqual([`${p}{=k}`]);
  });

  it("delete, clear and set in one process drop other processes' L1 copies (pub/sub)", async () => {
    const p = fresh();
    const a = await open({ prefix: p });
    const b = await open({ prefix: p });
    await a.set("x:1", { value: 1 });
    await a.set("x:2", { value: 2 });
    await a.set("y:1", { value: 3 });
    for (const k of ["x:1", "x:2", "y:1"]) await b.get(k);
    expect(b.stats().entries).toBe(3);
    await a.delete("x:1");
    await eventually(() => b.stats().entries === 2, 2000, "invalidation of x:1");
    expect(await b.get("x:1")).toBeUndefined();
    await a.clear("x:");
    await eventually(() => b.stats().entries === 1, 2000, "invalidation of x:*");
    const seen = b.stats().invalidations;
    await a.set("y:1", { value: "new" });
    await eventually(() => b.stats().invalidations > seen, 2000, "invalidation of y:1");
    expect((await b.get("y:1"))?.value).toBe("new");
  });

  it("an L1 copy never outlives the Redis TTL", async () => {
    const p = fresh();
    const a = await open({ prefix: p });
    const b = await open({ prefix: p });
    await a.set("t", { value: 1 }, 150);
    expect((await b.get("t"))?.value).toBe(1);
    await sleep(250);
    expect(await b.get("t")).toBeUndefined();
    expect(await a.get("t")).toBeUndefined();
  });

  it("garbage under our prefix is a miss or a clear error, never a crash", async () => {
    const p = fresh();
    const store = await open({ prefix: p, l1: false });
    const events: FlgCacheError[] = [];
    store.on("error", (e: FlgCacheError) => events.push(e));
    await raw.set(`${p}{=text}`, "not ours");
    await raw.set(`${p}{=json}`, 'j{"no":"envelope"}');
    await raw.set(`${p}{=tag}`, 't{"v":{"__flg":"lc","v":{"c":"Function","d":{}}}}');
    await raw.set(`${p}{=times}`, 'j{"v":1,"x":"soon"}');
    await raw.hset(`${p}{=hash}`, "f", "v");
    await raw.set(`${p}{=other}:lock`, "someone");
    for (const k of ["text", "json", "tag", "times", "hash"]) expect(await store.get(k)).toBeUndefined();
    expect(store.stats().errors).toBe(5);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.every((e) => e instanceof FlgCacheError)).toBe(true);
    // A cached function over garbage recomputes and overwrites it.
    const g = cached(async () => "fresh", { store, namespace: "g", key: () => "k" });
    await raw.set(`${p}{=g:k}`, "garbage");
    expect(await g()).toBe("fresh");
    expect(await raw.get(`${p}{=g:k}`)).toMatch(/^j/);
    // clear() removes values of any type; lock keys are left to expire.
    await store.clear();
    expect((await raw.keys(`${p}*`)).sort()).toEqual([`${p}{=other}:lock`]);
  });

  it("values over maxValueBytes, or that the codec refuses, stay in L1 and remove older Redis copies", async () => {
    const p = fresh();
    const a = await open({ prefix: p, maxValueBytes: 1000 });
    const b = await open({ prefix: p });
    await a.set("big", { value: "small first" });
    await a.set("big", { value: "x".repeat(5000) });
    expect((await a.get("big"))?.value).toHaveLength(5000);
    expect(await b.get("big")).toBeUndefined();
    expect(a.stats().oversize).toBe(1);
    class Custom {
      x = 1;
    }
    const events: string[] = [];
    a.on("error", (e: FlgCacheError) => events.push(e.code));
    await a.set("cls", { value: "plain" });
    await a.set("cls", { value: new Custom() });
    expect((await a.get("cls"))?.value).toBeInstanceOf(Custom);
    expect(await b.get("cls")).toBeUndefined();
    expect(events).toContain("FLG_CACHE_CODEC");
  });

  it("keeps messages, BigInt, Map, Date through Redis", async () => {
    const p = fresh();
    const a = await open({ prefix: p, l1: false });
    const value = { m: new AIMessage({ content: "hi", tool_calls: [{ id: "1", name: "t", args: {} }] }), n: 10n ** 20n, map: new Map([[1, new Date(5)]]) };
    await a.set("v", { value });
    const back = (await a.get("v"))?.value as typeof value;
    expect(back.m).toBeInstanceOf(AIMessage);
    expect(back.m.tool_calls?.[0].name).toBe("t");
    expect(back.n).toBe(10n ** 20n);
    expect(back.map.get(1)).toEqual(new Date(5));
  });

  it("distributed single-flight: 50 concurrent calls through two stores compute once", async () => {
    const p = fresh();
    const [a, b] = [await open({ prefix: p }), await open({ prefix: p })];
    let runs = 0;
    const work = async (q: string) => {
      runs += 1;
      await sleep(150);
      return `answer ${q}`;
    };
    const fa = cached(work, { store: a, namespace: "work" });
    const fb = cached(work, { store: b, namespace: "work" });
    const out = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? fa("q") : fb("q"))));
    expect(new Set(out)).toEqual(new Set(["answer q"]));
    expect(runs).toBe(1);
    expect(a.stats().locksAcquired + b.stats().locksAcquired).toBe(1);
  });

  it("a holder that never releases (crashed) blocks others only until its lock expires", async () => {
    const p = fresh();
    const store = await open({ prefix: p, lockTtlMs: 400, pollMs: 50 });
    const f = cached(async () => "computed", { store, namespace: "f", key: () => "k" });
    await raw.set(`${p}{=f:k}:lock`, "crashed-holder", "PX", 400);
    const started = Date.now();
    expect(await f()).toBe("computed");
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(3000);
    expect(store.stats()).toMatchObject({ lockWaits: 1, locksAcquired: 1 });
  });

  it("a failing computation releases the lock at once; the next call computes", async () => {
    const p = fresh();
    const store = await open({ prefix: p, lockTtlMs: 30_000 });
    let n = 0;
    const f = cached(
      async () => {
        n += 1;
        if (n === 1) throw new Error("first fails");
        return n;
      },
      { store, namespace: "f", key: () => "k" },
    );
    await expect(f()).rejects.toThrow("first fails");
    const started = Date.now();
    expect(await f()).toBe(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("the lock is renewed while a long computation runs", async () => {
    const p = fresh();
    const [a, b] = [await open({ prefix: p, lockTtlMs: 200 }), await open({ prefix: p, lockTtlMs: 200, pollMs: 30 })];
    let runs = 0;
    const slow = async () => {
      runs += 1;
      await sleep(700);
      return "done";
    };
    const fa = cached(slow, { store: a, namespace: "slow", key: () => "k" });
    const fb = cached(slow, { store: b, namespace: "slow", key: () => "k" });
    const first = fa();
    await sleep(50);
    const second = fb();
    expect(await Promise.all([first, second])).toEqual(["done", "done"]);
    expect(runs).toBe(1);
  });

  it("stale-while-revalidate across stores: one refresh for everyone", async () => {
    const p = fresh();
    const [a, b] = [await open({ prefix: p }), await open({ prefix: p })];
    let version = 0;
    const work = async () => {
      version += 1;
      await sleep(30);
      return version;
    };
    const opts = { namespace: "swr", key: () => "k", ttl: 100, staleWhileRevalidate: 10_000 };
    const fa = cached(work, { ...opts, store: a });
    const fb = cached(work, { ...opts, store: b });
    expect(await fa()).toBe(1);
    expect(await fb()).toBe(1);
    await sleep(150);
    expect(await Promise.all([fa(), fb()])).toEqual([1, 1]);
    await eventually(() => version === 2, 3000, "the refresh");
    await sleep(50);
    expect(version).toBe(2);
  });

  it("ModelCache and NodeCache work over Redis", async () => {
    const p = fresh();
    const [a, b] = [await open({ prefix: p }), await open({ prefix: p })];
    const ma = new ModelCache({ store: a });
    const mb = new ModelCache({ store: b });
    await ma.update("prompt", "llm", [{ text: "t", message: new AIMessage("hello") } as never]);
    const got = (await mb.lookup("prompt", "llm")) as unknown as { message: AIMessage }[];
    expect(got[0].message).toBeInstanceOf(AIMessage);
    const na = new NodeCache({ store: a });
    const nb = new NodeCache({ store: b });
    await na.set([{ key: [["__pregel_ns_writes", "agent"], "abc"], value: [["messages", [new AIMessage("x")]]], ttl: 60 }]);
    const [hit] = await nb.get([[["__pregel_ns_writes", "agent"], "abc"]]);
    expect(((hit.value as [string, AIMessage[]][])[0][1][0] as AIMessage).content).toBe("x");
    await nb.clear([["__pregel_ns_writes", "agent"]]);
    await eventually(async () => (await na.get([[["__pregel_ns_writes", "agent"], "abc"]])).length === 0, 2000, "node cache clear");
  });
});

describe.skipIf(!canStartRedis)("RedisStore when Redis is down, slow or restarting (own redis-server)", () => {
  let server: OwnRedis;
  beforeAll(async () => {
    server = await OwnRedis.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("down: calls are served by computing within the timeout, failures are counted and emitted; it reconnects", async () => {
    const a = await open({ url: server.url, prefix: "down:", timeoutMs: 100 });
    const b = await open({ url: server.url, prefix: "down:", timeoutMs: 100 });
    const events: FlgCacheError[] = [];
    a.on("error", (e: FlgCacheError) => events.push(e));
    let runs = 0;
    const f = cached(
      async (x: number) => {
        runs += 1;
        return x * 2;
      },
      { store: a, namespace: "f" },
    );
    expect(await f(1)).toBe(2);
    await server.stop();
    await eventually(() => !a.stats().connected, 3000, "disconnect");
    const started = Date.now();
    for (let i = 2; i < 12; i += 1) expect(await f(i)).toBe(i * 2);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(a.stats().errors).toBeGreaterThan(0);
    expect(events.length).toBeGreaterThan(0);
    await server.start();
    expect(await a.ready(10_000)).toBe(true);
    expect(await b.ready(10_000)).toBe(true);
    await a.set("after", { value: "restart" });
    expect((await b.get("after"))?.value).toBe("restart");
    expect(runs).toBe(11);
  });

  it("slow (server frozen): every call returns within about the timeout", async () => {
    const store = await open({ url: server.url, prefix: "slow:", timeoutMs: 150 });
    const f = cached(async (x: number) => x + 1, { store, namespace: "f" });
    expect(await f(1)).toBe(2);
    server.pause();
    try {
      const started = Date.now();
      const out = await Promise.all([f(2), f(3), f(4)]);
      expect(out).toEqual([3, 4, 5]);
      // GET times out (150 ms), then the lock SET NX times out (150 ms) and the value is computed locally.
      expect(Date.now() - started).toBeLessThan(1500);
      expect(store.stats().timeouts).toBeGreaterThan(0);
    } finally {
      server.resume();
    }
    await sleep(100);
    expect(await f(9)).toBe(10);
  });

  it("restart mid-run: a stream of calls never fails; L1 is emptied after the reconnect", async () => {
    const a = await open({ url: server.url, prefix: "restart:", timeoutMs: 100 });
    const b = await open({ url: server.url, prefix: "restart:", timeoutMs: 100 });
    await a.set("held", { value: "before" });
    expect((await b.get("held"))?.value).toBe("before"); // now in b's L1
    const f = cached(async (x: number) => x, { store: a, namespace: "f" });
    let stop = false;
    let calls = 0;
    const failures: unknown[] = [];
    const loop = (async () => {
      while (!stop) {
        try {
          await f(calls % 20);
        } catch (err) {
          failures.push(err);
        }
        calls += 1;
        await sleep(2);
      }
    })();
    await sleep(150);
    await server.stop();
    await sleep(300);
    await server.start(); // empty: no persistence
    expect(await a.ready(10_000)).toBe(true);
    expect(await b.ready(10_000)).toBe(true);
    await sleep(150);
    stop = true;
    await loop;
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(50);
    // b's L1 copy of "held" was dropped when its invalidation channel reconnected.
    await eventually(async () => (await b.get("held")) === undefined, 3000, "L1 flush after reconnect");
  });
});
