/**
 * `messagesStateReducer` with the semantics of @langchain/langgraph 1.7.3
 * (graph/messages_reducer.ts) at a cost that grows with `right`, not with the history in `left`.
 *
 * LangGraph coerces every message of `left`, copies it twice, builds an id → position map of it and
 * filters it on every call. When `left` is an array this reducer returned (which is how a channel
 * calls it: the previous value is the next `left`), every message in it is already coerced and has
 * an id, and {@link PositionIndex} still has its id map; only `right` needs work, plus one copy of
 * the array (the result must be a new array, as LangGraph's is). Any other `left` takes the full
 * path, which is LangGraph's algorithm line by line.
 */
import { RemoveMessage, type BaseMessage } from "@langchain/core/messages";

import { PositionIndex, type Entry } from "./position-index.js";
import { ensureId, toMessage, type Messages } from "./to-message.js";

/**
 * The id of a `RemoveMessage` that removes every message before it (those after it in the same
 * update are kept). Same value as LangGraph's `REMOVE_ALL_MESSAGES`.
 */
export const REMOVE_ALL_MESSAGES = "__remove_all__";

const index = new PositionIndex<unknown>();

/**
 * Merges two lists of messages by id, exactly as LangGraph's `messagesStateReducer` does:
 * coerces message-likes (strings, `[role, content]` tuples, `{ role | type, content }` objects,
 * serialized messages) into messages and chunks into their non-chunk class, gives every message
 * without an id a uuid v4 (in place, as LangGraph does), replaces a message of `left` by a message of
 * `right` with the same id, removes the messages named by `RemoveMessage`s, and after a
 * `RemoveMessage` with id {@link REMOVE_ALL_MESSAGES} keeps only what follows it in `right`.
 *
 * Returns a new array; `left` is never changed. Throws what LangGraph throws for the same input
 * (a `RemoveMessage` whose id is in neither list: `Error("Attempting to delete a message with an ID
 * that doesn't exist ('<id>')")`; an uncoercible message-like: core's `MESSAGE_COERCION_FAILURE`).
 *
 * Cost: O(|right|) plus one array copy when `left` was returned by this function (and is unchanged);
 * otherwise O(|left| + |right|), still cheaper than LangGraph's.
 */
export function messagesStateReducer(left: Messages, right: Messages): BaseMessage[] {
  const leftArray = (Array.isArray(left) ? left : [left]) as unknown[];
  const rightArray = (Array.isArray(right) ? right : [right]) as unknown[];

  // LangGraph's order of side effects: coerce left, coerce right, ids for left, ids for right.
  // A known `left` is all coerced messages with ids, so its two steps are no-ops.
  const entry = index.checkout(leftArray);
  const leftMessages = entry === undefined ? leftArray.map(toMessage) : (leftArray as BaseMessage[]);
  const rightMessages = rightArray.map(toMessage);
  if (entry === undefined) for (const m of leftMessages) ensureId(m);
  let removeAllIdx: number | undefined;
  let hasRemove = false;
  for (let i = 0; i < rightMessages.length; i += 1) {
    const m = rightMessages[i];
    ensureId(m);
    if (RemoveMessage.isInstance(m)) {
      hasRemove = true;
      if (m.id === REMOVE_ALL_MESSAGES) removeAllIdx = i;
    }
  }

  if (removeAllIdx != null) {
    const out = rightMessages.slice(removeAllIdx + 1);
    index.adopt(out, lastPositions(out));
    return out;
  }
  if (entry !== undefined) {
    const out = mergeIndexed(entry, leftMessages, rightMessages, hasRemove);
    if (out !== undefined) return out;
  }
  return mergeFull(leftMessages, rightMessages);
}

/** LangGraph's merge, as written there, plus adopting the result into the index. */
function mergeFull(leftMessages: BaseMessage[], rightMessages: BaseMessage[]): BaseMessage[] {
  const merged = [...leftMessages];
  const mergedById = new Map<unknown, number>();
  for (let i = 0; i < merged.length; i += 1) mergedById.set(merged[i].id, i);
  const idsToRemove = new Set<unknown>();
  for (const m of rightMessages) {
    const existingIdx = mergedById.get(m.id);
    if (existingIdx !== undefined) {
      if (RemoveMessage.isInstance(m)) idsToRemove.add(m.id);
      else {
        idsToRemove.delete(m.id);
        merged[existingIdx] = m;
      }
    } else {
      if (RemoveMessage.isInstance(m)) throw missingIdError(m.id);
      mergedById.set(m.id, merged.length);
      merged.push(m);
    }
  }
  if (idsToRemove.size === 0) {
    // LangGraph returns merged.filter(...) here, a copy equal to `merged`; `merged` is already ours.
    index.adopt(merged, mergedById);
    return merged;
  }
  const out = merged.filter((m) => !idsToRemove.has(m.id));
  index.adopt(out, lastPositions(out));
  return out;
}

/**
 * The same merge against the index of a known `left`. Returns undefined (having changed nothing)
 * if `left` turns out not to match its index (a message's id was changed in place).
 */
function mergeIndexed(entry: Entry<unknown>, left: BaseMessage[], right: BaseMessage[], hasRemove: boolean): BaseMessage[] | undefined {
  const ids = index.keysOf(entry);
  const n = left.length;
  // Messages after `left`, by position; stays undefined while every message of `right` so far was
  // appended in order, so the common case concatenates `right` itself.
  let appended: BaseMessage[] | undefined;
  let appendedCount = 0;
  let replaced: Map<number, BaseMessage> | undefined;
  let idsToRemove: Set<unknown> | undefined;
  for (let i = 0; i < right.length; i += 1) {
    const m = right[i];
    const id = m.id;
    const existingIdx = ids.get(id);
    if (existingIdx === undefined) {
      if (hasRemove && RemoveMessage.isInstance(m)) {
        index.undo(entry);
        throw missingIdError(id);
      }
      index.add(entry, id, n + appendedCount);
      appendedCount += 1;
      if (appended !== undefined) appended.push(m);
      continue;
    }
    if (existingIdx < n && left[existingIdx].id !== id) {
      index.undo(entry);
      return undefined;
    }
    appended ??= right.slice(0, i);
    if (hasRemove && RemoveMessage.isInstance(m)) (idsToRemove ??= new Set()).add(id);
    else {
      idsToRemove?.delete(id);
      if (existingIdx < n) (replaced ??= new Map()).set(existingIdx, m);
      else appended[existingIdx - n] = m;
    }
  }

  // concat of a packed array is a memcpy: this copy is the floor the bench compares against.
  const merged = left.concat(appended ?? right);
  if (replaced !== undefined) for (const [i, m] of replaced) merged[i] = m;
  if (idsToRemove !== undefined && idsToRemove.size > 0) {
    // Positions shift: the map no longer describes a child of `left`. Give it back to `left`.
    index.undo(entry);
    const toRemove = idsToRemove;
    const out = merged.filter((m) => !toRemove.has(m.id));
    index.adopt(out, lastPositions(out));
    return out;
  }
  index.commit(entry, merged);
  return merged;
}

/** id → last position, as LangGraph's `new Map(merged.map((m, i) => [m.id, i]))`. */
function lastPositions(messages: readonly BaseMessage[]): Map<unknown, number> {
  const ids = new Map<unknown, number>();
  for (let i = 0; i < messages.length; i += 1) ids.set(messages[i].id, i);
  return ids;
}

function missingIdError(id: unknown): Error {
  // Same template as LangGraph's, so the message (and a Symbol id's TypeError) match.
  return new Error(`Attempting to delete a message with an ID that doesn't exist ('${id as string}')`);
}
