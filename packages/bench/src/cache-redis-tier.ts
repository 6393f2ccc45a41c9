/**
 * Redis-tier bench: hits through `RedisStore` (@flg/cache-redis) against raw ioredis GET, the floor
 * (LangChain's community RedisCache is not installed here).
 *
 *   npx tsx src/cache-redis-tier.ts      (build @flg/cache and @flg/cache-redis first)
 *
 * Runs against a redis-server of its own on a free loopback port (so the load never lands on a shared
 * server); without the redis-server binary it uses REDIS_URL. The value is a cached LLM answer (an
 * AIMessage of ~1 KB). Rows: latency of one awaited hit at a time, and throughput with 64 hits in flight
 * (ioredis auto-pipelining on for both); "L2" rows disable the in-process layer so every hit is a GET
 * plus decoding, "L1" rows show what the in-process layer saves.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { pathToFileURL } from "node:url";

import { AIMessage } from "@langchain/core/messages";

import { loadFlgCache, loadFlgCacheRedis, loadIoRedis } from "./cache-deps.js";
import { latency, printRows, throughput, type CacheBenchRow } from "./cache-harness.js";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts `redis-server` on a free port; undefined when the binary is missing. */
async function ownRedis(): Promise<{ url: string; stop(): void } | undefined> {
  const port = await freePort();
  let proc: ChildProcess;
  try {
    proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no"], { stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
  const started = await new Promise<boolean>((resolve) => {
    let out = "";
    proc.on("error", () => resolve(false));
    proc.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("Ready to accept connections")) resolve(true);
    });
    setTimeout(() => resolve(false), 10_000);
  });
  if (!started) {
    proc.kill("SIGKILL");
    return undefined;
  }
  return { url: `redis://127.0.0.1:${port}`, stop: () => proc.kill("SIGKILL") };
}

export async function benchRedisTier(options: { quick?: boolean } = {}): Promise<CacheBenchRow[]> {
  const { cached, jsonCodec } = await loadFlgCache();
  const { RedisStore } = await loadFlgCacheRedis();
  const { Redis } = await loadIoRedis();
  const own = await ownRedis();
  const url = own?.url ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const where = own ? "own redis-server" : url;
  const rows: CacheBenchRow[] = [];
  const rounds = options.quick ? 3 : 7;
  const ms = options.quick ? 300 : 1000;
  const raw = new Redis(url, { enableAutoPipelining: true });
  const l2 = new RedisStore({ url, prefix: "bench:", l1: false, timeoutMs: 1000 });
  const l1 = new RedisStore({ url, prefix: "bench:", timeoutMs: 1000 });
  try {
    await l2.ready();
    await l1.ready();
    const value = [{ text: "x", message: new AIMessage({ content: "The weather in Paris is sunny, 21 °C. ".repeat(25), id: "run-1" }) }];
    await l2.set("k", { value });
    const encoded = jsonCodec.encode({ v: value });
    await raw.set("bench:raw", encoded);
    const fn = cached(async (q: string) => q, { store: l1, namespace: "fn" });
    await fn("q");

    const ops: [string, (i: number) => Promise<unknown>][] = [
      ["raw ioredis GET (floor)", () => raw.get("bench:raw")],
      ["raw ioredis GET + JSON.parse", async () => JSON.parse(((await raw.get("bench:raw")) as string).slice(1))],
      ["RedisStore get, L2 hit (GET + decode)", async () => l2.get("k")],
      ["RedisStore get, L1 hit", async () => l1.get("k")],
      ["cached() over RedisStore, L1 hit", () => fn("q")],
    ];
    for (const [name, op] of ops) {
      rows.push({ group: "redis tier", case: `hit latency, one at a time (${where})`, contender: name, unit: "µs/op", summary: await latency(op, { ops: options.quick ? 500 : 2000, rounds }) });
    }
    for (const [name, op] of ops) {
      rows.push({ group: "redis tier", case: `hit throughput, 64 in flight (${where})`, contender: name, unit: "ops/s", summary: await throughput(op, { concurrency: 64, ms, rounds }) });
    }
    rows.push({
      group: "redis tier",
      case: "encoded value size",
      contender: "jsonCodec",
      unit: "bytes",
      summary: { n: 1, median: Buffer.byteLength(encoded), p95: Buffer.byteLength(encoded), mean: Buffer.byteLength(encoded), min: Buffer.byteLength(encoded), max: Buffer.byteLength(encoded) },
      note: "one cached AIMessage answer (~1 KB of text) as stored in Redis",
    });
  } finally {
    await l1.clear();
    await l1.close();
    await l2.close();
    await raw.del("bench:raw");
    raw.disconnect();
    own?.stop();
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  printRows(await benchRedisTier({ quick: process.argv.includes("--quick") }));
}
