export { SqliteSaver, type SqliteSaverOptions } from "./saver.js";
export { FlgCheckpointError, type FlgErrorCode, type FlgErrorLocation } from "./errors.js";
export { FastJsonPlusSerializer } from "./serde/fast-serializer.js";
