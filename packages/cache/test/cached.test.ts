import { HumanMessage } from "@langchain/core/messages";
import { describe, expect, it, vi } from "vitest";

import { cached, FlgCacheError, isFlgCacheError, LruStore, type CacheRecord, type CacheStore, type StoreStats } from "@flg/cache";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("cached() — sync functions", () => {
  it("stays sync, computes once per distinct arguments", () => {
    const fn = vi.fn((a: number, b: { x: number; y: number }) => a + b.x * b.y);
    const c = cached(fn);
    expect(c(1, { x: 2, y: 3 })).toBe(7);
    expect(c(1, { y: 3, x: 2 })).toBe(7); // key order does not matter
    expect(c(2, { x: 2, y: 3 })).toBe(8);
    expect(fn).toHaveBeenCalledTimes(2);
    const s = c.stats();
    expect(s).toMatchObject({ hits: 1, misses: 2, computations: 2, entries: 2 });
    expect(s.hitRatio).toBeCloseTo(1 / 3);
  });

  it("a throw is not cached", () => {
    let n = 0;
    const c = cached((x: number) => {
      n += 1;
      if (n === 1) throw new Error("first fails");
      return x * 2;
    });
    expect(() => c(2)).toThrow("first fails");
    expect(c(2)).toBe(4);
    expect(c(2)).toBe(4);
    expect(n).toBe(2);
  });

  it("passes `this` through", () => {
    const obj = {
      factor: 3,
      times: cached(function (this: { factor: number }, x: number) {
        return x * this.factor;
      }),
    };
    expect(obj.times(2)).toBe(6);
  });

  it("caches undefined and null results", () => {
    const fn = vi.fn((x: number) => (x > 0 ? null : undefined));
    const c = cached(fn);
    expect(c(1)).toBe(null);
    expect(c(1)).toBe(null);
    expect(c(-1)).toBe(undefined);
    expect(c(-1)).toBe(undefined);
    expect(fn).toHaveBeenCalledTimes(2);
  });
});

describe("cached() — async functions", () => {
  it("single-flight: concurrent identical calls share one execution", async () => {
    let runs = 0;
    const c = cached(async (prompt: string) => {
      runs += 1;
      await sleep(30);
      return `answer to ${prompt}`;
    });
    const results = await Promise.all(Array.from({ length: 50 }, () => c("same")));
    expect(new Set(results)).toEqual(new Set(["answer to same"]));
    expect(runs).toBe(1);
    expect(c.stats()).toMatchObject({ hits: 0, misses: 50, coalesced: 49, computations: 1 });
    expect(await c("same")).toBe("answer to same");
    expect(c.stats().hits).toBe(1);
  });

  it("a rejection is shared by the waiting callers but not cached", async () => {
    let runs = 0;
    const c = cached(async (x: number) => {
      runs += 1;
      await sleep(10);
      if (runs === 1) throw new Error("transient");
      return x;
    });
    const first = await Promise.allSettled([c(1), c(1), c(1)]);
    expect(first.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(runs).toBe(1);
    expect(await c(1)).toBe(1);
    expect(runs).toBe(2);
    expect(await c(1)).toBe(1);
    expect(runs).toBe(2);
  });

  it("hits return promises for async functions", async () => {
    const c = cached(async (x: number) => x + 1);
    await c(1);
    const hit = c(1);
    expect(hit).toBeInstanceOf(Promise);
    expect(await hit).toBe(2);
  });

  it("a plain function that returns a promise is treated as async from then on", async () => {
    const c = cached((x: number) => Promise.resolve(x * 10));
    const first = c(1);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toBe(10);
    const hit = c(1);
    expect(hit).toBeInstanceOf(Promise);
    expect(await hit).toBe(10);
  });

  it("an unkeyable argument rejects an async function with FLG_CACHE_KEY", async () => {
    const c = cached(async (_x: unknown) => 1);
    await expect(c(() => 1)).rejects.toMatchObject({ code: "FLG_CACHE_KEY" });
  });
});

describe("cached() — keys", () => {
  it("an argument that cannot be keyed throws a typed error naming it", () => {
    const c = cached((_x: unknown) => 1);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const [bad, where] of [
      [() => 1, "args[0]"],
      [Symbol("s"), "args[0]"],
      [cyclic, "args[0].self"],
      [{ tools: [{ run: () => 1 }] }, "args[0].tools[0].run"],
      [new Map([["k", () => 1]]), 'args[0].get("k")'],
      [new WeakMap(), "args[0]"],
    ] as const) {
      let caught: unknown;
      try {
        c(bad);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(FlgCacheError);
      expect(isFlgCacheError(caught, "FLG_CACHE_KEY")).toBe(true);
      expect((caught as FlgCacheError).where).toBe(where);
    }
    expect(c.stats().computations).toBe(0);
  });

  it("LangChain messages are keyed by content, not by id or metadata", () => {
    const fn = vi.fn((msgs: HumanMessage[]) => msgs.length);
    const c = cached(fn);
    c([new HumanMessage({ content: "hi", id: "a" })]);
    c([new HumanMessage({ content: "hi", id: "b", response_metadata: { t: 1 } })]);
    expect(fn).toHaveBeenCalledTimes(1);
    c([new HumanMessage({ content: "hello", id: "a" })]);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("class instances are keyed by constructor and content", () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    class Other {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    const fn = vi.fn((p: unknown) => p);
    const c = cached(fn);
    c(new Point(1, 2));
    c(new Point(1, 2));
    c(new Other(1, 2));
    c(new Point(2, 1));
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it("long arguments are hashed; the key size stays bounded", () => {
    const store = new LruStore({ maxEntries: 10, maxBytes: 10_000 });
    const c = cached((s: string) => s.length, { store, namespace: "len" });
    expect(c("x".repeat(100_000))).toBe(100_000);
    expect(c("x".repeat(100_000))).toBe(100_000);
    expect(c.stats().hits).toBe(1);
    expect(store.stats().bytes).toBeLessThan(500);
  });

  it("custom key function", () => {
    const fn = vi.fn((user: { id: string; name: string }) => user.name.toUpperCase());
    const c = cached(fn, { key: (user) => user.id });
    expect(c({ id: "1", name: "ann" })).toBe("ANN");
    expect(c({ id: "1", name: "changed" })).toBe("ANN");
    expect(fn).toHaveBeenCalledTimes(1);
    const bad = cached((_x: number) => 1, { key: () => 42 as unknown as string });
    expect(() => bad(1)).toThrow(/returned number/);
  });

  it("functions sharing a store need distinct namespaces; an anonymous one must name it", () => {
    const store = new LruStore();
    const double = cached(function double(x: number) {
      return x * 2;
    }, { store });
    const triple = cached(function triple(x: number) {
      return x * 3;
    }, { store });
    expect(double(2)).toBe(4);
    expect(triple(2)).toBe(6);
    expect(() => cached((x: number) => x, { store })).toThrow(/namespace/);
    expect(() => cached((x: number) => x, { store, namespace: "has space" })).toThrow(/namespace/);
  });
});

describe("cached() — bounds, TTL, stale-while-revalidate", () => {
  it("maxEntries evicts the least recently used", () => {
    const fn = vi.fn((x: number) => x);
    const c = cached(fn, { maxEntries: 3 });
    for (const x of [1, 2, 3]) c(x);
    c(1); // 1 is now most recent
    c(4); // evicts 2
    expect(c.stats()).toMatchObject({ entries: 3, evictions: 1 });
    fn.mockClear();
    c(1);
    c(3);
    c(4);
    expect(fn).not.toHaveBeenCalled();
    c(2);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("maxBytes bounds estimated memory; an entry bigger than the bound is not stored", () => {
    const c = cached((n: number) => "y".repeat(n), { maxBytes: 50_000 });
    for (let i = 0; i < 100; i += 1) c(1000 + i);
    const s = c.stats();
    expect(s.bytes).toBeLessThanOrEqual(50_000);
    expect(s.evictions).toBeGreaterThan(0);
    c(80_000);
    expect(c.stats().oversize).toBe(1);
    expect(c.stats().bytes).toBeLessThanOrEqual(50_000);
  });

  it("ttl expires entries", async () => {
    const fn = vi.fn((x: number) => x);
    const c = cached(fn, { ttl: 40 });
    c(1);
    c(1);
    expect(fn).toHaveBeenCalledTimes(1);
    await sleep(80);
    c(1);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("staleWhileRevalidate serves the stale value at once and refreshes once in the background", async () => {
    let version = 0;
    const c = cached(
      async (_k: string) => {
        version += 1;
        await sleep(10);
        return version;
      },
      { ttl: 150, staleWhileRevalidate: 5000 },
    );
    expect(await c("k")).toBe(1);
    await sleep(180);
    // Stale: every caller gets 1 immediately; one refresh runs.
    const stale = await Promise.all([c("k"), c("k"), c("k")]);
    expect(stale).toEqual([1, 1, 1]);
    for (let waited = 0; version < 2 && waited < 2000; waited += 10) await sleep(10);
    await sleep(20); // the refresh stores its value after computing it
    expect(version).toBe(2);
    expect(await c("k")).toBe(2);
    expect(c.stats()).toMatchObject({ staleHits: 3, computations: 2 });
  });

  it("a failed background refresh is reported and the stale value stays", async () => {
    const errors: FlgCacheError[] = [];
    let n = 0;
    const c = cached(
      (_k: string) => {
        n += 1;
        if (n > 1) throw new Error("backend down");
        return "v1";
      },
      { ttl: 20, staleWhileRevalidate: 1000, onError: (e) => errors.push(e) },
    );
    expect(c("k")).toBe("v1");
    await sleep(40);
    expect(c("k")).toBe("v1"); // sync function: stale value returned synchronously
    await sleep(10);
    expect(errors.map((e) => e.code)).toEqual(["FLG_CACHE_REFRESH"]);
    expect(c("k")).toBe("v1");
    expect(c.stats().errors).toBeGreaterThanOrEqual(1);
  });

  it("rejects bad options with FLG_CACHE_OPTIONS", () => {
    const f = (x: number) => x;
    for (const opts of [{ ttl: -1 }, { ttl: Number.NaN }, { staleWhileRevalidate: 10 }, { maxEntries: 0 }, { maxBytes: 1.5 }, { store: new LruStore(), maxEntries: 5, namespace: "n" }]) {
      expect(() => cached(f, opts)).toThrow(expect.objectContaining({ code: "FLG_CACHE_OPTIONS" }));
    }
  });

  it("clear() and delete() drop entries", async () => {
    const fn = vi.fn((x: number) => x);
    const c = cached(fn);
    c(1);
    c(2);
    await c.delete(1);
    c(1);
    c(2);
    expect(fn).toHaveBeenCalledTimes(3);
    await c.clear();
    expect(c.stats().entries).toBe(0);
    c(2);
    expect(fn).toHaveBeenCalledTimes(4);
  });

  it("clear() on a shared store drops only this function's namespace", async () => {
    const store = new LruStore();
    const a = cached((x: number) => x, { store, namespace: "a" });
    const b = cached((x: number) => -x, { store, namespace: "b" });
    a(1);
    b(1);
    await a.clear();
    expect(store.stats().entries).toBe(1);
  });
});

/** A remote-like store: async answers, optionally failing, to exercise the promise paths of cached(). */
class SlowStore implements CacheStore {
  readonly name = "slow";
  readonly sync = false as const;
  readonly remote = true;
  readonly map = new Map<string, CacheRecord>();
  gets = 0;
  failing = false;
  errors = 0;

  async get(key: string): Promise<CacheRecord | undefined> {
    this.gets += 1;
    await sleep(5);
    if (this.failing) throw new Error("store down");
    return this.map.get(key);
  }
  async set(key: string, record: CacheRecord): Promise<void> {
    await sleep(5);
    if (this.failing) throw new Error("store down");
    this.map.set(key, structuredClone(record));
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
  async clear(prefix?: string): Promise<void> {
    for (const k of [...this.map.keys()]) if (!prefix || k.startsWith(prefix)) this.map.delete(k);
  }
  stats(): StoreStats {
    return { entries: this.map.size, bytes: 0, evictions: 0, expirations: 0, oversize: 0, errors: this.errors };
  }
}

describe("cached() — async stores", () => {
  it("a sync function on an async store returns promises; concurrent callers cost one lookup", async () => {
    const store = new SlowStore();
    let runs = 0;
    const c = cached(
      (x: number) => {
        runs += 1;
        return x * 2;
      },
      { store, namespace: "double" },
    );
    const results = await Promise.all(Array.from({ length: 20 }, () => c(21)));
    expect(results.every((r) => r === 42)).toBe(true);
    expect(runs).toBe(1);
    expect(store.gets).toBe(1);
    expect(await c(21)).toBe(42);
    expect(c.stats().hits).toBe(1);
  });

  it("a failing store never fails the caller: it computes and counts errors", async () => {
    const store = new SlowStore();
    store.failing = true;
    const errors: string[] = [];
    const c = cached(async (x: number) => x + 1, { store, namespace: "inc", onError: (e) => errors.push(e.code) });
    expect(await c(1)).toBe(2);
    expect(await c(1)).toBe(2);
    expect(c.stats().errors).toBeGreaterThanOrEqual(2);
    expect(errors).toContain("FLG_CACHE_STORE");
  });
});
