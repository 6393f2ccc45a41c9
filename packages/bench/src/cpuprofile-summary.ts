/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function and per origin
 * (npm package, @flg package, node internals, GC, idle).
 *
 *   tsx src/cpuprofile-summary.ts <file.cpuprofile> [--title="..."] [--command="..."] [--top=20] [--write]
 *
 * --write stores the summary in docs/benchmarks/checkpoint.json (replacing one of the same title)
 * and regenerates docs/benchmarks.md.
 */
import { readFileSync } from "node:fs";

import { readReport, writeReport } from "./report.js";
import type { ProfileFunction, ProfileSummary } from "./results.js";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame; children?: number[] }>;
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a function comes from: an npm package name, an @flg package, node internals or a V8 category. */
export function originOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith("(") ? functionName : "(native / V8 builtins)";
  if (url.startsWith("node:")) return "node internals";
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/);
  if (pkg) {
    const name = pkg[1];
    return name.startsWith("@flg/") ? `${name} (dist)` : name;
  }
  const own = url.match(/\/packages\/([^/]+)\//);
  if (own) return own[1] === "bench" ? "bench harness" : `@flg/${own[1]}`;
  return url.replace(/^file:\/\//, "");
}

function shortLocation(frame: CallFrame): string {
  if (!frame.url) return "";
  const path = frame.url
    .replace(/^file:\/\//, "")
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "")
    .replace(/^.*\/packages\//, "packages/");
  return `${path}:${frame.lineNumber + 1}`;
}

export function summarizeProfile(profile: CpuProfile, options: { title: string; command: string; top: number }): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time between sample i-1 and sample i: attribute it to sample i-1's node.
  for (let i = 0; i < profile.samples.length; i += 1) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
  }
  const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const functions = new Map<string, { frame: CallFrame; us: number }>();
  const origins = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) onStack.add(originOf(byId.get(at)!));
    for (const origin of onStack) inclusive.set(origin, (inclusive.get(origin) ?? 0) + us);
    const frame = byId.get(id)!;
    const key = `${frame.functionName}@${frame.url}:${frame.lineNumber}:${frame.columnNumber}`;
    const entry = functions.get(key) ?? { frame, us: 0 };
    entry.us += us;
    functions.set(key, entry);
    const origin = originOf(frame);
    origins.set(origin, (origins.get(origin) ?? 0) + us);
  }
  const pct = (us: number) => (totalUs > 0 ? (100 * us) / totalUs : 0);
  const top: ProfileFunction[] = [...functions.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, options.top)
    .map(({ frame, us }) => ({ name: frame.functionName || "(anonymous)", location: `${originOf(frame)} ${shortLocation(frame)}`.trim(), selfMs: us / 1000, selfPct: pct(us) }));
  return {
    title: options.title,
    command: options.command,
    totalMs: totalUs / 1000,
    byOrigin: [...origins.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([origin, us]) => ({ origin, selfMs: us / 1000, selfPct: pct(us), inclusiveMs: (inclusive.get(origin) ?? 0) / 1000, inclusivePct: pct(inclusive.get(origin) ?? 0) })),
    top,
  };
}

function main(): void {
  const argv = process.argv.slice(2);
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const file = argv.find((a) => !a.startsWith("--"));
  if (!file) throw new Error("usage: cpuprofile-summary.ts <file.cpuprofile> [--title=...] [--command=...] [--top=20] [--write]");
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const summary = summarizeProfile(profile, { title: value("title") ?? file, command: value("command") ?? `node --cpu-prof … (${file})`, top: Number(value("top") ?? 20) });
  const lines = [
    `${summary.title}: ${summary.totalMs.toFixed(0)} ms sampled`,
    "",
    "time by origin:       self            inclusive",
    ...summary.byOrigin.slice(0, 12).map((o) => `  ${o.selfMs.toFixed(0).padStart(7)} ms ${o.selfPct.toFixed(1).padStart(5)} %   ${o.inclusiveMs.toFixed(0).padStart(7)} ms ${o.inclusivePct.toFixed(1).padStart(5)} %  ${o.origin}`),
    "",
    "top self-time functions:",
    ...summary.top.map((f) => `  ${f.selfMs.toFixed(0).padStart(7)} ms ${f.selfPct.toFixed(1).padStart(5)} %  ${f.name}  ${f.location}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (argv.includes("--write")) {
    const report = readReport();
    if (!report) throw new Error("no docs/benchmarks/checkpoint.json yet: run the bench first");
    report.profiles = [...(report.profiles ?? []).filter((p) => p.title !== summary.title), summary];
    writeReport(report);
  }
}

// Only when run as a script, not when imported.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) main();
