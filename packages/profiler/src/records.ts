/**
 * What the probes record while a graph runs: plain objects, one per graph run, task attempt and
 * checkpointer/cache call, with times in milliseconds since the session started. Nothing here is
 * aggregated; `analyze.ts` turns the records into a report after the fact, so the hot path is an
 * object allocation and two `performance.now()` calls.
 */

/** How a task attempt ended. `interrupt`: `interrupt()` / NodeInterrupt; `bubble`: a `Command` sent to a parent graph. */
export type TaskStatus = "running" | "ok" | "error" | "interrupt" | "bubble";

/** How a graph run ended; `cancelled` when the caller stopped consuming the stream early. */
export type RunStatus = "running" | "ok" | "error" | "interrupted" | "cancelled";

export interface TaskRecord {
  /** Node name as LangGraph reports it (`metadata.langgraph_node`). */
  node: string;
  /** Superstep (`metadata.langgraph_step`). */
  step: number;
  /** `metadata.langgraph_checkpoint_ns`: `node:taskId`, `|`-joined under subgraphs; equal across retries. */
  ns: string;
  /** 1 for the first attempt, 2.. for retries. */
  attempt: number;
  start: number;
  end: number;
  status: TaskStatus;
  error?: string;
}

export interface RunRecord {
  id: number;
  /** Graph name (`graph.getName()`), "LangGraph" unless named. */
  name: string;
  parent?: RunRecord;
  /** `configurable.checkpoint_ns` the run started with: the calling task's namespace for a subgraph. */
  ns: string;
  threadId?: string;
  start: number;
  end: number;
  status: RunStatus;
  error?: string;
  tasks: TaskRecord[];
}

/** Checkpointer and cache methods whose time is recorded. */
export type IoOp =
  | "checkpoint.getTuple"
  | "checkpoint.put"
  | "checkpoint.putWrites"
  | "checkpoint.list"
  | "checkpoint.getDeltaChannelHistory"
  | "checkpoint.deleteThread"
  | "cache.get"
  | "cache.set"
  | "cache.clear";

export interface IoRecord {
  op: IoOp;
  start: number;
  end: number;
  ok: boolean;
  /** The graph run the call belongs to, when its config says so (checkpointer calls do, cache calls do not). */
  run?: RunRecord;
}

/** Tells a LangGraph error apart from a failure: interrupts and parent commands are control flow. */
export function classifyError(error: unknown): Exclude<TaskStatus, "running" | "ok"> {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "GraphInterrupt" || name === "NodeInterrupt") return "interrupt";
  if ((error as { is_bubble_up?: unknown } | null)?.is_bubble_up === true) return "bubble";
  return "error";
}

/** A one-line description of an error for tables and traces. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return String(error).slice(0, 500);
}
