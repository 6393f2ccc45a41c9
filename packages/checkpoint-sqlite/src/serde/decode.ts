// The synchronous revive walk over JSON.parse output, and the async fallback for lc:1
// objects that only LangChain's load() may construct.
//
// Which objects are revived follows JsonPlusSerializer's reviver exactly (same predicates,
// checked on every object, so a user object shaped like a record is read the way JsonPlus
// reads it). The walk is pure: containers are copied only where a child changed, which lets
// the async path re-walk the same parsed tree.
import { load } from "@langchain/core/load";
import { DeltaSnapshot } from "@langchain/langgraph-checkpoint";
import { AsyncLoadRequiredError, DeserializationError } from "./errors.js";
import { messageInfoForId, type MessageClassInfo } from "./message-classes.js";
import { indexSegment, joinPath, keySegment, PathFailure } from "./path.js";
import { NOT_REVIVED, reviveConstructorRecord } from "./records.js";
import { defineOwn } from "./set-own.js";

type Obj = Record<string, unknown>;

/** Outside any message kwargs: what JsonPlus's reviver sees. */
const RAW = 0;
/** Inside the kwargs of a message we construct: load() unwraps `{__lc_escaped__: x}` here. */
const KWARGS = 1;
/** Inside an object handed to load(): escapes stay, load() unwraps them itself. */
const KEEP_ESCAPED = 2;
type Mode = typeof RAW | typeof KWARGS | typeof KEEP_ESCAPED;

const ESCAPE_KEY = "__lc_escaped__";
/** Above the writer's limit (1,000 counted levels, see encode.ts) so what we write reads back. */
const MAX_DEPTH = 1200;

interface Context {
  /** lc:1 objects already turned into instances by load(). */
  readonly resolved: Map<object, unknown> | null;
  /** When set, unresolved lc:1 objects are collected here instead of throwing. */
  readonly pending: object[] | null;
}

const SYNC: Context = { resolved: null, pending: null };

class NeedsAsyncLoad extends PathFailure {
  constructor(readonly id: readonly unknown[]) {
    super("needs load()");
  }
}

function toPublicError(err: unknown): unknown {
  if (err instanceof NeedsAsyncLoad) return new AsyncLoadRequiredError(joinPath(err.segments), err.id);
  if (err instanceof PathFailure) {
    return new DeserializationError(err.reason, { path: joinPath(err.segments), cause: err.cause });
  }
  if (err instanceof RangeError) {
    return new DeserializationError(`Stored value nested too deeply (${err.message})`, { cause: err });
  }
  return err;
}

/** Revive without awaiting; throws AsyncLoadRequiredError if some value needs load(). */
export function reviveSync(root: unknown): unknown {
  try {
    return revive(root, 0, RAW, SYNC);
  } catch (err) {
    throw toPublicError(err);
  }
}

/** Revive, resolving lc:1 objects outside our message allow-list through LangChain's load(). */
export async function reviveAsync(root: unknown): Promise<unknown> {
  const resolved = new Map<object, unknown>();
  try {
    for (;;) {
      const pending: object[] = [];
      const result = revive(root, 0, RAW, { resolved, pending });
      if (pending.length === 0) return result;
      for (const node of pending) await resolveWithLoad(node, resolved);
    }
  } catch (err) {
    throw toPublicError(err);
  }
}

/**
 * As JsonPlus does: revive the object's children first, then `load(JSON.stringify(children))`.
 * Nested lc:1 objects are resolved innermost first.
 */
async function resolveWithLoad(node: object, resolved: Map<object, unknown>): Promise<void> {
  if (resolved.has(node)) return;
  for (;;) {
    const pending: object[] = [];
    const children = reviveProps(node as Obj, 0, KEEP_ESCAPED, { resolved, pending });
    if (pending.length === 0) {
      resolved.set(node, await loadWithLangChain(children));
      return;
    }
    for (const inner of pending) await resolveWithLoad(inner, resolved);
  }
}

async function loadWithLangChain(serialized: Obj): Promise<unknown> {
  const id = JSON.stringify(serialized.id);
  let text: string;
  try {
    text = JSON.stringify(serialized);
  } catch (err) {
    throw new DeserializationError(`Cannot hand lc:1 object ${id} to LangChain load()`, { cause: err });
  }
  try {
    return await load(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DeserializationError(`LangChain load() refused lc:1 object ${id}: ${reason}`, { cause: err });
  }
}

function revive(v: unknown, depth: number, mode: Mode, ctx: Context): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (depth > MAX_DEPTH) throw new PathFailure(`Value nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(v)) return reviveArray(v, depth, mode, ctx);
  return reviveObject(v as Obj, depth, mode, ctx);
}

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function reviveObject(o: Obj, depth: number, mode: Mode, ctx: Context): unknown {
  if (mode !== RAW && ESCAPE_KEY in o && Object.keys(o).length === 1) return reviveEscaped(o, depth, mode, ctx);
  const lc = o.lc;
  if (lc === 2) {
    const type = o.type;
    if (type === "undefined") return undefined;
    if (type === "delta_snapshot" && Object.hasOwn(o, "value")) {
      return new DeltaSnapshot(reviveChild(o.value, "value", depth, mode, ctx));
    }
    if (type === "constructor") {
      const record = reviveProps(o, depth, mode, ctx);
      const value = reviveConstructorRecord(record);
      return value === NOT_REVIVED ? record : value;
    }
  } else if (lc === 1 && o.type === "constructor" && Array.isArray(o.id)) {
    return reviveLangChain(o, o.id, depth, mode, ctx);
  }
  return reviveProps(o, depth, mode, ctx);
}

/**
 * The wrapped object is user data: its own shape is never taken for a record or an lc:1
 * object (JsonPlus's bottom-up reviver does, and loses data there), only its children are
 * revived, as written: outside kwargs rules.
 */
function reviveEscaped(o: Obj, depth: number, mode: Mode, ctx: Context): unknown {
  const inner = o[ESCAPE_KEY];
  let revived: unknown;
  try {
    revived = isObj(inner) ? reviveProps(inner, depth + 1, RAW, ctx) : revive(inner, depth + 1, RAW, ctx);
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(keySegment(ESCAPE_KEY));
    throw err;
  }
  if (mode === KWARGS) return revived;
  return revived === inner ? o : { [ESCAPE_KEY]: revived };
}

function reviveLangChain(o: Obj, id: readonly unknown[], depth: number, mode: Mode, ctx: Context): unknown {
  if (ctx.resolved !== null && ctx.resolved.has(o)) return ctx.resolved.get(o);
  const kwargs = o.kwargs;
  const info = messageInfoForId(id);
  // load() treats an lc:1 object without kwargs as plain data; leave that case to it too.
  if (info !== undefined && isObj(kwargs)) {
    const pendingBefore = ctx.pending?.length ?? 0;
    let fields: Obj;
    try {
      fields = reviveProps(kwargs, depth + 1, KWARGS, ctx);
    } catch (err) {
      if (err instanceof PathFailure) err.segments.push(".kwargs");
      throw err;
    }
    // A placeholder is inside; this walk is thrown away once load() has run.
    if (ctx.pending !== null && ctx.pending.length > pendingBefore) return undefined;
    return constructMessage(info, fields);
  }
  // load() looks the last id segment up on a plain module object, so "constructor" resolves to
  // Object (and builds whatever kwargs say). Harmless today, but not a class name: refuse it.
  const name = id[id.length - 1];
  if (!id.every((part) => typeof part === "string") || (name as string) in Object.prototype) {
    throw new PathFailure(`Refusing lc:1 object with id ${JSON.stringify(id)}: not a class name`);
  }
  if (ctx.pending !== null) {
    ctx.pending.push(o);
    return undefined;
  }
  throw new NeedsAsyncLoad(id);
}

/** What load() does for these classes: constructor fields named by keyFromJson. */
function constructMessage(info: MessageClassInfo, kwargs: Obj): unknown {
  const fields: Obj = {};
  for (const k of Object.keys(kwargs)) {
    const field = info.readKey(k);
    if (field !== "__proto__") fields[field] = kwargs[k];
    else defineOwn(fields, field, kwargs[k]);
  }
  try {
    return new (info.cls as new (fields: Obj) => object)(fields);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new PathFailure(`Cannot construct ${info.name}: ${reason}`, err);
  }
}

function reviveChild(v: unknown, name: string, depth: number, mode: Mode, ctx: Context): unknown {
  try {
    return revive(v, depth + 1, mode, ctx);
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(keySegment(name));
    throw err;
  }
}

function reviveArray(a: readonly unknown[], depth: number, mode: Mode, ctx: Context): unknown[] {
  let out: unknown[] | null = null;
  let i = 0;
  try {
    for (; i < a.length; i++) {
      const v = a[i];
      const r = typeof v !== "object" || v === null ? v : revive(v, depth + 1, mode, ctx);
      if (out !== null) out.push(r);
      else if (r !== v) {
        out = a.slice(0, i);
        out.push(r);
      }
    }
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(indexSegment(i));
    throw err;
  }
  return out ?? (a as unknown[]);
}

function reviveProps(o: Obj, depth: number, mode: Mode, ctx: Context): Obj {
  const keys = Object.keys(o);
  let out: Obj | null = null;
  let i = 0;
  try {
    for (; i < keys.length; i++) {
      const k = keys[i];
      const v = o[k];
      const r = typeof v !== "object" || v === null ? v : revive(v, depth + 1, mode, ctx);
      if (out === null) {
        if (r === v) continue;
        out = {};
        for (let j = 0; j < i; j++) {
          const kj = keys[j];
          if (kj !== "__proto__") out[kj] = o[kj];
          else defineOwn(out, kj, o[kj]);
        }
      }
      if (k !== "__proto__") out[k] = r;
      else defineOwn(out, k, r);
    }
  } catch (err) {
    if (err instanceof PathFailure) err.segments.push(keySegment(keys[i]));
    throw err;
  }
  return out ?? o;
}
