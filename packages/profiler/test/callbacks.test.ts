import { MemorySaver } from "@langchain/langgraph";

import { ProfilerCallbackHandler, ProfileSession, analyze } from "@flg/profiler";

import { approvalGraph, flakyGraph, hello, subgraphAsNode } from "./graphs.js";

describe("ProfilerCallbackHandler", () => {
  it("records the same structure from LangChain callbacks, subgraphs included", async () => {
    const handler = new ProfilerCallbackHandler({ name: "callbacks" });
    const graph = subgraphAsNode();
    await graph.invoke(hello(), { callbacks: [handler] });

    const report = analyze(handler.session);
    expect(report.name).toBe("callbacks");
    expect(report.totals).toMatchObject({ runs: 1, subgraphRuns: 1, steps: 3 });
    expect(report.runs[1]).toMatchObject({ parentId: report.runs[0].id, path: ["research"], status: "ok" });
    expect(report.nodes.map((n) => n.name).sort()).toEqual(["__start__", "prepare", "research", "research › __start__", "research › answer", "research › think"]);
    expect(report.runs[0].steps.map((s) => s.nodes)).toEqual([["__start__"], ["prepare"], ["research"]]);
  });

  it("counts retries and interrupts", async () => {
    const session = new ProfileSession();
    await flakyGraph(1, 2).invoke({ value: 0 }, { callbacks: [new ProfilerCallbackHandler(session)] });
    const config = { configurable: { thread_id: "cb" }, callbacks: [new ProfilerCallbackHandler(session)] };
    await approvalGraph(new MemorySaver()).invoke({ draft: "" }, config);

    const report = analyze(session);
    expect(report.nodes.find((n) => n.name === "flaky")).toMatchObject({ attempts: 2, tasks: 1, errors: 1, retries: 1 });
    expect(report.runs.map((r) => r.status)).toEqual(["ok", "interrupted"]);
    expect(report.totals.interrupts).toBe(1);
  });
});
