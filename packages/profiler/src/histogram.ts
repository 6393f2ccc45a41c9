/**
 * Latency histograms: `NativeHistogram` of @flg/core (HDR histogram in Rust, 3 significant
 * digits), with an exact sort-based fallback for platforms without a prebuilt binary. Samples are
 * handed over once per series with `recordMany(Float64Array)`, never per event.
 */
import { createRequire } from "node:module";

import type * as Core from "@flg/core";

/** One bar of a latency chart: values in `[low, high)` milliseconds. */
export interface HistogramBucket {
  low: number;
  high: number;
  count: number;
}

/** Summary of one latency series, in milliseconds. */
export interface LatencyStats {
  count: number;
  totalMs: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface LatencyHistogram {
  recordMany(values: Float64Array): number;
  percentiles(qs: Float64Array): number[];
  buckets(maxBuckets?: number | null): HistogramBucket[];
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

export type HistogramBackend = "native" | "js";

const requireCore = createRequire(import.meta.url);
let nativeCtor: (new (options?: Core.BindingHistogramOptions) => Core.NativeHistogram) | null | undefined;

function loadNative(): typeof nativeCtor {
  if (nativeCtor !== undefined) return nativeCtor;
  try {
    nativeCtor = (requireCore("@flg/core") as typeof Core).NativeHistogram ?? null;
  } catch {
    nativeCtor = null;
  }
  return nativeCtor;
}

/** Which implementation `createHistogram` uses in this process. */
export function histogramBackend(): HistogramBackend {
  return loadNative() ? "native" : "js";
}

/** A histogram of millisecond values with microsecond resolution. */
export function createHistogram(): LatencyHistogram {
  const Native = loadNative();
  return Native ? new Native({ resolution: 0.001, significantDigits: 3 }) : new ExactHistogram();
}

const QUANTILES = new Float64Array([50, 95, 99]);

/** count, total, mean, min, max, p50/p95/p99 of `values` (ms). */
export function latencyStats(values: Float64Array, histogram: LatencyHistogram = createHistogram()): LatencyStats {
  if (values.length === 0) {
    return { count: 0, totalMs: 0, meanMs: 0, minMs: 0, maxMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0 };
  }
  histogram.recordMany(values);
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i];
  const [p50, p95, p99] = histogram.percentiles(QUANTILES);
  return {
    count: values.length,
    totalMs: total,
    meanMs: total / values.length,
    minMs: histogram.min,
    maxMs: histogram.max,
    p50Ms: p50,
    p95Ms: p95,
    p99Ms: p99,
  };
}

/** Exact percentiles by sorting; used only when the native binary cannot load. */
class ExactHistogram implements LatencyHistogram {
  private values: number[] = [];
  private sorted = true;

  recordMany(values: Float64Array): number {
    let recorded = 0;
    for (const v of values) {
      if (Number.isFinite(v) && v >= 0) {
        this.values.push(v);
        recorded += 1;
      }
    }
    this.sorted = false;
    return recorded;
  }

  private sortedValues(): number[] {
    if (!this.sorted) {
      this.values.sort((a, b) => a - b);
      this.sorted = true;
    }
    return this.values;
  }

  percentiles(qs: Float64Array): number[] {
    const v = this.sortedValues();
    return Array.from(qs, (q) => (v.length === 0 ? Number.NaN : v[Math.min(v.length - 1, Math.max(0, Math.ceil((q / 100) * v.length) - 1))]));
  }

  buckets(maxBuckets: number | null = 30): HistogramBucket[] {
    const v = this.sortedValues();
    const n = maxBuckets ?? 30;
    if (v.length === 0 || n <= 0) return [];
    const min = v[0];
    const max = v[v.length - 1];
    if (min === max || n === 1) return [{ low: min, high: max + 0.001, count: v.length }];
    const start = Math.max(min, 0.001);
    const high = max + 0.001;
    const ratio = Math.pow(high / start, 1 / n);
    const bars = Array.from({ length: n }, (_, i) => ({
      low: i === 0 ? min : start * ratio ** i,
      high: i === n - 1 ? high : start * ratio ** (i + 1),
      count: 0,
    }));
    for (const x of v) {
      const index = x <= start ? 0 : Math.floor(Math.log(x / start) / Math.log(ratio));
      bars[Math.min(index, n - 1)].count += 1;
    }
    return bars;
  }

  get count(): number {
    return this.values.length;
  }

  get min(): number {
    return this.values.length ? this.sortedValues()[0] : Number.NaN;
  }

  get max(): number {
    return this.values.length ? this.sortedValues()[this.values.length - 1] : Number.NaN;
  }

  get mean(): number {
    return this.values.length ? this.values.reduce((a, b) => a + b, 0) / this.values.length : Number.NaN;
  }
}
