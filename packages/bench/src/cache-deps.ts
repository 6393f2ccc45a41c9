/**
 * The cache benches' subjects, loaded on demand so that the checkpoint groups run without
 * building @flg/cache first (`pnpm --filter @flg/cache --filter @flg/cache-redis build`).
 */
export type FlgCache = typeof import("@flg/cache");
export type FlgCacheRedis = typeof import("@flg/cache-redis");
export type LruCacheModule = typeof import("lru-cache");
export type IoRedisModule = Pick<typeof import("ioredis"), "Redis">;

export const loadFlgCache = (): Promise<FlgCache> => import("@flg/cache");
export const loadFlgCacheRedis = (): Promise<FlgCacheRedis> => import("@flg/cache-redis");
export const loadLruCache = (): Promise<LruCacheModule> => import("lru-cache");
export const loadIoRedis = (): Promise<IoRedisModule> => import("ioredis");
