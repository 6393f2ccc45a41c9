/**
 * Estimated heap bytes of a value, for `maxBytes`. It follows V8's layout closely enough to bound memory
 * (a header per object, 8 bytes per property slot or array element, strings at 1 or 2 bytes per character),
 * is O(size of the value) and runs only when an entry is stored. Shared sub-objects are counted once per
 * entry; Maps, Sets and typed arrays count their contents. Pass `sizeOf` to the cache to use your own.
 */
export function estimateBytes(value: unknown): number {
  return walk(value, new Set());
}

const OBJECT_HEADER = 24;
const SLOT = 8;

/** Bytes of a string: V8 stores Latin-1 strings one byte per character, others two. */
export function stringBytes(s: string): number {
  // Checking a short prefix is enough for an estimate and keeps this O(1) for long strings.
  let wide = false;
  const n = Math.min(s.length, 64);
  for (let i = 0; i < n; i += 1) {
    if (s.charCodeAt(i) > 0xff) {
      wide = true;
      break;
    }
  }
  return 16 + (wide ? s.length * 2 : s.length);
}

function walk(value: unknown, seen: Set<unknown>): number {
  switch (typeof value) {
    case "string":
      // A long string referenced twice (a LangChain message keeps content in `content` and in
      // `lc_kwargs`) is one string in memory: count it once.
      if (value.length >= 256) {
        if (seen.has(value)) return SLOT;
        seen.add(value);
      }
      return stringBytes(value);
    case "number":
      return SLOT;
    case "boolean":
    case "undefined":
      return 0;
    case "bigint":
      return 16 + Math.ceil(value.toString(16).length / 2);
    case "symbol":
    case "function":
      return SLOT;
    default:
      break;
  }
  if (value === null) return 0;
  const obj = value as object;
  if (seen.has(obj)) return SLOT;
  seen.add(obj);
  if (Array.isArray(obj)) {
    let bytes = OBJECT_HEADER + obj.length * SLOT;
    for (const item of obj) bytes += walk(item, seen);
    return bytes;
  }
  if (ArrayBuffer.isView(obj)) return OBJECT_HEADER * 2 + obj.byteLength;
  if (obj instanceof ArrayBuffer) return OBJECT_HEADER + obj.byteLength;
  if (obj instanceof Date) return OBJECT_HEADER + SLOT;
  if (obj instanceof Map) {
    let bytes = OBJECT_HEADER * 2 + obj.size * 3 * SLOT;
    for (const [k, v] of obj) bytes += walk(k, seen) + walk(v, seen);
    return bytes;
  }
  if (obj instanceof Set) {
    let bytes = OBJECT_HEADER * 2 + obj.size * 2 * SLOT;
    for (const v of obj) bytes += walk(v, seen);
    return bytes;
  }
  let bytes = OBJECT_HEADER;
  for (const key in obj) {
    // Property names are usually internalized and shared; count the slot and the value.
    bytes += SLOT + walk((obj as Record<string, unknown>)[key], seen);
  }
  return bytes;
}
