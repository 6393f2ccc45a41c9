/** `profile(graph)`: the entry point for profiling a graph you hold in code. */
import { analyze } from "./analyze.js";
import { toChromeTrace, type ChromeTrace } from "./chrome-trace.js";
import { FlgProfilerError } from "./errors.js";
import { formatTable } from "./format-table.js";
import { toHtml, type HtmlOptions } from "./html-report.js";
import { attachGraph, isGraphLike } from "./probes.js";
import type { ProfileReport } from "./report-types.js";
import { ProfileSession, type SessionOptions } from "./session.js";
import { writeReport, type WriteOptions, type WrittenFiles } from "./write.js";

export interface ProfileOptions extends SessionOptions {
  /**
   * false: install nothing, record nothing (the graph is left untouched, so there is no cost).
   * @default true unless the environment sets FLG_PROFILE=0
   */
  enabled?: boolean;
  /** Time the graph's checkpointer (getTuple, put, putWrites, list, ...) and node cache (get, set). @default true */
  io?: boolean;
}

/** Records every `invoke`/`stream` of one compiled graph until `detach()`. */
export class Profiler<G extends object = object> {
  /** The profiled graph: the same object that was passed in. */
  readonly graph: G;
  readonly enabled: boolean;
  readonly session: ProfileSession;
  private release: (() => void) | undefined;

  constructor(graph: G, options: ProfileOptions = {}) {
    if (!isGraphLike(graph)) {
      throw new FlgProfilerError(
        "FLG_PROFILER_NOT_A_GRAPH",
        "profile() needs a compiled LangGraph graph (the result of StateGraph.compile(), entrypoint() or new Pregel()); got " +
          (graph === null ? "null" : typeof graph === "object" ? (graph.constructor?.name ?? "an object") : typeof graph),
      );
    }
    this.graph = graph;
    this.enabled = options.enabled ?? process.env.FLG_PROFILE !== "0";
    this.session = new ProfileSession({ name: options.name ?? graph.getName(), maxEvents: options.maxEvents });
    if (!this.enabled) return;
    try {
      this.release = attachGraph(graph, this.session, { io: options.io ?? true });
    } catch (error) {
      throw new FlgProfilerError("FLG_PROFILER_ALREADY_PROFILED", `cannot profile graph "${graph.getName()}": ${(error as Error).message}`, { cause: error });
    }
  }

  /** Everything recorded so far, aggregated (runs still going are measured up to now). */
  report(): ProfileReport {
    return analyze(this.session);
  }

  /** The console table of `report()`. */
  table(): string {
    return formatTable(this.report());
  }

  /** Chrome trace-event JSON: open it in https://ui.perfetto.dev or chrome://tracing. */
  trace(): ChromeTrace {
    return toChromeTrace(this.report());
  }

  /** A self-contained HTML report. */
  html(options?: HtmlOptions): string {
    return toHtml(this.report(), options);
  }

  /** Writes profile.html, profile.trace.json and profile.json into `dir`. */
  write(dir: string, options?: WriteOptions): Promise<WrittenFiles> {
    return writeReport(this.report(), dir, options);
  }

  /** Forgets what was recorded; keeps profiling. */
  reset(): void {
    this.session.reset();
  }

  /** Pauses (false) or resumes (true) recording; the probes stay installed. */
  setRecording(on: boolean): void {
    this.session.recording = on;
  }

  /** Stops profiling and restores the graph (and LangGraph's prototypes once no profiler is left). */
  detach(): void {
    this.release?.();
    this.release = undefined;
  }
}

/**
 * Profiles every `invoke`, `stream` and `streamEvents` of `graph` (and of the subgraphs it runs)
 * from now until `detach()`. The graph is instrumented in place: keep using it as before.
 *
 * ```ts
 * const profiler = profile(graph);
 * await graph.invoke(input, config);
 * console.log(profiler.table());
 * await profiler.write("profile-out");
 * ```
 */
export function profile<G extends object>(graph: G, options?: ProfileOptions): Profiler<G> {
  return new Profiler(graph, options);
}
