export { patchLangGraph, unpatchLangGraph, getPatchReport } from "./patch.js";
export { KNOWN_VERSIONS, isKnownVersion } from "./versions.js";
export type {
  CopyKind,
  PatchEntry,
  PatchName,
  PatchOptions,
  PatchReport,
  PatchStatus,
  UnpatchReport,
} from "./types.js";
