/**
 * Entry of `pnpm --filter @flg/bench bench`.
 *
 *   --quick              CI-sized run (< 60 s): smaller sizes and counts, no 1 MB case, 2,000-checkpoint list
 *   --only=a,b           groups to run: put-get, list, graph-loop, graph-chat (default: all)
 *   --contender=a,b      only these contenders: none, memory, official, ours (for profiling)
 *   --write / --no-write write docs/benchmarks{.md,/checkpoint.json,/checkpoint.svg}; default: write on a
 *                        full run of all contenders, print only otherwise
 *   --wait-quiet         before each group, wait (up to 10 min) until other processes use < 5 % of the CPU
 *   --render             only regenerate docs/benchmarks.md and the chart from docs/benchmarks/checkpoint.json
 */
import { loadavg } from "node:os";
import { relative } from "node:path";

import { SqliteSaver as OfficialSqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";

import * as putGet from "./checkpoint-put-get.js";
import * as list from "./checkpoint-list.js";
import { benchDir, removeBenchDir, removeDatabase } from "./contenders.js";
import * as graphChat from "./graph-chat.js";
import * as graphLoop from "./graph-loop.js";
import { DOCS_MD, machineInfo, mergeReport, readReport, renderConsole, writeReport } from "./report.js";
import { CONTENDER_ORDER, type BenchReport, type ContenderId, type GroupResult, type RunOptions } from "./results.js";
import { markLoad, otherLoadSince, waitForQuiet } from "./machine-load.js";
import { elapsedMs, now } from "./stats.js";

const GROUPS: Record<string, (options: RunOptions) => Promise<GroupResult>> = {
  "put-get": putGet.run,
  list: list.run,
  "graph-loop": graphLoop.run,
  "graph-chat": graphChat.run,
};

interface Args {
  quick: boolean;
  only: string[];
  contenders?: ContenderId[];
  write: boolean;
  waitQuiet: boolean;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = argv.includes("--quick");
  const only = value("only")?.split(",").filter(Boolean) ?? Object.keys(GROUPS);
  for (const g of only) if (!GROUPS[g]) throw new Error(`unknown group "${g}"; groups: ${Object.keys(GROUPS).join(", ")}`);
  const contenders = value("contender")?.split(",").filter(Boolean) as ContenderId[] | undefined;
  for (const c of contenders ?? []) if (!CONTENDER_ORDER.includes(c)) throw new Error(`unknown contender "${c}"; contenders: ${CONTENDER_ORDER.join(", ")}`);
  const write = argv.includes("--write") || (!argv.includes("--no-write") && !quick && contenders === undefined);
  return { quick, only, contenders, write, waitQuiet: argv.includes("--wait-quiet") };
}

/** The SQLite settings each saver really runs with, read back where the saver allows it. */
async function saverSettings(): Promise<BenchReport["saverSettings"]> {
  const path = `${benchDir()}/settings-probe.sqlite`;
  const official = OfficialSqliteSaver.fromConnString(path);
  await official.getTuple({ configurable: { thread_id: "probe" } }); // runs its (protected) setup()
  const journal = official.db.pragma("journal_mode", { simple: true });
  const sync = official.db.pragma("synchronous", { simple: true }) as number;
  official.db.close();
  removeDatabase(path);
  const syncName = ["OFF", "NORMAL", "FULL", "EXTRA"][sync] ?? String(sync);
  return {
    none: "graph compiled without a checkpointer (the floor: LangGraph's own cost)",
    noop: "a BaseCheckpointSaver whose methods store nothing and resolve at once (LangGraph's own checkpointing cost; graph-loop only)",
    memory: "`MemorySaver` from @langchain/langgraph-checkpoint (JsonPlusSerializer into in-process maps)",
    official: `\`SqliteSaver.fromConnString(file)\` from @langchain/langgraph-checkpoint-sqlite: journal_mode=${String(journal).toUpperCase()}, synchronous=${syncName} (better-sqlite3 default), every put stores the whole checkpoint with all channel values, statements run synchronously on the JS thread`,
    ours: "`SqliteSaver.fromConnString(file)` from @flg/checkpoint-sqlite: journal_mode=WAL, synchronous=NORMAL (its default; a process crash loses nothing, a power cut may lose the last commits), only changed channels stored, grown lists stored as deltas, SQLite work on the libuv pool",
  };
}

async function main(): Promise<void> {
  if (process.argv.includes("--render")) {
    const stored = readReport();
    if (!stored) throw new Error("no docs/benchmarks/checkpoint.json to render");
    writeReport(stored);
    return;
  }
  const args = parseArgs(process.argv.slice(2));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      removeBenchDir();
      process.exit(130);
    });
  }
  const started = now();
  const log = (line: string) => process.stderr.write(`[${(elapsedMs(started) / 1000).toFixed(1)}s] ${line}\n`);
  const machine = machineInfo();
  log(`${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${args.quick ? "quick" : "full"} run of ${args.only.join(", ")}`);
  if (machine.loadAvg.start > 0.5) log(`warning: load average ${machine.loadAvg.start.toFixed(2)}: other processes share the CPU, numbers will be noisy`);
  const groups: GroupResult[] = [];
  let settings: BenchReport["saverSettings"];
  try {
    settings = await saverSettings();
    for (const id of args.only) {
      if (args.waitQuiet) await waitForQuiet(log);
      log(`group ${id}…`);
      const mark = markLoad();
      const result = await GROUPS[id]({ quick: args.quick, contenders: args.contenders, log });
      result.otherCpuShare = otherLoadSince(mark);
      result.measuredAt = new Date().toISOString();
      groups.push(result);
      const others = result.otherCpuShare === undefined ? "" : `; other processes used ${(result.otherCpuShare * 100).toFixed(0)} % of the CPU`;
      log(`group ${id} done in ${result.seconds.toFixed(1)} s${others}`);
    }
  } finally {
    removeBenchDir();
  }
  machine.loadAvg.end = loadavg()[0];
  const flags = process.argv.slice(2).join(" ");
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    quick: args.quick,
    command: `pnpm --filter @flg/bench bench${flags ? ` ${flags}` : ""}`,
    machine,
    saverSettings: settings,
    groups,
  };
  process.stdout.write(`${renderConsole(groups)}\n\nTotal: ${(elapsedMs(started) / 1000).toFixed(1)} s\n`);
  if (args.write) {
    writeReport(mergeReport(readReport(), report));
    log(`wrote ${relative(process.cwd(), DOCS_MD)} and docs/benchmarks/checkpoint.{json,svg}`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
