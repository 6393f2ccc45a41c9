import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { Annotation, MessagesAnnotation, StateGraph } from "@langchain/langgraph";
import { InMemoryCache, type BaseCache, type CacheFullKey } from "@langchain/langgraph-checkpoint";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { LruStore, NodeCache } from "@flg/cache";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// Namespace parts without commas: LangGraph's InMemoryCache joins parts with "," so ["a,b"] and
// ["a", "b"] collide there (ours keeps them apart, tested separately).
const part = fc.constantFrom("a", "b", "__pregel_ns_writes", "node|1", "x\\y");
const namespace = fc.array(part, { minLength: 1, maxLength: 2 });
const key = fc.oneof(fc.constantFrom("k1", "k2", "a,b", "p|q", "0123456789abcdef"), fc.string({ maxLength: 4 }));
const fullKey: fc.Arbitrary<CacheFullKey> = fc.tuple(namespace, key);
const noNegZero = (v: unknown): unknown => {
  if (typeof v === "number" && Object.is(v, -0)) return 0;
  if (Array.isArray(v)) return v.map(noNegZero);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, noNegZero(x)]));
  return v;
};
const value = fc.jsonValue({ maxDepth: 2 }).map(noNegZero);
const ttl = fc.constantFrom(undefined, 0, -1, 3600, 7200);

type Op =
  | { op: "set"; pairs: { key: CacheFullKey; value: unknown; ttl?: number }[] }
  | { op: "get"; keys: CacheFullKey[] }
  | { op: "clear"; namespaces: string[][] };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant("set" as const), pairs: fc.array(fc.record({ key: fullKey, value, ttl }, { requiredKeys: ["key", "value"] }), { maxLength: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("get" as const), keys: fc.array(fullKey, { maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("clear" as const), namespaces: fc.array(namespace, { maxLength: 2 }) }) },
);

async function apply(cache: BaseCache, o: Op): Promise<unknown> {
  if (o.op === "set") return cache.set(o.pairs);
  if (o.op === "get") return cache.get(o.keys);
  return cache.clear(o.namespaces);
}

describe("NodeCache vs LangGraph's InMemoryCache (differential)", () => {
  const configs: [string, () => NodeCache][] = [
    ["own store, by reference (nested layout)", () => new NodeCache()],
    ["own store, isolate: true", () => new NodeCache({ isolate: true })],
    ["shared LruStore (flat keys)", () => new NodeCache({ store: new LruStore({ maxEntries: 10_000 }) })],
  ];
  for (const [name, make] of configs) {
    it(`same answers for any sequence of get/set/clear: ${name}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
          const theirs = new InMemoryCache();
          const ours = make();
          for (const o of ops) {
            const [a, b] = [await apply(ours, o), await apply(theirs, o)];
            expect(a).toEqual(b);
          }
        }),
        { numRuns: 300 },
      );
    });
  }

  it("TTL in seconds: entries expire like InMemoryCache's", async () => {
    const theirs = new InMemoryCache();
    const ours = new NodeCache();
    const pairs = [
      { key: [["ns"], "short"] as CacheFullKey, value: 1, ttl: 0.05 },
      { key: [["ns"], "long"] as CacheFullKey, value: 2, ttl: 60 },
      { key: [["ns"], "none"] as CacheFullKey, value: 3 },
    ];
    await ours.set(pairs);
    await theirs.set(pairs);
    const keys = pairs.map((p) => p.key);
    expect(await ours.get(keys)).toEqual(await theirs.get(keys));
    await sleep(100);
    const after = await ours.get(keys);
    expect(after).toEqual(await theirs.get(keys));
    expect(after.map((r) => r.value)).toEqual([2, 3]);
  });

  it.each([
    ["nested", () => new NodeCache()],
    ["flat", () => new NodeCache({ store: new LruStore() })],
  ])("keeps namespaces apart that InMemoryCache merges (%s)", async (_name, make) => {
    const ours = make();
    await ours.set([{ key: [["a,b"], "k"], value: "joined" }]);
    await ours.set([{ key: [["a", "b"], "k"], value: "split" }]);
    await ours.set([{ key: [[], "k"], value: "root" }]);
    await ours.set([{ key: [[""], "k"], value: "empty part" }]);
    expect(await ours.get([[["a,b"], "k"]])).toEqual([{ key: [["a,b"], "k"], value: "joined" }]);
    expect(await ours.get([[["a", "b"], "k"]])).toEqual([{ key: [["a", "b"], "k"], value: "split" }]);
    expect((await ours.get([[[], "k"]]))[0].value).toBe("root");
    await ours.clear([["a"]]);
    expect(await ours.get([[["a", "b"], "k"]])).toHaveLength(1); // exact namespace only, as InMemoryCache
    await ours.clear([["a,b"], []]);
    expect(await ours.get([[["a,b"], "k"], [[], "k"], [[""], "k"], [["a", "b"], "k"]])).toEqual([
      { key: [[""], "k"], value: "empty part" },
      { key: [["a", "b"], "k"], value: "split" },
    ]);
  });

  it("variants of one task key in several namespaces keep their own TTLs", async () => {
    const ours = new NodeCache();
    await ours.set([
      { key: [["n1"], "same"], value: 1, ttl: 0.05 },
      { key: [["n2"], "same"], value: 2 },
      { key: [["n3"], "same"], value: 3, ttl: 60 },
    ]);
    expect((await ours.get([[["n1"], "same"], [["n2"], "same"], [["n3"], "same"]])).map((r) => r.value)).toEqual([1, 2, 3]);
    await sleep(100);
    expect((await ours.get([[["n1"], "same"], [["n2"], "same"], [["n3"], "same"]])).map((r) => r.value)).toEqual([2, 3]);
    expect(ours.stats().entries).toBe(1);
  });
});

describe("NodeCache bounds and isolation", () => {
  it("is bounded by entries and counts evictions", async () => {
    const cache = new NodeCache({ maxEntries: 10 });
    for (let i = 0; i < 25; i += 1) await cache.set([{ key: [["n"], `k${i}`], value: { i } }]);
    expect(cache.stats()).toMatchObject({ entries: 10, evictions: 15 });
    expect(await cache.get([[["n"], "k0"]])).toEqual([]);
    expect(await cache.get([[["n"], "k24"]])).toEqual([{ key: [["n"], "k24"], value: { i: 24 } }]);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, hitRatio: 0.5 });
  });

  it("is bounded by bytes", async () => {
    const cache = new NodeCache({ maxBytes: 100_000 });
    for (let i = 0; i < 100; i += 1) await cache.set([{ key: [["n"], `k${i}`], value: [["messages", "m".repeat(5000)]] }]);
    expect(cache.stats().bytes).toBeLessThanOrEqual(100_000);
    expect(cache.stats().evictions).toBeGreaterThan(0);
  });

  it("isolate: true returns copies that later mutation cannot reach", async () => {
    const shared = new NodeCache();
    const isolated = new NodeCache({ isolate: true });
    const value = [["messages", { content: "original" }]];
    await shared.set([{ key: [["n"], "k"], value }]);
    await isolated.set([{ key: [["n"], "k"], value }]);
    (value[0][1] as { content: string }).content = "mutated";
    expect(((await shared.get([[["n"], "k"]]))[0].value as typeof value)[0][1]).toEqual({ content: "mutated" });
    expect(((await isolated.get([[["n"], "k"]]))[0].value as typeof value)[0][1]).toEqual({ content: "original" });
  });
});

describe("NodeCache in a compiled graph (compile({ cache }) + cachePolicy)", () => {
  const State = Annotation.Root({ input: Annotation<string>, output: Annotation<string> });

  function counterGraph(cache: BaseCache, ttl?: number) {
    let runs = 0;
    const graph = new StateGraph(State)
      .addNode(
        "expensive",
        async (s: typeof State.State) => {
          runs += 1;
          return { output: `computed(${s.input})` };
        },
        { cachePolicy: ttl === undefined ? {} : { ttl } },
      )
      .addEdge("__start__", "expensive")
      .compile({ cache });
    return { graph, runs: () => runs };
  }

  it("a node is skipped on a hit and its writes are replayed", async () => {
    const cache = new NodeCache();
    const { graph, runs } = counterGraph(cache);
    expect(await graph.invoke({ input: "a" })).toEqual({ input: "a", output: "computed(a)" });
    expect(runs()).toBe(1);
    const updates: unknown[] = [];
    for await (const chunk of await graph.stream({ input: "a" }, { streamMode: "updates" })) updates.push(chunk);
    expect(runs()).toBe(1);
    expect(updates).toEqual([{ expensive: { output: "computed(a)" }, __metadata__: { cached: true } }]);
    expect(await graph.invoke({ input: "b" })).toEqual({ input: "b", output: "computed(b)" });
    expect(runs()).toBe(2);
    expect(cache.stats().hits).toBe(1);
  });

  it("clearCache() and TTL make the node run again", async () => {
    const cache = new NodeCache();
    const { graph, runs } = counterGraph(cache, 0.05);
    await graph.invoke({ input: "a" });
    await graph.invoke({ input: "a" });
    expect(runs()).toBe(1);
    await sleep(100);
    await graph.invoke({ input: "a" });
    expect(runs()).toBe(2);
    await graph.clearCache();
    await graph.invoke({ input: "a" });
    expect(runs()).toBe(3);
  });

  it("a messages graph gives the same results with NodeCache as with InMemoryCache", async () => {
    async function run(cache: BaseCache) {
      let runs = 0;
      const graph = new StateGraph(MessagesAnnotation)
        .addNode(
          "agent",
          async (s: typeof MessagesAnnotation.State) => {
            runs += 1;
            return { messages: [new AIMessage(`echo: ${String(s.messages.at(-1)?.content)}`)] };
          },
          { cachePolicy: { keyFunc: (args: unknown[]) => JSON.stringify((args[0] as typeof MessagesAnnotation.State).messages.map((m: BaseMessage) => m.content)) } },
        )
        .addEdge("__start__", "agent")
        .compile({ cache });
      const outs = [];
      for (const q of ["hi", "hi", "other", "hi"]) {
        const out = await graph.invoke({ messages: [new HumanMessage(q)] });
        outs.push(out.messages.map((m: BaseMessage) => [m.getType(), m.content]));
      }
      return { outs, runs };
    }
    const ours = await run(new NodeCache());
    const theirs = await run(new InMemoryCache());
    expect(ours).toEqual(theirs);
    expect(ours.runs).toBe(2);
  });
});
