import { InMemoryCache } from "@langchain/core/caches";
import { AIMessage, HumanMessage, SystemMessage } from "@langchain/core/messages";
import { FakeChatModel, FakeListChatModel } from "@langchain/core/utils/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { jsonCodec, LruStore, ModelCache, type CacheRecord, type CacheStore, type StoreStats } from "@flg/cache";

/** Counts real generations: FakeListChatModel cycles its responses, so a call that reaches it moves on. */
function model(cache: ModelCache | InMemoryCache | undefined, responses = ["r0", "r1", "r2", "r3", "r4", "r5"], sleep?: number) {
  let calls = 0;
  const m = new FakeListChatModel({ responses, cache, sleep });
  const original = m._generate.bind(m);
  m._generate = async (...args: Parameters<typeof original>) => {
    calls += 1;
    return original(...args);
  };
  return { m, calls: () => calls };
}

/** A store that keeps values only as encoded text, the way Redis does. */
class EncodedStore implements CacheStore {
  readonly name = "encoded";
  readonly sync = false as const;
  readonly remote = true;
  readonly map = new Map<string, string>();
  async get(key: string): Promise<CacheRecord | undefined> {
    const text = this.map.get(key);
    return text === undefined ? undefined : (jsonCodec.decode(text) as CacheRecord);
  }
  async set(key: string, record: CacheRecord): Promise<void> {
    this.map.set(key, jsonCodec.encode(record));
  }
  async delete(key: string): Promise<void> {
    this.map.delete(key);
  }
  async clear(prefix = ""): Promise<void> {
    for (const k of [...this.map.keys()]) if (k.startsWith(prefix)) this.map.delete(k);
  }
  stats(): StoreStats {
    return { entries: this.map.size, bytes: 0, evictions: 0, expirations: 0, oversize: 0, errors: 0 };
  }
}

describe("ModelCache as `cache:` on a chat model", () => {
  it("a repeated prompt is answered from the cache without calling the model", async () => {
    const cache = new ModelCache();
    const { m, calls } = model(cache);
    expect((await m.invoke("hi")).content).toBe("r0");
    expect((await m.invoke("hi")).content).toBe("r0");
    expect((await m.invoke([new HumanMessage("hi")])).content).toBe("r0");
    expect((await m.invoke("other")).content).toBe("r1");
    expect(calls()).toBe(2);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2, entries: 2 });
  });

  it("different call options (stop) or model settings are separate entries", async () => {
    const cache = new ModelCache();
    const a = model(cache, ["a0", "a1"]);
    const b = new FakeChatModel({ cache }); // another model type → another llmKey; it echoes the prompt
    expect((await a.m.invoke("hi")).content).toBe("a0");
    expect((await a.m.invoke("hi", { stop: ["s"] })).content).toBe("s");
    expect((await b.invoke("hi")).content).toBe("hi");
    // Each of the three is now a hit of its own.
    expect((await a.m.invoke("hi")).content).toBe("a0");
    expect((await a.m.invoke("hi", { stop: ["s"] })).content).toBe("s");
    expect((await b.invoke("hi")).content).toBe("hi");
    expect(a.calls()).toBe(2);
    expect(cache.stats()).toMatchObject({ hits: 3, misses: 3 });
  });

  it("a cached answer is an AIMessage with the same content, tool calls intact", async () => {
    const cache = new ModelCache();
    const { m } = model(cache);
    const first = await m.invoke([new SystemMessage("be brief"), new HumanMessage("q")]);
    const again = await m.invoke([new SystemMessage("be brief"), new HumanMessage("q")]);
    expect(again).toBeInstanceOf(AIMessage);
    expect(again.content).toBe(first.content);
  });

  it("batches mix hits and misses", async () => {
    const cache = new ModelCache();
    const { m, calls } = model(cache);
    await m.invoke("a");
    const out = await m.batch(["a", "b", "a"]);
    expect(out.map((o) => o.content)).toEqual(["r0", "r1", "r0"]);
    expect(calls()).toBe(2);
  });

  it("is bounded: maxEntries evicts least recently used prompts", async () => {
    const cache = new ModelCache({ maxEntries: 2 });
    const { m, calls } = model(cache, ["x"]);
    for (const p of ["p1", "p2", "p3"]) await m.invoke(p);
    expect(cache.stats()).toMatchObject({ entries: 2, evictions: 1 });
    await m.invoke("p1");
    expect(calls()).toBe(4);
  });

  it("is bounded by bytes with 10 KB prompts; long prompts are digested", async () => {
    const cache = new ModelCache({ maxBytes: 64 * 1024 });
    const { m } = model(cache, ["y".repeat(2000)]);
    for (let i = 0; i < 60; i += 1) await m.invoke(`${i} ${"z".repeat(10_000)}`);
    const s = cache.stats();
    expect(s.bytes).toBeLessThanOrEqual(64 * 1024);
    expect(s.evictions).toBeGreaterThan(0);
  });

  it("ttl expires answers", async () => {
    const cache = new ModelCache({ ttl: 30 });
    const { m, calls } = model(cache);
    await m.invoke("hi");
    await new Promise((r) => setTimeout(r, 60));
    expect((await m.invoke("hi")).content).toBe("r1");
    expect(calls()).toBe(2);
  });

  it("without coalescing, 20 concurrent identical calls all reach the model (as with InMemoryCache)", async () => {
    for (const cache of [new ModelCache(), new InMemoryCache()]) {
      const { m, calls } = model(cache, ["same"], 20);
      await Promise.all(Array.from({ length: 20 }, () => m.invoke("hot")));
      expect(calls()).toBe(20);
    }
  });

  it("coalesceMs: 20 concurrent identical calls reach the model once", async () => {
    const cache = new ModelCache({ coalesceMs: 5_000 });
    const { m, calls } = model(cache, ["once", "twice"], 20);
    const out = await Promise.all(Array.from({ length: 20 }, () => m.invoke("hot")));
    expect(calls()).toBe(1);
    expect(new Set(out.map((o) => o.content))).toEqual(new Set(["once"]));
    expect(cache.stats().coalesced).toBe(19);
  });

  it("coalesceMs: when the first call fails, waiters call the model themselves after the wait", async () => {
    const cache = new ModelCache({ coalesceMs: 50 });
    const { m, calls } = model(cache, ["ok"], 10);
    const failing = m.invoke("hot", { thrownErrorString: "provider down" } as never);
    const waiters = Promise.all([m.invoke("hot"), m.invoke("hot")]);
    await expect(failing).rejects.toThrow("provider down");
    // thrownErrorString is part of the call options, so it is its own key: the waiters lead their own key.
    const out = await waiters;
    expect(out.map((o) => o.content)).toEqual(["ok", "ok"]);
    expect(calls()).toBeGreaterThanOrEqual(2);
  });

  it("custom key encoder (makeDefaultKeyEncoder) is honoured", async () => {
    const cache = new ModelCache();
    cache.makeDefaultKeyEncoder((prompt) => prompt.toLowerCase());
    const { m, calls } = model(cache);
    await m.invoke("HELLO");
    await m.invoke("hello");
    expect(calls()).toBe(1);
  });

  it("through an encoding store, answers come back as AIMessage instances", async () => {
    const store = new EncodedStore();
    const cache = new ModelCache({ store });
    const { m, calls } = model(cache);
    await m.invoke("hi");
    const hit = await m.invoke("hi");
    expect(calls()).toBe(1);
    expect(hit).toBeInstanceOf(AIMessage);
    expect(hit.content).toBe("r0");
    expect([...store.map.keys()][0].startsWith("llm:")).toBe(true);
    await cache.clear();
    expect(store.map.size).toBe(0);
  });

  it("answers the same as InMemoryCache for any sequence of prompts (differential)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom("a", "b", "c", "x".repeat(300), "é🎉"), { minLength: 1, maxLength: 20 }), async (prompts) => {
        const ours = model(new ModelCache());
        const theirs = model(new InMemoryCache());
        for (const p of prompts) {
          const [a, b] = [await ours.m.invoke(p), await theirs.m.invoke(p)];
          expect(a.content).toBe(b.content);
        }
        expect(ours.calls()).toBe(theirs.calls());
      }),
      { numRuns: 40 },
    );
  });

  it("a shared LruStore keeps model caches apart by namespace", async () => {
    const store = new LruStore({ maxEntries: 100 });
    const a = new ModelCache({ store, namespace: "a" });
    const b = new ModelCache({ store, namespace: "b" });
    await a.update("p", "k", [{ text: "from a" }]);
    expect(await b.lookup("p", "k")).toBeNull();
    expect(await a.lookup("p", "k")).toEqual([{ text: "from a" }]);
    await b.clear();
    expect(await a.lookup("p", "k")).toEqual([{ text: "from a" }]);
  });
});
