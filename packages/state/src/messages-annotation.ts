/**
 * Drop-in replacements for LangGraph 1.7.3's prebuilt messages state definitions, the same in every
 * way except the reducer: `MessagesAnnotation` (Annotation API), `MessagesZodMeta` /
 * `MessagesZodState` (zod API), `MessagesValue` / `MessagesDeltaValue` (StateSchema API).
 *
 * The zod schemas are LangGraph's own (cloned where a fresh instance is needed), so this package
 * imports no zod of its own and stays on whichever zod LangGraph resolved.
 */
import type { BaseMessage } from "@langchain/core/messages";
import {
  Annotation,
  DeltaValue,
  MessagesDeltaValue as LangGraphMessagesDeltaValue,
  MessagesValue as LangGraphMessagesValue,
  MessagesZodState as LangGraphMessagesZodState,
  ReducedValue,
  type Messages,
} from "@langchain/langgraph";
import { withLangGraph, type SchemaMeta } from "@langchain/langgraph/zod";

import { messagesDeltaReducer } from "./messages-delta-reducer.js";
import { messagesStateReducer } from "./messages-reducer.js";

/**
 * `Annotation.Root({ messages })` with {@link messagesStateReducer} and default `[]`: the same as
 * LangGraph's `MessagesAnnotation`. `new StateGraph(MessagesAnnotation)`, `.spec`, `.State`,
 * `.Update` work as they do with LangGraph's.
 */
export const MessagesAnnotation = Annotation.Root({
  messages: Annotation<BaseMessage[], Messages>({
    reducer: messagesStateReducer,
    default: () => [],
  }),
});

/**
 * Schema meta for a messages field in a zod state (LangGraph's `MessagesZodMeta` with our reducer):
 * `z.custom<BaseMessage[]>().register(registry, MessagesZodMeta)` with `registry` from
 * `@langchain/langgraph/zod`.
 */
export const MessagesZodMeta: SchemaMeta<BaseMessage[], Messages> = {
  reducer: { fn: messagesStateReducer },
  jsonSchemaExtra: { langgraph_type: "messages" },
  default: () => [],
};

// LangGraph keys its schema meta registry by schema instance, so the `messages` field needs an
// instance of its own: `describe` returns a copy (zod v3), which then gets our meta.
const lgMessagesField = LangGraphMessagesZodState.shape.messages;
const messagesField = withLangGraph(lgMessagesField.describe(lgMessagesField.description as string), MessagesZodMeta);

/** `z.object({ messages })` with {@link MessagesZodMeta}: LangGraph's `MessagesZodState` with our reducer. */
export const MessagesZodState: typeof LangGraphMessagesZodState = LangGraphMessagesZodState.extend({
  messages: messagesField,
}) as unknown as typeof LangGraphMessagesZodState;

/**
 * A `StateSchema` field for messages (LangGraph's `MessagesValue` with our reducer):
 * `new StateSchema({ messages: MessagesValue })`.
 */
export const MessagesValue: typeof LangGraphMessagesValue = new ReducedValue(LangGraphMessagesValue.valueSchema, {
  inputSchema: LangGraphMessagesValue.inputSchema as never,
  reducer: messagesStateReducer,
  jsonSchemaExtra: { ...LangGraphMessagesValue.jsonSchemaExtra },
}) as typeof LangGraphMessagesValue;

/**
 * **Experimental, as in LangGraph.** A `StateSchema` messages field backed by a `DeltaChannel`
 * (LangGraph's `MessagesDeltaValue` with our {@link messagesDeltaReducer}).
 */
export const MessagesDeltaValue: typeof LangGraphMessagesDeltaValue = new DeltaValue(LangGraphMessagesDeltaValue.valueSchema, {
  inputSchema: LangGraphMessagesDeltaValue.inputSchema as never,
  reducer: messagesDeltaReducer,
  snapshotFrequency: LangGraphMessagesDeltaValue.snapshotFrequency,
  jsonSchemaExtra: { ...LangGraphMessagesDeltaValue.jsonSchemaExtra },
}) as typeof LangGraphMessagesDeltaValue;
