// Finding and loading the module copies to patch. Nothing here is imported statically: the shim
// must be able to load, read versions and refuse on a LangGraph it does not know without that
// LangGraph's modules ever being evaluated.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

import type { CopyKind } from "./types.js";
import { KNOWN_PACKAGES, type KnownPackage } from "./versions.js";

const shimRequire = createRequire(import.meta.url);

/** The directory of `pkg` as Node resolves it from `fromDir` (real path), or undefined. */
export function packageDir(pkg: string, fromDir?: string): string | undefined {
  try {
    const req = fromDir === undefined ? shimRequire : createRequire(join(fromDir, "package.json"));
    return dirname(req.resolve(`${pkg}/package.json`));
  } catch {
    return undefined;
  }
}

function readManifest(dir: string): { version?: string; exports?: unknown } {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string; exports?: unknown };
}

/** Where each package is installed, as LangGraph sees it (checkpoint and core resolved from LangGraph). */
export interface Layout {
  dirs: Record<KnownPackage, string | undefined>;
  versions: Record<KnownPackage, string | undefined>;
}

export function findLayout(): Layout {
  const langgraph = packageDir("@langchain/langgraph");
  const dirs: Record<KnownPackage, string | undefined> = {
    "@langchain/langgraph": langgraph,
    // The copies LangGraph itself imports (MemorySaver is re-exported from there).
    "@langchain/langgraph-checkpoint": langgraph && packageDir("@langchain/langgraph-checkpoint", langgraph),
    "@langchain/core": langgraph ? packageDir("@langchain/core", langgraph) : packageDir("@langchain/core"),
  };
  const versions = {} as Record<KnownPackage, string | undefined>;
  for (const pkg of KNOWN_PACKAGES) {
    const dir = dirs[pkg];
    try {
      versions[pkg] = dir === undefined ? undefined : readManifest(dir).version;
    } catch {
      versions[pkg] = undefined;
    }
  }
  return { dirs, versions };
}

// The parts of each package the patches touch, typed loosely: they are checked before use.
export interface LangGraphModule {
  BinaryOperatorAggregate?: unknown;
  StateGraph?: unknown;
  messagesStateReducer?: unknown;
}
export interface CheckpointModule {
  JsonPlusSerializer?: unknown;
}
export interface FastSerdeModule {
  FastJsonPlusSerializer?: new () => { stringify(obj: unknown): string; parse(text: string): Promise<unknown> };
}
export interface StateModule {
  messagesStateReducer?: unknown;
}

/** A package loaded as one copy, or why it could not be. */
export type Loaded<T> = { ok: true; module: T } | { ok: false; reason: string };

/**
 * Loads `specifier` as the ESM or the CJS copy. `fromDir` resolves it from another package (used
 * for LangGraph's own @langchain/langgraph-checkpoint when it is not the one the shim sees).
 */
export async function loadCopy<T>(kind: CopyKind, specifier: string, fromDir?: string): Promise<Loaded<T>> {
  try {
    if (kind === "cjs") return { ok: true, module: loadCjs<T>(specifier, fromDir) };
    if (fromDir === undefined) return { ok: true, module: (await import(specifier)) as T };
    return { ok: true, module: (await import(esmEntryUrl(specifier, fromDir))) as T };
  } catch (err) {
    return { ok: false, reason: `cannot load ${specifier} (${kind}): ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** The CJS copy only: synchronous, for `require("@flg/shim/register")`. */
export function loadCjsCopy<T>(specifier: string, fromDir?: string): Loaded<T> {
  try {
    return { ok: true, module: loadCjs<T>(specifier, fromDir) };
  } catch (err) {
    return { ok: false, reason: `cannot load ${specifier} (cjs): ${err instanceof Error ? err.message : String(err)}` };
  }
}

function loadCjs<T>(specifier: string, fromDir?: string): T {
  const req = fromDir === undefined ? shimRequire : createRequire(join(fromDir, "package.json"));
  return req(specifier) as T;
}

/**
 * The file URL of a package's `import` entry, resolved from `fromDir`. Only for the packages of
 * KNOWN_VERSIONS, whose "." export is `{ import: string | { default: string } }`.
 */
function esmEntryUrl(pkg: string, fromDir: string): string {
  const dir = packageDir(pkg, fromDir);
  if (dir === undefined) throw new Error(`${pkg} not found from ${fromDir}`);
  const exported = readManifest(dir).exports as Record<string, unknown> | undefined;
  const root = exported?.["."] as { import?: string | { default?: string } } | undefined;
  const entry = typeof root?.import === "string" ? root.import : root?.import?.default;
  if (entry === undefined) throw new Error(`${pkg} at ${dir} has no "import" export for "."`);
  return pathToFileURL(join(dir, entry)).href;
}
