// Opt-in defaults for StateGraph.compile(): a checkpointer and/or a node cache for compile() calls
// that pass none. Only `undefined` is replaced: `checkpointer: false` (no persistence) and `true`
// (a subgraph keeping its own history) are explicit choices. A subgraph compiled with the default
// still runs on the checkpointer its parent lends it (LangGraph's _resolveCheckpointer prefers the
// lent one), so nesting is unchanged; a graph invoked on its own now persists and needs a thread_id.
import type { LangGraphModule } from "../load.js";
import { registry, replaceMethods, type Method, type ReplaceResult } from "../registry.js";
import type { CopyKind } from "../types.js";

export const COMPILE_TARGET = "StateGraph.prototype.compile";

function resolveDefault(value: unknown): unknown {
  return typeof value === "function" ? (value as () => unknown)() : value;
}

export function patchCompileDefaults(copy: CopyKind, langgraph: LangGraphModule): ReplaceResult {
  const StateGraph = langgraph.StateGraph;
  if (typeof StateGraph !== "function") return { status: "failed", reason: "StateGraph is missing from @langchain/langgraph" };

  return replaceMethods({ patch: "compileDefaults", copy, target: COMPILE_TARGET }, StateGraph.prototype, {
    compile: (original: Method, active) =>
      function compile(this: unknown, args?: Record<string, unknown>) {
        const defaults = registry().defaults;
        if (!active()) return original.call(this, args);
        let next = args ?? {};
        if (next.checkpointer === undefined && defaults.checkpointer !== undefined) {
          next = { ...next, checkpointer: resolveDefault(defaults.checkpointer) };
        }
        if (next.cache === undefined && defaults.cache !== undefined) next = { ...next, cache: resolveDefault(defaults.cache) };
        return original.call(this, next);
      },
  });
}
