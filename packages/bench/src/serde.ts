/**
 * Serializer bench: FastJsonPlusSerializer vs the official JsonPlusSerializer on checkpoint-like
 * state (an agent conversation: question, tool call, tool result, answer), 1,000-5,000 messages.
 *
 *   tsx src/serde.ts
 *
 * The two serializers are timed alternately, round by round, so both see the same machine load;
 * the speedup is the median of the per-round ratios. Prints a table, then one JSON line per row.
 */
import { pathToFileURL } from "node:url";

import { FastJsonPlusSerializer } from "@flg/checkpoint-sqlite/serde";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { JsonPlusSerializer } from "@langchain/langgraph-checkpoint";

export function makeMessages(n: number): BaseMessage[] {
  const out: BaseMessage[] = [new SystemMessage("You are a helpful assistant.")];
  for (let i = 1; i < n; i++) {
    switch (i % 4) {
      case 1:
        out.push(new HumanMessage({ content: `Question ${i}: what is the weather in city ${i}?`, id: `human-${i}` }));
        break;
      case 2:
        out.push(
          new AIMessage({
            content: "",
            id: `run-${i}`,
            tool_calls: [{ name: "get_weather", args: { city: `city ${i}`, units: "metric" }, id: `call_${i}`, type: "tool_call" }],
            usage_metadata: { input_tokens: 120 + i, output_tokens: 18, total_tokens: 138 + i },
            response_metadata: { model_name: "gpt-4o-mini", finish_reason: "tool_calls", system_fingerprint: "fp_1" },
          }),
        );
        break;
      case 3:
        out.push(
          new ToolMessage({
            content: `{"temp": ${i % 30}, "sky": "clear"}`,
            tool_call_id: `call_${i - 1}`,
            name: "get_weather",
            id: `tool-${i}`,
          }),
        );
        break;
      default:
        out.push(
          new AIMessage({
            content: `It is ${i % 30} degrees and clear in city ${i}.`,
            id: `run-${i}`,
            usage_metadata: { input_tokens: 150 + i, output_tokens: 12, total_tokens: 162 + i },
            response_metadata: { model_name: "gpt-4o-mini", finish_reason: "stop" },
          }),
        );
    }
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Times `a` and `b` alternately (order flipped every round): [median a, median b, median a/b]. */
async function abTimes(a: () => unknown, b: () => unknown, rounds: number): Promise<[number, number, number]> {
  for (let i = 0; i < 5; i++) {
    await a();
    await b();
  }
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const which of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const start = performance.now();
      await (which === 0 ? a() : b());
      (which === 0 ? ta : tb).push(performance.now() - start);
    }
  }
  return [median(ta), median(tb), median(ta.map((t, i) => t / tb[i]))];
}

export interface SerdeBenchRow {
  messages: number;
  bytes: number;
  officialDumpsMs: number;
  fastDumpsMs: number;
  officialLoadsMs: number;
  fastLoadsMs: number;
  /** Median of per-round ratios (official / fast). */
  dumpsSpeedup: number;
  loadsSpeedup: number;
}

export async function benchSerde(sizes: readonly number[] = [1000, 4204, 5000]): Promise<SerdeBenchRow[]> {
  const official = new JsonPlusSerializer();
  const fast = new FastJsonPlusSerializer();
  const rows: SerdeBenchRow[] = [];
  for (const n of sizes) {
    const state = { messages: makeMessages(n) };
    const [type, bytes] = await official.dumpsTyped(state);
    const [officialDumpsMs, fastDumpsMs, dumpsSpeedup] = await abTimes(
      () => official.dumpsTyped(state),
      () => fast.dumpsTypedSync(state),
      40,
    );
    const [officialLoadsMs, fastLoadsMs, loadsSpeedup] = await abTimes(
      () => official.loadsTyped(type, bytes),
      () => fast.loadsTypedSync(type, bytes),
      15,
    );
    rows.push({
      messages: n,
      bytes: bytes.byteLength,
      officialDumpsMs,
      fastDumpsMs,
      officialLoadsMs,
      fastLoadsMs,
      dumpsSpeedup,
      loadsSpeedup,
    });
  }
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchSerde();
  console.table(
    rows.map((r) => ({
      messages: r.messages,
      "JsonPlus dumps ms": r.officialDumpsMs.toFixed(2),
      "fast dumps ms": r.fastDumpsMs.toFixed(2),
      "dumps x": r.dumpsSpeedup.toFixed(1),
      "JsonPlus loads ms": r.officialLoadsMs.toFixed(2),
      "fast loads ms": r.fastLoadsMs.toFixed(2),
      "loads x": r.loadsSpeedup.toFixed(1),
    })),
  );
  for (const row of rows) console.log(JSON.stringify(row));
}
