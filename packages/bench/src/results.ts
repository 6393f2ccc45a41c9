/** The shape of docs/benchmarks/checkpoint.json: what every group returns and report.ts renders. */
import type { Summary } from "./stats.js";

export type ContenderId = "none" | "noop" | "memory" | "official" | "ours";

export const CONTENDER_LABELS: Record<ContenderId, string> = {
  none: "no checkpointer",
  noop: "no-op saver",
  memory: "MemorySaver",
  official: "official SqliteSaver",
  ours: "@flg SqliteSaver",
};

/** Column order of every table and chart. */
export const CONTENDER_ORDER: ContenderId[] = ["none", "noop", "memory", "official", "ours"];

export interface BenchRow {
  /** What was measured, e.g. "put+getTuple, 100 KB". */
  case: string;
  unit: "ms" | "µs" | "MB";
  /** Lower is better for every unit used here (time, bytes). */
  values: Partial<Record<ContenderId, Summary>>;
  /** Shown in the chart (the headline rows of each group). */
  chart?: boolean;
}

export interface Target {
  description: string;
  /** The measured value the target is judged on, in words. */
  measured: string;
  met: boolean;
}

export interface GroupResult {
  id: string;
  title: string;
  /** How the group measures, for the docs: data, iterations, what is timed. */
  method: string;
  rows: BenchRow[];
  targets: Target[];
  seconds: number;
  /** Share (0..1) of the machine's CPU that other processes used while the group ran (Linux). */
  otherCpuShare?: number;
  /** When the group finished (groups of one report may come from separate `--only` runs). */
  measuredAt?: string;
}

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  packages: Record<string, string>;
  /** 1-minute load average at the start and the end of the run (other processes on the machine). */
  loadAvg: { start: number; end: number };
}

export interface BenchReport {
  generatedAt: string;
  quick: boolean;
  command: string;
  machine: MachineInfo;
  /** How each saver was configured (the defaults a user gets), e.g. SQLite journal and sync modes. */
  saverSettings: Partial<Record<ContenderId, string>>;
  groups: GroupResult[];
  /** Filled by cpuprofile-summary.ts, kept across bench runs. */
  profiles?: ProfileSummary[];
  /** Filled by breakdown.ts (where the time of a missed target goes), kept across bench runs. */
  diagnostics?: Diagnostic[];
}

/** A small table of measurements that explains a result, rendered under "Diagnostics". */
export interface Diagnostic {
  /** Which part of breakdown.ts made it: put-get, list, timeline, database. */
  id?: string;
  title: string;
  note: string;
  columns: string[];
  rows: string[][];
  command: string;
  generatedAt: string;
  /** 1-minute load average when it started: other work on the machine skews everything. */
  loadAvg: number;
  /** Share (0..1) of the machine's CPU other processes used while it ran (Linux). */
  otherCpuShare?: number;
}

export interface ProfileFunction {
  name: string;
  location: string;
  selfMs: number;
  selfPct: number;
}

export interface ProfileSummary {
  /** What was profiled, e.g. "graph-loop, official SqliteSaver, 1000 steps". */
  title: string;
  command: string;
  totalMs: number;
  /**
   * Time by origin (package or category), largest self time first. Self: samples whose top frame
   * is from the origin. Inclusive: samples with a frame of the origin anywhere on the stack
   * (e.g. JSON.stringify and napi calls made by our serializer count for @flg).
   */
  byOrigin: Array<{ origin: string; selfMs: number; selfPct: number; inclusiveMs: number; inclusivePct: number }>;
  top: ProfileFunction[];
}

/** Median of `a` over median of `b` (e.g. official/ours); > 1 means `b` is better. */
export function ratio(row: BenchRow, a: ContenderId, b: ContenderId): number | undefined {
  const x = row.values[a]?.median;
  const y = row.values[b]?.median;
  if (x === undefined || y === undefined || y === 0) return undefined;
  return x / y;
}

/** Options every group's `run` takes (from the command line). */
export interface RunOptions {
  quick: boolean;
  /** Run only these contenders (for profiling one of them); all when undefined. */
  contenders?: ContenderId[];
  /** Progress lines go here. */
  log: (line: string) => void;
}

/** The contenders of a group that the options keep, in the given order. */
export function selectContenders<C extends ContenderId>(all: readonly C[], options: RunOptions): C[] {
  return options.contenders ? all.filter((c) => options.contenders!.includes(c)) : [...all];
}
