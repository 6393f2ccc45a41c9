import type { CacheRecord, CacheStore } from "./store.js";

/** How the conformance suite gets a store to test. */
export interface StoreConformanceInit {
  /** A fresh, empty store; called once per test. */
  create(): CacheStore | Promise<CacheStore>;
  /** Releases a store made by `create` (close connections). */
  destroy?(store: CacheStore): void | Promise<void>;
}

// The suite runs under vitest with `globals: true` (the same arrangement as
// @langchain/langgraph-checkpoint-validation), so this module imports nothing from vitest and costs
// nothing to applications that never call it.
interface Expectation {
  toBe(v: unknown): void;
  toEqual(v: unknown): void;
  toStrictEqual(v: unknown): void;
  toBeUndefined(): void;
  toBeDefined(): void;
  toBeInstanceOf(c: unknown): void;
  toBeGreaterThanOrEqual(n: number): void;
  toBeLessThanOrEqual(n: number): void;
  rejects: { toThrow(v?: unknown): Promise<void> };
  not: Expectation;
}
declare const describe: (name: string, fn: () => void) => void;
declare const it: (name: string, fn: () => Promise<void>, timeout?: number) => void;
declare const expect: (v: unknown) => Expectation;
declare const afterEach: (fn: () => Promise<void>) => void;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The contract every cache tier keeps, as a vitest suite: `runStoreConformance("redis", { create, destroy })`.
 * Needs vitest with `globals: true`. Covers get/set/delete, overwrite, TTL (absent, positive, ≤ 0),
 * `clear()` and `clear(prefix)` with awkward keys (glob characters, braces, unicode), values of every
 * kind a remote codec must keep, counters, and single-flight when the tier offers it.
 */
export function runStoreConformance(name: string, init: StoreConformanceInit): void {
  describe(`${name} store conformance`, () => {
    const open: CacheStore[] = [];
    const make = async (): Promise<CacheStore> => {
      const store = await init.create();
      open.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of open.splice(0)) await init.destroy?.(store);
    });
    const get = async (store: CacheStore, key: string): Promise<CacheRecord | undefined> => await store.get(key);

    it("a missing key is undefined; a stored record comes back", async () => {
      const store = await make();
      expect(await get(store, "missing")).toBeUndefined();
      await store.set("k", { value: { answer: 42, list: [1, "two", null] } });
      expect((await get(store, "k"))?.value).toEqual({ answer: 42, list: [1, "two", null] });
    });

    it("sync stores answer without promises", async () => {
      const store = await make();
      if (!store.sync) return;
      const set = store.set("k", { value: 1 });
      expect(set instanceof Promise).toBe(false);
      const got = store.get("k");
      expect(got instanceof Promise).toBe(false);
      expect((got as CacheRecord).value).toBe(1);
    });

    it("keeps freshUntil and promised", async () => {
      const store = await make();
      const freshUntil = Date.now() + 60_000;
      await store.set("k", { value: "v", freshUntil, promised: true });
      const rec = await get(store, "k");
      expect(rec?.freshUntil).toBe(freshUntil);
      expect(rec?.promised).toBe(true);
    });

    it("overwrites and deletes", async () => {
      const store = await make();
      await store.set("k", { value: 1 });
      await store.set("k", { value: 2 });
      expect((await get(store, "k"))?.value).toBe(2);
      await store.delete("k");
      expect(await get(store, "k")).toBeUndefined();
      await store.delete("never-set");
    });

    it("keeps values of every supported kind", async () => {
      const store = await make();
      const values: unknown[] = [
        "",
        "plain",
        "unicode ✓ 漢字 🎉",
        "lone \ud800 surrogate",
        "x".repeat(20_000),
        0,
        -0,
        1.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.MAX_SAFE_INTEGER,
        true,
        false,
        null,
        undefined,
        123456789012345678901234567890n,
        [1, undefined, [2, [3]]],
        { nested: { deep: { deeper: [{ a: 1 }] } }, undef: undefined },
        new Date("2024-05-06T07:08:09.010Z"),
        new Map<unknown, unknown>([["a", 1], [2, { b: new Set([1, 2]) }]]),
        new Set(["x", "y"]),
        new Uint8Array([0, 1, 2, 255]),
        { __flg: "u", v: 1 },
      ];
      for (let i = 0; i < values.length; i += 1) await store.set(`v${i}`, { value: values[i] });
      for (let i = 0; i < values.length; i += 1) {
        const rec = await get(store, `v${i}`);
        expect(rec).toBeDefined();
        expect(rec?.value).toStrictEqual(values[i]);
      }
    });

    it("keys with glob characters, braces, separators and unicode are distinct", async () => {
      const store = await make();
      const keys = ["a*", "a?", "a[b]", "a\\", "{tag}", "}{", "a:b", "a|b", "é", "🎉", " ", "k".repeat(300)];
      for (const [i, k] of keys.entries()) await store.set(k, { value: i });
      for (const [i, k] of keys.entries()) expect((await get(store, k))?.value).toBe(i);
      expect(await get(store, "a")).toBeUndefined();
      expect(await get(store, "ab")).toBeUndefined();
    });

    it("clear(prefix) drops exactly the keys with that prefix", async () => {
      const store = await make();
      const keys = ["ns:1", "ns:2", "ns:{x}", "ns:*", "nsx:1", "ns", "n*:1", "other", "a[", "a[b"];
      for (const k of keys) await store.set(k, { value: k });
      await store.clear("ns:");
      for (const k of keys) {
        const rec = await get(store, k);
        if (k.startsWith("ns:")) expect(rec).toBeUndefined();
        else expect(rec?.value).toBe(k);
      }
      await store.clear("n*");
      expect((await get(store, "nsx:1"))?.value).toBe("nsx:1");
      expect(await get(store, "n*:1")).toBeUndefined();
      await store.clear("a[");
      expect(await get(store, "a[")).toBeUndefined();
      expect(await get(store, "a[b")).toBeUndefined();
      expect((await get(store, "other"))?.value).toBe("other");
    });

    it("clear() drops everything, many keys included", async () => {
      const store = await make();
      for (let i = 0; i < 300; i += 1) await store.set(`k${i}`, { value: i });
      await store.clear();
      for (let i = 0; i < 300; i += 7) expect(await get(store, `k${i}`)).toBeUndefined();
      await store.set("after", { value: 1 });
      expect((await get(store, "after"))?.value).toBe(1);
    });

    it("TTL: absent keeps, positive expires, zero or less removes at once", async () => {
      const store = await make();
      await store.set("forever", { value: 1 });
      await store.set("short", { value: 2 }, 60);
      await store.set("gone", { value: 3 });
      await store.set("gone", { value: 3 }, 0);
      await store.set("negative", { value: 4 }, -5);
      expect(await get(store, "gone")).toBeUndefined();
      expect(await get(store, "negative")).toBeUndefined();
      expect((await get(store, "short"))?.value).toBe(2);
      await sleep(150);
      expect(await get(store, "short")).toBeUndefined();
      expect((await get(store, "forever"))?.value).toBe(1);
    });

    it("concurrent sets and gets of one key end with one of the written values", async () => {
      const store = await make();
      const ops: Promise<unknown>[] = [];
      for (let i = 0; i < 50; i += 1) {
        ops.push(Promise.resolve(store.set("hot", { value: i })));
        ops.push(Promise.resolve(store.get("hot")));
      }
      await Promise.all(ops);
      const v = (await get(store, "hot"))?.value as number;
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(49);
    });

    it("stats() reports non-negative counters", async () => {
      const store = await make();
      await store.set("k", { value: 1 });
      const s = store.stats();
      for (const key of ["entries", "bytes", "evictions", "expirations", "oversize", "errors"] as const) {
        expect(typeof s[key]).toBe("number");
        expect(s[key]).toBeGreaterThanOrEqual(0);
      }
    });

    it("singleFlight (when offered) runs produce once for concurrent callers and does not keep failures", async () => {
      const store = await make();
      if (!store.singleFlight) return;
      let runs = 0;
      const produce = async (): Promise<CacheRecord> => {
        runs += 1;
        await sleep(50);
        const rec = { value: "made" };
        await store.set("sf", rec);
        return rec;
      };
      const results = await Promise.all(Array.from({ length: 10 }, () => store.singleFlight!("sf", produce)));
      expect(runs).toBe(1);
      for (const r of results) expect(r?.value).toBe("made");
      const failing = async (): Promise<CacheRecord> => {
        runs += 1;
        throw new Error("boom");
      };
      await expect(store.singleFlight("sf-fail", failing)).rejects.toThrow("boom");
      await expect(store.singleFlight("sf-fail", failing)).rejects.toThrow("boom");
      expect(runs).toBe(3);
    });
  });
}
