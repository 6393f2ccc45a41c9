import { tmpdir } from "node:os";
import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";

import { deltaChannelHistoryTests, validate } from "@langchain/langgraph-checkpoint-validation";

import { SqliteSaver } from "@flg/checkpoint-sqlite";

// LangGraph's own conformance suite, under our own name: nothing in it is skipped for us.
const dir = mkdtempSync(join(tmpdir(), "flg-validate-"));
let counter = 0;

const initializer = {
  checkpointerName: "@flg/checkpoint-sqlite",
  createCheckpointer: () => SqliteSaver.fromConnString(join(dir, `validate-${(counter += 1)}.sqlite`)),
  destroyCheckpointer: (saver: SqliteSaver) => saver.close(),
  afterAll: () => rmSync(dir, { recursive: true, force: true }),
};

validate(initializer);
deltaChannelHistoryTests(initializer);
