// patchLangGraph / unpatchLangGraph: report contents, idempotence, switches, restoring originals,
// compile() defaults, and that the reducer patch really runs @flg/state's reducer only where
// LangGraph's would run.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

import { AIMessage, AIMessageChunk, HumanMessage, RemoveMessage, type BaseMessage } from "@langchain/core/messages";
import { BinaryOperatorAggregate, END, MessagesAnnotation, START, StateGraph, messagesStateReducer } from "@langchain/langgraph";
import { InMemoryCache, JsonPlusSerializer, MemorySaver } from "@langchain/langgraph-checkpoint";
import { afterEach, describe, expect, it, vi } from "vitest";

import { FastJsonPlusSerializer } from "@flg/checkpoint-sqlite/serde";
import { getPatchReport, patchLangGraph, unpatchLangGraph, type PatchEntry } from "@flg/shim";

const require = createRequire(import.meta.url);
const cjs = {
  langgraph: require("@langchain/langgraph") as typeof import("@langchain/langgraph"),
  checkpoint: require("@langchain/langgraph-checkpoint") as typeof import("@langchain/langgraph-checkpoint"),
};

/** Every method the shim may replace, per copy, as loaded before any patch. */
function methods() {
  return {
    esmDumps: JsonPlusSerializer.prototype.dumpsTyped,
    esmLoads: JsonPlusSerializer.prototype.loadsTyped,
    esmUpdate: BinaryOperatorAggregate.prototype.update,
    esmCompile: StateGraph.prototype.compile,
    cjsDumps: cjs.checkpoint.JsonPlusSerializer.prototype.dumpsTyped,
    cjsLoads: cjs.checkpoint.JsonPlusSerializer.prototype.loadsTyped,
    cjsUpdate: cjs.langgraph.BinaryOperatorAggregate.prototype.update,
    cjsCompile: cjs.langgraph.StateGraph.prototype.compile,
  };
}
const ORIGINAL = methods();

const statuses = (entries: PatchEntry[]) => Object.fromEntries(entries.map((e) => [`${e.patch}/${e.copy}`, e.status]));
const installedVersion = (pkg: string) => (JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")) as { version: string }).version;

afterEach(() => {
  unpatchLangGraph();
  expect(methods()).toEqual(ORIGINAL);
});

describe("report", () => {
  it("lists every patch for both copies, with the installed versions", async () => {
    const report = await patchLangGraph();
    expect(report.ok).toBe(true);
    expect(report.refused).toBeUndefined();
    expect(report.versions).toEqual({
      "@langchain/langgraph": installedVersion("@langchain/langgraph"),
      "@langchain/langgraph-checkpoint": installedVersion("@langchain/langgraph-checkpoint"),
      "@langchain/core": installedVersion("@langchain/core"),
    });
    expect(report.entries).toEqual([
      { patch: "serializer", copy: "esm", target: "JsonPlusSerializer.prototype.{dumpsTyped,loadsTyped}", status: "patched" },
      { patch: "messagesReducer", copy: "esm", target: "BinaryOperatorAggregate.prototype.update", status: "patched" },
      { patch: "compileDefaults", copy: "esm", target: "StateGraph.prototype.compile", status: "disabled" },
      { patch: "serializer", copy: "cjs", target: "JsonPlusSerializer.prototype.{dumpsTyped,loadsTyped}", status: "patched" },
      { patch: "messagesReducer", copy: "cjs", target: "BinaryOperatorAggregate.prototype.update", status: "patched" },
      { patch: "compileDefaults", copy: "cjs", target: "StateGraph.prototype.compile", status: "disabled" },
    ]);
    expect(getPatchReport()).toEqual(report);
    const now = methods();
    for (const key of ["esmDumps", "esmLoads", "esmUpdate", "cjsDumps", "cjsLoads", "cjsUpdate"] as const) expect(now[key]).not.toBe(ORIGINAL[key]);
    expect(now.esmCompile).toBe(ORIGINAL.esmCompile);
    expect(now.cjsCompile).toBe(ORIGINAL.cjsCompile);
    // Replacements keep the names of the methods they stand in for.
    expect(now.esmDumps.name).toBe("dumpsTyped");
  });

  it("is idempotent: a second call changes nothing and says so", async () => {
    await patchLangGraph();
    const first = methods();
    const again = await patchLangGraph();
    expect(methods()).toEqual(first);
    expect(statuses(again.entries)).toEqual({
      "serializer/esm": "already-patched",
      "messagesReducer/esm": "already-patched",
      "compileDefaults/esm": "disabled",
      "serializer/cjs": "already-patched",
      "messagesReducer/cjs": "already-patched",
      "compileDefaults/cjs": "disabled",
    });
    // Concurrent calls too.
    const both = await Promise.all([patchLangGraph(), patchLangGraph()]);
    expect(methods()).toEqual(first);
    for (const r of both) expect(r.entries.every((e) => e.status !== "patched")).toBe(true);
  });

  it("switches each patch and each copy off on its own", async () => {
    const report = await patchLangGraph({ serializer: false, copies: { cjs: false } });
    expect(statuses(report.entries)).toEqual({ "serializer/esm": "disabled", "messagesReducer/esm": "patched", "compileDefaults/esm": "disabled" });
    const now = methods();
    expect(now.esmDumps).toBe(ORIGINAL.esmDumps);
    expect(now.esmUpdate).not.toBe(ORIGINAL.esmUpdate);
    expect(now.cjsUpdate).toBe(ORIGINAL.cjsUpdate);

    const reducerOff = await patchLangGraph({ messagesReducer: false });
    const reducerEntry = reducerOff.entries.find((e) => e.patch === "messagesReducer" && e.copy === "esm");
    // Switched off now, but an earlier call patched it: the report says how to remove it.
    expect(reducerEntry).toMatchObject({ status: "already-patched", reason: expect.stringContaining('unpatchLangGraph(["messagesReducer"])') });
    expect(statuses(reducerOff.entries)["serializer/cjs"]).toBe("patched");
  });
});

describe("unpatchLangGraph", () => {
  it("puts the original methods back and lists what it restored", async () => {
    await patchLangGraph({ defaultCheckpointer: new MemorySaver() });
    const { restored } = unpatchLangGraph();
    expect(restored.map((r) => `${r.patch}/${r.copy}`).sort()).toEqual([
      "compileDefaults/cjs",
      "compileDefaults/esm",
      "messagesReducer/cjs",
      "messagesReducer/esm",
      "serializer/cjs",
      "serializer/esm",
    ]);
    expect(methods()).toEqual(ORIGINAL);
    expect(unpatchLangGraph().restored).toEqual([]);
  });

  it("can undo one patch and keep the others", async () => {
    await patchLangGraph();
    const { restored } = unpatchLangGraph(["serializer"]);
    expect(restored.map((r) => r.patch)).toEqual(["serializer", "serializer"]);
    expect(JsonPlusSerializer.prototype.dumpsTyped).toBe(ORIGINAL.esmDumps);
    expect(BinaryOperatorAggregate.prototype.update).not.toBe(ORIGINAL.esmUpdate);
  });

  it("leaves a wrapper someone put over the shim in place, and the shim passes through", async () => {
    await patchLangGraph();
    const shimmed = JsonPlusSerializer.prototype.dumpsTyped;
    const theirs = vi.fn(function (this: JsonPlusSerializer, obj: unknown) {
      return shimmed.call(this, obj);
    });
    JsonPlusSerializer.prototype.dumpsTyped = theirs as unknown as typeof shimmed;
    unpatchLangGraph();
    expect(JsonPlusSerializer.prototype.dumpsTyped).toBe(theirs);
    const stringify = vi.spyOn(FastJsonPlusSerializer.prototype, "stringify");
    const [, bytes] = await new JsonPlusSerializer().dumpsTyped({ a: 1 });
    expect(new TextDecoder().decode(bytes)).toBe('{"a":1}');
    expect(theirs).toHaveBeenCalledTimes(1);
    expect(stringify).not.toHaveBeenCalled();
    stringify.mockRestore();
    JsonPlusSerializer.prototype.dumpsTyped = ORIGINAL.esmDumps;
  });
});

describe("compile() defaults", () => {
  const loop = () =>
    new StateGraph(MessagesAnnotation)
      .addNode("agent", () => ({ messages: [new AIMessage({ id: "a", content: "hi" })] }))
      .addEdge(START, "agent")
      .addEdge("agent", END);

  it("are off unless asked for", async () => {
    await patchLangGraph();
    expect(StateGraph.prototype.compile).toBe(ORIGINAL.esmCompile);
    expect(loop().compile().checkpointer).toBeUndefined();
  });

  it("fill in a checkpointer and a cache only where compile() got none", async () => {
    const saver = new MemorySaver();
    const cache = new InMemoryCache();
    const report = await patchLangGraph({ defaultCheckpointer: saver, defaultCache: cache });
    expect(statuses(report.entries)["compileDefaults/esm"]).toBe("patched");
    const graph = loop().compile();
    expect(graph.checkpointer).toBe(saver);
    expect(graph.cache).toBe(cache);
    expect(loop().compile({ checkpointer: false }).checkpointer).toBe(false);
    const own = new MemorySaver();
    expect(loop().compile({ checkpointer: own }).checkpointer).toBe(own);
    // The compiled graph persists through the default.
    await graph.invoke({ messages: [new HumanMessage({ id: "h", content: "x" })] }, { configurable: { thread_id: "t" } });
    expect((await saver.getTuple({ configurable: { thread_id: "t" } }))?.checkpoint.channel_values.messages).toHaveLength(2);
    // The CJS copy gets it too.
    expect(new cjs.langgraph.StateGraph(cjs.langgraph.MessagesAnnotation).addNode("a", () => ({})).addEdge(cjs.langgraph.START, "a").compile().checkpointer).toBe(saver);
  });

  it("call a factory once per compile(), and a later call can change the defaults", async () => {
    const factory = vi.fn(() => new MemorySaver());
    await patchLangGraph({ defaultCheckpointer: factory });
    const a = loop().compile().checkpointer;
    const b = loop().compile().checkpointer;
    expect(factory).toHaveBeenCalledTimes(2);
    expect(a).not.toBe(b);
    const fixed = new MemorySaver();
    const again = await patchLangGraph({ defaultCheckpointer: fixed });
    expect(statuses(again.entries)["compileDefaults/esm"]).toBe("already-patched");
    expect(loop().compile().checkpointer).toBe(fixed);
  });

  it("stop with unpatch; graphs compiled before keep their checkpointer", async () => {
    const saver = new MemorySaver();
    await patchLangGraph({ defaultCheckpointer: saver });
    const before = loop().compile();
    unpatchLangGraph();
    expect(before.checkpointer).toBe(saver);
    expect(loop().compile().checkpointer).toBeUndefined();
  });
});

describe("messages reducer patch", () => {
  /** A message whose `id` reads are counted: LangGraph's reducer reads every old message's id per call. */
  function counted(id: string) {
    const message = new AIMessage({ id, content: id });
    let reads = 0;
    Object.defineProperty(message, "id", {
      get: () => {
        reads += 1;
        return id;
      },
      set: () => {},
      enumerable: true,
      configurable: true,
    });
    return { message, reads: () => reads };
  }

  /** Reads of the first message's id during the 2nd..11th update of a messages channel. */
  function oldIdReads(Channel: typeof BinaryOperatorAggregate, reducer: typeof messagesStateReducer, Message: typeof AIMessage) {
    const channel = new Channel<BaseMessage[], BaseMessage[]>(reducer, () => []);
    const first = counted("first");
    channel.update([[first.message]]);
    const before = first.reads();
    for (let i = 0; i < 10; i += 1) channel.update([[new Message({ id: `m${i}`, content: String(i) })]]);
    expect(channel.get()).toHaveLength(11);
    expect(channel.operator).toBe(reducer);
    return first.reads() - before;
  }

  it("runs @flg/state's reducer, at O(new messages), in both copies", async () => {
    const cjsMessages = require("@langchain/core/messages") as typeof import("@langchain/core/messages");
    const esmUnpatched = oldIdReads(BinaryOperatorAggregate, messagesStateReducer, AIMessage);
    const cjsUnpatched = oldIdReads(cjs.langgraph.BinaryOperatorAggregate as never, cjs.langgraph.messagesStateReducer as never, cjsMessages.AIMessage as never);
    expect(esmUnpatched).toBeGreaterThanOrEqual(10);
    expect(cjsUnpatched).toBeGreaterThanOrEqual(10);
    await patchLangGraph();
    expect(oldIdReads(BinaryOperatorAggregate, messagesStateReducer, AIMessage)).toBe(0);
    expect(oldIdReads(cjs.langgraph.BinaryOperatorAggregate as never, cjs.langgraph.messagesStateReducer as never, cjsMessages.AIMessage as never)).toBe(0);
  });

  it("gives the same results and errors as LangGraph's reducer, and leaves other operators alone", async () => {
    const steps: unknown[][] = [
      [[new HumanMessage({ id: "h1", content: "a" })]],
      [[{ role: "assistant", content: "dict, no id" }], "plain string"],
      [[new AIMessageChunk({ id: "c1", content: "chunk" })]],
      [[new AIMessage({ id: "h1", content: "replaced" }), new RemoveMessage({ id: "c1" })]],
      [[new RemoveMessage({ id: "__remove_all__" }), new HumanMessage({ id: "h2", content: "after remove all" })]],
      [[new AIMessage({ id: "x", content: "x" })], [new AIMessage({ id: "x", content: "x2" })]],
    ];
    const run = () => {
      const channel = new BinaryOperatorAggregate<BaseMessage[], BaseMessage[]>(messagesStateReducer, () => []);
      const seen: unknown[] = [];
      for (const values of steps) {
        channel.update(values as BaseMessage[][]);
        seen.push(channel.get().map((m) => ({ class: m.constructor.name, id: typeof m.id === "string" && m.id.length === 36 ? "<uuid>" : m.id, content: m.content })));
      }
      let error: unknown;
      try {
        channel.update([[new RemoveMessage({ id: "missing" })]]);
      } catch (err) {
        error = (err as Error).message;
      }
      seen.push(error, channel.operator === messagesStateReducer);
      return seen;
    };
    const unpatched = run();
    await patchLangGraph();
    expect(run()).toEqual(unpatched);

    const custom = vi.fn((a: number[], b: number[]) => a.concat(b));
    const channel = new BinaryOperatorAggregate<number[], number[]>(custom, () => []);
    channel.update([[1], [2]]);
    expect(channel.get()).toEqual([1, 2]);
    expect(custom).toHaveBeenCalledTimes(2);
  });
});
