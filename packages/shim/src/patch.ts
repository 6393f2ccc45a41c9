// patchLangGraph / unpatchLangGraph: check versions, load the module copies, apply each patch to
// each copy and say what happened.
import {
  findLayout,
  loadCjsCopy,
  loadCopy,
  packageDir,
  type CheckpointModule,
  type FastSerdeModule,
  type LangGraphModule,
  type Layout,
  type Loaded,
  type StateModule,
} from "./load.js";
import { COMPILE_TARGET, patchCompileDefaults } from "./patches/compile-defaults.js";
import { patchMessagesReducer, REDUCER_TARGET } from "./patches/messages-reducer.js";
import { patchSerializer, SERIALIZER_TARGET } from "./patches/serializer.js";
import { isReplacement, registry, restore, type ReplaceResult } from "./registry.js";
import type { CopyKind, PatchEntry, PatchName, PatchOptions, PatchReport, PatchStatus, UnpatchReport } from "./types.js";
import { refusalReason } from "./versions.js";

export const PATCH_NAMES: readonly PatchName[] = ["serializer", "messagesReducer", "compileDefaults"];

/** The modules of one copy that the enabled patches need. */
interface CopyModules {
  kind: CopyKind;
  langgraph: Loaded<LangGraphModule>;
  checkpoint?: Loaded<CheckpointModule>;
  fastSerde?: Loaded<FastSerdeModule>;
  state?: Loaded<StateModule>;
}

interface Plan {
  layout: Layout;
  options: PatchOptions;
  /** Why a patch cannot be applied in this install, whatever the copy (e.g. a dependency is missing). */
  blocked: Partial<Record<PatchName, string>>;
  /** Resolve LangGraph's @langchain/langgraph-checkpoint from here (undefined: the shim's own resolution is it). */
  checkpointFrom: string | undefined;
}

/**
 * Swaps @flg's fast parts into the installed LangGraph (ESM and CJS copies). Idempotent: patches
 * already in place are reported as `already-patched`. Refuses, with a console warning and nothing
 * patched, when @langchain/langgraph, @langchain/langgraph-checkpoint or @langchain/core is not in
 * a version listed in KNOWN_VERSIONS.
 *
 * @example
 * import { patchLangGraph } from "@flg/shim";
 * const report = await patchLangGraph({ messagesReducer: true, serializer: true });
 * console.table(report.entries);
 */
export async function patchLangGraph(options: PatchOptions = {}): Promise<PatchReport> {
  const plan = makePlan(options);
  if ("refused" in plan) return refuse(plan);
  const entries: PatchEntry[] = [];
  for (const kind of copiesOf(options)) entries.push(...applyToCopy(plan, await loadModules(plan, kind)));
  return finish(plan, entries);
}

/** The CJS copy only, synchronously: what `require("@flg/shim/register")` can do before returning. */
export function patchCjsCopySync(options: PatchOptions = {}): PatchReport {
  const plan = makePlan(options);
  if ("refused" in plan) return refuse(plan);
  return finish(plan, applyToCopy(plan, loadCjsModules(plan)));
}

/**
 * Undoes the patches (all of them, or the named ones) in every copy and puts the original methods
 * back. Graphs compiled with a default checkpointer/cache keep it.
 */
export function unpatchLangGraph(only?: readonly PatchName[]): UnpatchReport {
  return { restored: restore(only) };
}

/** The report of the latest patchLangGraph() call in this process (also the one `register` made). */
export function getPatchReport(): PatchReport | undefined {
  return registry().lastReport;
}

function copiesOf(options: PatchOptions): CopyKind[] {
  const kinds: CopyKind[] = [];
  if (options.copies?.esm ?? true) kinds.push("esm");
  if (options.copies?.cjs ?? true) kinds.push("cjs");
  return kinds;
}

function wants(options: PatchOptions, patch: PatchName): boolean {
  if (patch === "compileDefaults") return options.defaultCheckpointer !== undefined || options.defaultCache !== undefined;
  return options[patch] ?? true;
}

/** The plan, or the reason to refuse. */
function makePlan(options: PatchOptions): Plan | { refused: string; layout: Layout } {
  const layout = findLayout();
  const refused = refusalReason(layout.versions);
  if (refused !== undefined) return { refused, layout };

  const blocked: Plan["blocked"] = {};
  const checkpointDir = layout.dirs["@langchain/langgraph-checkpoint"];
  const coreDir = layout.dirs["@langchain/core"];

  // The fast serializer builds DeltaSnapshots and messages from the @langchain/* it imports; they
  // must be the classes the patched JsonPlusSerializer's users get, or instanceof would break.
  const flgSerde = packageDir("@flg/checkpoint-sqlite");
  if (flgSerde === undefined) blocked.serializer = "@flg/checkpoint-sqlite is not installed";
  else if (packageDir("@langchain/langgraph-checkpoint", flgSerde) !== checkpointDir) {
    blocked.serializer = `@flg/checkpoint-sqlite sees another @langchain/langgraph-checkpoint than LangGraph (${checkpointDir})`;
  } else if (packageDir("@langchain/core", flgSerde) !== packageDir("@langchain/core", checkpointDir)) {
    blocked.serializer = "@flg/checkpoint-sqlite sees another @langchain/core than @langchain/langgraph-checkpoint";
  }

  const flgState = packageDir("@flg/state");
  if (flgState === undefined) blocked.messagesReducer = "@flg/state is not installed";
  else if (packageDir("@langchain/core", flgState) !== coreDir) {
    blocked.messagesReducer = `@flg/state sees another @langchain/core than @langchain/langgraph (${coreDir})`;
  }

  if (wants(options, "compileDefaults")) {
    registry().defaults = { checkpointer: options.defaultCheckpointer, cache: options.defaultCache };
  }
  const ownCheckpoint = packageDir("@langchain/langgraph-checkpoint");
  const checkpointFrom = ownCheckpoint === checkpointDir ? undefined : layout.dirs["@langchain/langgraph"];
  return { layout, options, blocked, checkpointFrom };
}

async function loadModules(plan: Plan, kind: CopyKind): Promise<CopyModules> {
  if (kind === "cjs") return loadCjsModules(plan);
  const { options, blocked } = plan;
  const modules: CopyModules = { kind, langgraph: await loadCopy<LangGraphModule>(kind, "@langchain/langgraph") };
  if (wants(options, "serializer") && blocked.serializer === undefined) {
    modules.checkpoint = await loadCopy<CheckpointModule>(kind, "@langchain/langgraph-checkpoint", plan.checkpointFrom);
    modules.fastSerde = await loadCopy<FastSerdeModule>(kind, "@flg/checkpoint-sqlite/serde");
  }
  if (wants(options, "messagesReducer") && blocked.messagesReducer === undefined) {
    modules.state = await loadCopy<StateModule>(kind, "@flg/state");
  }
  return modules;
}

function loadCjsModules(plan: Plan): CopyModules {
  const { options, blocked } = plan;
  const modules: CopyModules = { kind: "cjs", langgraph: loadCjsCopy<LangGraphModule>("@langchain/langgraph") };
  if (wants(options, "serializer") && blocked.serializer === undefined) {
    modules.checkpoint = loadCjsCopy<CheckpointModule>("@langchain/langgraph-checkpoint", plan.checkpointFrom);
    modules.fastSerde = loadCjsCopy<FastSerdeModule>("@flg/checkpoint-sqlite/serde");
  }
  if (wants(options, "messagesReducer") && blocked.messagesReducer === undefined) {
    modules.state = loadCjsCopy<StateModule>("@flg/state");
  }
  return modules;
}

function applyToCopy(plan: Plan, modules: CopyModules): PatchEntry[] {
  const { options, blocked } = plan;
  const kind = modules.kind;
  const langgraph = modules.langgraph.ok ? modules.langgraph.module : undefined;
  const entry = (patch: PatchName, target: string, result: ReplaceResult | { status: PatchStatus; reason?: string }): PatchEntry => {
    const out: PatchEntry = { patch, copy: kind, target, status: result.status };
    if ("reason" in result && result.reason !== undefined) out.reason = result.reason;
    return out;
  };
  const firstFailure = (...loaded: Array<Loaded<unknown> | undefined>) => {
    for (const l of loaded) if (l !== undefined && !l.ok) return l.reason;
    return undefined;
  };
  /** A patch switched off now may still be in place from an earlier call. */
  const off = (patch: PatchName, target: string, current: () => unknown): PatchEntry =>
    isReplacement(current())
      ? entry(patch, target, { status: "already-patched", reason: `switched off in these options but patched earlier; unpatchLangGraph(["${patch}"]) removes it` })
      : entry(patch, target, { status: "disabled" });

  const entries: PatchEntry[] = [];

  // serializer
  if (!wants(options, "serializer")) {
    entries.push(entry("serializer", SERIALIZER_TARGET, { status: "disabled" }));
  } else if (blocked.serializer !== undefined) {
    entries.push(entry("serializer", SERIALIZER_TARGET, { status: "skipped", reason: blocked.serializer }));
  } else {
    const failure = firstFailure(modules.checkpoint, modules.fastSerde);
    entries.push(
      entry("serializer", SERIALIZER_TARGET, failure !== undefined || !modules.checkpoint?.ok || !modules.fastSerde?.ok
        ? { status: "skipped", reason: failure ?? "not loaded" }
        : patchSerializer(kind, modules.checkpoint.module, modules.fastSerde.module)),
    );
  }

  // messagesReducer
  if (!wants(options, "messagesReducer")) {
    entries.push(off("messagesReducer", REDUCER_TARGET, () => methodOf(langgraph?.BinaryOperatorAggregate, "update")));
  } else if (blocked.messagesReducer !== undefined) {
    entries.push(entry("messagesReducer", REDUCER_TARGET, { status: "skipped", reason: blocked.messagesReducer }));
  } else {
    const failure = firstFailure(modules.langgraph, modules.state);
    entries.push(
      entry("messagesReducer", REDUCER_TARGET, failure !== undefined || langgraph === undefined || !modules.state?.ok
        ? { status: "skipped", reason: failure ?? "not loaded" }
        : patchMessagesReducer(kind, langgraph, modules.state.module)),
    );
  }

  // compileDefaults
  if (!wants(options, "compileDefaults")) {
    entries.push(off("compileDefaults", COMPILE_TARGET, () => methodOf(langgraph?.StateGraph, "compile")));
  } else if (langgraph === undefined) {
    entries.push(entry("compileDefaults", COMPILE_TARGET, { status: "skipped", reason: firstFailure(modules.langgraph) }));
  } else {
    entries.push(entry("compileDefaults", COMPILE_TARGET, patchCompileDefaults(kind, langgraph)));
  }

  return entries;
}

function methodOf(cls: unknown, key: string): unknown {
  return typeof cls === "function" ? (cls.prototype as Record<string, unknown> | undefined)?.[key] : undefined;
}

function finish(plan: Plan, entries: PatchEntry[]): PatchReport {
  const report: PatchReport = { ok: true, versions: { ...plan.layout.versions }, entries };
  registry().lastReport = report;
  return report;
}

function refuse({ refused, layout }: { refused: string; layout: Layout }): PatchReport {
  console.warn(`[@flg/shim] not patching anything: unknown versions: ${refused}`);
  const report: PatchReport = { ok: false, refused, versions: { ...layout.versions }, entries: [] };
  registry().lastReport = report;
  return report;
}
