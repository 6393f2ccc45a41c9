/**
 * Node-cache bench: LangGraph's node cache (`compile({ cache })`) get and set.
 *
 *   npx tsx src/cache-node.ts            (build @flg/cache first)
 *
 * LangGraph asks the cache once per step for the tasks that have a `cachePolicy`, with keys
 * `[["__pregel_ns_writes", node], xxh3(input)]`, and stores the task's writes (`[[channel, value], …]`)
 * after it ran. Timed: `await get([key])` for a hit and `await set([pair])` (LangGraph awaits both; the
 * "floor" row is the await alone).
 * "fresh" rows build the namespace array and copy the key string per call, as LangGraph does per task.
 * Contenders: lru-cache keyed by the xxh3 string (floor), LangGraph's `InMemoryCache` (JsonPlus-serializes
 * every value, never evicts), `NodeCache` (values by reference) and `NodeCache({ isolate: true })`
 * (serializes like InMemoryCache, bounded).
 */
import { pathToFileURL } from "node:url";

import { AIMessage } from "@langchain/core/messages";
import { InMemoryCache, type CacheFullKey } from "@langchain/langgraph-checkpoint";

import { loadFlgCache, loadLruCache } from "./cache-deps.js";
import { freshCopy, printRows, timeInterleaved, type CacheBenchRow, type TimedContender } from "./cache-harness.js";

const NODE = "agent";
const KEY = "9f2c6a1be4d07c35"; // an xxh3 hex digest, as LangGraph makes
const WRITES = [["messages", [new AIMessage({ content: "The weather in Paris is sunny, 21 °C.", id: "run-1" })]]];

export async function benchNodeCache(options: { quick?: boolean } = {}): Promise<CacheBenchRow[]> {
  const { NodeCache } = await loadFlgCache();
  const { LRUCache } = await loadLruCache();
  const rounds = options.quick ? 5 : 15;
  const rows: CacheBenchRow[] = [];

  const lg = new InMemoryCache();
  const ours = new NodeCache({ maxEntries: 10_000 });
  const isolated = new NodeCache({ maxEntries: 10_000, isolate: true });
  const lru = new LRUCache<string, object>({ max: 10_000 });
  const fullKey: CacheFullKey = [["__pregel_ns_writes", NODE], KEY];
  await lg.set([{ key: fullKey, value: WRITES }]);
  await ours.set([{ key: fullKey, value: WRITES }]);
  await isolated.set([{ key: fullKey, value: WRITES }]);
  lru.set(KEY, WRITES);

  for (const fresh of [false, true]) {
    const ops = 20_000;
    const keys: CacheFullKey[] = [];
    const refill = () => {
      keys.length = 0;
      for (let i = 0; i < ops; i += 1) keys.push(fresh ? [["__pregel_ns_writes", NODE], freshCopy(KEY)] : fullKey);
    };
    const contenders: TimedContender[] = [
      { name: "lru-cache raw (key = xxh3)", prepare: () => (refill(), (i) => lru.get(keys[i][1])) },
      { name: "floor: await a resolved promise", prepare: () => (refill(), (i) => Promise.resolve(keys[i])) },
      { name: "LangGraph InMemoryCache", prepare: () => (refill(), (i) => lg.get([keys[i]])) },
      { name: "@flg NodeCache", prepare: () => (refill(), (i) => ours.get([keys[i]])) },
      { name: "@flg NodeCache (isolate)", prepare: () => (refill(), (i) => isolated.get([keys[i]])) },
    ];
    for (const [contender, summary] of await timeInterleaved(contenders, { ops, rounds })) {
      rows.push({ group: "node cache", case: `get hit, ${fresh ? "fresh" : "same"} key objects`, contender, unit: "ns/op", summary });
    }
  }

  // set: LangGraph awaits nothing from set in its loop, but the work happens on the same thread.
  {
    const ops = 5_000;
    let n = 0;
    const contenders: TimedContender[] = [
      { name: "lru-cache raw (key = xxh3)", prepare: () => (i) => lru.set(`${KEY}${n++ % 1000}${i}`, WRITES) },
      { name: "LangGraph InMemoryCache", prepare: () => (i) => lg.set([{ key: [["__pregel_ns_writes", NODE], `${KEY}${i}`], value: WRITES }]) },
      { name: "@flg NodeCache", prepare: () => (i) => ours.set([{ key: [["__pregel_ns_writes", NODE], `${KEY}${i}`], value: WRITES }]) },
      { name: "@flg NodeCache (isolate)", prepare: () => (i) => isolated.set([{ key: [["__pregel_ns_writes", NODE], `${KEY}${i}`], value: WRITES }]) },
    ];
    for (const [contender, summary] of await timeInterleaved(contenders, { ops, rounds })) {
      rows.push({ group: "node cache", case: "set (one task's writes: one AIMessage)", contender, unit: "ns/op", summary });
    }
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printRows(await benchNodeCache({ quick: process.argv.includes("--quick") }));
}
