// `import "@flg/shim/register"` patches before this module's body runs (top-level await).
import "@flg/shim/register";

import { BinaryOperatorAggregate } from "@langchain/langgraph";
import { JsonPlusSerializer } from "@langchain/langgraph-checkpoint";
import { expect, it } from "vitest";

import { getPatchReport, unpatchLangGraph } from "@flg/shim";

it("has patched both copies by the time the importing module runs", () => {
  const report = getPatchReport();
  expect(report?.ok).toBe(true);
  expect(report?.entries.filter((e) => e.status === "patched").map((e) => `${e.patch}/${e.copy}`)).toEqual([
    "serializer/esm",
    "messagesReducer/esm",
    "serializer/cjs",
    "messagesReducer/cjs",
  ]);
  const methods = [JsonPlusSerializer.prototype.dumpsTyped, JsonPlusSerializer.prototype.loadsTyped, BinaryOperatorAggregate.prototype.update];
  const { restored } = unpatchLangGraph();
  expect(restored).toHaveLength(4);
  expect([JsonPlusSerializer.prototype.dumpsTyped, JsonPlusSerializer.prototype.loadsTyped, BinaryOperatorAggregate.prototype.update]).not.toEqual(methods);
});
