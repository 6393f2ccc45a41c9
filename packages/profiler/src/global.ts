/**
 * Global mode (`node --import @flg/profiler/register app.js`): every graph of the process is
 * profiled and the report is written when the process exits.
 *
 * The graphs an app builds come from *its* copy of @langchain/langgraph, which is resolved from
 * the app's directory here, in both builds (an ESM app gets the ESM classes, a CommonJS app or
 * library the CJS ones; each build has its own `Pregel.prototype`).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { analyze } from "./analyze.js";
import { FlgProfilerError } from "./errors.js";
import { formatTable } from "./format-table.js";
import { globalSession, installGlobal } from "./probes.js";
import { ProfileSession } from "./session.js";
import { writeReportSync, type WrittenFiles } from "./write.js";

export interface GlobalOptions {
  /** Directory of profile.html / profile.trace.json / profile.json. @default FLG_PROFILE_OUT or "./flg-profile" */
  out?: string;
  /** Report name. @default FLG_PROFILE_NAME or "profile" */
  name?: string;
  /** Where the app's @langchain/langgraph is resolved from. @default process.cwd() */
  from?: string;
  /** Do not print the table on exit. @default FLG_PROFILE_QUIET=1 */
  quiet?: boolean;
}

const PACKAGE = "@langchain/langgraph";

/** `Pregel.prototype`-bearing classes of every build of @langchain/langgraph reachable from `from`. */
async function loadLangGraph(from: string): Promise<object[]> {
  const requireFrom = createRequire(join(resolve(from), "__flg_profiler__.js"));
  const ownRequire = createRequire(import.meta.url);
  let cjsEntry: string;
  try {
    cjsEntry = requireFrom.resolve(PACKAGE);
  } catch {
    try {
      cjsEntry = ownRequire.resolve(PACKAGE);
    } catch (error) {
      throw new FlgProfilerError("FLG_PROFILER_LANGGRAPH_NOT_FOUND", `@flg/profiler/register: cannot resolve ${PACKAGE} from ${from}`, { cause: error });
    }
  }
  const prototypes: object[] = [];
  const cjs = createRequire(cjsEntry)(cjsEntry) as { CompiledStateGraph?: { prototype: object } };
  if (cjs.CompiledStateGraph) prototypes.push(cjs.CompiledStateGraph.prototype);
  const esmEntry = esmEntryOf(cjsEntry);
  if (esmEntry !== undefined) {
    const esm = (await import(pathToFileURL(esmEntry).href)) as { CompiledStateGraph?: { prototype: object } };
    if (esm.CompiledStateGraph) prototypes.push(esm.CompiledStateGraph.prototype);
  }
  return prototypes;
}

/** The file the package's `exports["."].import` condition points at. */
function esmEntryOf(cjsEntry: string): string | undefined {
  for (let dir = dirname(cjsEntry); dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; exports?: Record<string, unknown> };
    if (pkg.name !== PACKAGE) continue;
    const root = pkg.exports?.["."] as { import?: string | { default?: string } } | undefined;
    const target = typeof root?.import === "string" ? root.import : root?.import?.default;
    return target === undefined ? undefined : join(dir, target);
  }
  return undefined;
}

/** Writes the global session's report and prints the table; returns undefined when nothing ran. */
export function flushGlobal(options: GlobalOptions = {}): WrittenFiles | undefined {
  const session = globalSession();
  if (session === undefined || session.runs.length === 0) return undefined;
  const report = analyze(session);
  const files = writeReportSync(report, options.out ?? process.env.FLG_PROFILE_OUT ?? "flg-profile");
  if (!(options.quiet ?? process.env.FLG_PROFILE_QUIET === "1")) {
    process.stderr.write(`\n${formatTable(report)}\n\n@flg/profiler wrote ${files.html}\n  trace: ${files.trace} (open in https://ui.perfetto.dev)\n`);
  }
  return files;
}

/**
 * Profiles every graph of this process from now on and writes the report at exit (also on
 * SIGINT/SIGTERM). Does nothing when FLG_PROFILE=0. Returns the session.
 */
export async function profileProcess(options: GlobalOptions = {}): Promise<ProfileSession | undefined> {
  if (process.env.FLG_PROFILE === "0") return undefined;
  const existing = globalSession();
  if (existing !== undefined) return existing;
  const session = new ProfileSession({ name: options.name ?? process.env.FLG_PROFILE_NAME ?? "profile" });
  installGlobal(session, await loadLangGraph(options.from ?? process.cwd()));
  let flushed = false;
  const flush = () => {
    if (flushed) return;
    flushed = true;
    try {
      flushGlobal(options);
    } catch (error) {
      process.stderr.write(`@flg/profiler: could not write the report: ${(error as Error).stack ?? String(error)}\n`);
    }
  };
  process.once("exit", flush);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const onSignal = () => {
      flush();
      // Re-raise with the default behaviour (no other listener: terminate with the signal).
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.once(signal, onSignal);
  }
  return session;
}
