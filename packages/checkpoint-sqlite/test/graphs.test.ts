import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { HumanMessage } from "@langchain/core/messages";
import type { RunnableConfig } from "@langchain/core/runnables";
import { Command, type StateSnapshot } from "@langchain/langgraph";
import { MemorySaver, type BaseCheckpointSaver } from "@langchain/langgraph-checkpoint";
import { SqliteSaver as OfficialSqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";
import { afterAll, describe, expect, it } from "vitest";

import { SqliteSaver } from "@flg/checkpoint-sqlite";

import {
  agentGraph,
  approvalGraph,
  fanOutGraph,
  history,
  nestedGraph,
  normalizedHistory,
  normalizeSnapshot,
  normalizeValues,
} from "./fixtures/graphs.js";

// Real LangGraph graphs run with identical inputs on ours, the official SqliteSaver and
// MemorySaver; every observable result (final state, getState, getStateHistory, pending writes)
// must be the same, modulo checkpoint ids and timestamps.

const dir = mkdtempSync(join(tmpdir(), "flg-graphs-"));
const opened: Array<() => void> = [];
afterAll(() => {
  for (const close of opened) close();
  rmSync(dir, { recursive: true, force: true });
});

type Kind = "ours" | "official" | "memory";
const KINDS: Kind[] = ["ours", "official", "memory"];
let fileCounter = 0;

/** A factory per saver kind; each call opens a new instance on the same file (a "restart"). */
function opener(kind: Kind): () => BaseCheckpointSaver {
  const file = join(dir, `${kind}-${(fileCounter += 1)}.sqlite`);
  const memory = new MemorySaver();
  return () => {
    if (kind === "memory") return memory;
    if (kind === "ours") {
      const saver = SqliteSaver.fromConnString(file);
      opened.push(() => saver.close());
      return saver;
    }
    const saver = OfficialSqliteSaver.fromConnString(file);
    opened.push(() => (saver as unknown as { db: { close(): void } }).db.close());
    return saver;
  };
}

/**
 * Runs a scenario on every saver kind and expects ours to match the official saver and
 * MemorySaver. `notOfficial` keys are compared with MemorySaver only (the official saver ignores
 * task paths, so its pending writes come back in task-id order).
 */
async function differential<T extends object>(
  scenario: (open: () => BaseCheckpointSaver) => Promise<T>,
  notOfficial: Array<keyof T> = [],
): Promise<Record<Kind, T>> {
  const results = {} as Record<Kind, T>;
  for (const kind of KINDS) results[kind] = await scenario(opener(kind));
  const without = (value: T) => Object.fromEntries(Object.entries(value).filter(([k]) => !notOfficial.includes(k as keyof T)));
  expect(without(results.ours), "ours vs official SqliteSaver").toEqual(without(results.official));
  expect(results.ours, "ours vs MemorySaver").toEqual(results.memory);
  return results;
}

const human = (id: string, content: string) => new HumanMessage({ id, content });
const interrupts = (result: Record<string, unknown>) => (result.__interrupt__ as Array<{ value: unknown }> | undefined)?.map((i) => i.value);

describe("LangGraph graphs on ours vs the official SqliteSaver", () => {
  it("agent loop with tool calls (~20 supersteps): final state, getState and full history match", async () => {
    const { ours } = await differential(async (open) => {
      const graph = agentGraph(open(), 9);
      const config = { configurable: { thread_id: "agent-loop" } };
      const final = await graph.invoke({ messages: [human("h1", "add some numbers")] }, config);
      // A second turn on the same thread, after a restart.
      const again = agentGraph(open(), 2);
      const second = await again.invoke({ messages: [human("h2", "once more")] }, config);
      return {
        final: normalizeValues(final),
        second: normalizeValues(second),
        state: normalizeSnapshot(await again.getState(config)),
        history: await normalizedHistory(again, config),
      };
    });
    const final = ours.final as { messages: unknown[] };
    expect(final.messages).toHaveLength(1 + 9 * 3 + 1);
    expect((ours.second as { messages: unknown[] }).messages).toHaveLength(29 + 1 + 2 * 3 + 1);
    expect(ours.history.length).toBeGreaterThanOrEqual(20 + 7);
  });

  it("interrupt() inside a node, resumed twice with Command({ resume }) across restarts", async () => {
    const { ours } = await differential(async (open) => {
      const config = { configurable: { thread_id: "approval" } };
      const first = await approvalGraph(open()).invoke({ messages: [human("h1", "write a post")] }, config);
      const pausedGraph = approvalGraph(open());
      const paused = await pausedGraph.getState(config);
      const second = await approvalGraph(open()).invoke(new Command({ resume: "approved" }), config);
      const graph = approvalGraph(open());
      const third = await graph.invoke(new Command({ resume: { why: "reads well" } }), config);
      return {
        first: { interrupts: interrupts(first), messages: normalizeValues(first.messages) },
        paused: normalizeSnapshot(paused),
        second: { interrupts: interrupts(second) },
        third: normalizeValues(third),
        history: await normalizedHistory(graph, config),
      };
    });
    expect(ours.first.interrupts).toEqual([{ question: "approve?", draft: "draft reply" }]);
    expect(ours.second.interrupts).toEqual(["why?"]);
    expect((ours.third as { messages: Array<{ content: string }> }).messages.map((m) => m.content)).toEqual([
      "write a post",
      "draft reply",
      "approved: reads well",
      "published",
    ]);
  });

  it("a subgraph as a node: its checkpoints live under a non-empty checkpoint_ns; getState({ subgraphs: true }) and resume match", async () => {
    const { ours } = await differential(async (open) => {
      const saver = open();
      const graph = nestedGraph(saver);
      const config = { configurable: { thread_id: "nested" } };
      const first = await graph.invoke({ messages: [human("h1", "go")] }, config);
      const withSubgraphs = await graph.getState(config, { subgraphs: true });
      const subState = withSubgraphs.tasks[0]?.state as StateSnapshot | undefined;
      const subNs = String(subState?.config.configurable?.checkpoint_ns ?? "");
      const subCheckpoints = [];
      for await (const tuple of saver.list({ configurable: { thread_id: "nested", checkpoint_ns: subNs } })) {
        subCheckpoints.push({ ns: tuple.config.configurable?.checkpoint_ns === subNs, metadata: tuple.metadata?.source, step: tuple.metadata?.step });
      }
      const everything = [];
      for await (const tuple of saver.list({ configurable: { thread_id: "nested" } })) everything.push(tuple.config.configurable?.checkpoint_ns === "");
      const second = await nestedGraph(open()).invoke(new Command({ resume: "42" }), config);
      return {
        first: { interrupts: interrupts(first) },
        subNsIsSet: subNs.startsWith("sub:"),
        withSubgraphs: normalizeSnapshot(withSubgraphs),
        subCheckpoints,
        rootVsSubCounts: [everything.filter(Boolean).length, everything.filter((x) => !x).length],
        second: normalizeValues(second),
        history: await normalizedHistory(graph, config),
      };
    });
    expect(ours.subNsIsSet).toBe(true);
    expect(ours.subCheckpoints.length).toBeGreaterThanOrEqual(2);
    expect(ours.first.interrupts).toEqual(["inner question"]);
    expect(
      ((ours.withSubgraphs as { tasks: Array<{ state: { values: { messages: Array<{ content: string }> } } }> }).tasks[0].state.values.messages).map(
        (m) => m.content,
      ),
    ).toEqual(["go", "before", "inner a"]);
  });

  it("time travel: updateState on an older checkpoint forks; the fork continues and nothing leaks between branches", async () => {
    const { ours } = await differential(async (open) => {
      const graph = agentGraph(open(), 3);
      const config = { configurable: { thread_id: "travel" } };
      const original = await graph.invoke({ messages: [human("h1", "start")] }, config);
      const originalHead = (await graph.getState(config)).config;
      const before = await history(graph, config);
      // The checkpoint after the first tool round: next is the agent again.
      const target = before.find((s) => s.metadata?.step === 2)!;
      expect(target.next).toEqual(["agent"]);
      const forkConfig = await graph.updateState(target.config, { messages: [human("fork-h", "forked question")] }, "tools");
      const forked = await graph.invoke(null, forkConfig);
      // Replaying an older checkpoint without changes is another branch.
      const replayTarget = before.find((s) => s.metadata?.step === 1)!;
      const replayed = await agentGraph(open(), 3).invoke(null, replayTarget.config);
      const originalAfter = await graph.getState(originalHead as RunnableConfig);
      const targetAfter = await graph.getState(target.config);
      return {
        original: normalizeValues(original),
        forked: normalizeValues(forked),
        replayed: normalizeValues(replayed),
        originalAfter: normalizeValues(originalAfter.values),
        targetAfter: normalizeSnapshot(targetAfter),
        head: normalizeValues((await graph.getState(config)).values),
        history: await normalizedHistory(graph, config),
      };
    });
    type Msgs = { messages: Array<{ id: string; content: string }> };
    const original = ours.original as Msgs;
    const forked = ours.forked as Msgs;
    // The fork keeps the first 4 messages, then the forked question, then its own rounds.
    expect(forked.messages.slice(0, 4)).toEqual(original.messages.slice(0, 4));
    expect(forked.messages[4].content).toBe("forked question");
    expect(forked.messages.map((m) => m.content)).not.toContain(original.messages[4].content);
    // The original branch is untouched by the fork.
    expect(ours.originalAfter).toEqual(ours.original);
    expect((ours.originalAfter as Msgs).messages.map((m) => m.id)).not.toContain("fork-h");
    expect((ours.targetAfter as { values: Msgs }).values.messages).toHaveLength(4);
    expect((ours.replayed as Msgs).messages).toEqual(original.messages);
  });

  for (const durability of ["sync", "async", "exit"] as const) {
    it(`durability "${durability}": same final state and history as the official saver`, async () => {
      const { ours } = await differential(async (open) => {
        const graph = agentGraph(open(), 4);
        const config = { configurable: { thread_id: `durability-${durability}` } };
        const final = await graph.invoke({ messages: [human("h1", "go")] }, { ...config, durability });
        const second = await graph.invoke({ messages: [human("h2", "again")] }, { ...config, durability });
        const reopened = agentGraph(open(), 4);
        return {
          final: normalizeValues(final),
          second: normalizeValues(second),
          state: normalizeSnapshot(await reopened.getState(config)),
          history: await normalizedHistory(reopened, config),
        };
      });
      expect((ours.second as { messages: unknown[] }).messages).toHaveLength(2 * (1 + 4 * 3 + 1));
      if (durability === "exit") expect(ours.history.length).toBeLessThan(10);
      else expect(ours.history.length).toBeGreaterThan(20);
    });
  }

  it("twelve threads run concurrently on one saver: each thread's history matches", async () => {
    const { ours } = await differential(async (open) => {
      const saver = open();
      const threads = Array.from({ length: 12 }, (_, i) => `concurrent-${i}`);
      const finals = await Promise.all(
        threads.map((thread_id, i) => agentGraph(saver, 1 + (i % 4)).invoke({ messages: [human(`h-${i}`, `thread ${i}`)] }, { configurable: { thread_id } })),
      );
      const histories = [];
      for (const thread_id of threads) histories.push(await normalizedHistory(agentGraph(saver), { configurable: { thread_id } }));
      return { finals: finals.map(normalizeValues), histories };
    });
    expect(ours.histories.map((h) => h.length)).toEqual(Array.from({ length: 12 }, (_, i) => 2 * (1 + (i % 4)) + 3));
  });

  it("parallel Send and fan-out branches: pending writes of a failed superstep are saved in task-path order and reused", async () => {
    const { ours } = await differential(async (open) => {
      const saver = open();
      const calls = new Map<string, number>();
      const graph = fanOutGraph(saver, calls, 0);
      const config = { configurable: { thread_id: "fan-out" } };
      const items = [0, 1, 2, 3, 4, 5, 6];
      await expect(graph.invoke({ items }, config)).rejects.toThrow("worker 0 failed");
      const failed = await saver.getTuple(config);
      const pending = (failed?.pendingWrites ?? []).map(([, channel, value]) => [channel, channel === "__error__" ? (value as { message?: string }).message : value]);
      const failedState = normalizeSnapshot(await graph.getState(config));
      // Resume after a restart: only the failed worker runs again.
      const final = await fanOutGraph(open(), calls, 0).invoke(null, config);
      const byJson = (a: unknown, b: unknown) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
      return {
        pending,
        pendingAsSet: [...pending].sort(byJson),
        failedState,
        final: normalizeValues(final),
        calls: Object.fromEntries([...calls].sort()),
        history: await normalizedHistory(graph, config),
      };
    }, ["pending"]);
    expect(ours.calls).toEqual({ left: 1, middle: 1, right: 1, "worker-0": 2, "worker-1": 1, "worker-2": 1, "worker-3": 1, "worker-4": 1, "worker-5": 1, "worker-6": 1 });
    expect((ours.final as { summary: string }).summary).toBe(
      "plan 7,w0,w0-bis,w1,w1-bis,w2,w2-bis,w3,w3-bis,w4,w4-bis,w5,w5-bis,w6,w6-bis,left,middle,right",
    );
    // The successful workers' writes, in task order, were stored before the failure.
    const resultWrites = ours.pending.filter(([channel]) => channel === "results").map(([, value]) => value);
    expect(resultWrites).toEqual([1, 2, 3, 4, 5, 6].map((i) => [`w${i}`, `w${i}-bis`]));
  });
});
