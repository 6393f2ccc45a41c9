/**
 * Shared by the differential tests: descriptions of message-likes (fast-check arbitraries), a
 * builder that turns a description into fresh objects for each implementation (reducers assign ids
 * in place, so the two runs must not share inputs), a deterministic uuid stub, and a comparable view
 * of outcomes.
 */
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
import { vi } from "vitest";

export const REMOVE_ALL = "__remove_all__";

// ---------------------------------------------------------------------------------------------
// uuid: LangGraph and @flg/state both call `v4()` from @langchain/core, which calls
// crypto.randomUUID(). A counter makes the ids of both runs equal iff both generate them in the
// same order, so outputs compare exactly, ids included.
// ---------------------------------------------------------------------------------------------
let uuidCounter = 0;
export function stubUuid(): () => void {
  const spy = vi.spyOn(globalThis.crypto, "randomUUID").mockImplementation(() => {
    uuidCounter += 1;
    return `00000000-0000-4000-8000-${uuidCounter.toString(16).padStart(12, "0")}` as `${string}-${string}-${string}-${string}-${string}`;
  });
  return () => spy.mockRestore();
}
export function resetUuid(): void {
  uuidCounter = 0;
}

// ---------------------------------------------------------------------------------------------
// Descriptions
// ---------------------------------------------------------------------------------------------
export type Content = string | Array<{ type: "text"; text: string }>;
export type Id = string | null | undefined;

export type Desc =
  | { k: "string"; content: string }
  | { k: "tuple"; role: string; content: Content }
  | { k: "plain"; via: "role" | "type"; t: string; content: Content; id: Id; name?: string; toolCalls?: "lc" | "openai" | "openai-bad"; toolCallId?: string }
  | { k: "serialized"; cls: string; content: Content; id: Id }
  | { k: "class"; cls: "human" | "ai" | "system" | "tool" | "chat" | "function"; content: Content; id: Id; name?: string; toolCalls?: boolean }
  | { k: "chunk"; cls: "human" | "ai" | "system" | "tool" | "chat" | "function"; content: Content; id: Id; toolCallChunks?: boolean }
  | { k: "remove"; id: string };

/** A small pool of ids, so that replacements, removals and duplicates happen often. */
export const idPool = ["a", "b", "c", "d", "e"] as const;
const idArb: fc.Arbitrary<Id> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 6, arbitrary: fc.constantFrom(...idPool) },
);
const contentArb: fc.Arbitrary<Content> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("hi", "hello there", "", "tool says 42") },
  { weight: 1, arbitrary: fc.constantFrom("x", "y").map((t) => [{ type: "text" as const, text: t }]) },
);

export const descArb: fc.Arbitrary<Desc> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ k: fc.constant("string" as const), content: fc.constantFrom("hi", "what is 6*7?") }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("tuple" as const),
      role: fc.constantFrom("human", "user", "ai", "assistant", "system", "developer", "tool", "bogus"),
      content: contentArb,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        k: fc.constant("plain" as const),
        via: fc.constantFrom("role" as const, "type" as const),
        t: fc.constantFrom("user", "human", "assistant", "ai", "system", "developer", "tool", "remove", "bogus"),
        content: contentArb,
        id: idArb,
        name: fc.constantFrom("alice", "bob"),
        toolCalls: fc.constantFrom("lc" as const, "openai" as const, "openai-bad" as const),
        toolCallId: fc.constantFrom("call_1", "call_2"),
      },
      { requiredKeys: ["k", "via", "t", "content", "id"] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant("serialized" as const),
      cls: fc.constantFrom("HumanMessage", "AIMessageChunk", "SystemMessage", "ToolMessage", "FunctionMessage", "Weird"),
      content: contentArb,
      id: idArb,
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record(
      {
        k: fc.constant("class" as const),
        cls: fc.constantFrom("human" as const, "ai" as const, "system" as const, "tool" as const, "chat" as const, "function" as const),
        content: contentArb,
        id: idArb,
        name: fc.constantFrom("alice", "bob"),
        toolCalls: fc.boolean(),
      },
      { requiredKeys: ["k", "cls", "content", "id"] },
    ),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        k: fc.constant("chunk" as const),
        cls: fc.constantFrom("human" as const, "ai" as const, "system" as const, "tool" as const, "chat" as const, "function" as const),
        content: contentArb,
        id: idArb,
        toolCallChunks: fc.boolean(),
      },
      { requiredKeys: ["k", "cls", "content", "id"] },
    ),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("remove" as const), id: fc.constantFrom(...idPool, REMOVE_ALL) }) },
);

/** One update: a single message-like (not in an array) or an array of them. */
export type Update = { single: Desc } | { many: Desc[] };
export const updateArb: fc.Arbitrary<Update> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ single: descArb }) },
  { weight: 4, arbitrary: fc.record({ many: fc.array(descArb, { maxLength: 5 }) }) },
);

// ---------------------------------------------------------------------------------------------
// Builder
// ---------------------------------------------------------------------------------------------
function withId<T extends object>(fields: T, id: Id): T & { id?: string | null } {
  // Absent and explicitly undefined are different objects to coerce; keep "absent" absent.
  return id === undefined ? fields : { ...fields, id };
}

const lcToolCall = { name: "lookup", args: { q: "x" }, id: "call_1", type: "tool_call" as const };

export function build(desc: Desc): unknown {
  switch (desc.k) {
    case "string":
      return desc.content;
    case "tuple":
      return [desc.role, desc.content];
    case "plain": {
      const o: Record<string, unknown> = withId({ [desc.via]: desc.t, content: desc.content }, desc.id);
      if (desc.name !== undefined) o.name = desc.name;
      if (desc.toolCallId !== undefined) o.tool_call_id = desc.toolCallId;
      if (desc.toolCalls === "lc") o.tool_calls = [{ ...lcToolCall }];
      if (desc.toolCalls === "openai") o.tool_calls = [{ id: "call_9", type: "function", function: { name: "lookup", arguments: '{"q":"y"}' } }];
      if (desc.toolCalls === "openai-bad") o.tool_calls = [{ id: "call_8", type: "function", function: { name: "lookup", arguments: "{bad" } }];
      return o;
    }
    case "serialized":
      return { lc: 1, type: "constructor", id: ["langchain_core", "messages", desc.cls], kwargs: withId({ content: desc.content, tool_call_id: "call_1" }, desc.id) };
    case "class": {
      const base = withId({ content: desc.content as string }, desc.id) as { content: string; id?: string };
      switch (desc.cls) {
        case "human":
          return new HumanMessage({ ...base, name: desc.name });
        case "ai":
          return new AIMessage(desc.toolCalls ? { ...base, tool_calls: [{ ...lcToolCall }] } : base);
        case "system":
          return new SystemMessage(base);
        case "tool":
          return new ToolMessage({ ...base, tool_call_id: "call_1", name: desc.name });
        case "chat":
          return new ChatMessage({ ...base, role: "critic" });
        case "function":
          return new FunctionMessage({ ...base, name: desc.name ?? "fn" });
      }
      break;
    }
    case "chunk": {
      const base = withId({ content: desc.content as string }, desc.id) as { content: string; id?: string };
      switch (desc.cls) {
        case "human":
          return new HumanMessageChunk(base);
        case "ai":
          return new AIMessageChunk(
            desc.toolCallChunks
              ? { ...base, tool_call_chunks: [{ name: "lookup", args: '{"q":"z"}', id: "call_3", index: 0, type: "tool_call_chunk" }] }
              : base,
          );
        case "system":
          return new SystemMessageChunk(base);
        case "tool":
          return new ToolMessageChunk({ ...base, tool_call_id: "call_2" });
        case "chat":
          return new ChatMessageChunk({ ...base, role: "critic" });
        case "function":
          return new FunctionMessageChunk({ ...base, name: "fn" });
      }
      break;
    }
    case "remove":
      return new RemoveMessage({ id: desc.id });
  }
  throw new Error(`unreachable: ${JSON.stringify(desc)}`);
}

export function buildUpdate(update: Update): unknown {
  return "single" in update ? build(update.single) : update.many.map(build);
}

// ---------------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------------
export interface ErrorView {
  error: string;
  message: string;
  code?: unknown;
}
export function errorView(e: unknown): ErrorView {
  const err = e as Error & { lc_error_code?: unknown };
  return { error: err?.constructor?.name ?? typeof e, message: String(err?.message), code: err?.lc_error_code };
}

/**
 * Which of the objects a run built (labelled when built) each output element is, or "new" for a
 * message the reducer created: outputs must share exactly the same objects as LangGraph's do.
 */
export class Provenance {
  readonly #labels = new Map<unknown, string>();
  label(value: unknown, label: string): void {
    if (typeof value === "object" && value !== null && !this.#labels.has(value)) this.#labels.set(value, label);
  }
  labelUpdate(value: unknown, prefix: string): void {
    if (Array.isArray(value)) value.forEach((v, i) => this.label(v, `${prefix}.${i}`));
    else this.label(value, prefix);
  }
  of(values: readonly unknown[]): string[] {
    return values.map((v) => this.#labels.get(v) ?? "new");
  }
}

export type MessageArray = BaseMessage[];
