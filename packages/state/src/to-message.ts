/**
 * LangGraph's message coercion, copied from @langchain/langgraph 1.7.3 (graph/messages_reducer.ts,
 * `toMessage`, which is not exported). The reducers here must coerce exactly as LangGraph does: same
 * classes, same fields, same errors thrown by `coerceMessageLikeToMessage` for the same inputs.
 */
import {
  AIMessage,
  BaseMessageChunk,
  ChatMessage,
  FunctionMessage,
  HumanMessage,
  RemoveMessage,
  SystemMessage,
  ToolMessage,
  coerceMessageLikeToMessage,
  type BaseMessage,
  type BaseMessageLike,
} from "@langchain/core/messages";
import { v4 } from "@langchain/core/utils/uuid";

/** Whatever LangGraph's messages reducers accept on either side. Same as LangGraph's `Messages`. */
export type Messages = Array<BaseMessage | BaseMessageLike> | BaseMessage | BaseMessageLike;

/** A message whose id may be assigned in place, as LangGraph does (`m.id = v4(); m.lc_kwargs.id = m.id`). */
type MutableMessage = BaseMessage & { lc_kwargs: Record<string, unknown> };

// Message class per chunk type: a chunk (e.g. an AIMessageChunk from streaming) is stored as its
// non-chunk class. A chunk of any other type is kept as it is.
const MESSAGE_CLASS_BY_TYPE: Record<string, new (fields: never) => BaseMessage> = {
  human: HumanMessage,
  ai: AIMessage,
  system: SystemMessage,
  tool: ToolMessage,
  function: FunctionMessage,
  generic: ChatMessage,
};

// Instances of these classes (exactly; not subclasses) are returned as they are by `toMessage`:
// `coerceMessageLikeToMessage` returns anything with a `_getType` method unchanged, and their
// prototype chains do not contain BaseMessageChunk.prototype. Checking the prototype first skips
// BaseMessageChunk.isInstance (symbol and field checks, then a prototype walk): the full path
// coerces every message of the history (see the bench row "state just loaded").
const PLAIN_MESSAGE_PROTOTYPES = new Set<unknown>(
  [HumanMessage, AIMessage, SystemMessage, ToolMessage, ChatMessage, FunctionMessage, RemoveMessage].map((c) => c.prototype),
);

/** `coerceMessageLikeToMessage`, then a chunk becomes its non-chunk class. Idempotent. */
export function toMessage(messageLike: unknown): BaseMessage {
  if (
    typeof messageLike === "object" &&
    messageLike !== null &&
    PLAIN_MESSAGE_PROTOTYPES.has(Object.getPrototypeOf(messageLike)) &&
    typeof (messageLike as { _getType?: unknown })._getType === "function"
  ) {
    return messageLike as BaseMessage;
  }
  const message = coerceMessageLikeToMessage(messageLike as BaseMessageLike);
  if (!BaseMessageChunk.isInstance(message)) return message;
  const MessageClass = MESSAGE_CLASS_BY_TYPE[message.getType()];
  if (MessageClass === undefined) return message;
  return new MessageClass(
    Object.fromEntries(
      Object.entries(message).filter(([key]) => key !== "type" && key !== "tool_call_chunks" && !key.startsWith("lc_")),
    ) as never,
  );
}

/** Gives `message` a fresh uuid v4 id in place when it has none, exactly as LangGraph does. */
export function ensureId(message: BaseMessage): void {
  if (message.id === null || message.id === undefined) {
    message.id = v4();
    (message as MutableMessage).lc_kwargs.id = message.id;
  }
}
