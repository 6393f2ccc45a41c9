import { describe, expect, it } from "vitest";

import { escapeGlob, hashTag, keyLayout } from "@flg/cache-redis";

describe("Redis key layout", () => {
  it("a value and its lock share the Cluster hash tag, whatever the key holds (every key up to 5 characters of { } : = a)", () => {
    const alphabet = ["{", "}", ":", "=", "a"];
    let keys = [""];
    const all = [""];
    for (let len = 1; len <= 5; len += 1) {
      keys = keys.flatMap((k) => alphabet.map((c) => k + c));
      all.push(...keys);
    }
    const layout = keyLayout("app:cache:");
    for (const key of all) {
      const tag = hashTag(layout.value(key));
      expect(tag).toBe(hashTag(layout.lock(key)));
      expect(tag.length).toBeGreaterThan(0);
      expect(layout.isValueKey(layout.value(key))).toBe(true);
      expect(layout.isValueKey(layout.lock(key))).toBe(false);
    }
  });

  it("different keys get different tags, so they spread over the cluster", () => {
    const layout = keyLayout("p:");
    expect(hashTag(layout.value("a"))).not.toBe(hashTag(layout.value("b")));
  });

  it("escapes glob characters in prefixes and patterns", () => {
    expect(escapeGlob("a*b?c[d]e\\f")).toBe("a\\*b\\?c\\[d\\]e\\\\f");
    expect(keyLayout("x*:").pattern("ns[1]:")).toBe("x\\*:\\{=ns\\[1\\]:*");
  });
});
