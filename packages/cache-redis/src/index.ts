export { RedisStore, type RedisStoreOptions, type RedisStoreStats } from "./redis-store.js";
export { escapeGlob, hashTag, keyLayout, type KeyLayout } from "./keys.js";
