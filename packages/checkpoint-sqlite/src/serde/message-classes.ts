// The LangChain message classes we write and read without Serializable.toJSON()/load().
// Everything here is derived from the classes themselves (ids via get_lc_unique_name, aliases
// via the lc_aliases getters) so the output stays what toJSON() would produce; the
// byte-identity tests in test/serde-interop.test.ts pin it to @langchain/core.
import { get_lc_unique_name, type Serializable } from "@langchain/core/load/serializable";
import {
  AIMessage,
  AIMessageChunk,
  ChatMessage,
  ChatMessageChunk,
  FunctionMessage,
  FunctionMessageChunk,
  HumanMessage,
  HumanMessageChunk,
  RemoveMessage,
  SystemMessage,
  SystemMessageChunk,
  ToolMessage,
  ToolMessageChunk,
} from "@langchain/core/messages";
import { camelCase, snakeCase } from "./key-case.js";

// `any[]`: each class's constructor takes its own fields type.
type MessageClass = abstract new (...args: any[]) => object;

/** `lc_namespace` of every BaseMessage (an instance field, so fixed here). */
const NAMESPACE = ["langchain_core", "messages"] as const;

export interface MessageClassInfo {
  /** `lc_id` of instances: `["langchain_core", "messages", <name>]`. */
  /** Shared and not frozen: JSON.stringify is ~10% slower on frozen arrays. Never mutated. */
  readonly id: readonly string[];
  readonly name: string;
  readonly cls: MessageClass;
  /** kwargs key as toJSON() writes it: lc_aliases, else snakeCase (keyToJson). */
  writeKey(key: string): string;
  /**
   * writeKey for the key at `position` in lc_kwargs. Instances of one class nearly always list
   * the same keys in the same order, so the last answer per position is kept; a hit is one
   * pointer compare instead of a Map lookup (writeKey was 13% of the encode walk).
   */
  writeKeyAt(key: string, position: number): string;
  /** Constructor field for a stored kwargs key: inverted lc_aliases, else camelCase (keyFromJson). */
  readKey(key: string): string;
}

const CLASSES: readonly MessageClass[] = [
  HumanMessage,
  HumanMessageChunk,
  AIMessage,
  AIMessageChunk,
  SystemMessage,
  SystemMessageChunk,
  ToolMessage,
  ToolMessageChunk,
  FunctionMessage,
  FunctionMessageChunk,
  ChatMessage,
  ChatMessageChunk,
  RemoveMessage,
];

/**
 * load() camelCases every kwargs key that has no alias, and ToolMessageChunk declares no alias
 * for `tool_call_id`, so load() passes `toolCallId` and the chunk loses its tool_call_id. We
 * keep it: the one place where our reader deliberately differs from load().
 */
const EXTRA_READ_ALIASES: ReadonlyMap<MessageClass, Readonly<Record<string, string>>> = new Map([
  [ToolMessageChunk, { tool_call_id: "tool_call_id" }],
]);

/** Merge a getter over the prototype chain, the way toJSON() does (one Reflect.get per level). */
function mergedOverChain(cls: MessageClass, getter: string): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (let proto: object | null = cls.prototype; proto; proto = Object.getPrototypeOf(proto)) {
    Object.assign(merged, Reflect.get(proto, getter, cls.prototype));
  }
  return merged;
}

function makeInfo(cls: MessageClass): MessageClassInfo | undefined {
  // A class with secrets or extra attributes needs the full toJSON(); none of these have any.
  if (Object.keys(mergedOverChain(cls, "lc_secrets")).length > 0) return undefined;
  if (Object.keys(mergedOverChain(cls, "lc_attributes")).length > 0) return undefined;
  const aliases = mergedOverChain(cls, "lc_aliases") as Record<string, string>;
  const inverted: Record<string, string> = {};
  for (const [field, alias] of Object.entries(aliases)) inverted[alias] = field;
  Object.assign(inverted, EXTRA_READ_ALIASES.get(cls));
  const name = get_lc_unique_name(cls as unknown as typeof Serializable);
  const writeKeys = new Map<string, string>();
  const seenKeys: string[] = [];
  const seenOut: string[] = [];
  const writeKey = (key: string): string => {
    let out = writeKeys.get(key);
    if (out === undefined) {
      out = Object.hasOwn(aliases, key) ? aliases[key] : snakeCase(key);
      if (writeKeys.size < 1024) writeKeys.set(key, out);
    }
    return out;
  };
  return {
    id: [...NAMESPACE, name],
    name,
    cls,
    writeKey,
    writeKeyAt(key, position) {
      if (seenKeys[position] === key) return seenOut[position];
      const out = writeKey(key);
      if (position < 32) {
        seenKeys[position] = key;
        seenOut[position] = out;
      }
      return out;
    },
    readKey(key) {
      return Object.hasOwn(inverted, key) ? inverted[key] : camelCase(key);
    },
  };
}

const byPrototype = new Map<unknown, MessageClassInfo>();
const byName = new Map<string, MessageClassInfo>();
for (const cls of CLASSES) {
  const info = makeInfo(cls);
  if (info === undefined) continue;
  byPrototype.set(cls.prototype, info);
  byName.set(info.name, info);
}

/**
 * Info for an instance whose prototype is exactly one of our classes' (subclasses are not
 * matched: their id differs). Keyed by prototype because the encoder already has it in hand.
 */
export function messageInfoForPrototype(proto: unknown): MessageClassInfo | undefined {
  return byPrototype.get(proto);
}

/** Info for a stored id; only `["langchain_core", "messages", <allow-listed name>]`. */
export function messageInfoForId(id: readonly unknown[]): MessageClassInfo | undefined {
  if (id.length !== 3 || id[0] !== NAMESPACE[0] || id[1] !== NAMESPACE[1] || typeof id[2] !== "string") {
    return undefined;
  }
  return byName.get(id[2]);
}
