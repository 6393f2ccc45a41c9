/** Number formatting shared by the markdown tables, the chart and the console. */

/** A value with about three significant digits and its unit, e.g. "0.123 ms", "42.1 µs", "1,234 ms". */
export function formatValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return "–";
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return `${value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`;
}

/** A ratio such as "12.3×" (or "0.85×"). */
export function formatRatio(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return "–";
  return `${value.toLocaleString("en-US", { maximumFractionDigits: value >= 100 ? 0 : value >= 10 ? 1 : 2 })}×`;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
