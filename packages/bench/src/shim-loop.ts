/**
 * Bench "shim-loop": what `@flg/shim` buys an unmodified app. The 1000-step loop of graph-loop
 * (StateGraph(MessagesAnnotation) from @langchain/langgraph, one node appending an AIMessage, a
 * conditional edge back to it until 1000 replies, one invoke), with no checkpointer and with the
 * official SqliteSaver, each with and without `patchLangGraph()`.
 *
 * Every sample runs in its own child process (patching is process-wide, and a patched and an
 * unpatched run in one process would share JIT state); children run one at a time, contenders
 * interleaved with a rotating start. Each child warms up on a short loop, then times `runs`
 * invokes on a fresh thread (and database file) each. Wall clock and process CPU time are both
 * reported; on a busy machine CPU time is the steadier of the two.
 *
 *   npx tsx src/shim-loop.ts [--rounds=3] [--runs=2] [--steps=1000] [--savers=none,official] [--wait-quiet]
 *
 * --wait-quiet waits (up to 2 min) before each child until other processes use < 5 % of the CPU.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { HumanMessage } from "@langchain/core/messages";
import { SqliteSaver as OfficialSqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";

import { graphConfig, loopGraph } from "./graphs.js";
import { markLoad, otherLoadSince, waitForQuiet } from "./machine-load.js";
import { collectGarbage, summarize, type Summary } from "./stats.js";


export type ShimLoopSaver = "none" | "official";

export interface ShimLoopOptions {
  /** Supersteps per measured invoke. @default 1000 */
  steps?: number;
  /** Child processes per contender. @default 3 */
  rounds?: number;
  /** Measured invokes per child. @default 2 */
  runs?: number;
  savers?: ShimLoopSaver[];
  /** Before each child, wait until the machine is quiet (see machine-load.ts). @default false */
  waitQuiet?: boolean;
  log?: (line: string) => void;
}

export interface ShimLoopRow {
  saver: ShimLoopSaver;
  shim: boolean;
  /** Wall-clock µs per superstep over every measured invoke of every child. */
  usPerStep: Summary;
  /** Process CPU µs per superstep (user + system, all threads). */
  cpuUsPerStep: Summary;
}

export interface ShimLoopResult {
  steps: number;
  rows: ShimLoopRow[];
  /** Median µs/step without the shim ÷ with it, per saver: wall clock and CPU time. */
  speedup: Partial<Record<ShimLoopSaver, { wall: number; cpu: number }>>;
  /** Largest share of the machine's CPU other processes used during any child's measured invokes. */
  maxOtherLoad: number | undefined;
}

interface ChildTask {
  saver: ShimLoopSaver;
  shim: boolean;
  steps: number;
  warmupSteps: number;
  runs: number;
}

interface ChildResult {
  usPerStep: number[];
  cpuUsPerStep: number[];
  otherLoad: number | undefined;
}

/** Runs the comparison; children are spawned from this file with the current Node flags (tsx). */
export async function runShimLoop(options: ShimLoopOptions = {}): Promise<ShimLoopResult> {
  const steps = options.steps ?? 1000;
  const rounds = options.rounds ?? 3;
  const runs = options.runs ?? 2;
  const savers = options.savers ?? ["none", "official"];
  const log = options.log ?? (() => {});
  const contenders = savers.flatMap((saver) => [false, true].map((shim) => ({ saver, shim })));
  const samples = new Map(contenders.map((c) => [key(c), { usPerStep: [] as number[], cpuUsPerStep: [] as number[] }]));
  let maxOtherLoad: number | undefined;

  for (let round = 0; round < rounds; round += 1) {
    for (let k = 0; k < contenders.length; k += 1) {
      const { saver, shim } = contenders[(round + k) % contenders.length];
      if (options.waitQuiet) {
        const share = await waitForQuiet(() => {}, 0.05, 120_000);
        if (share !== undefined && share >= 0.05) log(`machine still busy after 2 min (others use ${(share * 100).toFixed(0)} % of the CPU); measuring anyway`);
      }
      const result = runChild({ saver, shim, steps, warmupSteps: Math.min(200, steps), runs });
      const sink = samples.get(key({ saver, shim }))!;
      sink.usPerStep.push(...result.usPerStep);
      sink.cpuUsPerStep.push(...result.cpuUsPerStep);
      if (result.otherLoad !== undefined) maxOtherLoad = Math.max(maxOtherLoad ?? 0, result.otherLoad);
      const load = result.otherLoad === undefined ? "" : `, others ${(result.otherLoad * 100).toFixed(0)} % CPU`;
      log(`round ${round} ${key({ saver, shim })}: ${result.usPerStep.map((v) => v.toFixed(0)).join(", ")} µs/step (cpu ${result.cpuUsPerStep.map((v) => v.toFixed(0)).join(", ")}${load})`);
    }
  }

  const rows: ShimLoopRow[] = contenders.map(({ saver, shim }) => {
    const s = samples.get(key({ saver, shim }))!;
    return { saver, shim, usPerStep: summarize(s.usPerStep), cpuUsPerStep: summarize(s.cpuUsPerStep) };
  });
  const speedup: ShimLoopResult["speedup"] = {};
  for (const saver of savers) {
    const off = rows.find((r) => r.saver === saver && !r.shim)!;
    const on = rows.find((r) => r.saver === saver && r.shim)!;
    speedup[saver] = { wall: off.usPerStep.median / on.usPerStep.median, cpu: off.cpuUsPerStep.median / on.cpuUsPerStep.median };
  }
  return { steps, rows, speedup, maxOtherLoad };
}

function key({ saver, shim }: { saver: ShimLoopSaver; shim: boolean }): string {
  return `${saver}${shim ? "+shim" : ""}`;
}

function runChild(task: ChildTask): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, [...process.execArgv, "--expose-gc", self, "--child", JSON.stringify(task)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  const lines = out.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as ChildResult;
}

/** One child: optionally patch, warm up, then time `runs` invokes. */
async function child(task: ChildTask): Promise<ChildResult> {
  if (task.shim) {
    // Imported only in the children that measure the shim: patching is process-wide.
    const { patchLangGraph } = await import("@flg/shim");
    const report = await patchLangGraph();
    const patched = report.entries.filter((e) => e.status === "patched" && e.copy === "esm").map((e) => e.patch);
    if (!patched.includes("messagesReducer") || !patched.includes("serializer")) {
      throw new Error(`shim-loop: patchLangGraph() did not patch the ESM copy: ${JSON.stringify(report)}`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "flg-shim-loop-"));
  try {
    const once = async (steps: number, name: string) => {
      const saver = task.saver === "official" ? OfficialSqliteSaver.fromConnString(join(dir, `${name}.sqlite`)) : undefined;
      const graph = loopGraph(steps, saver);
      collectGarbage();
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const out = await graph.invoke({ messages: [new HumanMessage({ id: "start", content: "Plan a three-city trip." })] }, graphConfig(name, steps));
      const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
      const cpu = process.cpuUsage(cpu0);
      saver?.db.close();
      if (out.messages.length !== steps + 1) throw new Error(`shim-loop: ended with ${out.messages.length} messages, expected ${steps + 1}`);
      return { wall: wallUs / steps, cpu: (cpu.user + cpu.system) / steps };
    };
    await once(task.warmupSteps, "warmup");
    const result: ChildResult = { usPerStep: [], cpuUsPerStep: [], otherLoad: undefined };
    const mark = markLoad();
    for (let i = 0; i < task.runs; i += 1) {
      const { wall, cpu } = await once(task.steps, `run-${i}`);
      result.usPerStep.push(wall);
      result.cpuUsPerStep.push(cpu);
    }
    result.otherLoad = otherLoadSince(mark);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function formatTable(result: ShimLoopResult): string {
  const lines = [
    `${result.steps}-step MessagesAnnotation loop, one invoke: µs per step, median (p95) over all measured invokes`,
    "",
    "| checkpointer | without shim | with shim | speedup (wall) | CPU without | CPU with | speedup (CPU) |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const [saver, speedup] of Object.entries(result.speedup)) {
    const off = result.rows.find((r) => r.saver === saver && !r.shim)!;
    const on = result.rows.find((r) => r.saver === saver && r.shim)!;
    const f = (s: Summary) => `${s.median.toFixed(0)} (${s.p95.toFixed(0)})`;
    lines.push(
      `| ${saver === "none" ? "none" : "official SqliteSaver"} | ${f(off.usPerStep)} | ${f(on.usPerStep)} | ${speedup!.wall.toFixed(2)}× | ` +
        `${f(off.cpuUsPerStep)} | ${f(on.cpuUsPerStep)} | ${speedup!.cpu.toFixed(2)}× |`,
    );
  }
  return lines.join("\n");
}

async function main(argv: string[]): Promise<void> {
  const childAt = argv.indexOf("--child");
  if (childAt !== -1) {
    console.log(JSON.stringify(await child(JSON.parse(argv[childAt + 1]) as ChildTask)));
    return;
  }
  const arg = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const result = await runShimLoop({
    steps: arg("steps") ? Number(arg("steps")) : undefined,
    rounds: arg("rounds") ? Number(arg("rounds")) : undefined,
    runs: arg("runs") ? Number(arg("runs")) : undefined,
    savers: arg("savers")?.split(",") as ShimLoopSaver[] | undefined,
    waitQuiet: argv.includes("--wait-quiet"),
    log: (line) => console.error(line),
  });
  console.log(formatTable(result));
  if (result.maxOtherLoad !== undefined) console.log(`\nother processes used up to ${(result.maxOtherLoad * 100).toFixed(0)} % of the CPU during a measurement`);
  const none = result.speedup.none;
  if (none) console.log(`\ntarget ≥ 1.5× with no checkpointer: ${none.wall.toFixed(2)}× wall, ${none.cpu.toFixed(2)}× CPU`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
