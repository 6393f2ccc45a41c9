import { AIMessage, AIMessageChunk, HumanMessage, ToolMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { isFlgCacheError, jsonCodec } from "@flg/cache";

const roundTrip = (v: unknown) => jsonCodec.decode(jsonCodec.encode(v));

const value = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt(),
    fc.date({ noInvalidDate: false }),
    fc.uint8Array({ maxLength: 8 }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("__flg", "__proto__", "v")), tie("value"), { maxKeys: 4 }),
    tie("value").map((v) => new Set([v])),
    fc.tuple(tie("value"), tie("value")).map(([k, v]) => new Map([[k, v]])),
  ),
})).value;

describe("jsonCodec", () => {
  it("round-trips every supported value exactly (property)", () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(roundTrip(v)).toStrictEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it("plain JSON is marked so decoding is a bare JSON.parse", () => {
    expect(jsonCodec.encode({ a: [1, "x", null] })).toBe('j{"a":[1,"x",null]}');
    expect(jsonCodec.encode({ a: undefined })[0]).toBe("t");
  });

  it("keeps -0, NaN, Infinity, undefined in arrays and properties, sparse arrays", () => {
    const v = [-0, Number.NaN, Number.NEGATIVE_INFINITY, undefined, { u: undefined }];
    const out = roundTrip(v) as unknown[];
    expect(Object.is(out[0], -0)).toBe(true);
    expect(out[1]).toBeNaN();
    expect(out[2]).toBe(Number.NEGATIVE_INFINITY);
    expect(out.length).toBe(5);
    expect(Object.prototype.hasOwnProperty.call(out[4], "u")).toBe(true);
    // eslint-disable-next-line no-sparse-arrays
    expect(roundTrip([1, , 3])).toStrictEqual([1, undefined, 3]);
  });

  it("keeps Buffer, typed arrays, ArrayBuffer, RegExp, invalid Date, null-prototype objects", () => {
    expect(Buffer.isBuffer(roundTrip(Buffer.from("hi")))).toBe(true);
    expect(roundTrip(new Float64Array([1.5, -2]))).toStrictEqual(new Float64Array([1.5, -2]));
    expect(roundTrip(new BigInt64Array([1n]))).toStrictEqual(new BigInt64Array([1n]));
    expect(new Uint8Array(roundTrip(new Uint8Array([9, 8]).buffer) as ArrayBuffer)).toStrictEqual(new Uint8Array([9, 8]));
    expect(roundTrip(/a.b/gi)).toStrictEqual(/a.b/gi);
    expect((roundTrip(new Date(Number.NaN)) as Date).getTime()).toBeNaN();
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const back = roundTrip(bare) as object;
    expect(Object.getPrototypeOf(back)).toBe(null);
    expect(back).toStrictEqual(bare);
  });

  it("an own __proto__ key stays a key and never becomes a prototype", () => {
    const v = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const out = roundTrip(v) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(out, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const hostile = jsonCodec.decode('t{"__proto__":{"polluted":true},"x":{"__flg":"u"}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(hostile)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("revives LangChain messages as their own classes with their fields", () => {
    const ai = new AIMessage({
      content: "calling",
      id: "run-1",
      tool_calls: [{ id: "c1", name: "search", args: { q: "x" }, type: "tool_call" }],
      usage_metadata: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
      response_metadata: { model: "m" },
    });
    const [back, human, tool, chunk] = roundTrip([ai, new HumanMessage({ content: [{ type: "text", text: "hi" }], name: "ann" }), new ToolMessage({ content: "r", tool_call_id: "c1" }), new AIMessageChunk("part")]) as [
      AIMessage,
      HumanMessage,
      ToolMessage,
      AIMessageChunk,
    ];
    expect(back).toBeInstanceOf(AIMessage);
    expect(back.content).toBe("calling");
    expect(back.id).toBe("run-1");
    expect(back.tool_calls).toEqual(ai.tool_calls);
    expect(back.usage_metadata).toEqual(ai.usage_metadata);
    expect(back.response_metadata).toEqual(ai.response_metadata);
    expect(human).toBeInstanceOf(HumanMessage);
    expect(human.content).toEqual([{ type: "text", text: "hi" }]);
    expect(human.name).toBe("ann");
    expect(tool).toBeInstanceOf(ToolMessage);
    expect(tool.tool_call_id).toBe("c1");
    expect(chunk).toBeInstanceOf(AIMessageChunk);
    expect(chunk.content).toBe("part");
  });

  it("refuses what it cannot restore, naming where", () => {
    class Custom {
      x = 1;
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    for (const [v, where] of [
      [{ f: () => 1 }, "value.f"],
      [[Symbol("s")], "value[0]"],
      [cyclic, "value.me"],
      [{ list: [new Custom()] }, "value.list[0]"],
      [new Map([["k", new Custom()]]), "value.entries()[0]"],
    ] as const) {
      let caught: unknown;
      try {
        jsonCodec.encode(v);
      } catch (err) {
        caught = err;
      }
      expect(isFlgCacheError(caught, "FLG_CACHE_CODEC")).toBe(true);
      expect((caught as { where: string }).where).toBe(where);
    }
  });

  it("garbage never decodes to something else: it throws FLG_CACHE_CODEC", () => {
    const garbage = [
      "",
      "x",
      "{}",
      "j{",
      "t[",
      't{"__flg":"nope"}',
      't{"__flg":"n","v":"12a"}',
      't{"__flg":"m","v":[1]}',
      't{"__flg":"lc","v":{"c":"Function","d":{}}}',
      't{"__flg":"lc","v":{"c":"constructor","d":{}}}',
      't{"__flg":"lc","v":{"c":"ToolMessage","d":"x"}}',
      't{"__flg":"ta","v":["Float64Array","AAE="]}',
      't{"__flg":"o","v":[[1,2]]}',
    ];
    for (const text of garbage) {
      let caught: unknown;
      try {
        jsonCodec.decode(text);
      } catch (err) {
        caught = err;
      }
      expect(isFlgCacheError(caught, "FLG_CACHE_CODEC"), text).toBe(true);
    }
    fc.assert(
      fc.property(fc.string(), (text) => {
        try {
          jsonCodec.decode(text);
        } catch (err) {
          expect(isFlgCacheError(err, "FLG_CACHE_CODEC")).toBe(true);
        }
      }),
    );
  });
});
