import { AIMessage, BaseMessage, HumanMessage, RemoveMessage } from "@langchain/core/messages";
import { messagesDeltaReducer as langgraphDeltaReducer } from "@langchain/langgraph";
import fc from "fast-check";

import { messagesDeltaReducer } from "@flg/state";
import { Provenance, build, buildUpdate, descArb, errorView, updateArb, type Desc, type ErrorView, type Update } from "./message-fixtures.js";

type DeltaReducer = (state: never, writes: never) => BaseMessage[];

/** Like the messagesStateReducer programs, with a batch of writes per step (one DeltaChannel.update). */
interface Program {
  init: Desc[];
  steps: Array<{ thread: number; base: "newest" | number; twice: boolean; writes: Update[] }>;
}

const programArb = (threads: number, minSteps: number, maxSteps: number): fc.Arbitrary<Program> =>
  fc.record({
    init: fc.array(descArb, { maxLength: 6 }),
    steps: fc.array(
      fc.record({
        thread: fc.nat(threads - 1),
        base: fc.oneof({ weight: 5, arbitrary: fc.constant("newest" as const) }, { weight: 1, arbitrary: fc.nat(30) }),
        twice: fc.boolean(),
        writes: fc.array(updateArb, { minLength: 1, maxLength: 3 }),
      }),
      { minLength: minSteps, maxLength: maxSteps },
    ),
  });

type StepView = { ok: BaseMessage[]; from: string[]; fresh: boolean } | ErrorView;

function run(reducer: DeltaReducer, program: Program): StepView[] {
  const prov = new Provenance();
  const init = program.init.map(build);
  prov.labelUpdate(init, "init");
  const histories = new Map<number, unknown[][]>();
  const views: StepView[] = [];
  program.steps.forEach((step, i) => {
    let history = histories.get(step.thread);
    if (history === undefined) histories.set(step.thread, (history = [step.thread === 0 ? init : []]));
    const state = step.base === "newest" ? history[history.length - 1] : history[step.base % history.length];
    const writes = step.writes.map((w, j) => {
      const built = buildUpdate(w);
      prov.labelUpdate(built, `s${i}.${j}`);
      return built;
    });
    try {
      if (step.twice) reducer(state as never, writes as never);
      const out = reducer(state as never, writes as never);
      views.push({ ok: out, from: prov.of(out), fresh: out !== state });
      prov.labelUpdate(out, `out${i}`);
      history.push(out);
    } catch (e) {
      views.push(errorView(e));
    }
  });
  return views;
}

describe("messagesDeltaReducer: differential against @langchain/langgraph 1.7.3", () => {
  it("same outputs, object identity and errors over random batches", () => {
    fc.assert(
      fc.property(programArb(1, 0, 12), (program) => {
        expect(run(messagesDeltaReducer as DeltaReducer, program)).toStrictEqual(run(langgraphDeltaReducer as DeltaReducer, program));
      }),
      { numRuns: 500 },
    );
  });

  it("same outputs over long histories, many threads interleaved", () => {
    fc.assert(
      fc.property(programArb(30, 60, 200), (program) => {
        expect(run(messagesDeltaReducer as DeltaReducer, program)).toStrictEqual(run(langgraphDeltaReducer as DeltaReducer, program));
      }),
      { numRuns: 30 },
    );
  });

  it("is batching-invariant, as DeltaChannel requires: r(r(s, xs), ys) equals r(s, [...xs, ...ys]) (state without duplicate ids)", () => {
    const writesArb = fc.array(updateArb, { maxLength: 4 });
    fc.assert(
      fc.property(fc.array(descArb, { maxLength: 5 }), writesArb, writesArb, (init, xs, ys) => {
        const outcome = (f: () => BaseMessage[]) => {
          try {
            return f().map((m) => [m.getType(), m.id, m.content]);
          } catch (e) {
            return errorView(e);
          }
        };
        // Same message objects on both sides: `toMessage` is deterministic, ids are not generated.
        const state = init.map(build);
        const ids = state.map((m) => (m as { id?: unknown }).id).filter((id) => id != null);
        fc.pre(new Set(ids).size === ids.length); // LangGraph's own reducer is not invariant with duplicates (test above)
        const xw = xs.map(buildUpdate);
        const yw = ys.map(buildUpdate);
        const stepwise = outcome(() => messagesDeltaReducer(messagesDeltaReducer(state as never, xw as never), yw as never));
        const batched = outcome(() => messagesDeltaReducer(state as never, [...xw, ...yw] as never));
        if ("error" in (stepwise as object) || "error" in (batched as object)) return; // which batch throws differs
        expect(stepwise).toEqual(batched);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps LangGraph's quirk: a state whose first element is a message is not coerced, otherwise all of it is", () => {
    const scenario = (reducer: DeltaReducer) => {
      // A serialized message (its `id` is the class path; its message id is in kwargs) kept as it is.
      const serialized = { lc: 1, type: "constructor", id: ["langchain_core", "messages", "HumanMessage"], kwargs: { content: "b", id: "b" } };
      const state = [new HumanMessage({ content: "a", id: "a" }), serialized];
      const s1 = reducer(state as never, [new AIMessage({ content: "c", id: "c" })] as never);
      const s2 = reducer(s1 as never, [new RemoveMessage({ id: "a" })] as never); // [serialized, c]
      const s3 = reducer(s2 as never, [new HumanMessage({ content: "b2", id: "b" })] as never); // coerced now: replaces b
      return [s1, s2, s3].map((s) => s.map((m) => [m.constructor.name, (m as { content?: unknown }).content]));
    };
    const ours = scenario(messagesDeltaReducer as DeltaReducer);
    expect(ours).toStrictEqual(scenario(langgraphDeltaReducer as DeltaReducer));
    expect(ours[1][0]).toEqual(["Object", undefined]);
    expect(ours[2]).toEqual([
      ["HumanMessage", "b2"],
      ["AIMessage", "c"],
    ]);
  });

  it("keeps LangGraph's other quirk: with duplicate ids, a removal takes only the last one, so batching matters", () => {
    const scenario = (reducer: DeltaReducer, batched: boolean) => {
      const state = [new HumanMessage({ content: "1", id: "d" }), new HumanMessage({ content: "2", id: "d" })];
      const w1 = [new RemoveMessage({ id: "d" })];
      const w2 = [new HumanMessage({ content: "3", id: "d" })];
      const out = batched ? reducer(state as never, [w1, w2] as never) : reducer(reducer(state as never, [w1] as never) as never, [w2] as never);
      return out.map((m) => m.content);
    };
    for (const batched of [true, false]) {
      expect(scenario(messagesDeltaReducer as DeltaReducer, batched)).toEqual(scenario(langgraphDeltaReducer as DeltaReducer, batched));
    }
    expect(scenario(messagesDeltaReducer as DeltaReducer, true)).toEqual(["1", "3"]);
    expect(scenario(messagesDeltaReducer as DeltaReducer, false)).toEqual(["3"]);
  });

  it("carries LangGraph's marker, so the graph loop stamps ids on written messages", () => {
    expect((messagesDeltaReducer as unknown as Record<symbol, unknown>)[Symbol.for("langgraph.messages_delta_reducer")]).toBe(true);
  });

  it("does not read the history when appending to a state it returned", () => {
    let state: BaseMessage[] = [];
    for (let i = 0; i < 300; i += 1) state = messagesDeltaReducer(state, [new HumanMessage({ content: `m${i}`, id: `id${i}` })]);
    let reads = 0;
    for (const m of state.slice(1)) {
      const id = m.id;
      Object.defineProperty(m, "id", {
        get: () => {
          reads += 1;
          return id;
        },
        configurable: true,
      });
    }
    const next = messagesDeltaReducer(state, [[new AIMessage({ content: "a", id: "new" })], new RemoveMessage({ id: "unknown" })]);
    expect(reads).toBe(0);
    expect(next).toHaveLength(301);
    // A removal shifts positions: the full loop, as LangGraph's.
    const removed = messagesDeltaReducer(next, [new RemoveMessage({ id: "id5" })]);
    expect(removed).toHaveLength(300);
    expect(reads).toBeGreaterThan(0);
  });
});
