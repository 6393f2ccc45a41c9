/** Stable codes of every error this package throws. */
export type FlgProfilerErrorCode = "FLG_PROFILER_NOT_A_GRAPH" | "FLG_PROFILER_ALREADY_PROFILED" | "FLG_PROFILER_LANGGRAPH_NOT_FOUND";

/** The one error class of @flg/profiler: a stable `code` and a message that says what and where. */
export class FlgProfilerError extends Error {
  override readonly name = "FlgProfilerError";
  readonly code: FlgProfilerErrorCode;

  constructor(code: FlgProfilerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
