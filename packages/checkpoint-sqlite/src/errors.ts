/** Stable codes of every error this package throws. */
export type FlgErrorCode =
  | "FLG_SERIALIZE"
  | "FLG_DESERIALIZE"
  | "FLG_INVALID_ARGUMENT"
  | "FLG_INVALID_JSON"
  | "FLG_SQLITE"
  | "FLG_SQLITE_BUSY"
  | "FLG_SCHEMA"
  | "FLG_IO"
  | "FLG_CLOSED"
  | "FLG_PANIC"
  | "FLG_DELTA_BASE_MISSING";

/** Where in the checkpoint data an error happened. */
export interface FlgErrorLocation {
  threadId?: string;
  checkpointNs?: string;
  checkpointId?: string;
  channel?: string;
  taskId?: string;
}

/** The one error class of @flg/checkpoint-sqlite: a stable `code` and a message saying what and where. */
export class FlgCheckpointError extends Error {
  override readonly name = "FlgCheckpointError";
  readonly code: FlgErrorCode;
  readonly location: FlgErrorLocation;

  constructor(code: FlgErrorCode, message: string, location: FlgErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.location = location;
  }
}

const NATIVE_CODE = /^(FLG_[A-Z_]+): ([\s\S]*)$/;

/** Native errors arrive as "FLG_CODE: message" (see crates/flg-node/src/binding_errors.rs). */
export function fromNativeError(err: unknown, location: FlgErrorLocation = {}): unknown {
  if (!(err instanceof Error)) return err;
  const match = NATIVE_CODE.exec(err.message);
  if (!match) return err;
  // Errors raised while rebuilding a value in Rust (list deltas) name the channel in the message.
  const channel = location.channel ?? /channel "((?:[^"\\]|\\.)*)"/.exec(match[2])?.[1];
  const code = match[1] as FlgErrorCode;
  const readError = code === "FLG_INVALID_JSON" || code === "FLG_SCHEMA";
  return new FlgCheckpointError(readError && channel !== undefined ? "FLG_DESERIALIZE" : code, match[2], { ...location, ...(channel !== undefined ? { channel } : {}) }, { cause: err });
}

/** Describes a location for messages: `channel "messages" of checkpoint 1ef… (thread "t1")`. */
export function describeLocation(location: FlgErrorLocation): string {
  const parts: string[] = [];
  if (location.channel !== undefined) parts.push(`channel "${location.channel}"`);
  if (location.taskId !== undefined) parts.push(`task ${location.taskId}`);
  if (location.checkpointId !== undefined) parts.push(`checkpoint ${location.checkpointId}`);
  const thread = location.threadId !== undefined ? ` (thread "${location.threadId}"${location.checkpointNs ? `, namespace "${location.checkpointNs}"` : ""})` : "";
  return parts.join(" of ") + thread;
}
