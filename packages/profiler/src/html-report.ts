/**
 * A self-contained HTML report: summary, waterfall of steps per run, node table, latency
 * histograms. Charts are inline SVG rendered here (they show without JavaScript); a few lines of
 * inline script sort the tables. No external URL is referenced, so the file works offline and
 * can be attached to an issue or a CI run.
 */
import { formatMs, treeOrder } from "./format-table.js";
import type { HistogramBucket } from "./histogram.js";
import type { IoEntry, ProfileReport, RunSummary, TaskEntry } from "./report-types.js";

export interface HtmlOptions {
  /** Root runs drawn as waterfalls (the longest ones). @default 4 */
  maxWaterfalls?: number;
  /** Task bars drawn per waterfall; further tasks are counted, not drawn. @default 20000 */
  maxBarsPerRun?: number;
  /** Node histograms drawn (the slowest nodes by total). @default 12 */
  maxHistograms?: number;
  /** Embed the report JSON in the page (`<script id="flg-profile-data">`). @default true */
  embedData?: boolean;
}

const PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac", "#86bcb6"];

function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const num = (value: number, digits = 3) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : 0);

/** Round tick spacing (1, 2, 5 × 10^n) giving about `target` ticks over `span`. */
function tickStep(span: number, target: number): number {
  if (!(span > 0)) return 1;
  const raw = span / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalized = raw / magnitude;
  return (normalized < 1.5 ? 1 : normalized < 3.5 ? 2 : normalized < 7.5 ? 5 : 10) * magnitude;
}

function waterfall(run: RunSummary, tasks: TaskEntry[], calls: IoEntry[], colors: Map<string, string>, maxBars: number): string {
  const width = 1100;
  const gutter = 220;
  const plot = width - gutter - 20;
  const rowHeight = 18;
  const names: string[] = [];
  for (const task of tasks) if (!names.includes(task.name)) names.push(task.name);
  names.sort((a, b) => (a.startsWith(b + " › ") ? 1 : b.startsWith(a + " › ") ? -1 : 0));
  const rows = ["steps", ...names, ...(calls.length ? ["checkpointer / cache"] : [])];
  const top = 24;
  const height = top + rows.length * rowHeight + 8;
  const span = Math.max(run.durationMs, 1e-6);
  const x = (t: number) => gutter + ((t - run.start) / span) * plot;
  const w = (ms: number) => Math.max(0.75, (ms / span) * plot);
  const parts: string[] = [];
  parts.push(`<svg class="waterfall" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="waterfall of run ${run.id}">`);
  const step = tickStep(span, 8);
  for (let t = 0; t <= span + 1e-9; t += step) {
    const px = num(gutter + (t / span) * plot, 1);
    parts.push(`<line class="grid" x1="${px}" x2="${px}" y1="${top - 4}" y2="${height - 4}"/><text class="tick" x="${px}" y="${top - 8}">${esc(formatMs(t))} ms</text>`);
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight;
    if (i % 2 === 1) parts.push(`<rect class="row" x="0" y="${y}" width="${width}" height="${rowHeight}"/>`);
    parts.push(`<text class="label" x="6" y="${y + 13}">${esc(row.length > 34 ? "…" + row.slice(-33) : row)}</text>`);
  });
  // Steps: alternating bands; the node part darker, the loop overhead as the light remainder.
  run.steps.forEach((s, i) => {
    const y = top + 3;
    parts.push(
      `<rect class="step ${i % 2 ? "odd" : "even"}" x="${num(x(s.start), 2)}" y="${y}" width="${num(w(s.durationMs), 2)}" height="${rowHeight - 6}"><title>step ${s.step}: ${esc(formatMs(s.durationMs))} ms, nodes ${esc(formatMs(s.nodeMs))} ms, loop ${esc(formatMs(s.overheadMs))} ms (${esc(s.nodes.join(", "))})</title></rect>`,
    );
  });
  let drawn = 0;
  for (const task of tasks) {
    if (drawn >= maxBars) break;
    drawn += 1;
    const row = rows.indexOf(task.name);
    const y = top + row * rowHeight + 3;
    const cls = task.status === "ok" ? "task" : `task ${task.status}`;
    parts.push(
      `<rect class="${cls}" fill="${colors.get(task.name)}" x="${num(x(task.start), 2)}" y="${y}" width="${num(w(task.durationMs), 2)}" height="${rowHeight - 6}"><title>${esc(task.name)} · step ${task.step}${task.attempt > 1 ? ` · attempt ${task.attempt}` : ""} · ${esc(formatMs(task.durationMs))} ms · ${task.status}${task.error ? ` · ${esc(task.error)}` : ""}</title></rect>`,
    );
  }
  if (calls.length) {
    const y = top + (rows.length - 1) * rowHeight + 3;
    for (const call of calls.slice(0, maxBars)) {
      parts.push(`<rect class="io${call.ok ? "" : " error"}" x="${num(x(call.start), 2)}" y="${y}" width="${num(w(call.durationMs), 2)}" height="${rowHeight - 6}"><title>${esc(call.op)} · ${esc(formatMs(call.durationMs))} ms</title></rect>`);
    }
  }
  parts.push("</svg>");
  const skipped = tasks.length - drawn;
  const caption =
    `run ${run.id}: ${esc(run.name)}${run.threadId ? ` (thread ${esc(run.threadId)})` : ""} — ${esc(formatMs(run.durationMs))} ms, ${run.steps.length} steps, ` +
    `nodes ${esc(formatMs(run.nodeMs))} ms, loop overhead ${esc(formatMs(run.overheadMs))} ms, ${esc(run.status)}` +
    (skipped > 0 ? ` (${skipped} task bars not drawn)` : "");
  return `<figure class="run"><figcaption>${caption}</figcaption><div class="scroll">${parts.join("")}</div></figure>`;
}

function histogramChart(title: string, buckets: HistogramBucket[], color: string): string {
  const width = 340;
  const height = 150;
  const left = 34;
  const bottom = 22;
  const plotW = width - left - 8;
  const plotH = height - bottom - 8;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const barW = buckets.length ? plotW / buckets.length : plotW;
  const parts = [`<svg class="hist" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)} latency histogram">`];
  parts.push(`<line class="axis" x1="${left}" x2="${width - 8}" y1="${height - bottom}" y2="${height - bottom}"/>`);
  parts.push(`<text class="tick" x="${left - 4}" y="14" text-anchor="end">${max}</text><text class="tick" x="${left - 4}" y="${height - bottom}" text-anchor="end">0</text>`);
  buckets.forEach((b, i) => {
    const h = (b.count / max) * plotH;
    const bx = left + i * barW;
    parts.push(
      `<rect class="bar" fill="${color}" x="${num(bx + 0.5, 2)}" y="${num(height - bottom - h, 2)}" width="${num(Math.max(1, barW - 1), 2)}" height="${num(Math.max(b.count ? 1 : 0, h), 2)}"><title>${esc(formatMs(b.low))}–${esc(formatMs(b.high))} ms: ${b.count}</title></rect>`,
    );
  });
  if (buckets.length) {
    parts.push(`<text class="tick" x="${left}" y="${height - 6}">${esc(formatMs(buckets[0].low))} ms</text>`);
    parts.push(`<text class="tick" x="${width - 8}" y="${height - 6}" text-anchor="end">${esc(formatMs(buckets[buckets.length - 1].high))} ms</text>`);
  }
  parts.push("</svg>");
  return `<figure class="chart"><figcaption>${esc(title)}</figcaption>${parts.join("")}</figure>`;
}

function cell(value: string | number, sortValue?: number): string {
  return sortValue === undefined ? `<td>${esc(value)}</td>` : `<td class="num" data-v="${num(sortValue, 6)}">${esc(value)}</td>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2330;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:#5b6475;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:10px}
.card{border:1px solid #dde1e8;border-radius:8px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:18px}.card span{color:#5b6475;font-size:12px}
table{border-collapse:collapse;margin:4px 0}th,td{padding:4px 10px;border-bottom:1px solid #e6e9ef;text-align:left;white-space:nowrap}
th{background:#f4f6f9;cursor:pointer;user-select:none}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.depth1 td:first-child{padding-left:26px}tr.depth2 td:first-child{padding-left:42px}tr.depth3 td:first-child{padding-left:58px}
.scroll{overflow-x:auto}figure{margin:8px 0 18px}figcaption{color:#3b4252;margin-bottom:4px}
svg text{font:11px system-ui,sans-serif;fill:#3b4252}svg .tick{fill:#6b7385}
svg .grid{stroke:#e6e9ef}svg .axis{stroke:#9aa3b2}svg .row{fill:#f7f8fa}
svg .step.even{fill:#c9d3e3}svg .step.odd{fill:#aebcd3}
svg .task.error{stroke:#d62728;stroke-width:1.5}svg .task.interrupt{stroke:#ff7f0e;stroke-width:1.5}svg .task.bubble{stroke:#8c564b}
svg .io{fill:#8e8e8e}svg .io.error{fill:#d62728}
.charts{display:flex;flex-wrap:wrap;gap:8px 18px}.empty{color:#6b7385}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
`;

const SCRIPT = `
for (const table of document.querySelectorAll("table.sortable")) {
  table.querySelectorAll("th").forEach((th, col) => th.addEventListener("click", () => {
    const body = table.tBodies[0];
    const asc = th.dataset.dir !== "asc";
    th.dataset.dir = asc ? "asc" : "desc";
    const key = (tr) => { const td = tr.children[col]; return td.dataset.v !== undefined ? Number(td.dataset.v) : td.textContent; };
    [...body.rows].sort((a, b) => { const x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1); }).forEach((tr) => body.appendChild(tr));
  }));
}
`;

export function toHtml(report: ProfileReport, options: HtmlOptions = {}): string {
  const maxWaterfalls = options.maxWaterfalls ?? 4;
  const maxBars = options.maxBarsPerRun ?? 20_000;
  const maxHistograms = options.maxHistograms ?? 12;
  const t = report.totals;
  const colors = new Map<string, string>();
  for (const node of [...report.nodes].sort((a, b) => a.name.localeCompare(b.name))) colors.set(node.name, PALETTE[colors.size % PALETTE.length]);

  const cards: Array<[string, string]> = [
    ["wall time", `${formatMs(t.wallMs)} ms`],
    ["runs", String(t.runs) + (t.subgraphRuns ? ` (+${t.subgraphRuns} subgraph)` : "")],
    ["steps", String(t.steps)],
    ["node time", `${formatMs(t.nodeMs)} ms`],
    ["loop overhead", `${formatMs(t.loopOverheadMs)} ms · ${t.loopOverheadPct.toFixed(1)} %`],
    ["checkpointer", `${formatMs(t.checkpointMs)} ms · ${t.checkpointCalls} calls`],
    ["cache", `${formatMs(t.cacheMs)} ms · ${t.cacheCalls} calls`],
    ["errors / retries / interrupts", `${t.errors} / ${t.retries} / ${t.interrupts}`],
  ];

  // Tasks and I/O grouped by their root run.
  const runsById = new Map(report.runs.map((r) => [r.id, r]));
  const rootId = (id: number): number => {
    let run = runsById.get(id);
    while (run?.parentId !== undefined) run = runsById.get(run.parentId);
    return run?.id ?? id;
  };
  const tasksByRoot = new Map<number, TaskEntry[]>();
  for (const task of report.tasks) {
    const id = rootId(task.runId);
    const list = tasksByRoot.get(id);
    if (list === undefined) tasksByRoot.set(id, [task]);
    else list.push(task);
  }
  const ioByRoot = new Map<number, IoEntry[]>();
  for (const call of report.ioCalls) {
    if (call.runId === undefined) continue;
    const id = rootId(call.runId);
    const list = ioByRoot.get(id);
    if (list === undefined) ioByRoot.set(id, [call]);
    else list.push(call);
  }
  const roots = report.runs.filter((r) => r.parentId === undefined);
  const shown = [...roots].sort((a, b) => b.durationMs - a.durationMs).slice(0, maxWaterfalls).sort((a, b) => a.id - b.id);

  const nodeRows = treeOrder(report.nodes)
    .map(
      (n) =>
        `<tr class="depth${Math.min(n.depth, 3)}"><td><i style="display:inline-block;width:9px;height:9px;background:${colors.get(n.name)};margin-right:6px"></i>${esc(n.name)}</td>` +
        cell(n.attempts, n.attempts) +
        cell(n.tasks, n.tasks) +
        cell(n.errors, n.errors) +
        cell(n.retries, n.retries) +
        cell(n.interrupts, n.interrupts) +
        cell(formatMs(n.totalMs), n.totalMs) +
        cell(formatMs(n.meanMs), n.meanMs) +
        cell(formatMs(n.p50Ms), n.p50Ms) +
        cell(formatMs(n.p95Ms), n.p95Ms) +
        cell(formatMs(n.p99Ms), n.p99Ms) +
        cell(formatMs(n.maxMs), n.maxMs) +
        cell(n.sharePct.toFixed(1), n.sharePct) +
        "</tr>",
    )
    .join("\n");

  const charts: string[] = [];
  if (report.steps.count) {
    charts.push(histogramChart("step time", report.steps.durationHistogram, "#5b6f95"));
    charts.push(histogramChart("loop overhead per step", report.steps.overheadHistogram, "#9aa3b2"));
  }
  for (const node of report.nodes.slice(0, maxHistograms)) charts.push(histogramChart(node.name, node.histogram, colors.get(node.name)!));

  const slowest = roots
    .flatMap((run) => run.steps.map((s) => ({ run, s })))
    .sort((a, b) => b.s.durationMs - a.s.durationMs)
    .slice(0, 20)
    .map(
      ({ run, s }) =>
        `<tr>${cell(run.id, run.id)}${cell(s.step, s.step)}<td>${esc(s.nodes.join(", "))}</td>${cell(formatMs(s.durationMs), s.durationMs)}${cell(formatMs(s.nodeMs), s.nodeMs)}${cell(formatMs(s.overheadMs), s.overheadMs)}${cell(formatMs(s.retryWaitMs), s.retryWaitMs)}</tr>`,
    )
    .join("\n");

  const ioRows = report.io
    .map(
      (io) =>
        `<tr><td>${esc(io.op)}</td>${cell(io.count, io.count)}${cell(io.errors, io.errors)}${cell(formatMs(io.totalMs), io.totalMs)}${cell(formatMs(io.meanMs), io.meanMs)}${cell(formatMs(io.p50Ms), io.p50Ms)}${cell(formatMs(io.p95Ms), io.p95Ms)}${cell(formatMs(io.p99Ms), io.p99Ms)}${cell(formatMs(io.maxMs), io.maxMs)}</tr>`,
    )
    .join("\n");

  const errorRows = report.errors
    .slice(0, 200)
    .map(
      (e) =>
        `<tr>${cell(e.runId, e.runId)}<td>${esc(e.name)}</td>${cell(e.step, e.step)}${cell(e.attempt, e.attempt)}<td>${esc(e.status)}${e.retried ? " (retried)" : ""}</td><td>${esc(e.message)}</td></tr>`,
    )
    .join("\n");

  const data = options.embedData === false ? "" : `<script type="application/json" id="flg-profile-data">${JSON.stringify(report).replace(/</g, "\\u003c")}</script>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>LangGraph profile: ${esc(report.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>LangGraph profile: ${esc(report.name)}</h1>
<p class="meta">started ${esc(report.startedAt)} · histograms: ${esc(report.histogramBackend)} · @flg/profiler${report.dropped ? ` · ${report.dropped} events not recorded (maxEvents)` : ""}</p>
<section id="summary" class="cards">${cards.map(([label, value]) => `<div class="card"><span>${esc(label)}</span><b>${esc(value)}</b></div>`).join("")}</section>

<section id="waterfall"><h2>Waterfall of steps</h2>
<p class="legend"><span><i style="background:#c9d3e3"></i>steps (alternating shades; hover for node time and loop overhead)</span><span><i style="background:#fff;outline:1.5px solid #d62728"></i>error</span><span><i style="background:#fff;outline:1.5px solid #ff7f0e"></i>interrupt</span><span><i style="background:#8e8e8e"></i>checkpointer / cache</span></p>
${shown.length ? shown.map((run) => waterfall(run, tasksByRoot.get(run.id) ?? [], ioByRoot.get(run.id) ?? [], colors, maxBars)).join("\n") : '<p class="empty">No runs recorded.</p>'}
${roots.length > shown.length ? `<p class="empty">${roots.length - shown.length} shorter runs not drawn.</p>` : ""}
</section>

<section id="nodes-section"><h2>Nodes</h2>
<table id="nodes" class="sortable"><thead><tr><th>node</th><th>calls</th><th>tasks</th><th>errors</th><th>retries</th><th>interrupts</th><th>total ms</th><th>mean</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>% wall</th></tr></thead>
<tbody>
${nodeRows}
</tbody></table>
<p class="meta">A subgraph node's time includes its children. % wall: share of the summed run time.</p>
</section>

<section id="histograms"><h2>Latency histograms</h2>
<div class="charts">${charts.join("\n") || '<p class="empty">No samples.</p>'}</div>
</section>

<section id="steps-section"><h2>Slowest steps</h2>
<table id="steps" class="sortable"><thead><tr><th>run</th><th>step</th><th>nodes</th><th>step ms</th><th>node ms</th><th>loop overhead ms</th><th>retry wait ms</th></tr></thead>
<tbody>
${slowest}
</tbody></table>
</section>

<section id="io-section"><h2>Checkpointer and cache</h2>
${ioRows ? `<table id="io" class="sortable"><thead><tr><th>method</th><th>calls</th><th>failed</th><th>total ms</th><th>mean</th><th>p50</th><th>p95</th><th>p99</th><th>max</th></tr></thead><tbody>\n${ioRows}\n</tbody></table>` : '<p class="empty">No checkpointer or cache calls recorded.</p>'}
</section>

<section id="errors-section"><h2>Errors, retries and interrupts</h2>
${errorRows ? `<table id="errors" class="sortable"><thead><tr><th>run</th><th>node</th><th>step</th><th>attempt</th><th>kind</th><th>message</th></tr></thead><tbody>\n${errorRows}\n</tbody></table>` : '<p class="empty">None.</p>'}
</section>
${data}
<script>${SCRIPT}</script>
</body>
</html>
`;
}
