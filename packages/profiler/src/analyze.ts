/**
 * Turns a session's records into a report: steps and loop overhead per run, latency percentiles
 * per node, step and checkpointer/cache method.
 *
 * Step boundaries: LangGraph emits nothing at a superstep boundary, so a step is measured from
 * the first task start of step n to the first task start of step n+1 (or the end of the run).
 * That window holds the step's tasks plus the loop's work after them (applying writes, saving
 * the checkpoint, preparing the next tasks): step time − node time − retry backoff = loop
 * overhead. The time before the first task (input, first checkpoint read) is the run's setup,
 * counted in the run's overhead.
 */
import { createHistogram, histogramBackend, latencyStats, type HistogramBucket } from "./histogram.js";
import type { IoOp, RunRecord, TaskRecord } from "./records.js";
import {
  REPORT_FORMAT,
  type ErrorEntry,
  type IoStats,
  type NodeStats,
  type ProfileReport,
  type RunSummary,
  type StepSummary,
  type TaskEntry,
} from "./report-types.js";
import type { ProfileSession } from "./session.js";

/** Bars per latency chart. */
const CHART_BUCKETS = 24;

export const PATH_SEPARATOR = " › ";

interface RunInfo {
  record: RunRecord;
  path: string[];
  depth: number;
  end: number;
  summary?: RunSummary;
}

export function analyze(session: ProfileSession): ProfileReport {
  const now = session.now();
  const infos = new Map<RunRecord, RunInfo>();
  const runs: RunInfo[] = [];
  for (const record of session.runs) {
    const info = locate(record, infos, now);
    infos.set(record, info);
    runs.push(info);
  }

  const tasks: TaskEntry[] = [];
  const errors: ErrorEntry[] = [];
  const byName = new Map<string, { path: string[]; depth: number; durations: number[]; tasks: Set<string>; errors: number; retries: number; interrupts: number }>();
  for (const info of runs) {
    const { record, path, depth } = info;
    const lastAttempt = new Map<string, number>();
    for (const task of record.tasks) lastAttempt.set(task.ns, Math.max(lastAttempt.get(task.ns) ?? 0, task.attempt));
    for (const task of record.tasks) {
      const taskPath = [...path, task.node];
      const name = taskPath.join(PATH_SEPARATOR);
      const end = Number.isNaN(task.end) ? now : task.end;
      const entry: TaskEntry = {
        runId: record.id,
        name,
        node: task.node,
        depth,
        step: task.step,
        attempt: task.attempt,
        start: task.start,
        durationMs: end - task.start,
        status: task.status,
      };
      if (task.error !== undefined) entry.error = task.error;
      tasks.push(entry);
      let stats = byName.get(name);
      if (stats === undefined) byName.set(name, (stats = { path: taskPath, depth, durations: [], tasks: new Set(), errors: 0, retries: 0, interrupts: 0 }));
      stats.durations.push(entry.durationMs);
      stats.tasks.add(`${record.id}\u0000${task.ns}`);
      if (task.attempt > 1) stats.retries += 1;
      if (task.status === "error") stats.errors += 1;
      if (task.status === "interrupt") stats.interrupts += 1;
      if (task.status === "error" || task.status === "interrupt" || task.status === "bubble") {
        errors.push({
          runId: record.id,
          name,
          step: task.step,
          attempt: task.attempt,
          status: task.status,
          retried: (lastAttempt.get(task.ns) ?? 0) > task.attempt,
          message: task.error ?? "",
        });
      }
    }
  }
  tasks.sort((a, b) => a.start - b.start);

  const summaries = runs.map((info) => (info.summary = summarizeRun(info, infos)));
  const roots = summaries.filter((run) => run.parentId === undefined);
  const wallMs = sum(roots.map((run) => run.durationMs));
  const nodeMs = sum(roots.map((run) => run.nodeMs));
  const retryWaitMs = sum(roots.map((run) => run.retryWaitMs));
  const loopOverheadMs = sum(roots.map((run) => run.overheadMs));

  const nodes: NodeStats[] = [];
  for (const [name, stats] of byName) {
    const histogram = createHistogram();
    const latency = latencyStats(Float64Array.from(stats.durations), histogram);
    nodes.push({
      name,
      path: stats.path,
      depth: stats.depth,
      ...latency,
      tasks: stats.tasks.size,
      attempts: stats.durations.length,
      errors: stats.errors,
      retries: stats.retries,
      interrupts: stats.interrupts,
      sharePct: wallMs > 0 ? (latency.totalMs / wallMs) * 100 : 0,
      histogram: histogram.buckets(CHART_BUCKETS),
    });
  }
  nodes.sort((a, b) => b.totalMs - a.totalMs || a.name.localeCompare(b.name));

  const rootSteps = roots.flatMap((run) => run.steps);
  const durationHistogram = createHistogram();
  const overheadHistogram = createHistogram();
  const steps = {
    count: rootSteps.length,
    duration: latencyStats(Float64Array.from(rootSteps, (s) => s.durationMs), durationHistogram),
    overhead: latencyStats(Float64Array.from(rootSteps, (s) => s.overheadMs), overheadHistogram),
    durationHistogram: rootSteps.length ? durationHistogram.buckets(CHART_BUCKETS) : ([] as HistogramBucket[]),
    overheadHistogram: rootSteps.length ? overheadHistogram.buckets(CHART_BUCKETS) : ([] as HistogramBucket[]),
  };

  const ioByOp = new Map<IoOp, { durations: number[]; errors: number }>();
  const ioCalls = session.io.map((call) => {
    const durationMs = call.end - call.start;
    let stats = ioByOp.get(call.op);
    if (stats === undefined) ioByOp.set(call.op, (stats = { durations: [], errors: 0 }));
    stats.durations.push(durationMs);
    if (!call.ok) stats.errors += 1;
    return { op: call.op, runId: call.run?.id, start: call.start, durationMs, ok: call.ok };
  });
  const io: IoStats[] = [...ioByOp].map(([op, stats]) => ({ op, errors: stats.errors, ...latencyStats(Float64Array.from(stats.durations)) }));
  io.sort((a, b) => a.op.localeCompare(b.op));

  const checkpointIo = io.filter((s) => s.op.startsWith("checkpoint."));
  const cacheIo = io.filter((s) => s.op.startsWith("cache."));
  return {
    format: REPORT_FORMAT,
    name: session.name,
    startedAt: new Date(session.startedAt).toISOString(),
    histogramBackend: histogramBackend(),
    totals: {
      runs: roots.length,
      subgraphRuns: summaries.length - roots.length,
      steps: rootSteps.length,
      tasks: sum(nodes.map((n) => n.tasks)),
      attempts: tasks.length,
      errors: tasks.filter((t) => t.status === "error").length,
      retries: tasks.filter((t) => t.attempt > 1).length,
      interrupts: tasks.filter((t) => t.status === "interrupt").length,
      wallMs,
      nodeMs,
      retryWaitMs,
      loopOverheadMs,
      loopOverheadPct: wallMs > 0 ? (loopOverheadMs / wallMs) * 100 : 0,
      checkpointMs: sum(checkpointIo.map((s) => s.totalMs)),
      checkpointCalls: sum(checkpointIo.map((s) => s.count)),
      cacheMs: sum(cacheIo.map((s) => s.totalMs)),
      cacheCalls: sum(cacheIo.map((s) => s.count)),
    },
    nodes,
    steps,
    io,
    runs: summaries,
    tasks,
    ioCalls,
    errors,
    dropped: session.dropped,
  };
}

/** Path of a run: the node path of the task that started it (subgraph), empty at the root. */
function locate(record: RunRecord, infos: Map<RunRecord, RunInfo>, now: number): RunInfo {
  const end = Number.isNaN(record.end) ? now : record.end;
  const parent = record.parent === undefined ? undefined : infos.get(record.parent);
  if (parent === undefined) return { record, path: [], depth: 0, end };
  const caller = findCaller(parent.record.tasks, record);
  const path = [...parent.path, caller?.node ?? parent.record.name];
  return { record, path, depth: parent.depth + 1, end };
}

/** The parent task a subgraph run started in: same checkpoint namespace, else the latest one running then. */
function findCaller(tasks: TaskRecord[], run: RunRecord): TaskRecord | undefined {
  let containing: TaskRecord | undefined;
  for (let i = tasks.length - 1; i >= 0; i -= 1) {
    const task = tasks[i];
    if (task.start > run.start) continue;
    if (run.ns !== "" && task.ns === run.ns) return task;
    if (containing === undefined && (Number.isNaN(task.end) || task.end >= run.start)) containing = task;
  }
  return containing;
}

function summarizeRun(info: RunInfo, infos: Map<RunRecord, RunInfo>): RunSummary {
  const { record, end } = info;
  const byStep = new Map<number, TaskRecord[]>();
  for (const task of record.tasks) {
    const list = byStep.get(task.step);
    if (list === undefined) byStep.set(task.step, [task]);
    else list.push(task);
  }
  const ordered = [...byStep.values()].sort((a, b) => a[0].start - b[0].start);
  const steps: StepSummary[] = ordered.map((stepTasks, i) => {
    const start = stepTasks[0].start;
    const stepEnd = i + 1 < ordered.length ? ordered[i + 1][0].start : end;
    const { busy, occupied } = occupancy(stepTasks, start, stepEnd, end);
    const durationMs = Math.max(0, stepEnd - start);
    return {
      step: stepTasks[0].step,
      start,
      durationMs,
      nodeMs: busy,
      retryWaitMs: Math.max(0, occupied - busy),
      overheadMs: Math.max(0, durationMs - occupied),
      nodes: [...new Set(stepTasks.map((t) => t.node))],
    };
  });
  const durationMs = Math.max(0, end - record.start);
  const nodeMs = sum(steps.map((s) => s.nodeMs));
  const retryWaitMs = sum(steps.map((s) => s.retryWaitMs));
  const summary: RunSummary = {
    id: record.id,
    name: record.name,
    path: info.path,
    depth: info.depth,
    start: record.start,
    durationMs,
    status: record.status,
    setupMs: steps.length ? Math.max(0, steps[0].start - record.start) : durationMs,
    nodeMs,
    retryWaitMs,
    overheadMs: Math.max(0, durationMs - nodeMs - retryWaitMs),
    steps,
  };
  const parent = record.parent === undefined ? undefined : infos.get(record.parent);
  if (parent !== undefined) summary.parentId = parent.record.id;
  if (record.threadId !== undefined) summary.threadId = record.threadId;
  if (record.error !== undefined) summary.error = record.error;
  return summary;
}

/**
 * Node time of a step (union of attempt intervals, parallel tasks counted once) and occupied
 * time (the same plus the backoff gaps between attempts of a retried task).
 */
function occupancy(tasks: TaskRecord[], from: number, to: number, runEnd: number): { busy: number; occupied: number } {
  const attempts: Array<[number, number]> = [];
  const gaps: Array<[number, number]> = [];
  const lastEnd = new Map<string, number>();
  for (const task of tasks) {
    const end = Number.isNaN(task.end) ? runEnd : task.end;
    attempts.push([task.start, end]);
    const previous = lastEnd.get(task.ns);
    if (previous !== undefined && task.start > previous) gaps.push([previous, task.start]);
    lastEnd.set(task.ns, end);
  }
  const busy = unionLength(attempts, from, to);
  return { busy, occupied: gaps.length ? unionLength([...attempts, ...gaps], from, to) : busy };
}

function unionLength(intervals: Array<[number, number]>, from: number, to: number): number {
  const clipped = intervals
    .map(([a, b]): [number, number] => [Math.max(a, from), Math.min(b, to)])
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curStart = Number.NaN;
  let curEnd = Number.NaN;
  for (const [a, b] of clipped) {
    if (Number.isNaN(curStart) || a > curEnd) {
      if (!Number.isNaN(curStart)) total += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else if (b > curEnd) {
      curEnd = b;
    }
  }
  if (!Number.isNaN(curStart)) total += curEnd - curStart;
  return total;
}

function sum(values: number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
