import type { BaseCache, BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";

/** The patches, each switchable on its own. */
export type PatchName = "serializer" | "messagesReducer" | "compileDefaults";

/**
 * A module instance of LangGraph: Node loads `import` and `require` of the same package as two
 * separate instances with separate classes and prototypes, so each copy is patched on its own.
 */
export type CopyKind = "esm" | "cjs";

export interface PatchOptions {
  /**
   * Route `JsonPlusSerializer.prototype.dumpsTyped/loadsTyped` through `FastJsonPlusSerializer`
   * of @flg/checkpoint-sqlite, falling back to the original for any value where the two differ.
   * @default true
   */
  serializer?: boolean;
  /**
   * Run the O(new messages) `messagesStateReducer` of @flg/state wherever LangGraph applies its own
   * (`BinaryOperatorAggregate.prototype.update` when the channel's operator is LangGraph's reducer).
   * @default true
   */
  messagesReducer?: boolean;
  /** Which module copies to patch. Each one not yet loaded is loaded to be patched. @default both */
  copies?: { esm?: boolean; cjs?: boolean };
  /**
   * Checkpointer for `StateGraph.compile()` calls that pass none (`checkpointer: undefined`;
   * `false` and `true` are left alone). A function is called once per compile().
   * Applies to graphs compiled after the patch. @default none (compile() is not patched)
   */
  defaultCheckpointer?: BaseCheckpointSaver | (() => BaseCheckpointSaver);
  /** Node cache for `StateGraph.compile()` calls that pass none; as `defaultCheckpointer`. @default none */
  defaultCache?: BaseCache | (() => BaseCache);
}

export type PatchStatus =
  /** Replaced by this call. */
  | "patched"
  /** Was already replaced (by an earlier call, or another copy of the shim); nothing changed. */
  | "already-patched"
  /** Switched off by the options. */
  | "disabled"
  /** Not possible here (see `reason`), e.g. @flg/state is not installed. */
  | "skipped"
  /** The target did not have the expected shape; left untouched. */
  | "failed";

export interface PatchEntry {
  patch: PatchName;
  copy: CopyKind;
  /** What is replaced, e.g. `JsonPlusSerializer.prototype.{dumpsTyped,loadsTyped}`. */
  target: string;
  status: PatchStatus;
  reason?: string;
}

export interface PatchReport {
  /** False when the shim refused (unknown versions): then nothing was patched. */
  ok: boolean;
  /** Why the shim refused, when it did. */
  refused?: string;
  /** Installed versions as read from each package.json (undefined: not installed). */
  versions: Record<string, string | undefined>;
  /** One entry per patch and module copy. */
  entries: PatchEntry[];
}

export interface UnpatchReport {
  /** The replacements that were undone. */
  restored: Array<{ patch: PatchName; copy: CopyKind; target: string }>;
}
