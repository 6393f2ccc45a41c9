import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { HumanMessage } from "@langchain/core/messages";
import { Command } from "@langchain/langgraph";
import type { BaseCheckpointSaver, CheckpointTuple } from "@langchain/langgraph-checkpoint";
import { SqliteSaver as OfficialSqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { afterAll, describe, expect, it } from "vitest";

import { SqliteSaver } from "@flg/checkpoint-sqlite";

import { agentGraph, approvalGraph, fanOutGraph, history, normalizedHistory, normalizeSnapshot, normalizeValues } from "./fixtures/graphs.js";
import { closeOfficial, openRaw } from "./fixtures/sqlite.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const childScript = fileURLToPath(new URL("./fixtures/child-saver.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "flg-persistence-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs test/fixtures/child-saver.ts in a new Node process. */
function child(...args: Array<string | number>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", childScript, ...args.map(String)], {
      cwd: packageDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on("error", reject);
    proc.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function parse<T>(result: ChildResult): T {
  expect(result.stderr).not.toMatch(/BUSY|locked/i);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as T;
}

async function listAll(saver: BaseCheckpointSaver, threadId: string): Promise<CheckpointTuple[]> {
  const out: CheckpointTuple[] = [];
  for await (const tuple of saver.list({ configurable: { thread_id: threadId } })) out.push(tuple);
  return out;
}

describe("persistence across processes", () => {
  it("a new Node process reads what another wrote, and continues the thread", async () => {
    const db = join(dir, "cross-process.sqlite");
    type GraphRun = { final: { messages: unknown[] }; history: unknown[] };
    const first = parse<GraphRun>(await child("graph", db, "t-cross", "h1", 4));
    expect(first.final.messages).toHaveLength(1 + 4 * 3 + 1);

    // This process reads exactly what the child wrote.
    const saver = SqliteSaver.fromConnString(db);
    try {
      expect(await normalizedHistory(agentGraph(saver), { configurable: { thread_id: "t-cross" } })).toEqual(first.history);
    } finally {
      saver.close();
    }
    // Another process continues the thread from what the first one stored...
    const second = parse<GraphRun>(await child("graph", db, "t-cross", "h2", 2));
    expect(second.final.messages).toHaveLength(14 + 1 + 2 * 3 + 1);
    expect(second.final.messages.slice(0, 14)).toEqual(first.final.messages);
    expect(second.history.slice(-first.history.length)).toEqual(first.history);
    // ...and this process reads the result.
    const reopened = SqliteSaver.fromConnString(db);
    try {
      expect(await normalizedHistory(agentGraph(reopened), { configurable: { thread_id: "t-cross" } })).toEqual(second.history);
    } finally {
      reopened.close();
    }
  });

  it("two processes writing one file concurrently: every checkpoint lands, no SQLITE_BUSY surfaces", async () => {
    const db = join(dir, "concurrent.sqlite");
    const count = 250;
    // Create the schema first, so both writers open an existing database.
    SqliteSaver.fromConnString(db).close();

    // Phase 0: different threads; phase 1: both on the same thread. Each phase starts together.
    const barrier = mkdtempSync(join(dir, "barrier-"));
    const [a, b] = await Promise.all([child("write", db, "A", count, barrier, 2, "thread-a", "shared"), child("write", db, "B", count, barrier, 2, "thread-b", "shared")]);
    type Phase = { thread: string; wrote: number; started: number; ended: number };
    const [pa, pb] = [parse<Phase[]>(a), parse<Phase[]>(b)];
    for (const phase of [0, 1]) {
      expect([pa[phase].wrote, pb[phase].wrote]).toEqual([count, count]);
      // The two writers really overlapped in time.
      expect(Math.max(pa[phase].started, pb[phase].started)).toBeLessThan(Math.min(pa[phase].ended, pb[phase].ended));
    }

    const saver = SqliteSaver.fromConnString(db);
    try {
      for (const [thread, writers] of [
        ["thread-a", ["A"]],
        ["thread-b", ["B"]],
        ["shared", ["A", "B"]],
      ] as const) {
        const tuples = await listAll(saver, thread);
        expect(tuples).toHaveLength(count * writers.length);
        const written = (t: CheckpointTuple) => t.metadata as unknown as { writer: string; i: number };
        for (const writer of writers) {
          const mine = tuples.filter((t) => written(t).writer === writer);
          expect(mine.map((t) => written(t).i).sort((x, y) => x - y)).toEqual([...Array(count).keys()]);
          for (const tuple of mine) {
            const i = written(tuple).i;
            // Each writer's list channel was stored as deltas on its own versions: all intact.
            expect(tuple.checkpoint.channel_values.messages).toEqual(Array.from({ length: i + 1 }, (_, k) => ({ by: writer, i: k })));
            expect(tuple.checkpoint.channel_values[`only-${writer}`]).toBe(i);
            expect(tuple.pendingWrites).toEqual([[`task-${writer}-${i}`, "messages", { by: writer, i, pending: true }]]);
          }
        }
      }
    } finally {
      saver.close();
    }
  });
});

describe("a file written by the official SqliteSaver", () => {
  it("opened by ours: history equal, backup made once, and the runs continue exactly as on the official saver", async () => {
    const file = join(dir, "official.sqlite");
    const travel = { configurable: { thread_id: "travel" } };
    const approval = { configurable: { thread_id: "approval" } };
    const fan = { configurable: { thread_id: "fan" } };

    // 1. A real history written by the official saver: a finished agent run, a time-travel fork
    //    (integer channel versions repeat across the two branches), a run paused on interrupt(), and
    //    a Send fan-out whose superstep failed (the finished workers' writes are pending).
    {
      const official = OfficialSqliteSaver.fromConnString(file);
      const graph = agentGraph(official, 3);
      await graph.invoke({ messages: [new HumanMessage({ id: "h1", content: "start" })] }, travel);
      const target = (await history(graph, travel)).find((s) => s.metadata?.step === 2)!;
      const fork = await graph.updateState(target.config, { messages: [new HumanMessage({ id: "fork-h", content: "forked" })] }, "tools");
      await graph.invoke(null, fork);
      const paused = await approvalGraph(official).invoke({ messages: [new HumanMessage({ id: "a1", content: "post" })] }, approval);
      expect((paused as Record<string, unknown>).__interrupt__).toBeDefined();
      await expect(fanOutGraph(official, new Map(), 0).invoke({ items: [0, 1, 2, 3] }, fan)).rejects.toThrow("worker 0 failed");
      closeOfficial(official);
    }
    const copy = join(dir, "official-copy.sqlite");
    copyFileSync(file, copy);

    // 2. The same operations on the official saver (on the copy) and on ours (on the file).
    async function transcript(saver: BaseCheckpointSaver) {
      const graph = agentGraph(saver, 3);
      const before = await normalizedHistory(graph, travel);
      const beforeApproval = await normalizedHistory(graph, approval);
      const pausedState = normalizeSnapshot(await approvalGraph(saver).getState(approval));
      const continued = await graph.invoke({ messages: [new HumanMessage({ id: "h2", content: "after the import" })] }, travel);
      const resumed1 = await approvalGraph(saver).invoke(new Command({ resume: "yes" }), approval);
      const resumed2 = await approvalGraph(saver).invoke(new Command({ resume: { why: "fine" } }), approval);
      const calls = new Map<string, number>();
      const fanFinal = await fanOutGraph(saver, calls).invoke(null, fan);
      return {
        fanFinal: normalizeValues(fanFinal),
        fanCalls: Object.fromEntries([...calls].sort()),
        before,
        beforeApproval,
        pausedState,
        continued: normalizeValues(continued),
        resumed1: ((resumed1 as Record<string, unknown>).__interrupt__ as Array<{ value: unknown }> | undefined)?.map((i) => i.value),
        resumed2: normalizeValues(resumed2),
        after: await normalizedHistory(graph, travel),
        afterApproval: await normalizedHistory(graph, approval),
      };
    }
    const official = OfficialSqliteSaver.fromConnString(copy);
    const expected = await transcript(official);
    closeOfficial(official);

    const ours = SqliteSaver.fromConnString(file);
    let got;
    try {
      got = await transcript(ours);
    } finally {
      ours.close();
    }
    expect(got.before).toEqual(expected.before);
    expect(got.beforeApproval).toEqual(expected.beforeApproval);
    expect(got.pausedState).toEqual(expected.pausedState);
    expect(got.continued).toEqual(expected.continued);
    expect(got.resumed1).toEqual(["why?"]);
    // Only the failed worker runs again: the others' writes came through the import.
    expect(got.fanCalls).toEqual({ left: 1, middle: 1, right: 1, "worker-0": 1 });
    expect(got.fanFinal).toEqual(expected.fanFinal);
    expect(got).toEqual(expected);

    // The backup is the official file as it was: readable by the official saver, same history.
    const backup = `${file}.official-backup`;
    expect(existsSync(backup)).toBe(true);
    const fromBackup = OfficialSqliteSaver.fromConnString(backup);
    try {
      expect(await normalizedHistory(agentGraph(fromBackup), travel)).toEqual(expected.before);
    } finally {
      closeOfficial(fromBackup);
    }

    // Opening again neither imports twice nor makes a second backup.
    const again = SqliteSaver.fromConnString(file);
    try {
      expect(await normalizedHistory(agentGraph(again), travel)).toEqual(expected.after);
    } finally {
      again.close();
    }
    expect(readdirSync(dir).filter((name) => name.startsWith("official.sqlite.official-backup"))).toEqual(["official.sqlite.official-backup"]);
  });

  it("importOfficial: false leaves the official tables alone", async () => {
    const file = join(dir, "no-import.sqlite");
    const official = OfficialSqliteSaver.fromConnString(file);
    await agentGraph(official, 1).invoke({ messages: [new HumanMessage({ id: "h1", content: "x" })] }, { configurable: { thread_id: "t" } });
    closeOfficial(official);
    const ours = new SqliteSaver({ path: file, importOfficial: false });
    try {
      expect(await ours.getTuple({ configurable: { thread_id: "t" } })).toBeUndefined();
    } finally {
      ours.close();
    }
    expect(existsSync(`${file}.official-backup`)).toBe(false);
    const raw = openRaw(file, { readonly: true });
    try {
      expect((raw.prepare("SELECT COUNT(*) AS n FROM checkpoints").get() as { n: number }).n).toBeGreaterThan(0);
    } finally {
      raw.close();
    }
  });
});

describe("a fresh database", () => {
  for (const where of ["file", ":memory:"] as const) {
    it(`list / getTuple / deleteThread / getDeltaChannelHistory on an empty ${where} database don't throw`, async () => {
      const saver = SqliteSaver.fromConnString(where === "file" ? join(dir, "fresh.sqlite") : ":memory:");
      try {
        await expect(saver.deleteThread("nobody")).resolves.toBeUndefined();
        expect(await saver.getTuple({ configurable: { thread_id: "nobody" } })).toBeUndefined();
        expect(await saver.getTuple({ configurable: { thread_id: "nobody", checkpoint_ns: "x", checkpoint_id: "y" } })).toBeUndefined();
        expect(await listAll(saver, "nobody")).toEqual([]);
        const everything: CheckpointTuple[] = [];
        for await (const tuple of saver.list({}, { limit: 10, filter: { source: "loop" }, before: { configurable: { checkpoint_id: "z" } } })) everything.push(tuple);
        expect(everything).toEqual([]);
        expect(await saver.getDeltaChannelHistory({ config: { configurable: { thread_id: "nobody" } }, channels: ["messages"] })).toEqual({
          messages: { writes: [] },
        });
      } finally {
        saver.close();
      }
    });
  }
});
