import type { RunnableConfig } from "@langchain/core/runnables";
import {
  BaseCheckpointSaver,
  TASKS,
  WRITES_IDX_MAP,
  maxChannelVersion,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  type DeltaChannelHistory,
  type PendingWrite,
  type SerializerProtocol,
} from "@langchain/langgraph-checkpoint";

import { describeLocation, FlgCheckpointError, fromNativeError, type FlgErrorLocation } from "./errors.js";
import { ListDeltaTracker } from "./list-delta.js";
import {
  openNativeStore,
  type NativeChannelBlob,
  type NativeListCursor,
  type NativeStore,
  type NativeTupleRow,
  type NativeWriteRow,
} from "./native.js";
import { FastJsonPlusSerializer } from "./serde/fast-serializer.js";
import { nextChannelVersion } from "./versions.js";

/** Options of {@link SqliteSaver}. */
export interface SqliteSaverOptions {
  /** Database file, or ":memory:" (the default) for a private in-memory database. */
  path?: string;
  /** Serializer; defaults to the JsonPlus-compatible {@link FastJsonPlusSerializer}. */
  serde?: SerializerProtocol;
  /** How long a write waits for another process's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /**
   * SQLite `synchronous`: "normal" (default; with WAL a process crash loses nothing, a power cut
   * may lose the last commits), "full" (sync every commit) or "off".
   */
  synchronous?: "normal" | "full" | "off";
  /** Import the tables of the official SqliteSaver found in the file (after a backup copy). Default true. */
  importOfficial?: boolean;
  /** Store list-valued channels that only grew as deltas of the previous value. Default true. */
  listDeltas?: boolean;
}

const EMPTY = Buffer.alloc(0);
const DELTA_TYPE = "flg_list_delta";

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function serializeError(err: unknown, location: FlgErrorLocation): FlgCheckpointError {
  return new FlgCheckpointError("FLG_SERIALIZE", `cannot store ${describeLocation(location)}: ${(err as Error).message}`, location, { cause: err });
}

/** A better-sqlite3 `Database` (what the official SqliteSaver's constructor takes) exposes its file as `name`. */
function isDatabaseHandle(value: unknown): value is { name: string; prepare: unknown } {
  return typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string" && typeof (value as { prepare?: unknown }).prepare === "function";
}

/**
 * Drop-in replacement for `SqliteSaver` from `@langchain/langgraph-checkpoint-sqlite`, on a Rust
 * (rusqlite) store: writes only the channels that changed, never blocks the event loop, and reads
 * and writes the JsonPlus format.
 */
export class SqliteSaver extends BaseCheckpointSaver {
  private readonly store: NativeStore;
  private readonly fast: FastJsonPlusSerializer | undefined;
  private readonly deltas: ListDeltaTracker | undefined;
  /** Operations started and not yet settled; `close()` lets them finish first. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;

  constructor(pathOrOptions: string | SqliteSaverOptions | { name: string } = {}, serde?: SerializerProtocol) {
    const options: SqliteSaverOptions =
      typeof pathOrOptions === "string"
        ? { path: pathOrOptions }
        : isDatabaseHandle(pathOrOptions)
          ? { path: pathOrOptions.name }
          : (pathOrOptions as SqliteSaverOptions);
    const serializer = serde ?? options.serde ?? new FastJsonPlusSerializer();
    super(serializer);
    this.fast = serializer instanceof FastJsonPlusSerializer ? serializer : undefined;
    this.deltas = options.listDeltas === false || this.fast === undefined ? undefined : new ListDeltaTracker();
    try {
      this.store = openNativeStore(options.path ?? ":memory:", {
        busyTimeoutMs: options.busyTimeoutMs,
        synchronous: options.synchronous,
        importOfficial: options.importOfficial,
      });
    } catch (err) {
      throw fromNativeError(err, {});
    }
  }

  /** Same entry point as the official saver: a file path or ":memory:". */
  static fromConnString(connStringOrLocalPath: string, options: Omit<SqliteSaverOptions, "path"> = {}): SqliteSaver {
    return new SqliteSaver({ ...options, path: connStringOrLocalPath });
  }

  /** Kept for compatibility with the official saver; the schema is created and migrated on open. */
  setup(): void {}

  /** Path of the database file, or null in memory. */
  get path(): string | null {
    return this.store.path;
  }

  /**
   * Closes the database once the operations already started finish (their promises settle as
   * usual); calls made after `close()` fail with `FLG_CLOSED`. The WAL is folded into the file.
   */
  close(): Promise<void> {
    this.closing ??= Promise.allSettled([...this.inFlight]).then(() => {
      try {
        this.store.close();
      } catch (err) {
        throw fromNativeError(err);
      }
    });
    return this.closing;
  }

  /** Runs `operation` as an in-flight call, refused once `close()` was called. */
  private track<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new FlgCheckpointError("FLG_CLOSED", "the checkpoint store is closed"));
    const running = operation();
    this.inFlight.add(running);
    const forget = () => this.inFlight.delete(running);
    running.then(forget, forget);
    return running;
  }

  override getNextVersion(current: number | undefined): number {
    return nextChannelVersion(current);
  }

  getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    return this.track(() => this.getTupleNow(config));
  }

  private async getTupleNow(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const { thread_id, checkpoint_ns = "", checkpoint_id } = config.configurable ?? {};
    if (thread_id === undefined || thread_id === null) return undefined;
    const location = { threadId: String(thread_id), checkpointNs: checkpoint_ns, checkpointId: checkpoint_id };
    let row: NativeTupleRow | null;
    try {
      row = await this.store.getTuple(String(thread_id), checkpoint_ns, checkpoint_id || null);
    } catch (err) {
      throw fromNativeError(err, location);
    }
    if (!row) return undefined;
    const tuple = await this.toTuple(row);
    // The messages LangGraph reads here are the ones its reducer will keep by reference in the
    // next value: remember them so that value is stored as a delta.
    if (this.deltas) {
      for (const blob of row.blobs) {
        const value = tuple.checkpoint.channel_values[blob.channel];
        if (Array.isArray(value) && blob.blobType === "json") {
          this.deltas.recordRead(ListDeltaTracker.key(row.checkpoint.threadId, row.checkpoint.checkpointNs, blob.channel), blob.version, value, {
            depth: blob.deltaDepth,
            snapshotBytes: blob.snapshotBytes,
            deltaBytes: blob.deltaBytes,
          });
        }
      }
    }
    return tuple;
  }

  async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    const { limit, before, filter } = options ?? {};
    const threadId = config.configurable?.thread_id;
    const checkpointNs = config.configurable?.checkpoint_ns;
    const definedFilter = Object.fromEntries(Object.entries(filter ?? {}).filter(([, value]) => value !== undefined));
    let remaining = limit && limit > 0 ? limit : undefined;
    let after: NativeListCursor | undefined;
    for (;;) {
      let page;
      try {
        page = await this.store.list({
          threadId: threadId === undefined || threadId === null ? undefined : String(threadId),
          checkpointNs: checkpointNs ?? undefined,
          before: before?.configurable?.checkpoint_id ?? undefined,
          filter: Object.keys(definedFilter).length > 0 ? this.stringifyFilter(definedFilter) : undefined,
          limit: remaining,
          after,
        });
      } catch (err) {
        throw fromNativeError(err, { threadId });
      }
      for (const row of page.tuples) yield await this.toTuple(row);
      if (remaining !== undefined) {
        remaining -= page.tuples.length;
        if (remaining <= 0) return;
      }
      if (!page.next) return;
      after = page.next;
    }
  }

  put(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    return this.track(() => this.putNow(config, checkpoint, metadata, newVersions));
  }

  private async putNow(config: RunnableConfig, checkpoint: Checkpoint, metadata: CheckpointMetadata, newVersions: ChannelVersions): Promise<RunnableConfig> {
    if (!config.configurable) throw new FlgCheckpointError("FLG_INVALID_ARGUMENT", "Empty configuration supplied.");
    const { thread_id, checkpoint_ns = "", checkpoint_id: parentId } = config.configurable;
    if (thread_id === undefined || thread_id === null || thread_id === "")
      throw new FlgCheckpointError("FLG_INVALID_ARGUMENT", 'Missing "thread_id" field in passed "config.configurable".');
    const threadId = String(thread_id);
    const base: FlgErrorLocation = { threadId, checkpointNs: checkpoint_ns, checkpointId: checkpoint.id };

    // Everything is serialized before the single native call: a value that cannot be stored
    // fails here, and nothing of this checkpoint reaches the database.
    const values = checkpoint.channel_values ?? {};
    const pendingDeltas: Array<() => void> = [];
    const blobs: NativeChannelBlob[] = [];
    for (const channel of Object.keys(newVersions)) {
      if (!(channel in checkpoint.channel_versions)) continue;
      const version = String(checkpoint.channel_versions[channel]);
      const deltaKey = ListDeltaTracker.key(threadId, checkpoint_ns, channel);
      if (!Object.prototype.hasOwnProperty.call(values, channel)) {
        blobs.push({ channel, blobType: "empty", value: EMPTY });
        this.deltas?.forget(deltaKey);
        continue;
      }
      const value = values[channel];
      const location = { ...base, channel };
      const plan = this.deltas && Array.isArray(value) ? this.deltas.plan(deltaKey, value) : undefined;
      if (plan) {
        const bytes = this.serializeJson(plan.appended, location);
        blobs.push({ channel, blobType: DELTA_TYPE, value: bytes, baseVersion: plan.baseVersion, prefixLen: plan.prefixLen });
        pendingDeltas.push(() => this.deltas?.recordDelta(deltaKey, version, value as unknown[], bytes.byteLength));
        continue;
      }
      const [type, bytes] = await this.serialize(value, location);
      blobs.push({ channel, blobType: type, value: bytes });
      if (this.deltas && Array.isArray(value) && type === "json") {
        pendingDeltas.push(() => this.deltas?.recordFull(deltaKey, version, value as unknown[], bytes.byteLength));
      } else this.deltas?.forget(deltaKey);
    }
    const [checkpointType, checkpointBytes] = await this.serialize({ ...checkpoint, channel_values: {} }, { ...base, channel: "(checkpoint)" });
    const [, metadataBytes] = await this.serialize(metadata, { ...base, channel: "(metadata)" });
    const row = {
      threadId,
      checkpointNs: checkpoint_ns,
      checkpointId: checkpoint.id,
      parentCheckpointId: parentId || undefined,
      checkpointType,
      checkpoint: checkpointBytes,
      metadata: metadataBytes,
      channelVersions: JSON.stringify(checkpoint.channel_versions),
      blobs,
    };
    try {
      await this.store.put(row);
    } catch (err) {
      const mapped = fromNativeError(err, base);
      if (!(mapped instanceof FlgCheckpointError && mapped.code === "FLG_DELTA_BASE_MISSING")) throw mapped;
      // The base of a delta disappeared (thread deleted elsewhere): write full values instead.
      this.deltas?.forgetThread(threadId);
      return this.putNow(config, checkpoint, metadata, newVersions);
    }
    for (const record of pendingDeltas) record();
    return { configurable: { thread_id: threadId, checkpoint_ns, checkpoint_id: checkpoint.id } };
  }

  putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath = ""): Promise<void> {
    return this.track(() => this.putWritesNow(config, writes, taskId, taskPath));
  }

  private async putWritesNow(config: RunnableConfig, writes: PendingWrite[], taskId: string, taskPath: string): Promise<void> {
    if (!config.configurable) throw new FlgCheckpointError("FLG_INVALID_ARGUMENT", "Empty configuration supplied.");
    const { thread_id, checkpoint_ns = "", checkpoint_id } = config.configurable;
    if (!thread_id) throw new FlgCheckpointError("FLG_INVALID_ARGUMENT", "Missing thread_id field in config.configurable.");
    if (!checkpoint_id) throw new FlgCheckpointError("FLG_INVALID_ARGUMENT", "Missing checkpoint_id field in config.configurable.");
    const base: FlgErrorLocation = { threadId: String(thread_id), checkpointNs: checkpoint_ns, checkpointId: checkpoint_id, taskId };
    const items = [];
    for (let idx = 0; idx < writes.length; idx += 1) {
      const [channel, value] = writes[idx];
      const [writeType, bytes] = await this.serialize(value, { ...base, channel });
      items.push({ idx: (WRITES_IDX_MAP as Record<string, number>)[channel] ?? idx, channel, writeType, value: bytes });
    }
    try {
      await this.store.putWrites({
        threadId: String(thread_id),
        checkpointNs: checkpoint_ns,
        checkpointId: checkpoint_id,
        taskId,
        taskPath,
        // LangGraph's rule: special channels (errors, interrupts...) replace; others insert-if-absent.
        replace: writes.every(([channel]) => channel in WRITES_IDX_MAP),
        writes: items,
      });
    } catch (err) {
      throw fromNativeError(err, base);
    }
  }

  deleteThread(threadId: string): Promise<void> {
    return this.track(() => this.deleteThreadNow(threadId));
  }

  private async deleteThreadNow(threadId: string): Promise<void> {
    this.deltas?.forgetThread(String(threadId));
    try {
      await this.store.deleteThread(String(threadId));
    } catch (err) {
      throw fromNativeError(err, { threadId });
    }
  }

  override getDeltaChannelHistory(options: { config: RunnableConfig; channels: string[] }): Promise<Record<string, DeltaChannelHistory>> {
    return this.track(() => this.deltaChannelHistoryNow(options));
  }

  private async deltaChannelHistoryNow(options: { config: RunnableConfig; channels: string[] }): Promise<Record<string, DeltaChannelHistory>> {
    const { config, channels } = options;
    if (channels.length === 0) return {};
    const { thread_id, checkpoint_ns = "", checkpoint_id } = config.configurable ?? {};
    const result: Record<string, DeltaChannelHistory> = {};
    if (thread_id === undefined || thread_id === null) {
      for (const channel of channels) result[channel] = { writes: [] };
      return result;
    }
    let histories;
    try {
      histories = await this.store.deltaChannelHistory(String(thread_id), checkpoint_ns, checkpoint_id || null, channels);
    } catch (err) {
      throw fromNativeError(err, { threadId: String(thread_id), checkpointNs: checkpoint_ns, checkpointId: checkpoint_id });
    }
    for (const history of histories) {
      const entry: DeltaChannelHistory = { writes: await Promise.all(history.writes.map((w) => this.toPendingWrite(w))) };
      if (history.seed) entry.seed = await this.deserialize(history.seed.blobType, history.seed.value, { channel: history.channel });
      result[history.channel] = entry;
    }
    return result;
  }

  private async toTuple(row: NativeTupleRow): Promise<CheckpointTuple> {
    const c = row.checkpoint;
    const location = { threadId: c.threadId, checkpointNs: c.checkpointNs, checkpointId: c.checkpointId };
    const checkpoint = (await this.deserialize(c.checkpointType, c.checkpoint, { ...location, channel: "(checkpoint)" })) as Checkpoint;
    const channelValues: Record<string, unknown> = {};
    for (const blob of row.blobs) channelValues[blob.channel] = await this.deserialize(blob.blobType, blob.value, { ...location, channel: blob.channel });
    checkpoint.channel_values = channelValues;
    if (checkpoint.v < 4 && c.parentCheckpointId) await this.migratePendingSends(checkpoint, c);
    const metadata = (await this.deserialize(c.checkpointType, c.metadata, { ...location, channel: "(metadata)" })) as CheckpointMetadata;
    const pendingWrites: CheckpointPendingWrite[] = [];
    for (const write of row.writes) pendingWrites.push(await this.toPendingWrite(write));
    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: c.threadId, checkpoint_ns: c.checkpointNs, checkpoint_id: c.checkpointId } },
      checkpoint,
      metadata,
      pendingWrites,
    };
    if (c.parentCheckpointId) {
      tuple.parentConfig = { configurable: { thread_id: c.threadId, checkpoint_ns: c.checkpointNs, checkpoint_id: c.parentCheckpointId } };
    }
    return tuple;
  }

  /**
   * Checkpoints older than format v4 kept `Send`s as writes of the parent checkpoint; LangGraph
   * expects them as the `__pregel_tasks` channel value (as the official savers migrate them).
   */
  private async migratePendingSends(checkpoint: Checkpoint, row: NativeTupleRow["checkpoint"]): Promise<void> {
    let parent: NativeTupleRow | null;
    try {
      parent = await this.store.getTuple(row.threadId, row.checkpointNs, row.parentCheckpointId ?? null);
    } catch (err) {
      throw fromNativeError(err, { threadId: row.threadId, checkpointId: row.parentCheckpointId ?? undefined });
    }
    const sends = (parent?.writes ?? []).filter((write) => write.channel === TASKS);
    if (sends.length === 0) return;
    checkpoint.channel_values[TASKS] = await Promise.all(sends.map((write) => this.deserialize(write.writeType, write.value, { channel: TASKS })));
    const versions = Object.values(checkpoint.channel_versions);
    checkpoint.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
  }

  private async toPendingWrite(write: NativeWriteRow): Promise<CheckpointPendingWrite> {
    return [write.taskId, write.channel, await this.deserialize(write.writeType, write.value, { taskId: write.taskId, channel: write.channel })];
  }

  private async serialize(value: unknown, location: FlgErrorLocation): Promise<[string, Buffer]> {
    try {
      const [type, bytes] = this.fast ? this.fast.dumpsTypedSync(value) : await this.serde.dumpsTyped(value);
      return [type, toBuffer(bytes)];
    } catch (err) {
      throw serializeError(err, location);
    }
  }

  private serializeJson(value: unknown, location: FlgErrorLocation): Buffer {
    try {
      return Buffer.from(this.fast!.stringify(value), "utf8");
    } catch (err) {
      throw serializeError(err, location);
    }
  }

  private async deserialize(type: string, bytes: Buffer, location: FlgErrorLocation): Promise<unknown> {
    try {
      return await this.serde.loadsTyped(type, bytes);
    } catch (err) {
      throw new FlgCheckpointError("FLG_DESERIALIZE", `cannot read ${describeLocation(location)}: ${(err as Error).message}`, location, { cause: err });
    }
  }

  private stringifyFilter(filter: Record<string, unknown>): string {
    return this.fast ? this.fast.stringify(filter) : JSON.stringify(filter);
  }
}
