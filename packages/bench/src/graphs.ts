/** The two StateGraph(MessagesAnnotation) apps of the graph groups; no model, deterministic replies. */
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import type { BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";

import { fakeReply } from "./fixtures.js";

/**
 * An agent that talks to itself: one node appends a reply and a conditional edge loops back until
 * the state holds `steps` replies after the first message. One invoke runs `steps` supersteps.
 */
export function loopGraph(steps: number, checkpointer?: BaseCheckpointSaver, onStep?: () => void) {
  return new StateGraph(MessagesAnnotation)
    .addNode("agent", (state) => {
      onStep?.();
      return { messages: [fakeReply(state.messages.length)] };
    })
    .addEdge(START, "agent")
    .addConditionalEdges("agent", (state) => (state.messages.length > steps ? END : "agent"), ["agent", END])
    .compile(checkpointer ? { checkpointer } : undefined);
}

/** A chat app: each invoke brings one human message and gets one reply; history lives in the checkpointer. */
export function chatGraph(checkpointer: BaseCheckpointSaver) {
  return new StateGraph(MessagesAnnotation)
    .addNode("agent", (state) => ({ messages: [fakeReply(state.messages.length)] }))
    .addEdge(START, "agent")
    .addEdge("agent", END)
    .compile({ checkpointer });
}

/** The invoke config of the graph groups: a thread and a recursion limit that fits `steps` supersteps. */
export function graphConfig(threadId: string, steps: number) {
  return { configurable: { thread_id: threadId }, recursionLimit: steps + 10 };
}
