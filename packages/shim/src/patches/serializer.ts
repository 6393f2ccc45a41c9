// JsonPlusSerializer.prototype.dumpsTyped/loadsTyped of @langchain/langgraph-checkpoint, routed
// through FastJsonPlusSerializer of @flg/checkpoint-sqlite. Every saver that keeps the default
// serde (MemorySaver, the official SqliteSaver, PostgresSaver, ...) gets the fast path.
//
// The fast serializer is lossless where JsonPlus is not (Date, BigInt, Buffer, NaN/±Infinity/-0),
// refuses functions, symbols and cycles, and reads a few edge cases better than JsonPlus does.
// An unmodified app must see none of that, so the fast path is taken only where both give the same
// result, and everything else goes to the original methods (the cases are listed with
// writtenDifferently / readDifferently below; each is a cheap substring test on the JSON text):
// - dumps: such text, or any fast failure -> original. What is written is then byte for byte what
//   JsonPlus writes (pinned in test/serializer.test.ts), so the unpatched class reads it.
// - loads: such text, or any fast failure -> original, so a failure surfaces as the error JsonPlus
//   itself throws.
// `_dumps`/`_loads` are called by nothing but JsonPlus itself, so they keep their original bodies;
// a subclass (or instance) that overrides either one keeps its override and the original path.
import type { CheckpointModule, FastSerdeModule } from "../load.js";
import { replaceMethods, type Method, type ReplaceResult } from "../registry.js";
import type { CopyKind } from "../types.js";

export const SERIALIZER_TARGET = "JsonPlusSerializer.prototype.{dumpsTyped,loadsTyped}";

// JsonPlus builds a new TextEncoder/TextDecoder per call with default options; same options here.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Every lc:2 constructor record starts so: `{"lc":2,"type":"constructor","id":["<Name>"],...`. */
const RECORD_PREFIX = '"lc":2,"type":"constructor","id":["';
/** The record ids FastJsonPlusSerializer adds to JsonPlus's set (records.ts there). */
const EXTENSION_RECORD = /"lc":2,"type":"constructor","id":\["(?:Date|BigInt|Number|Buffer)"\]/;
const DELTA_RECORD = '"lc":2,"type":"delta_snapshot"';
const UNDEFINED_RECORD = '"lc":2,"type":"undefined"';
/** Every LangChain-serialized object (messages included) starts so. */
const LC1 = '"lc":1,';

/**
 * Text the fast writer produced that JsonPlus would have written differently:
 * - our extension records (Date, BigInt, NaN/±Infinity/-0, Buffer): JsonPlus writes a string,
 *   throws, writes null / 0, or writes `{type, data}`;
 * - a record next to an lc:1 object: inside a message's kwargs, Serializable.toJSON() flattens
 *   Map, Set, RegExp, Error, Uint8Array and DeltaSnapshot to plain objects, where the fast writer
 *   keeps the record (telling "inside" from "next to" would need a parse; both go to JsonPlus);
 * - a "__proto__" key: toJSON() drops it inside kwargs, the fast writer keeps it.
 */
function writtenDifferently(text: string): boolean {
  const hasRecord = text.includes(RECORD_PREFIX);
  if (hasRecord && EXTENSION_RECORD.test(text)) return true;
  if ((hasRecord || text.includes(DELTA_RECORD)) && text.includes(LC1)) return true;
  return text.includes('"__proto__"');
}

/**
 * Text the fast reader would revive differently from JsonPlus: all of the above (JsonPlus hands an
 * lc:1 object to load() through JSON.stringify, which flattens revived records inside it), plus
 * - `undefined` inside an lc:1 object: that JSON.stringify also drops undefined keys (a
 *   ToolMessage's `artifact`) and writes undefined array items as null; the fast reader keeps them;
 * - `__lc_escaped__` user data and a ToolMessageChunk's tool_call_id, which the fast reader reads
 *   better than JsonPlus on purpose.
 */
function readDifferently(text: string): boolean {
  return (
    writtenDifferently(text) ||
    (text.includes(UNDEFINED_RECORD) && text.includes(LC1)) ||
    text.includes("__lc_escaped__") ||
    text.includes("ToolMessageChunk")
  );
}

type Serde = { _dumps: Method; _loads: Method };

export function patchSerializer(copy: CopyKind, checkpoint: CheckpointModule, fastSerde: FastSerdeModule): ReplaceResult {
  const JsonPlus = checkpoint.JsonPlusSerializer;
  const Fast = fastSerde.FastJsonPlusSerializer;
  if (typeof JsonPlus !== "function" || typeof Fast !== "function") {
    return { status: "failed", reason: "JsonPlusSerializer or FastJsonPlusSerializer is missing" };
  }
  const proto = JsonPlus.prototype as Partial<Serde>;
  const originalDumps = proto._dumps;
  const originalLoads = proto._loads;
  if (typeof originalDumps !== "function" || typeof originalLoads !== "function") {
    return { status: "failed", reason: "JsonPlusSerializer.prototype has no _dumps/_loads" };
  }
  const fast = new Fast();

  return replaceMethods({ patch: "serializer", copy, target: SERIALIZER_TARGET }, proto, {
    dumpsTyped: (original, active) =>
      async function dumpsTyped(this: Serde, obj: unknown): Promise<[string, Uint8Array]> {
        if (!active() || obj instanceof Uint8Array || this._dumps !== originalDumps) return original.call(this, obj);
        let text: string;
        try {
          text = fast.stringify(obj);
        } catch {
          return original.call(this, obj);
        }
        if (writtenDifferently(text)) return original.call(this, obj);
        return ["json", encoder.encode(text)];
      },
    loadsTyped: (original, active) =>
      async function loadsTyped(this: Serde, type: string, data: Uint8Array | string): Promise<unknown> {
        if (!active() || type !== "json" || this._loads !== originalLoads) return original.call(this, type, data);
        const text = typeof data === "string" ? data : decoder.decode(data);
        if (readDifferently(text)) return originalLoads.call(this, text);
        try {
          return await fast.parse(text);
        } catch {
          return originalLoads.call(this, text);
        }
      },
  });
}
