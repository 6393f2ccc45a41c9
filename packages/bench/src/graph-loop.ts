/**
 * Group "graph-loop": the 1000-step MessagesAnnotation loop in ONE invoke, with no checkpointer
 * (the floor), MemorySaver, the official SqliteSaver and ours. Each measured run gets a fresh
 * database file; after it the saver is closed and the file (plus any WAL left) is measured.
 */
import { HumanMessage } from "@langchain/core/messages";

import { databaseBytes, openSaver, removeDatabase, type OpenSaver } from "./contenders.js";
import { graphConfig, loopGraph } from "./graphs.js";
import { ratio, selectContenders, type BenchRow, type ContenderId, type GroupResult, type RunOptions, type Target } from "./results.js";
import { elapsedMs, interleave, now, summarizeAll } from "./stats.js";

const CONTENDERS: ContenderId[] = ["none", "noop", "memory", "official", "ours"];

export async function run(options: RunOptions): Promise<GroupResult> {
  const started = now();
  const contenders = selectContenders(CONTENDERS, options);
  const steps = options.quick ? 200 : 1000;
  const warmupSteps = options.quick ? 50 : 200;
  const rounds = options.quick ? { warmup: 1, iterations: 2 } : { warmup: 1, iterations: 5 };

  const samples = await interleave(contenders, { ...rounds, gcBetween: true }, async (id, round) => {
    const n = round < rounds.warmup ? warmupSteps : steps;
    const open: OpenSaver | undefined = id === "none" ? undefined : openSaver(id, "loop");
    try {
      const graph = loopGraph(n, open?.saver);
      const t0 = now();
      const out = await graph.invoke({ messages: [new HumanMessage({ id: "start", content: "Plan a three-city trip." })] }, graphConfig(`loop-${round}`, n));
      const ms = elapsedMs(t0);
      if (out.messages.length !== n + 1) throw new Error(`graph-loop: ${id} ended with ${out.messages.length} messages, expected ${n + 1}`);
      await open?.close();
      const metrics: Record<string, number> = { usPerStep: (ms * 1000) / n, totalMs: ms };
      if (open?.path) metrics.dbMb = databaseBytes(open.path) / 1e6;
      options.log(`graph-loop ${round < rounds.warmup ? "warmup" : "round"} ${round} ${id}: ${ms.toFixed(0)} ms`);
      return metrics;
    } finally {
      removeDatabase(open?.path);
    }
  });

  const summary = summarizeAll(samples);
  const pick = (metric: string, ids: ContenderId[] = contenders) =>
    Object.fromEntries(ids.filter((id) => summary[id]?.[metric]).map((id) => [id, summary[id][metric]]));
  const perStep: BenchRow = { case: `${steps}-step loop, one invoke (per step)`, unit: "µs", values: pick("usPerStep"), chart: true };
  const total: BenchRow = { case: `${steps}-step loop, one invoke (whole run)`, unit: "ms", values: pick("totalMs") };
  const db: BenchRow = { case: `database after ${steps} steps (file + WAL, after close)`, unit: "MB", values: pick("dbMb", ["official", "ours"]), chart: true };

  const targets: Target[] = [];
  const speedup = ratio(perStep, "official", "ours");
  if (speedup !== undefined) targets.push({ description: `${steps}-step loop: ours ≥ 8× faster than official SqliteSaver`, measured: `${speedup.toFixed(1)}×`, met: speedup >= 8 });
  const overFloor = ratio(perStep, "ours", "none");
  if (overFloor !== undefined) targets.push({ description: `${steps}-step loop: ours within 1.3× of no checkpointer`, measured: `${overFloor.toFixed(2)}×`, met: overFloor <= 1.3 });
  const ourDb = db.values.ours?.median;
  if (ourDb !== undefined) targets.push({ description: `${steps}-step loop: our database ≤ 3 MB`, measured: `${ourDb.toFixed(2)} MB`, met: ourDb <= 3 });

  return {
    id: "graph-loop",
    title: `${steps}-step MessagesAnnotation loop, one invoke`,
    method:
      `Contenders include a no-op saver (stores nothing, answers at once) to show what LangGraph itself spends on ` +
      `checkpointing. StateGraph(MessagesAnnotation) with one node "agent" that appends a deterministic AIMessage (~200 chars; every ` +
      `third carries a tool call) and a conditional edge back to itself until ${steps} replies; one invoke from one ` +
      `HumanMessage with recursionLimit ${steps + 10}, LangGraph's default durability ("async"). Each run uses a ` +
      `fresh thread and database file; ${rounds.warmup} warmup run of ${warmupSteps} steps then ${rounds.iterations} ` +
      `measured runs per contender, interleaved, GC between runs when exposed. Database size is measured after close().`,
    rows: [perStep, total, db],
    targets,
    seconds: elapsedMs(started) / 1000,
  };
}
