/**
 * Reducer for an append-only list: `left.concat(right)`. `right` may be one item or an array of
 * items (an array is always taken as a list of items, so for a list of arrays write `[[a, b]]`).
 * Returns a new array; `left` is never changed. One memcpy of `left` plus O(|right|): the cheapest
 * exact answer when the result must be a new array (spreading, `[...left, ...right]`, is slower
 * than `concat` in V8 for large arrays).
 */
export function appendReducer<T>(left: readonly T[], right: T | readonly T[]): T[] {
  return Array.isArray(right) ? left.concat(right as T[]) : left.concat([right as T]);
}
