// What only a fresh process shows: `require("@flg/shim/register")` in a CommonJS app, the
// environment switches of register, and the refusal on LangGraph versions the shim does not know
// (simulated with a node_modules tree of stub packages next to a copy of the built shim).
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, describe, expect, it } from "vitest";

const shimDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Runs a script in a child Node; returns stdout, stderr and the last stdout line parsed as JSON. */
function node(script: string, { cwd = shimDir, env = {}, cjs = false }: { cwd?: string; env?: Record<string, string>; cjs?: boolean } = {}) {
  const args = cjs ? ["-e", script] : ["--input-type=module", "-e", script];
  // pnpm's bin shims set NODE_PATH to the store; a child must resolve from its own node_modules only.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("FLG_SHIM") && k !== "NODE_OPTIONS" && k !== "NODE_PATH"));
  let stderr = "";
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, args, { cwd, env: { ...clean, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    throw new Error(`child failed: ${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
  const lines = stdout.trim().split("\n");
  return { stdout, stderr, json: JSON.parse(lines[lines.length - 1]) as unknown };
}

const summary = `const r = getPatchReport(); console.log(JSON.stringify(r ? { ok: r.ok, refused: r.refused, entries: r.entries.map((e) => e.patch + "/" + e.copy + ":" + e.status) } : null));`;

describe("register", () => {
  it("in a CommonJS app patches the CJS copy before require() returns, the ESM copy right after", () => {
    const { json } = node(
      `const lg = require("@langchain/langgraph");
       const before = lg.BinaryOperatorAggregate.prototype.update;
       require("@flg/shim/register");
       const { getPatchReport } = require("@flg/shim");
       const syncPatched = lg.BinaryOperatorAggregate.prototype.update !== before;
       const sync = getPatchReport().entries.map((e) => e.copy + ":" + e.status);
       setTimeout(async () => {
         const esm = await import("@langchain/langgraph");
         const later = getPatchReport().entries.map((e) => e.patch + "/" + e.copy + ":" + e.status);
         console.log(JSON.stringify({ syncPatched, sync, later, esmName: esm.BinaryOperatorAggregate.prototype.update.name }));
       }, 2000);`,
      { cjs: true },
    );
    expect(json).toMatchObject({ syncPatched: true, sync: ["cjs:patched", "cjs:patched", "cjs:disabled"], esmName: "update" });
    expect((json as { later: string[] }).later).toEqual([
      "serializer/cjs:patched",
      "messagesReducer/cjs:patched",
      "compileDefaults/cjs:disabled",
      "serializer/esm:patched",
      "messagesReducer/esm:patched",
      "compileDefaults/esm:disabled",
    ]);
  });

  it("FLG_SHIM=off patches nothing; FLG_SHIM_DISABLE switches single patches off", () => {
    const off = node(`await import("@flg/shim/register"); const { getPatchReport } = await import("@flg/shim"); ${summary}`, { env: { FLG_SHIM: "off" } });
    expect(off.json).toBeNull();
    const some = node(`await import("@flg/shim/register"); const { getPatchReport } = await import("@flg/shim"); ${summary}`, { env: { FLG_SHIM_DISABLE: "serializer" } });
    expect((some.json as { entries: string[] }).entries).toEqual([
      "serializer/esm:disabled",
      "messagesReducer/esm:patched",
      "compileDefaults/esm:disabled",
      "serializer/cjs:disabled",
      "messagesReducer/cjs:patched",
      "compileDefaults/cjs:disabled",
    ]);
  });
});

describe("unknown versions", () => {
  const root = mkdtempSync(join(tmpdir(), "flg-shim-versions-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A node_modules tree: a copy of the built shim and stub @langchain packages (package.json only). */
  function tree(name: string, versions: Record<string, string>) {
    const dir = join(root, name);
    const shim = join(dir, "node_modules", "@flg", "shim");
    mkdirSync(shim, { recursive: true });
    cpSync(join(shimDir, "package.json"), join(shim, "package.json"));
    cpSync(join(shimDir, "dist"), join(shim, "dist"), { recursive: true });
    for (const [pkg, version] of Object.entries(versions)) {
      mkdirSync(join(dir, "node_modules", pkg), { recursive: true });
      writeFileSync(join(dir, "node_modules", pkg, "package.json"), JSON.stringify({ name: pkg, version, main: "index.js" }));
      writeFileSync(join(dir, "node_modules", pkg, "index.js"), `throw new Error("${pkg} stub must not be loaded");`);
    }
    return dir;
  }
  const script = (options = "") => `import { patchLangGraph } from "@flg/shim";
    const warnings = []; console.warn = (...a) => warnings.push(a.join(" "));
    const r = await patchLangGraph(${options});
    console.log(JSON.stringify({ ok: r.ok, refused: r.refused, versions: r.versions, entries: r.entries, warnings }));`;

  it("refuses with a warning, loading and patching nothing, on a LangGraph it does not know", () => {
    const cwd = tree("langgraph-2", { "@langchain/langgraph": "2.0.0", "@langchain/langgraph-checkpoint": "1.2.2", "@langchain/core": "1.4.0" });
    const { json } = node(script(), { cwd });
    expect(json).toEqual({
      ok: false,
      refused: "@langchain/langgraph 2.0.0 (known: 1.7.x)",
      versions: { "@langchain/langgraph": "2.0.0", "@langchain/langgraph-checkpoint": "1.2.2", "@langchain/core": "1.4.0" },
      entries: [],
      warnings: ["[@flg/shim] not patching anything: unknown versions: @langchain/langgraph 2.0.0 (known: 1.7.x)"],
    });
  });

  it("refuses on an unknown @langchain/core or checkpoint package, and when LangGraph is missing", () => {
    const cwd = tree("core-2", { "@langchain/langgraph": "1.7.9", "@langchain/langgraph-checkpoint": "1.3.0", "@langchain/core": "2.0.0" });
    expect(node(script(), { cwd }).json).toMatchObject({
      ok: false,
      refused: "@langchain/langgraph-checkpoint 1.3.0 (known: 1.2.x); @langchain/core 2.0.0 (known: 1.x)",
      entries: [],
    });
    const empty = tree("none", {});
    expect(node(script(), { cwd: empty }).json).toMatchObject({
      ok: false,
      refused: "@langchain/langgraph is not installed; @langchain/langgraph-checkpoint is not installed; @langchain/core is not installed",
    });
  });

  it("on known versions that fail to load, reports each patch as skipped instead of throwing", () => {
    const cwd = tree("broken", { "@langchain/langgraph": "1.7.3", "@langchain/langgraph-checkpoint": "1.2.2", "@langchain/core": "1.4.0" });
    const { json } = node(script("{ defaultCheckpointer: {} }"), { cwd });
    const report = json as { ok: boolean; entries: Array<{ patch: string; copy: string; status: string; reason?: string }>; warnings: string[] };
    expect(report.ok).toBe(true);
    expect(report.warnings).toEqual([]);
    expect(report.entries.map((e) => `${e.patch}/${e.copy}:${e.status}`)).toEqual([
      "serializer/esm:skipped",
      "messagesReducer/esm:skipped",
      "compileDefaults/esm:skipped",
      "serializer/cjs:skipped",
      "messagesReducer/cjs:skipped",
      "compileDefaults/cjs:skipped",
    ]);
    expect(report.entries[2].reason).toMatch(/^cannot load @langchain\/langgraph \(esm\): /);
    expect(report.entries[5].reason).toMatch(/^cannot load @langchain\/langgraph \(cjs\): .*stub must not be loaded/);
    expect(report.entries[0].reason).toBe("@flg/checkpoint-sqlite is not installed");
    expect(report.entries[1].reason).toBe("@flg/state is not installed");
  });
});
