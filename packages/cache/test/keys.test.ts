import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { canonicalArgs, canonicalKey, digest, keyFor, SHORT_KEY_MAX } from "@flg/cache";

/** JSON-like values plus the extra kinds keys must keep apart. */
const keyable = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.bigInt(),
    fc.date({ noInvalidDate: false }),
    fc.uint8Array({ maxLength: 8 }),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** Same content, object keys inserted in reverse order (recursively). */
function reorder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reorder);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).reverse()) out[k] = reorder((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}


describe("canonical keys", () => {
  it("object key order does not matter (property)", () => {
    fc.assert(
      fc.property(keyable, (v) => {
        expect(canonicalKey(reorder(v))).toBe(canonicalKey(v));
      }),
      { numRuns: 300 },
    );
  });

  it("different JSON content gives different keys (property)", () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(json, json, (a, b) => {
        const equal = jsonEqual(a, b);
        expect(canonicalKey(a) === canonicalKey(b)).toBe(equal);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps apart values JSON would merge", () => {
    const distinct: unknown[] = [
      0,
      -0,
      "0",
      0n,
      null,
      undefined,
      Number.NaN,
      "NaN",
      Number.POSITIVE_INFINITY,
      [],
      {},
      [undefined],
      [null],
      new Date(0),
      0,
      new Map(),
      new Set(),
      new Uint8Array([1]),
      new Int8Array([1]),
      [1],
      "1",
      /a/g,
      "/a/g",
      new Map([["a", 1]]),
      { a: 1 },
      new Set(["a"]),
      ["a"],
      true,
      "true",
    ];
    const keys = new Map<string, unknown>();
    for (const v of distinct) {
      const k = canonicalKey(v);
      if (keys.has(k) && !Object.is(keys.get(k), v)) throw new Error(`collision: ${String(v)} and ${String(keys.get(k))} → ${k}`);
      keys.set(k, v);
    }
  });

  it("Map and Set order do not matter; Buffer and Uint8Array with the same bytes match", () => {
    expect(canonicalKey(new Map([["a", 1], ["b", 2]]))).toBe(canonicalKey(new Map([["b", 2], ["a", 1]])));
    expect(canonicalKey(new Set([1, 2, 3]))).toBe(canonicalKey(new Set([3, 1, 2])));
    expect(canonicalKey(Buffer.from([1, 2]))).toBe(canonicalKey(new Uint8Array([1, 2])));
  });

  it("undefined properties count as absent; undefined arguments do not", () => {
    expect(canonicalKey({ a: 1, b: undefined })).toBe(canonicalKey({ a: 1 }));
    expect(canonicalArgs([1])).not.toBe(canonicalArgs([1, undefined]));
  });

  it("messages: content, type, tool calls count; id and metadata do not", () => {
    const k = (m: unknown) => canonicalKey(m);
    expect(k(new HumanMessage({ content: "hi", id: "1" }))).toBe(k(new HumanMessage({ content: "hi", id: "2" })));
    expect(k(new HumanMessage("hi"))).not.toBe(k(new AIMessage("hi")));
    expect(k(new AIMessage("x"))).toBe(k(new AIMessage({ content: "x", tool_calls: [], response_metadata: { model: "m" } })));
    const withCall = new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "search", args: { q: "a" } }] });
    const otherCall = new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "search", args: { q: "b" } }] });
    expect(k(withCall)).not.toBe(k(otherCall));
    expect(k(new ToolMessage({ content: "r", tool_call_id: "a" }))).not.toBe(k(new ToolMessage({ content: "r", tool_call_id: "b" })));
    expect(k({ m: new HumanMessage("hi") })).not.toBe(k({ m: { content: "hi" } }));
  });

  it("objects with toJSON are keyed by it; other instances by constructor and fields", () => {
    class Money {
      #cents: number;
      constructor(cents: number) {
        this.#cents = cents;
      }
      toJSON() {
        return { cents: this.#cents };
      }
    }
    expect(canonicalKey(new Money(1))).not.toBe(canonicalKey(new Money(2)));
    expect(canonicalKey(new Money(1))).toBe(canonicalKey(new Money(1)));
    class A {
      x = 1;
    }
    class B {
      x = 1;
    }
    expect(canonicalKey(new A())).not.toBe(canonicalKey(new B()));
    expect(canonicalKey(new A())).not.toBe(canonicalKey({ x: 1 }));
  });

  it("objects from another realm count as plain", async () => {
    const { runInNewContext } = await import("node:vm");
    const foreign = runInNewContext("({ b: 2, a: 1 })") as unknown;
    expect(canonicalKey(foreign)).toBe(canonicalKey({ a: 1, b: 2 }));
  });

  it("unkeyable values throw FLG_CACHE_KEY with a path", () => {
    const shared = { x: 1 };
    expect(() => canonicalKey({ a: shared, b: shared })).not.toThrow(); // shared, not cyclic
    const deep: Record<string, unknown> = {};
    let cur = deep;
    for (let i = 0; i < 20_000; i += 1) {
      const next: Record<string, unknown> = {};
      cur.n = next;
      cur = next;
    }
    expect(() => canonicalKey(deep)).toThrow(expect.objectContaining({ code: "FLG_CACHE_KEY" }));
    expect(() => canonicalArgs([{ "odd key": [Promise.resolve(1)] }])).toThrow(expect.objectContaining({ where: 'args[0]["odd key"][0]' }));
  });
});

describe("key hashing", () => {
  it("short texts are kept, long ones digested, and the two never collide", () => {
    const short = "x".repeat(SHORT_KEY_MAX);
    expect(keyFor(short)).toBe(short);
    const long = "x".repeat(SHORT_KEY_MAX + 1);
    expect(keyFor(long)).toMatch(/^#[A-Za-z0-9_-]{43}$/);
    // A short text that looks like a digest key is digested too.
    const lookalike = keyFor(long);
    expect(keyFor(lookalike)).not.toBe(lookalike);
  });

  it("ill-formed strings do not collide", () => {
    expect(digest("a\ud800")).not.toBe(digest("a\ud801"));
    expect(digest("a\ud800")).not.toBe(digest("a\ufffd"));
  });
});

/** Reference equality of JSON values: key order ignored, -0 and 0 apart (as keys keep them). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return Object.is(a, b);
}
