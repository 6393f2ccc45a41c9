/**
 * Writes docs/benchmarks/checkpoint.json, docs/benchmarks/checkpoint.svg and docs/benchmarks.md.
 * The markdown is generated from the JSON; the hand-written part (analysis of missed targets)
 * lives between the NOTES markers and is carried over from the existing file on every run.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, totalmem } from "node:os";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { renderChart } from "./chart.js";
import { formatRatio, formatValue } from "./format.js";
import { CONTENDER_LABELS, CONTENDER_ORDER, ratio, type BenchReport, type BenchRow, type Diagnostic, type GroupResult, type MachineInfo, type ProfileSummary } from "./results.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const DOCS_MD = join(ROOT, "docs", "benchmarks.md");
export const DOCS_DIR = join(ROOT, "docs", "benchmarks");
export const REPORT_JSON = join(DOCS_DIR, "checkpoint.json");
const CHART_SVG = join(DOCS_DIR, "checkpoint.svg");

const NOTES_START = "<!-- NOTES:START (hand-written; kept when the bench regenerates this file) -->";
const NOTES_END = "<!-- NOTES:END -->";

function packageVersion(name: string): string {
  const fromBench = createRequire(import.meta.url);
  // better-sqlite3 is a dependency of the official saver, not of the bench: resolve it from there.
  const roots = [fromBench, createRequire(fromBench.resolve("@langchain/langgraph-checkpoint-sqlite"))];
  for (const require of roots) {
    try {
      return (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      // try the next root
    }
  }
  return "?";
}

export function machineInfo(): MachineInfo {
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${platform()} ${release()}`,
    loadAvg: { start: loadavg()[0], end: loadavg()[0] },
    packages: Object.fromEntries(
      ["@langchain/core", "@langchain/langgraph", "@langchain/langgraph-checkpoint", "@langchain/langgraph-checkpoint-sqlite", "@flg/checkpoint-sqlite", "better-sqlite3"].map((n) => [n, packageVersion(n)]),
    ),
  };
}

export function readReport(): BenchReport | undefined {
  if (!existsSync(REPORT_JSON)) return undefined;
  return JSON.parse(readFileSync(REPORT_JSON, "utf8")) as BenchReport;
}

/**
 * Merges a run into the stored report: groups run now replace the stored ones of the same id (a
 * run with --only keeps the others), profiles are kept. A quick run never mixes with a full one.
 */
export function mergeReport(previous: BenchReport | undefined, next: BenchReport): BenchReport {
  const kept = { profiles: previous?.profiles, diagnostics: previous?.diagnostics };
  if (!previous || previous.quick !== next.quick) return { ...next, ...kept };
  const ids = new Set(next.groups.map((g) => g.id));
  const order = ["put-get", "list", "graph-loop", "graph-chat"];
  const groups = [...previous.groups.filter((g) => !ids.has(g.id)), ...next.groups].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  return { ...next, groups, ...kept };
}

function cell(row: BenchRow, id: (typeof CONTENDER_ORDER)[number]): string {
  const s = row.values[id];
  if (!s) return "";
  const main = formatValue(s.median, row.unit);
  return s.n > 1 ? `${main} <sub>p95 ${formatValue(s.p95, row.unit)}</sub>` : main;
}

function groupTable(group: GroupResult): string {
  const present = CONTENDER_ORDER.filter((id) => group.rows.some((r) => r.values[id]));
  const head = `| case | ${present.map((id) => CONTENDER_LABELS[id]).join(" | ")} | official / ours |`;
  const sep = `|---|${present.map(() => "---:").join("|")}|---:|`;
  const lines = group.rows.map((row) => `| ${row.case} | ${present.map((id) => cell(row, id)).join(" | ")} | ${formatRatio(ratio(row, "official", "ours"))} |`);
  return [head, sep, ...lines].join("\n");
}

function profileSection(profile: ProfileSummary): string {
  const origins = profile.byOrigin
    .slice(0, 10)
    .map((o) => `| ${o.origin} | ${o.selfMs.toFixed(0)} ms | ${o.selfPct.toFixed(1)} % | ${o.inclusiveMs.toFixed(0)} ms | ${o.inclusivePct.toFixed(1)} % |`)
    .join("\n");
  const top = profile.top.map((f) => `| \`${f.name}\` | ${f.location} | ${f.selfMs.toFixed(0)} ms | ${f.selfPct.toFixed(1)} % |`).join("\n");
  return [
    `#### ${profile.title}`,
    "",
    `\`${profile.command}\` — ${profile.totalMs.toFixed(0)} ms of samples on the main thread.`,
    "",
    "| origin | self | self share | inclusive | inclusive share |",
    "|---|---:|---:|---:|---:|",
    origins,
    "",
    "| top self-time functions | where | ms | share |",
    "|---|---|---:|---:|",
    top,
  ].join("\n");
}

function diagnosticSection(d: Diagnostic): string {
  return [
    `#### ${d.title}`,
    "",
    d.note,
    "",
    `| ${d.columns.join(" | ")} |`,
    `|${d.columns.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
    ...d.rows.map((r) => `| ${r.join(" | ")} |`),
    "",
    `_\`${d.command}\`, ${d.generatedAt}, load average ${d.loadAvg.toFixed(2)} at start` +
      `${d.otherCpuShare === undefined ? "" : `, other processes used ${(d.otherCpuShare * 100).toFixed(1)} % of the CPU meanwhile`}._`,
  ].join("\n");
}

function existingNotes(): string | undefined {
  if (!existsSync(DOCS_MD)) return undefined;
  const text = readFileSync(DOCS_MD, "utf8");
  const a = text.indexOf(NOTES_START);
  const b = text.indexOf(NOTES_END);
  return a >= 0 && b > a ? text.slice(a + NOTES_START.length, b).trim() : undefined;
}

export function renderMarkdown(report: BenchReport, notes = existingNotes()): string {
  const m = report.machine;
  const targets = report.groups.flatMap((g) => g.targets);
  const missed = targets.filter((t) => !t.met);
  const out: string[] = [
    "# Benchmarks: @flg/checkpoint-sqlite vs the official LangGraph.js checkpointers",
    "",
    "<!-- Generated by packages/bench (src/report.ts) from docs/benchmarks/checkpoint.json. Edit only the NOTES block. -->",
    "",
    `Generated ${report.generatedAt}${report.quick ? " — **quick run (CI-sized), not the reference numbers**" : ""}.`,
    "",
    `**Machine:** ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB RAM, ${m.platform}, Node ${m.node}; ` +
      `1-minute load average ${m.loadAvg.start.toFixed(2)} at start, ${m.loadAvg.end.toFixed(2)} at end (anything above ~0.3 means other work shared the cores). ` +
      `Packages: ${Object.entries(m.packages).map(([n, v]) => `${n} ${v}`).join(", ")}.`,
    "",
    "**Reproduce** (release build of the native core first):",
    "",
    "```sh",
    "pnpm --filter @flg/core build && pnpm --filter @flg/checkpoint-sqlite build",
    `pnpm --filter @flg/bench bench            # full run (< 5 min), rewrites this file`,
    "pnpm --filter @flg/bench bench --quick    # CI-sized (< 60 s), prints only",
    "pnpm --filter @flg/bench bench --only=graph-loop --contender=ours   # one group / one contender",
    "```",
    "",
    "All contenders run in one process on the same data, interleaved round by round with a rotating start; " +
      "tables show the **median** (p95 in small print) and the ratio official/ours of the medians (> 1: ours is faster or smaller). " +
      "Each saver runs with the settings a user gets by default:",
    "",
    ...CONTENDER_ORDER.filter((id) => report.saverSettings[id]).map((id) => `- ${CONTENDER_LABELS[id]}: ${report.saverSettings[id]}`),
    "",
    "![chart](benchmarks/checkpoint.svg)",
    "",
    "## Targets",
    "",
    "| target | measured | met |",
    "|---|---:|:---:|",
    ...targets.map((t) => `| ${t.description} | ${t.measured} | ${t.met ? "yes" : "**NO**"} |`),
    "",
    missed.length === 0 ? "All targets are met." : `**${missed.length} of ${targets.length} targets are not met**; see the analysis and CPU profiles below.`,
    "",
  ];
  for (const group of report.groups) {
    const others = group.otherCpuShare === undefined ? "" : `; other processes used ${(group.otherCpuShare * 100).toFixed(1)} % of the machine's CPU meanwhile`;
    const when = group.measuredAt ? `Measured ${group.measuredAt}; g` : "G";
    out.push(`## ${group.title}`, "", group.method, "", groupTable(group), "", `_${when}roup wall time: ${group.seconds.toFixed(1)} s${others}._`, "");
  }
  out.push("## Analysis", "", NOTES_START, "", notes ?? "_No analysis written yet._", "", NOTES_END, "");
  if (report.diagnostics?.length) {
    out.push("## Diagnostics", "", "Made by `packages/bench/src/breakdown.ts`: splits of the missed targets into their parts, same data as the groups.", "");
    for (const d of report.diagnostics) out.push(diagnosticSection(d), "");
  }
  if (report.profiles?.length) {
    out.push(
      "## CPU profiles",
      "",
      "Made with `node --cpu-prof` and summarized by `packages/bench/src/cpuprofile-summary.ts` (self time per function, " +
        "main thread only: work the native core does on the libuv pool shows up as `(idle)` / `(program)` here).",
      "",
    );
    for (const p of report.profiles) out.push(profileSection(p), "");
  }
  return out.join("\n");
}

/** Writes the JSON, the SVG chart and the markdown. */
export function writeReport(report: BenchReport): void {
  mkdirSync(DOCS_DIR, { recursive: true });
  writeFileSync(REPORT_JSON, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(CHART_SVG, renderChart(report));
  writeFileSync(DOCS_MD, renderMarkdown(report));
}

/** The tables as plain text for the console. */
export function renderConsole(groups: GroupResult[]): string {
  return groups.map((g) => `## ${g.title} (${g.seconds.toFixed(1)} s${g.otherCpuShare === undefined ? "" : `, others used ${(g.otherCpuShare * 100).toFixed(0)} % CPU`})\n\n${groupTable(g)}\n${g.targets.map((t) => `- ${t.met ? "MET " : "MISSED"} ${t.description}: ${t.measured}`).join("\n")}`).join("\n\n");
}
