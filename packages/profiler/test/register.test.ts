/** The zero-code paths: `node --import @flg/profiler/register app.js` and the `flg-profile` CLI. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import type { ProfileReport } from "@flg/profiler";

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES = join(PACKAGE, "test", "fixtures");
const CLI = join(PACKAGE, "dist", "cli.js");

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "flg-register-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function run(args: string[], env: Record<string, string> = {}) {
  const { FLG_PROFILE: _, ...inherited } = process.env;
  const result = spawnSync(process.execPath, args, { cwd: PACKAGE, encoding: "utf8", env: { ...inherited, ...env }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, "profile.json"), "utf8")) as ProfileReport;

describe("node --import @flg/profiler/register", () => {
  it("profiles every graph of an ESM app and writes the report at exit", () => {
    const out = tempDir();
    const result = run(["--import", "@flg/profiler/register", join(FIXTURES, "app.mjs")], { FLG_PROFILE_OUT: out });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("a: 4 messages");
    expect(result.stderr).toContain(`@flg/profiler wrote ${join(out, "profile.html")}`);
    expect(result.stderr).toMatch(/^agent\s+\|\s+4 \|/m);

    const report = readReport(out);
    expect(report.totals).toMatchObject({ runs: 2, subgraphRuns: 2 });
    expect(report.runs.filter((r) => r.parentId === undefined).map((r) => r.threadId)).toEqual(["a", "b"]);
    expect(report.nodes.map((n) => n.name)).toEqual(expect.arrayContaining(["agent", "tools", "tools › lookup"]));
    expect(report.io.find((s) => s.op === "checkpoint.put")?.count).toBeGreaterThan(0);
    expect(existsSync(join(out, "profile.html")) && existsSync(join(out, "profile.trace.json"))).toBe(true);
  });

  it("patches the CommonJS build for a CommonJS app", () => {
    const out = tempDir();
    const result = run(["--import", "@flg/profiler/register", join(FIXTURES, "app.cjs")], { FLG_PROFILE_OUT: out, FLG_PROFILE_QUIET: "1" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("cjs: 1 messages");
    expect(result.stderr).toBe("");
    const report = readReport(out);
    expect(report.nodes.map((n) => n.name).sort()).toEqual(["__start__", "cjs_node"]);
    expect(report.nodes.find((n) => n.name === "cjs_node")?.count).toBe(1);
  });

  it("does nothing with FLG_PROFILE=0", () => {
    const out = tempDir();
    const result = run(["--import", "@flg/profiler/register", join(FIXTURES, "app.mjs")], { FLG_PROFILE_OUT: out, FLG_PROFILE: "0" });
    expect(result.code).toBe(0);
    expect(existsSync(join(out, "profile.json"))).toBe(false);
    expect(result.stderr).toBe("");
  });
});

describe("flg-profile CLI", () => {
  it("runs a TypeScript script with its arguments and writes the report where told", () => {
    const out = tempDir();
    const result = run([CLI, "--out", out, "--name", "cli-test", join(FIXTURES, "app.ts"), "--", "--flag", "value"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("ts: 3 messages; args: --flag value");
    const report = readReport(out);
    expect(report.name).toBe("cli-test");
    expect(report.nodes.find((n) => n.name === "typed")?.count).toBe(3);
  });

  it("passes the script's exit code through and still writes the report", () => {
    const out = tempDir();
    const result = run([CLI, "--out", out, "--quiet", join(FIXTURES, "app.mjs"), "3", "x"]);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain("args: x");
    expect(readReport(out).totals.runs).toBe(2);
  });

  it("explains its usage", () => {
    const help = run([CLI, "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("usage: flg-profile");
    const missing = run([CLI, "no-such-script.js"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such script");
    const bad = run([CLI, "--bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown option --bogus");
  });
});
