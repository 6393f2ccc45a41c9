// LangGraph's messagesStateReducer copies, re-coerces and re-indexes the whole history on every
// call, so a thread of n messages costs O(n) per step (twice per step when a conditional edge reads
// fresh state). @flg/state's reducer has the same semantics at O(new messages).
//
// LangGraph hands the reducer to `new BinaryOperatorAggregate(reducer)` when an annotation is
// declared (MessagesAnnotation is built at import time), so replacing an export would change
// nothing. The channel applies it in `update()`; the replacement there swaps in the fast reducer
// for the duration of one call when, and only when, the channel's operator is LangGraph's own
// messagesStateReducer (MessagesAnnotation, MessagesZodMeta/MessagesZodState, MessagesValue,
// createReactAgent, and any user annotation with `reducer: messagesStateReducer`). The swap is
// undone before update() returns, so `operator`, equals() and fromCheckpoint() see LangGraph's
// function as before; update() itself (Overwrite handling, the first-value rule) is LangGraph's.
import type { LangGraphModule, StateModule } from "../load.js";
import { replaceMethods, type Method, type ReplaceResult } from "../registry.js";
import type { CopyKind } from "../types.js";

export const REDUCER_TARGET = "BinaryOperatorAggregate.prototype.update";

type Channel = { operator: unknown };

export function patchMessagesReducer(copy: CopyKind, langgraph: LangGraphModule, state: StateModule): ReplaceResult {
  const Channel = langgraph.BinaryOperatorAggregate;
  const langGraphReducer = langgraph.messagesStateReducer;
  const fastReducer = state.messagesStateReducer;
  if (typeof Channel !== "function" || typeof langGraphReducer !== "function") {
    return { status: "failed", reason: "BinaryOperatorAggregate or messagesStateReducer is missing from @langchain/langgraph" };
  }
  if (typeof fastReducer !== "function") return { status: "failed", reason: "@flg/state exports no messagesStateReducer" };

  return replaceMethods({ patch: "messagesReducer", copy, target: REDUCER_TARGET }, Channel.prototype, {
    update: (original: Method, active) =>
      function update(this: Channel, values: unknown[]): boolean {
        if (this.operator !== langGraphReducer || !active()) return original.call(this, values);
        this.operator = fastReducer;
        try {
          return original.call(this, values);
        } finally {
          this.operator = langGraphReducer;
        }
      },
  });
}
