import { describe, expect, it } from "vitest";

import { KNOWN_VERSIONS, isKnownVersion } from "@flg/shim";

describe("KNOWN_VERSIONS", () => {
  it("lists the releases the patches were written against", () => {
    expect(KNOWN_VERSIONS).toEqual({
      "@langchain/langgraph": ["1.7.x"],
      "@langchain/langgraph-checkpoint": ["1.2.x"],
      "@langchain/core": ["1.x"],
    });
  });

  it.each([
    ["@langchain/langgraph", "1.7.0", true],
    ["@langchain/langgraph", "1.7.3", true],
    ["@langchain/langgraph", "1.7.12-rc.1", true],
    ["@langchain/langgraph", "1.8.0", false],
    ["@langchain/langgraph", "1.6.9", false],
    ["@langchain/langgraph", "11.7.0", false],
    ["@langchain/langgraph", "2.7.0", false],
    ["@langchain/langgraph-checkpoint", "1.2.2", true],
    ["@langchain/langgraph-checkpoint", "1.3.0", false],
    ["@langchain/core", "1.4.0", true],
    ["@langchain/core", "1.0.0", true],
    ["@langchain/core", "0.3.80", false],
    ["@langchain/core", "2.0.0", false],
    ["@langchain/core", "not a version", false],
  ] as const)("%s %s -> %s", (pkg, version, known) => {
    expect(isKnownVersion(pkg, version)).toBe(known);
  });
});
