/**
 * Group "put-get": put() of a checkpoint whose `messages` channel holds real LangChain messages
 * (human, AI with tool_calls, tool results) of ~1 KB to ~1 MB serialized, then getTuple() of it.
 *
 * Every sample uses a fresh thread, so no saver can store a delta against an earlier value: this
 * is the cost of writing and reading the whole channel (the graph-loop group shows deltas).
 */
import type { BaseMessage } from "@langchain/core/messages";

import { nextCheckpoint } from "./checkpoint-data.js";
import { openSaver, removeDatabase, type OpenSaver, type SaverId } from "./contenders.js";
import { conversationOfSize } from "./fixtures.js";
import { ratio, selectContenders, type BenchRow, type GroupResult, type RunOptions, type Target } from "./results.js";
import { elapsedMs, interleave, now, summarizeAll } from "./stats.js";

const CONTENDERS: SaverId[] = ["memory", "official", "ours"];

interface SizeCase {
  label: string;
  bytes: number;
  warmup: number;
  iterations: number;
}

const FULL: SizeCase[] = [
  { label: "1 KB", bytes: 1_000, warmup: 30, iterations: 300 },
  { label: "10 KB", bytes: 10_000, warmup: 20, iterations: 200 },
  { label: "100 KB", bytes: 100_000, warmup: 5, iterations: 50 },
  { label: "1 MB", bytes: 1_000_000, warmup: 3, iterations: 15 },
];

const QUICK: SizeCase[] = [
  { label: "1 KB", bytes: 1_000, warmup: 10, iterations: 60 },
  { label: "10 KB", bytes: 10_000, warmup: 5, iterations: 40 },
  { label: "100 KB", bytes: 100_000, warmup: 2, iterations: 10 },
];

function check(messages: unknown, expected: BaseMessage[], who: string): void {
  const got = messages as BaseMessage[];
  const last = got?.[got.length - 1];
  const want = expected[expected.length - 1];
  if (!Array.isArray(got) || got.length !== expected.length || last?.getType() !== want.getType() || last.content !== want.content) {
    throw new Error(`put-get: ${who} returned different messages (${Array.isArray(got) ? got.length : typeof got} items)`);
  }
}

export async function run(options: RunOptions): Promise<GroupResult> {
  const started = now();
  const contenders = selectContenders(CONTENDERS, options);
  const cases = options.quick ? QUICK : FULL;
  const rows: BenchRow[] = [];
  const savers = Object.fromEntries(contenders.map((id) => [id, openSaver(id, "put-get")])) as Record<SaverId, OpenSaver>;
  const sizes: string[] = [];
  try {
    for (const size of cases) {
      const { messages, bytes } = await conversationOfSize(size.bytes);
      sizes.push(`${size.label} = ${messages.length} messages, ${bytes.toLocaleString("en-US")} B`);
      options.log(`put-get ${size.label}: ${messages.length} messages, ${bytes} bytes serialized`);
      const samples = await interleave(contenders, { warmup: size.warmup, iterations: size.iterations, gcBetween: size.bytes >= 100_000 }, async (id, i) => {
        const { saver } = savers[id];
        const { checkpoint, metadata, newVersions } = nextCheckpoint(saver, { messages }, 1);
        const config = { configurable: { thread_id: `put-get-${size.label}-${i}`, checkpoint_ns: "" } };
        const t0 = now();
        const saved = await saver.put(config, checkpoint, metadata, newVersions);
        const put = elapsedMs(t0);
        const t1 = now();
        const tuple = await saver.getTuple(saved);
        const get = elapsedMs(t1);
        if (i === 0) check(tuple?.checkpoint.channel_values.messages, messages, id);
        return { put, get, roundTrip: put + get };
      });
      const summary = summarizeAll(samples);
      const pick = (metric: string) => Object.fromEntries(contenders.map((id) => [id, summary[id][metric]]));
      rows.push({ case: `put+getTuple, ${size.label}`, unit: "ms", values: pick("roundTrip"), chart: true });
      rows.push({ case: `put, ${size.label}`, unit: "ms", values: pick("put") });
      rows.push({ case: `getTuple, ${size.label}`, unit: "ms", values: pick("get") });
    }
  } finally {
    for (const open of Object.values(savers)) {
      await open.close();
      removeDatabase(open.path);
    }
  }

  const targets: Target[] = [];
  for (const label of ["100 KB", "1 MB"]) {
    const row = rows.find((r) => r.case === `put+getTuple, ${label}`);
    const r = row && ratio(row, "official", "ours");
    if (r !== undefined) targets.push({ description: `put+getTuple ${label}: ours ≥ 10× official`, measured: `${r.toFixed(1)}×`, met: r >= 10 });
  }
  const iters = cases.map((c) => `${c.label}: ${c.warmup} warmup + ${c.iterations} measured`).join("; ");
  return {
    id: "put-get",
    title: "put + getTuple round trip",
    method:
      `One \`messages\` channel of real LangChain messages (human / AI with tool_calls / tool result / AI, cycling), ` +
      `sized by the official JsonPlusSerializer: ${sizes.join("; ")}. Each sample puts a fresh checkpoint on a fresh ` +
      `thread (\`newVersions\` names \`messages\`), then getTuple()s it by id; put and getTuple are timed separately and ` +
      `summed. Rounds: ${iters}; contenders interleaved with a rotating start.`,
    rows,
    targets,
    seconds: elapsedMs(started) / 1000,
  };
}
