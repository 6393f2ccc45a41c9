// Shared values for the serde tests: hand-made messages of every allow-listed class and
// fast-check arbitraries. Not a test file itself.
import {
  AIMessage,
  AIMessageChunk,
  ChatMessage,
  ChatMessageChunk,
  FunctionMessage,
  FunctionMessageChunk,
  HumanMessage,
  HumanMessageChunk,
  RemoveMessage,
  SystemMessage,
  SystemMessageChunk,
  ToolMessage,
  ToolMessageChunk,
  type BaseMessage,
} from "@langchain/core/messages";
import fc from "fast-check";

export function sampleMessages(): [string, BaseMessage][] {
  return [
    ["HumanMessage(string)", new HumanMessage("hi")],
    ["HumanMessage(fields)", new HumanMessage({ content: "hi", id: "h1", name: "bob" })],
    [
      "HumanMessage(blocks)",
      new HumanMessage({
        content: [
          { type: "text", text: "look" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
        ],
      }),
    ],
    ["HumanMessage(contentBlocks)", new HumanMessage({ contentBlocks: [{ type: "text", text: "v1" }] })],
    ["HumanMessage(undefined id)", new HumanMessage({ content: "x", id: undefined })],
    [
      "HumanMessage(lc in additional_kwargs)",
      new HumanMessage({
        content: "x",
        additional_kwargs: { lc: 5, nested: { lc: 1 }, __lc_escaped__: 1 },
      }),
    ],
    ["HumanMessageChunk", new HumanMessageChunk({ content: "hc", id: "hc1" })],
    ["AIMessage(string)", new AIMessage("plain")],
    [
      "AIMessage(tool calls)",
      new AIMessage({
        content: "",
        id: "run-1",
        tool_calls: [{ name: "search", args: { q: "cats", n: 3 }, id: "call_1", type: "tool_call" }],
        invalid_tool_calls: [{ name: "bad", args: "{", id: "call_2", error: "Malformed args.", type: "invalid_tool_call" }],
        usage_metadata: {
          input_tokens: 10,
          output_tokens: 5,
          total_tokens: 15,
          input_token_details: { cache_read: 2 },
        },
        response_metadata: { model_name: "gpt-x", finish_reason: "tool_calls", logprobs: null },
        additional_kwargs: { refusal: null },
      }),
    ],
    [
      "AIMessage(openai raw tool_calls)",
      new AIMessage({
        content: "",
        tool_calls: [{ name: "f", args: { a: 1 }, id: "c9", type: "tool_call" }],
        additional_kwargs: {
          tool_calls: [{ id: "c9", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
        },
      }),
    ],
    ["AIMessageChunk(string)", new AIMessageChunk("c2")],
    [
      "AIMessageChunk(tool_call_chunks)",
      new AIMessageChunk({
        content: "chunk",
        tool_call_chunks: [{ name: "f", args: '{"a":1}', id: "c1", index: 0, type: "tool_call_chunk" }],
      }),
    ],
    ["SystemMessage", new SystemMessage("sys")],
    ["SystemMessageChunk", new SystemMessageChunk({ content: "sc" })],
    [
      "ToolMessage",
      new ToolMessage({ content: "r", tool_call_id: "c1", artifact: { rows: [1, 2] }, status: "success", name: "search" }),
    ],
    ["ToolMessage(positional)", new ToolMessage("out", "c7", "fn")],
    ["ToolMessageChunk", new ToolMessageChunk({ content: "r", tool_call_id: "c1" })],
    ["FunctionMessage", new FunctionMessage({ content: "f", name: "fn" })],
    ["FunctionMessageChunk", new FunctionMessageChunk({ content: "fc", name: "n" })],
    ["ChatMessage", new ChatMessage({ content: "c", role: "critic" })],
    ["ChatMessage(positional)", new ChatMessage("c", "judge")],
    ["ChatMessageChunk", new ChatMessageChunk({ content: "cc", role: "r" })],
    ["RemoveMessage", new RemoveMessage({ id: "r1" })],
  ];
}

/** Keys JsonPlus's reviver cannot restore (it assigns them, which sets the prototype). */
export function hasProtoKey(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some(hasProtoKey);
  return Object.keys(value).some((k) => k === "__proto__" || hasProtoKey((value as Record<string, unknown>)[k]));
}

/** JSON has no -0 (JsonPlus writes 0; we write a record), so "lossless" values avoid it. */
function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  if (Array.isArray(value)) return value.map(withoutNegativeZero);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty: fast-check generates "__proto__" keys, which plain assignment would eat.
      Object.defineProperty(out, k, { value: withoutNegativeZero(v), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/** fc.jsonValue without -0. */
export function json(maxDepth: number): fc.Arbitrary<unknown> {
  return fc.jsonValue({ maxDepth }).map(withoutNegativeZero);
}

const text = fc.string({ maxLength: 12 });
const jsonObject = fc.dictionary(text, json(2), { maxKeys: 4 });

export const messageArb: fc.Arbitrary<BaseMessage> = fc.oneof(
  fc.record({ content: text, id: fc.option(text, { nil: undefined }) }).map((f) => new HumanMessage(f)),
  fc.record({ content: text, name: text }).map((f) => new SystemMessage(f)),
  fc
    .record({
      content: fc.oneof(text, fc.array(fc.record({ type: fc.constant("text"), text }), { maxLength: 2 })),
      id: text,
      tool_calls: fc.array(
        fc.record({ name: text, args: jsonObject, id: text, type: fc.constant("tool_call" as const) }),
        { maxLength: 2 },
      ),
      usage_metadata: fc.record({ input_tokens: fc.nat(), output_tokens: fc.nat(), total_tokens: fc.nat() }),
      response_metadata: jsonObject,
    })
    .map((f) => new AIMessage(f)),
  fc
    .record({ content: text, tool_call_id: text, artifact: json(2) })
    .map((f) => new ToolMessage(f)),
  fc.record({ content: text, role: text }).map((f) => new ChatMessage(f)),
  fc.record({ id: text }).map((f) => new RemoveMessage(f)),
);

/** Values both JsonPlus and we write and read back without loss. */
export const jsonPlusLosslessArb: fc.Arbitrary<unknown> = fc
  .record({
    messages: fc.array(messageArb, { maxLength: 4 }),
    data: json(3),
    missing: fc.constant(undefined),
    list: fc.array(fc.option(json(1), { nil: undefined }), { maxLength: 3 }),
    map: fc.array(fc.tuple(text, fc.oneof(json(1), messageArb)), { maxLength: 3 }).map((e) => new Map(e)),
    set: fc.array(fc.oneof(text, fc.integer()), { maxLength: 3 }).map((v) => new Set(v)),
    bytes: fc.uint8Array({ maxLength: 8 }),
  })
  .filter((v) => !hasProtoKey(v));
