/**
 * The same records from LangChain callbacks, for graphs you cannot hand to `profile()` (built
 * inside a library, or run by a server): pass `callbacks: [handler]` in the config.
 *
 * LangGraph starts a chain run per task with the tag `graph:step:<n>` and the task metadata
 * (`langgraph_node`, `langgraph_step`, `langgraph_checkpoint_ns`); the task's parent run is the
 * graph run. Every other chain (the graph itself, runnables inside a node) is kept as pending
 * until a task names it as parent, so subgraphs are found wherever they are invoked.
 *
 * Cost: any callback handler makes @langchain/core build a run tree per runnable, +25 % on the
 * 1000-step loop of packages/bench/src/profiler-overhead.ts; `profile()` stays under 5 %.
 */
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";

import type { TaskRecord } from "./records.js";
import { ProfileSession, type RunContext, type SessionOptions, type TaskMetadata } from "./session.js";

interface PendingChain {
  parentRunId?: string;
  name: string;
  start: number;
  ns: string;
  threadId?: string;
}

const STEP_TAG = "graph:step:";

export class ProfilerCallbackHandler extends BaseCallbackHandler {
  name = "flg_profiler";
  /** Handlers run inline so timestamps are taken when the event happens, not when a queue gets to it. */
  override awaitHandlers = true;
  readonly session: ProfileSession;
  private readonly graphs = new Map<string, RunContext>();
  private readonly tasks = new Map<string, { context: RunContext; task: TaskRecord | undefined }>();
  private readonly pending = new Map<string, PendingChain>();
  private readonly attempts = new Map<string, number>();

  constructor(session: ProfileSession | SessionOptions = {}) {
    super();
    this.session = session instanceof ProfileSession ? session : new ProfileSession(session);
  }

  override handleChainStart(
    _chain: unknown,
    _inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: string[],
    metadata?: Record<string, unknown>,
    _runType?: string,
    runName?: string,
  ): void {
    const isTask = parentRunId !== undefined && tags?.some((tag) => tag.startsWith(STEP_TAG)) && typeof metadata?.langgraph_node === "string";
    if (isTask) {
      const context = this.graphs.get(parentRunId) ?? this.promote(parentRunId);
      if (context !== undefined) {
        const key = `${parentRunId}|${String(metadata?.langgraph_checkpoint_ns)}`;
        const attempt = (this.attempts.get(key) ?? 0) + 1;
        this.attempts.set(key, attempt);
        this.tasks.set(runId, { context, task: context.startTask(metadata as TaskMetadata, runName ?? "task", attempt) });
        return;
      }
    }
    this.pending.set(runId, {
      parentRunId,
      name: runName ?? "chain",
      start: this.session.now(),
      ns: typeof metadata?.langgraph_checkpoint_ns === "string" ? metadata.langgraph_checkpoint_ns : "",
      threadId: typeof metadata?.thread_id === "string" ? metadata.thread_id : undefined,
    });
  }

  override handleChainEnd(outputs: unknown, runId: string): void {
    this.settle(runId, undefined, typeof outputs === "object" && outputs !== null && "__interrupt__" in outputs);
  }

  override handleChainError(error: unknown, runId: string): void {
    this.settle(runId, error ?? new Error("unknown error"), false);
  }

  private settle(runId: string, error: unknown, interrupted: boolean): void {
    const task = this.tasks.get(runId);
    if (task !== undefined) {
      this.tasks.delete(runId);
      task.context.endTask(task.task, error);
      return;
    }
    const graph = this.graphs.get(runId);
    if (graph !== undefined) {
      this.graphs.delete(runId);
      graph.finish(error, false, interrupted);
      for (const key of this.attempts.keys()) if (key.startsWith(`${runId}|`)) this.attempts.delete(key);
    }
    this.pending.delete(runId);
  }

  /** A chain turned out to be a graph run (a task names it as parent): open its run record. */
  private promote(runId: string): RunContext | undefined {
    const chain = this.pending.get(runId);
    if (chain === undefined) return undefined;
    this.pending.delete(runId);
    const context = this.session.startRun(chain.name, this.enclosing(chain.parentRunId), { checkpoint_ns: chain.ns, thread_id: chain.threadId });
    context.record.start = chain.start;
    this.graphs.set(runId, context);
    return context;
  }

  /** The run context of the nearest task or graph above a chain. */
  private enclosing(runId: string | undefined): RunContext | undefined {
    for (let id = runId; id !== undefined; id = this.pending.get(id)?.parentRunId) {
      const task = this.tasks.get(id);
      if (task !== undefined) return task.context;
      const graph = this.graphs.get(id);
      if (graph !== undefined) return graph;
    }
    return undefined;
  }
}
