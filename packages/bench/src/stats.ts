/**
 * Timing and summary statistics shared by every bench group.
 *
 * Contenders are interleaved: iteration i runs every contender once, starting with contender
 * i mod n, so drift (thermal, GC pressure, page cache, a noisy neighbour) spreads evenly over all
 * of them instead of landing on whichever ran last.
 */

/** Summary of repeated samples, in the unit the samples were taken in. */
export interface Summary {
  n: number;
  median: number;
  p95: number;
  mean: number;
  min: number;
  max: number;
}

/** A monotonic timestamp in nanoseconds. */
export function now(): bigint {
  return process.hrtime.bigint();
}

/** Milliseconds elapsed since `start` (from {@link now}). */
export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Value at quantile q (0..1) of sorted samples, linear interpolation between ranks. */
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    n: sorted.length,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

/** Runs a full GC when the process was started with --expose-gc; a no-op otherwise. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

export interface InterleaveOptions {
  /** Rounds run before measuring (every contender runs once per round). */
  warmup: number;
  /** Measured rounds. */
  iterations: number;
  /** Call the GC (if exposed) before every measured sample, so one contender's garbage is not billed to the next. */
  gcBetween?: boolean;
}

/**
 * One sample of one contender: the metrics it measured itself (e.g. `{ put: 1.2, get: 0.4 }`, in ms).
 * Each callback times only its own work, so setup such as building a config is left out.
 */
export type SampleFn<C extends string> = (contender: C, iteration: number) => Promise<Record<string, number>>;

/** Samples per contender per metric. */
export type Samples<C extends string> = Record<C, Record<string, number[]>>;

/** Runs `sample` for every contender, round-robin with a rotating start; warmup rounds are discarded. */
export async function interleave<C extends string>(contenders: readonly C[], options: InterleaveOptions, sample: SampleFn<C>): Promise<Samples<C>> {
  const out = Object.fromEntries(contenders.map((c) => [c, {} as Record<string, number[]>])) as Samples<C>;
  const total = options.warmup + options.iterations;
  for (let round = 0; round < total; round += 1) {
    for (let k = 0; k < contenders.length; k += 1) {
      const contender = contenders[(round + k) % contenders.length];
      if (options.gcBetween) collectGarbage();
      const metrics = await sample(contender, round);
      if (round < options.warmup) continue;
      const sink: Record<string, number[]> = out[contender];
      for (const [metric, value] of Object.entries(metrics)) (sink[metric] ??= []).push(value);
    }
  }
  return out;
}

/** Summaries of every metric of every contender. */
export function summarizeAll<C extends string>(samples: Samples<C>): Record<C, Record<string, Summary>> {
  const out = {} as Record<C, Record<string, Summary>>;
  for (const contender of Object.keys(samples) as C[]) {
    const summaries: Record<string, Summary> = {};
    for (const [metric, values] of Object.entries(samples[contender])) summaries[metric] = summarize(values);
    out[contender] = summaries;
  }
  return out;
}
