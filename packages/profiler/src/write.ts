/** Writes a report as `<name>.html`, `<name>.trace.json` (Chrome trace) and `<name>.json`. */
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

import { toChromeTrace } from "./chrome-trace.js";
import { toHtml, type HtmlOptions } from "./html-report.js";
import type { ProfileReport } from "./report-types.js";

export interface WriteOptions {
  /** File name without extension. @default "profile" */
  basename?: string;
  html?: HtmlOptions;
}

/** Absolute paths of the files written. */
export interface WrittenFiles {
  html: string;
  trace: string;
  json: string;
}

function render(report: ProfileReport, dir: string, options: WriteOptions) {
  const base = join(resolve(dir), options.basename ?? "profile");
  return [
    [`${base}.html`, toHtml(report, options.html)],
    [`${base}.trace.json`, JSON.stringify(toChromeTrace(report))],
    [`${base}.json`, JSON.stringify(report, null, 1)],
  ] as const;
}

export async function writeReport(report: ProfileReport, dir: string, options: WriteOptions = {}): Promise<WrittenFiles> {
  await mkdir(resolve(dir), { recursive: true });
  const files = render(report, dir, options);
  await Promise.all(files.map(([path, text]) => writeFile(path, text)));
  return { html: files[0][0], trace: files[1][0], json: files[2][0] };
}

/** Synchronous variant for `process.on("exit")`, where nothing asynchronous runs any more. */
export function writeReportSync(report: ProfileReport, dir: string, options: WriteOptions = {}): WrittenFiles {
  mkdirSync(resolve(dir), { recursive: true });
  const files = render(report, dir, options);
  for (const [path, text] of files) writeFileSync(path, text);
  return { html: files[0][0], trace: files[1][0], json: files[2][0] };
}
