import { describe, expect, it } from "vitest";

import { estimateBytes, LruStore, runStoreConformance } from "@flg/cache";

runStoreConformance("LruStore", { create: () => new LruStore({ maxEntries: 1000 }) });
runStoreConformance("LruStore bounded by bytes", { create: () => new LruStore({ maxBytes: 10_000_000 }) });

describe("LruStore", () => {
  it("defaults to 10,000 entries when no bound is given", () => {
    const store = new LruStore();
    for (let i = 0; i < 10_050; i += 1) store.set(`k${i}`, { value: i });
    expect(store.stats()).toMatchObject({ entries: 10_000, evictions: 50 });
  });

  it("counts expirations separately from evictions", async () => {
    const store = new LruStore({ maxEntries: 10 });
    store.set("a", { value: 1 }, 10);
    await new Promise((r) => setTimeout(r, 30));
    expect(store.get("a")).toBeUndefined();
    expect(store.stats()).toMatchObject({ expirations: 1, evictions: 0 });
  });

  it("refuses an entry bigger than maxEntryBytes and drops the old value of its key", () => {
    const store = new LruStore({ maxBytes: 100_000, maxEntryBytes: 1_000 });
    store.set("k", { value: "small" });
    store.set("k", { value: "x".repeat(5_000) });
    expect(store.get("k")).toBeUndefined();
    expect(store.stats().oversize).toBe(1);
  });

  it("uses a custom sizeOf", () => {
    const store = new LruStore({ maxBytes: 1_000, sizeOf: () => 300 });
    for (let i = 0; i < 10; i += 1) store.set(`k${i}`, { value: i });
    expect(store.stats().entries).toBeLessThanOrEqual(3);
  });

  it("rejects nonsense bounds", () => {
    expect(() => new LruStore({ maxEntries: -1 })).toThrow(expect.objectContaining({ code: "FLG_CACHE_OPTIONS" }));
    expect(() => new LruStore({ maxEntryBytes: 10 })).toThrow(expect.objectContaining({ code: "FLG_CACHE_OPTIONS" }));
  });
});

describe("estimateBytes", () => {
  it("grows with content and character width", () => {
    expect(estimateBytes("x".repeat(1000))).toBeGreaterThanOrEqual(1000);
    expect(estimateBytes("é".repeat(10))).toBeLessThan(estimateBytes("漢".repeat(10)));
    expect(estimateBytes({ a: [1, 2, 3], b: "text" })).toBeGreaterThan(estimateBytes({}));
    expect(estimateBytes(new Map([["k", "v".repeat(100)]]))).toBeGreaterThan(100);
    expect(estimateBytes(new Uint8Array(4096))).toBeGreaterThanOrEqual(4096);
  });

  it("counts a long string referenced twice once, and survives cycles", () => {
    const long = "y".repeat(10_000);
    expect(estimateBytes({ content: long, lc_kwargs: { content: long } })).toBeLessThan(11_000);
    const cyclic: Record<string, unknown> = { a: "x" };
    cyclic.self = cyclic;
    expect(estimateBytes(cyclic)).toBeGreaterThan(0);
  });
});
