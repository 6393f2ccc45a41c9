// The CJS copy: require() loads LangGraph (and @langchain/core, the checkpoint package, the shim)
// as module instances separate from the ESM ones. Both are patched, by either build of the shim,
// and a graph built from the CJS copy runs the same with the shim as without.
import { createRequire } from "node:module";

import * as esmLangGraph from "@langchain/langgraph";
import { afterEach, describe, expect, it, vi } from "vitest";

import * as esmShim from "@flg/shim";

import { normalize } from "./fixtures/normalize.js";

const require = createRequire(import.meta.url);
const lg = require("@langchain/langgraph") as typeof import("@langchain/langgraph");
const checkpoint = require("@langchain/langgraph-checkpoint") as typeof import("@langchain/langgraph-checkpoint");
const messages = require("@langchain/core/messages") as typeof import("@langchain/core/messages");
const cjsShim = require("@flg/shim") as typeof import("@flg/shim");
const cjsSerde = require("@flg/checkpoint-sqlite/serde") as typeof import("@flg/checkpoint-sqlite/serde");

const ORIGINAL = {
  update: lg.BinaryOperatorAggregate.prototype.update,
  dumpsTyped: checkpoint.JsonPlusSerializer.prototype.dumpsTyped,
  loadsTyped: checkpoint.JsonPlusSerializer.prototype.loadsTyped,
};

afterEach(() => {
  esmShim.unpatchLangGraph();
  expect(lg.BinaryOperatorAggregate.prototype.update).toBe(ORIGINAL.update);
  expect(checkpoint.JsonPlusSerializer.prototype.dumpsTyped).toBe(ORIGINAL.dumpsTyped);
});

/** A 60-step MessagesAnnotation loop built from the CJS copy, on the CJS MemorySaver, resumed once. */
async function cjsLoop() {
  const steps = 60;
  const graph = new lg.StateGraph(lg.MessagesAnnotation)
    .addNode("agent", (s) => ({ messages: [new messages.AIMessage({ id: `ai-${s.messages.length}`, content: `reply ${s.messages.length}` })] }))
    .addEdge(lg.START, "agent")
    .addConditionalEdges("agent", (s) => (s.messages.length % (steps / 2) === 1 ? lg.END : "agent"), ["agent", lg.END])
    .compile({ checkpointer: new checkpoint.MemorySaver() });
  const config = { configurable: { thread_id: "cjs" }, recursionLimit: steps + 10 };
  const first = await graph.invoke({ messages: [new messages.HumanMessage({ id: "h1", content: "go" })] }, config);
  const second = await graph.invoke({ messages: [new messages.HumanMessage({ id: "h2", content: "again" })] }, config);
  const state = await graph.getState(config);
  expect(state.values.messages[5]).toBeInstanceOf(messages.AIMessage);
  return normalize({ first, second, state: state.values, next: state.next });
}

describe("the CJS copy of LangGraph", () => {
  it("is a separate module instance", () => {
    expect(lg.BinaryOperatorAggregate).not.toBe(esmLangGraph.BinaryOperatorAggregate);
    expect(lg.messagesStateReducer).not.toBe(esmLangGraph.messagesStateReducer);
  });

  it("is patched by the ESM build of the shim and runs the same", async () => {
    const without = await cjsLoop();
    const report = await esmShim.patchLangGraph();
    expect(report.entries.filter((e) => e.copy === "cjs" && e.status === "patched").map((e) => e.patch)).toEqual(["serializer", "messagesReducer"]);
    expect(lg.BinaryOperatorAggregate.prototype.update).not.toBe(ORIGINAL.update);
    expect(checkpoint.JsonPlusSerializer.prototype.loadsTyped).not.toBe(ORIGINAL.loadsTyped);
    // The CJS JsonPlusSerializer delegates to the CJS FastJsonPlusSerializer (same @langchain/core
    // instance, so revived messages are the CJS classes).
    const stringify = vi.spyOn(cjsSerde.FastJsonPlusSerializer.prototype, "stringify");
    const parse = vi.spyOn(cjsSerde.FastJsonPlusSerializer.prototype, "parse");
    expect(await cjsLoop()).toStrictEqual(without);
    expect(stringify.mock.calls.length).toBeGreaterThan(60);
    expect(parse).toHaveBeenCalled();
    stringify.mockRestore();
    parse.mockRestore();
  });

  it("is patched by the CJS build of the shim, which shares the record with the ESM build", async () => {
    expect(cjsShim.patchLangGraph).not.toBe(esmShim.patchLangGraph);
    const report = await cjsShim.patchLangGraph();
    expect(report.ok).toBe(true);
    expect(report.entries.filter((e) => e.status === "patched")).toHaveLength(4);
    expect(lg.BinaryOperatorAggregate.prototype.update).not.toBe(ORIGINAL.update);
    expect(esmLangGraph.BinaryOperatorAggregate.prototype.update.name).toBe("update");
    // The ESM build sees the CJS build's patches and can undo them.
    const again = await esmShim.patchLangGraph();
    expect(again.entries.every((e) => e.status !== "patched")).toBe(true);
    expect(esmShim.getPatchReport()).toEqual(again);
    expect(esmShim.unpatchLangGraph().restored).toHaveLength(4);
  });
});
