/**
 * Timing helpers shared by the cache benches (cache-*.ts).
 *
 * Cache operations are timed in tight loops of `ops` calls per round (calls that return promises are
 * awaited one by one); every round runs all contenders, starting with a different one each time, so
 * machine drift spreads evenly. The value of a round is ns per call; a row reports the median and p95
 * over rounds.
 */
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";

import { summarize, type Summary } from "./stats.js";

/** One measured (case, contender) pair. */
export interface CacheBenchRow {
  group: string;
  case: string;
  contender: string;
  /** Per-round values: ns per op (time rows), MB (memory rows) or ops/s (throughput rows). */
  unit: "ns/op" | "µs/op" | "MB" | "ops/s" | "bytes";
  summary: Summary;
  note?: string;
}

export interface TimedContender {
  name: string;
  /** Prepares a round (outside the timing) and returns the op to time; `i` is the op index within the round. */
  prepare(ops: number): (i: number) => unknown;
}

/**
 * Times every contender `rounds` times (after `warmup` rounds) over `ops` calls, interleaved. An op that
 * returns a promise is awaited before the next call, as LangGraph and LangChain await every cache call
 * (async caches also do part of their work in later microtasks: LangGraph's InMemoryCache deserializes
 * there); the event loop turns between rounds so no contender's leftover work lands in another's time.
 */
export async function timeInterleaved(contenders: TimedContender[], options: { ops: number; rounds: number; warmup?: number }): Promise<Map<string, Summary>> {
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const warmup = options.warmup ?? 3;
  let sink = 0;
  for (let round = 0; round < warmup + options.rounds; round += 1) {
    for (let k = 0; k < contenders.length; k += 1) {
      const c = contenders[(round + k) % contenders.length];
      const op = c.prepare(options.ops);
      await new Promise((r) => setImmediate(r));
      const start = process.hrtime.bigint();
      for (let i = 0; i < options.ops; i += 1) {
        const out = op(i);
        if (out instanceof Promise) await out;
        else if (out === undefined) sink += 1;
      }
      const ns = Number(process.hrtime.bigint() - start) / options.ops;
      if (round >= warmup) samples.get(c.name)!.push(ns);
    }
  }
  if (sink === -1) console.log(sink);
  return new Map([...samples].map(([name, values]) => [name, summarize(values)]));
}

/** Runs `op` with `concurrency` calls in flight for `ms`, `rounds` times; ops per second per round. */
export async function throughput(op: (i: number) => Promise<unknown>, options: { concurrency: number; ms: number; rounds: number }): Promise<Summary> {
  const perRound: number[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    let done = 0;
    let i = 0;
    const end = Date.now() + options.ms;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (Date.now() < end) {
          await op(i++);
          done += 1;
        }
      }),
    );
    perRound.push(done / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return summarize(perRound);
}

/** Median latency of awaited calls, one at a time, in µs per op per round. */
export async function latency(op: (i: number) => Promise<unknown>, options: { ops: number; rounds: number }): Promise<Summary> {
  const perRound: number[] = [];
  for (let round = 0; round < options.rounds + 1; round += 1) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < options.ops; i += 1) await op(i);
    const us = Number(process.hrtime.bigint() - start) / 1e3 / options.ops;
    if (round > 0) perRound.push(us);
  }
  return summarize(perRound);
}

let gcFn: (() => void) | undefined;

/** A full GC, exposing it at run time when Node was started without --expose-gc. */
export function fullGc(): void {
  if (!gcFn) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed) gcFn = exposed;
    else {
      setFlagsFromString("--expose-gc");
      gcFn = runInNewContext("gc") as () => void;
    }
  }
  gcFn();
  gcFn();
}

/** Heap used after a full GC, in MB. */
export function heapMb(): number {
  fullGc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

/** A copy of `s` that is a distinct, flat string whose hash V8 has not computed yet. */
export function freshCopy(s: string): string {
  return Buffer.from(s, "utf8").toString("utf8");
}

export function printRows(rows: CacheBenchRow[]): void {
  console.table(
    rows.map((r) => ({
      group: r.group,
      case: r.case,
      contender: r.contender,
      median: `${formatNumber(r.summary.median)} ${r.unit}`,
      p95: `${formatNumber(r.summary.p95)} ${r.unit}`,
      ...(r.note ? { note: r.note } : {}),
    })),
  );
  for (const row of rows) console.log(JSON.stringify(row));
}

function formatNumber(v: number): string {
  const abs = Math.abs(v);
  return v.toLocaleString("en-US", { maximumFractionDigits: abs >= 100 ? 0 : abs >= 10 ? 1 : 2 });
}
