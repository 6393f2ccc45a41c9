import { createRequire } from "node:module";

import { emptyCheckpoint } from "@langchain/langgraph-checkpoint";

import * as esm from "@flg/checkpoint-sqlite";

// Users load the package both ways; each build must find the native core on its own.
const require = createRequire(import.meta.url);

describe("package entry points", () => {
  it.each([
    ["require (CJS)", () => require("@flg/checkpoint-sqlite") as typeof esm],
    ["import (ESM)", () => esm],
  ])("%s gives a working SqliteSaver", async (_name, load) => {
    const { SqliteSaver, FlgCheckpointError } = load();
    const saver = SqliteSaver.fromConnString(":memory:");
    const checkpoint = { ...emptyCheckpoint(), channel_values: { x: 1 }, channel_versions: { x: 1 } };
    const config = await saver.put({ configurable: { thread_id: "t" } }, checkpoint, { source: "input", step: -1, parents: {} }, { x: 1 });
    expect((await saver.getTuple(config))?.checkpoint.channel_values).toEqual({ x: 1 });
    await saver.close();
    await expect(saver.getTuple(config)).rejects.toBeInstanceOf(FlgCheckpointError);
  });

  it("exposes the serializer subpath in both formats", () => {
    expect(typeof require("@flg/checkpoint-sqlite/serde").FastJsonPlusSerializer).toBe("function");
  });
});
