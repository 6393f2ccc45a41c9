/**
 * Decides when a list-valued channel can be stored as a delta of the value stored just before it.
 *
 * LangGraph's list reducers (messagesStateReducer, concat) return a new array that keeps the old
 * items by reference, so "the new value extends the stored one" is a reference comparison of the
 * prefix: no re-serialization of history. Storing only the appended items turns a 1000-step chat
 * thread from O(steps²) bytes into O(steps).
 *
 * Caveat (documented in the README): an item mutated in place after it was stored keeps its
 * stored form, as it would for a reducer that keeps references. Disable with `listDeltas: false`.
 */
export interface ListDeltaPlan {
  baseVersion: string;
  prefixLen: number;
  appended: unknown[];
}

interface StoredList {
  version: string;
  items: unknown[];
  /** Deltas stacked on the last full value. */
  depth: number;
  /** Serialized size of the last full value and of the deltas stacked on it. */
  snapshotBytes: number;
  deltaBytes: number;
}

/** A full value is written once a chain gets this deep, so a read splices at most this many rows. */
const MAX_CHAIN_DEPTH = 1024;
/** Threads remembered at once; the oldest is forgotten first (its next write is then full). */
const MAX_TRACKED = 1_000;

export class ListDeltaTracker {
  private readonly stored = new Map<string, StoredList>();

  static key(threadId: string, checkpointNs: string, channel: string): string {
    return `${threadId}\u0000${checkpointNs}\u0000${channel}`;
  }

  plan(key: string, value: unknown[]): ListDeltaPlan | undefined {
    const previous = this.stored.get(key);
    if (previous === undefined || previous.depth >= MAX_CHAIN_DEPTH) return undefined;
    // Amortized doubling: once the deltas outweigh the snapshot, write a new snapshot.
    if (previous.deltaBytes > previous.snapshotBytes) return undefined;
    const old = previous.items;
    const limit = Math.min(old.length, value.length);
    let prefixLen = 0;
    while (prefixLen < limit && old[prefixLen] === value[prefixLen]) prefixLen += 1;
    if (prefixLen === 0 || prefixLen * 2 < old.length) return undefined;
    return { baseVersion: previous.version, prefixLen, appended: value.slice(prefixLen) };
  }

  recordFull(key: string, version: string, value: unknown[], bytes: number): void {
    this.remember(key, { version, items: value.slice(), depth: 0, snapshotBytes: bytes, deltaBytes: 0 });
  }

  /** A value read back from the store: the next write that extends it can be a delta of it. */
  recordRead(key: string, version: string, value: unknown[], chain: { depth: number; snapshotBytes: number; deltaBytes: number }): void {
    this.remember(key, { version, items: value.slice(), depth: chain.depth, snapshotBytes: chain.snapshotBytes, deltaBytes: chain.deltaBytes });
  }

  recordDelta(key: string, version: string, value: unknown[], bytes: number): void {
    const previous = this.stored.get(key);
    if (previous === undefined) return;
    this.remember(key, {
      version,
      items: value.slice(),
      depth: previous.depth + 1,
      snapshotBytes: previous.snapshotBytes,
      deltaBytes: previous.deltaBytes + bytes,
    });
  }

  forget(key: string): void {
    this.stored.delete(key);
  }

  forgetThread(threadId: string): void {
    const prefix = `${threadId}\u0000`;
    for (const key of this.stored.keys()) if (key.startsWith(prefix)) this.stored.delete(key);
  }

  private remember(key: string, entry: StoredList): void {
    this.stored.delete(key);
    this.stored.set(key, entry);
    if (this.stored.size > MAX_TRACKED) {
      const oldest = this.stored.keys().next().value;
      if (oldest !== undefined) this.stored.delete(oldest);
    }
  }
}
