// What `@flg/shim/register` reads from the environment, so a deployment can switch the shim (or
// one patch) off without a code change.
import { PATCH_NAMES } from "./patch.js";
import type { PatchName, PatchOptions } from "./types.js";

const OFF = new Set(["0", "off", "false", "no"]);

/**
 * `FLG_SHIM=off` (or 0/false/no): patch nothing. `FLG_SHIM_DISABLE=serializer,messagesReducer`:
 * switch those patches off. Returns undefined when the shim is off.
 */
export function optionsFromEnv(env: Record<string, string | undefined>): PatchOptions | undefined {
  if (OFF.has((env.FLG_SHIM ?? "").trim().toLowerCase())) return undefined;
  const options: PatchOptions = {};
  for (const raw of (env.FLG_SHIM_DISABLE ?? "").split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    if (name === "serializer" || name === "messagesReducer") options[name] = false;
    else if (!PATCH_NAMES.includes(name as PatchName)) console.warn(`[@flg/shim] FLG_SHIM_DISABLE: unknown patch "${name}"`);
  }
  return options;
}

/** `FLG_SHIM_DEBUG=1` prints the report of what register patched. */
export function debugEnabled(env: Record<string, string | undefined>): boolean {
  const value = (env.FLG_SHIM_DEBUG ?? "").trim().toLowerCase();
  return value !== "" && !OFF.has(value);
}
