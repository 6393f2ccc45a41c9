import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";

import { dropPrefix, eventually, REDIS_URL, sharedRedisAvailable, uniquePrefix } from "./fixtures/redis.js";

const available = await sharedRedisAvailable();
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const workerScript = fileURLToPath(new URL("./fixtures/worker.ts", import.meta.url));

interface Reply {
  id?: number;
  results?: string[];
  computations?: number;
  stats?: Record<string, number>;
}

/** One worker process (test/fixtures/worker.ts, run by tsx). */
class Worker {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: Reply) => void>();
  readonly ready: Promise<void>;
  stderr = "";

  constructor(readonly proc: ChildProcess) {
    let markReady!: () => void;
    this.ready = new Promise((r) => (markReady = r));
    proc.stderr?.on("data", (c: Buffer) => (this.stderr += c.toString()));
    createInterface({ input: proc.stdout! }).on("line", (line) => {
      const msg = JSON.parse(line) as Reply & { ready?: boolean };
      if (msg.ready) markReady();
      else if (msg.id !== undefined) this.pending.get(msg.id)?.(msg);
    });
  }

  static start(prefix: string, lockTtlMs: number): Worker {
    const proc = spawn(process.execPath, ["--import", "tsx", workerScript, REDIS_URL, prefix, String(lockTtlMs)], { cwd: packageDir, stdio: ["pipe", "pipe", "pipe"] });
    return new Worker(proc);
  }

  send(cmd: Record<string, unknown>): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.proc.stdin!.write(`${JSON.stringify({ ...cmd, id })}\n`);
    });
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.stdin!.write(`${JSON.stringify({ op: "exit" })}\n`);
    const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
}

describe.skipIf(!available)("several Node processes sharing one Redis", () => {
  const prefix = uniquePrefix("multi");
  let workers: Worker[] = [];
  let raw: Redis;

  beforeAll(async () => {
    raw = new Redis(REDIS_URL);
    workers = Array.from({ length: 4 }, () => Worker.start(prefix, 500));
    await Promise.all(workers.map((w) => w.ready));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await dropPrefix(prefix);
    raw.disconnect();
  });

  it("100 concurrent identical calls across 4 processes run the computation exactly once", async () => {
    const replies = await Promise.all(workers.map((w) => w.send({ op: "call", q: "stampede", n: 25, delayMs: 400 })));
    const results = replies.flatMap((r) => r.results ?? []);
    expect(results).toHaveLength(100);
    expect(new Set(results).size).toBe(1);
    expect(replies.reduce((sum, r) => sum + (r.computations ?? 0), 0)).toBe(1);
    expect(await raw.get(`${prefix}computations:stampede`)).toBe("1");
  });

  it("a delete in one process drops the other processes' in-process copies", async () => {
    const [w1, w2] = workers;
    const first = await w1.send({ op: "call", q: "inv", n: 1 });
    expect(first.computations).toBe(1);
    const copy = await w2.send({ op: "call", q: "inv", n: 1 }); // from Redis, now in w2's L1
    expect(copy).toMatchObject({ computations: 0, results: first.results });
    const l1Hits = (await w2.send({ op: "stats" })).stats!.l1Hits;
    await w2.send({ op: "call", q: "inv", n: 1 });
    expect((await w2.send({ op: "stats" })).stats!.l1Hits).toBe(l1Hits + 1);
    const seen = (await w2.send({ op: "stats" })).stats!.invalidations;
    await w1.send({ op: "delete", q: "inv" });
    await eventually(async () => (await w2.send({ op: "stats" })).stats!.invalidations > seen, 3000, "invalidation in w2");
    const after = await w2.send({ op: "call", q: "inv", n: 1 });
    expect(after.computations).toBe(1);
    expect(after.results).not.toEqual(first.results);
  });

  it("a holder that crashes mid-computation blocks the others only until its lock expires", async () => {
    const [, , w3, w4] = workers;
    void w3.send({ op: "call", q: "crash", n: 1, delayMs: 30_000 });
    await eventually(async () => (await raw.keys(`${prefix}*:lock`)).length === 1, 10_000, "w3 to take the lock");
    // Kill it mid-computation, not between taking the lock and starting to compute.
    await eventually(async () => (await raw.get(`${prefix}computations:crash`)) === "1", 10_000, "w3 to start computing");
    w3.proc.kill("SIGKILL");
    const started = Date.now();
    const reply = await w4.send({ op: "call", q: "crash", n: 3, delayMs: 0 });
    const waited = Date.now() - started;
    expect(reply.computations).toBe(1);
    expect(new Set(reply.results).size).toBe(1);
    expect(waited).toBeLessThan(3000);
    expect(await raw.get(`${prefix}computations:crash`)).toBe("2");
  });
});
