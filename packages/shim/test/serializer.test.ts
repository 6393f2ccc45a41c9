// The serializer patch against the original JsonPlusSerializer methods, value by value: the patched
// class writes the same bytes (or throws the same error), reads every text to what the original
// reads, takes the fast path where the two agree and the original path everywhere else.
import { AIMessage, AIMessageChunk, HumanMessage, RemoveMessage, SystemMessage, ToolMessage, ToolMessageChunk } from "@langchain/core/messages";
import { Send } from "@langchain/langgraph";
import { DeltaSnapshot, JsonPlusSerializer } from "@langchain/langgraph-checkpoint";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { FastJsonPlusSerializer } from "@flg/checkpoint-sqlite/serde";
import { patchLangGraph, unpatchLangGraph } from "@flg/shim";

import { normalize } from "./fixtures/normalize.js";

const original = { dumpsTyped: JsonPlusSerializer.prototype.dumpsTyped, loadsTyped: JsonPlusSerializer.prototype.loadsTyped };
const utf8 = new TextDecoder();

beforeAll(async () => {
  await patchLangGraph({ messagesReducer: false });
  expect(JsonPlusSerializer.prototype.dumpsTyped).not.toBe(original.dumpsTyped);
});
afterAll(() => {
  unpatchLangGraph();
});

class WithToJSON {
  constructor(readonly secret: string) {}
  toJSON() {
    return { shown: this.secret.length, when: new Date(0) };
  }
}
class Plain {
  a = 1;
  nested = { b: [1, 2] };
}
const cyclic: Record<string, unknown> = { name: "cycle" };
cyclic.self = cyclic;

const human = () => new HumanMessage({ id: "h", content: "hi ü😀" });
const ai = () =>
  new AIMessage({
    id: "a",
    content: "calling",
    tool_calls: [{ id: "c1", name: "add", args: { a: 1, b: [2, { c: null }] }, type: "tool_call" }],
    usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
    response_metadata: { finish_reason: "tool_calls" },
  });

/**
 * [label, value, path the patched class takes to write the value / to read what JsonPlus wrote].
 * Reading depends on JsonPlus's text, not on the value: a Date was written as a plain string.
 */
type Case = [string, () => unknown, { write: "fast" | "original"; read: "fast" | "original" }];
const FAST = { write: "fast", read: "fast" } as const;
const ORIGINAL = { write: "original", read: "original" } as const;
const WRITE_ORIGINAL = { write: "original", read: "fast" } as const;
const READ_ORIGINAL = { write: "fast", read: "original" } as const;

const CASES: Case[] = [
  ["plain JSON", () => ({ a: 1, b: [1, "x", null, true], c: { d: "ü😀\u2028\u0000" }, e: [] }), FAST],
  ["top-level string / number / null", () => ["s", 1.5, null], FAST],
  ["human + AI messages with tool calls", () => ({ messages: [human(), ai(), new SystemMessage({ id: "s", content: "sys" })] }), FAST],
  ["RemoveMessage", () => ({ messages: [new RemoveMessage({ id: "h" })] }), FAST],
  // Fields that are undefined in a message (a chunk's usage_metadata, a ToolMessage's artifact) are
  // dropped by JsonPlus's load() path on reading; the fast reader would keep them.
  ["AIMessageChunk", () => ({ messages: [new AIMessageChunk({ id: "k", content: "chunk" })] }), READ_ORIGINAL],
  ["ToolMessage", () => ({ messages: [new ToolMessage({ id: "t", content: "3", tool_call_id: "c1", name: "add" })] }), FAST],
  ["ToolMessage with artifact: undefined (as ToolNode makes them)", () => ({ messages: [new ToolMessage({ id: "t", content: "3", tool_call_id: "c1", artifact: undefined })] }), READ_ORIGINAL],
  ["ToolMessageChunk", () => [new ToolMessageChunk({ id: "tc", content: "3", tool_call_id: "c1" })], READ_ORIGINAL],
  ["undefined inside an array of a message", () => [new HumanMessage({ id: "u", content: "x", additional_kwargs: { list: [1, undefined] } })], READ_ORIGINAL],
  ["user data with an lc key inside kwargs", () => [new AIMessage({ id: "m", content: "x", additional_kwargs: { data: { lc: 1, keep: true } } })], READ_ORIGINAL],
  ["Set, Map, RegExp, Error, Uint8Array, undefined outside messages", () => ({ set: new Set([1, "a"]), map: new Map<unknown, unknown>([["k", { v: 1 }], [2, [3]]]), re: /x+/g, err: new Error("boom"), bytes: new Uint8Array([0, 255]), u: undefined, arr: [undefined, 1] }), FAST],
  ["Send and DeltaSnapshot", () => ({ sends: [new Send("worker", { item: 1 })], delta: new DeltaSnapshot([1, 2]) }), FAST],
  ["a Set next to a message", () => ({ messages: [human()], seen: new Set(["a"]) }), ORIGINAL],
  // Serializable.toJSON() flattens these to {} inside kwargs.
  ["Map, Set and Uint8Array inside message kwargs", () => [new AIMessage({ id: "m", content: "x", additional_kwargs: { map: new Map([["a", 1]]), set: new Set([1]), bytes: new Uint8Array([7]) } })], WRITE_ORIGINAL],
  ["a Date inside message kwargs", () => [new AIMessage({ id: "m", content: "x", additional_kwargs: { when: new Date(0) } })], WRITE_ORIGINAL],
  ["a __proto__ key inside tool call args", () => [new AIMessage({ id: "m", content: "x", tool_calls: [{ id: "c", name: "f", args: JSON.parse('{"__proto__":{"x":1},"y":2}'), type: "tool_call" }] })], WRITE_ORIGINAL],
  ["Date", () => ({ when: new Date("2024-01-02T03:04:05.678Z") }), WRITE_ORIGINAL],
  ["NaN, ±Infinity, -0", () => ({ nan: NaN, inf: Infinity, minf: -Infinity, nz: -0 }), WRITE_ORIGINAL],
  ["Buffer", () => ({ buf: Buffer.from("hi") }), WRITE_ORIGINAL],
  // JsonPlus's fast-safe-stringify swallows the TypeError and writes a placeholder string.
  ["BigInt", () => ({ n: 1n }), WRITE_ORIGINAL],
  ["functions and symbols (JsonPlus drops them)", () => ({ f: () => 1, s: Symbol("s"), keep: 1 }), WRITE_ORIGINAL],
  ["a cycle (JsonPlus writes [Circular])", () => cyclic, WRITE_ORIGINAL],
  ["a class with toJSON returning a Date", () => ({ v: new WithToJSON("abc") }), WRITE_ORIGINAL],
  ["a class without toJSON", () => ({ v: new Plain() }), FAST],
  ["record-shaped user data outside messages", () => ({ lcShaped: { lc: 2, type: "constructor", id: ["Set"], method: null, args: [[1]], kwargs: {} } }), FAST],
  ["our Date record shaped user data", () => ({ d: { lc: 2, type: "constructor", id: ["Date"], method: null, args: ["2020-01-01T00:00:00.000Z"], kwargs: {} } }), ORIGINAL],
];

/** Runs `fn`, telling which way the patched class went. */
async function traced<T>(fn: () => Promise<T>) {
  const stringify = vi.spyOn(FastJsonPlusSerializer.prototype, "stringify");
  const parse = vi.spyOn(FastJsonPlusSerializer.prototype, "parse");
  const jsonStringify = vi.spyOn(JSON, "stringify");
  try {
    const result = await fn().then((value) => ({ value }), (error: unknown) => ({ error: String(error) }));
    // JsonPlus's writer is the only caller of JSON.stringify with a replacer function.
    const wroteOriginal = jsonStringify.mock.calls.some((args) => typeof args[1] === "function");
    const readFast = parse.mock.results.length > 0 && parse.mock.results.every((r) => r.type === "return");
    return { result, wroteFast: stringify.mock.calls.length > 0 && !wroteOriginal, readFast };
  } finally {
    stringify.mockRestore();
    parse.mockRestore();
    jsonStringify.mockRestore();
  }
}

const serde = new JsonPlusSerializer();

describe.each(CASES)("%s", (_label, make, expected) => {
  it(`writes the bytes JsonPlus writes (${expected.write} path)`, async () => {
    const want = await original.dumpsTyped.call(serde, make()).then(
      ([type, bytes]: [string, Uint8Array]) => ({ value: [type, utf8.decode(bytes)] }),
      (error: unknown) => ({ error: String(error) }),
    );
    const got = await traced(async () => {
      const [type, bytes] = await serde.dumpsTyped(make());
      return [type, utf8.decode(bytes)];
    });
    expect(got.result).toEqual(want);
    if ("value" in want) expect(got.wroteFast).toBe(expected.write === "fast");
  });

  it(`reads JsonPlus's bytes as JsonPlus does (${expected.read} path)`, async () => {
    const written: [string, Uint8Array] = await original.dumpsTyped.call(serde, make());
    const want = normalize(await original.loadsTyped.call(serde, ...written));
    const got = await traced(() => serde.loadsTyped(...written));
    expect("value" in got.result && normalize(got.result.value)).toStrictEqual(want);
    expect(got.readFast).toBe(expected.read === "fast");
  });

  it("reads what FastJsonPlusSerializer itself writes as JsonPlus does", async () => {
    let text: string;
    try {
      text = new FastJsonPlusSerializer().stringify(make());
    } catch {
      return; // functions, symbols, cycles: the fast writer refuses them
    }
    const bytes = new TextEncoder().encode(text);
    const want = await original.loadsTyped.call(serde, "json", bytes).then(normalize, (e: unknown) => `error: ${String(e)}`);
    const got = await serde.loadsTyped("json", bytes).then(normalize, (e: unknown) => `error: ${String(e)}`);
    expect(got).toStrictEqual(want);
  });
});

describe("other contracts", () => {
  it("bad JSON and unknown types fail exactly as JsonPlus fails", async () => {
    for (const [type, data] of [["json", "{not json"], ["json", '{"lc":1,"type":"constructor","id":["nope","Nope"],"kwargs":{}}'], ["pickle", "x"]] as const) {
      const want = await original.loadsTyped.call(serde, type, data).then(normalize, (e: Error) => `${e.name}: ${e.message}`);
      const got = await serde.loadsTyped(type, data).then(normalize, (e: Error) => `${e.name}: ${e.message}`);
      expect(got).toStrictEqual(want);
    }
  });

  it("passes bytes through untouched both ways", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(await serde.dumpsTyped(bytes)).toEqual(["bytes", bytes]);
    expect(await serde.loadsTyped("bytes", bytes)).toBe(bytes);
    expect(await serde.loadsTyped("bytes", "abc")).toEqual(new TextEncoder().encode("abc"));
  });

  it("keeps a subclass's or an instance's own _dumps/_loads", async () => {
    class Custom extends JsonPlusSerializer {
      override _dumps(obj: unknown) {
        return new TextEncoder().encode(`custom:${JSON.stringify(obj)}`);
      }
      override async _loads(data: string) {
        return { customRead: data };
      }
    }
    const custom = new Custom();
    expect(utf8.decode((await custom.dumpsTyped({ a: 1 }))[1])).toBe('custom:{"a":1}');
    expect(await custom.loadsTyped("json", "x")).toEqual({ customRead: "x" });
    const instance = new JsonPlusSerializer();
    (instance as unknown as { _dumps: () => Uint8Array })._dumps = () => new TextEncoder().encode("instance");
    expect(utf8.decode((await instance.dumpsTyped({ a: 1 }))[1])).toBe("instance");
  });

  it("is what every default saver uses, and unpatched JsonPlus reads what it wrote", async () => {
    const { MemorySaver } = await import("@langchain/langgraph-checkpoint");
    const saver = new MemorySaver();
    expect(saver.serde).toBeInstanceOf(JsonPlusSerializer);
    const value = { messages: [human(), ai()] };
    const [type, bytes] = await saver.serde.dumpsTyped(value);
    expect(normalize(await original.loadsTyped.call(new JsonPlusSerializer(), type, bytes))).toStrictEqual(normalize(value));
  });
});
