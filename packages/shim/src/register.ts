// `import "@flg/shim/register"` (ESM): patch before the importing module's body runs. The top-level
// await holds back every module that imports this one until the patches are in.
import { debugEnabled, optionsFromEnv } from "./env.js";
import { patchLangGraph } from "./patch.js";

const options = optionsFromEnv(process.env);
if (options !== undefined) {
  const report = await patchLangGraph(options);
  if (debugEnabled(process.env)) console.info("[@flg/shim]", JSON.stringify(report, null, 2));
}
