// Differential tests against the official JsonPlusSerializer: same bytes for messages, and each
// side reads what the other writes.
import { AIMessage, HumanMessage, ToolMessage, ToolMessageChunk } from "@langchain/core/messages";
import { JsonPlusSerializer } from "@langchain/langgraph-checkpoint";
import fc from "fast-check";
import { AsyncLoadRequiredError, FastJsonPlusSerializer } from "../src/serde.js";
import { PromptTemplate } from "@langchain/core/prompts";
import { hasProtoKey, json, jsonPlusLosslessArb, messageArb, sampleMessages } from "./serde-fixtures.js";

const ours = new FastJsonPlusSerializer();
const official = new JsonPlusSerializer();
const utf8 = new TextDecoder();

async function officialText(value: unknown): Promise<string> {
  return utf8.decode((await official.dumpsTyped(value))[1]);
}

async function oursToOfficial(value: unknown): Promise<unknown> {
  const [type, bytes] = await ours.dumpsTyped(value);
  return official.loadsTyped(type, bytes);
}

async function officialToOurs(value: unknown): Promise<unknown> {
  const [type, bytes] = await official.dumpsTyped(value);
  return ours.loadsTyped(type, bytes);
}

describe("byte-identical output for LangChain messages", () => {
  it.each(sampleMessages())("%s", async (_label, message) => {
    expect(ours.stringify(message)).toBe(await officialText(message));
  });

  it("inside state objects, arrays, Maps and nested messages", async () => {
    const messages = sampleMessages().map(([, m]) => m);
    const state = {
      messages,
      byId: new Map(messages.map((m, i) => [`m${i}`, m])),
      tool: new ToolMessage({ content: "r", tool_call_id: "c", artifact: { history: [new HumanMessage("nested")] } }),
      meta: { step: 3, writes: null, pending: [undefined] },
    };
    expect(ours.stringify(state)).toBe(await officialText(state));
  });

  it("for generated messages and plain JSON (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(messageArb, { maxLength: 5 }), json(3), async (messages, data) => {
        const state = { messages, data };
        // Serializable.toJSON() drops "__proto__" keys inside kwargs (it assigns them); we keep them.
        fc.pre(!hasProtoKey(messages.map((m) => m.lc_kwargs)));
        expect(ours.stringify(state)).toBe(await officialText(state));
      }),
      { numRuns: 200 },
    );
  });
});

describe("ours -> official", () => {
  it.each(sampleMessages().filter(([label]) => label !== "ToolMessageChunk"))(
    "official reads our %s to the message it reads from its own bytes",
    async (_label, message) => {
      const fromOurs = await oursToOfficial(message);
      const fromOfficial = await official.loadsTyped(...(await official.dumpsTyped(message)));
      expect(fromOurs).toEqual(fromOfficial);
      expect((fromOurs as object).constructor).toBe(message.constructor);
    },
  );

  it("official reads the JsonPlus-lossless value we wrote as equal (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(jsonPlusLosslessArb, async (value) => {
        expect(await oursToOfficial(value)).toEqual(value);
      }),
      { numRuns: 150 },
    );
  });

  it("official leaves our extension records inert rather than failing", async () => {
    const back = (await oursToOfficial({ d: new Date(0), n: 1n })) as Record<string, unknown>;
    expect(back.d).toEqual({ lc: 2, type: "constructor", id: ["Date"], method: null, args: ["1970-01-01T00:00:00.000Z"], kwargs: {} });
    expect(back.n).toMatchObject({ lc: 2, id: ["BigInt"], args: ["1"] });
  });
});

describe("official -> ours", () => {
  it.each(sampleMessages())("we read official %s as official does", async (_label, message) => {
    const [type, bytes] = await official.dumpsTyped(message);
    const fromOurs = (await ours.loadsTyped(type, bytes)) as Record<string, unknown>;
    const fromOfficial = (await official.loadsTyped(type, bytes)) as Record<string, unknown>;
    expect(fromOurs.constructor).toBe(fromOfficial.constructor);
    if (message instanceof ToolMessageChunk) {
      // load() passes `toolCallId` to ToolMessageChunk and drops it; we keep it.
      expect(fromOfficial.tool_call_id).toBeUndefined();
      expect(fromOurs.tool_call_id).toBe("c1");
      return;
    }
    expect(fromOurs).toEqual(fromOfficial);
  });

  it("we read what official wrote as equal, for JsonPlus-lossless values (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(jsonPlusLosslessArb, async (value) => {
        const [type, bytes] = await official.dumpsTyped(value);
        const fromOurs = await ours.loadsTyped(type, bytes);
        expect(fromOurs).toEqual(value);
        expect(fromOurs).toEqual(await official.loadsTyped(type, bytes));
      }),
      { numRuns: 150 },
    );
  });

  it("we read official's lossy encodings as official does (Date -> string, nested Buffer -> {type,data})", async () => {
    const value = { d: new Date(0), b: Buffer.from([1, 2]), f: () => 1, nan: NaN };
    const [type, bytes] = await official.dumpsTyped(value);
    expect(await ours.loadsTyped(type, bytes)).toStrictEqual(await official.loadsTyped(type, bytes));
    expect(await ours.loadsTyped(type, bytes)).toStrictEqual({
      d: "1970-01-01T00:00:00.000Z",
      b: { type: "Buffer", data: [1, 2] },
      nan: null,
    });
  });

  it("reads official DeltaSnapshot and Send encodings as official does", async () => {
    const { DeltaSnapshot } = await import("@langchain/langgraph-checkpoint");
    const { Send } = await import("@langchain/langgraph");
    const value = { snap: new DeltaSnapshot({ a: [new AIMessage("x")] }), send: new Send("n", { k: 1 }) };
    const [type, bytes] = await official.dumpsTyped(value);
    const fromOurs = (await ours.loadsTyped(type, bytes)) as Record<string, unknown>;
    expect(fromOurs).toEqual(await official.loadsTyped(type, bytes));
    expect(fromOurs.snap).toBeInstanceOf(DeltaSnapshot);
    expect(fromOurs.send).toStrictEqual({ node: "n", args: { k: 1 } });
    expect(ours.stringify(value)).toBe(utf8.decode(bytes));
  });
});

describe("lc:1 objects outside the message allow-list go through LangChain's load()", () => {
  // PromptTemplate: a Serializable that load() knows (langchain_core/prompts).
  const prompt = PromptTemplate.fromTemplate("Hi {name}");
  const state = () => ({
    prompts: [prompt],
    tool: new ToolMessage({ content: "r", tool_call_id: "c", artifact: { used: prompt, at: undefined } }),
  });

  it("writes them with their own toJSON(), as JsonPlus does", async () => {
    expect(ours.stringify(state())).toBe(await officialText(state()));
  });

  it("reads them with load(), asynchronously, to what official gives", async () => {
    const [type, bytes] = await official.dumpsTyped(state());
    const fromOurs = (await ours.loadsTyped(type, bytes)) as ReturnType<typeof state>;
    expect(fromOurs).toEqual(await official.loadsTyped(type, bytes));
    expect(fromOurs.prompts[0]).toBeInstanceOf(PromptTemplate);
    expect(fromOurs.prompts[0].template).toBe("Hi {name}");
    expect(fromOurs.tool).toBeInstanceOf(ToolMessage);
    expect((fromOurs.tool.artifact as { used: unknown }).used).toBeInstanceOf(PromptTemplate);
  });

  it("makes loadsTypedSync throw AsyncLoadRequiredError with the path", () => {
    const [type, bytes] = ours.dumpsTypedSync({ a: { list: [new HumanMessage("h"), prompt] } });
    expect(() => ours.loadsTypedSync(type, bytes)).toThrow(AsyncLoadRequiredError);
    expect(() => ours.loadsTypedSync(type, bytes)).toThrow(
      expect.objectContaining({ code: "FLG_DESERIALIZE", path: "$.a.list[1]" }),
    );
  });

  it("handles a load() object nested inside a message inside a Map", async () => {
    const value = { m: new Map([["k", new AIMessage({ content: "x", additional_kwargs: { p: prompt } })]]) };
    const [type, bytes] = await official.dumpsTyped(value);
    const fromOurs = (await ours.loadsTyped(type, bytes)) as typeof value;
    expect(fromOurs).toEqual(await official.loadsTyped(type, bytes));
    expect(fromOurs.m.get("k")?.additional_kwargs.p).toBeInstanceOf(PromptTemplate);
  });
});

describe("JsonPlus format rules we match on purpose", () => {
  it("reads a user object shaped like a record the way JsonPlus does (outside messages)", async () => {
    // JsonPlus does not escape user objects outside Serializable kwargs, so this is read as
    // undefined by both. Inside message kwargs both escape, and it survives.
    const value = { looksLikeRecord: { lc: 2, type: "undefined" } };
    expect(await officialToOurs(value)).toEqual(await official.loadsTyped(...(await official.dumpsTyped(value))));
    expect(await officialToOurs(value)).toStrictEqual({ looksLikeRecord: undefined });
    const message = new HumanMessage({ content: "x", additional_kwargs: { looksLikeRecord: { lc: 2, type: "undefined" } } });
    const back = (await officialToOurs(message)) as HumanMessage;
    expect(back.additional_kwargs).toStrictEqual({ looksLikeRecord: { lc: 2, type: "undefined" } });
  });

  it("matches plain JSON in both directions (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(
        json(6).filter((v) => !hasProtoKey(v)),
        async (value) => {
          expect(ours.stringify(value)).toBe(await officialText(value));
          expect(await officialToOurs(value)).toEqual(value);
          expect(await oursToOfficial(value)).toEqual(value);
        },
      ),
      { numRuns: 300 },
    );
  });
});
