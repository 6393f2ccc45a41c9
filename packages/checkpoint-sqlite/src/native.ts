import { createRequire } from "node:module";
import type * as Core from "@flg/core";

// @flg/core is a CommonJS napi loader; requiring it works the same from the ESM and CJS builds.
const requireCore = createRequire(import.meta.url);

export type NativeStore = Core.NativeCheckpointStore;
export type NativeTupleRow = Core.BindingTupleRow;
export type NativeWriteRow = Core.BindingWriteRow;
export type NativeStoreOptions = Core.BindingStoreOptions;
export type NativeChannelBlob = Core.BindingChannelBlob;
export type NativeListCursor = Core.BindingListCursor;

export function openNativeStore(path: string, options: NativeStoreOptions): NativeStore {
  const core = requireCore("@flg/core") as typeof Core;
  return core.NativeCheckpointStore.open(path, options);
}
