/**
 * `messagesDeltaReducer` (the batch reducer behind LangGraph's `DeltaChannel` /
 * `MessagesDeltaValue`) with the semantics of @langchain/langgraph 1.7.3 at a cost that grows with
 * the writes, not with the accumulated state. `DeltaChannel.update` calls it with the previous value
 * as `state`, so the index of the array it returned last time is reused as in `messagesStateReducer`.
 */
import { BaseMessage, RemoveMessage } from "@langchain/core/messages";

import { REMOVE_ALL_MESSAGES } from "./messages-reducer.js";
import { PositionIndex, type Entry } from "./position-index.js";
import { toMessage, type Messages } from "./to-message.js";

const index = new PositionIndex<unknown>();

/**
 * Folds a batch of writes into `state`, exactly as LangGraph's `messagesDeltaReducer`:
 * batching-invariant (`r(r(s, xs), ys)` equals `r(s, [...xs, ...ys])`), coerces message-likes and
 * chunks, replaces by id, drops the message named by a `RemoveMessage` (an unknown id is ignored),
 * clears everything on a `RemoveMessage` with id {@link REMOVE_ALL_MESSAGES}, and appends messages
 * without an id as they are (LangGraph's loop gives written messages ids before this runs).
 *
 * Use it as LangGraph's: `new DeltaChannel(messagesDeltaReducer)`, or through {@link MessagesDeltaValue}.
 * Carries LangGraph's `langgraph.messages_delta_reducer` marker, so the graph loop stamps ids on
 * written messages exactly as it does for LangGraph's own reducer.
 */
export function messagesDeltaReducer(state: BaseMessage[], writes: Messages[]): BaseMessage[] {
  const flat: unknown[] = [];
  for (const w of writes) {
    if (Array.isArray(w)) flat.push(...w);
    else flat.push(w);
  }
  // LangGraph keeps `state` as it is when its first element is a message, else coerces every element.
  const asIs = state.length > 0 && BaseMessage.isInstance(state[0]);
  const entry = asIs || state.length === 0 ? index.checkout(state) : undefined;
  const stateMsgs = asIs ? state : state.map(toMessage);
  const msgs = flat.map(toMessage);
  if (entry !== undefined) {
    const out = deltaIndexed(entry, stateMsgs, msgs);
    if (out !== undefined) return out;
  }
  return deltaFull(stateMsgs, msgs);
}
Object.defineProperty(messagesDeltaReducer, Symbol.for("langgraph.messages_delta_reducer"), { value: true });

/** LangGraph's loop, as written there, plus adopting the result into the index. */
function deltaFull(stateMsgs: BaseMessage[], msgs: BaseMessage[]): BaseMessage[] {
  const ids = new Map<unknown, number>();
  for (let i = 0; i < stateMsgs.length; i += 1) {
    const mid = stateMsgs[i].id;
    if (mid != null) ids.set(mid, i);
  }
  const result: (BaseMessage | null)[] = [...stateMsgs];
  let removed = false;
  for (const msg of msgs) {
    const mid = msg.id;
    if (RemoveMessage.isInstance(msg) && mid === REMOVE_ALL_MESSAGES) {
      result.length = 0;
      ids.clear();
    } else if (mid == null) result.push(msg);
    else if (RemoveMessage.isInstance(msg)) {
      const at = ids.get(mid);
      if (at !== undefined) {
        result[at] = null;
        ids.delete(mid);
        removed = true;
      }
    } else {
      const at = ids.get(mid);
      if (at !== undefined) result[at] = msg;
      else {
        ids.set(mid, result.length);
        result.push(msg);
      }
    }
  }
  if (!removed) {
    // No tombstones: LangGraph's filter would copy `result` as it is, and `ids` describes it.
    index.adopt(result, ids);
    return result as BaseMessage[];
  }
  const out = result.filter((m): m is BaseMessage => m !== null);
  index.adopt(out, lastPositions(out));
  return out;
}

/**
 * The same loop against the index of a known `state`. Returns undefined (having changed nothing)
 * when a removal shifts positions or `state` does not match its index; the caller runs
 * {@link deltaFull}, which gives the same result.
 */
function deltaIndexed(entry: Entry<unknown>, state: BaseMessage[], msgs: BaseMessage[]): BaseMessage[] | undefined {
  // Everything before the last remove-all is cleared by it: start from [] after it.
  let start = 0;
  for (let i = msgs.length - 1; i >= 0; i -= 1) {
    const m = msgs[i];
    if (RemoveMessage.isInstance(m) && m.id === REMOVE_ALL_MESSAGES) {
      start = i + 1;
      break;
    }
  }
  if (start > 0) return deltaFull([], msgs.slice(start));

  const ids = index.keysOf(entry);
  const n = state.length;
  let appended: BaseMessage[] | undefined; // undefined while all of `msgs` so far were appended in order
  let appendedCount = 0;
  let replaced: Map<number, BaseMessage> | undefined;
  for (let i = 0; i < msgs.length; i += 1) {
    const msg = msgs[i];
    const mid = msg.id;
    const at = mid == null ? undefined : ids.get(mid);
    if (at === undefined) {
      if (mid != null) {
        if (RemoveMessage.isInstance(msg)) {
          // An unknown id: LangGraph ignores it.
          appended ??= msgs.slice(0, i);
          continue;
        }
        index.add(entry, mid, n + appendedCount);
      }
      appendedCount += 1;
      if (appended !== undefined) appended.push(msg);
      continue;
    }
    if (RemoveMessage.isInstance(msg) || (at < n && state[at].id !== mid)) {
      // A removal shifts positions (or `state` was changed in place): the full loop handles it.
      index.undo(entry);
      return undefined;
    }
    appended ??= msgs.slice(0, i);
    if (at < n) (replaced ??= new Map()).set(at, msg);
    else appended[at - n] = msg;
  }
  const out = state.concat(appended ?? msgs);
  if (replaced !== undefined) for (const [i, m] of replaced) out[i] = m;
  index.commit(entry, out);
  return out;
}

/** id → last position over messages that have an id, as LangGraph's loop builds it. */
function lastPositions(messages: readonly BaseMessage[]): Map<unknown, number> {
  const ids = new Map<unknown, number>();
  for (let i = 0; i < messages.length; i += 1) {
    const mid = messages[i].id;
    if (mid != null) ids.set(mid, i);
  }
  return ids;
}
