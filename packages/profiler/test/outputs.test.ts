import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { MemorySaver } from "@langchain/langgraph";

import { formatMs, profile, toChromeTrace, type ChromeTrace, type TraceEvent } from "@flg/profiler";

import { failingGraph, fanOutGraph, hello, subgraphAsNode } from "./graphs.js";

async function sampleProfile() {
  const graph = subgraphAsNode(new MemorySaver());
  const profiler = profile(graph, { name: "sample" });
  await graph.invoke(hello(), { configurable: { thread_id: "trace" } });
  await graph.invoke(hello(), { configurable: { thread_id: "trace-2" } });
  profiler.detach();
  return profiler;
}

const threadNames = (trace: ChromeTrace, pid: number) =>
  new Map(trace.traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name" && e.pid === pid).map((e) => [e.tid, String(e.args?.name)]));

describe("Chrome trace", () => {
  it("has a process per run and a track per node, subgraph tracks after their node", async () => {
    const profiler = await sampleProfile();
    const trace = JSON.parse(JSON.stringify(profiler.trace())) as ChromeTrace;
    expect(trace.displayTimeUnit).toBe("ms");
    const complete = trace.traceEvents.filter((e): e is TraceEvent & { ts: number; dur: number } => e.ph === "X");
    for (const e of complete) {
      expect(Number.isInteger(e.ts) && e.ts >= 0).toBe(true);
      expect(Number.isInteger(e.dur) && e.dur >= 0).toBe(true);
    }
    const processes = trace.traceEvents.filter((e) => e.name === "process_name").map((e) => e.args?.name);
    expect(processes).toEqual(["run 1: LangGraph (thread trace)", "run 3: LangGraph (thread trace-2)"]);

    const names = threadNames(trace, 1);
    const order = [...names].filter(([tid]) => tid >= 10).sort((a, b) => a[0] - b[0]).map(([, name]) => name);
    expect(order).toEqual(["steps", "__start__", "prepare", "research", "research › steps", "research › __start__", "research › think", "research › answer"]);
    expect([...names.values()]).toEqual(expect.arrayContaining(["graph", "checkpointer"]));

    const tidOf = (name: string) => [...names].find(([, n]) => n === name)![0];
    const think = complete.filter((e) => e.pid === 1 && e.tid === tidOf("research › think"));
    expect(think).toHaveLength(1);
    expect(think[0]).toMatchObject({ name: "think", cat: "node", args: { node: "research › think", step: 1, attempt: 1, status: "ok" } });
    const research = complete.find((e) => e.pid === 1 && e.tid === tidOf("research"))!;
    expect(think[0].ts).toBeGreaterThanOrEqual(research.ts);
    expect(think[0].ts + think[0].dur).toBeLessThanOrEqual(research.ts + research.dur + 1);
    const steps = complete.filter((e) => e.pid === 1 && e.tid === tidOf("steps"));
    expect(steps.map((e) => e.name)).toEqual(["step 0", "step 1", "step 2"]);
    expect(complete.filter((e) => e.pid === 1 && e.tid === 2).length).toBeGreaterThan(0); // checkpointer calls
  });

  it("marks failed attempts", async () => {
    const graph = failingGraph();
    const profiler = profile(graph);
    await graph.invoke({ value: 0 }).catch(() => undefined);
    profiler.detach();
    const failed = toChromeTrace(profiler.report()).traceEvents.find((e) => e.cat === "error")!;
    expect(failed).toMatchObject({ name: "boom", args: { status: "error", error: "TypeError: cannot read the weather" } });
  });
});

describe("console table", () => {
  it("lists nodes with counts and percentiles, subgraph nodes indented under theirs", async () => {
    const table = (await sampleProfile()).table();
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^sample: 2 runs, 6 steps, 12 task attempts, wall [\d.]+ ms, 2 subgraph runs$/);
    expect(lines[1]).toMatch(/^node\s+\| calls \| err \| retry \| total ms \|\s+mean \|\s+p50 \|\s+p95 \|\s+p99 \|\s+max \|\s+%$/);
    const rows = lines.slice(3, 9).map((l) => l.split(" | ")[0].trimEnd());
    expect(rows.filter((r) => !r.startsWith(" ")).sort()).toEqual(["__start__", "prepare", "research"]);
    const research = rows.indexOf("research");
    expect(rows.slice(research + 1, research + 4).sort()).toEqual(["  __start__", "  answer", "  think"]);
    expect(table).toMatch(/^steps: 6, step time p50/m);
    expect(table).toMatch(/^loop overhead: [\d.]+ ms \([\d.]+ % of wall\)/m);
    expect(table).toMatch(/^checkpoint\.put: \d+ calls/m);
  });

  it("formats milliseconds to a useful precision", () => {
    expect([0, 0.0123, 1.234, 12.34, 123.4, 12345.6, Number.NaN].map(formatMs)).toEqual(["0", "0.012", "1.23", "12.3", "123.4", "12346", "–"]);
  });
});

describe("write()", () => {
  const dir = mkdtempSync(join(tmpdir(), "flg-profiler-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes html, trace and json that read back", async () => {
    const graph = fanOutGraph();
    const profiler = profile(graph);
    await graph.invoke({ log: [] });
    profiler.detach();
    const files = await profiler.write(dir, { basename: "fan" });
    expect(files).toEqual({ html: join(dir, "fan.html"), trace: join(dir, "fan.trace.json"), json: join(dir, "fan.json") });
    const report = JSON.parse(readFileSync(files.json, "utf8"));
    expect(report.format).toBe("flg-profile/1");
    expect(report.nodes.map((n: { name: string }) => n.name)).toEqual(expect.arrayContaining(["plan", "fast", "medium", "slow", "join"]));
    expect(JSON.parse(readFileSync(files.trace, "utf8")).traceEvents.length).toBeGreaterThan(10);
    const html = readFileSync(files.html, "utf8");
    expect(html).toContain("<!doctype html>");
    // Self-contained: nothing is fetched (the SVG namespace is an identifier, not a request).
    expect(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', "")).not.toMatch(/https?:\/\/|\bsrc=|<link\b|url\(/);
  });
});
