import type { SerializerProtocol } from "@langchain/langgraph-checkpoint";
import { reviveAsync, reviveSync } from "./decode.js";
import { encodeForJson } from "./encode.js";
import { AsyncLoadRequiredError, DeserializationError } from "./errors.js";

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DeserializationError(`Stored value is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Every record and every lc:1 object has an "lc" key, so text without one is plain JSON and
 * JSON.parse alone is the answer. A "\u" escape could spell the key differently; walk then.
 */
function mayNeedRevival(text: string): boolean {
  return text.includes('"lc"') || text.includes("\\u");
}

/**
 * A drop-in for JsonPlusSerializer (same "json"/"bytes" contract and JSON format) that is
 * lossless for Date, BigInt, Buffer, NaN/±Infinity/-0, refuses functions, symbols and cycles,
 * and works synchronously except when a value needs LangChain's async load().
 *
 * @example
 * const serde = new FastJsonPlusSerializer();
 * const [type, bytes] = serde.dumpsTypedSync({ messages: [new HumanMessage("hi")] });
 * const state = serde.loadsTypedSync(type, bytes);
 */
export class FastJsonPlusSerializer implements SerializerProtocol {
  /** `["bytes", obj]` for a top-level Uint8Array (as JsonPlus), else `["json", utf8 JSON]`. */
  dumpsTypedSync(obj: unknown): [string, Uint8Array] {
    if (obj instanceof Uint8Array) return ["bytes", obj];
    return ["json", utf8Encoder.encode(this.stringify(obj))];
  }

  async dumpsTyped(obj: unknown): Promise<[string, Uint8Array]> {
    return this.dumpsTypedSync(obj);
  }

  /** Throws AsyncLoadRequiredError if the value holds an lc:1 object only load() can build. */
  loadsTypedSync(type: string, data: Uint8Array | string): unknown {
    if (type === "bytes") return typeof data === "string" ? utf8Encoder.encode(data) : data;
    if (type === "json") return this.parseSync(typeof data === "string" ? data : utf8Decoder.decode(data));
    throw new DeserializationError(`Unknown serialization type: ${type}`);
  }

  /** Resolves lc:1 objects outside the message allow-list through LangChain's load(). */
  // `any` (not unknown) to match SerializerProtocol.loadsTyped.
  async loadsTyped(type: string, data: Uint8Array | string): Promise<any> {
    if (type === "json") return this.parse(typeof data === "string" ? data : utf8Decoder.decode(data));
    return this.loadsTypedSync(type, data);
  }

  /** The JSON text `dumpsTyped` encodes. Throws SerializationError on functions, symbols, cycles. */
  stringify(obj: unknown): string {
    return JSON.stringify(encodeForJson(obj));
  }

  parseSync(text: string): unknown {
    const root = parseJson(text);
    return mayNeedRevival(text) ? reviveSync(root) : root;
  }

  async parse(text: string): Promise<unknown> {
    const root = parseJson(text);
    if (!mayNeedRevival(text)) return root;
    try {
      return reviveSync(root);
    } catch (err) {
      if (!(err instanceof AsyncLoadRequiredError)) throw err;
    }
    // The sync walk copies instead of mutating, so `root` is still the parsed JSON.
    return reviveAsync(root);
  }
}
