// `require("@flg/shim/register")` (CJS): CommonJS cannot wait for import(), so the CJS copy of
// LangGraph (the one a CJS app uses) is patched synchronously before require() returns, and the
// ESM copy right after, asynchronously.
import { debugEnabled, optionsFromEnv } from "./env.js";
import { patchCjsCopySync, patchLangGraph } from "./patch.js";
import { registry } from "./registry.js";

const options = optionsFromEnv(process.env);
if (options !== undefined) {
  const cjs = patchCjsCopySync(options);
  const done = (entries = cjs.entries) => {
    const report = { ...cjs, entries };
    registry().lastReport = report;
    if (debugEnabled(process.env)) console.info("[@flg/shim]", JSON.stringify(report, null, 2));
  };
  if (!cjs.ok || options.copies?.esm === false) done();
  else {
    void patchLangGraph({ ...options, copies: { esm: true, cjs: false } }).then(
      (esm) => done([...cjs.entries, ...esm.entries]),
      () => done(),
    );
  }
}
