/**
 * The report: what `Profiler.report()` returns and `profile.json` holds. Everything the console
 * table, the Chrome trace and the HTML report show is computed from it, so a saved report can be
 * rendered again later. Times are milliseconds; `start` values are relative to the session start.
 */
import type { HistogramBackend, HistogramBucket, LatencyStats } from "./histogram.js";
import type { IoOp, RunStatus, TaskStatus } from "./records.js";

export const REPORT_FORMAT = "flg-profile/1";

export interface ProfileReport {
  format: typeof REPORT_FORMAT;
  name: string;
  /** ISO time the session started. */
  startedAt: string;
  histogramBackend: HistogramBackend;
  totals: ProfileTotals;
  /** One row per node path, slowest total first. */
  nodes: NodeStats[];
  /** Every superstep of every root run. */
  steps: StepsStats;
  /** Checkpointer and cache calls, per method. */
  io: IoStats[];
  runs: RunSummary[];
  /** Every task attempt, in start order. */
  tasks: TaskEntry[];
  ioCalls: IoEntry[];
  errors: ErrorEntry[];
  /** Events not kept because `maxEvents` was reached. */
  dropped: number;
}

export interface ProfileTotals {
  /** Root runs (invoke/stream calls). */
  runs: number;
  /** Subgraph runs inside them. */
  subgraphRuns: number;
  /** Supersteps of root runs. */
  steps: number;
  /** Tasks (a retried task counts once). */
  tasks: number;
  /** Task attempts (every retry counts). */
  attempts: number;
  errors: number;
  retries: number;
  interrupts: number;
  /** Sum of root run durations. */
  wallMs: number;
  /** Time some node of a root run was running. */
  nodeMs: number;
  /** Time between retry attempts (backoff). */
  retryWaitMs: number;
  /** LangGraph's own time: wall − node − retry wait (applying writes, checkpoints, scheduling, setup). */
  loopOverheadMs: number;
  /** loopOverheadMs / wallMs × 100. */
  loopOverheadPct: number;
  checkpointMs: number;
  checkpointCalls: number;
  cacheMs: number;
  cacheCalls: number;
}

export interface NodeStats extends LatencyStats {
  /** Display name, `parent › child` inside subgraphs. */
  name: string;
  /** Node names from the root graph down. */
  path: string[];
  /** Subgraph depth (0 at the root graph). */
  depth: number;
  tasks: number;
  /** Attempts (= `count`). */
  attempts: number;
  errors: number;
  retries: number;
  interrupts: number;
  /** totalMs / totals.wallMs × 100; a subgraph node includes its children. */
  sharePct: number;
  /** Log-spaced latency bars for a chart. */
  histogram: HistogramBucket[];
}

export interface StepsStats {
  count: number;
  duration: LatencyStats;
  /** Per-step loop overhead (step time − node time − retry wait). */
  overhead: LatencyStats;
  durationHistogram: HistogramBucket[];
  overheadHistogram: HistogramBucket[];
}

export interface IoStats extends LatencyStats {
  op: IoOp;
  errors: number;
}

export interface StepSummary {
  step: number;
  start: number;
  durationMs: number;
  nodeMs: number;
  retryWaitMs: number;
  overheadMs: number;
  /** Node names that ran in the step. */
  nodes: string[];
}

export interface RunSummary {
  id: number;
  parentId?: number;
  /** Graph name. */
  name: string;
  /** Path of the task that ran this subgraph (empty for a root run). */
  path: string[];
  depth: number;
  threadId?: string;
  start: number;
  durationMs: number;
  status: RunStatus;
  error?: string;
  /** Graph start to the first task. */
  setupMs: number;
  nodeMs: number;
  retryWaitMs: number;
  overheadMs: number;
  steps: StepSummary[];
}

export interface TaskEntry {
  runId: number;
  /** Display name (see NodeStats.name). */
  name: string;
  node: string;
  depth: number;
  step: number;
  attempt: number;
  start: number;
  durationMs: number;
  status: TaskStatus;
  error?: string;
}

export interface IoEntry {
  op: IoOp;
  runId?: number;
  start: number;
  durationMs: number;
  ok: boolean;
}

export interface ErrorEntry {
  runId: number;
  name: string;
  step: number;
  attempt: number;
  status: Exclude<TaskStatus, "running" | "ok">;
  /** Whether a later attempt of the same task ran. */
  retried: boolean;
  message: string;
}
