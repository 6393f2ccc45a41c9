/**
 * Group "profiler-overhead": what @flg/profiler costs on the 1000-step MessagesAnnotation loop
 * (graphs.ts `loopGraph`: one node appending an AIMessage, a conditional edge back to itself, one
 * invoke, no checkpointer). Contenders, interleaved:
 *   - "off":       the graph as built (also what `profile(graph, { enabled: false })` leaves);
 *   - "profile":   `profile(graph)`, the probes on LangGraph's prototypes (the default);
 *   - "callbacks": `ProfilerCallbackHandler` in `config.callbacks` (any LangChain callback
 *                  handler makes @langchain/core build a run tree per runnable).
 * Only `invoke` is timed, as wall time and as this process's CPU time (user + system, which
 * includes GC threads): on a shared machine other processes stretch wall time but not CPU time,
 * so the target is judged on CPU time and both are reported. Building the report afterwards is
 * measured on its own. Target: profile() ≤ 5 % over off (median of the per-round ratios).
 *
 *   npx tsx src/profiler-overhead.ts [--quick]
 */
import { HumanMessage } from "@langchain/core/messages";
import { profile, ProfilerCallbackHandler } from "@flg/profiler";

import { graphConfig, loopGraph } from "./graphs.js";
import { elapsedMs, interleave, now, summarize, summarizeAll, type Summary } from "./stats.js";

export type OverheadContender = "off" | "profile" | "callbacks";

export interface ProfilerOverheadOptions {
  quick?: boolean;
  log?: (line: string) => void;
}

export interface ProfilerOverheadResult {
  id: "profiler-overhead";
  title: string;
  method: string;
  steps: number;
  /** Whole-invoke time per contender, ms. */
  invokeMs: Record<OverheadContender, Summary>;
  /** Per step, µs. */
  usPerStep: Record<OverheadContender, Summary>;
  /** CPU time (user + system) of the invoke, ms. */
  cpuMs: Record<OverheadContender, Summary>;
  /** Median over rounds of (contender / off − 1) × 100 of CPU time, same round. */
  overheadPct: Record<Exclude<OverheadContender, "off">, number>;
  /** The same on wall time. */
  wallOverheadPct: Record<Exclude<OverheadContender, "off">, number>;
  /** analyze() + HTML + trace of one profiled run, ms. */
  reportMs: Summary;
  target: { description: string; measured: string; met: boolean };
  seconds: number;
}

const CONTENDERS: OverheadContender[] = ["off", "profile", "callbacks"];

export async function run(options: ProfilerOverheadOptions = {}): Promise<ProfilerOverheadResult> {
  const log = options.log ?? (() => undefined);
  const started = now();
  const steps = options.quick ? 200 : 1000;
  const rounds = options.quick ? { warmup: 1, iterations: 3 } : { warmup: 2, iterations: 15 };
  const input = () => ({ messages: [new HumanMessage({ id: "start", content: "Plan a three-city trip." })] });
  const reportMs: number[] = [];

  const samples = await interleave(CONTENDERS, { ...rounds, gcBetween: true }, async (id, round) => {
    const graph = loopGraph(steps);
    const profiler = id === "profile" ? profile(graph, { enabled: true }) : undefined;
    const config = { ...graphConfig(`overhead-${round}`, steps), ...(id === "callbacks" ? { callbacks: [new ProfilerCallbackHandler()] } : {}) };
    try {
      const c0 = process.cpuUsage();
      const t0 = now();
      const out = await graph.invoke(input(), config);
      const ms = elapsedMs(t0);
      const cpu = process.cpuUsage(c0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      if (out.messages.length !== steps + 1) throw new Error(`profiler-overhead: ${id} ended with ${out.messages.length} messages, expected ${steps + 1}`);
      if (profiler !== undefined) {
        const r0 = now();
        const report = profiler.report();
        profiler.html();
        profiler.trace();
        if (round >= rounds.warmup) reportMs.push(elapsedMs(r0));
        if (report.totals.steps !== steps + 1) throw new Error(`profiler-overhead: recorded ${report.totals.steps} steps, expected ${steps + 1}`);
      }
      log(`profiler-overhead ${round < rounds.warmup ? "warmup" : "round"} ${round} ${id}: ${ms.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU`);
      return { invokeMs: ms, usPerStep: (ms * 1000) / steps, cpuMs };
    } finally {
      profiler?.detach();
    }
  });

  const summary = summarizeAll(samples);
  const pick = (metric: string) => Object.fromEntries(CONTENDERS.map((id) => [id, summary[id][metric]])) as Record<OverheadContender, Summary>;
  const ratioPct = (id: OverheadContender, metric: "cpuMs" | "invokeMs") => {
    const off = samples.off[metric];
    return summarize(samples[id][metric].map((ms, i) => (ms / off[i] - 1) * 100)).median;
  };
  const overheadPct = { profile: ratioPct("profile", "cpuMs"), callbacks: ratioPct("callbacks", "cpuMs") };
  const wallOverheadPct = { profile: ratioPct("profile", "invokeMs"), callbacks: ratioPct("callbacks", "invokeMs") };
  return {
    id: "profiler-overhead",
    title: `@flg/profiler on the ${steps}-step MessagesAnnotation loop, one invoke`,
    method:
      `loopGraph(${steps}) without checkpointer; ${rounds.warmup} warmup + ${rounds.iterations} measured rounds, contenders ` +
      `interleaved with a rotating start, GC between runs when exposed; a fresh graph per run. Only invoke() is timed.`,
    steps,
    invokeMs: pick("invokeMs"),
    usPerStep: pick("usPerStep"),
    cpuMs: pick("cpuMs"),
    overheadPct,
    wallOverheadPct,
    reportMs: summarize(reportMs),
    target: {
      description: `${steps}-step loop: profile() adds ≤ 5 % to invoke()`,
      measured: `${overheadPct.profile.toFixed(1)} % CPU time (${wallOverheadPct.profile.toFixed(1)} % wall)`,
      met: overheadPct.profile <= 5,
    },
    seconds: elapsedMs(started) / 1000,
  };
}

/** Markdown rows for docs: contender, wall µs/step, CPU ms per invoke, overhead. */
export function formatRows(result: ProfilerOverheadResult): string {
  const pct = (id: OverheadContender, of: Record<Exclude<OverheadContender, "off">, number>) => (id === "off" ? "–" : `${of[id].toFixed(1)} %`);
  const row = (id: OverheadContender, label: string) =>
    `| ${label} | ${result.usPerStep[id].median.toFixed(0)} | ${result.cpuMs[id].median.toFixed(0)} | ${pct(id, result.overheadPct)} | ${pct(id, result.wallOverheadPct)} |`;
  return [
    `| ${result.steps}-step loop, one invoke | wall µs/step (median) | CPU ms/invoke (median) | overhead, CPU | overhead, wall |`,
    "|---|---:|---:|---:|---:|",
    row("off", "no profiler (or `enabled: false`)"),
    row("profile", "`profile(graph)`"),
    row("callbacks", "`ProfilerCallbackHandler`"),
    "",
    `Report (analyze + HTML + trace) of one ${result.steps}-step run: ${result.reportMs.median.toFixed(1)} ms median.`,
  ].join("\n");
}

// Only when run as a script, not when imported.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) {
  const result = await run({ quick: process.argv.includes("--quick"), log: (line) => console.error(line) });
  console.log(formatRows(result));
  console.log(`\n${result.target.description}: ${result.target.measured} — ${result.target.met ? "met" : "NOT met"} (${result.seconds.toFixed(0)} s)`);
}
