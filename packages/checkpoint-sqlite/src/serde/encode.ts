// One synchronous pre-walk that turns a value into a tree native JSON.stringify writes in
// JsonPlusSerializer's format. Containers are copied only when something below them changes,
// so plain JSON state is handed to JSON.stringify as-is.
//
// Per value it applies what JsonPlus gets from JSON.stringify(value, replacer): first
// `toJSON()`, then the replacer `_default` (undefined, DeltaSnapshot, Set, Map, RegExp, Error,
// Send, Uint8Array). Differences, all deliberate:
// - lossless records for Date, Buffer, BigInt, NaN/±Infinity/-0 (see records.ts);
// - functions, symbols and cycles throw instead of being dropped or written as "[Circular]";
// - the allow-listed message classes are written straight from their fields (encodeMessage)
//   instead of through Serializable.toJSON(), with the same bytes.
// Class instances we do not know are written like JSON.stringify does: toJSON() if they have
// one, else their own enumerable properties (and come back as plain objects, as with JsonPlus).
import { DeltaSnapshot } from "@langchain/langgraph-checkpoint";
import { SerializationError } from "./errors.js";
import { messageInfoForPrototype, type MessageClassInfo } from "./message-classes.js";
import { indexSegment, joinPath, keySegment, PathFailure } from "./path.js";
import { defineOwn } from "./set-own.js";
import {
  UNDEFINED_RECORD,
  bigintRecord,
  bufferRecord,
  constructorRecord,
  dateRecord,
  deltaSnapshotRecord,
  specialNumberRecord,
  uint8ArrayRecord,
} from "./records.js";

type Obj = Record<string, unknown>;

/** JSON.stringify + JsonPlus replacer semantics. */
const RAW = 0;
/**
 * Inside the kwargs of a message we write ourselves: Serializable.toJSON() also runs
 * escapeIfNeeded there, which wraps objects holding an `lc` key as `{__lc_escaped__: ...}`
 * (load() unwraps them) and flattens class instances to their own properties.
 */
const KWARGS = 1;
type Mode = typeof RAW | typeof KWARGS;

/**
 * Cycle checks cost a Set add/delete per object, so the first pass skips them; a value nested
 * deeper than this is either a cycle or unusually deep, and the walk restarts with checks on.
 */
const UNCHECKED_DEPTH = 200;
/**
 * Deeper values are refused rather than overflowing the stack: the checked walk uses ~4 frames
 * per level and ran out between 1,200 and 1,500 levels under vitest on Node 20. Map entries
 * count 3 levels (record, args, entry), as they nest in the JSON.
 */
const MAX_DEPTH = 1000;

const RESTART = Symbol("restart with cycle checks");
const NOT_BUILTIN = Symbol("not a built-in");
const ESCAPE_KEY = "__lc_escaped__";

let ancestors: Set<object> | null = null;
/**
 * Plain objects are walked with for...in, which allocates nothing (V8's enum cache) where
 * Object.keys() allocates an array per object; measured ~25% of the walk on 4,204 messages.
 * for...in also lists enumerable properties of Object.prototype, so if anything has added
 * one we fall back to Object.keys() for that call.
 */
let prototypeIsClean = true;

function objectPrototypeIsClean(): boolean {
  for (const _ in Object.prototype) return false;
  return true;
}

/** The tree JSON.stringify turns into our format. Throws SerializationError on bad input. */
export function encodeForJson(value: unknown): unknown {
  // Saved and restored because a user toJSON() may call the serializer again.
  const saved = ancestors;
  const savedClean = prototypeIsClean;
  try {
    ancestors = null;
    prototypeIsClean = objectPrototypeIsClean();
    try {
      return encode(value, "", 0, RAW, true);
    } catch (err) {
      if (err !== RESTART) throw err;
    }
    ancestors = new Set();
    return encode(value, "", 0, RAW, true);
  } catch (err) {
    if (err instanceof PathFailure) {
      throw new SerializationError(err.reason, joinPath(err.segments), { cause: err.cause });
    }
    // Backstop for a caller already deep in the stack: the limit above did not leave enough room.
    if (err instanceof RangeError) {
      throw new SerializationError(`Value nested too deeply (${err.message})`, "$", { cause: err });
    }
    throw err;
  } finally {
    ancestors = saved;
    prototypeIsClean = savedClean;
  }
}

function encode(v: unknown, key: string | number, depth: number, mode: Mode, allowToJSON: boolean): unknown {
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "number":
      // NaN and ±Infinity fail the first test, -0 the second.
      return v - v === 0 && (v !== 0 || 1 / v > 0) ? v : specialNumberRecord(v);
    case "undefined":
      return UNDEFINED_RECORD;
    case "bigint":
      return bigintRecord(v);
    case "function":
      throw new PathFailure(
        `Cannot serialize a function${v.name ? ` (${v.name})` : ""}; JsonPlusSerializer would silently drop it`,
      );
    case "symbol":
      throw new PathFailure(`Cannot serialize a symbol (${String(v)}); JsonPlusSerializer would silently drop it`);
    default:
      return v === null ? null : encodeObject(v as object, key, depth, mode, allowToJSON);
  }
}

function encodeObject(o: object, key: string | number, depth: number, mode: Mode, allowToJSON: boolean): unknown {
  if (depth > UNCHECKED_DEPTH) {
    if (ancestors === null) throw RESTART;
    if (depth > MAX_DEPTH) throw new PathFailure(`Value nested deeper than ${MAX_DEPTH} levels`);
  }
  if (ancestors === null) {
    return mode === RAW ? encodeRaw(o, key, depth, allowToJSON) : encodeKwargs(o, key, depth);
  }
  if (ancestors.has(o)) throw new PathFailure("Circular reference (the value contains itself)");
  ancestors.add(o);
  try {
    return mode === RAW ? encodeRaw(o, key, depth, allowToJSON) : encodeKwargs(o, key, depth);
  } finally {
    ancestors.delete(o);
  }
}

function isPlain(o: object): boolean {
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

function encodeRaw(o: object, key: string | number, depth: number, allowToJSON: boolean): unknown {
  if (Array.isArray(o)) return encodeArray(o, depth, RAW);
  const p = o as Obj;
  const proto = Object.getPrototypeOf(p);
  if (proto === Object.prototype || proto === null) {
    if (hasReservedKey(p)) {
      if (allowToJSON && typeof p.toJSON === "function") return callToJSON(p, key, depth);
      if (p.lg_name === "Send") return encodeSend(p, depth, RAW);
    }
    return encodePlain(p, depth, RAW);
  }
  const info = messageInfoForPrototype(proto);
  if (info !== undefined && p.lc_serializable === true && isObject(p.lc_kwargs) && isPlain(p.lc_kwargs)) {
    // A plain lc_kwargs is what Serializable.toJSON() needs to not bail out to "not_implemented".
    return encodeMessage(p, info, depth);
  }
  // Before toJSON(): Date.toJSON() and Buffer.toJSON() lose the type.
  if (p instanceof Date) return dateRecord(p);
  if (Buffer.isBuffer(p)) return bufferRecord(p);
  if (allowToJSON && typeof p.toJSON === "function") return callToJSON(p, key, depth);
  const builtin = encodeBuiltin(p, depth, RAW);
  if (builtin !== NOT_BUILTIN) return builtin;
  if (p.lg_name === "Send") return encodeSend(p, depth, RAW);
  // Copied, not passed through: JSON.stringify would read getters a second time.
  return encodeProps(p, Object.keys(p), depth, RAW, true);
}

function encodeKwargs(o: object, key: string | number, depth: number): unknown {
  if (Array.isArray(o)) return encodeArray(o, depth, KWARGS);
  const p = o as Obj;
  if (isPlain(p)) {
    if (hasReservedKey(p)) {
      // escapeIfNeeded leaves Serializable-like values to their own toJSON().
      if ("lc_serializable" in p && typeof p.toJSON === "function") return encodeRaw(p, key, depth, true);
      if ("lc" in p || (ESCAPE_KEY in p && Object.keys(p).length === 1)) {
        return { [ESCAPE_KEY]: encodeRaw(p, key, depth, true) };
      }
      if (typeof p.toJSON === "function") return callToJSON(p, key, depth);
      if (p.lg_name === "Send") return encodeSend(p, depth, KWARGS);
    }
    return encodePlain(p, depth, KWARGS);
  }
  if ("lc_serializable" in p && typeof p.toJSON === "function") return encodeRaw(p, key, depth, true);
  if ("lc" in p) return { [ESCAPE_KEY]: encodeRaw(p, key, depth, true) };
  // escapeIfNeeded flattens these to {} (or index keys); we keep them.
  if (p instanceof Date) return dateRecord(p);
  if (Buffer.isBuffer(p)) return bufferRecord(p);
  const builtin = encodeBuiltin(p, depth, KWARGS);
  if (builtin !== NOT_BUILTIN) return builtin;
  const keys = Object.keys(p);
  if (keys.length === 1 && keys[0] === ESCAPE_KEY) return { [ESCAPE_KEY]: encodeRaw(p, key, depth, true) };
  if (Object.hasOwn(p, "lg_name") && p.lg_name === "Send") return encodeSend(p, depth, KWARGS);
  // Flattened like escapeIfNeeded does: own enumerable properties, prototype toJSON() ignored.
  return encodeProps(p, keys, depth, KWARGS, true);
}

/**
 * For plain objects the own keys decide everything (toJSON, Send, `lc` escaping); one scan of
 * short strings is cheaper than four property probes per object.
 */
function hasReservedKey(p: Obj): boolean {
  if (!prototypeIsClean) return ["lc", "toJSON", "lg_name", ESCAPE_KEY].some((k) => Object.hasOwn(p, k));
  for (const k in p) {
    if (k === "lc" || k === "toJSON" || k === "lg_name" || k === ESCAPE_KEY) return true;
  }
  return false;
}

function isObject(v: unknown): v is Obj {
  return typeof v === "object" && v !== null;
}

/**
 * What Serializable.toJSON() returns for a message, without its per-call prototype walks,
 * deep escape copy and regex key mapping: kwargs are the lc_kwargs keys, each value read from
 * the instance when it has that property, keys mapped through lc_aliases / snakeCase. When no
 * key is renamed and no value changes (the usual case), lc_kwargs itself is the kwargs.
 */
function encodeMessage(m: Obj, info: MessageClassInfo, depth: number): Obj {
  const lcKwargs = m.lc_kwargs as Obj;
  if (!prototypeIsClean) return encodeMessageKeys(m, info, depth, lcKwargs);
  let kwargs: Obj | null = null;
  let k = "";
  let position = 0;
  try {
    for (k in lcKwargs) {
      const stored = lcKwargs[k];
      // `k in m ? m[k] : stored`, with the `in` probe only when the read comes back undefined.
      let v = m[k];
      if (v === undefined && !(k in m)) v = stored;
      const e = typeof v === "string" ? v : encode(v, k, depth + 2, KWARGS, true);
      const outKey = info.writeKeyAt(k, position++);
      if (kwargs === null) {
        if (e === stored && outKey === k) continue;
        kwargs = copyUntil(lcKwargs, k);
      }
      if (outKey !== "__proto__") kwargs[outKey] = e;
      else defineOwn(kwargs, outKey, e);
    }
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(keySegment(info.writeKey(k)), ".kwargs");
    throw err;
  }
  return { lc: 1, type: "constructor", id: info.id, kwargs: kwargs ?? lcKwargs };
}

/** encodeMessage when Object.prototype is polluted (see prototypeIsClean): always copies. */
function encodeMessageKeys(m: Obj, info: MessageClassInfo, depth: number, lcKwargs: Obj): Obj {
  const keys = Object.keys(lcKwargs);
  const kwargs: Obj = {};
  let i = 0;
  try {
    for (; i < keys.length; i++) {
      const k = keys[i];
      const v = k in m ? m[k] : lcKwargs[k];
      const outKey = info.writeKey(k);
      const e = typeof v === "string" ? v : encode(v, k, depth + 2, KWARGS, true);
      if (outKey !== "__proto__") kwargs[outKey] = e;
      else defineOwn(kwargs, outKey, e);
    }
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(keySegment(info.writeKey(keys[i])), ".kwargs");
    throw err;
  }
  return { lc: 1, type: "constructor", id: info.id, kwargs };
}

function callToJSON(o: Obj, key: string | number, depth: number): unknown {
  let result: unknown;
  try {
    result = (o.toJSON as (key: string) => unknown).call(o, typeof key === "number" ? String(key) : key);
  } catch (err) {
    throw new PathFailure(`toJSON() threw: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  // JSON.stringify does not call toJSON() again on what toJSON() returned.
  if (result === o) return encodeRaw(o, key, depth, false);
  return encode(result, key, depth, RAW, false);
}

/** Built-ins JsonPlus turns into records, plus boxed primitives; NOT_BUILTIN otherwise. */
function encodeBuiltin(p: Obj, depth: number, mode: Mode): unknown {
  // lg_name catches a DeltaSnapshot from a second copy of langgraph-checkpoint.
  if (p instanceof DeltaSnapshot || p.lg_name === "DeltaSnapshot") {
    return deltaSnapshotRecord(encodeChild(p.value, "value", depth, mode));
  }
  if (p instanceof Map) return encodeMap(p, depth, mode);
  if (p instanceof Set) return encodeSet(p, depth, mode);
  if (p instanceof RegExp) return constructorRecord("RegExp", null, [p.source, p.flags]);
  if (p instanceof Error) return constructorRecord("Error", null, [encodeChild(p.message, "message", depth, mode)]);
  if (p instanceof Uint8Array) return uint8ArrayRecord(p);
  if (p instanceof Number || p instanceof String || p instanceof Boolean || p instanceof BigInt) {
    return encode(p.valueOf(), "", depth, mode, false);
  }
  return NOT_BUILTIN;
}

function encodeChild(v: unknown, name: string, depth: number, mode: Mode): unknown {
  try {
    return encode(v, name, depth + 1, mode, true);
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(keySegment(name));
    throw err;
  }
}

/** JsonPlus writes a Send (after its toJSON()) as a plain `{node, args, timeout?}`. */
function encodeSend(p: Obj, depth: number, mode: Mode): Obj {
  const out: Obj = { node: encodeChild(p.node, "node", depth, mode), args: encodeChild(p.args, "args", depth, mode) };
  if (p.timeout !== undefined) out.timeout = encodeChild(p.timeout, "timeout", depth, mode);
  return out;
}

// Map and Set paths name the entry by insertion order: `$.m[#2].value`.
function encodeMap(m: Map<unknown, unknown>, depth: number, mode: Mode): unknown {
  const entries: unknown[] = [];
  let inValue = false;
  try {
    for (const [k, v] of m) {
      inValue = false;
      const ek = encode(k, "0", depth + 3, mode, true);
      inValue = true;
      entries.push([ek, encode(v, "1", depth + 3, mode, true)]);
    }
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(`[#${entries.length}].${inValue ? "value" : "key"}`);
    throw err;
  }
  return constructorRecord("Map", null, [entries]);
}

function encodeSet(s: Set<unknown>, depth: number, mode: Mode): unknown {
  const items: unknown[] = [];
  try {
    for (const v of s) items.push(encode(v, items.length, depth + 2, mode, true));
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(`[#${items.length}]`);
    throw err;
  }
  return constructorRecord("Set", null, [items]);
}

function encodeArray(a: readonly unknown[], depth: number, mode: Mode): unknown {
  const n = a.length;
  let out: unknown[] | null = null;
  let i = 0;
  try {
    for (; i < n; i++) {
      const v = a[i];
      const e = typeof v === "string" || typeof v === "boolean" ? v : encode(v, i, depth + 1, mode, true);
      if (out !== null) out.push(e);
      else if (e !== v) {
        // Everything before i was unchanged (a hole would have changed), so slice has no holes.
        out = a.slice(0, i);
        out.push(e);
      }
    }
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(indexSegment(i));
    throw err;
  }
  return out ?? a;
}

/** A plain object, copied only if a value changes (see prototypeIsClean for for...in). */
function encodePlain(o: Obj, depth: number, mode: Mode): Obj {
  if (!prototypeIsClean) return encodeProps(o, Object.keys(o), depth, mode, false);
  let out: Obj | null = null;
  let k = "";
  try {
    for (k in o) {
      const v = o[k];
      const e = typeof v === "string" || typeof v === "boolean" ? v : encode(v, k, depth + 1, mode, true);
      if (out === null) {
        if (e === v) continue;
        out = copyUntil(o, k);
      }
      if (k !== "__proto__") out[k] = e;
      else defineOwn(out, k, e);
    }
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(keySegment(k));
    throw err;
  }
  return out ?? o;
}

/** A new object with the properties of `o` before key `stop` (those values were unchanged). */
function copyUntil(o: Obj, stop: string): Obj {
  const out: Obj = {};
  for (const k in o) {
    if (k === stop) break;
    if (k !== "__proto__") out[k] = o[k];
    else defineOwn(out, k, o[k]);
  }
  return out;
}

/** Own enumerable properties by Object.keys(); used for class instances and as the fallback. */
function encodeProps(o: Obj, keys: readonly string[], depth: number, mode: Mode, forceCopy: boolean): Obj {
  let out: Obj | null = forceCopy ? {} : null;
  let i = 0;
  try {
    for (; i < keys.length; i++) {
      const k = keys[i];
      const v = o[k];
      const e = typeof v === "string" || typeof v === "boolean" ? v : encode(v, k, depth + 1, mode, true);
      if (out === null) {
        if (e === v) continue;
        out = {};
        for (let j = 0; j < i; j++) {
          const kj = keys[j];
          if (kj !== "__proto__") out[kj] = o[kj];
          else defineOwn(out, kj, o[kj]);
        }
      }
      if (k !== "__proto__") out[k] = e;
      else defineOwn(out, k, e);
    }
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(keySegment(keys[i]));
    throw err;
  }
  return out ?? o;
}
