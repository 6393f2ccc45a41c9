#!/usr/bin/env node
/**
 * `flg-profile <script.js|script.ts> [--out dir] [-- args]`: runs a script with the register
 * hook preloaded and prints where the report went. TypeScript scripts need `tsx` installed
 * where the script (or the current directory) can resolve it.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, extname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const USAGE = `usage: flg-profile [--out dir] [--name name] [--quiet] <script.js|script.ts> [-- script args]

Runs the script with every LangGraph graph profiled, then writes
  <out>/profile.html        report (waterfall, table, latency histograms)
  <out>/profile.trace.json  Chrome trace (https://ui.perfetto.dev, chrome://tracing)
  <out>/profile.json        raw report
--out    output directory (default ./flg-profile)
--name   report title (default: the script name)
--quiet  do not print the table`;

interface CliArgs {
  script: string;
  out: string;
  name?: string;
  quiet: boolean;
  args: string[];
}

function parse(argv: string[]): CliArgs | string {
  let out = "flg-profile";
  let name: string | undefined;
  let quiet = false;
  let script: string | undefined;
  const args: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (script !== undefined) {
      if (!(arg === "--" && args.length === 0)) args.push(arg);
    } else if (arg === "-h" || arg === "--help") return USAGE;
    else if (arg === "--out" || arg === "-o") out = argv[++i] ?? "";
    else if (arg.startsWith("--out=")) out = arg.slice("--out=".length);
    else if (arg === "--name") name = argv[++i];
    else if (arg === "--quiet" || arg === "-q") quiet = true;
    else if (arg.startsWith("-")) return `flg-profile: unknown option ${arg}\n\n${USAGE}`;
    else script = arg;
  }
  if (script === undefined) return USAGE;
  if (!out) return `flg-profile: --out needs a directory\n\n${USAGE}`;
  return { script, out, name, quiet, args };
}

/** `--import` URL of tsx's loader, resolved where the script (or the cwd) lives. */
function tsxLoader(script: string): string | undefined {
  for (const from of [script, join(process.cwd(), "__flg_profile__.js")]) {
    try {
      return pathToFileURL(createRequire(from).resolve("tsx")).href;
    } catch {
      // try the next place
    }
  }
  return undefined;
}

function main(): void {
  const parsed = parse(process.argv.slice(2));
  if (typeof parsed === "string") {
    const help = parsed === USAGE;
    (help ? process.stdout : process.stderr).write(parsed + "\n");
    process.exit(help && process.argv.length > 2 ? 0 : 2);
  }
  const script = resolve(parsed.script);
  if (!existsSync(script)) {
    process.stderr.write(`flg-profile: no such script: ${script}\n`);
    process.exit(2);
  }
  const imports: string[] = [];
  if ([".ts", ".mts", ".cts", ".tsx"].includes(extname(script))) {
    const tsx = tsxLoader(script);
    if (tsx === undefined) {
      process.stderr.write(`flg-profile: ${basename(script)} is TypeScript; install tsx next to it (npm i -D tsx) or compile it first\n`);
      process.exit(2);
    }
    imports.push("--import", tsx);
  }
  const register = pathToFileURL(join(fileURLToPath(new URL(".", import.meta.url)), "register.js")).href;
  imports.push("--import", register);
  const child = spawn(process.execPath, [...imports, script, ...parsed.args], {
    stdio: "inherit",
    env: {
      ...process.env,
      FLG_PROFILE_OUT: resolve(parsed.out),
      FLG_PROFILE_NAME: parsed.name ?? basename(script),
      ...(parsed.quiet ? { FLG_PROFILE_QUIET: "1" } : {}),
    },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}

main();
