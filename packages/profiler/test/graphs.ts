/** Small real graphs for the tests: each exercises one shape LangGraph can take. */
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { Annotation, END, MessagesAnnotation, START, Send, StateGraph, interrupt, type BaseCheckpointSaver } from "@langchain/langgraph";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const hello = () => ({ messages: [new HumanMessage({ id: "h0", content: "hello" })] });

/** One node appending a message, looping until `steps` replies. */
export function loopGraph(steps: number, checkpointer?: BaseCheckpointSaver) {
  return new StateGraph(MessagesAnnotation)
    .addNode("agent", (state) => ({ messages: [new AIMessage({ id: `a${state.messages.length}`, content: `reply ${state.messages.length}` })] }))
    .addEdge(START, "agent")
    .addConditionalEdges("agent", (state) => (state.messages.length > steps ? END : "agent"), ["agent", END])
    .compile(checkpointer ? { checkpointer } : undefined);
}

const Fan = Annotation.Root({
  log: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

/** START → plan → (fast | slow | medium in parallel) → join → END. */
export function fanOutGraph() {
  const branch = (name: string, ms: number) => async () => {
    await sleep(ms);
    return { log: [name] };
  };
  return new StateGraph(Fan)
    .addNode("plan", () => ({ log: ["plan"] }))
    .addNode("fast", branch("fast", 5))
    .addNode("medium", branch("medium", 15))
    .addNode("slow", branch("slow", 30))
    .addNode("join", () => ({ log: ["join"] }))
    .addEdge(START, "plan")
    .addEdge("plan", "fast")
    .addEdge("plan", "medium")
    .addEdge("plan", "slow")
    .addEdge(["fast", "medium", "slow"], "join")
    .addEdge("join", END)
    .compile();
}

/** A subgraph of two steps. */
export function innerGraph() {
  return new StateGraph(MessagesAnnotation)
    .addNode("think", async () => {
      await sleep(3);
      return { messages: [new AIMessage({ id: "think", content: "thinking" })] };
    })
    .addNode("answer", () => ({ messages: [new AIMessage({ id: "answer", content: "42" })] }))
    .addEdge(START, "think")
    .addEdge("think", "answer")
    .addEdge("answer", END)
    .compile();
}

/** START → prepare → research (the subgraph as a node) → END. */
export function subgraphAsNode(checkpointer?: BaseCheckpointSaver) {
  return new StateGraph(MessagesAnnotation)
    .addNode("prepare", () => ({ messages: [new AIMessage({ id: "prep", content: "prepared" })] }))
    .addNode("research", innerGraph())
    .addEdge(START, "prepare")
    .addEdge("prepare", "research")
    .addEdge("research", END)
    .compile(checkpointer ? { checkpointer } : undefined);
}

/** A node that calls a subgraph from its function body (not discoverable from the graph's shape). */
export function subgraphInFunction() {
  const inner = innerGraph();
  return new StateGraph(MessagesAnnotation)
    .addNode("delegate", async (state) => {
      const out = await inner.invoke({ messages: state.messages });
      return { messages: out.messages.slice(state.messages.length) };
    })
    .addEdge(START, "delegate")
    .addEdge("delegate", END)
    .compile();
}

const Approval = Annotation.Root({
  draft: Annotation<string>(),
  approved: Annotation<boolean>(),
});

/** draft → review (interrupt() waits for a human) → publish. */
export function approvalGraph(checkpointer: BaseCheckpointSaver) {
  return new StateGraph(Approval)
    .addNode("write", () => ({ draft: "text" }))
    .addNode("review", () => {
      const answer = interrupt({ question: "approve?" }) as boolean;
      return { approved: answer };
    })
    .addNode("publish", () => ({}))
    .addEdge(START, "write")
    .addEdge("write", "review")
    .addEdge("review", "publish")
    .addEdge("publish", END)
    .compile({ checkpointer });
}

const Counter = Annotation.Root({ value: Annotation<number>() });

/** A node that fails `failures` times, then succeeds, under a retry policy. */
export function flakyGraph(failures: number, maxAttempts: number) {
  let calls = 0;
  return new StateGraph(Counter)
    .addNode(
      "flaky",
      () => {
        calls += 1;
        if (calls <= failures) throw new Error(`flaky failure ${calls}`);
        return { value: calls };
      },
      { retryPolicy: { maxAttempts, initialInterval: 5, backoffFactor: 1, jitter: false, logWarning: false } },
    )
    .addNode("after", (state) => ({ value: state.value + 1 }))
    .addEdge(START, "flaky")
    .addEdge("flaky", "after")
    .addEdge("after", END)
    .compile();
}

/** A node that always throws, no retry policy. */
export function failingGraph() {
  return new StateGraph(Counter)
    .addNode("ok", () => ({ value: 1 }))
    .addNode("boom", () => {
      throw new TypeError("cannot read the weather");
    })
    .addEdge(START, "ok")
    .addEdge("ok", "boom")
    .addEdge("boom", END)
    .compile();
}

const MapReduce = Annotation.Root({
  topics: Annotation<string[]>(),
  results: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

/** Map-reduce with Send: one `summarize` task per topic, in one step. */
export function sendGraph() {
  return new StateGraph(MapReduce)
    .addNode("summarize", async (state: { topic: string }) => {
      await sleep(1);
      return { results: [state.topic.toUpperCase()] };
    })
    .addConditionalEdges(START, (state) => state.topics.map((topic) => new Send("summarize", { topic })))
    .addEdge("summarize", END)
    .compile();
}
