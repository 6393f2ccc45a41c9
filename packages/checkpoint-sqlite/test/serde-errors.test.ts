// Bad input is refused with the path of the bad value; stored data never makes us run code.
import { AIMessage, HumanMessage } from "@langchain/core/messages";
import { JsonPlusSerializer } from "@langchain/langgraph-checkpoint";
import { DeserializationError, FastJsonPlusSerializer, SerializationError } from "../src/serde.js";

const serde = new FastJsonPlusSerializer();
const official = new JsonPlusSerializer();
const utf8 = new TextEncoder();

function pathOf(value: unknown): string {
  try {
    serde.stringify(value);
  } catch (err) {
    expect(err).toBeInstanceOf(SerializationError);
    const e = err as SerializationError;
    expect(e.code).toBe("FLG_SERIALIZE");
    expect(e.name).toBe("SerializationError");
    expect(e.message).toContain(` at ${e.path}`);
    return e.path;
  }
  throw new Error("expected a SerializationError");
}

describe("refuses values JsonPlus silently drops or mangles", () => {
  it("functions, with the path", () => {
    expect(pathOf({ a: { b: [1, 2, { fn: () => 1 }] } })).toBe("$.a.b[2].fn");
    expect(pathOf(function named() {})).toBe("$");
    expect(() => serde.stringify({ cb: function handler() {} })).toThrow(/Cannot serialize a function \(handler\)/);
  });

  it("symbols, with the path", () => {
    expect(pathOf({ list: [Symbol("s")] })).toBe("$.list[0]");
    expect(pathOf({ "odd key": { x: Symbol.iterator } })).toBe('$["odd key"].x');
  });

  it("cycles, with the path of the back edge", () => {
    const a: Record<string, unknown> = { x: { y: [] as unknown[] } };
    ((a.x as Record<string, unknown>).y as unknown[]).push(a);
    expect(pathOf(a)).toBe("$.x.y[0]");
    expect(() => serde.stringify(a)).toThrow(/Circular reference/);
  });

  it("cycles through arrays and Maps", () => {
    const arr: unknown[] = [1];
    arr.push([arr]);
    expect(pathOf(arr)).toBe("$[1][0]");
    const m = new Map<string, unknown>();
    m.set("self", { m });
    expect(pathOf({ m })).toBe("$.m[#0].value.m");
  });

  it("inside message fields, with the kwargs path", () => {
    const message = new AIMessage({ content: "x", additional_kwargs: { callback: () => 1 } });
    expect(pathOf({ messages: [new HumanMessage("h"), message] })).toBe(
      "$.messages[1].kwargs.additional_kwargs.callback",
    );
    const loop = new HumanMessage({ content: "x", additional_kwargs: {} });
    loop.additional_kwargs.self = loop;
    expect(pathOf({ messages: [loop] })).toBe("$.messages[0].kwargs.additional_kwargs.self");
  });

  it("inside Set, Map keys and Send args", async () => {
    const { Send } = await import("@langchain/langgraph");
    expect(pathOf({ s: new Set([1, () => 1]) })).toBe("$.s[#1]");
    expect(pathOf({ m: new Map([[Symbol("k"), 1]]) })).toBe("$.m[#0].key");
    expect(pathOf({ s: new Send("n", { f: () => 1 }) })).toBe("$.s.args.f");
  });

  it("a throwing toJSON(), with the path and cause", () => {
    const boom = new Error("nope");
    const value = { deep: { bad: { toJSON: () => { throw boom; } } } };
    expect(pathOf(value)).toBe("$.deep.bad");
    expect(() => serde.stringify(value)).toThrow(expect.objectContaining({ cause: boom }));
  });

  it("nesting deeper than the limit instead of overflowing the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 3000; i++) deep = [deep];
    expect(() => serde.stringify(deep)).toThrow(/nested deeper than 1000 levels at \$\[0\]\[0\]/);
    // Reading refuses absurd nesting too, as a DeserializationError.
    expect(() => serde.parseSync(`${"[".repeat(5000)}{"lc":2}${"]".repeat(5000)}`)).toThrow(DeserializationError);
  });

  it("JsonPlus, for comparison, drops them silently", async () => {
    const [, bytes] = await official.dumpsTyped({ f: () => 1, s: Symbol("x") });
    expect(new TextDecoder().decode(bytes)).toBe("{}");
  });
});

describe("reading never executes stored data", () => {
  let marker: unknown;
  beforeEach(() => {
    marker = undefined;
    (globalThis as Record<string, unknown>).__flgPwned = undefined;
  });
  afterEach(() => {
    marker = (globalThis as Record<string, unknown>).__flgPwned;
    expect(marker).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const load = (json: unknown) => serde.loadsTyped("json", utf8.encode(JSON.stringify(json)));

  it("keeps lc:2 constructor records with unknown ids as plain objects", async () => {
    const records = [
      { lc: 2, type: "constructor", id: ["Function"], method: null, args: ["globalThis.__flgPwned = 1"], kwargs: {} },
      { lc: 2, type: "constructor", id: ["child_process"], method: "execSync", args: ["touch /tmp/x"], kwargs: {} },
      { lc: 2, type: "constructor", id: ["globalThis", "eval"], method: null, args: ["1"], kwargs: {} },
      { lc: 2, type: "constructor", id: ["Set"], method: "constructor", args: [[1]], kwargs: {} },
      { lc: 2, type: "constructor", id: ["Map"], method: null, args: [[1, 2]], kwargs: {} },
      { lc: 2, type: "constructor", id: ["Uint8Array"], method: null, args: [[256]], kwargs: {} },
      { lc: 2, type: "constructor", id: ["BigInt"], method: null, args: ["1e9"], kwargs: {} },
      { lc: 2, type: "constructor", id: ["Buffer"], method: "alloc", args: [1e9, "base64"], kwargs: {} },
      { lc: 2, type: "constructor", id: ["RegExp"], method: null, args: ["(", ""], kwargs: {} },
      { lc: 2, type: "constructor", id: "Set", args: [[1]] },
    ];
    for (const record of records) {
      expect(await load({ r: record })).toStrictEqual({ r: record });
      // The official serializer keeps them inert too.
      expect(await official.loadsTyped("json", JSON.stringify({ r: record }))).toStrictEqual({ r: record });
    }
  });

  it("never resolves lc:1 ids outside LangChain's allow-list; load() refuses them", async () => {
    for (const id of [["fs", "readFileSync"], ["langchain_core", "messages", "NotAMessage"], ["langchain", "x", "Y"]]) {
      const payload = { x: { lc: 1, type: "constructor", id, kwargs: { content: "x" } } };
      await expect(load(payload)).rejects.toMatchObject({
        name: "DeserializationError",
        code: "FLG_DESERIALIZE",
        message: expect.stringMatching(/LangChain load\(\) refused/),
      });
      // JsonPlus fails on the same input (with load()'s own error).
      await expect(official.loadsTyped("json", JSON.stringify(payload))).rejects.toThrow();
    }
  });

  it("refuses ids naming Object.prototype members before load() sees them", async () => {
    // load() looks names up on a plain module object: "constructor" finds Object, and
    // JsonPlus then returns `new Object(kwargs)`. We do not let a name resolve that way.
    const payload = { x: { lc: 1, type: "constructor", id: ["langchain_core", "messages", "constructor"], kwargs: { a: 1 } } };
    expect(await official.loadsTyped("json", JSON.stringify(payload))).toStrictEqual({ x: { a: 1 } });
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const forged = { x: { lc: 1, type: "constructor", id: ["langchain_core", "messages", name], kwargs: {} } };
      await expect(load(forged)).rejects.toMatchObject({ code: "FLG_DESERIALIZE", path: "$.x", message: expect.stringMatching(/not a class name/) });
      expect(() => serde.parseSync(JSON.stringify(forged))).toThrow(/not a class name at \$\.x/);
    }
  });

  it("constructs only allow-listed message classes itself", async () => {
    const back = (await load({ lc: 1, type: "constructor", id: ["langchain_core", "messages", "HumanMessage"], kwargs: { content: "hi" } })) as HumanMessage;
    expect(back).toBeInstanceOf(HumanMessage);
    expect(back.content).toBe("hi");
  });

  it("leaves an lc:1 object without kwargs as data, as load() does", async () => {
    const value = { lc: 1, type: "constructor", id: ["langchain_core", "messages", "HumanMessage"] };
    expect(await load({ v: value })).toStrictEqual({ v: value });
  });

  it("does not read escaped user data inside message fields as LangChain objects", async () => {
    const fake = { lc: 1, type: "constructor", id: ["langchain_core", "messages", "AIMessage"], kwargs: { content: "x" } };
    const message = new HumanMessage({ content: "x", additional_kwargs: { fake, secret: { lc: 1, type: "secret", id: ["OPENAI_API_KEY"] } } });
    const [type, bytes] = serde.dumpsTypedSync(message);
    const back = (await serde.loadsTyped(type, bytes)) as HumanMessage;
    expect(back.additional_kwargs.fake).toStrictEqual(fake);
    expect(back.additional_kwargs.secret).toStrictEqual({ lc: 1, type: "secret", id: ["OPENAI_API_KEY"] });
    // JsonPlus's bottom-up reviver runs load() on the escaped object before load() unescapes
    // it: it builds an AIMessage from user data and hands back that message's toJSON().
    const fromOfficial = (await official.loadsTyped(type, bytes)) as HumanMessage;
    expect((fromOfficial.additional_kwargs.fake as { kwargs: object }).kwargs).toHaveProperty("tool_calls", []);
  });

  it("keeps a forged secret / not_implemented object inert instead of resolving it", async () => {
    const forged = {
      lc: 1,
      type: "constructor",
      id: ["langchain_core", "messages", "HumanMessage"],
      kwargs: { content: "x", additional_kwargs: { key: { lc: 1, type: "secret", id: ["HOME"] } } },
    };
    const back = (await load(forged)) as HumanMessage;
    expect(back.additional_kwargs.key).toStrictEqual({ lc: 1, type: "secret", id: ["HOME"] });
  });

  it("defines __proto__ keys as own data instead of replacing prototypes", async () => {
    const text = '{"a":{"__proto__":{"polluted":1}},"m":{"lc":2,"type":"constructor","id":["Map"],"method":null,"args":[[["__proto__",{"polluted":1}]]],"kwargs":{}},"u":{"__proto__":{"lc":2,"type":"undefined"}}}';
    const back = serde.parseSync(text) as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(back.a)).toBe(Object.prototype);
    expect(back.a.polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(back.a, "__proto__")?.value).toStrictEqual({ polluted: 1 });
    expect(Object.getPrototypeOf(back.u)).toBe(Object.prototype);
    expect(Object.hasOwn(back.u, "__proto__")).toBe(true);
    expect(back.u["__proto__"]).toBeUndefined();
  });

  it("reports bad stored data as DeserializationError with a path", () => {
    // AIMessage's constructor calls tool_calls.filter() when content blocks are given.
    const forged = {
      list: [
        { lc: 1, type: "constructor", id: ["langchain_core", "messages", "AIMessage"], kwargs: { content_blocks: [], tool_calls: 5 } },
      ],
    };
    expect(() => serde.parseSync(JSON.stringify(forged))).toThrow(
      expect.objectContaining({ code: "FLG_DESERIALIZE", path: "$.list[0]", message: expect.stringMatching(/^Cannot construct AIMessage/) }),
    );
  });
});
