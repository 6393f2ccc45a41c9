/** The console view of a report: one row per node, then steps, loop overhead and I/O. */
import type { LatencyStats } from "./histogram.js";
import type { NodeStats, ProfileReport } from "./report-types.js";

/** Nodes as a tree: siblings slowest first, a subgraph's nodes right under the node that ran it. */
export function treeOrder(nodes: NodeStats[]): NodeStats[] {
  const key = (path: string[]) => path.join("\u0000");
  const present = new Set(nodes.map((n) => key(n.path)));
  const children = new Map<string, NodeStats[]>();
  for (const node of nodes) {
    let parent = key(node.path.slice(0, -1));
    if (!present.has(parent)) parent = "";
    const list = children.get(parent);
    if (list === undefined) children.set(parent, [node]);
    else list.push(node);
  }
  const out: NodeStats[] = [];
  const visit = (parent: string) => {
    const list = (children.get(parent) ?? []).sort((a, b) => b.totalMs - a.totalMs || a.name.localeCompare(b.name));
    for (const node of list) {
      out.push(node);
      visit(key(node.path));
    }
  };
  visit("");
  return out;
}

/** Milliseconds with a precision that suits the magnitude: 0.012, 1.23, 12.3, 1234. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const abs = Math.abs(ms);
  if (abs === 0) return "0";
  if (abs < 0.1) return ms.toFixed(3);
  if (abs < 10) return ms.toFixed(2);
  if (abs < 1000) return ms.toFixed(1);
  return ms.toFixed(0);
}

/** Aligned columns with a dashed rule under the header. */
function pad(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((row) => [...row[col]].length)));
  const line = (row: string[]) =>
    row
      .map((cell, col) => {
        const fill = " ".repeat(widths[col] - [...cell].length);
        return rightAligned[col] ? fill + cell : cell + fill;
      })
      .join(" | ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("-+-"), ...rows.map(line)].join("\n");
}

function latencyCells(stats: LatencyStats): string[] {
  return [formatMs(stats.totalMs), formatMs(stats.meanMs), formatMs(stats.p50Ms), formatMs(stats.p95Ms), formatMs(stats.p99Ms), formatMs(stats.maxMs)];
}

/** A plain-text table (no colours, safe for logs). */
export function formatTable(report: ProfileReport): string {
  const t = report.totals;
  const lines: string[] = [];
  lines.push(
    `${report.name}: ${t.runs} run${t.runs === 1 ? "" : "s"}, ${t.steps} steps, ${t.attempts} task attempts, wall ${formatMs(t.wallMs)} ms` +
      (t.subgraphRuns ? `, ${t.subgraphRuns} subgraph runs` : ""),
  );
  const header = ["node", "calls", "err", "retry", "total ms", "mean", "p50", "p95", "p99", "max", "%"];
  const rows = treeOrder(report.nodes).map((n) => [
    "  ".repeat(n.depth) + n.path[n.path.length - 1],
    String(n.attempts),
    String(n.errors),
    String(n.retries),
    ...latencyCells(n),
    n.sharePct.toFixed(1),
  ]);
  lines.push(pad(header, rows, [false, true, true, true, true, true, true, true, true, true, true]));
  if (report.steps.count > 0) {
    const d = report.steps.duration;
    const o = report.steps.overhead;
    lines.push(`steps: ${report.steps.count}, step time p50 ${formatMs(d.p50Ms)} / p95 ${formatMs(d.p95Ms)} / p99 ${formatMs(d.p99Ms)} ms`);
    lines.push(
      `loop overhead: ${formatMs(t.loopOverheadMs)} ms (${t.loopOverheadPct.toFixed(1)} % of wall), per step p50 ${formatMs(o.p50Ms)} / p95 ${formatMs(o.p95Ms)} / p99 ${formatMs(o.p99Ms)} ms` +
        (t.retryWaitMs > 0 ? `; retry backoff ${formatMs(t.retryWaitMs)} ms` : ""),
    );
  }
  for (const io of report.io) {
    lines.push(`${io.op}: ${io.count} call${io.count === 1 ? "" : "s"}, ${formatMs(io.totalMs)} ms, p50 ${formatMs(io.p50Ms)} / p95 ${formatMs(io.p95Ms)} / p99 ${formatMs(io.p99Ms)} ms${io.errors ? `, ${io.errors} failed` : ""}`);
  }
  if (t.errors || t.retries || t.interrupts) lines.push(`errors: ${t.errors}, retries: ${t.retries}, interrupts: ${t.interrupts}`);
  if (report.dropped) lines.push(`(${report.dropped} events not recorded: maxEvents reached)`);
  return lines.join("\n");
}
