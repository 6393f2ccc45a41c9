/**
 * Key → last position index for arrays a reducer returned, so that the next call, which gets that
 * array back as `left`, looks keys up in O(1) instead of rebuilding a map of the whole history.
 *
 * Arrays returned from one another form a lineage sharing one `Map`, which always describes the
 * newest array on the lineage's current path. Appends are the only thing that change the map (a
 * replacement keeps key and position; a removal shifts positions, so its result starts a new
 * lineage), and each lineage logs the keys it added: stepping back to an older array on the path
 * deletes the keys added since, O(what was added), not O(history).
 *
 * Why a path and not just "the newest array": LangGraph applies a node's writes twice to the same
 * `left`, once on a scratch copy of the channels so that a conditional edge reads the fresh state
 * (`_localRead(..., fresh = true)` in pregel/algo.js) and then for real in `_applyWrites`; parallel
 * tasks do it once each. Every one of those calls must be fast, and all but the last result are dropped.
 *
 * Finding the entry of `left`: first among the {@link RECENT_ARRAYS} newest arrays of the
 * {@link HOT_LINEAGES} most recently used lineages, held strongly (identity compares, no allocation);
 * then in a WeakMap, where the two newest arrays of a lineage that leaves the hot set are registered.
 * A WeakMap insertion per call cost more than the rest of the call: a young key makes scavenges
 * process the ephemeron table (measured on a chain of appends at 10 messages: 2.2 µs per call with
 * one insertion per call, 1.0 µs without). The bench row "32 threads interleaved" runs this path.
 *
 * An array whose entry can't be found, that is no longer on its lineage's current path, or that
 * changed length or last element since it was returned gets no entry: the caller takes the full
 * path, which is always correct.
 */

/** Lineages whose newest arrays are held strongly. Bounds the memory kept alive after a thread is done. */
const HOT_LINEAGES = 16;
/** Newest arrays per hot lineage that are found without a WeakMap: the head, its parent (LangGraph's fresh read) and one more. */
const RECENT_ARRAYS = 3;
/** Newest arrays of a lineage leaving the hot set that are registered in the WeakMap. */
const COLD_ARRAYS = 2;
/** Entries kept on a lineage's path: how far back a registered array can be and still be stepped back to. */
const MAX_PATH = 64;
/** Entries dropped at once when the path is full (amortizes the splice). */
const TRIM = 32;

interface Lineage<K> {
  /** key → last position, exact for the array of the last entry on `path`. */
  readonly keys: Map<K, number>;
  /** Keys added along the path, in order; `log[i]` has absolute index `logBase + i`. */
  readonly log: K[];
  logBase: number;
  /** Entries on the current path, oldest first; `path[i]` has depth `base + i`. */
  readonly path: Entry<K>[];
  base: number;
  hot: boolean;
}

/** What is known about one returned array. */
export interface Entry<K> {
  readonly lineage: Lineage<K>;
  readonly depth: number;
  readonly length: number;
  readonly last: unknown;
  /** Absolute log length once this array's keys were added. */
  readonly logEnd: number;
  /** The array itself while it is among the newest of a hot lineage. */
  array: readonly unknown[] | undefined;
}

export class PositionIndex<K> {
  readonly #cold = new WeakMap<readonly unknown[], Entry<K>>();
  /** Least recently used first. */
  readonly #hot: Lineage<K>[] = [];

  /**
   * The entry of `array` if this index produced it, it looks unchanged, and it is on its lineage's
   * current path; the lineage's map is rolled back to describe `array` exactly. Otherwise undefined.
   */
  checkout(array: readonly unknown[]): Entry<K> | undefined {
    const entry = this.#findHot(array) ?? this.#cold.get(array);
    if (entry === undefined) return undefined;
    const n = array.length;
    if (n !== entry.length || (n > 0 && array[n - 1] !== entry.last)) return undefined;
    const lineage = entry.lineage;
    const pos = entry.depth - lineage.base;
    const path = lineage.path;
    if (pos < 0 || path[pos] !== entry) return undefined;
    if (pos !== path.length - 1) {
      this.#truncateLog(lineage, entry.logEnd);
      path.length = pos + 1;
    }
    entry.array = array;
    this.#touch(lineage);
    return entry;
  }

  /** The lineage map of a checked-out entry: key → last position in its array. */
  keysOf(entry: Entry<K>): Map<K, number> {
    return entry.lineage.keys;
  }

  /** Records that the child of `entry` being built has `key`, new, at `position`. */
  add(entry: Entry<K>, key: K, position: number): void {
    entry.lineage.keys.set(key, position);
    entry.lineage.log.push(key);
  }

  /** Forgets the keys added since `entry` was checked out (the call failed, or its result starts a new lineage). */
  undo(entry: Entry<K>): void {
    this.#truncateLog(entry.lineage, entry.logEnd);
  }

  /** Records `out` as the child of the checked-out `parent`, with the keys added since. */
  commit(parent: Entry<K>, out: readonly unknown[]): void {
    const lineage = parent.lineage;
    const path = lineage.path;
    const entry: Entry<K> = {
      lineage,
      depth: parent.depth + 1,
      length: out.length,
      last: out[out.length - 1],
      logEnd: lineage.logBase + lineage.log.length,
      array: out,
    };
    path.push(entry);
    const leaving = path.length - 1 - RECENT_ARRAYS;
    if (leaving >= 0) path[leaving].array = undefined;
    if (path.length >= MAX_PATH) {
      path.splice(0, TRIM);
      lineage.base += TRIM;
      const drop = path[0].logEnd - lineage.logBase;
      if (drop > 0) {
        lineage.log.splice(0, drop);
        lineage.logBase += drop;
      }
    }
  }

  /** Starts a new lineage at `out`, described exactly by `keys` (key → last position in `out`). */
  adopt(out: readonly unknown[], keys: Map<K, number>): void {
    const lineage: Lineage<K> = { keys, log: [], logBase: 0, path: [], base: 0, hot: false };
    lineage.path.push({ lineage, depth: 0, length: out.length, last: out[out.length - 1], logEnd: 0, array: out });
    this.#touch(lineage);
  }

  #findHot(array: readonly unknown[]): Entry<K> | undefined {
    const hot = this.#hot;
    for (let h = hot.length - 1; h >= 0; h -= 1) {
      const path = hot[h].path;
      const stop = Math.max(0, path.length - RECENT_ARRAYS);
      for (let i = path.length - 1; i >= stop; i -= 1) if (path[i].array === array) return path[i];
    }
    return undefined;
  }

  /** Makes `lineage` the most recently used; a lineage pushed out of the hot set goes to the WeakMap. */
  #touch(lineage: Lineage<K>): void {
    const hot = this.#hot;
    if (hot[hot.length - 1] === lineage) return;
    if (lineage.hot) hot.splice(hot.indexOf(lineage), 1);
    else {
      lineage.hot = true;
      if (hot.length >= HOT_LINEAGES) this.#evict(hot.shift() as Lineage<K>);
    }
    hot.push(lineage);
  }

  #evict(lineage: Lineage<K>): void {
    lineage.hot = false;
    const path = lineage.path;
    for (let i = Math.max(0, path.length - RECENT_ARRAYS); i < path.length; i += 1) {
      const entry = path[i];
      // The head and its parent (the `left` of LangGraph's second application) stay findable;
      // each WeakMap insertion has a GC cost, so no more than that.
      if (entry.array !== undefined && i >= path.length - COLD_ARRAYS) this.#cold.set(entry.array, entry);
      entry.array = undefined;
    }
  }

  #truncateLog(lineage: Lineage<K>, logEnd: number): void {
    const log = lineage.log;
    const keep = logEnd - lineage.logBase;
    for (let j = log.length - 1; j >= keep; j -= 1) lineage.keys.delete(log[j]);
    log.length = keep;
  }
}
