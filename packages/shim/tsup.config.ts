import { defineConfig } from "tsup";

// Two builds because "./register" differs by format: the ESM one awaits the patches at top level,
// which CommonJS cannot do (register-cjs.ts). `shims` gives the CJS build `import.meta.url`.
// Each build cleans only its own files: tsup runs the two at once.
const common = { dts: true, sourcemap: true, target: "node20", shims: true } as const;

export default defineConfig([
  { ...common, entry: { index: "src/index.ts", register: "src/register.ts" }, format: ["esm"], clean: ["*.js", "*.js.map", "*.d.ts"] },
  { ...common, entry: { index: "src/index.ts", register: "src/register-cjs.ts" }, format: ["cjs"], clean: ["*.cjs", "*.cjs.map", "*.d.cts"] },
]);
