import { AIMessage, BaseMessage, HumanMessage, RemoveMessage, ToolMessage } from "@langchain/core/messages";
import { messagesStateReducer as langgraphReducer } from "@langchain/langgraph";
import fc from "fast-check";

import { REMOVE_ALL_MESSAGES, addMessages, messagesReducer, messagesStateReducer } from "@flg/state";
import {
  Provenance,
  build,
  buildUpdate,
  descArb,
  errorView,
  resetUuid,
  stubUuid,
  updateArb,
  type Desc,
  type ErrorView,
  type Update,
} from "./message-fixtures.js";

type Reducer = (left: never, right: never) => BaseMessage[];

/**
 * A program: an initial `left`, then updates. Each update is applied to the newest state (the way
 * a channel calls the reducer) or to an older one (time travel, a fork); `twice` applies the same
 * `right` objects to the same `left` twice and keeps the second result, as LangGraph does when a
 * conditional edge reads the fresh state before the step's writes are applied for real.
 */
interface Program {
  init: { empty: true } | { many: Desc[] } | { single: Desc };
  /** `thread` (default 0) picks one of several independent histories; others start at []. */
  steps: Array<{ thread?: number; base: "newest" | number; twice: boolean; update: Update }>;
}

const programArb: fc.Arbitrary<Program> = fc.record({
  init: fc.oneof(
    { weight: 3, arbitrary: fc.constant({ empty: true as const }) },
    { weight: 3, arbitrary: fc.record({ many: fc.array(descArb, { maxLength: 6 }) }) },
    { weight: 1, arbitrary: fc.record({ single: descArb }) },
  ),
  steps: fc.array(
    fc.record({
      base: fc.oneof({ weight: 4, arbitrary: fc.constant("newest" as const) }, { weight: 1, arbitrary: fc.nat(30) }),
      twice: fc.boolean(),
      update: updateArb,
    }),
    { maxLength: 12 },
  ),
});

type StepView =
  | { ok: BaseMessage[]; from: string[]; fresh: boolean; leftKept: boolean }
  | ErrorView;

function run(reducer: Reducer, program: Program): StepView[] {
  resetUuid();
  const prov = new Provenance();
  const init = "empty" in program.init ? [] : "many" in program.init ? program.init.many.map(build) : build(program.init.single);
  prov.labelUpdate(init, "init");
  const histories = new Map<number, unknown[]>([[0, [init]]]);
  const views: StepView[] = [];
  program.steps.forEach((step, i) => {
    const thread = step.thread ?? 0;
    let history = histories.get(thread);
    if (history === undefined) histories.set(thread, (history = [[]]));
    const left = step.base === "newest" ? history[history.length - 1] : history[step.base % history.length];
    const right = buildUpdate(step.update);
    prov.labelUpdate(right, `s${i}`);
    const leftBefore = Array.isArray(left) ? [...left] : left;
    try {
      if (step.twice) reducer(left as never, right as never);
      const out = reducer(left as never, right as never);
      const leftKept = Array.isArray(left) ? left.length === (leftBefore as unknown[]).length && left.every((m, j) => m === (leftBefore as unknown[])[j]) : true;
      views.push({ ok: out, from: prov.of(out), fresh: out !== left, leftKept });
      prov.labelUpdate(out, `out${i}`);
      history.push(out);
    } catch (e) {
      views.push(errorView(e));
    }
  });
  return views;
}

describe("messagesStateReducer: differential against @langchain/langgraph 1.7.3", () => {
  let restore: () => void;
  beforeAll(() => {
    restore = stubUuid();
  });
  afterAll(() => restore());

  it("same outputs (messages, ids, object identity), same errors, over random programs", () => {
    fc.assert(
      fc.property(programArb, (program) => {
        const theirs = run(langgraphReducer as Reducer, program);
        const ours = run(messagesStateReducer as Reducer, program);
        expect(ours).toStrictEqual(theirs);
      }),
      { numRuns: 600 },
    );
  });

  it("same outputs over long chained histories with occasional forks", () => {
    // Fewer, longer programs: exercises the index across many calls and path trimming.
    const longArb = fc.record({
      init: fc.constant({ empty: true as const }),
      steps: fc.array(
        fc.record({
          base: fc.oneof({ weight: 20, arbitrary: fc.constant("newest" as const) }, { weight: 1, arbitrary: fc.nat(200) }),
          twice: fc.boolean(),
          update: updateArb,
        }),
        { minLength: 80, maxLength: 160 },
      ),
    }) as fc.Arbitrary<Program>;
    fc.assert(
      fc.property(longArb, (program) => {
        expect(run(messagesStateReducer as Reducer, program)).toStrictEqual(run(langgraphReducer as Reducer, program));
      }),
      { numRuns: 40 },
    );
  });

  it("same outputs with many threads interleaved (more lineages than the hot set holds)", () => {
    const threadsArb = fc.record({
      init: fc.constant({ empty: true as const }),
      steps: fc.array(
        fc.record({
          thread: fc.nat(40),
          base: fc.oneof({ weight: 10, arbitrary: fc.constant("newest" as const) }, { weight: 1, arbitrary: fc.nat(20) }),
          twice: fc.boolean(),
          update: updateArb,
        }),
        { minLength: 100, maxLength: 300 },
      ),
    }) as fc.Arbitrary<Program>;
    fc.assert(
      fc.property(threadsArb, (program) => {
        expect(run(messagesStateReducer as Reducer, program)).toStrictEqual(run(langgraphReducer as Reducer, program));
      }),
      { numRuns: 30 },
    );
  });

  it("exports the aliases LangGraph users know", () => {
    expect(messagesReducer).toBe(messagesStateReducer);
    expect(addMessages).toBe(messagesStateReducer);
    expect(REMOVE_ALL_MESSAGES).toBe("__remove_all__");
  });
});

describe("messagesStateReducer: unusual inputs, same outcome as LangGraph", () => {
  class MyAI extends AIMessage {}
  const humanType = () => "human"; // one function, so that outputs compare equal
  const cases: Array<[string, () => unknown, () => unknown]> = [
    ["right null", () => [], () => null],
    ["right undefined", () => [], () => undefined],
    ["right a number", () => [], () => 42],
    ["right {} (no type)", () => [], () => [{}]],
    ["right { type: 'ai' } without content", () => [], () => [{ type: "ai" }]],
    ["right { role: 'user' } without content", () => [], () => [{ role: "user" }]],
    ["right a subclass instance", () => [], () => [new MyAI({ content: "mine" })]],
    ["right a duck-typed message with lc_kwargs", () => [], () => [{ _getType: humanType, content: "duck", lc_kwargs: {} }]],
    ["right a duck-typed message without lc_kwargs", () => [], () => [{ _getType: humanType, content: "duck" }]],
    ["right sparse", () => [], () => [, new HumanMessage("after a hole")]], // eslint-disable-line no-sparse-arrays
    ["left sparse", () => [, new HumanMessage({ content: "x", id: "x" })], () => []], // eslint-disable-line no-sparse-arrays
    ["empty-string id is an id", () => [new HumanMessage({ content: "a", id: "" })], () => [new AIMessage({ content: "b", id: "" })]],
    ["numeric ids", () => [{ role: "user", content: "a", id: 5 }], () => [{ role: "assistant", content: "b", id: 5 }, new RemoveMessage({ id: 5 as never })]],
    ["left a single message", () => new HumanMessage({ content: "one", id: "1" }), () => new AIMessage({ content: "two", id: "2" })],
    ["left undefined", () => undefined, () => []],
    ["remove-all then removals of unknown ids are kept", () => [new HumanMessage({ content: "a", id: "a" })], () => [new RemoveMessage({ id: REMOVE_ALL_MESSAGES }), new RemoveMessage({ id: "zz" }), "x", "x"]],
    ["two remove-alls: the last wins", () => [], () => ["a", new RemoveMessage({ id: REMOVE_ALL_MESSAGES }), "b", new RemoveMessage({ id: REMOVE_ALL_MESSAGES }), "c"]],
    ["remove, then re-add the same id: kept in place", () => [new HumanMessage({ content: "a", id: "a" }), new HumanMessage({ content: "b", id: "b" })], () => [new RemoveMessage({ id: "a" }), new AIMessage({ content: "a2", id: "a" })]],
    ["duplicate ids in left: replace the last, remove all", () => [new HumanMessage({ content: "1", id: "d" }), new HumanMessage({ content: "2", id: "d" }), new HumanMessage({ content: "3", id: "e" })], () => [new AIMessage({ content: "r", id: "d" })]],
  ];
  let restore: () => void;
  beforeAll(() => {
    restore = stubUuid();
  });
  afterAll(() => restore());
  for (const [name, left, right] of cases) {
    it(name, () => {
      const outcome = (reducer: Reducer) => {
        resetUuid();
        try {
          // Twice: the second call sees `left` as an array this reducer may have returned before.
          const once = reducer(left() as never, right() as never);
          return { once, twice: reducer(once as never, right() as never) };
        } catch (e) {
          return errorView(e);
        }
      };
      expect(outcome(messagesStateReducer as Reducer)).toStrictEqual(outcome(langgraphReducer as Reducer));
    });
  }
});

describe("messagesStateReducer: behaviour", () => {
  it("throws LangGraph's error for a RemoveMessage with an unknown id, and leaves the index usable", () => {
    const state = messagesStateReducer([], [new HumanMessage({ content: "a", id: "1" })]);
    expect(() => messagesStateReducer(state, [new RemoveMessage({ id: "nope" })])).toThrow(
      new Error("Attempting to delete a message with an ID that doesn't exist ('nope')"),
    );
    // A message appended in the failed call must not be remembered as present.
    expect(() => messagesStateReducer(state, [new AIMessage({ content: "b", id: "2" }), new RemoveMessage({ id: "x" })])).toThrow();
    expect(() => messagesStateReducer(state, [new RemoveMessage({ id: "2" })])).toThrow(/'2'/);
    const next = messagesStateReducer(state, [new AIMessage({ content: "b", id: "2" })]);
    expect(next.map((m) => m.id)).toEqual(["1", "2"]);
  });

  it("reusing an old `left` (time travel) gives LangGraph's result, not the newest lineage's", () => {
    const restore = stubUuid();
    try {
      const steps = (reducer: Reducer) => {
        resetUuid();
        const s0 = reducer([] as never, [new HumanMessage({ content: "q", id: "h1" })] as never);
        const s1 = reducer(s0 as never, [new AIMessage({ content: "a1", id: "x" })] as never);
        const s2 = reducer(s1 as never, [new AIMessage({ content: "a2", id: "y" })] as never);
        // Back to s0: "x" and "y" are not in it, so these append (and a RemoveMessage of "y" throws).
        const t1 = reducer(s0 as never, [new AIMessage({ content: "b1", id: "y" }), new AIMessage({ content: "b2", id: "x" })] as never);
        let err: unknown;
        try {
          reducer(s0 as never, [new RemoveMessage({ id: "y" })] as never);
        } catch (e) {
          err = errorView(e);
        }
        // And forward again on the old branch: "y" is at index 2 in s2, replaced in place.
        const s3 = reducer(s2 as never, [new AIMessage({ content: "a2'", id: "y" }), "plain string"] as never);
        const t2 = reducer(t1 as never, [new RemoveMessage({ id: "x" })] as never);
        const s4 = reducer(s1 as never, [new AIMessage({ content: "a1'", id: "x" })] as never);
        return { s0, s1, s2, t1, err, s3, t2, s4 };
      };
      const ours = steps(messagesStateReducer as Reducer);
      const theirs = steps(langgraphReducer as Reducer);
      expect(ours).toStrictEqual(theirs);
      expect(ours.s3.map((m) => m.content)).toEqual(["q", "a1", "a2'", "plain string"]);
      expect(ours.t1.map((m) => m.content)).toEqual(["q", "b1", "b2"]);
    } finally {
      restore();
    }
  });

  it("time travel to an array found through the WeakMap, after its lineage's path was trimmed", () => {
    // White-box scenario for the index's bookkeeping (hot set of 16 lineages, path of 64 entries
    // trimmed by 32): run with both reducers, same inputs, same results.
    const scenario = (reducer: Reducer) => {
      const msg = (id: string) => new AIMessage({ content: id, id });
      let s = reducer([] as never, [msg("m0")] as never);
      for (let i = 1; i <= 32; i += 1) s = reducer(s as never, [msg(`m${i}`)] as never);
      const s32 = s;
      // Evict this lineage from the hot set: s32 goes to the WeakMap.
      for (let t = 0; t < 40; t += 1) reducer([] as never, [msg(`other${t}`)] as never);
      for (let i = 33; i <= 80; i += 1) s = reducer(s as never, [msg(`m${i}`)] as never);
      const back = reducer(s32 as never, [msg("x"), msg("m33"), msg("m40")] as never);
      const forward = reducer(s as never, [msg("m33"), msg("y")] as never);
      return [back.map((m) => m.id), forward.map((m) => m.id)];
    };
    expect(scenario(messagesStateReducer as Reducer)).toEqual(scenario(langgraphReducer as Reducer));
  });

  it("never changes `left` and always returns a new array", () => {
    const s0 = messagesStateReducer([], [new HumanMessage({ content: "q", id: "1" })]);
    const copy = [...s0];
    const s1 = messagesStateReducer(s0, []);
    expect(s1).not.toBe(s0);
    expect(s1).toEqual(s0);
    const s2 = messagesStateReducer(s0, [new AIMessage({ content: "r", id: "1" })]);
    expect(s0).toEqual(copy);
    expect(s0[0].content).toBe("q");
    expect(s2[0].content).toBe("r");
  });

  it("a caller that mutates a returned array in place gets the full path (length or last element changed)", () => {
    const s0 = messagesStateReducer([], [new HumanMessage({ content: "q", id: "1" })]);
    s0.push(new AIMessage({ content: "pushed", id: "2" }));
    const s1 = messagesStateReducer(s0, [new AIMessage({ content: "replaced", id: "2" })]);
    expect(s1.map((m) => m.content)).toEqual(["q", "replaced"]);
    s1[1] = new AIMessage({ content: "swapped", id: "3" });
    const s2 = messagesStateReducer(s1, [new AIMessage({ content: "again", id: "3" })]);
    expect(s2.map((m) => m.content)).toEqual(["q", "again"]);
  });

  it("does not read the history when appending to an array it returned (O(new messages))", () => {
    let state: BaseMessage[] = [];
    for (let i = 0; i < 500; i += 1) state = messagesStateReducer(state, [new HumanMessage({ content: `m${i}`, id: `id${i}` })]);
    // Trap every message of the history: reading its id or type would count.
    let reads = 0;
    for (const m of state) {
      const id = m.id;
      Object.defineProperty(m, "id", {
        get: () => {
          reads += 1;
          return id;
        },
        set: () => {},
        configurable: true,
      });
    }
    const next = messagesStateReducer(state, [new AIMessage({ content: "new", id: "new" }), "a string"]);
    expect(reads).toBe(0);
    // The same `left` again (LangGraph's fresh read for a conditional edge, then the real update).
    const again = messagesStateReducer(state, [new AIMessage({ content: "new", id: "new" })]);
    expect(reads).toBe(0);
    // Replacing reads exactly the one message it checks.
    messagesStateReducer(again, [new ToolMessage({ content: "t", id: "id7", tool_call_id: "c" })]);
    expect(reads).toBe(1);
    expect(next).toHaveLength(502);
    // Forty other threads later (the hot set holds 16), this thread's state is found in the WeakMap.
    let others: BaseMessage[][] = Array.from({ length: 40 }, (_, t) => messagesStateReducer([], [new HumanMessage({ content: "x", id: `t${t}` })]));
    others = others.map((o, t) => messagesStateReducer(o, [new AIMessage({ content: "y", id: `t${t}-1` })]));
    messagesStateReducer(again, [new AIMessage({ content: "after", id: "after" })]);
    expect(reads).toBe(1);
    expect(others.every((o) => o.length === 2)).toBe(true);
    // An array this reducer did not return is read in full, like LangGraph does.
    messagesStateReducer([...state], [new AIMessage({ content: "n", id: "n" })]);
    expect(reads).toBeGreaterThan(500);
  });
});
