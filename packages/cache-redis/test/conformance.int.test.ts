import { describe, it } from "vitest";

import { runStoreConformance } from "@flg/cache";
import { RedisStore } from "@flg/cache-redis";

import { REDIS_URL, sharedRedisAvailable, uniquePrefix } from "./fixtures/redis.js";

const available = await sharedRedisAvailable();

if (available) {
  for (const [name, l1] of [
    ["RedisStore (L1 + Redis)", undefined],
    ["RedisStore (Redis only, l1: false)", false],
  ] as const) {
    runStoreConformance(name, {
      async create() {
        const store = new RedisStore({ url: REDIS_URL, prefix: uniquePrefix("conf"), l1, timeoutMs: 2000 });
        await store.ready();
        return store;
      },
      async destroy(store) {
        const s = store as RedisStore;
        await s.clear();
        await s.close();
      },
    });
  }
} else {
  describe.skip("RedisStore conformance (no Redis)", () => it("skipped", () => {}));
}
