/**
 * Deterministic LangChain messages shared by every group, so all contenders get the same data.
 * Text comes from a seeded generator: no randomness between runs, no trivially repetitive strings.
 */
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from "@langchain/core/messages";
import { JsonPlusSerializer } from "@langchain/langgraph-checkpoint";

const WORDS = (
  "the graph state checkpoint node edge message tool call result agent model reply thread channel version " +
  "value reducer stream task step write read table index query search weather paris london tokyo price order " +
  "customer invoice shipping refund policy summary answer question context memory latency cache store rust"
).split(" ");

/** A small seeded PRNG (mulberry32); same seed, same text. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic prose of about `chars` characters. */
export function text(seed: number, chars: number): string {
  const next = rng(seed);
  let out = "";
  while (out.length < chars) out += (out ? " " : "") + WORDS[Math.floor(next() * WORDS.length)];
  return out.slice(0, chars);
}

/**
 * Message k of a tool-using conversation, cycling human question → AI tool call → tool result → AI
 * answer. Ids are fixed so the messages reducer keeps them as they are.
 */
export function conversationMessage(k: number, idPrefix = "m"): BaseMessage {
  const id = `${idPrefix}-${k}`;
  switch (k % 4) {
    case 0:
      return new HumanMessage({ id, content: text(k, 120) });
    case 1:
      return new AIMessage({
        id,
        content: "",
        tool_calls: [{ id: `call-${k}`, name: "search", args: { query: text(k, 40), limit: 5 }, type: "tool_call" }],
      });
    case 2:
      return new ToolMessage({ id, tool_call_id: `call-${k - 1}`, name: "search", content: text(k, 200) });
    default:
      return new AIMessage({ id, content: text(k, 200) });
  }
}

const officialSerde = new JsonPlusSerializer();

/** Bytes of `value` as the official JsonPlusSerializer stores it (the yardstick for "1 MB of messages"). */
export async function serializedBytes(value: unknown): Promise<number> {
  const [, bytes] = await officialSerde.dumpsTyped(value);
  return bytes.byteLength;
}

/** The shortest conversation whose serialized size reaches `targetBytes`. */
export async function conversationOfSize(targetBytes: number): Promise<{ messages: BaseMessage[]; bytes: number }> {
  const messages: BaseMessage[] = [];
  // Grow by estimate, then confirm with the real serializer (one dumps per check keeps this fast at 1 MB).
  let bytes = 0;
  while (bytes < targetBytes) {
    const estimate = messages.length === 0 ? 1 : Math.max(1, Math.ceil(((targetBytes - bytes) / Math.max(bytes, 1)) * messages.length * 0.9));
    for (let i = 0; i < estimate; i += 1) messages.push(conversationMessage(messages.length));
    bytes = await serializedBytes(messages);
  }
  return { messages, bytes };
}

/** The fake model's reply at step k of the graph loop: ~200 chars, every third one a tool call. */
export function fakeReply(k: number): BaseMessage {
  if (k % 3 === 1) {
    return new AIMessage({
      id: `r-${k}`,
      content: text(k * 7 + 1, 120),
      tool_calls: [{ id: `call-r-${k}`, name: "lookup", args: { key: text(k, 30), page: k % 10 }, type: "tool_call" }],
    });
  }
  return new AIMessage({ id: `r-${k}`, content: text(k * 7 + 1, 200) });
}

/** The human turn k of the chat variant: ~100 chars. */
export function humanTurn(k: number): BaseMessage {
  return new HumanMessage({ id: `h-${k}`, content: text(k * 13 + 5, 100) });
}
