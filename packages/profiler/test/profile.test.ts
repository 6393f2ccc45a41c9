import { Command, CompiledStateGraph, MemorySaver } from "@langchain/langgraph";

import { profile, type ProfileReport } from "@flg/profiler";

import { approvalGraph, failingGraph, fanOutGraph, flakyGraph, hello, loopGraph, sendGraph, subgraphAsNode, subgraphInFunction } from "./graphs.js";

function node(report: ProfileReport, name: string) {
  const found = report.nodes.find((n) => n.name === name);
  if (found === undefined) throw new Error(`no node "${name}" in ${report.nodes.map((n) => n.name).join(", ")}`);
  return found;
}

describe("profile(graph)", () => {
  it("records every step and node of a loop, with percentiles", async () => {
    const graph = loopGraph(20);
    const profiler = profile(graph);
    const out = await graph.invoke(hello());
    profiler.detach();
    expect(out.messages).toHaveLength(21);

    const report = profiler.report();
    expect(report.totals.runs).toBe(1);
    // Step 0 runs the input (__start__), steps 1..20 the agent.
    expect(report.totals.steps).toBe(21);
    expect(report.runs[0].steps.map((s) => s.step)).toEqual(Array.from({ length: 21 }, (_, i) => i));
    expect(report.runs[0].status).toBe("ok");
    const agent = node(report, "agent");
    expect(agent).toMatchObject({ count: 20, attempts: 20, tasks: 20, errors: 0, retries: 0, depth: 0, path: ["agent"] });
    expect(agent.p50Ms).toBeGreaterThan(0);
    expect(agent.p50Ms).toBeLessThanOrEqual(agent.p95Ms);
    expect(agent.p95Ms).toBeLessThanOrEqual(agent.p99Ms);
    expect(agent.p99Ms).toBeLessThanOrEqual(agent.maxMs * 1.001);
    expect(agent.histogram.reduce((n, b) => n + b.count, 0)).toBe(20);
    expect(node(report, "__start__").count).toBe(1);
    expect(report.histogramBackend).toBe("native");

    // Wall = node time + retry wait + loop overhead, and each step splits the same way.
    const t = report.totals;
    expect(t.nodeMs + t.retryWaitMs + t.loopOverheadMs).toBeCloseTo(t.wallMs, 6);
    for (const s of report.runs[0].steps) expect(s.nodeMs + s.retryWaitMs + s.overheadMs).toBeCloseTo(s.durationMs, 6);
    expect(t.loopOverheadPct).toBeGreaterThan(0);
    expect(report.steps.count).toBe(21);
    expect(report.steps.overhead.count).toBe(21);
  });

  it("puts parallel branches in one step and counts their overlap once", async () => {
    const graph = fanOutGraph();
    const profiler = profile(graph);
    const out = await graph.invoke({ log: [] });
    profiler.detach();
    expect([...out.log].sort()).toEqual(["fast", "join", "medium", "plan", "slow"]);

    const report = profiler.report();
    const [run] = report.runs;
    expect(run.steps.map((s) => [s.step, [...s.nodes].sort()])).toEqual([
      [0, ["__start__"]],
      [1, ["plan"]],
      [2, ["fast", "medium", "slow"]],
      [3, ["join"]],
    ]);
    const parallel = run.steps[2];
    const branchTotal = ["fast", "medium", "slow"].reduce((ms, name) => ms + node(report, name).totalMs, 0);
    // Node time of the step is the union of the three intervals: about the slowest branch, not the sum.
    expect(parallel.nodeMs).toBeGreaterThanOrEqual(node(report, "slow").totalMs - 0.01);
    expect(parallel.nodeMs).toBeLessThan(branchTotal);
    expect(node(report, "slow").totalMs).toBeGreaterThan(node(report, "fast").totalMs);
    const tasksOfStep = report.tasks.filter((task) => task.step === 2);
    expect(tasksOfStep).toHaveLength(3);
  });

  it("records each Send task of a map step", async () => {
    const graph = sendGraph();
    const profiler = profile(graph);
    const out = await graph.invoke({ topics: ["a", "b", "c", "d"] });
    profiler.detach();
    expect([...out.results].sort()).toEqual(["A", "B", "C", "D"]);

    const report = profiler.report();
    expect(report.nodes.find((n) => n.name === "summarize")).toMatchObject({ count: 4, tasks: 4 });
    const mapStep = report.runs[0].steps.find((s) => s.nodes.includes("summarize"))!;
    expect(report.tasks.filter((t) => t.step === mapStep.step)).toHaveLength(4);
  });

  it("nests a subgraph used as a node under that node", async () => {
    const graph = subgraphAsNode();
    const profiler = profile(graph);
    await graph.invoke(hello());
    profiler.detach();

    const report = profiler.report();
    expect(report.totals).toMatchObject({ runs: 1, subgraphRuns: 1 });
    const [root, sub] = report.runs;
    expect(sub).toMatchObject({ parentId: root.id, path: ["research"], depth: 1, status: "ok" });
    expect(sub.steps.map((s) => s.nodes)).toEqual([["__start__"], ["think"], ["answer"]]);
    expect(node(report, "research › think")).toMatchObject({ count: 1, depth: 1, path: ["research", "think"] });
    expect(node(report, "research › answer").count).toBe(1);
    // The subgraph ran inside the parent's task.
    const research = report.tasks.find((t) => t.name === "research")!;
    expect(sub.start).toBeGreaterThanOrEqual(research.start);
    expect(sub.start + sub.durationMs).toBeLessThanOrEqual(research.start + research.durationMs + 0.01);
    // Root totals count the research node once (its children are inside it).
    expect(report.totals.steps).toBe(root.steps.length);
  });

  it("finds a subgraph invoked from inside a node function", async () => {
    const graph = subgraphInFunction();
    const profiler = profile(graph);
    await graph.invoke(hello());
    profiler.detach();

    const report = profiler.report();
    expect(report.totals.subgraphRuns).toBe(1);
    expect(report.runs[1]).toMatchObject({ parentId: report.runs[0].id, path: ["delegate"] });
    expect(node(report, "delegate › think").count).toBe(1);
  });

  it("marks an interrupt and the resumed run", async () => {
    const graph = approvalGraph(new MemorySaver());
    const profiler = profile(graph);
    const config = { configurable: { thread_id: "approval-1" } };
    const first = await graph.invoke({ draft: "" }, config);
    expect((first as Record<string, unknown>).__interrupt__).toHaveLength(1);
    const second = await graph.invoke(new Command({ resume: true }), config);
    expect(second.approved).toBe(true);
    profiler.detach();

    const report = profiler.report();
    expect(report.runs.map((r) => r.status)).toEqual(["interrupted", "ok"]);
    expect(report.runs[0].threadId).toBe("approval-1");
    const review = node(report, "review");
    expect(review).toMatchObject({ attempts: 2, tasks: 2, interrupts: 1, errors: 0 });
    expect(report.errors).toEqual([expect.objectContaining({ name: "review", status: "interrupt", retried: false, message: expect.stringContaining("GraphInterrupt") })]);
    expect(report.totals.interrupts).toBe(1);
    expect(node(report, "publish").count).toBe(1);
  });

  it("counts retries of a node under a retry policy and the backoff between them", async () => {
    const graph = flakyGraph(2, 3);
    const profiler = profile(graph);
    const out = await graph.invoke({ value: 0 });
    profiler.detach();
    expect(out.value).toBe(4);

    const report = profiler.report();
    const flaky = node(report, "flaky");
    expect(flaky).toMatchObject({ attempts: 3, tasks: 1, errors: 2, retries: 2 });
    expect(report.tasks.filter((t) => t.node === "flaky").map((t) => [t.attempt, t.status])).toEqual([
      [1, "error"],
      [2, "error"],
      [3, "ok"],
    ]);
    expect(report.errors.map((e) => [e.attempt, e.retried, e.message])).toEqual([
      [1, true, "Error: flaky failure 1"],
      [2, true, "Error: flaky failure 2"],
    ]);
    // Two backoffs of >= 5 ms, outside both node time and loop overhead.
    expect(report.totals.retryWaitMs).toBeGreaterThanOrEqual(9);
    const flakyStep = report.runs[0].steps.find((s) => s.nodes.includes("flaky"))!;
    expect(flakyStep.retryWaitMs).toBeGreaterThanOrEqual(9);
    expect(report.runs[0].status).toBe("ok");
  });

  it("records a node that throws and the failed run", async () => {
    const graph = failingGraph();
    const profiler = profile(graph);
    await expect(graph.invoke({ value: 0 })).rejects.toThrow("cannot read the weather");
    profiler.detach();

    const report = profiler.report();
    expect(report.runs[0]).toMatchObject({ status: "error", error: "TypeError: cannot read the weather" });
    expect(node(report, "boom")).toMatchObject({ attempts: 1, errors: 1, retries: 0 });
    expect(node(report, "ok").errors).toBe(0);
    expect(report.errors).toEqual([expect.objectContaining({ name: "boom", status: "error", retried: false, message: "TypeError: cannot read the weather" })]);
  });

  it("records stream() runs, including one the consumer stops early", async () => {
    const graph = loopGraph(10);
    const profiler = profile(graph);
    let chunks = 0;
    for await (const update of await graph.stream(hello(), { streamMode: "updates" })) {
      expect(update).toHaveProperty("agent");
      chunks += 1;
    }
    expect(chunks).toBe(10);
    for await (const _ of await graph.stream(hello(), { streamMode: "values" })) {
      if (++chunks > 13) break;
    }
    profiler.detach();

    const report = profiler.report();
    expect(report.runs.map((r) => r.status)).toEqual(["ok", "cancelled"]);
    expect(report.runs[0].steps).toHaveLength(11);
    expect(report.runs[1].steps.length).toBeLessThan(11);
  });

  it("records streamEvents, subgraph streaming and copies made with withConfig", async () => {
    const graph = subgraphAsNode();
    const profiler = profile(graph);
    let events = 0;
    for await (const _ of graph.streamEvents(hello(), { version: "v2" })) events += 1;
    let chunks = 0;
    for await (const _ of await graph.stream(hello(), { subgraphs: true, streamMode: "updates" })) chunks += 1;
    await graph.withConfig({ runName: "renamed" }).invoke(hello());
    profiler.detach();
    expect(events).toBeGreaterThan(0);
    expect(chunks).toBe(4); // prepare, research › think, research › answer, research
    expect(Object.prototype.hasOwnProperty.call(graph, "withConfig")).toBe(false);

    const report = profiler.report();
    const roots = report.runs.filter((r) => r.parentId === undefined);
    expect(roots.map((r) => r.name)).toEqual(["LangGraph", "LangGraph", "renamed"]);
    expect(report.totals.subgraphRuns).toBe(3);
    expect(report.nodes.find((n) => n.name === "research › think")?.count).toBe(3);
  });

  it("keeps concurrent runs of one graph apart", async () => {
    const graph = loopGraph(5);
    const profiler = profile(graph);
    await Promise.all([graph.invoke(hello()), graph.invoke(hello()), graph.invoke(hello())]);
    profiler.detach();

    const report = profiler.report();
    expect(report.totals.runs).toBe(3);
    for (const run of report.runs) expect(run.steps).toHaveLength(6);
    expect(node(report, "agent")).toMatchObject({ count: 15, tasks: 15 });
  });

  it("times the checkpointer without changing what it stores", async () => {
    const saver = new MemorySaver();
    const graph = subgraphAsNode(saver);
    const profiler = profile(graph);
    expect(graph.checkpointer).not.toBe(saver);
    expect(graph.checkpointer).toBeInstanceOf(MemorySaver);
    const config = { configurable: { thread_id: "t-io" } };
    await graph.invoke(hello(), config);
    const state = await graph.getState(config);
    profiler.detach();
    expect(graph.checkpointer).toBe(saver);
    expect(state.values.messages).toHaveLength(4);

    const report = profiler.report();
    const ops = Object.fromEntries(report.io.map((io) => [io.op, io.count]));
    expect(ops["checkpoint.put"]).toBeGreaterThanOrEqual(report.totals.steps);
    expect(ops["checkpoint.putWrites"]).toBeGreaterThan(0);
    expect(ops["checkpoint.getTuple"]).toBeGreaterThanOrEqual(2);
    expect(report.totals.checkpointCalls).toBe(report.ioCalls.length);
    // Calls made during a run belong to it (the subgraph's to the subgraph run).
    const runIds = new Set(report.ioCalls.map((c) => c.runId));
    expect(runIds).toContain(report.runs[0].id);
    expect(runIds).toContain(report.runs[1].id);

    // The run context never reaches the stored checkpoint.
    for await (const tuple of saver.list(config)) {
      expect(JSON.stringify(tuple.metadata)).not.toContain("flg");
      expect(Object.keys(tuple.config.configurable ?? {})).not.toContain("__flg_profiler_run");
    }
  });

  it("leaves the graph and LangGraph untouched when disabled, and restores them on detach", async () => {
    const proto = Object.getPrototypeOf(CompiledStateGraph.prototype) as Record<string, unknown>;
    const pristine = proto._streamIterator;
    const graph = loopGraph(3, new MemorySaver());
    const saver = graph.checkpointer;

    const off = profile(graph, { enabled: false });
    expect(off.enabled).toBe(false);
    expect(proto._streamIterator).toBe(pristine);
    expect(graph.checkpointer).toBe(saver);
    await graph.invoke(hello(), { configurable: { thread_id: "off" } });
    expect(off.report().runs).toHaveLength(0);

    const a = profile(graph);
    const b = profile(loopGraph(3));
    expect(proto._streamIterator).not.toBe(pristine);
    expect(() => profile(graph)).toThrow(expect.objectContaining({ code: "FLG_PROFILER_ALREADY_PROFILED" }));
    a.detach();
    expect(proto._streamIterator).not.toBe(pristine); // b still holds the probes
    b.detach();
    expect(proto._streamIterator).toBe(pristine);
    expect(graph.checkpointer).toBe(saver);

    await graph.invoke(hello(), { configurable: { thread_id: "after" } });
    expect(a.report().runs).toHaveLength(0);
  });

  it("pauses, resumes and resets", async () => {
    const graph = loopGraph(2);
    const profiler = profile(graph);
    profiler.setRecording(false);
    await graph.invoke(hello());
    expect(profiler.report().runs).toHaveLength(0);
    profiler.setRecording(true);
    await graph.invoke(hello());
    expect(profiler.report().runs).toHaveLength(1);
    profiler.reset();
    expect(profiler.report().totals.runs).toBe(0);
    profiler.detach();
  });

  it("refuses what is not a compiled graph", () => {
    expect(() => profile({} as object)).toThrow(expect.objectContaining({ code: "FLG_PROFILER_NOT_A_GRAPH" }));
  });

  it("caps what it keeps at maxEvents and says so", async () => {
    const graph = loopGraph(10);
    const profiler = profile(graph, { maxEvents: 5 });
    await graph.invoke(hello());
    profiler.detach();
    const report = profiler.report();
    expect(report.tasks).toHaveLength(5);
    expect(report.dropped).toBe(6);
    expect(profiler.table()).toContain("6 events not recorded");
  });
});
