/**
 * Reducer for a list of objects identified by a key (records, documents, tool results, ...):
 * an item whose key is already in the list replaces (or merges into) the item with that key, in
 * place; an item with a new key is appended. At O(|right|) plus one array copy when `left` is the
 * array the reducer returned last time, like `messagesStateReducer`.
 */
import { PositionIndex, type Entry } from "./position-index.js";

export interface KeyedMergeOptions<T> {
  /** The key of an item: a property name, or a function of the item. Keys compare with SameValueZero (`Map`). */
  key: keyof T | ((item: T) => unknown);
  /**
   * What an item with a known key does to the item it matches: `"replace"` (default) puts it in its
   * place; `"shallow"` puts `{ ...existing, ...update }` there; a function returns the item to put there.
   */
  merge?: "replace" | "shallow" | ((existing: T, update: T) => T);
}

/** `(left, right) => merged`, for `Annotation<T[], T | T[]>({ reducer, default: () => [] })`. */
export type KeyedMergeReducer<T> = (left: readonly T[], right: T | readonly T[]) => T[];

/**
 * Makes a reducer that merges `right` into `left` by key, in order:
 * - an item whose key is `null` or `undefined` is appended;
 * - an item whose key is in the list (in `left`, or earlier in `right`) replaces the last item with
 *   that key, in its position (or is merged into it, see {@link KeyedMergeOptions.merge});
 * - any other item is appended.
 * Returns a new array; `left` and its items are never changed. Each call of `keyedMergeReducer`
 * returns a reducer with its own index: create it once, not per update.
 *
 * @example
 * const State = Annotation.Root({
 *   docs: Annotation<Doc[], Doc | Doc[]>({ reducer: keyedMergeReducer({ key: "id" }), default: () => [] }),
 * });
 */
export function keyedMergeReducer<T>(options: KeyedMergeOptions<T>): KeyedMergeReducer<T> {
  const keyOption = options.key;
  const keyOf: (item: T) => unknown =
    typeof keyOption === "function" ? (keyOption as (item: T) => unknown) : (item) => item[keyOption as keyof T];
  const mergeOption = options.merge ?? "replace";
  const merge: ((existing: T, update: T) => T) | undefined =
    mergeOption === "replace" ? undefined : mergeOption === "shallow" ? (a, b) => ({ ...a, ...b }) : mergeOption;
  const index = new PositionIndex<unknown>();

  function full(left: readonly T[], items: readonly T[]): T[] {
    const out = left.slice();
    const keys = new Map<unknown, number>();
    for (let i = 0; i < out.length; i += 1) {
      const k = keyOf(out[i]);
      if (k != null) keys.set(k, i);
    }
    for (const item of items) {
      const k = keyOf(item);
      if (k == null) {
        out.push(item);
        continue;
      }
      const at = keys.get(k);
      if (at !== undefined) out[at] = merge === undefined ? item : merge(out[at], item);
      else {
        keys.set(k, out.length);
        out.push(item);
      }
    }
    index.adopt(out, keys);
    return out;
  }

  function indexed(entry: Entry<unknown>, left: readonly T[], items: readonly T[]): T[] | undefined {
    const keys = index.keysOf(entry);
    const n = left.length;
    let appended: T[] | undefined; // undefined while all of `items` so far were appended in order
    let appendedCount = 0;
    let replaced: Map<number, T> | undefined;
    try {
      for (let i = 0; i < items.length; i += 1) {
        const item = items[i];
        const k = keyOf(item);
        const at = k == null ? undefined : keys.get(k);
        if (at === undefined) {
          if (k != null) index.add(entry, k, n + appendedCount);
          appendedCount += 1;
          if (appended !== undefined) appended.push(item);
          continue;
        }
        appended ??= items.slice(0, i);
        if (at >= n) {
          appended[at - n] = merge === undefined ? item : merge(appended[at - n], item);
          continue;
        }
        let current: T;
        if (replaced !== undefined && replaced.has(at)) current = replaced.get(at) as T;
        else {
          current = left[at];
          if (!sameValueZero(keyOf(current), k)) {
            // `left` was changed in place since it was returned: its index can't be trusted.
            index.undo(entry);
            return undefined;
          }
        }
        (replaced ??= new Map()).set(at, merge === undefined ? item : merge(current, item));
      }
    } catch (error) {
      // A throwing `key` or `merge` function: leave the index as it was for `left`.
      index.undo(entry);
      throw error;
    }
    const out = left.concat(appended ?? items);
    if (replaced !== undefined) for (const [i, item] of replaced) out[i] = item;
    index.commit(entry, out);
    return out;
  }

  return (left, right) => {
    const items = (Array.isArray(right) ? right : [right]) as readonly T[];
    const entry = index.checkout(left);
    if (entry !== undefined) {
      const out = indexed(entry, left, items);
      if (out !== undefined) return out;
    }
    return full(left, items);
  };
}

function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}
