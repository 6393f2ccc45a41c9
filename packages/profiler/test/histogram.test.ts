/** The napi face of flg-core's histogram, as the profiler uses it. */
import { createRequire } from "node:module";

import type * as Core from "@flg/core";

import { createHistogram, histogramBackend } from "@flg/profiler";

const { NativeHistogram } = createRequire(import.meta.url)("@flg/core") as typeof Core;

describe("NativeHistogram (@flg/core)", () => {
  it("records a batch in one call and answers percentiles within 0.1 %", () => {
    const h = new NativeHistogram();
    const values = Float64Array.from({ length: 10_000 }, (_, i) => (i + 1) / 100); // 0.01 .. 100 ms
    expect(h.recordMany(values)).toBe(10_000);
    expect(h.count).toBe(10_000);
    for (const q of [50, 95, 99]) expect(Math.abs(h.percentile(q) - q) / q).toBeLessThan(0.001);
    expect(h.percentiles(new Float64Array([50, 99]))).toEqual([h.percentile(50), h.percentile(99)]);
    expect(h.min).toBeCloseTo(0.01, 4);
    expect(h.max).toBeCloseTo(100, 1);
    expect(h.mean).toBeCloseTo(50.005, 1);
  });

  it("refuses impossible durations and counts them", () => {
    const h = new NativeHistogram();
    expect(h.record(-1)).toBe(false);
    expect(h.record(Number.NaN)).toBe(false);
    expect(h.recordMany(new Float64Array([1, Infinity, 2]))).toBe(2);
    expect([h.count, h.rejected]).toEqual([2, 3]);
    h.reset();
    expect([h.count, h.rejected]).toEqual([0, 0]);
    expect(Number.isNaN(h.percentile(50))).toBe(true);
    expect(h.buckets()).toEqual([]);
  });

  it("exports log-spaced buckets that hold every value", () => {
    const h = new NativeHistogram();
    h.recordMany(Float64Array.from({ length: 500 }, (_, i) => 0.1 * 1.02 ** i));
    const bars = h.buckets(12);
    expect(bars).toHaveLength(12);
    expect(bars.reduce((n, b) => n + b.count, 0)).toBe(500);
    for (let i = 1; i < bars.length; i += 1) expect(bars[i].low).toBeCloseTo(bars[i - 1].high, 9);
    expect(bars[1].high / bars[1].low).toBeCloseTo(bars[10].high / bars[10].low, 6);
  });

  it("merges histograms of the same resolution only", () => {
    const a = new NativeHistogram();
    const b = new NativeHistogram();
    a.recordMany(new Float64Array([1, 2]));
    b.recordMany(new Float64Array([3, 4]));
    a.merge(b);
    expect(a.count).toBe(4);
    expect(() => a.merge(new NativeHistogram({ resolution: 1 }))).toThrow(/^FLG_INVALID_ARGUMENT: .*different resolution/);
  });

  it("rejects options it cannot honour with a stable code", () => {
    expect(() => new NativeHistogram({ significantDigits: 9 })).toThrow(/^FLG_INVALID_ARGUMENT: .*significantDigits must be 1..=5, got 9/);
    expect(() => new NativeHistogram({ resolution: 0 })).toThrow(/^FLG_INVALID_ARGUMENT: .*resolution/);
    expect(() => new NativeHistogram({ resolution: 1, highest: 1 })).toThrow(/^FLG_INVALID_ARGUMENT: .*highest/);
  });

  it("is what the profiler uses", () => {
    expect(histogramBackend()).toBe("native");
    const h = createHistogram();
    h.recordMany(new Float64Array([5, 10]));
    expect(h.count).toBe(2);
  });
});
