import { defineConfig } from "tsup";

export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node20",
  // Peers, never bundled: the reducers must use the caller's message classes and LangGraph's schemas.
  external: [/^@langchain\//],
});
