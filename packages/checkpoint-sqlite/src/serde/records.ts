// The `lc:2` records. The JsonPlus ones (undefined, delta_snapshot, Set, Map, RegExp, Error,
// Uint8Array) are written with JsonPlus's exact shape and key order so the bytes match and the
// official serializer revives them. Our extensions (Date, BigInt, Buffer, Number) use the same
// shape with new ids: JsonPlus leaves constructor records with unknown ids as plain objects.
//
// Revival is a closed set checked field by field, as in JsonPlus's reviveConstructorRecord:
// a record is data, never an instruction to look up or call something by name.

type ConstructorRecord = {
  lc: 2;
  type: "constructor";
  id: string[];
  method: string | null;
  args: unknown[];
  kwargs: Record<string, never>;
};

export const UNDEFINED_RECORD = Object.freeze({ lc: 2, type: "undefined" });

/** Same key order as JsonPlus's `_encodeConstructorArgs`. */
export function constructorRecord(name: string, method: string | null, args: unknown[]): ConstructorRecord {
  return { lc: 2, type: "constructor", id: [name], method, args, kwargs: {} };
}

export function deltaSnapshotRecord(value: unknown): { lc: 2; type: "delta_snapshot"; value: unknown } {
  return { lc: 2, type: "delta_snapshot", value };
}

/** NaN, ±Infinity and -0: JSON.stringify would write null / null / 0. */
export function specialNumberRecord(n: number): ConstructorRecord {
  return constructorRecord("Number", null, [n === 0 ? "-0" : String(n)]);
}

export function bigintRecord(n: bigint): ConstructorRecord {
  return constructorRecord("BigInt", null, [n.toString()]);
}

export function dateRecord(d: Date): ConstructorRecord {
  // Invalid dates have no ISO form; null round-trips them as Invalid Date.
  const time = d.getTime();
  return constructorRecord("Date", null, [time === time ? d.toISOString() : null]);
}

export function bufferRecord(b: Buffer): ConstructorRecord {
  // base64 is ~4x smaller than the byte array JsonPlus uses for Uint8Array.
  return constructorRecord("Buffer", "from", [b.toString("base64"), "base64"]);
}

export function uint8ArrayRecord(u: Uint8Array): ConstructorRecord {
  return constructorRecord("Uint8Array", "from", [Array.from(u)]);
}

/** Returned by reviveConstructorRecord when the record is not one we know; the caller keeps it inert. */
export const NOT_REVIVED: unique symbol = Symbol("not revived");

type RecordLike = Record<string, unknown>;

function hasId(record: RecordLike, name: string): boolean {
  const id = record.id;
  return Array.isArray(id) && id.length === 1 && id[0] === name;
}

function hasNoMethod(record: RecordLike): boolean {
  return record.method === undefined || record.method === null;
}

function singleArrayArg(record: RecordLike): unknown[] | undefined {
  const args = record.args;
  return Array.isArray(args) && args.length === 1 && Array.isArray(args[0]) ? args[0] : undefined;
}

function singleArg(record: RecordLike): unknown {
  const args = record.args;
  return Array.isArray(args) && args.length === 1 ? args[0] : NOT_REVIVED;
}

function isByte(item: unknown): boolean {
  return typeof item === "number" && Number.isInteger(item) && item >= 0 && item <= 255;
}

const SPECIAL_NUMBERS: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity, "-0": -0 };
const BIGINT_TEXT = /^-?\d+$/;

/**
 * Revive an `lc:2` constructor record whose children are already revived. Mirrors the checks
 * of JsonPlus for its ids, then our extension ids; anything else is NOT_REVIVED.
 */
export function reviveConstructorRecord(record: RecordLike): unknown {
  const id = record.id;
  if (!Array.isArray(id) || id.length !== 1 || typeof id[0] !== "string") return NOT_REVIVED;
  switch (id[0]) {
    case "Set": {
      if (!hasNoMethod(record)) return NOT_REVIVED;
      const items = singleArrayArg(record);
      return items === undefined ? NOT_REVIVED : new Set(items);
    }
    case "Map": {
      if (!hasNoMethod(record)) return NOT_REVIVED;
      const entries = singleArrayArg(record);
      if (entries === undefined || !entries.every((e) => Array.isArray(e) && e.length === 2)) return NOT_REVIVED;
      return new Map(entries as [unknown, unknown][]);
    }
    case "RegExp": {
      const args = record.args;
      if (!hasNoMethod(record) || !Array.isArray(args) || args.length !== 2) return NOT_REVIVED;
      if (typeof args[0] !== "string" || typeof args[1] !== "string") return NOT_REVIVED;
      try {
        return new RegExp(args[0], args[1]);
      } catch {
        return NOT_REVIVED;
      }
    }
    case "Error": {
      const message = singleArg(record);
      return hasNoMethod(record) && typeof message === "string" ? new Error(message) : NOT_REVIVED;
    }
    case "Uint8Array": {
      if (!(hasNoMethod(record) || record.method === "from")) return NOT_REVIVED;
      const bytes = singleArrayArg(record);
      return bytes !== undefined && bytes.every(isByte) ? new Uint8Array(bytes as number[]) : NOT_REVIVED;
    }
    case "Date": {
      const iso = singleArg(record);
      if (!hasNoMethod(record)) return NOT_REVIVED;
      if (iso === null) return new Date(NaN);
      return typeof iso === "string" ? new Date(iso) : NOT_REVIVED;
    }
    case "BigInt": {
      const text = singleArg(record);
      return hasNoMethod(record) && typeof text === "string" && BIGINT_TEXT.test(text) ? BigInt(text) : NOT_REVIVED;
    }
    case "Number": {
      const text = singleArg(record);
      return hasNoMethod(record) && typeof text === "string" && Object.hasOwn(SPECIAL_NUMBERS, text)
        ? SPECIAL_NUMBERS[text]
        : NOT_REVIVED;
    }
    case "Buffer": {
      const args = record.args;
      if (record.method !== "from" || !Array.isArray(args) || args.length !== 2) return NOT_REVIVED;
      return typeof args[0] === "string" && args[1] === "base64" ? Buffer.from(args[0], "base64") : NOT_REVIVED;
    }
    default:
      return NOT_REVIVED;
  }
}
