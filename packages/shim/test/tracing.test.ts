// The shim leaves LangSmith bookkeeping alone (README, "Not patched"): with tracing off, every
// runnable call still creates its RunTree({ tracingEnabled: false }), because code inside a node
// can observe it. These are the observations a "skip it when tracing is off" guard would change.
import { setContextVariable } from "@langchain/core/context";
import { AIMessage } from "@langchain/core/messages";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { END, MessagesAnnotation, START, StateGraph, getConfig } from "@langchain/langgraph";
import { afterAll, expect, it } from "vitest";

import { patchLangGraph, unpatchLangGraph } from "@flg/shim";

afterAll(() => {
  unpatchLangGraph();
});

it("keeps the RunTree every node runs under, and what reads it", async () => {
  const runWithConfig = AsyncLocalStorageProviderSingleton.runWithConfig;
  await patchLangGraph();
  expect(AsyncLocalStorageProviderSingleton.runWithConfig).toBe(runWithConfig);

  const seen: Record<string, unknown> = {};
  const graph = new StateGraph(MessagesAnnotation)
    .addNode("agent", () => {
      const store = AsyncLocalStorageProviderSingleton.getInstance().getStore() as { constructor: { name: string }; name: string; tracingEnabled: boolean; id: string };
      // What langsmith's getCurrentRunTree() / traceable() inside a node get as their parent; its
      // tracingEnabled: false is what keeps them untraced even when asked to trace.
      seen.store = { class: store.constructor.name, name: store.name, tracingEnabled: store.tracingEnabled, hasId: typeof store.id === "string" };
      // setContextVariable clones the store only if it is a RunTree; the clone keeps the config.
      setContextVariable("k", 1);
      seen.recursionLimit = getConfig()?.recursionLimit;
      return { messages: [new AIMessage({ id: "a", content: "x" })] };
    })
    .addEdge(START, "agent")
    .addEdge("agent", END)
    .compile();
  await graph.invoke({ messages: [] }, { recursionLimit: 7 });
  expect(seen).toEqual({ store: { class: "RunTree", name: "<runnable_lambda>", tracingEnabled: false, hasId: true }, recursionLimit: 7 });
});
