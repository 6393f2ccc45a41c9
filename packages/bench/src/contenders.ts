/**
 * The checkpointers under test, each opened with the defaults a user gets, on a file in one temp
 * directory of this run (os.tmpdir()).
 */
import { mkdtempSync, rmSync, statSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

import { SqliteSaver as FlgSqliteSaver } from "@flg/checkpoint-sqlite";
import type { RunnableConfig } from "@langchain/core/runnables";
import { BaseCheckpointSaver, MemorySaver, type Checkpoint, type CheckpointTuple } from "@langchain/langgraph-checkpoint";
import { SqliteSaver as OfficialSqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";

import type { ContenderId } from "./results.js";

export type SaverId = Exclude<ContenderId, "none">;

export interface OpenSaver {
  id: SaverId;
  saver: BaseCheckpointSaver;
  /** Database file, undefined for MemorySaver. */
  path?: string;
  /** Closes the database (SQLite folds the WAL back into the file on the last close). */
  close(): Promise<void>;
}

/**
 * A saver that stores nothing and answers at once: what LangGraph itself spends on checkpointing
 * (building checkpoints, calling the saver), the floor any real saver stands on. Diagnostic only.
 */
class NoopSaver extends BaseCheckpointSaver {
  async getTuple(): Promise<CheckpointTuple | undefined> {
    return undefined;
  }
  async *list(): AsyncGenerator<CheckpointTuple> {}
  async put(config: RunnableConfig, checkpoint: Checkpoint): Promise<RunnableConfig> {
    const { thread_id, checkpoint_ns = "" } = config.configurable ?? {};
    return { configurable: { thread_id, checkpoint_ns, checkpoint_id: checkpoint.id } };
  }
  async putWrites(): Promise<void> {}
  async deleteThread(): Promise<void> {}
}

let runDir: string | undefined;
let fileCounter = 0;

/** The temp directory of this run, created on first use. */
export function benchDir(): string {
  runDir ??= mkdtempSync(join(tmpdir(), "flg-bench-"));
  return runDir;
}

/** Deletes the temp directory of this run. */
export function removeBenchDir(): void {
  if (runDir) rmSync(runDir, { recursive: true, force: true });
  runDir = undefined;
}

export function openSaver(id: SaverId, name: string): OpenSaver {
  const path = join(benchDir(), `${name}-${id}-${(fileCounter += 1)}.sqlite`);
  switch (id) {
    case "noop":
      return { id, saver: new NoopSaver(), close: async () => {} };
    case "memory":
      return { id, saver: new MemorySaver(), close: async () => {} };
    case "official": {
      const saver = OfficialSqliteSaver.fromConnString(path);
      return {
        id,
        saver,
        path,
        close: async () => {
          saver.db.close();
        },
      };
    }
    case "ours": {
      const saver = FlgSqliteSaver.fromConnString(path);
      return {
        id,
        saver,
        path,
        close: async () => {
          saver.close();
          // close() lets running native tasks finish first; wait until SQLite has removed the WAL
          // (it does on the last close) so the size we report is the folded file.
          for (let i = 0; i < 100 && existsSync(`${path}-wal`); i += 1) await sleep(10);
        },
      };
    }
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Bytes on disk of a database: the file plus any WAL left behind (call after close()). */
export function databaseBytes(path: string): number {
  return sizeOf(path) + sizeOf(`${path}-wal`);
}

/** Removes a database file and its WAL/SHM companions. */
export function removeDatabase(path: string | undefined): void {
  if (!path) return;
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(`${path}${suffix}`, { force: true });
}
