/**
 * Timing wrappers for a graph's checkpointer and node cache. Works with any `BaseCheckpointSaver`
 * (MemorySaver, the official SqliteSaver, @flg/checkpoint-sqlite, ...) and any LangGraph
 * `BaseCache`: the wrapper is a Proxy of the saver, so `instanceof`, `serde`, getters and every
 * other member behave as before (methods run with the saver itself as `this`, which keeps
 * `#private` fields working); only the timed methods are replaced.
 */
import type { IoOp } from "./records.js";
import { CONTEXT_KEY, isRunContext, type ProfileSession } from "./session.js";

type AnyFn = (...args: unknown[]) => unknown;

const SAVER_METHODS: ReadonlyArray<[string, IoOp]> = [
  ["getTuple", "checkpoint.getTuple"],
  ["put", "checkpoint.put"],
  ["putWrites", "checkpoint.putWrites"],
  ["getDeltaChannelHistory", "checkpoint.getDeltaChannelHistory"],
  ["deleteThread", "checkpoint.deleteThread"],
];

const CACHE_METHODS: ReadonlyArray<[string, IoOp]> = [
  ["get", "cache.get"],
  ["set", "cache.set"],
  ["clear", "cache.clear"],
];

function runOf(config: unknown) {
  const context = (config as { configurable?: Record<string, unknown> } | undefined)?.configurable?.[CONTEXT_KEY];
  return isRunContext(context) ? context.record : undefined;
}

function timed(target: Record<string, unknown>, method: string, op: IoOp, session: () => ProfileSession | undefined): AnyFn | undefined {
  const original = target[method];
  if (typeof original !== "function") return undefined;
  return function profiledIo(...args: unknown[]): unknown {
    const current = session();
    if (current === undefined || !current.recording) return (original as AnyFn).apply(target, args);
    const start = current.now();
    const run = runOf(args[0]);
    let result: unknown;
    try {
      result = (original as AnyFn).apply(target, args);
    } catch (error) {
      current.recordIo(op, start, false, run);
      throw error;
    }
    if (result !== null && typeof (result as Promise<unknown>)?.then === "function") {
      return (result as Promise<unknown>).then(
        (value) => {
          current.recordIo(op, start, true, run);
          return value;
        },
        (error: unknown) => {
          current.recordIo(op, start, false, run);
          throw error;
        },
      );
    }
    current.recordIo(op, start, true, run);
    return result;
  };
}

/** `list` is an async generator: timed from the call to the last item (or the consumer stopping). */
function timedList(target: Record<string, unknown>, session: () => ProfileSession | undefined): AnyFn | undefined {
  const original = target.list;
  if (typeof original !== "function") return undefined;
  return async function* profiledList(...args: unknown[]): AsyncGenerator<unknown> {
    const current = session();
    const iterable = (original as AnyFn).apply(target, args) as AsyncIterable<unknown>;
    if (current === undefined || !current.recording) return yield* iterable;
    const start = current.now();
    let ok = false;
    try {
      yield* iterable;
      ok = true;
    } finally {
      current.recordIo("checkpoint.list", start, ok, runOf(args[0]));
    }
  };
}

function wrap(target: unknown, methods: ReadonlyArray<[string, IoOp]>, session: () => ProfileSession | undefined, withList: boolean): object | undefined {
  if (typeof target !== "object" || target === null) return undefined;
  const source = target as Record<string, unknown>;
  const overrides = new Map<PropertyKey, AnyFn>();
  for (const [method, op] of methods) {
    const fn = timed(source, method, op, session);
    if (fn !== undefined) overrides.set(method, fn);
  }
  if (overrides.size === 0) return undefined;
  if (withList) {
    const list = timedList(source, session);
    if (list !== undefined) overrides.set("list", list);
  }
  const bound = new Map<AnyFn, AnyFn>();
  return new Proxy(source, {
    get(object, key) {
      const override = overrides.get(key);
      if (override !== undefined) return override;
      const value = Reflect.get(object, key, object);
      if (typeof value !== "function" || key === "constructor") return value;
      let fn = bound.get(value as AnyFn);
      if (fn === undefined) bound.set(value as AnyFn, (fn = (value as AnyFn).bind(object)));
      return fn;
    },
  });
}

/** A timing wrapper of a checkpointer, or undefined when `saver` is not one (`undefined`, `true`, `false`). */
export function wrapCheckpointer(saver: unknown, session: () => ProfileSession | undefined): object | undefined {
  if (typeof (saver as { getTuple?: unknown } | null)?.getTuple !== "function") return undefined;
  return wrap(saver, SAVER_METHODS, session, true);
}

/** A timing wrapper of a LangGraph node cache (`BaseCache` of @langchain/langgraph-checkpoint). */
export function wrapCache(cache: unknown, session: () => ProfileSession | undefined): object | undefined {
  const candidate = cache as { get?: unknown; set?: unknown } | null;
  if (typeof candidate?.get !== "function" || typeof candidate?.set !== "function") return undefined;
  return wrap(cache, CACHE_METHODS, session, false);
}
