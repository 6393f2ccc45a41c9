// Public entry of `@flg/checkpoint-sqlite/serde`.
export { FastJsonPlusSerializer } from "./serde/fast-serializer.js";
export { AsyncLoadRequiredError, DeserializationError, SerializationError } from "./serde/errors.js";
