// Process-wide record of what the shim replaced. Kept on globalThis under a Symbol.for key, so the
// ESM and the CJS build of the shim (two module instances when an app loads both) see the same
// record: patching twice through either is a no-op, and either can undo the other's patches.
import type { CopyKind, PatchName, PatchReport } from "./types.js";

// `any` because the replaced methods have every signature LangGraph gives them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Method = (this: any, ...args: any[]) => any;

/** Set on every replacement function; its value is the function it replaced. */
const REPLACED = Symbol.for("@flg/shim.replaced");
const REGISTRY = Symbol.for("@flg/shim.registry");

interface Installed {
  patch: PatchName;
  copy: CopyKind;
  target: string;
  /** Puts the originals back (or, if someone wrapped our replacement since, turns it into a pass-through). */
  restore(): void;
}

export interface Defaults {
  checkpointer?: unknown;
  cache?: unknown;
}

interface Registry {
  installed: Installed[];
  /** Read by the compile() replacement at call time, so a later patchLangGraph() call can change them. */
  defaults: Defaults;
  lastReport: PatchReport | undefined;
}

export function registry(): Registry {
  const holder = globalThis as { [REGISTRY]?: Registry };
  holder[REGISTRY] ??= { installed: [], defaults: {}, lastReport: undefined };
  return holder[REGISTRY];
}

/** Whether `fn` is a replacement installed by (any copy of) the shim. */
export function isReplacement(fn: unknown): boolean {
  return typeof fn === "function" && Object.hasOwn(fn, REPLACED);
}

/** The function a replacement stands in for; `fn` itself if it is not one. */
export function originalOf(fn: Method): Method {
  let current = fn;
  while (isReplacement(current)) current = (current as unknown as { [REPLACED]: Method })[REPLACED];
  return current;
}

/** Builds a replacement from the original and a flag that turns false once the patch is undone. */
export type MakeReplacement = (original: Method, active: () => boolean) => Method;

export type ReplaceResult =
  | { status: "patched" }
  | { status: "already-patched" }
  | { status: "failed"; reason: string };

/**
 * Replaces the own methods `keys` of `owner` (a prototype) all together, or none of them. A key that
 * already holds a shim replacement means the whole group was patched before: nothing changes.
 */
export function replaceMethods(
  entry: { patch: PatchName; copy: CopyKind; target: string },
  owner: object,
  replacements: Record<string, MakeReplacement>,
): ReplaceResult {
  const keys = Object.keys(replacements);
  const descriptors = new Map<string, PropertyDescriptor>();
  for (const key of keys) {
    const descriptor = Object.getOwnPropertyDescriptor(owner, key);
    if (descriptor === undefined || typeof descriptor.value !== "function") {
      return { status: "failed", reason: `${key} is not an own method of the target` };
    }
    if (isReplacement(descriptor.value)) return { status: "already-patched" };
    descriptors.set(key, descriptor);
  }

  const state = { active: true };
  const active = () => state.active;
  const installed = new Map<string, Method>();
  for (const key of keys) {
    const descriptor = descriptors.get(key) as PropertyDescriptor;
    const original = descriptor.value as Method;
    const replacement = replacements[key](original, active);
    Object.defineProperty(replacement, REPLACED, { value: original });
    Object.defineProperty(replacement, "name", { value: original.name });
    Object.defineProperty(owner, key, { ...descriptor, value: replacement });
    installed.set(key, replacement);
  }

  registry().installed.push({
    ...entry,
    restore() {
      state.active = false;
      for (const [key, replacement] of installed) {
        const descriptor = descriptors.get(key) as PropertyDescriptor;
        // Someone wrapped our replacement: leave their wrapper; ours now passes straight through.
        if (Object.getOwnPropertyDescriptor(owner, key)?.value === replacement) Object.defineProperty(owner, key, descriptor);
      }
    },
  });
  return { status: "patched" };
}

/** Undoes the replacements (all, or those of the named patches), newest first. */
export function restore(only?: readonly PatchName[]): Array<{ patch: PatchName; copy: CopyKind; target: string }> {
  const reg = registry();
  const restored: Array<{ patch: PatchName; copy: CopyKind; target: string }> = [];
  const kept: Installed[] = [];
  for (let i = reg.installed.length - 1; i >= 0; i -= 1) {
    const item = reg.installed[i];
    if (only !== undefined && !only.includes(item.patch)) {
      kept.unshift(item);
      continue;
    }
    item.restore();
    restored.unshift({ patch: item.patch, copy: item.copy, target: item.target });
  }
  reg.installed = kept;
  if (only === undefined || only.includes("compileDefaults")) reg.defaults = {};
  return restored;
}
