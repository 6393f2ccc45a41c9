/**
 * Key bench: what turning a prompt (or an argument list) into a cache key costs, per length.
 *
 *   npx tsx src/cache-keys.ts            (build @flg/cache first)
 *
 * Every op gets a fresh flat copy of the text (V8 has not hashed it yet), as a cache sees a prompt a
 * chat model has just built. Rows: V8's own string hashing (a Map hit on the raw text, what a raw key
 * costs), node:crypto digests through `crypto.hash` (one call, Node ≥ 20.12) and `createHash`, and
 * LangChain's pure-JS SHA-256 (what its InMemoryCache runs per lookup). They justify the raw-key
 * thresholds of @flg/cache (SHORT_KEY_MAX, 256 characters) and the choice of SHA-1.
 */
import * as crypto from "node:crypto";
import { pathToFileURL } from "node:url";

import { sha256 } from "@langchain/core/utils/hash";

import { loadFlgCache } from "./cache-deps.js";
import { freshCopy, printRows, timeInterleaved, type CacheBenchRow, type TimedContender } from "./cache-harness.js";

type OneShot = (algorithm: string, data: string, encoding: string) => string;
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

export async function benchKeys(options: { quick?: boolean } = {}): Promise<CacheBenchRow[]> {
  const { canonicalArgs } = await loadFlgCache();
  const rows: CacheBenchRow[] = [];
  const rounds = options.quick ? 5 : 11;
  for (const chars of [32, 100, 256, 1000, 10_000]) {
    const text = "Human: what is the weather like in the city today? ".repeat(Math.ceil(chars / 50)).slice(0, chars);
    const ops = chars >= 10_000 ? 300 : chars >= 1000 ? 2000 : 10_000;
    const pool: string[] = [];
    const refill = () => {
      pool.length = 0;
      for (let i = 0; i < ops; i += 1) pool.push(freshCopy(text));
    };
    const map = new Map([[text, 1]]);
    const contenders: TimedContender[] = [
      { name: "V8 string hash (Map hit on raw text)", prepare: () => (refill(), (i) => map.get(pool[i])) },
      ...(oneShot
        ? [
            { name: "crypto.hash sha1 base64url", prepare: () => (refill(), (i: number) => oneShot("sha1", pool[i], "base64url")) },
            { name: "crypto.hash md5 base64url", prepare: () => (refill(), (i: number) => oneShot("md5", pool[i], "base64url")) },
            { name: "crypto.hash sha256 base64url", prepare: () => (refill(), (i: number) => oneShot("sha256", pool[i], "base64url")) },
          ]
        : []),
      { name: "createHash sha1 base64url", prepare: () => (refill(), (i) => crypto.createHash("sha1").update(pool[i]).digest("base64url")) },
      { name: "LangChain JS sha256", prepare: () => (refill(), (i) => sha256(pool[i])) },
    ];
    for (const [contender, summary] of await timeInterleaved(contenders, { ops, rounds })) {
      rows.push({ group: "key hashing", case: `${chars.toLocaleString("en-US")} chars, fresh string`, contender, unit: "ns/op", summary });
    }
  }

  // Canonical argument text: ours vs JSON.stringify (which is neither order-independent nor injective).
  {
    const args = ["Human: what is the weather like in the city today? Human: what is the weather l", { temperature: 0, model: "gpt-4o-mini", stop: ["\n"] }];
    const contenders: TimedContender[] = [
      { name: "JSON.stringify(args)", prepare: () => () => JSON.stringify(args) },
      { name: "@flg canonicalArgs(args)", prepare: () => () => canonicalArgs(args) },
    ];
    for (const [contender, summary] of await timeInterleaved(contenders, { ops: 20_000, rounds })) {
      rows.push({ group: "key hashing", case: "argument list (80-char prompt, options object)", contender, unit: "ns/op", summary });
    }
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printRows(await benchKeys({ quick: process.argv.includes("--quick") }));
}
