/**
 * Redis key layout. Every cache key K under prefix P is stored at `P{=K}` and its single-flight lock at
 * `P{=K}:lock`. The braces make `=K` the Redis Cluster hash tag, so a value and its lock live in the same
 * slot while different keys spread over the cluster. Redis takes the tag from the first `{` to the first
 * `}` after it; P may not contain braces, so the first `{` is the one we put, and the first `}` lies in
 * the part both keys share — the same slot even when K holds braces. The `=` keeps the tag non-empty
 * (an empty tag would make Redis hash the whole key, splitting value and lock) when K is "" or starts with `}`.
 */
export interface KeyLayout {
  value(key: string): string;
  lock(key: string): string;
  /** SCAN pattern matching the value (and lock) keys whose cache key starts with `keyPrefix`. */
  pattern(keyPrefix: string): string;
  /** True for a value key (not a lock key) under this layout. */
  isValueKey(redisKey: string): boolean;
  /** Pub/sub channel for invalidations and single-flight completions. */
  readonly channel: string;
}

export function keyLayout(prefix: string): KeyLayout {
  return {
    value: (key) => `${prefix}{=${key}}`,
    lock: (key) => `${prefix}{=${key}}:lock`,
    pattern: (keyPrefix) => `${escapeGlob(prefix)}\\{=${escapeGlob(keyPrefix)}*`,
    isValueKey: (redisKey) => redisKey.startsWith(`${prefix}{=`) && redisKey.endsWith("}"),
    channel: `${prefix}__events`,
  };
}

/** Escapes Redis glob metacharacters (`* ? [ ] \`) so the text matches only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\^]/g, (c) => `\\${c}`);
}

/** The hash tag Redis Cluster uses to pick a key's slot (the whole key when it has none). */
export function hashTag(redisKey: string): string {
  const open = redisKey.indexOf("{");
  if (open === -1) return redisKey;
  const close = redisKey.indexOf("}", open + 1);
  if (close === -1 || close === open + 1) return redisKey;
  return redisKey.slice(open + 1, close);
}
