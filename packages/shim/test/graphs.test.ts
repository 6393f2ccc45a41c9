// The graph suite runs twice in this file, without and then with the shim, on MemorySaver and on
// the official SqliteSaver; every transcript of the second pass must equal the first. Patching is
// process-global, so the passes run in order and the shim pass unpatches when it is done.
import { BinaryOperatorAggregate } from "@langchain/langgraph";
import { JsonPlusSerializer, MemorySaver, type BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { FastJsonPlusSerializer } from "@flg/checkpoint-sqlite/serde";

import { patchLangGraph, unpatchLangGraph } from "@flg/shim";

import { SCENARIOS } from "./fixtures/graph-suite.js";

const SAVERS: Record<string, () => BaseCheckpointSaver> = {
  MemorySaver: () => new MemorySaver(),
  "official SqliteSaver": () => SqliteSaver.fromConnString(":memory:"),
};

const originals = {
  dumpsTyped: JsonPlusSerializer.prototype.dumpsTyped,
  loadsTyped: JsonPlusSerializer.prototype.loadsTyped,
  update: BinaryOperatorAggregate.prototype.update,
};
const withoutShim = new Map<string, unknown>();
const fastWrites = vi.spyOn(FastJsonPlusSerializer.prototype, "stringify");
const fastReads = vi.spyOn(FastJsonPlusSerializer.prototype, "parse");

describe.each([
  { label: "without the shim", shim: false },
  { label: "with the shim", shim: true },
])("graph suite $label", ({ shim }) => {
  beforeAll(async () => {
    fastWrites.mockClear();
    fastReads.mockClear();
    if (!shim) return;
    const report = await patchLangGraph();
    const patched = report.entries.filter((e) => e.status === "patched").map((e) => `${e.patch}/${e.copy}`);
    expect(patched.sort()).toEqual(["messagesReducer/cjs", "messagesReducer/esm", "serializer/cjs", "serializer/esm"]);
  });
  afterAll(() => {
    if (!shim) {
      expect(fastWrites).not.toHaveBeenCalled();
      return;
    }
    unpatchLangGraph();
    // The shim pass went through the fast serializer (reads of states holding a ToolMessage fall
    // back to JsonPlus, see src/patches/serializer.ts; the other scenarios read fast).
    expect(fastWrites.mock.calls.length).toBeGreaterThan(100);
    expect(fastReads.mock.calls.length).toBeGreaterThan(10);
  });

  it("runs on the expected methods", () => {
    expect(JsonPlusSerializer.prototype.dumpsTyped === originals.dumpsTyped).toBe(!shim);
    expect(JsonPlusSerializer.prototype.loadsTyped === originals.loadsTyped).toBe(!shim);
    expect(BinaryOperatorAggregate.prototype.update === originals.update).toBe(!shim);
  });

  for (const [saverName, makeSaver] of Object.entries(SAVERS)) {
    for (const scenario of SCENARIOS) {
      it(`${scenario.name} (${saverName})`, async () => {
        const saver = makeSaver();
        const transcript = await scenario.run(saver);
        const key = `${scenario.name} / ${saverName}`;
        if (!shim) withoutShim.set(key, transcript.entries);
        else {
          expect(withoutShim.has(key), "the run without the shim comes first").toBe(true);
          expect(transcript.entries).toStrictEqual(withoutShim.get(key));
        }
      });
    }
  }
});
