/**
 * Define `out[k] = v` as an own enumerable property. Needed for the key "__proto__", where a
 * plain assignment would replace the prototype instead; callers do the ordinary assignment
 * inline for every other key (this sits on the hottest loops).
 */
export function defineOwn(out: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
}
