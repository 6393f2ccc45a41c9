/**
 * Splits the results behind missed targets into their parts, with the same data as the groups:
 *
 *   tsx src/breakdown.ts [--write] [--wait-quiet] [--only=put-get,list,timeline,database]
 *
 * 1. put+getTuple: serializer time (both directions) vs everything else (SQLite, napi, wrapper).
 * 2. list(): fixed cost vs cost per returned tuple (limits 1, 10, 50) on a 10,000-checkpoint thread.
 * 3. graph loop: when the last node ran vs when invoke returned (the tail spent finishing chained
 *    puts), when the first put resolved, and the main thread's own CPU time (Linux).
 * 4. database after the loop: bytes per table and index (SQLite's dbstat, read with the
 *    better-sqlite3 that the official saver brings).
 *
 * --write stores the tables in docs/benchmarks/checkpoint.json and regenerates docs/benchmarks.md.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg } from "node:os";

import { FastJsonPlusSerializer } from "@flg/checkpoint-sqlite";
import { HumanMessage } from "@langchain/core/messages";
import { JsonPlusSerializer, type BaseCheckpointSaver, type Checkpoint } from "@langchain/langgraph-checkpoint";

import { nextCheckpoint } from "./checkpoint-data.js";
import { databaseBytes, openSaver, removeBenchDir, removeDatabase, type OpenSaver, type SaverId } from "./contenders.js";
import { conversationOfSize, fakeReply } from "./fixtures.js";
import { formatValue } from "./format.js";
import { markLoad, otherLoadSince, waitForQuiet } from "./machine-load.js";
import { graphConfig, loopGraph } from "./graphs.js";
import { readReport, writeReport } from "./report.js";
import { CONTENDER_LABELS, type ContenderId, type Diagnostic } from "./results.js";
import { elapsedMs, interleave, now, summarize } from "./stats.js";

const ms = (v: number) => formatValue(v, "ms");
const median = (values: number[]) => summarize(values).median;

function diagnostic(title: string, note: string, columns: string[], rows: string[][], loadAvg: number): Diagnostic {
  return { title, note, columns, rows, command: `tsx src/breakdown.ts`, generatedAt: new Date().toISOString(), loadAvg };
}

async function putGetSplit(): Promise<Diagnostic> {
  const load = loadavg()[0];
  const serdes = { ours: new FastJsonPlusSerializer(), official: new JsonPlusSerializer() };
  const rows: string[][] = [];
  for (const [label, bytes, iterations] of [["100 KB", 100_000, 40], ["1 MB", 1_000_000, 10]] as const) {
    const { messages } = await conversationOfSize(bytes);
    const savers = { ours: openSaver("ours", "split"), official: openSaver("official", "split") };
    try {
      const samples = await interleave(["ours", "official"] as const, { warmup: 2, iterations, gcBetween: true }, async (id, i) => {
        const serde = serdes[id];
        let t0 = now();
        const [type, data] = await serde.dumpsTyped(messages);
        const ser = elapsedMs(t0);
        t0 = now();
        await serde.loadsTyped(type, data);
        const de = elapsedMs(t0);
        const { saver } = savers[id];
        const next = nextCheckpoint(saver, { messages }, 1);
        t0 = now();
        const saved = await saver.put({ configurable: { thread_id: `split-${label}-${i}`, checkpoint_ns: "" } }, next.checkpoint, next.metadata, next.newVersions);
        await saver.getTuple(saved);
        return { ser, de, rt: elapsedMs(t0) };
      });
      for (const id of ["official", "ours"] as const) {
        const s = samples[id];
        const [ser, de, rt] = [median(s.ser), median(s.de), median(s.rt)];
        rows.push([`${CONTENDER_LABELS[id]}, ${label}`, ms(rt), ms(ser), ms(de), ms(Math.max(0, rt - ser - de)), `${((100 * (ser + de)) / rt).toFixed(0)} %`]);
      }
    } finally {
      for (const open of Object.values(savers)) {
        await open.close();
        removeDatabase(open.path);
      }
    }
  }
  return diagnostic(
    "put+getTuple: serializer vs the rest",
    "Medians of the saver's own serializer alone (dumpsTyped of the messages, then loadsTyped) next to the whole put+getTuple round trip on a fresh thread; the rest is SQLite, the napi boundary and the saver's own code.",
    ["contender, size", "put+getTuple", "serialize", "deserialize", "rest", "serializer share"],
    rows,
    load,
  );
}

async function listSplit(): Promise<Diagnostic> {
  const load = loadavg()[0];
  const total = 10_000;
  const open = openSaver("ours", "list-split");
  try {
    const { saver } = open;
    let config = { configurable: { thread_id: "L", checkpoint_ns: "" } } as Parameters<BaseCheckpointSaver["put"]>[0];
    let previous: Checkpoint | undefined;
    for (let step = 0; step < total; step += 1) {
      const next = nextCheckpoint(saver, { step, last: fakeReply(step) }, step, previous);
      config = await saver.put(config, next.checkpoint, next.metadata, next.newVersions);
      previous = next.checkpoint;
    }
    const limits = [1, 10, 50];
    const drain = async (limit: number) => {
      let n = 0;
      for await (const _ of saver.list({ configurable: { thread_id: "L" } }, { limit })) n += 1;
      return n;
    };
    const samples = await interleave(
      limits.map((l) => `limit ${l}`),
      { warmup: 20, iterations: 200 },
      async (name) => {
        const t0 = now();
        await drain(Number(name.slice(6)));
        return { t: elapsedMs(t0) };
      },
    );
    const m = Object.fromEntries(limits.map((l) => [l, median(samples[`limit ${l}`].t)]));
    const perTuple = (m[50] - m[1]) / 49;
    const rows = limits.map((l) => [`list, limit ${l}`, ms(m[l]), formatValue((m[l] / l) * 1000, "µs")]);
    rows.push(["fit: fixed cost (limit 1 minus one tuple)", ms(m[1] - perTuple), ""], ["fit: cost per tuple ((limit 50 − limit 1) / 49)", formatValue(perTuple * 1000, "µs"), ""]);
    return diagnostic(
      `list() of ours: fixed cost vs per tuple (${total.toLocaleString("en-US")}-checkpoint thread)`,
      "Medians, limits interleaved. Every returned tuple carries its channel values (`step`, `last`: an AIMessage), revived by the serializer.",
      ["call", "median", "per tuple"],
      rows,
      load,
    );
  } finally {
    await open.close();
    removeDatabase(open.path);
  }
}

/** CPU time of this process's main thread in ms (Linux /proc), undefined elsewhere. */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function loopTimeline(): Promise<Diagnostic> {
  const load = loadavg()[0];
  const steps = 1000;
  const contenders: ContenderId[] = ["none", "noop", "official", "ours"];
  const samples = await interleave(contenders, { warmup: 1, iterations: 3, gcBetween: true }, async (id) => {
    const open: OpenSaver | undefined = id === "none" ? undefined : openSaver(id as SaverId, "timeline");
    try {
      let lastStep = 0;
      let firstPut = Number.NaN;
      let puts = 0;
      const t0 = now();
      const saver = open?.saver;
      if (saver) {
        const put = saver.put.bind(saver);
        saver.put = async (...args) => {
          const result = await put(...args);
          puts += 1;
          if (Number.isNaN(firstPut)) firstPut = elapsedMs(t0);
          return result;
        };
      }
      const graph = loopGraph(steps, saver, () => {
        lastStep = elapsedMs(t0);
      });
      const cpu0 = mainThreadCpuMs();
      const start = now();
      await graph.invoke({ messages: [new HumanMessage({ id: "start", content: "Plan a three-city trip." })] }, graphConfig("timeline", steps));
      const wall = elapsedMs(start);
      const offset = elapsedMs(t0) - wall;
      const cpu1 = mainThreadCpuMs();
      return { wall, lastStep: lastStep - offset, firstPut: firstPut - offset, puts, cpu: cpu0 !== undefined && cpu1 !== undefined ? cpu1 - cpu0 : Number.NaN };
    } finally {
      await open?.close();
      removeDatabase(open?.path);
    }
  });
  const rows = contenders.map((id) => {
    const s = samples[id];
    const [wall, last, first, cpu] = [median(s.wall), median(s.lastStep), median(s.firstPut), median(s.cpu)];
    return [CONTENDER_LABELS[id], ms(wall), ms(last), ms(wall - last), Number.isNaN(first) ? "–" : ms(first), String(median(s.puts)), Number.isNaN(cpu) ? "–" : ms(cpu)];
  });
  return diagnostic(
    `${steps}-step loop: where the wall time goes`,
    "Medians of 3 runs, interleaved. `last node ran` is when the node ran for the last time; `tail` is the rest of invoke(), which LangGraph spends awaiting the checkpointer's outstanding, chained puts. `first put resolved` shows whether puts complete while the loop runs. Main-thread CPU is read from /proc (10 ms ticks); wall minus CPU is time the main thread waited (for the libuv pool, or for the CPU when the machine is busy).",
    ["contender", "invoke wall", "last node ran", "tail", "first put resolved", "puts", "main-thread CPU"],
    rows,
    load,
  );
}

interface DbstatRow {
  name: string;
  bytes: number;
  payload: number;
}

/** Pages and payload per table/index of a closed database file. */
function dbstat(path: string): DbstatRow[] {
  const fromOfficial = createRequire(createRequire(import.meta.url).resolve("@langchain/langgraph-checkpoint-sqlite"));
  const Database = fromOfficial("better-sqlite3") as new (file: string, options: { readonly: boolean }) => {
    prepare(sql: string): { all(): unknown[] };
    close(): void;
  };
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare("SELECT name, SUM(pgsize) AS bytes, SUM(payload) AS payload FROM dbstat GROUP BY name ORDER BY bytes DESC").all() as DbstatRow[];
  } finally {
    db.close();
  }
}

async function databaseComposition(): Promise<Diagnostic> {
  const load = loadavg()[0];
  const steps = 1000;
  const rows: string[][] = [];
  for (const id of ["official", "ours"] as const) {
    const open = openSaver(id, "composition");
    try {
      await loopGraph(steps, open.saver).invoke({ messages: [new HumanMessage({ id: "start", content: "Plan a three-city trip." })] }, graphConfig("composition", steps));
      await open.close();
      const total = databaseBytes(open.path!);
      for (const r of dbstat(open.path!)) {
        if (r.bytes < total / 100) continue;
        rows.push([`${CONTENDER_LABELS[id]}: ${r.name}`, formatValue(r.bytes / 1e6, "MB"), formatValue(r.payload / 1e6, "MB"), `${((100 * r.bytes) / total).toFixed(0)} %`]);
      }
      rows.push([`${CONTENDER_LABELS[id]}: whole file`, formatValue(total / 1e6, "MB"), "", "100 %"]);
    } finally {
      removeDatabase(open.path);
    }
  }
  return diagnostic(
    `${steps}-step loop: what the database holds`,
    "One run per saver, file closed first. Bytes are whole pages per table or index (tables and indexes under 1 % of the file left out); payload is the bytes of the rows themselves. MB = 10^6 bytes.",
    ["table / index", "pages", "payload", "share of file"],
    rows,
    load,
  );
}

async function main(): Promise<void> {
  const write = process.argv.includes("--write");
  const all = { "put-get": putGetSplit, list: listSplit, timeline: loopTimeline, database: databaseComposition };
  const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",") ?? Object.keys(all);
  const diagnostics: Diagnostic[] = [];
  try {
    for (const name of only) {
      const make = all[name as keyof typeof all];
      if (process.argv.includes("--wait-quiet")) await waitForQuiet((line) => process.stderr.write(`${line}\n`));
      const mark = markLoad();
      const d = await make();
      d.id = name;
      d.otherCpuShare = otherLoadSince(mark);
      diagnostics.push(d);
      process.stdout.write(`## ${d.title}\n| ${d.columns.join(" | ")} |\n${d.rows.map((r) => `| ${r.join(" | ")} |`).join("\n")}\n\n`);
    }
  } finally {
    removeBenchDir();
  }
  if (write) {
    const report = readReport();
    if (!report) throw new Error("no docs/benchmarks/checkpoint.json yet: run the bench first");
    // Replace the diagnostics run now (by title), keep the others.
    const titles = new Set(diagnostics.map((d) => d.title));
    const order = Object.keys(all);
    const rank = (d: Diagnostic) => (d.id ? order.indexOf(d.id) : order.length);
    report.diagnostics = [...(report.diagnostics ?? []).filter((d) => !titles.has(d.title)), ...diagnostics].sort((a, b) => rank(a) - rank(b));
    writeReport(report);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
