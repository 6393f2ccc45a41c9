export { messagesStateReducer, messagesStateReducer as messagesReducer, messagesStateReducer as addMessages, REMOVE_ALL_MESSAGES } from "./messages-reducer.js";
export { messagesDeltaReducer } from "./messages-delta-reducer.js";
export { MessagesAnnotation, MessagesZodMeta, MessagesZodState, MessagesValue, MessagesDeltaValue } from "./messages-annotation.js";
export { appendReducer } from "./append-reducer.js";
export { keyedMergeReducer, type KeyedMergeOptions, type KeyedMergeReducer } from "./keyed-merge-reducer.js";
export type { Messages } from "./to-message.js";
