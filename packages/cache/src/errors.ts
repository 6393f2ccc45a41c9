/** Stable codes of every error @flg/cache (and its tiers) throw or report. */
export type FlgCacheErrorCode =
  /** An argument cannot be turned into a cache key (function, symbol, cycle, …). */
  | "FLG_CACHE_KEY"
  /** Options that contradict each other or are out of range. */
  | "FLG_CACHE_OPTIONS"
  /** A value cannot be encoded losslessly, or stored bytes cannot be decoded. */
  | "FLG_CACHE_CODEC"
  /** A tier failed (connection refused, reply error); the caller was served from a lower tier or by computing. */
  | "FLG_CACHE_STORE"
  /** A tier did not answer within its timeout; the caller was served from a lower tier or by computing. */
  | "FLG_CACHE_TIMEOUT"
  /** A background refresh (stale-while-revalidate) failed; the stale value stays until it expires. */
  | "FLG_CACHE_REFRESH";

/** The one error class of @flg/cache: a stable `code` and a message that says what and where. */
export class FlgCacheError extends Error {
  override readonly name = "FlgCacheError";
  readonly code: FlgCacheErrorCode;
  /** Where it happened: an argument path such as `args[1].tools[0]`, a cache key, or a tier name. */
  readonly where: string | undefined;

  constructor(code: FlgCacheErrorCode, message: string, options?: { where?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.where = options?.where;
  }
}

/** True when `err` is an {@link FlgCacheError}, optionally with the given code. Works across copies of the package. */
export function isFlgCacheError(err: unknown, code?: FlgCacheErrorCode): err is FlgCacheError {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === "FlgCacheError" && typeof e.code === "string" && (code === undefined || e.code === code);
}
