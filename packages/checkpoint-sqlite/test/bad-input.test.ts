import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { RunnableConfig } from "@langchain/core/runnables";
import type { ChannelVersions, Checkpoint, CheckpointMetadata, CheckpointTuple } from "@langchain/langgraph-checkpoint";
import { afterAll, describe, expect, it } from "vitest";

import { FlgCheckpointError, SqliteSaver } from "@flg/checkpoint-sqlite";

import { openRaw } from "./fixtures/sqlite.js";

const dir = mkdtempSync(join(tmpdir(), "flg-bad-input-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCounter = 0;
const newFile = () => join(dir, `db-${(fileCounter += 1)}.sqlite`);

const THREAD = "bad-thread";
const root: RunnableConfig = { configurable: { thread_id: THREAD, checkpoint_ns: "" } };

function checkpoint(id: string, values: Record<string, unknown>, versions: ChannelVersions): Checkpoint {
  return { v: 4, id, ts: "2025-01-01T00:00:00.000Z", channel_values: values, channel_versions: versions, versions_seen: {} };
}

const meta = (step: number) => ({ source: "loop", step, parents: {} }) as CheckpointMetadata;

/** A thread with two good checkpoints (so list channels are stored as deltas) and some writes. */
async function seed(saver: SqliteSaver) {
  const v1 = saver.getNextVersion(undefined);
  const first = checkpoint("1f0-0001", { messages: [{ id: "m0", text: "hi" }], topic: "greeting", count: 1 }, { messages: v1, topic: v1, count: v1 });
  const c1 = await saver.put(root, first, meta(0), { messages: v1, topic: v1, count: v1 });
  const v2 = saver.getNextVersion(v1);
  const messages = [...(first.channel_values.messages as unknown[]), { id: "m1", text: "there" }];
  const second = checkpoint("1f0-0002", { messages, topic: "greeting", count: 2 }, { messages: v2, topic: v1, count: v2 });
  const c2 = await saver.put(c1, second, meta(1), { messages: v2, count: v2 });
  await saver.putWrites(c2, [["messages", { id: "w0" }]], "task-good", "~__pregel_pull, agent");
  return { config: c2, checkpoint: second, versions: second.channel_versions, messages };
}

async function listIds(saver: SqliteSaver, config: RunnableConfig = { configurable: { thread_id: THREAD } }) {
  const ids: string[] = [];
  for await (const tuple of saver.list(config)) ids.push(tuple.checkpoint.id);
  return ids;
}

function countRows(file: string): Record<string, number> {
  const raw = openRaw(file, { readonly: true });
  try {
    const count = (table: string) => (raw.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { checkpoints: count("flg_checkpoints"), blobs: count("flg_blobs"), writes: count("flg_writes") };
  } finally {
    raw.close();
  }
}

/** Awaits a promise that must reject with a FlgCheckpointError, and returns the error. */
async function flgError(promise: Promise<unknown>): Promise<FlgCheckpointError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, "expected a rejection").toBeInstanceOf(FlgCheckpointError);
  return err as FlgCheckpointError;
}

const cyclic = () => {
  const value: Record<string, unknown> = { name: "loop", child: {} };
  (value.child as Record<string, unknown>).parent = value;
  return value;
};

const badValues: Array<[string, string, () => unknown]> = [
  ["a function", "tool_output", () => () => 42],
  ["a symbol", "tool_output", () => Symbol("not storable")],
  ["a cyclic object", "tool_output", cyclic],
  ["a function inside an object", "tool_output", () => ({ ok: 1, nested: { callback: () => 1 } })],
  ["a function inside a new item of a list channel (stored as a delta)", "messages", () => "list"],
];

describe("values that cannot be stored", () => {
  it.each(badValues)("put with %s → FLG_SERIALIZE naming the channel; nothing of the checkpoint is written", async (_label, channel, make) => {
    const file = newFile();
    const saver = SqliteSaver.fromConnString(file);
    try {
      const good = await seed(saver);
      const before = await saver.getTuple(root);
      const rowsBefore = countRows(file);

      const v3 = saver.getNextVersion(good.versions.messages as number);
      const bad = make();
      const values: Record<string, unknown> = {
        messages: [...good.messages, { id: "m2", text: "new", ...(bad === "list" ? { render: () => "x" } : {}) }],
        topic: "changed",
        count: 3,
      };
      if (channel !== "messages") values[channel] = bad;
      const versions = { ...good.versions, messages: v3, topic: v3, count: v3, [channel]: v3 };
      const err = await flgError(saver.put(good.config, checkpoint("1f0-0003", values, versions), meta(2), { messages: v3, topic: v3, count: v3, [channel]: v3 }));

      expect(err.code).toBe("FLG_SERIALIZE");
      expect(err.location.channel).toBe(channel);
      expect(err.location.threadId).toBe(THREAD);
      expect(err.location.checkpointId).toBe("1f0-0003");
      expect(err.message).toContain(`"${channel}"`);

      // The previous checkpoint is intact and still the latest; the failed one left no trace.
      expect(await saver.getTuple(root)).toEqual(before);
      expect(await saver.getTuple({ configurable: { ...root.configurable, checkpoint_id: "1f0-0003" } })).toBeUndefined();
      expect(await listIds(saver)).toEqual(["1f0-0002", "1f0-0001"]);
      expect(countRows(file)).toEqual(rowsBefore);

      // The saver keeps working, list deltas included: the same put with storable values succeeds.
      const fixedValues = { ...values, messages: [...good.messages, { id: "m2", text: "new" }], ...(channel === "messages" ? {} : { [channel]: "fine" }) };
      await saver.put(good.config, checkpoint("1f0-0003", fixedValues, versions), meta(2), { messages: v3, topic: v3, count: v3, [channel]: v3 });
      const after = await saver.getTuple(root);
      expect(after?.checkpoint.id).toBe("1f0-0003");
      expect(after?.checkpoint.channel_values).toEqual(fixedValues);
      expect(after?.parentConfig?.configurable?.checkpoint_id).toBe("1f0-0002");
    } finally {
      saver.close();
    }
  });

  it.each(badValues.slice(0, 4))("putWrites with %s → FLG_SERIALIZE naming the channel and the task; none of the call's writes is stored", async (_label, _channel, make) => {
    const file = newFile();
    const saver = SqliteSaver.fromConnString(file);
    try {
      const good = await seed(saver);
      const before = await saver.getTuple(root);
      const rowsBefore = countRows(file);
      const err = await flgError(
        saver.putWrites(
          good.config,
          [
            ["messages", { id: "fine" }],
            ["tool_output", make()],
          ],
          "task-42",
          "~__pregel_push, 3",
        ),
      );
      expect(err.code).toBe("FLG_SERIALIZE");
      expect(err.location.channel).toBe("tool_output");
      expect(err.location.taskId).toBe("task-42");
      expect(err.message).toContain('"tool_output"');
      expect(err.message).toContain("task-42");

      expect(await saver.getTuple(root)).toEqual(before);
      expect(countRows(file)).toEqual(rowsBefore);

      await saver.putWrites(good.config, [["tool_output", "fine"]], "task-42", "~__pregel_push, 3");
      expect((await saver.getTuple(root))?.pendingWrites).toEqual([...(before?.pendingWrites ?? []), ["task-42", "tool_output", "fine"]]);
    } finally {
      saver.close();
    }
  });

  it("a special write (__error__) holding a function is refused the same way and does not replace the stored one", async () => {
    const saver = SqliteSaver.fromConnString(":memory:");
    try {
      const good = await seed(saver);
      await saver.putWrites(good.config, [["__error__", { message: "first failure" }]], "task-err");
      const err = await flgError(saver.putWrites(good.config, [["__error__", { message: "second", retry: () => 1 }]], "task-err"));
      expect(err.code).toBe("FLG_SERIALIZE");
      expect(err.location.channel).toBe("__error__");
      const writes = (await saver.getTuple(root))?.pendingWrites ?? [];
      expect(writes.filter(([task]) => task === "task-err")).toEqual([["task-err", "__error__", { message: "first failure" }]]);
    } finally {
      saver.close();
    }
  });
});

describe("list filters are data, never SQL", () => {
  const nasty = [
    "a'); DROP TABLE flg_checkpoints; --",
    "x\" OR 1=1 --",
    "source' OR '1'='1",
    "$.source",
    "source.nested",
    "step]",
    "*",
    "%",
    "\u0000",
  ];

  it("odd keys match nothing unless a checkpoint has exactly that key; the tables survive", async () => {
    const file = newFile();
    const saver = SqliteSaver.fromConnString(file);
    try {
      await seed(saver);
      const v = saver.getNextVersion(undefined);
      const odd = { source: "loop", step: 9, "a'); DROP TABLE flg_checkpoints; --": "yes", "source.nested": 1, nested: { source: "loop" } } as unknown as CheckpointMetadata;
      await saver.put({ configurable: { thread_id: "odd", checkpoint_ns: "" } }, checkpoint("1f0-0009", { topic: "x" }, { topic: v }), odd, { topic: v });

      const found = async (filter: Record<string, unknown>) => {
        const ids: string[] = [];
        for await (const tuple of saver.list({}, { filter })) ids.push(tuple.checkpoint.id);
        return ids;
      };
      for (const key of nasty) {
        if (key in odd) continue;
        expect(await found({ [key]: 1 }), key).toEqual([]);
        expect(await found({ [key]: "loop" }), key).toEqual([]);
      }
      // A value that looks like SQL is just a string.
      expect(await found({ source: "loop' OR '1'='1" })).toEqual([]);
      expect(await found({ step: "1 OR 1=1" })).toEqual([]);
      // Keys are exact: no JSON-path reading of dots or "$." (the official saver nests on dots).
      expect(await found({ "a'); DROP TABLE flg_checkpoints; --": "yes" })).toEqual(["1f0-0009"]);
      expect(await found({ "source.nested": 1 })).toEqual(["1f0-0009"]);
      expect(await found({ "nested.source": "loop" })).toEqual([]);
      expect(await found({ nested: { source: "loop" } })).toEqual(["1f0-0009"]);
      expect(await found({ source: "loop", step: 9 })).toEqual(["1f0-0009"]);

      // Everything is still there.
      expect(await found({})).toEqual(["1f0-0009", "1f0-0002", "1f0-0001"]);
      const raw = openRaw(file, { readonly: true });
      try {
        const tables = (raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((t) => t.name);
        expect(tables).toEqual(expect.arrayContaining(["flg_checkpoints", "flg_blobs", "flg_writes"]));
      } finally {
        raw.close();
      }
    } finally {
      saver.close();
    }
  });

  it("thread ids, namespaces and task ids that look like SQL are stored and read back verbatim", async () => {
    const saver = SqliteSaver.fromConnString(":memory:");
    try {
      const thread = "t'); DELETE FROM flg_blobs; --";
      const ns = "ns\" OR \"1\"=\"1|child:'x'";
      const v = saver.getNextVersion(undefined);
      const config = await saver.put({ configurable: { thread_id: thread, checkpoint_ns: ns } }, checkpoint("1f0-0100", { topic: "x" }, { topic: v }), meta(0), {
        topic: v,
      });
      await saver.putWrites(config, [["topic", "w"]], "task'); --", "");
      const tuple = await saver.getTuple({ configurable: { thread_id: thread, checkpoint_ns: ns } });
      expect(tuple?.config).toEqual({ configurable: { thread_id: thread, checkpoint_ns: ns, checkpoint_id: "1f0-0100" } });
      expect(tuple?.checkpoint.channel_values).toEqual({ topic: "x" });
      expect(tuple?.pendingWrites).toEqual([["task'); --", "topic", "w"]]);
      expect(await saver.getTuple({ configurable: { thread_id: "t", checkpoint_ns: ns } })).toBeUndefined();
      await saver.deleteThread("t' OR '1'='1");
      expect(await listIds(saver, { configurable: { thread_id: thread } })).toEqual(["1f0-0100"]);
      await saver.deleteThread(thread);
      expect(await listIds(saver, { configurable: { thread_id: thread } })).toEqual([]);
    } finally {
      saver.close();
    }
  });
});

describe("a corrupt database", () => {
  const garbage: Array<[string, Buffer]> = [
    ["binary garbage", Buffer.from([0xff, 0xfe, 0x00, 0x13, 0x37, 0xc3, 0x28, 0x80])],
    ["truncated JSON", Buffer.from('{"lc":1,"type":"constructor","id":["langchain_core"', "utf8")],
  ];

  for (const [label, bytes] of garbage) {
    it(`a plain channel blob overwritten with ${label} → FLG_DESERIALIZE naming the channel, not a crash`, async () => {
      const file = newFile();
      let saver = SqliteSaver.fromConnString(file);
      await seed(saver);
      const v = saver.getNextVersion(undefined);
      await saver.put({ configurable: { thread_id: "healthy", checkpoint_ns: "" } }, checkpoint("1f0-0050", { topic: "fine" }, { topic: v }), meta(0), { topic: v });
      saver.close();

      const raw = openRaw(file);
      try {
        expect(raw.prepare("UPDATE flg_blobs SET value = ? WHERE thread_id = ? AND channel = 'topic'").run(bytes, THREAD).changes).toBe(1);
      } finally {
        raw.close();
      }

      saver = SqliteSaver.fromConnString(file);
      try {
        for (const attempt of [
          () => saver.getTuple(root),
          () => saver.getTuple({ configurable: { ...root.configurable, checkpoint_id: "1f0-0001" } }),
          () => listIds(saver),
        ]) {
          const err = await flgError(attempt());
          expect(err.code).toBe("FLG_DESERIALIZE");
          expect(err.location.channel).toBe("topic");
          expect(err.message).toContain('"topic"');
          expect(err.location.threadId).toBe(THREAD);
        }
        // Other threads are unaffected.
        expect((await saver.getTuple({ configurable: { thread_id: "healthy" } }))?.checkpoint.channel_values).toEqual({ topic: "fine" });
      } finally {
        saver.close();
      }
    });
  }

  it("a corrupt pending write → FLG_DESERIALIZE naming the channel and the task", async () => {
    const file = newFile();
    let saver = SqliteSaver.fromConnString(file);
    await seed(saver);
    saver.close();
    const raw = openRaw(file);
    try {
      expect(raw.prepare("UPDATE flg_writes SET value = ? WHERE task_id = 'task-good'").run(Buffer.from("{oops", "utf8")).changes).toBe(1);
    } finally {
      raw.close();
    }
    saver = SqliteSaver.fromConnString(file);
    try {
      const err = await flgError(saver.getTuple(root));
      expect(err.code).toBe("FLG_DESERIALIZE");
      expect(err.location.channel).toBe("messages");
      expect(err.location.taskId).toBe("task-good");
      expect(err.message).toContain("task-good");
    } finally {
      saver.close();
    }
  });

  it("a corrupt list delta → FLG_DESERIALIZE naming the channel", async () => {
    const file = newFile();
    let saver = SqliteSaver.fromConnString(file);
    await seed(saver);
    saver.close();
    const raw = openRaw(file);
    try {
      const deltas = raw.prepare("SELECT version FROM flg_blobs WHERE channel = 'messages' AND base_version IS NOT NULL").all();
      expect(deltas.length, "the second messages value is stored as a delta").toBe(1);
      raw.prepare("UPDATE flg_blobs SET value = ? WHERE channel = 'messages' AND base_version IS NOT NULL").run(Buffer.from("[{\"id\": ", "utf8"));
    } finally {
      raw.close();
    }
    saver = SqliteSaver.fromConnString(file);
    try {
      const err = await flgError(saver.getTuple(root));
      expect(err.code).toBe("FLG_DESERIALIZE");
      expect(err.location.channel).toBe("messages");
      expect(err.message).toContain('"messages"');
      // The first checkpoint does not depend on the delta.
      expect((await saver.getTuple({ configurable: { ...root.configurable, checkpoint_id: "1f0-0001" } }))?.checkpoint.channel_values.messages).toEqual([
        { id: "m0", text: "hi" },
      ]);
    } finally {
      saver.close();
    }
  });
});

describe("a closed saver", () => {
  it("every method rejects with FLG_CLOSED; close() twice is harmless", async () => {
    const saver = SqliteSaver.fromConnString(newFile());
    const good = await seed(saver);
    saver.close();
    expect(() => saver.close()).not.toThrow();
    const v = saver.getNextVersion(undefined);
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["getTuple", () => saver.getTuple(root)],
      ["list", () => saver.list(root).next()],
      ["put", () => saver.put(good.config, checkpoint("1f0-0003", { topic: "x" }, { topic: v }), meta(2), { topic: v })],
      ["putWrites", () => saver.putWrites(good.config, [["topic", 1]], "task")],
      ["deleteThread", () => saver.deleteThread(THREAD)],
      ["getDeltaChannelHistory", () => saver.getDeltaChannelHistory({ config: good.config, channels: ["messages"] })],
    ];
    for (const [name, call] of calls) {
      const err = await flgError(call());
      expect(err.code, name).toBe("FLG_CLOSED");
    }
  });

  it("close() right after a put lets the put finish; the checkpoint is there on reopen", async () => {
    const file = newFile();
    const saver = SqliteSaver.fromConnString(file);
    const v = saver.getNextVersion(undefined);
    const pending = saver.put(root, checkpoint("1f0-0001", { topic: "kept" }, { topic: v }), meta(0), { topic: v });
    saver.close();
    await expect(pending).resolves.toEqual({ configurable: { thread_id: THREAD, checkpoint_ns: "", checkpoint_id: "1f0-0001" } });
    const reopened = SqliteSaver.fromConnString(file);
    try {
      const tuple: CheckpointTuple | undefined = await reopened.getTuple(root);
      expect(tuple?.checkpoint.channel_values).toEqual({ topic: "kept" });
    } finally {
      reopened.close();
    }
  });
});
