/**
 * A profiling session: the records of every run seen since it started, and the run contexts the
 * probes hand down through `config.configurable` so that a task, a subgraph or a checkpointer
 * call knows which run it belongs to.
 */
import { classifyError, describeError, type IoOp, type IoRecord, type RunRecord, type TaskRecord } from "./records.js";

/**
 * Key of the run context in `config.configurable`. The `__` prefix keeps it out of what LangGraph
 * copies into checkpoint metadata and tracing metadata (only an allow-list of keys is copied).
 */
export const CONTEXT_KEY = "__flg_profiler_run";

/** Brand shared by every copy of this module (ESM and CJS builds), instead of `instanceof`. */
const BRAND = Symbol.for("@flg/profiler/run-context");

/** Task metadata LangGraph 1.x puts on every task's config (see pregel/algo.js `_prepareSingleTask`). */
export interface TaskMetadata {
  langgraph_node?: unknown;
  langgraph_step?: unknown;
  langgraph_checkpoint_ns?: unknown;
}

export interface SessionOptions {
  /** Shown in reports. */
  name?: string;
  /** Task attempts and I/O calls kept; later ones are counted in `dropped`. @default 1_000_000 */
  maxEvents?: number;
}

export class ProfileSession {
  readonly name: string;
  /** `performance.now()` at start; every record time is relative to it. */
  origin: number;
  /** Wall-clock start (epoch ms). */
  startedAt: number;
  runs: RunRecord[] = [];
  io: IoRecord[] = [];
  /** Events not kept because `maxEvents` was reached. */
  dropped = 0;
  /** False after `stop()`: probes stay installed but record nothing. */
  recording = true;
  private events = 0;
  private nextRunId = 1;
  private readonly maxEvents: number;

  constructor(options: SessionOptions = {}) {
    this.name = options.name ?? "profile";
    this.maxEvents = options.maxEvents ?? 1_000_000;
    this.origin = performance.now();
    this.startedAt = Date.now();
  }

  now(): number {
    return performance.now() - this.origin;
  }

  /** Forgets every record; the next run starts a fresh timeline. */
  reset(): void {
    this.runs = [];
    this.io = [];
    this.dropped = 0;
    this.events = 0;
    this.nextRunId = 1;
    this.origin = performance.now();
    this.startedAt = Date.now();
  }

  /** Opens a run record and the context that travels with it. */
  startRun(name: string, parent: RunContext | undefined, configurable: Record<string, unknown> | undefined): RunContext {
    const record: RunRecord = {
      id: this.nextRunId++,
      name,
      parent: parent?.record,
      ns: typeof configurable?.checkpoint_ns === "string" ? configurable.checkpoint_ns : "",
      threadId: typeof configurable?.thread_id === "string" ? configurable.thread_id : undefined,
      start: this.now(),
      end: Number.NaN,
      status: "running",
      tasks: [],
    };
    this.runs.push(record);
    return new RunContext(this, record);
  }

  /** Counts an event against `maxEvents`; false when it must be dropped. */
  admit(): boolean {
    if (this.events >= this.maxEvents) {
      this.dropped += 1;
      return false;
    }
    this.events += 1;
    return true;
  }

  recordIo(op: IoOp, start: number, ok: boolean, run: RunRecord | undefined): void {
    if (!this.admit()) return;
    this.io.push({ op, start, end: this.now(), ok, run });
  }
}

/** What a graph run hands to its tasks, subgraphs and checkpointer calls. */
export class RunContext {
  readonly [BRAND] = true;

  constructor(
    readonly session: ProfileSession,
    readonly record: RunRecord,
  ) {}

  /** Opens a task attempt; `runnable` names it when the metadata does not (never with LangGraph ≥ 1.0). */
  startTask(metadata: TaskMetadata | undefined, runnable: { getName?(): string } | string, attempt: number): TaskRecord | undefined {
    if (!this.session.recording || !this.session.admit()) return undefined;
    const step = metadata?.langgraph_step;
    const task: TaskRecord = {
      node: typeof metadata?.langgraph_node === "string" ? metadata.langgraph_node : typeof runnable === "string" ? runnable : (runnable.getName?.() ?? "task"),
      step: typeof step === "number" ? step : -1,
      ns: typeof metadata?.langgraph_checkpoint_ns === "string" ? metadata.langgraph_checkpoint_ns : "",
      attempt,
      start: this.session.now(),
      end: Number.NaN,
      status: "running",
    };
    this.record.tasks.push(task);
    return task;
  }

  endTask(task: TaskRecord | undefined, error?: unknown): void {
    if (task === undefined) return;
    task.end = this.session.now();
    if (error === undefined) {
      task.status = "ok";
    } else {
      task.status = classifyError(error);
      task.error = describeError(error);
    }
  }

  /**
   * Closes the run; `error` undefined means it completed. A run that completed with a task
   * interrupted in its last step is "interrupted" (`interrupt()` throws inside the task); static
   * `interruptBefore`/`interruptAfter` pauses throw nothing a probe sees unless the caller
   * says so with `interrupted` (the callback handler sees `__interrupt__` in the output).
   */
  finish(error?: unknown, cancelled = false, interrupted = false): void {
    const record = this.record;
    if (record.status !== "running") return;
    record.end = this.session.now();
    if (cancelled || isAbort(error)) {
      record.status = "cancelled";
    } else if (error === undefined) {
      record.status = interrupted || endedOnInterrupt(record) ? "interrupted" : "ok";
    } else if (classifyError(error) === "interrupt") {
      record.status = "interrupted";
    } else {
      record.status = "error";
      record.error = describeError(error);
    }
  }

  /** Run contexts must never reach JSON (RemoteGraph sends configurable over HTTP). */
  toJSON(): undefined {
    return undefined;
  }
}

/** A run whose stream ended normally after a task interrupted: LangGraph returns `__interrupt__`. */
function endedOnInterrupt(record: RunRecord): boolean {
  const tasks = record.tasks;
  if (tasks.length === 0) return false;
  const lastStep = tasks[tasks.length - 1].step;
  for (let i = tasks.length - 1; i >= 0 && tasks[i].step === lastStep; i -= 1) {
    if (tasks[i].status === "interrupt") return true;
  }
  return false;
}

/**
 * LangGraph ends a run whose stream was closed early, or whose `signal` fired, with
 * `new Error("Abort")` (pregel/runner.js); fetch-style code throws an AbortError.
 */
function isAbort(error: unknown): boolean {
  return error instanceof Error && (error.message === "Abort" || error.name === "AbortError");
}

export function isRunContext(value: unknown): value is RunContext {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}
