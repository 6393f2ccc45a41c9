import fc from "fast-check";

import { appendReducer, keyedMergeReducer, type KeyedMergeOptions } from "@flg/state";

interface Doc {
  id?: string | number | null;
  v: number;
  tag?: string;
}

/** The specification, written the obvious way: O(left) per call. */
function referenceKeyedMerge<T>(options: KeyedMergeOptions<T>) {
  const keyOf = typeof options.key === "function" ? (options.key as (item: T) => unknown) : (item: T) => item[options.key as keyof T];
  const merge = options.merge ?? "replace";
  return (left: readonly T[], right: T | readonly T[]): T[] => {
    const out = [...left];
    for (const item of (Array.isArray(right) ? right : [right]) as T[]) {
      const k = keyOf(item);
      let at = -1;
      if (k != null) for (let i = out.length - 1; i >= 0 && at === -1; i -= 1) if (Object.is(keyOf(out[i]), k) || (k === 0 && keyOf(out[i]) === 0)) at = i;
      if (at === -1) out.push(item);
      else out[at] = merge === "replace" ? item : merge === "shallow" ? { ...out[at], ...item } : merge(out[at], item);
    }
    return out;
  };
}

const docArb: fc.Arbitrary<Doc> = fc.record(
  {
    id: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom("a", "b", "c") },
      { weight: 2, arbitrary: fc.constantFrom(0, -0, 1, Number.NaN) },
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    v: fc.integer({ min: 0, max: 9 }),
    tag: fc.constantFrom("x", "y"),
  },
  { requiredKeys: ["v"] },
);
const updateArb = fc.oneof(docArb, fc.array(docArb, { maxLength: 4 }));
const stepsArb = fc.array(
  fc.record({ thread: fc.nat(25), base: fc.oneof({ weight: 6, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat(20) }), update: updateArb }),
  { maxLength: 80 },
);

function run(reducer: (left: readonly Doc[], right: Doc | readonly Doc[]) => Doc[], init: Doc[], steps: Array<{ thread: number; base: number; update: Doc | Doc[] }>) {
  const histories = new Map<number, Doc[][]>();
  const outs: unknown[] = [];
  for (const step of steps) {
    let h = histories.get(step.thread);
    if (h === undefined) histories.set(step.thread, (h = [step.thread === 0 ? init : []]));
    const left = step.base < 0 ? h[h.length - 1] : h[step.base % h.length];
    const before = [...left];
    try {
      const out = reducer(left, step.update);
      expect(left).toEqual(before);
      expect(out).not.toBe(left);
      h.push(out);
      outs.push(out);
    } catch (e) {
      outs.push({ error: (e as Error).message });
    }
  }
  return outs;
}

describe("keyedMergeReducer: model-based, against the O(left) specification", () => {
  const variants: Array<[string, KeyedMergeOptions<Doc>]> = [
    ["key: 'id', replace", { key: "id" }],
    ["key: 'id', shallow", { key: "id", merge: "shallow" }],
    ["key: fn, custom merge", { key: (d) => (d.tag === "x" ? d.id : undefined), merge: (a, b) => ({ ...b, v: a.v + b.v }) }],
  ];
  for (const [name, options] of variants) {
    it(`same results, left never changed (${name})`, () => {
      fc.assert(
        fc.property(fc.array(docArb, { maxLength: 6 }), stepsArb, (init, steps) => {
          // Fresh reducers per run: each has its own index.
          expect(run(keyedMergeReducer(options), init, steps)).toEqual(run(referenceKeyedMerge(options), init, steps));
        }),
        { numRuns: 200 },
      );
    });
  }

  it("merges repeated keys of one update in order, into left's item or an appended one", () => {
    const sum = keyedMergeReducer<{ id: string; v: number }>({ key: "id", merge: (a, b) => ({ ...b, v: a.v + b.v }) });
    const s0 = sum([], [{ id: "a", v: 1 }]);
    expect(sum(s0, [{ id: "a", v: 2 }, { id: "a", v: 3 }, { id: "b", v: 1 }, { id: "b", v: 5 }])).toEqual([
      { id: "a", v: 6 },
      { id: "b", v: 6 },
    ]);
  });

  it("a throwing merge leaves the index as it was", () => {
    let fail = false;
    const reducer = keyedMergeReducer<Doc>({
      key: "id",
      merge: (a, b) => {
        if (fail) throw new Error("merge failed");
        return { ...a, ...b };
      },
    });
    const s0 = reducer([], [{ id: "a", v: 1 }]);
    fail = true;
    expect(() => reducer(s0, [{ id: "new", v: 2 }, { id: "a", v: 3 }])).toThrow("merge failed");
    fail = false;
    // "new" must not be remembered as present.
    expect(reducer(s0, [{ id: "x", v: 0 }, { id: "new", v: 4 }])).toEqual([
      { id: "a", v: 1 },
      { id: "x", v: 0 },
      { id: "new", v: 4 },
    ]);
  });

  it("does not read the list when appending to a list it returned", () => {
    const reducer = keyedMergeReducer<Doc>({ key: "id" });
    let s: Doc[] = [];
    for (let i = 0; i < 200; i += 1) s = reducer(s, { id: `k${i}`, v: i });
    let reads = 0;
    for (const d of s) {
      const id = d.id;
      Object.defineProperty(d, "id", {
        get: () => {
          reads += 1;
          return id;
        },
        enumerable: true,
      });
    }
    const next = reducer(s, [{ id: "new", v: 1 }]);
    expect(reads).toBe(0);
    expect(next).toHaveLength(201);
    reducer(next, { id: "k3", v: 9 });
    expect(reads).toBe(1);
  });
});

describe("appendReducer", () => {
  it("is concat: one item or an array of items, new array, left unchanged", () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.oneof(fc.integer(), fc.array(fc.integer())), (left, right) => {
        const before = [...left];
        const out = appendReducer<number>(left, right);
        expect(out).toEqual(Array.isArray(right) ? [...left, ...right] : [...left, right]);
        expect(out).not.toBe(left);
        expect(left).toEqual(before);
      }),
    );
  });

  it("appends an array item given inside an array", () => {
    expect(appendReducer<number[]>([[1]], [[2, 3]])).toEqual([[1], [2, 3]]);
  });
});
