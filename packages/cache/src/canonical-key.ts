import { FlgCacheError } from "./errors.js";

/**
 * Canonical, injective text of a value, for cache keys. Equal content gives equal text: object key order,
 * Map/Set insertion order and class identity beyond the constructor name do not matter; different content
 * gives different text (every kind of value has its own leading token; strings and property names are
 * length-prefixed, `"5:hello`, which needs no escaping: JSON.stringify of a 100-character string costs
 * ~10× more, bench row "cached() hit").
 *
 * - plain objects: keys sorted, properties whose value is `undefined` left out (as JSON does);
 * - LangChain messages: type, content, name, tool calls, tool_call_id, role and additional_kwargs — the
 *   fields a model sees. `id`, `response_metadata` and `usage_metadata` are left out: reducers assign random
 *   ids, so two identical conversations would otherwise never share an entry;
 * - objects with a `toJSON()` method: keyed by what it returns (so a class can say what its content is);
 * - other class instances: constructor name + own enumerable properties (private `#fields` are invisible:
 *   give such a class a `toJSON()` or pass a custom `key`);
 * - Date, Map, Set, RegExp, bigint, typed arrays, ArrayBuffer, -0, NaN, ±Infinity, `undefined` are kept apart;
 * - functions, symbols, WeakMap/WeakSet/WeakRef, promises and cycles throw `FlgCacheError` (`FLG_CACHE_KEY`)
 *   naming the argument path: a key that silently ignored them would serve one call's result to another.
 */
export function canonicalKey(value: unknown, rootName = "value"): string {
  try {
    return canon(value, []);
  } catch (err) {
    if (err instanceof KeyPathError) {
      const where = rootName + err.path;
      throw new FlgCacheError("FLG_CACHE_KEY", `cannot build a cache key: ${where} is ${err.what}; pass a custom \`key\` function or remove it from the arguments`, { where });
    }
    if (err instanceof RangeError) {
      throw new FlgCacheError("FLG_CACHE_KEY", `cannot build a cache key: ${rootName} is nested too deeply`, { where: rootName, cause: err });
    }
    throw err;
  }
}

/** Canonical text of an argument list: `[a,b,…]`. */
export function canonicalArgs(args: readonly unknown[]): string {
  try {
    return canonArray(args, []);
  } catch (err) {
    if (err instanceof KeyPathError) {
      const where = `args${err.path}`;
      throw new FlgCacheError("FLG_CACHE_KEY", `cannot build a cache key: ${where} is ${err.what}; pass a custom \`key\` function or remove it from the arguments`, { where });
    }
    if (err instanceof RangeError) {
      throw new FlgCacheError("FLG_CACHE_KEY", "cannot build a cache key: the arguments are nested too deeply", { where: "args", cause: err });
    }
    throw err;
  }
}

/** Thrown inside the walk; each level prepends its segment so the final error names the full path. */
class KeyPathError extends Error {
  path = "";
  constructor(readonly what: string) {
    super(what);
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function segment(key: string | number): string {
  if (typeof key === "number") return `[${key}]`;
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** Length-prefixed text: self-delimiting without escaping. */
function str(s: string): string {
  return `"${s.length}:${s}`;
}

/**
 * `ancestors` is the path from the root: an array, because arguments are shallow and push/pop plus a
 * short `includes` cost less than Set add/delete.
 */
function canon(value: unknown, ancestors: object[]): string {
  switch (typeof value) {
    case "string":
      return str(value);
    case "number":
      // String() already distinguishes NaN/Infinity; -0 prints as "0".
      return value === 0 && 1 / value < 0 ? "-0" : String(value);
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return "~";
    case "bigint":
      return `${value}n`;
    case "function":
      throw new KeyPathError(`a function${value.name ? ` (${value.name})` : ""}`);
    case "symbol":
      throw new KeyPathError(`a symbol (${String(value)})`);
    default:
      break;
  }
  if (value === null) return "null";
  const obj = value as object;
  if (ancestors.includes(obj)) throw new KeyPathError("a cycle (an object that contains itself)");
  ancestors.push(obj);
  try {
    return canonObject(obj, ancestors);
  } finally {
    ancestors.pop();
  }
}

function canonArray(arr: readonly unknown[], ancestors: object[]): string {
  let out = "[";
  for (let i = 0; i < arr.length; i += 1) {
    if (i > 0) out += ",";
    try {
      out += canon(arr[i], ancestors);
    } catch (err) {
      if (err instanceof KeyPathError) err.path = segment(i) + err.path;
      throw err;
    }
  }
  return `${out}]`;
}

function canonProps(obj: Record<string, unknown>, keys: string[], ancestors: object[]): string {
  keys.sort();
  let out = "{";
  let first = true;
  for (const key of keys) {
    const v = obj[key];
    if (v === undefined) continue;
    try {
      out += `${first ? "" : ","}${str(key)}${canon(v, ancestors)}`;
    } catch (err) {
      if (err instanceof KeyPathError) err.path = segment(key) + err.path;
      throw err;
    }
    first = false;
  }
  return `${out}}`;
}

function canonObject(obj: object, ancestors: object[]): string {
  if (Array.isArray(obj)) return canonArray(obj, ancestors);
  const proto = Object.getPrototypeOf(obj) as object | null;
  // A prototype whose own prototype is null is Object.prototype of some realm (vm, iframe): still plain.
  if (proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null) {
    return canonProps(obj as Record<string, unknown>, Object.keys(obj), ancestors);
  }
  if (isLangChainMessage(obj)) return canonMessage(obj, ancestors);
  if (obj instanceof Date) return `D(${obj.getTime()})`;
  if (obj instanceof Map) {
    const entries: string[] = [];
    for (const [k, v] of obj) {
      try {
        entries.push(`${canon(k, ancestors)}=>${canon(v, ancestors)}`);
      } catch (err) {
        if (err instanceof KeyPathError) err.path = `.get(${safeLabel(k)})${err.path}`;
        throw err;
      }
    }
    return `M(${entries.sort().join(",")})`;
  }
  if (obj instanceof Set) {
    const items: string[] = [];
    for (const v of obj) {
      try {
        items.push(canon(v, ancestors));
      } catch (err) {
        if (err instanceof KeyPathError) err.path = `.has(${safeLabel(v)})${err.path}`;
        throw err;
      }
    }
    return `S(${items.sort().join(",")})`;
  }
  if (ArrayBuffer.isView(obj)) {
    // Buffer is a Uint8Array: same bytes, same key.
    const name = obj instanceof Uint8Array ? "Uint8Array" : obj.constructor.name;
    return `B(${name}:${Buffer.from(obj.buffer, obj.byteOffset, obj.byteLength).toString("base64")})`;
  }
  if (obj instanceof ArrayBuffer) return `B(ArrayBuffer:${Buffer.from(obj).toString("base64")})`;
  if (obj instanceof RegExp) return `R(${str(String(obj))})`;
  if (obj instanceof Error) {
    return `E(${str(obj.name)},${str(obj.message)},${canonProps(obj as unknown as Record<string, unknown>, Object.keys(obj), ancestors)})`;
  }
  if (obj instanceof Promise) throw new KeyPathError("a Promise (await it first)");
  if (obj instanceof WeakMap || obj instanceof WeakSet || obj instanceof WeakRef) {
    throw new KeyPathError(`a ${obj.constructor.name} (its content cannot be read)`);
  }
  const name = typeof (obj as { constructor?: { name?: unknown } }).constructor?.name === "string" ? (obj.constructor.name as string) : "";
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    let json: unknown;
    try {
      json = toJSON.call(obj);
    } catch (err) {
      throw new KeyPathError(`an object whose toJSON() throws (${err instanceof Error ? err.message : String(err)})`);
    }
    if (json === obj) throw new KeyPathError("an object whose toJSON() returns itself");
    return `J(${str(name)},${canon(json, ancestors)})`;
  }
  return `C(${str(name)},${canonProps(obj as Record<string, unknown>, Object.keys(obj), ancestors)})`;
}

function safeLabel(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint" || v == null) return String(v);
  return "…";
}

interface MessageLike {
  _getType(): string;
  content: unknown;
  name?: unknown;
  additional_kwargs?: unknown;
  tool_calls?: unknown;
  tool_call_id?: unknown;
  role?: unknown;
}

/** Duck-typed so keys do not depend on which copy of @langchain/core created the message. */
export function isLangChainMessage(obj: object): obj is MessageLike {
  const m = obj as { _getType?: unknown; lc_namespace?: unknown };
  return typeof m._getType === "function" && Array.isArray(m.lc_namespace) && m.lc_namespace[1] === "messages" && "content" in obj;
}

function canonMessage(m: MessageLike, ancestors: object[]): string {
  const fields: Record<string, unknown> = {
    content: m.content,
    name: m.name,
    additional_kwargs: m.additional_kwargs,
    tool_calls: m.tool_calls,
    tool_call_id: m.tool_call_id,
    role: m.role,
  };
  // Empty containers are what a message without them carries too; leave them out so
  // `new AIMessage("x")` and `new AIMessage({ content: "x", tool_calls: [] })` share a key.
  if (Array.isArray(fields.tool_calls) && fields.tool_calls.length === 0) fields.tool_calls = undefined;
  const kw = fields.additional_kwargs;
  if (kw !== null && typeof kw === "object" && Object.keys(kw).length === 0) fields.additional_kwargs = undefined;
  return `L(${str(m._getType())},${canonProps(fields, Object.keys(fields), ancestors)})`;
}
