// FastJsonPlusSerializer on its own: the dumps/loads contract and lossless round trips.
import { AIMessage, HumanMessage, ToolMessage, ToolMessageChunk } from "@langchain/core/messages";
import { DeltaSnapshot } from "@langchain/langgraph-checkpoint";
import { Send } from "@langchain/langgraph";
import fc from "fast-check";
import { DeserializationError, FastJsonPlusSerializer, SerializationError } from "../src/serde.js";
import { jsonPlusLosslessArb, sampleMessages } from "./serde-fixtures.js";

const serde = new FastJsonPlusSerializer();
const utf8 = new TextDecoder();

/**
 * A message's public fields. `lc_kwargs` is left out: it is the constructor's input object,
 * which some constructors record differently from what they were given (contentBlocks).
 */
function fieldsOf(message: object): Record<string, unknown> {
  return { ...message, lc_kwargs: undefined };
}

async function roundTrip<T>(value: T): Promise<T> {
  const [type, bytes] = await serde.dumpsTyped(value);
  const back = await serde.loadsTyped(type, bytes);
  // The sync API must give the same answer for anything that does not need load().
  expect(serde.loadsTypedSync(type, bytes)).toEqual(back);
  return back as T;
}

describe("dumpsTyped / loadsTyped contract", () => {
  it("passes a top-level Uint8Array through as bytes, like JsonPlus", async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const [type, data] = await serde.dumpsTyped(bytes);
    expect(type).toBe("bytes");
    expect(data).toBe(bytes);
    expect(await serde.loadsTyped("bytes", data)).toBe(bytes);
    expect(await serde.loadsTyped("bytes", "ab")).toEqual(new Uint8Array([97, 98]));
  });

  it("writes everything else as utf8 JSON equal to stringify()", async () => {
    const value = { a: "é✓", b: [1, 2] };
    const [type, data] = await serde.dumpsTyped(value);
    expect(type).toBe("json");
    expect(data).toBeInstanceOf(Uint8Array);
    expect(utf8.decode(data)).toBe(serde.stringify(value));
    expect(serde.dumpsTypedSync(value)).toEqual([type, data]);
    expect(await serde.loadsTyped("json", utf8.decode(data))).toEqual(value);
  });

  it("parse/parseSync read stringify output", async () => {
    const text = serde.stringify({ d: new Date(5), u: undefined });
    expect(serde.parseSync(text)).toEqual({ d: new Date(5), u: undefined });
    expect(await serde.parse(text)).toEqual({ d: new Date(5), u: undefined });
  });

  it("rejects an unknown type tag and invalid JSON with DeserializationError", async () => {
    await expect(serde.loadsTyped("msgpack", new Uint8Array())).rejects.toMatchObject({
      code: "FLG_DESERIALIZE",
      message: "Unknown serialization type: msgpack",
    });
    expect(() => serde.loadsTypedSync("json", "{nope")).toThrow(DeserializationError);
  });

  it("reports failures as rejected promises from the async API", async () => {
    await expect(serde.dumpsTyped({ f: () => 1 })).rejects.toBeInstanceOf(SerializationError);
  });
});

describe("round trip (ours -> ours)", () => {
  it("keeps plain JSON untouched", async () => {
    const value = { a: 1, b: "two", c: [true, null, { d: [] }], e: {} };
    expect(await roundTrip(value)).toStrictEqual(value);
  });

  it("is lossless for the extensions JsonPlus drops", async () => {
    const back = await roundTrip({
      date: new Date("2024-02-29T12:34:56.789Z"),
      invalidDate: new Date(NaN),
      big: 12345678901234567890123n,
      negBig: -7n,
      buffer: Buffer.from("héllo"),
      bytes: new Uint8Array([0, 255, 7]),
      nan: NaN,
      inf: Infinity,
      negInf: -Infinity,
      negZero: -0,
      undef: undefined,
      arr: [undefined, 1, undefined],
    });
    expect(back.date).toBeInstanceOf(Date);
    expect(back.date.toISOString()).toBe("2024-02-29T12:34:56.789Z");
    expect(Number.isNaN(back.invalidDate.getTime())).toBe(true);
    expect(back.big).toBe(12345678901234567890123n);
    expect(back.negBig).toBe(-7n);
    expect(Buffer.isBuffer(back.buffer)).toBe(true);
    expect(back.buffer.toString()).toBe("héllo");
    expect(Buffer.isBuffer(back.bytes)).toBe(false);
    expect(back.bytes).toEqual(new Uint8Array([0, 255, 7]));
    expect(back.nan).toBeNaN();
    expect(back.inf).toBe(Infinity);
    expect(back.negInf).toBe(-Infinity);
    expect(Object.is(back.negZero, -0)).toBe(true);
    expect("undef" in back).toBe(true);
    expect(back.undef).toBeUndefined();
    expect(back.arr).toHaveLength(3);
    expect(0 in back.arr && back.arr[0] === undefined).toBe(true);
  });

  it("keeps Map, Set, RegExp, Error and DeltaSnapshot as JsonPlus does", async () => {
    const key = { id: 1 };
    const back = await roundTrip({
      map: new Map<unknown, unknown>([
        ["a", new Date(0)],
        [key, new Set([1n])],
      ]),
      set: new Set(["x", undefined]),
      re: /a+b/gi,
      err: new TypeError("boom"),
      snap: new DeltaSnapshot([new HumanMessage("h")]),
    });
    expect(back.map).toEqual(new Map<unknown, unknown>([["a", new Date(0)], [key, new Set([1n])]]));
    expect(back.set).toEqual(new Set(["x", undefined]));
    expect(back.re).toEqual(/a+b/gi);
    // JsonPlus keeps only the message of an Error, as an Error.
    expect(back.err).toBeInstanceOf(Error);
    expect(back.err.message).toBe("boom");
    expect(back.snap).toBeInstanceOf(DeltaSnapshot);
    expect(back.snap.value[0]).toBeInstanceOf(HumanMessage);
  });

  it("writes a Send as JsonPlus does: a plain {node, args}", async () => {
    const back = await roundTrip({ sends: [new Send("node_a", { x: new Date(1) })] });
    expect(back.sends[0]).not.toBeInstanceOf(Send);
    expect(back.sends[0]).toStrictEqual({ node: "node_a", args: { x: new Date(1) } });
  });

  it.each(sampleMessages())("revives %s as the same class with the same fields", async (_label, message) => {
    const back = await roundTrip({ messages: [message], inMap: new Map([["m", message]]) });
    expect(back.messages[0].constructor).toBe(message.constructor);
    expect(fieldsOf(back.messages[0])).toEqual(fieldsOf(message));
    expect(fieldsOf(back.inMap.get("m") as object)).toEqual(fieldsOf(message));
    // Constructors may normalise their input once (AIMessageChunk adds usage_metadata,
    // contentBlocks moves into content); after that the bytes are stable.
    const again = await roundTrip(back.messages[0]);
    expect(serde.stringify(again)).toBe(serde.stringify(back.messages[0]));
  });

  it("keeps ToolMessageChunk.tool_call_id (load() drops it)", async () => {
    const back = await roundTrip(new ToolMessageChunk({ content: "r", tool_call_id: "c1" }));
    expect(back.tool_call_id).toBe("c1");
  });

  it("keeps lossless values inside message fields", async () => {
    const message = new ToolMessage({
      content: "r",
      tool_call_id: "c1",
      artifact: { when: new Date(7), ids: new Set([1, 2]), raw: Buffer.from([1]), n: 2n, user: { lc: 1, x: undefined } },
    });
    const back = await roundTrip(message);
    expect(back).toBeInstanceOf(ToolMessage);
    expect(back.artifact).toEqual(message.artifact);
    expect(back.artifact.ids).toBeInstanceOf(Set);
    expect("x" in back.artifact.user).toBe(true);
  });

  it("keeps messages nested in messages", async () => {
    const inner = new HumanMessage("inner");
    const outer = new AIMessage({ content: "o", additional_kwargs: { history: [inner] } });
    const back = await roundTrip(outer);
    expect((back.additional_kwargs.history as unknown[])[0]).toBeInstanceOf(HumanMessage);
    expect(back).toEqual(outer);
  });

  it("writes shared (non-cyclic) references once per occurrence", async () => {
    const shared = { v: [1, 2] };
    const back = await roundTrip({ a: shared, b: shared, c: [shared, shared] });
    expect(back).toEqual({ a: shared, b: shared, c: [shared, shared] });
  });

  it("keeps a __proto__ key as an own property and never touches prototypes", async () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "d": {"__proto__": 1}}') as Record<string, unknown>;
    const withDate = { ...value, when: new Date(0) };
    Object.defineProperty(withDate, "__proto__", { value: value["__proto__"], enumerable: true });
    const back = (await roundTrip(withDate)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, "__proto__")).toBe(true);
    expect(back["__proto__"]).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("writes class instances like JSON.stringify: toJSON() if present, else own properties", async () => {
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
      get norm() {
        return Math.hypot(this.x, this.y);
      }
    }
    class Money {
      constructor(private cents: number) {}
      toJSON() {
        return { eur: this.cents / 100 };
      }
    }
    const back = await roundTrip({ p: new Point(3, 4), m: new Money(250) });
    expect(back.p).not.toBeInstanceOf(Point);
    expect(back.p).toStrictEqual({ x: 3, y: 4 });
    expect(back.m).toStrictEqual({ eur: 2.5 });
  });

  it("handles deep but acyclic nesting (past the point where cycle checks switch on)", async () => {
    let deep: unknown = "leaf";
    for (let i = 0; i < 900; i++) deep = { d: deep, when: i === 500 ? new Date(0) : undefined };
    expect(await roundTrip(deep)).toEqual(deep);
  });

  it("writes the same bytes when Object.prototype has an enumerable property", async () => {
    // The walk uses for...in on plain objects unless something is enumerable on Object.prototype.
    const value = { messages: sampleMessages().map(([, m]) => m), when: new Date(0), plain: { a: [1, { b: 2 }] } };
    const clean = serde.stringify(value);
    const reread = serde.stringify(serde.parseSync(clean));
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = "yes";
    try {
      expect(serde.stringify(value)).toBe(clean);
      // Compared as bytes: deep equality helpers themselves misbehave with a polluted prototype.
      expect(serde.stringify(serde.parseSync(clean))).toBe(reread);
    } finally {
      delete proto.polluted;
    }
  });

  it("round-trips generated values with every extension (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withSparseArray: true,
          withNullPrototype: true,
          maxDepth: 4,
        }),
        jsonPlusLosslessArb,
        async (anything, state) => {
          const value = { anything, state, buf: Buffer.from("x"), special: [NaN, -0, Infinity] };
          expect(await roundTrip(value)).toEqual(value);
        },
      ),
      { numRuns: 200 },
    );
  });
});
