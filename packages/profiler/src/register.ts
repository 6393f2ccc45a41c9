/**
 * `node --import @flg/profiler/register app.js`: profiles every LangGraph graph the app runs
 * and writes profile.html, profile.trace.json and profile.json to FLG_PROFILE_OUT
 * (default ./flg-profile) when the process exits. FLG_PROFILE=0 turns it off.
 */
import { profileProcess } from "./global.js";

await profileProcess();
