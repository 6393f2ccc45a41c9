import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cached, runStoreConformance } from "@flg/cache";
import { RedisStore } from "@flg/cache-redis";
import { Cluster } from "ioredis";

import { eventually, portFree, redisServerBinaryAvailable, uniquePrefix } from "./fixtures/redis.js";

const run = promisify(execFile);
const available = await redisServerBinaryAvailable();

/** Three masters of our own (cluster mode) on free loopback ports, never the shared server. */
class OwnCluster {
  readonly procs: ChildProcess[] = [];
  readonly dir = mkdtempSync(join(tmpdir(), "flg-redis-cluster-"));
  ports: number[] = [];

  async start(): Promise<void> {
    this.ports = await freePorts();
    for (const port of this.ports) {
      const proc = spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes", "--cluster-config-file", join(this.dir, `nodes-${port}.conf`), "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", this.dir],
        { stdio: ["ignore", "pipe", "ignore"] },
      );
      this.procs.push(proc);
      await new Promise<void>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`cluster node ${port} did not start`)), 10_000);
        proc.stdout?.on("data", (c: Buffer) => {
          out += c.toString();
          if (out.includes("Ready to accept connections")) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    }
    await run("redis-cli", ["--cluster", "create", ...this.ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"]);
    await eventually(async () => {
      const { stdout } = await run("redis-cli", ["-p", String(this.ports[0]), "cluster", "info"]);
      return stdout.includes("cluster_state:ok");
    }, 20_000, "cluster_state:ok");
  }

  stop(): void {
    for (const p of this.procs) p.kill("SIGKILL");
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Three consecutive ports p, each with p + 10000 (the cluster bus) free too. */
async function freePorts(): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const ports = [base, base + 1, base + 2];
    const free = await Promise.all(ports.flatMap((p) => [portFree(p), portFree(p + 10_000)]));
    if (free.every(Boolean)) return ports;
  }
  throw new Error("no free ports for a test cluster");
}

describe.skipIf(!available)("RedisStore on a Redis Cluster (3 masters of our own)", () => {
  const cluster = new OwnCluster();
  const clients: Cluster[] = [];
  const newClient = () => {
    const c = new Cluster(
      cluster.ports.map((port) => ({ host: "127.0.0.1", port })),
      { enableOfflineQueue: true, enableAutoPipelining: true, redisOptions: { maxRetriesPerRequest: 1 } },
    );
    c.on("error", () => {});
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    await cluster.start();
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    cluster.stop();
  });

  runStoreConformance("RedisStore over Cluster", {
    async create() {
      const store = new RedisStore({ client: newClient(), prefix: uniquePrefix("cluster"), timeoutMs: 2000 });
      await store.ready(10_000);
      return store;
    },
    async destroy(store) {
      await (store as RedisStore).clear();
      await (store as RedisStore).close();
    },
  });

  it("keys spread over several slots and nodes; a value and its lock share one slot", async () => {
    const client = newClient();
    const prefix = uniquePrefix("slots");
    const store = new RedisStore({ client, prefix, timeoutMs: 2000 });
    await store.ready(10_000);
    for (let i = 0; i < 30; i += 1) await store.set(`k${i}`, { value: i });
    const perNode = await Promise.all(client.nodes("master").map(async (n) => (await n.keys(`${prefix}*`)).length));
    expect(perNode.filter((n) => n > 0).length).toBeGreaterThan(1);
    const slot = async (key: string) => (await client.call("CLUSTER", "KEYSLOT", key)) as number;
    expect(await slot(`${prefix}{=k1}`)).toBe(await slot(`${prefix}{=k1}:lock`));
    await store.clear();
    const left = await Promise.all(client.nodes("master").map(async (n) => (await n.keys(`${prefix}*`)).length));
    expect(left.reduce((a, b) => a + b, 0)).toBe(0);
    await store.close();
  });

  it("single-flight and invalidation work across two cluster clients", async () => {
    const prefix = uniquePrefix("cluster-sf");
    const [a, b] = [new RedisStore({ client: newClient(), prefix, timeoutMs: 2000 }), new RedisStore({ client: newClient(), prefix, timeoutMs: 2000 })];
    await a.ready(10_000);
    await b.ready(10_000);
    let runs = 0;
    const work = async (q: string) => {
      runs += 1;
      await new Promise((r) => setTimeout(r, 100));
      return q.toUpperCase();
    };
    const fa = cached(work, { store: a, namespace: "w" });
    const fb = cached(work, { store: b, namespace: "w" });
    const out = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? fa("x") : fb("x"))));
    expect(new Set(out)).toEqual(new Set(["X"]));
    expect(runs).toBe(1);
    await fb("x"); // in b's L1 now
    await fa.delete("x");
    await eventually(() => b.stats().invalidations > 0, 3000, "invalidation over cluster pub/sub");
    await a.clear();
    await a.close();
    await b.close();
  });
});
