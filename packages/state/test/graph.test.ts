/**
 * Real graphs: the same StateGraph built on LangGraph's prebuilt messages state and on ours, the
 * same run (several invokes on a thread with a checkpointer, tool loops with conditional edges,
 * parallel writers, removals, updateState, time travel) → the same states at every step.
 */
import { AIMessage, RemoveMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import {
  END,
  MemorySaver,
  MessagesAnnotation as LangGraphMessagesAnnotation,
  MessagesDeltaValue as LangGraphMessagesDeltaValue,
  MessagesValue as LangGraphMessagesValue,
  MessagesZodMeta as LangGraphMessagesZodMeta,
  MessagesZodState as LangGraphMessagesZodState,
  START,
  StateGraph,
  StateSchema,
} from "@langchain/langgraph";
import { registry } from "@langchain/langgraph/zod";
import { z } from "zod";

import { MessagesAnnotation, MessagesDeltaValue, MessagesValue, MessagesZodMeta, MessagesZodState } from "@flg/state";
import { resetUuid, stubUuid } from "./message-fixtures.js";

type State = { messages: BaseMessage[] };

/** Compact, complete view of a message list (class, id, content, tool calls, tool_call_id, name). */
function view(messages: BaseMessage[]) {
  return messages.map((m) => ({
    cls: m.constructor.name,
    id: m.id,
    content: m.content,
    name: m.name,
    tool_calls: (m as AIMessage).tool_calls,
    tool_call_id: (m as ToolMessage).tool_call_id,
  }));
}

/**
 * agent ⇄ tools loop behind a conditional edge (LangGraph reapplies the agent's write for the
 * edge's fresh read), plus two parallel writers after the tools, one of which trims history.
 */
function buildGraph(schema: unknown) {
  let turn = 0;
  const agent = (state: State) => {
    turn += 1;
    const n = state.messages.length;
    if (turn % 3 === 1) {
      return { messages: [new AIMessage({ content: `calling tools (${n})`, id: `ai-${turn}`, tool_calls: [{ name: "lookup", args: { n }, id: `call-${turn}`, type: "tool_call" }] })] };
    }
    if (turn % 3 === 2) {
      // Replace the previous AI message by id, and add a plain-object message without id.
      return { messages: [new AIMessage({ content: `revised ${turn}`, id: `ai-${turn - 1}` }), { role: "assistant", content: `done (${n})` }] };
    }
    return { messages: `a string from the agent at turn ${turn}` };
  };
  const tools = (state: State) => {
    const last = state.messages[state.messages.length - 1] as AIMessage;
    return { messages: (last.tool_calls ?? []).map((c) => new ToolMessage({ content: `result for ${c.id}`, tool_call_id: c.id as string })) };
  };
  const summarize = (state: State) => (state.messages.length > 8 ? { messages: [new RemoveMessage({ id: state.messages[0].id as string })] } : {});
  const note = () => ({ messages: [["system", "note"] as [string, string]] });
  const route = (state: State) => {
    const last = state.messages[state.messages.length - 1] as AIMessage;
    return last.tool_calls?.length ? "tools" : "after";
  };
  return new StateGraph(schema as typeof LangGraphMessagesAnnotation)
    .addNode("agent", agent)
    .addNode("tools", tools)
    .addNode("summarize", summarize)
    .addNode("note", note)
    .addNode("after", () => ({}))
    .addEdge(START, "agent")
    .addConditionalEdges("agent", route, ["tools", "after"])
    .addEdge("tools", "agent")
    .addEdge("after", "summarize")
    .addEdge("after", "note")
    .addEdge("summarize", END)
    .addEdge("note", END)
    .compile({ checkpointer: new MemorySaver() });
}

async function scenario(schema: unknown) {
  resetUuid();
  const graph = buildGraph(schema);
  const config = { configurable: { thread_id: "t1" } };
  const trace: unknown[] = [];
  const inputs: unknown[] = [
    { messages: [{ role: "user", content: "hi" }] },
    { messages: "a plain string" },
    { messages: [["human", "a tuple"]] },
    { messages: [{ type: "human", content: "typed object", id: "u-4" }] },
  ];
  for (const input of inputs) {
    for await (const chunk of await graph.stream(input as never, { ...config, streamMode: "values" })) trace.push(view((chunk as State).messages));
  }
  // updateState as a node: replace a message by id and remove another.
  const state = await graph.getState(config);
  const msgs = (state.values as State).messages;
  await graph.updateState(config, { messages: [new AIMessage({ content: "edited", id: msgs[1].id }), new RemoveMessage({ id: msgs[2].id as string })] }, "agent");
  trace.push(view(((await graph.getState(config)).values as State).messages));
  // Time travel: fork from an early checkpoint with new input.
  const history = [];
  for await (const snapshot of graph.getStateHistory(config)) history.push(snapshot);
  const early = history[history.length - 3];
  for await (const chunk of await graph.stream({ messages: [{ role: "user", content: "forked" }] } as never, { ...early.config, streamMode: "values" })) {
    trace.push(view((chunk as State).messages));
  }
  trace.push(view(((await graph.getState(config)).values as State).messages));
  // An error from the reducer surfaces the same way.
  try {
    await graph.invoke({ messages: [new RemoveMessage({ id: "no-such-id" })] } as never, config);
    trace.push("no error");
  } catch (e) {
    trace.push({ error: (e as Error).constructor.name, message: (e as Error).message });
  }
  return trace;
}

describe("graphs: @flg/state's prebuilt state vs LangGraph's, same runs, same states", () => {
  let restore: () => void;
  beforeAll(() => {
    restore = stubUuid();
  });
  afterAll(() => restore());

  it("MessagesAnnotation (Annotation API)", async () => {
    const theirs = await scenario(LangGraphMessagesAnnotation);
    const ours = await scenario(MessagesAnnotation);
    expect(ours).toStrictEqual(theirs);
    expect(theirs.length).toBeGreaterThan(20);
    expect(JSON.stringify(theirs)).toContain("no-such-id");
  });

  it("MessagesZodState (zod v3 object)", async () => {
    expect(await scenario(MessagesZodState)).toStrictEqual(await scenario(LangGraphMessagesZodState));
  });

  it("MessagesZodMeta (zod v4 registry)", async () => {
    const schemaFor = (meta: typeof MessagesZodMeta) => z.object({ messages: z.custom<BaseMessage[]>().register(registry, meta as never) });
    expect(await scenario(schemaFor(MessagesZodMeta))).toStrictEqual(await scenario(schemaFor(LangGraphMessagesZodMeta)));
  });

  it("MessagesValue (StateSchema)", async () => {
    expect(await scenario(new StateSchema({ messages: MessagesValue }))).toStrictEqual(await scenario(new StateSchema({ messages: LangGraphMessagesValue })));
  });

  it("MessagesDeltaValue (StateSchema, DeltaChannel)", async () => {
    expect(await scenario(new StateSchema({ messages: MessagesDeltaValue }))).toStrictEqual(await scenario(new StateSchema({ messages: LangGraphMessagesDeltaValue })));
  });

  it("the prebuilt definitions are LangGraph's in everything but the reducer", () => {
    expect(Object.keys(MessagesAnnotation.spec)).toEqual(Object.keys(LangGraphMessagesAnnotation.spec));
    expect(MessagesAnnotation.spec.messages.constructor).toBe(LangGraphMessagesAnnotation.spec.messages.constructor);
    expect(MessagesZodMeta.jsonSchemaExtra).toEqual(LangGraphMessagesZodMeta.jsonSchemaExtra);
    expect(MessagesZodMeta.default?.()).toEqual([]);
    expect(MessagesValue.jsonSchemaExtra).toEqual(LangGraphMessagesValue.jsonSchemaExtra);
    expect(MessagesValue.valueSchema).toBe(LangGraphMessagesValue.valueSchema);
    expect(MessagesDeltaValue.snapshotFrequency).toBe(LangGraphMessagesDeltaValue.snapshotFrequency);
    // LangGraph's own MessagesZodState still uses LangGraph's reducer (the registry is keyed by schema).
    expect(Object.keys(MessagesZodState.shape)).toEqual(["messages"]);
    expect(MessagesZodState.shape.messages).not.toBe(LangGraphMessagesZodState.shape.messages);
  });
});
