/**
 * Chrome trace-event JSON (the format of chrome://tracing and https://ui.perfetto.dev):
 * one process per root run, one track per node (subgraph nodes nested under their parent by
 * name and order), a track of supersteps per graph, and tracks for checkpointer and cache calls.
 */
import { PATH_SEPARATOR } from "./analyze.js";
import type { ProfileReport, RunSummary } from "./report-types.js";

/** One trace event; see the Trace Event Format document (complete "X" and metadata "M" events). */
export interface TraceEvent {
  name: string;
  ph: "X" | "M" | "i";
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: "t" | "p" | "g";
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: "ms";
  otherData: Record<string, string>;
}

const RUN_TID = 1;
const CHECKPOINT_TID = 2;
const CACHE_TID = 3;
const FIRST_NODE_TID = 10;
/** Process of checkpointer/cache calls no run claims (cache calls carry no config). */
const SESSION_PID = 0;

const us = (ms: number) => Math.round(ms * 1000);

export function toChromeTrace(report: ProfileReport): ChromeTrace {
  const events: TraceEvent[] = [];
  const runsById = new Map(report.runs.map((run) => [run.id, run]));
  const rootOf = (run: RunSummary): number => {
    let current = run;
    while (current.parentId !== undefined) {
      const parent = runsById.get(current.parentId);
      if (parent === undefined) break;
      current = parent;
    }
    return current.id;
  };
  const pidOfRun = new Map(report.runs.map((run) => [run.id, rootOf(run)]));

  // Track names per process: every node path, and a "steps" track per graph (root or subgraph).
  const tracks = new Map<number, Map<string, number>>();
  const trackOf = (pid: number, key: string): number => {
    let byKey = tracks.get(pid);
    if (byKey === undefined) tracks.set(pid, (byKey = new Map()));
    let tid = byKey.get(key);
    if (tid === undefined) byKey.set(key, (tid = -1));
    return tid;
  };
  const stepsKey = (run: RunSummary) => (run.path.length ? run.path.join(PATH_SEPARATOR) + PATH_SEPARATOR + "[steps]" : "[steps]");
  for (const run of report.runs) trackOf(pidOfRun.get(run.id)!, stepsKey(run));
  for (const task of report.tasks) trackOf(pidOfRun.get(task.runId) ?? SESSION_PID, task.name);
  // Depth-first order of paths: a subgraph's tracks follow the node that runs it; siblings in
  // order of their first run.
  const firstSeen = new Map<string, number>();
  for (const task of report.tasks) {
    const parts = task.name.split(PATH_SEPARATOR);
    for (let i = 1; i <= parts.length; i += 1) {
      const prefix = parts.slice(0, i).join(PATH_SEPARATOR);
      if (!((firstSeen.get(prefix) ?? Infinity) <= task.start)) firstSeen.set(prefix, task.start);
    }
  }
  for (const [pid, byKey] of tracks) {
    const keys = [...byKey.keys()].sort((a, b) => compareTrackKeys(a, b, firstSeen));
    keys.forEach((key, i) => byKey.set(key, FIRST_NODE_TID + i));
    for (const [key, tid] of byKey) {
      events.push({ name: "thread_name", ph: "M", pid, tid, args: { name: key.endsWith("[steps]") ? key.replace("[steps]", "steps") : key } });
      events.push({ name: "thread_sort_index", ph: "M", pid, tid, args: { sort_index: tid } });
    }
  }

  for (const run of report.runs) {
    const pid = pidOfRun.get(run.id)!;
    if (run.parentId === undefined) {
      events.push({ name: "process_name", ph: "M", pid, tid: 0, args: { name: `run ${run.id}: ${run.name}${run.threadId ? ` (thread ${run.threadId})` : ""}` } });
      events.push({ name: "process_sort_index", ph: "M", pid, tid: 0, args: { sort_index: pid } });
      events.push({ name: "thread_name", ph: "M", pid, tid: RUN_TID, args: { name: "graph" } });
      events.push({ name: "thread_sort_index", ph: "M", pid, tid: RUN_TID, args: { sort_index: RUN_TID } });
      events.push({
        name: run.name,
        cat: "run",
        ph: "X",
        pid,
        tid: RUN_TID,
        ts: us(run.start),
        dur: us(run.durationMs),
        args: { status: run.status, steps: run.steps.length, nodeMs: run.nodeMs, loopOverheadMs: run.overheadMs, setupMs: run.setupMs, ...(run.error ? { error: run.error } : {}) },
      });
    }
    const stepsTid = tracks.get(pid)!.get(stepsKey(run))!;
    for (const step of run.steps) {
      events.push({
        name: `step ${step.step}`,
        cat: "step",
        ph: "X",
        pid,
        tid: stepsTid,
        ts: us(step.start),
        dur: us(step.durationMs),
        args: { step: step.step, nodes: step.nodes.join(", "), nodeMs: step.nodeMs, loopOverheadMs: step.overheadMs, retryWaitMs: step.retryWaitMs },
      });
    }
  }

  for (const task of report.tasks) {
    const pid = pidOfRun.get(task.runId) ?? SESSION_PID;
    events.push({
      name: task.attempt > 1 ? `${task.node} (attempt ${task.attempt})` : task.node,
      cat: task.status === "ok" ? "node" : task.status,
      ph: "X",
      pid,
      tid: tracks.get(pid)!.get(task.name)!,
      ts: us(task.start),
      dur: us(task.durationMs),
      args: { node: task.name, step: task.step, attempt: task.attempt, status: task.status, ...(task.error ? { error: task.error } : {}) },
    });
  }

  const ioPids = new Set<number>();
  for (const call of report.ioCalls) {
    const pid = call.runId !== undefined ? (pidOfRun.get(call.runId) ?? SESSION_PID) : SESSION_PID;
    const tid = call.op.startsWith("cache.") ? CACHE_TID : CHECKPOINT_TID;
    ioPids.add(pid);
    events.push({ name: call.op, cat: call.ok ? "io" : "io-error", ph: "X", pid, tid, ts: us(call.start), dur: us(call.durationMs), args: { ok: call.ok } });
  }
  for (const pid of ioPids) {
    if (pid === SESSION_PID) events.push({ name: "process_name", ph: "M", pid, tid: 0, args: { name: "checkpointer and cache (no run)" } });
    events.push({ name: "thread_name", ph: "M", pid, tid: CHECKPOINT_TID, args: { name: "checkpointer" } });
    events.push({ name: "thread_sort_index", ph: "M", pid, tid: CHECKPOINT_TID, args: { sort_index: CHECKPOINT_TID } });
    events.push({ name: "thread_name", ph: "M", pid, tid: CACHE_TID, args: { name: "cache" } });
    events.push({ name: "thread_sort_index", ph: "M", pid, tid: CACHE_TID, args: { sort_index: CACHE_TID } });
  }

  return {
    traceEvents: events,
    displayTimeUnit: "ms",
    otherData: { name: report.name, startedAt: report.startedAt, format: report.format, producer: "@flg/profiler" },
  };
}

/** Orders `a`, `a › steps`, `a › x`, `b`: parents before children, steps first within a graph. */
function compareTrackKeys(a: string, b: string, firstSeen: Map<string, number>): number {
  const pa = a.split(PATH_SEPARATOR);
  const pb = b.split(PATH_SEPARATOR);
  for (let i = 0; i < Math.min(pa.length, pb.length); i += 1) {
    if (pa[i] === pb[i]) continue;
    if (pa[i] === "[steps]") return -1;
    if (pb[i] === "[steps]") return 1;
    const ta = firstSeen.get(pa.slice(0, i + 1).join(PATH_SEPARATOR)) ?? Infinity;
    const tb = firstSeen.get(pb.slice(0, i + 1).join(PATH_SEPARATOR)) ?? Infinity;
    if (ta !== tb) return ta - tb;
    return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}
