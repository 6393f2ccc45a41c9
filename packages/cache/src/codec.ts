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
} from "@langchain/core/messages";

import { isLangChainMessage } from "./canonical-key.js";
import { FlgCacheError } from "./errors.js";

/** Turns values into text and back, for tiers whose values leave the process. */
export interface Codec {
  encode(value: unknown): string;
  /** Throws `FlgCacheError` (`FLG_CACHE_CODEC`) on text it did not produce. */
  decode(text: string): unknown;
}

/**
 * Lossless JSON: plain JSON plus tagged `undefined`, BigInt, NaN/±Infinity/-0, Date, Map, Set, RegExp,
 * Uint8Array/Buffer/other typed arrays/ArrayBuffer, null-prototype objects and LangChain messages
 * (revived from an allow-list of message classes, never by a name found in the data). A tag is an object
 * `{"__flg": tag, "v": …}`; a plain object that has its own `__flg` key is itself tagged, so no input can
 * pass for a tag. Text starts with `j` (plain JSON, decoded by JSON.parse alone) or `t` (has tags).
 *
 * Refused with `FLG_CACHE_CODEC` (the value is then kept in-process only): functions, symbols, cycles and
 * instances of other classes (their prototype could not be restored). Shared references are written
 * once per use; symbol-keyed properties are skipped, as JSON does.
 */
export const jsonCodec: Codec = {
  encode(value: unknown): string {
    const state = { tagged: false, ancestors: new Set<object>() };
    let tree: unknown;
    try {
      tree = toTree(value, state);
    } catch (err) {
      if (err instanceof PathError) {
        const where = `value${err.path}`;
        throw new FlgCacheError("FLG_CACHE_CODEC", `cannot encode ${where}: it is ${err.what}`, { where });
      }
      if (err instanceof RangeError) throw new FlgCacheError("FLG_CACHE_CODEC", "cannot encode value: nested too deeply", { where: "value", cause: err });
      throw err;
    }
    return (state.tagged ? "t" : "j") + JSON.stringify(tree);
  },

  decode(text: string): unknown {
    if (typeof text !== "string" || text.length < 2 || (text[0] !== "j" && text[0] !== "t")) {
      throw new FlgCacheError("FLG_CACHE_CODEC", `cannot decode: not written by this codec (starts with ${JSON.stringify(String(text).slice(0, 12))})`, { where: "decode" });
    }
    let tree: unknown;
    try {
      tree = JSON.parse(text.slice(1));
    } catch (err) {
      throw new FlgCacheError("FLG_CACHE_CODEC", `cannot decode: invalid JSON (${(err as Error).message})`, { where: "decode", cause: err });
    }
    if (text[0] === "j") return tree;
    try {
      return fromTree(tree);
    } catch (err) {
      if (err instanceof FlgCacheError) throw err;
      throw new FlgCacheError("FLG_CACHE_CODEC", `cannot decode: ${(err as Error)?.message ?? String(err)}`, { where: "decode", cause: err });
    }
  },
};

const TAG = "__flg";

class PathError extends Error {
  path = "";
  constructor(readonly what: string) {
    super(what);
  }
}

interface EncodeState {
  tagged: boolean;
  ancestors: Set<object>;
}

function tag(state: EncodeState, t: string, v?: unknown): { __flg: string; v?: unknown } {
  state.tagged = true;
  return v === undefined ? { [TAG]: t } : { [TAG]: t, v };
}

const MESSAGE_CLASSES: Record<string, new (fields: never) => unknown> = {
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
} as unknown as Record<string, new (fields: never) => unknown>;

const TYPED_ARRAYS: Record<string, { new (buffer: ArrayBuffer, offset: number, length: number): ArrayBufferView; BYTES_PER_ELEMENT: number }> = {
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
};

function within<T>(segment: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PathError) err.path = segment + err.path;
    throw err;
  }
}

function toTree(value: unknown, state: EncodeState): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (Number.isFinite(value) && !(value === 0 && 1 / value < 0)) return value;
      return tag(state, "f", Number.isNaN(value) ? "NaN" : value === 0 ? "-0" : String(value));
    case "undefined":
      return tag(state, "u");
    case "bigint":
      return tag(state, "n", value.toString());
    case "function":
      throw new PathError(`a function${value.name ? ` (${value.name})` : ""}`);
    case "symbol":
      throw new PathError(`a symbol (${String(value)})`);
    default:
      break;
  }
  if (value === null) return null;
  const obj = value as object;
  if (state.ancestors.has(obj)) throw new PathError("a cycle (an object that contains itself)");
  state.ancestors.add(obj);
  try {
    return objectToTree(obj, state);
  } finally {
    state.ancestors.delete(obj);
  }
}

function entriesToTree(obj: Record<string, unknown>, state: EncodeState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj)) {
    out[key] = within(`.${key}`, () => toTree(obj[key], state));
  }
  return out;
}

function objectToTree(obj: object, state: EncodeState): unknown {
  if (Array.isArray(obj)) {
    const out = new Array<unknown>(obj.length);
    for (let i = 0; i < obj.length; i += 1) out[i] = within(`[${i}]`, () => toTree(obj[i], state));
    return out;
  }
  const proto = Object.getPrototypeOf(obj) as object | null;
  if (proto === Object.prototype || (proto !== null && Object.getPrototypeOf(proto) === null)) {
    if (Object.prototype.hasOwnProperty.call(obj, TAG) || Object.prototype.hasOwnProperty.call(obj, "__proto__")) {
      // A user object that looks like a tag (or has an own "__proto__" key, which assignment would turn
      // into a prototype): write its entries as pairs so nothing inside is read as a tag.
      return tag(
        state,
        "o",
        Object.keys(obj).map((k) => [k, within(`.${k}`, () => toTree((obj as Record<string, unknown>)[k], state))]),
      );
    }
    return entriesToTree(obj as Record<string, unknown>, state);
  }
  if (proto === null) {
    return tag(
      state,
      "N",
      Object.keys(obj).map((k) => [k, within(`.${k}`, () => toTree((obj as Record<string, unknown>)[k], state))]),
    );
  }
  if (isLangChainMessage(obj)) {
    const name = (obj.constructor as { lc_name?: () => string }).lc_name?.();
    if (name === undefined || !(name in MESSAGE_CLASSES)) throw new PathError(`a LangChain message of an unknown class (${String(name)})`);
    const data = (obj as unknown as { toDict(): { data: unknown } }).toDict().data;
    return tag(state, "lc", { c: name, d: within(".data", () => toTree(data, state)) });
  }
  if (obj instanceof Date) {
    const t = obj.getTime();
    return tag(state, "d", Number.isNaN(t) ? "NaN" : t);
  }
  if (obj instanceof Map) {
    const pairs: unknown[] = [];
    let i = 0;
    for (const [k, v] of obj) {
      pairs.push(within(`.entries()[${i}]`, () => [toTree(k, state), toTree(v, state)]));
      i += 1;
    }
    return tag(state, "m", pairs);
  }
  if (obj instanceof Set) {
    const items: unknown[] = [];
    let i = 0;
    for (const v of obj) {
      items.push(within(`.values()[${i}]`, () => toTree(v, state)));
      i += 1;
    }
    return tag(state, "s", items);
  }
  if (obj instanceof RegExp) return tag(state, "r", [obj.source, obj.flags]);
  if (ArrayBuffer.isView(obj)) {
    const b64 = Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength).toString("base64");
    if (Buffer.isBuffer(obj)) return tag(state, "B", b64);
    if (obj instanceof Uint8Array) return tag(state, "b", b64);
    const name = obj.constructor.name;
    if (!(name in TYPED_ARRAYS)) throw new PathError(`a ${name}`);
    return tag(state, "ta", [name, b64]);
  }
  if (obj instanceof ArrayBuffer) return tag(state, "ab", Buffer.from(obj).toString("base64"));
  const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? "unknown";
  throw new PathError(`an instance of ${name} (only plain data, LangChain messages and built-in collections can be stored outside the process)`);
}

function fromTree(node: unknown): unknown {
  if (node === null || typeof node !== "object") return node;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i += 1) node[i] = fromTree(node[i]);
    return node;
  }
  const obj = node as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(obj, TAG)) return fromTag(obj[TAG], obj.v);
  for (const key of Object.keys(obj)) {
    // JSON.parse makes "__proto__" an own property; assigning to it would set the prototype instead.
    if (key === "__proto__") Object.defineProperty(obj, key, { value: fromTree(obj[key]), enumerable: true, writable: true, configurable: true });
    else obj[key] = fromTree(obj[key]);
  }
  return obj;
}

function bad(what: string): FlgCacheError {
  return new FlgCacheError("FLG_CACHE_CODEC", `cannot decode: ${what}`, { where: "decode" });
}

function pairs(v: unknown, what: string): [unknown, unknown][] {
  if (!Array.isArray(v) || !v.every((p) => Array.isArray(p) && p.length === 2)) throw bad(`${what} is not a list of pairs`);
  return v as [unknown, unknown][];
}

function base64(v: unknown): Buffer {
  if (typeof v !== "string") throw bad("bytes are not base64 text");
  return Buffer.from(v, "base64");
}

function fromTag(t: unknown, v: unknown): unknown {
  switch (t) {
    case "u":
      return undefined;
    case "n":
      if (typeof v !== "string" || !/^-?\d+$/.test(v)) throw bad("bigint tag without digits");
      return BigInt(v);
    case "f":
      if (v === "NaN") return Number.NaN;
      if (v === "Infinity") return Number.POSITIVE_INFINITY;
      if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
      if (v === "-0") return -0;
      throw bad(`unknown number ${JSON.stringify(v)}`);
    case "d":
      if (v === "NaN") return new Date(Number.NaN);
      if (typeof v !== "number") throw bad("date tag without a time");
      return new Date(v);
    case "m":
      return new Map(pairs(v, "map").map(([k, x]) => [fromTree(k), fromTree(x)]));
    case "s":
      if (!Array.isArray(v)) throw bad("set tag without a list");
      return new Set(v.map(fromTree));
    case "o":
    case "N": {
      const out: Record<string, unknown> = t === "N" ? Object.create(null) : {};
      for (const [k, x] of pairs(v, "object")) {
        if (typeof k !== "string") throw bad("object key is not text");
        // defineProperty, not assignment: a key "__proto__" must stay an own property.
        Object.defineProperty(out, k, { value: fromTree(x), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case "r":
      if (!Array.isArray(v) || typeof v[0] !== "string" || typeof v[1] !== "string") throw bad("regexp tag without source and flags");
      return new RegExp(v[0], v[1]);
    case "B":
      return base64(v);
    case "b": {
      const buf = base64(v);
      return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    }
    case "ta": {
      if (!Array.isArray(v) || typeof v[0] !== "string" || !(v[0] in TYPED_ARRAYS)) throw bad("typed array of an unknown kind");
      const Ctor = TYPED_ARRAYS[v[0]];
      const buf = base64(v[1]);
      if (buf.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) throw bad("typed array bytes do not fill whole elements");
      const copy = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
      return new Ctor(copy, 0, buf.byteLength / Ctor.BYTES_PER_ELEMENT);
    }
    case "ab": {
      const buf = base64(v);
      return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    }
    case "lc": {
      const m = v as { c?: unknown; d?: unknown } | null;
      if (m === null || typeof m !== "object" || typeof m.c !== "string" || !Object.prototype.hasOwnProperty.call(MESSAGE_CLASSES, m.c)) {
        throw bad("message of an unknown class");
      }
      const data = fromTree(m.d);
      if (data === null || typeof data !== "object") throw bad("message without fields");
      try {
        return new MESSAGE_CLASSES[m.c](data as never);
      } catch (err) {
        throw new FlgCacheError("FLG_CACHE_CODEC", `cannot decode: ${m.c} refused its fields (${(err as Error).message})`, { where: "decode", cause: err });
      }
    }
    default:
      throw bad(`unknown tag ${JSON.stringify(t)}`);
  }
}
