/**
 * Group "list": one thread with many checkpoints (10,000; 2,000 with --quick), filled once per
 * contender with the same values, then list() pages of 10 (newest, and `before` the middle
 * checkpoint) and getTuple() of the newest, draining every iterator.
 */
import type { RunnableConfig } from "@langchain/core/runnables";
import type { BaseCheckpointSaver, Checkpoint, CheckpointListOptions } from "@langchain/langgraph-checkpoint";

import { nextCheckpoint } from "./checkpoint-data.js";
import { openSaver, removeDatabase, type OpenSaver, type SaverId } from "./contenders.js";
import { fakeReply } from "./fixtures.js";
import { selectContenders, type BenchRow, type GroupResult, type RunOptions, type Target } from "./results.js";
import { elapsedMs, interleave, now, summarize, summarizeAll } from "./stats.js";

const CONTENDERS: SaverId[] = ["memory", "official", "ours"];
const THREAD = "list-thread";
const CHUNK = 500;

async function drain(saver: BaseCheckpointSaver, config: RunnableConfig, options: CheckpointListOptions): Promise<string[]> {
  const ids: string[] = [];
  for await (const tuple of saver.list(config, options)) ids.push(tuple.checkpoint.id);
  return ids;
}

function expectIds(got: string[], want: string[], who: string, what: string): void {
  if (got.length !== want.length || got.some((id, i) => id !== want[i])) {
    throw new Error(`list: ${who} ${what} returned [${got.slice(0, 3).join(", ")}…] (${got.length}), expected [${want.slice(0, 3).join(", ")}…] (${want.length})`);
  }
}

export async function run(options: RunOptions): Promise<GroupResult> {
  const started = now();
  const contenders = selectContenders(CONTENDERS, options);
  const total = options.quick ? 2_000 : 10_000;
  const rounds = options.quick ? { warmup: 10, iterations: 100 } : { warmup: 30, iterations: 300 };
  const savers = Object.fromEntries(contenders.map((id) => [id, openSaver(id, "list")])) as Record<SaverId, OpenSaver>;
  const rows: BenchRow[] = [];
  try {
    // Fill: chunks of puts, contenders taking turns, every put timed.
    const state = Object.fromEntries(contenders.map((id) => [id, { config: { configurable: { thread_id: THREAD, checkpoint_ns: "" } } as RunnableConfig, previous: undefined as Checkpoint | undefined, ids: [] as string[], putMs: [] as number[] }]));
    for (let from = 0, round = 0; from < total; from += CHUNK, round += 1) {
      for (let k = 0; k < contenders.length; k += 1) {
        const id = contenders[(round + k) % contenders.length];
        const s = state[id];
        const { saver } = savers[id];
        for (let step = from; step < Math.min(total, from + CHUNK); step += 1) {
          const next = nextCheckpoint(saver, { step, last: fakeReply(step) }, step, s.previous);
          const t0 = now();
          s.config = await saver.put(s.config, next.checkpoint, next.metadata, next.newVersions);
          s.putMs.push(elapsedMs(t0));
          s.previous = next.checkpoint;
          s.ids.push(next.checkpoint.id);
        }
      }
      options.log(`list: filled ${Math.min(total, from + CHUNK)}/${total}`);
    }
    rows.push({
      case: `put, filling a ${total.toLocaleString("en-US")}-checkpoint thread (per put)`,
      unit: "µs",
      values: Object.fromEntries(contenders.map((id) => [id, summarize(state[id].putMs.map((ms) => ms * 1000))])),
    });

    const thread = { configurable: { thread_id: THREAD } };
    const middle = Math.floor(total / 2);
    const samples = await interleave(contenders, { ...rounds, gcBetween: false }, async (id, i) => {
      const { saver } = savers[id];
      const ids = state[id].ids;
      const before = { configurable: { thread_id: THREAD, checkpoint_ns: "", checkpoint_id: ids[middle] } };
      let t0 = now();
      const latest = await drain(saver, thread, { limit: 10 });
      const listLatest = elapsedMs(t0);
      t0 = now();
      const older = await drain(saver, thread, { limit: 10, before });
      const listBefore = elapsedMs(t0);
      t0 = now();
      const head = await saver.getTuple({ configurable: { thread_id: THREAD, checkpoint_ns: "" } });
      const getLatest = elapsedMs(t0);
      if (i === 0) {
        expectIds(latest, ids.slice(-10).reverse(), id, "limit 10");
        expectIds(older, ids.slice(middle - 10, middle).reverse(), id, "limit 10 before middle");
        expectIds(head ? [head.checkpoint.id] : [], [ids[ids.length - 1]], id, "getTuple latest");
      }
      return { listLatest, listBefore, getLatest };
    });
    const summary = summarizeAll(samples);
    const pick = (metric: string) => Object.fromEntries(contenders.map((id) => [id, summary[id][metric]]));
    rows.push({ case: "list, limit 10 (newest)", unit: "ms", values: pick("listLatest"), chart: true });
    rows.push({ case: "list, limit 10, before the middle checkpoint", unit: "ms", values: pick("listBefore"), chart: true });
    rows.push({ case: "getTuple, newest (no checkpoint_id)", unit: "ms", values: pick("getLatest") });
  } finally {
    for (const open of Object.values(savers)) {
      await open.close();
      removeDatabase(open.path);
    }
  }

  const targets: Target[] = [];
  const ours = rows.find((r) => r.case === "list, limit 10 (newest)")?.values.ours;
  if (ours) targets.push({ description: "list limit 10: ours ≤ 0.2 ms median", measured: `${ours.median.toFixed(3)} ms`, met: ours.median <= 0.2 });
  return {
    id: "list",
    title: `list() on a ${total.toLocaleString("en-US")}-checkpoint thread`,
    method:
      `One thread of ${total.toLocaleString("en-US")} chained checkpoints per contender (channels \`step\` (number) and ` +
      `\`last\` (an AIMessage of ~200 chars, every third with tool_calls), both changed at every checkpoint), filled ` +
      `in chunks of ${CHUNK} puts with contenders taking turns. Then ${rounds.warmup} warmup + ${rounds.iterations} ` +
      `measured interleaved rounds of: list({thread_id}, {limit: 10}), the same with \`before\` the middle checkpoint ` +
      `(iterators drained), and getTuple() of the newest.`,
    rows,
    targets,
    seconds: elapsedMs(started) / 1000,
  };
}
