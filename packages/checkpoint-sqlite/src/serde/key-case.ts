// Byte-for-byte copies of snakeCase/camelCase from @langchain/core/load/map_keys (not exported
// there). Serializable.toJSON() applies snakeCase to every kwargs key and load() applies
// camelCase on the way back; both are regex-heavy, so results are memoized. The caches are
// bounded because keys can come from user data.

const UPPER_TO_WORD_BOUNDARY = /([A-Z]+)([A-Z][a-z0-9]+)/g;
const LOWER_TO_UPPER_BOUNDARY = /([a-z0-9])([A-Z])/g;
const SEPARATORS = /[-_\s]+/g;
const MAX_CACHED = 4096;

const snakeCache = new Map<string, string>();
const camelCache = new Map<string, string>();

function remember(cache: Map<string, string>, key: string, value: string): string {
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, value);
  return value;
}

export function snakeCase(key: string): string {
  const hit = snakeCache.get(key);
  if (hit !== undefined) return hit;
  const value = key
    .replace(UPPER_TO_WORD_BOUNDARY, "$1_$2")
    .replace(LOWER_TO_UPPER_BOUNDARY, "$1_$2")
    .replace(SEPARATORS, "_")
    .toLowerCase();
  return remember(snakeCache, key, value);
}

export function camelCase(key: string): string {
  const hit = camelCache.get(key);
  if (hit !== undefined) return hit;
  const trimmed = key.trim();
  const value = !/[-_\s]/.test(trimmed)
    ? trimmed
    : trimmed
        .replace(SEPARATORS, "_")
        .toLowerCase()
        .replace(/_+([a-z0-9])/g, (_, char: string) => char.toUpperCase());
  return remember(camelCache, key, value);
}
