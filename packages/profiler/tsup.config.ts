import { defineConfig } from "tsup";

// Two builds: the library (ESM + CJS) and the ESM-only entry points Node runs directly
// (`--import @flg/profiler/register` needs top-level await; the CLI is a bin). Each cleans only
// its own files because tsup runs them concurrently. The register bundle carries its own copy of
// the profiler; the copies share their state through globalThis (see src/probes.ts).
export default defineConfig([
  {
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: ["index.*"],
    shims: true,
    target: "node20",
  },
  {
    entry: ["src/register.ts", "src/cli.ts"],
    format: ["esm"],
    dts: false,
    sourcemap: true,
    clean: ["register.*", "cli.*", "chunk-*"],
    target: "node20",
  },
]);
