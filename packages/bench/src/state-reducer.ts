/**
 * Bench "state-reducer": appending one message to a messages state of L messages, with LangGraph's
 * `messagesStateReducer` (what `MessagesAnnotation` uses), @flg/state's, and a plain `concat` (the
 * floor: the result must be a new array).
 *
 * Realistic case: the `left` of every call is the array the same reducer returned before, as a
 * LangGraph channel calls it (`value = reducer(value, write)`). Each sample builds a few states of L
 * messages per contender (untimed, through that contender's own reducer: one per conversation, or 32
 * for the busy-server case), then times a chain of appends to each, round-robin, each call's output
 * the next call's `left`. Contenders are interleaved sample by sample with a rotating start.
 * Reported: median over samples of µs per call.
 *
 * Run alone: `npx tsx packages/bench/src/state-reducer.ts [--quick]`. Run it without
 * `--expose-gc`: a full GC before every sample makes the first allocations after it slow, which
 * swamps sub-µs calls (concat at L = 10 reads ~1 µs instead of ~0.15 µs).
 */
import { pathToFileURL } from "node:url";

import { AIMessage, HumanMessage, type BaseMessage } from "@langchain/core/messages";
import { messagesStateReducer as langgraphReducer } from "@langchain/langgraph";

import { messagesStateReducer as oursReducer } from "@flg/state";
import { collectGarbage, now, summarize } from "./stats.js";

export interface StateReducerRow {
  name: string;
  L: number;
  oursUs: number;
  langgraphUs: number;
  concatUs: number;
}

type Contender = "ours" | "langgraph" | "concat";
const CONTENDERS: Contender[] = ["ours", "langgraph", "concat"];
type Reducer = (left: BaseMessage[], right: BaseMessage[]) => BaseMessage[];
const REDUCERS: Record<Contender, Reducer> = {
  ours: oursReducer as Reducer,
  langgraph: langgraphReducer as Reducer,
  concat: (left, right) => left.concat(right),
};

interface Case {
  name: string;
  /** A message to append: a fresh object every call (LangGraph assigns missing ids in place). */
  message: (i: number) => BaseMessage;
  /** Threads whose states are updated round-robin (1 = one conversation; more = a busy server). */
  threads?: number;
  /**
   * `left` is an array no reducer returned, as the first update of an invoke sees a state just
   * loaded from a checkpointer: @flg/state has no index for it and takes its full path.
   */
  unknownLeft?: boolean;
}
const CASES: Case[] = [
  // Chat models return messages with ids ("chatcmpl-…", "msg_…", "run-…").
  { name: "append 1 AIMessage (has id)", message: (i) => new AIMessage({ content: `reply ${i}`, id: `ai-${i}` }) },
  // User input usually has none: both reducers then generate a uuid v4.
  { name: "append 1 HumanMessage (no id)", message: (i) => new HumanMessage(`question ${i}`) },
  // More threads than @flg/state keeps hot (16): every call finds its `left` through the WeakMap.
  { name: "append 1 AIMessage, 32 threads interleaved", message: (i) => new AIMessage({ content: `reply ${i}`, id: `ai-${i}` }), threads: 32 },
  { name: "append 1 AIMessage to a state just loaded (full path)", message: (i) => new AIMessage({ content: `reply ${i}`, id: `ai-${i}` }), unknownLeft: true },
];

function history(L: number): BaseMessage[] {
  const out: BaseMessage[] = [];
  for (let i = 0; i < L; i += 1) {
    out.push(i % 2 === 0 ? new HumanMessage({ content: `question ${i} `.repeat(8), id: `h-${i}` }) : new AIMessage({ content: `answer ${i} `.repeat(20), id: `a-${i}` }));
  }
  return out;
}

/** A state of L messages that `contender` itself returned, as a channel would hold it. */
function freshHead(contender: Contender, base: BaseMessage[]): BaseMessage[] {
  return REDUCERS[contender](base.slice(), []);
}

export async function benchStateReducer(opts: { quick: boolean }): Promise<StateReducerRow[]> {
  const sizes = [10, 100, 1_000, 10_000];
  const rows: StateReducerRow[] = [];
  // JIT warmup of every contender on both paths, so that the first rows are not the slow ones.
  for (const contender of CONTENDERS) {
    const reducer = REDUCERS[contender];
    for (const L of [10, 300]) {
      const base = history(L);
      for (let round = 0; round < (opts.quick ? 100 : 300); round += 1) {
        let state = reducer(base.slice(), []);
        for (let i = 0; i < 5; i += 1) state = reducer(state, [new AIMessage({ content: "warmup", id: `w-${round}-${i}` }), new HumanMessage("warmup")]);
      }
    }
  }
  for (const testCase of CASES) {
    for (const L of sizes) {
      const base = history(L);
      // Each sample: `threads` states of L messages, then `depth` appends to each, round-robin, each
      // call's output the next call's `left`. Depth keeps the growth within ~1% of L for L ≥ 1,000,
      // and the calls per sample (threads × depth) well above the timer's resolution.
      const threads = testCase.threads ?? (L <= 100 ? 16 : L <= 1_000 ? 4 : 1);
      const depth = testCase.threads !== undefined ? 2 : L <= 10 ? 2 : L <= 100 ? 5 : L <= 1_000 ? 10 : 50;
      // LangGraph's reducer takes ~2.5 ms per call at 10,000 messages: fewer rounds there.
      const rounds = (opts.quick ? 30 : 150) / (L >= 10_000 ? 3 : 1);
      const warmup = opts.quick ? 5 : 15;
      const samples: Record<Contender, number[]> = { ours: [], langgraph: [], concat: [] };
      let serial = 0;
      for (let round = 0; round < warmup + rounds; round += 1) {
        for (let k = 0; k < CONTENDERS.length; k += 1) {
          const contender = CONTENDERS[(round + k) % CONTENDERS.length];
          const reducer = REDUCERS[contender];
          const rights = Array.from({ length: threads * depth }, () => [testCase.message((serial += 1))]);
          let us: number;
          if (testCase.unknownLeft) {
            const lefts = rights.map(() => base.slice());
            const outs: BaseMessage[][] = [];
            collectGarbage();
            const t0 = now();
            for (let i = 0; i < lefts.length; i += 1) outs.push(reducer(lefts[i], rights[i]));
            us = Number(now() - t0) / 1e3 / lefts.length;
            if (outs[0].length !== L + 1) throw new Error(`state-reducer: ${contender} has ${outs[0].length} messages, expected ${L + 1}`);
          } else {
            const states = Array.from({ length: threads }, () => freshHead(contender, base));
            collectGarbage();
            const t0 = now();
            for (let d = 0; d < depth; d += 1) {
              for (let h = 0; h < threads; h += 1) states[h] = reducer(states[h], rights[d * threads + h]);
            }
            us = Number(now() - t0) / 1e3 / (threads * depth);
            if (states[0].length !== L + depth) throw new Error(`state-reducer: ${contender} has ${states[0].length} messages, expected ${L + depth}`);
          }
          if (round >= warmup) samples[contender].push(us);
        }
      }
      rows.push({
        name: testCase.name,
        L,
        oursUs: summarize(samples.ours).median,
        langgraphUs: summarize(samples.langgraph).median,
        concatUs: summarize(samples.concat).median,
      });
    }
  }
  return rows;
}

export function formatStateReducerTable(rows: StateReducerRow[]): string {
  const fmt = (us: number) => (us < 10 ? us.toFixed(2) : us < 100 ? us.toFixed(1) : us.toFixed(0));
  const lines = [
    "| case | L | LangGraph µs | @flg/state µs | concat µs | ours / concat | LangGraph / ours |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.name} | ${r.L.toLocaleString("en-US")} | ${fmt(r.langgraphUs)} | ${fmt(r.oursUs)} | ${fmt(r.concatUs)} | ${(r.oursUs / r.concatUs).toFixed(1)}× | ${(r.langgraphUs / r.oursUs).toFixed(0)}× |`,
    );
  }
  return lines.join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes("--quick");
  const rows = await benchStateReducer({ quick });
  console.log(`state-reducer (${quick ? "quick" : "full"}, Node ${process.version}, median µs per call)\n`);
  console.log(formatStateReducerTable(rows));
}
