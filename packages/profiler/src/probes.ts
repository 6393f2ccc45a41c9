/**
 * The probes: two methods of LangGraph's own classes, patched on their prototypes while at least
 * one profiler is active and restored when the last one detaches.
 *
 * - `Pregel.prototype._streamIterator`, the generator behind `invoke`, `stream` and
 *   `streamEvents` of every compiled graph: opens a run record and puts its context in
 *   `config.configurable`, where LangGraph passes it on to every task and subgraph.
 * - `PregelNode.prototype.getNode`, called once per task to get what the task runs: the returned
 *   runnable is wrapped so each attempt (retries call `invoke` again) is timed with the task
 *   metadata LangGraph attached (`langgraph_node`, `langgraph_step`, `langgraph_checkpoint_ns`).
 *
 * Why not LangChain callbacks: any callback handler makes @langchain/core build a run tree per
 * runnable; on the 1000-step loop of packages/bench/src/profiler-overhead.ts a handler that does
 * nothing costs +25 %, these probes well under 5 %. `ProfilerCallbackHandler` remains for graphs
 * you cannot reach (it records the same structure from callbacks, at that cost).
 */
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";

import { wrapCache, wrapCheckpointer } from "./io-probes.js";
import { CONTEXT_KEY, isRunContext, type ProfileSession, type RunContext, type TaskMetadata } from "./session.js";

/** The config shape the probes read; LangGraph's RunnableConfig is wider. */
export interface ConfigLike {
  configurable?: Record<string, unknown>;
  metadata?: TaskMetadata & Record<string, unknown>;
  [key: string]: unknown;
}

interface Invokable {
  invoke(input: unknown, config?: ConfigLike): Promise<unknown>;
  getName?(): string;
}

interface NodeLike {
  getNode(): Invokable | undefined;
}

/** What the probes need of a compiled graph (`Pregel`, `CompiledStateGraph`, `entrypoint`). */
export interface GraphLike {
  _streamIterator(input: unknown, options?: ConfigLike): AsyncGenerator<unknown>;
  nodes: Record<string, NodeLike>;
  getName(): string;
  withConfig?(config: unknown): unknown;
  config?: ConfigLike;
  checkpointer?: unknown;
  cache?: unknown;
}

export function isGraphLike(value: unknown): value is GraphLike {
  const graph = value as Partial<GraphLike> | null;
  return (
    typeof graph === "object" &&
    graph !== null &&
    typeof graph._streamIterator === "function" &&
    typeof graph.getName === "function" &&
    typeof graph.nodes === "object" &&
    graph.nodes !== null
  );
}

/** Marks probe functions and keeps the method they replace. */
const ORIGINAL = Symbol.for("@flg/profiler/original");

/**
 * State shared by every copy of this module in the process (the ESM and CJS builds, or two
 * installed versions), so the prototypes are patched once and restored once.
 */
interface SharedState {
  /** Profiled graphs and the session each records into. */
  graphs: WeakMap<object, ProfileSession>;
  /** Records every run of every graph (set by `@flg/profiler/register`). */
  global?: ProfileSession;
  /** Prototype patches and how many profilers hold each. */
  patches: Map<object, Map<string, { holders: number; restore: () => void }>>;
}

const SHARED_KEY = Symbol.for("@flg/profiler/state");
const shared: SharedState = ((globalThis as Record<symbol, unknown>)[SHARED_KEY] as SharedState | undefined) ??
  ((globalThis as Record<symbol, unknown>)[SHARED_KEY] = { graphs: new WeakMap(), patches: new Map() } as SharedState);

/** The session a root run of `graph` records into, if any. */
function rootSessionOf(graph: object): ProfileSession | undefined {
  return shared.graphs.get(graph) ?? shared.global;
}

/** The run context of the caller: from the explicit config, else the one LangChain keeps in async local storage. */
function contextOf(options: ConfigLike | undefined): RunContext | undefined {
  const direct = options?.configurable?.[CONTEXT_KEY];
  if (isRunContext(direct)) return direct;
  const ambient = (AsyncLocalStorageProviderSingleton.getRunnableConfig() as ConfigLike | undefined)?.configurable?.[CONTEXT_KEY];
  return isRunContext(ambient) ? ambient : undefined;
}

function makeStreamIteratorProbe(original: GraphLike["_streamIterator"]): GraphLike["_streamIterator"] {
  async function* profiledStreamIterator(this: GraphLike, input: unknown, options?: ConfigLike): AsyncGenerator<unknown> {
    const parent = contextOf(options);
    const session = parent?.session ?? rootSessionOf(this);
    if (session === undefined || !session.recording) return yield* original.call(this, input, options);
    if (shared.global === session) adoptGlobally(this);

    const ambient = parent === undefined ? undefined : (AsyncLocalStorageProviderSingleton.getRunnableConfig() as ConfigLike | undefined);
    // A root run is named as LangGraph names it (runName, else the graph's name).
    const name = parent === undefined ? String(options?.runName ?? this.config?.runName ?? this.getName()) : this.getName();
    const run = session.startRun(name, parent, { ...ambient?.configurable, ...options?.configurable });
    const patched: ConfigLike = { ...options, configurable: { ...options?.configurable, [CONTEXT_KEY]: run } };
    let settled = false;
    try {
      // yield*, not for-await + yield: an async generator awaits every value it yields itself,
      // ~10 µs per chunk in an A/B on the bench loop; yield* passes results through.
      yield* original.call(this, input, patched);
      settled = true;
      run.finish();
    } catch (error) {
      settled = true;
      run.finish(error);
      throw error;
    } finally {
      // The consumer stopped iterating (break, return()) before the graph finished.
      if (!settled) run.finish(undefined, true);
    }
  }
  return Object.assign(profiledStreamIterator, { [ORIGINAL]: original });
}

/**
 * Wraps what a task runs so every attempt is timed; one wrapper per task (`getNode` runs once per
 * task). A Proxy rather than `Object.create(inner)`: making each task's runnable the prototype of
 * another object turns it into a V8 prototype map and slows LangChain's property accesses on it
 * (34 µs per step in an A/B on the bench loop; see docs/profiler.md).
 */
function probeTask(inner: Invokable): Invokable {
  let attempt = 0;
  async function invoke(input: unknown, config?: ConfigLike): Promise<unknown> {
    const context = config?.configurable?.[CONTEXT_KEY];
    if (!isRunContext(context)) return inner.invoke(input, config);
    attempt += 1;
    const task = context.startTask(config?.metadata, inner, attempt);
    try {
      const output = await inner.invoke(input, config);
      context.endTask(task);
      return output;
    } catch (error) {
      context.endTask(task, error ?? new Error(String(error)));
      throw error;
    }
  }
  return new Proxy(inner, { get: (target, key, receiver) => (key === "invoke" ? invoke : Reflect.get(target, key, receiver)) });
}

function makeGetNodeProbe(original: NodeLike["getNode"]): NodeLike["getNode"] {
  function profiledGetNode(this: NodeLike): Invokable | undefined {
    const inner = original.call(this);
    return inner === undefined ? inner : probeTask(inner);
  }
  return Object.assign(profiledGetNode, { [ORIGINAL]: original });
}

/** The object on `value`'s prototype chain that defines `key` itself. */
function ownerOf(value: object, key: string): object | undefined {
  for (let proto = Object.getPrototypeOf(value); proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    if (Object.prototype.hasOwnProperty.call(proto, key)) return proto;
  }
  return undefined;
}

/** Patches `owner[key]` unless already patched; returns the release function. */
function holdPatch(owner: object, key: string, makeProbe: (original: never) => unknown): () => void {
  let byKey = shared.patches.get(owner);
  if (byKey === undefined) shared.patches.set(owner, (byKey = new Map()));
  let entry = byKey.get(key);
  if (entry === undefined) {
    const target = owner as Record<string, unknown>;
    const original = target[key] as { [ORIGINAL]?: unknown };
    if (original[ORIGINAL] !== undefined) {
      // Patched by a copy of this module that is gone from `shared` (cannot happen while state is shared): keep it.
      entry = { holders: 0, restore: () => undefined };
    } else {
      target[key] = makeProbe(original as never);
      entry = { holders: 0, restore: () => void (target[key] = original) };
    }
    byKey.set(key, entry);
  }
  entry.holders += 1;
  let released = false;
  const held = entry;
  return () => {
    if (released) return;
    released = true;
    held.holders -= 1;
    if (held.holders === 0) {
      held.restore();
      byKey.delete(key);
      if (byKey.size === 0) shared.patches.delete(owner);
    }
  };
}

/**
 * Installs the prototype probes for the LangGraph classes `graph` is made of (its copy of
 * @langchain/langgraph: ESM and CJS builds have separate classes). Returns the release function.
 */
export function holdProbes(graph: GraphLike): () => void {
  const releases: Array<() => void> = [];
  const graphOwner = ownerOf(graph, "_streamIterator");
  if (graphOwner !== undefined) releases.push(holdPatch(graphOwner, "_streamIterator", makeStreamIteratorProbe));
  let nodesProbed = false;
  for (const node of Object.values(graph.nodes)) {
    const nodeOwner = typeof node?.getNode === "function" ? ownerOf(node, "getNode") : undefined;
    if (nodeOwner !== undefined) {
      releases.push(holdPatch(nodeOwner, "getNode", makeGetNodeProbe));
      nodesProbed = true;
      break;
    }
  }
  if (!nodesProbed && Object.keys(graph.nodes).length > 0) {
    // Written against @langchain/langgraph 1.7 (PregelNode.prototype.getNode); a later release may rename it.
    process.emitWarning("@flg/profiler: this LangGraph version has no PregelNode.getNode; runs are recorded without their tasks", { code: "FLG_PROFILER_UNSUPPORTED" });
  }
  return () => releases.forEach((release) => release());
}

/** Records root runs of `graph` into `session` until the returned function is called. */
export function attachGraph(graph: GraphLike, session: ProfileSession, options: { io: boolean }): () => void {
  if (shared.graphs.has(graph)) throw new Error("this graph is already being profiled; call detach() on the first profiler");
  shared.graphs.set(graph, session);
  const releaseProbes = holdProbes(graph);
  const releaseIo = options.io ? instrumentIo(graph, () => session) : () => undefined;
  // `graph.withConfig(...)` copies the graph (own properties, so the timed checkpointer too):
  // the copies record into the same session.
  const derived = new Set<object>();
  const hadOwnWithConfig = Object.prototype.hasOwnProperty.call(graph, "withConfig");
  const withConfig = graph.withConfig;
  if (typeof withConfig === "function") {
    graph.withConfig = function profiledWithConfig(this: GraphLike, config: unknown) {
      const copy = withConfig.call(this, config);
      if (isGraphLike(copy) && !shared.graphs.has(copy)) {
        shared.graphs.set(copy, session);
        derived.add(copy);
      }
      return copy;
    };
  }
  return () => {
    shared.graphs.delete(graph);
    for (const copy of derived) shared.graphs.delete(copy);
    if (hadOwnWithConfig) graph.withConfig = withConfig;
    else delete graph.withConfig;
    releaseIo();
    releaseProbes();
  };
}

/** Prototypes held by the global session, and graphs whose I/O it wraps. */
const globallyHeld = new WeakSet<object>();

/**
 * Global mode knows `Pregel.prototype` up front but meets `PregelNode.prototype` (and each
 * graph's checkpointer) only when a graph first runs: hold them then, before any task exists.
 */
function adoptGlobally(graph: GraphLike): void {
  if (globallyHeld.has(graph)) return;
  globallyHeld.add(graph);
  instrumentIo(graph, () => shared.global);
  for (const node of Object.values(graph.nodes)) {
    const owner = typeof node?.getNode === "function" ? ownerOf(node, "getNode") : undefined;
    if (owner === undefined) continue;
    if (!globallyHeld.has(owner)) {
      globallyHeld.add(owner);
      holdPatch(owner, "getNode", makeGetNodeProbe);
    }
    break;
  }
}

/**
 * Makes every run of every graph built on `pregelPrototype` (a `Pregel.prototype` of either
 * build of @langchain/langgraph) record into `session`: the register hook. Global for the life
 * of the process.
 */
export function installGlobal(session: ProfileSession, pregelPrototypes: object[]): void {
  shared.global = session;
  for (const proto of pregelPrototypes) {
    const owner = Object.prototype.hasOwnProperty.call(proto, "_streamIterator") ? proto : ownerOf(proto, "_streamIterator");
    if (owner === undefined || globallyHeld.has(owner)) continue;
    globallyHeld.add(owner);
    holdPatch(owner, "_streamIterator", makeStreamIteratorProbe);
  }
}

export function globalSession(): ProfileSession | undefined {
  return shared.global;
}

const IO_WRAPPED = Symbol.for("@flg/profiler/io-wrapped");

/** Swaps the graph's checkpointer and cache for timing wrappers; returns the undo. */
function instrumentIo(graph: GraphLike, session: () => ProfileSession | undefined): () => void {
  const target = graph as GraphLike & { [IO_WRAPPED]?: boolean };
  if (target[IO_WRAPPED]) return () => undefined;
  const { checkpointer, cache } = graph;
  const wrappedSaver = wrapCheckpointer(checkpointer, session);
  const wrappedCache = wrapCache(cache, session);
  if (wrappedSaver !== undefined) graph.checkpointer = wrappedSaver;
  if (wrappedCache !== undefined) graph.cache = wrappedCache;
  target[IO_WRAPPED] = true;
  return () => {
    if (wrappedSaver !== undefined && graph.checkpointer === wrappedSaver) graph.checkpointer = checkpointer;
    if (wrappedCache !== undefined && graph.cache === wrappedCache) graph.cache = cache;
    delete target[IO_WRAPPED];
  };
}
