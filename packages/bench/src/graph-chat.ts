/**
 * Group "graph-chat": a chat app on one thread, one invoke per turn (one human message in, one AI
 * reply out), so every turn starts by loading the thread with getTuple(). Turns are interleaved
 * across contenders: turn t of every contender runs before turn t+1 of any.
 */
import type { BaseMessage } from "@langchain/core/messages";

import { databaseBytes, openSaver, removeDatabase, type OpenSaver, type SaverId } from "./contenders.js";
import { humanTurn } from "./fixtures.js";
import { chatGraph, graphConfig } from "./graphs.js";
import { selectContenders, type BenchRow, type GroupResult, type RunOptions, type Target } from "./results.js";
import { elapsedMs, interleave, now, summarize, summarizeAll } from "./stats.js";

const CONTENDERS: SaverId[] = ["memory", "official", "ours"];
const THREAD = "chat-thread";

export async function run(options: RunOptions): Promise<GroupResult> {
  const started = now();
  const contenders = selectContenders(CONTENDERS, options);
  const turns = options.quick ? 100 : 300;
  const lastWindow = Math.min(50, turns);
  const savers = Object.fromEntries(contenders.map((id) => [id, openSaver(id, "chat")])) as Record<SaverId, OpenSaver>;
  const graphs = Object.fromEntries(contenders.map((id) => [id, chatGraph(savers[id].saver)]));
  const rows: BenchRow[] = [];
  try {
    const turnSamples = await interleave(contenders, { warmup: 0, iterations: turns }, async (id, turn) => {
      const t0 = now();
      const out = await graphs[id].invoke({ messages: [humanTurn(turn)] }, graphConfig(THREAD, 2));
      const ms = elapsedMs(t0);
      const messages = out.messages as BaseMessage[];
      if (messages.length !== 2 * (turn + 1)) throw new Error(`graph-chat: ${id} has ${messages.length} messages after turn ${turn + 1}`);
      if (turn % 100 === 99) options.log(`graph-chat: ${id} turn ${turn + 1}`);
      return { turnUs: ms * 1000 };
    });

    // Loading the whole thread as every turn does, measured alone once the history is long.
    const loadSamples = await interleave(contenders, { warmup: 3, iterations: options.quick ? 10 : 30 }, async (id) => {
      const t0 = now();
      const tuple = await savers[id].saver.getTuple({ configurable: { thread_id: THREAD, checkpoint_ns: "" } });
      const ms = elapsedMs(t0);
      const count = (tuple?.checkpoint.channel_values.messages as unknown[] | undefined)?.length;
      if (count !== 2 * turns) throw new Error(`graph-chat: ${id} getTuple returned ${count} messages, expected ${2 * turns}`);
      return { loadMs: ms };
    });

    const turnSummary = summarizeAll(turnSamples);
    const loadSummary = summarizeAll(loadSamples);
    rows.push({ case: `chat, ${turns} turns, one invoke per turn (per turn)`, unit: "µs", values: Object.fromEntries(contenders.map((id) => [id, turnSummary[id].turnUs])), chart: true });
    rows.push({
      case: `chat, last ${lastWindow} turns (history ${2 * (turns - lastWindow)}–${2 * turns} messages)`,
      unit: "µs",
      values: Object.fromEntries(contenders.map((id) => [id, summarize(turnSamples[id].turnUs.slice(-lastWindow))])),
    });
    rows.push({ case: `getTuple of the thread after ${turns} turns (${2 * turns} messages)`, unit: "ms", values: Object.fromEntries(contenders.map((id) => [id, loadSummary[id].loadMs])), chart: true });

    const sizes: BenchRow["values"] = {};
    for (const id of contenders) {
      const open = savers[id];
      await open.close();
      if (open.path) sizes[id] = summarize([databaseBytes(open.path) / 1e6]);
    }
    rows.push({ case: `database after ${turns} turns (file + WAL, after close)`, unit: "MB", values: sizes });
  } finally {
    for (const open of Object.values(savers)) {
      await open.close();
      removeDatabase(open.path);
    }
  }

  // The brief sets no target for this variant; it is here to show what loading the thread costs.
  const targets: Target[] = [];
  return {
    id: "graph-chat",
    title: `Chat app, ${turns} turns, one invoke per turn`,
    method:
      `The same MessagesAnnotation state; node "agent" appends one deterministic reply and ends. Each turn is one ` +
      `invoke on the same thread with one HumanMessage (~100 chars), so LangGraph loads the thread (getTuple) and ` +
      `then writes the input and the step checkpoints. All ${turns} turns are timed, contenders interleaved turn by ` +
      `turn. Afterwards getTuple() of the thread is timed on its own (3 warmup + ${options.quick ? 10 : 30} rounds).`,
    rows,
    targets,
    seconds: elapsedMs(started) / 1000,
  };
}
