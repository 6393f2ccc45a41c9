/**
 * Model-cache bench: what a cache hit costs a chat model, and what the cache holds in memory.
 *
 *   npx tsx src/cache-model.ts            (build @flg/cache first)
 *
 * Contenders: lru-cache keyed by the prompt (the floor: no model-settings key at all), LangChain's
 * `InMemoryCache` (what `cache: true` uses: pure-JS SHA-256 of prompt + settings per lookup), and
 * `ModelCache` from @flg/cache. A chat model calls `cache.lookup(prompt, llmKey)` with a prompt it has
 * just built from the messages and a settings string it has just serialized, so "fresh strings" rows
 * pass a distinct copy each call (V8 must hash it); "same strings" rows pass the same objects (V8's
 * per-string hash is cached, so only the cache's own work is left). Time includes the await (each lookup is awaited, as the chat model does; the "floor" row is the await alone). `llmKey` is a ChatOpenAI-like settings string (165 characters).
 *
 * Also: `cached()` hits around an LLM-call-shaped function, and the heap held by 20,000 cached answers
 * of 5 KB (InMemoryCache never evicts; ModelCache with `maxBytes: 32 MB`).
 */
import { randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";

import { InMemoryCache } from "@langchain/core/caches";
import { AIMessage } from "@langchain/core/messages";
import type { Generation } from "@langchain/core/outputs";

import { loadFlgCache, loadLruCache } from "./cache-deps.js";
import { freshCopy, heapMb, printRows, timeInterleaved, type CacheBenchRow, type TimedContender } from "./cache-harness.js";
import { summarize } from "./stats.js";

export const LLM_KEY =
  '_model:"base_chat_model",_type:"openai",frequency_penalty:0,max_tokens:-1,model:"gpt-4o-mini",n:1,presence_penalty:0,stream:false,temperature:0,top_p:1,user:"bench"';

function prompt(chars: number, seed = 0): string {
  const head = `Human: question ${seed}: `;
  let body = "";
  while (head.length + body.length < chars) body += "what is the weather like in the city today? ";
  return (head + body).slice(0, chars);
}

function answer(chars = 200): Generation[] {
  const text = "a".repeat(chars);
  return [{ text, message: new AIMessage(text) } as Generation];
}

export async function benchModelCache(options: { quick?: boolean } = {}): Promise<CacheBenchRow[]> {
  const { ModelCache, cached } = await loadFlgCache();
  const { LRUCache } = await loadLruCache();
  const rows: CacheBenchRow[] = [];
  const rounds = options.quick ? 5 : 15;

  for (const chars of [100, 10_000]) {
    const p = prompt(chars);
    const gens = answer();
    const lc = new InMemoryCache();
    await lc.update(p, LLM_KEY, gens);
    const ours = new ModelCache({ maxEntries: 10_000 });
    await ours.update(p, LLM_KEY, gens);
    const lru = new LRUCache<string, Generation[]>({ max: 10_000 });
    lru.set(p, gens);

    for (const fresh of [false, true]) {
      // LangChain's SHA-256 in JS takes ~100 µs per 10 KB lookup: fewer ops keep rounds short.
      const ops = chars > 1000 ? (fresh ? 100 : 200) : fresh ? 20_000 : 100_000;
      const prompts = fresh ? Array.from({ length: ops }, () => freshCopy(p)) : [];
      const keys = fresh ? Array.from({ length: ops }, () => freshCopy(LLM_KEY)) : [];
      const pick = fresh ? (i: number) => prompts[i] : () => p;
      const pickKey = fresh ? (i: number) => keys[i] : () => LLM_KEY;
      const refill = () => {
        if (!fresh) return;
        for (let i = 0; i < ops; i += 1) {
          prompts[i] = freshCopy(p);
          keys[i] = freshCopy(LLM_KEY);
        }
      };
      const contenders: TimedContender[] = [
        { name: "floor: await a resolved promise", prepare: () => (refill(), (i) => Promise.resolve(pick(i))) },
        {
          name: "lru-cache raw (key = prompt)",
          prepare: () => {
            refill();
            return (i) => lru.get(pick(i));
          },
        },
        {
          name: "LangChain InMemoryCache",
          prepare: () => {
            refill();
            return (i) => lc.lookup(pick(i), pickKey(i));
          },
        },
        {
          name: "@flg ModelCache",
          prepare: () => {
            refill();
            return (i) => ours.lookup(pick(i), pickKey(i));
          },
        },
      ];
      const results = await timeInterleaved(contenders, { ops, rounds });
      for (const [contender, summary] of results) {
        rows.push({ group: "model cache", case: `lookup hit, ${chars === 100 ? "100-char" : "10 KB"} prompt, ${fresh ? "fresh" : "same"} strings`, contender, unit: "ns/op", summary });
      }
    }
  }

  // cached() around an LLM-call-shaped async function: (prompt, options) → answer.
  {
    const llm = async (q: string, o: { temperature: number; model: string }) => `${o.model}:${q.length}`;
    const fn = cached(llm, { maxEntries: 10_000 });
    const q = prompt(100);
    const opts = { temperature: 0, model: "gpt-4o-mini" };
    await fn(q, opts);
    const lru = new LRUCache<string, string>({ max: 10_000 });
    const memoKey = JSON.stringify([q, opts]);
    lru.set(memoKey, "x");
    const results = await timeInterleaved(
      [
        { name: "lru-cache raw + JSON.stringify key", prepare: () => () => lru.get(JSON.stringify([q, opts])) },
        { name: "@flg cached()", prepare: () => () => fn(q, opts) },
      ],
      { ops: 50_000, rounds },
    );
    for (const [contender, summary] of results) {
      rows.push({ group: "cached()", case: "hit, (100-char prompt, {temperature, model})", contender, unit: "ns/op", summary });
    }
  }

  rows.push(...(await benchMemory(options)));
  return rows;
}

/** Heap held by 20,000 answers of 5 KB each (100 MB of text) in each cache. */
export async function benchMemory(options: { quick?: boolean }): Promise<CacheBenchRow[]> {
  const { ModelCache } = await loadFlgCache();
  const entries = options.quick ? 5_000 : 20_000;
  const maxBytes = 32 * 1024 * 1024;
  const rows: CacheBenchRow[] = [];
  for (const [name, make] of [
    ["LangChain InMemoryCache", () => new InMemoryCache()],
    ["@flg ModelCache (maxBytes 32 MB)", () => new ModelCache({ maxBytes })],
  ] as const) {
    const { held, note } = await heldBy(make, entries);
    rows.push({ group: "memory", case: `${entries.toLocaleString("en-US")} answers of 5 KB`, contender: name, unit: "MB", summary: summarize([held]), note });
  }
  return rows;
}

/**
 * Heap growth while one cache holds `entries` answers. A function of its own, so no frame of the caller
 * keeps the previous contender's cache alive while the next one is measured. Answers are flat strings of
 * distinct text: `"a".repeat(n)` would build a rope that shares its halves and weighs almost nothing.
 */
async function heldBy(make: () => { update(p: string, k: string, v: Generation[]): Promise<void> }, entries: number): Promise<{ held: number; note: string }> {
  const before = heapMb();
  let cache: ReturnType<typeof make> | undefined = make();
  for (let i = 0; i < entries; i += 1) {
    const text = randomBytes(2500).toString("hex");
    await cache.update(prompt(120, i), LLM_KEY, [{ text, message: new AIMessage(text) } as Generation]);
  }
  const held = heapMb() - before;
  const stats = "stats" in cache ? (cache as unknown as { stats(): { entries: number; bytes: number } }).stats() : undefined;
  const note = stats ? `${stats.entries} entries kept, estimated ${(stats.bytes / 1024 / 1024).toFixed(1)} MB` : `${entries} entries kept (never evicts)`;
  cache = undefined;
  return { held, note };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printRows(await benchModelCache({ quick: process.argv.includes("--quick") }));
}
