/**
 * How much of the machine's CPU other processes used while a group ran. A shared 2-core box
 * running someone else's build halves our throughput, and not evenly across contenders (the
 * slowest one is exposed longest), so every group reports it and the docs show it.
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";

interface Mark {
  /** Busy jiffies of all CPUs (Linux /proc/stat), or undefined elsewhere. */
  busyJiffies?: number;
  ownCpuUs: number;
  wallNs: bigint;
}

const JIFFY_US = 10_000; // USER_HZ = 100 on Linux

function busyJiffies(): number | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
    // cpu user nice system idle iowait irq softirq steal ...
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return user + nice + system + irq + softirq + (steal ?? 0);
  } catch {
    return undefined;
  }
}

export function markLoad(): Mark {
  const cpu = process.cpuUsage();
  return { busyJiffies: busyJiffies(), ownCpuUs: cpu.user + cpu.system, wallNs: process.hrtime.bigint() };
}

/**
 * Share (0..1) of the machine's total CPU capacity that other processes used since `start`;
 * undefined when /proc/stat is not available.
 */
export function otherLoadSince(start: Mark): number | undefined {
  const end = markLoad();
  if (start.busyJiffies === undefined || end.busyJiffies === undefined) return undefined;
  const capacityUs = (Number(end.wallNs - start.wallNs) / 1000) * cpus().length;
  const othersUs = (end.busyJiffies - start.busyJiffies) * JIFFY_US - (end.ownCpuUs - start.ownCpuUs);
  return capacityUs > 0 ? Math.min(1, Math.max(0, othersUs / capacityUs)) : undefined;
}

/**
 * Waits until other processes use less than `threshold` of the CPU over a 2 s window, or
 * `maxWaitMs` passed. Returns the last share seen.
 */
export async function waitForQuiet(log: (line: string) => void, threshold = 0.05, maxWaitMs = 600_000): Promise<number | undefined> {
  const started = Date.now();
  for (;;) {
    const mark = markLoad();
    await sleep(2000);
    const share = otherLoadSince(mark);
    if (share === undefined || share < threshold) return share;
    if (Date.now() - started > maxWaitMs) {
      log(`still busy after ${Math.round(maxWaitMs / 1000)} s (others use ${(share * 100).toFixed(0)} % of the CPU); going on`);
      return share;
    }
    log(`waiting for a quiet machine: other processes use ${(share * 100).toFixed(0)} % of the CPU`);
  }
}
