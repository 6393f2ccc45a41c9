/**
 * Runs every cache bench (model cache, node cache, key hashing, Redis tier) and prints the rows.
 *
 *   npx tsx src/cache-all.ts [--quick]   (build @flg/cache and @flg/cache-redis first)
 *
 * The figures in docs/cache.md come from this run.
 */
import { cpus, loadavg } from "node:os";
import { pathToFileURL } from "node:url";

import { printRows, type CacheBenchRow } from "./cache-harness.js";
import { benchKeys } from "./cache-keys.js";
import { benchModelCache } from "./cache-model.js";
import { benchNodeCache } from "./cache-node.js";
import { benchRedisTier } from "./cache-redis-tier.js";

export async function benchCache(options: { quick?: boolean } = {}): Promise<CacheBenchRow[]> {
  const rows: CacheBenchRow[] = [];
  for (const bench of [benchModelCache, benchNodeCache, benchKeys, benchRedisTier]) rows.push(...(await bench(options)));
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const load = loadavg()[0];
  const rows = await benchCache({ quick: process.argv.includes("--quick") });
  console.log(`# ${cpus()[0]?.model ?? "cpu"} × ${cpus().length}, Node ${process.version}, load average ${load.toFixed(2)} → ${loadavg()[0].toFixed(2)}`);
  printRows(rows);
}
