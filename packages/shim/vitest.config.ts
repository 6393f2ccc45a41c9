import { defineConfig } from "vitest/config";

// `vitest run --mode int` selects the tests that need external services;
// the default run takes everything else. `globals: true` is required by
// @langchain/langgraph-checkpoint-validation, which calls describe/it itself.
export default defineConfig(({ mode }) => ({
  test: {
    globals: true,
    include: mode === "int" ? ["test/**/*.int.test.ts"] : ["test/**/*.test.ts"],
    exclude: mode === "int" ? [] : ["test/**/*.int.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
}));
