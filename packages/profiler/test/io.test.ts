import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { InMemoryCache, MemorySaver, type BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { SqliteSaver as OfficialSqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";

import { SqliteSaver } from "@flg/checkpoint-sqlite";
import { profile } from "@flg/profiler";

import { hello, loopGraph, sleep } from "./graphs.js";

const savers: Array<[string, () => BaseCheckpointSaver & { close?: () => void }]> = [
  ["MemorySaver", () => new MemorySaver()],
  ["official SqliteSaver", () => OfficialSqliteSaver.fromConnString(":memory:")],
  ["@flg SqliteSaver", () => SqliteSaver.fromConnString(":memory:")],
];

describe.each(savers)("checkpointer timing with %s", (_label, open) => {
  it("records put, putWrites and getTuple of every step and keeps the saver working", async () => {
    const saver = open();
    const graph = loopGraph(8, saver);
    const profiler = profile(graph);
    const config = { configurable: { thread_id: "io" } };
    const out = await graph.invoke(hello(), config);
    const again = await graph.invoke({ messages: [] }, config);
    profiler.detach();
    expect(graph.checkpointer).toBe(saver);
    expect(out.messages).toHaveLength(9);
    expect(again.messages.length).toBeGreaterThanOrEqual(9);

    const report = profiler.report();
    const io = Object.fromEntries(report.io.map((s) => [s.op, s]));
    // One checkpoint per step plus the input checkpoint, per run (durability "async").
    expect(io["checkpoint.put"].count).toBeGreaterThanOrEqual(report.totals.steps);
    expect(io["checkpoint.putWrites"].count).toBeGreaterThan(0);
    expect(io["checkpoint.getTuple"].count).toBeGreaterThanOrEqual(2);
    for (const stats of report.io) {
      expect(stats.errors).toBe(0);
      expect(stats.p50Ms).toBeGreaterThanOrEqual(0);
      expect(stats.p99Ms).toBeLessThanOrEqual(stats.maxMs * 1.001 + 0.002);
    }
    expect(report.totals.checkpointMs).toBeGreaterThan(0);
    expect(report.ioCalls.every((c) => c.runId !== undefined)).toBe(true);
    saver.close?.();
  });
});

it("records a failing checkpointer call as failed", async () => {
  const saver = new MemorySaver();
  saver.put = async () => {
    throw new Error("disk full");
  };
  const graph = loopGraph(2, saver);
  const profiler = profile(graph);
  await expect(graph.invoke(hello(), { configurable: { thread_id: "fail" }, durability: "sync" })).rejects.toThrow("disk full");
  profiler.detach();
  const put = profiler.report().io.find((s) => s.op === "checkpoint.put")!;
  expect(put.errors).toBeGreaterThanOrEqual(1);
});

it("records node cache get and set", async () => {
  const State = Annotation.Root({ n: Annotation<number>() });
  let computed = 0;
  const graph = new StateGraph(State)
    .addNode(
      "expensive",
      async (state) => {
        computed += 1;
        await sleep(2);
        return { n: state.n * 2 };
      },
      { cachePolicy: { ttl: 60 } },
    )
    .addEdge(START, "expensive")
    .addEdge("expensive", END)
    .compile({ cache: new InMemoryCache() });
  const profiler = profile(graph);
  expect((await graph.invoke({ n: 2 })).n).toBe(4);
  expect((await graph.invoke({ n: 2 })).n).toBe(4);
  profiler.detach();
  expect(computed).toBe(1);

  const report = profiler.report();
  const ops = Object.fromEntries(report.io.map((s) => [s.op, s.count]));
  expect(ops["cache.get"]).toBeGreaterThanOrEqual(2);
  expect(ops["cache.set"]).toBeGreaterThanOrEqual(1);
  expect(report.totals.cacheCalls).toBe(ops["cache.get"] + ops["cache.set"]);
  // The cached second run did not run the node.
  expect(report.nodes.find((n) => n.name === "expensive")!.count).toBe(1);
});
