/**
 * The bar chart of docs/benchmarks/checkpoint.svg, written as plain SVG text (no dependencies).
 * One panel per headline row: a bar per contender, lengths relative to the slowest in that row
 * (linear), each labelled with its median and, for ours, the official/ours ratio.
 */
import { escapeXml, formatRatio, formatValue } from "./format.js";
import { CONTENDER_LABELS, CONTENDER_ORDER, ratio, type BenchReport, type ContenderId } from "./results.js";

const COLORS: Record<ContenderId, string> = {
  none: "#9e9e9e",
  noop: "#cfcfcf",
  memory: "#8ecae6",
  official: "#f4a261",
  ours: "#2a9d8f",
};

const WIDTH = 920;
const LABEL_W = 170;
const BAR_MAX = 520;
const BAR_H = 16;
const BAR_GAP = 4;
const PANEL_TITLE_H = 24;
const PANEL_GAP = 14;

export function renderChart(report: BenchReport): string {
  const parts: string[] = [];
  let y = 56;
  for (const group of report.groups) {
    for (const row of group.rows.filter((r) => r.chart)) {
      const present = CONTENDER_ORDER.filter((id) => row.values[id]);
      if (present.length === 0) continue;
      const max = Math.max(...present.map((id) => row.values[id]!.median));
      parts.push(`<text x="12" y="${y + 16}" class="panel">${escapeXml(`${row.case} — median, lower is better`)}</text>`);
      y += PANEL_TITLE_H;
      for (const id of present) {
        const value = row.values[id]!.median;
        const w = max > 0 ? Math.max(1, (value / max) * BAR_MAX) : 1;
        const vs = id === "ours" ? ratio(row, "official", "ours") : undefined;
        const label = formatValue(value, row.unit) + (vs !== undefined ? `  (official/ours ${formatRatio(vs)})` : "");
        parts.push(
          `<text x="${LABEL_W - 8}" y="${y + BAR_H - 4}" class="who" text-anchor="end">${escapeXml(CONTENDER_LABELS[id])}</text>`,
          `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[id]}"/>`,
          `<text x="${(LABEL_W + w + 6).toFixed(1)}" y="${y + BAR_H - 4}" class="val">${escapeXml(label)}</text>`,
        );
        y += BAR_H + BAR_GAP;
      }
      y += PANEL_GAP;
    }
  }
  const height = y + 24;
  const subtitle = `${report.machine.cpu}, ${report.machine.cores} cores, Node ${report.machine.node}${report.quick ? " — QUICK run" : ""}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    `<style>.title{font-size:16px;font-weight:600}.sub{font-size:11px;fill:#555}.panel{font-size:13px;font-weight:600;fill:#222}.who{font-size:11px;fill:#333}.val{font-size:11px;fill:#222}</style>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="24" class="title">@flg/checkpoint-sqlite vs the official LangGraph.js checkpointers</text>`,
    `<text x="12" y="42" class="sub">${escapeXml(subtitle)}</text>`,
    ...parts,
    `<text x="12" y="${height - 8}" class="sub">${escapeXml(`Generated ${report.generatedAt} by packages/bench (${report.command}). Bars are linear within each panel.`)}</text>`,
    `</svg>`,
    "",
  ].join("\n");
}
