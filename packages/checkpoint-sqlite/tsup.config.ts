import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts", "src/serde.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  // import.meta.url in the CJS build (createRequire of @flg/core)
  shims: true,
  target: "node20",
});
