/**
 * Renders the HTML report in headless Chromium (Debian's `chromium` package, as in CI) and checks
 * what a reader sees. A screenshot is kept in test-artifacts/ (gitignored) for a human look.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import { MemorySaver } from "@langchain/langgraph";
import { chromium, type BrowserContext } from "playwright-core";

import { profile } from "@flg/profiler";

import { failingGraph, fanOutGraph, flakyGraph, hello, loopGraph, subgraphAsNode } from "./graphs.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "test-artifacts");
// Without Chromium the test cannot run; in CI that is a setup error, not a reason to pass.
const skip = !existsSync(CHROMIUM) && !process.env.CI;

describe.skipIf(skip)("HTML report in headless Chromium", () => {
  let browser: BrowserContext;
  const userDataDir = mkdtempSync(join(tmpdir(), "flg-chromium-"));
  const outDir = mkdtempSync(join(tmpdir(), "flg-report-"));

  beforeAll(async () => {
    // A persistent context is how Playwright takes a user data dir: a fresh one per run.
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(userDataDir, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  });

  it("shows the waterfall, the node table and latency histograms", async () => {
    // A report per shape: a loop, parallel branches, a subgraph, a retry, a failure.
    const graphs = [loopGraph(30, new MemorySaver()), fanOutGraph(), subgraphAsNode(), flakyGraph(1, 2), failingGraph()] as const;
    const profilers = graphs.map((g) => profile(g));
    await graphs[0].invoke(hello(), { configurable: { thread_id: "html" }, recursionLimit: 100 });
    await graphs[1].invoke({ log: [] });
    await graphs[2].invoke(hello());
    await graphs[3].invoke({ value: 0 });
    await graphs[4].invoke({ value: 0 }).catch(() => undefined);
    profilers.forEach((p) => p.detach());

    // The main report: a 40-step loop with a checkpointer.
    const combined = profile(loopGraph(40, new MemorySaver()), { name: "html-test" });
    await combined.graph.invoke(hello(), { configurable: { thread_id: "combined" }, recursionLimit: 100 });
    combined.detach();
    const files = await combined.write(outDir);
    const others = await Promise.all(profilers.map((p, i) => p.write(outDir, { basename: `graph-${i}` })));

    const page = await browser.newPage();
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));

    await page.goto(pathToFileURL(files.html).href);
    expect(await page.title()).toBe("LangGraph profile: html-test");
    expect(await page.locator("#summary .card").count()).toBe(8);
    // The table lists the nodes.
    const nodeCells = await page.locator("#nodes tbody tr td:first-child").allTextContents();
    expect(nodeCells.map((t) => t.trim()).sort()).toEqual(["__start__", "agent"]);
    // The waterfall draws one bar per task and one band per step.
    expect(await page.locator("svg.waterfall rect.task").count()).toBe(41);
    expect(await page.locator("svg.waterfall rect.step").count()).toBe(41);
    expect(await page.locator("svg.waterfall rect.io").count()).toBeGreaterThan(40);
    // Histograms: bars with a visible height.
    const bars = page.locator("svg.hist rect.bar");
    expect(await bars.count()).toBeGreaterThan(10);
    const heights = await bars.evaluateAll((rects) => rects.map((r) => Number(r.getAttribute("height"))));
    expect(heights.some((h) => h > 10)).toBe(true);
    expect(await page.locator("#histograms figcaption").allTextContents()).toEqual(["step time", "loop overhead per step", "agent", "__start__"]);
    // Sorting by a column works (inline script ran).
    const p99Header = page.locator("#nodes th", { hasText: "p99" });
    await p99Header.click();
    await p99Header.click();
    const firstAfterSort = (await page.locator("#nodes tbody tr td:first-child").first().textContent())?.trim();
    expect(["agent", "__start__"]).toContain(firstAfterSort);
    // Self-contained: the page loaded nothing but itself.
    expect(requests).toEqual([pathToFileURL(files.html).href]);
    expect(errors).toEqual([]);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "report.png"), fullPage: true });

    // The other reports: subgraph rows, errors and retries are on the page.
    await page.goto(pathToFileURL(others[2].html).href);
    expect((await page.locator("#nodes tbody tr td:first-child").allTextContents()).map((t) => t.trim())).toEqual(
      expect.arrayContaining(["research", "research › think", "research › answer"]),
    );
    expect(await page.locator("svg.waterfall text.label", { hasText: "research › think" }).count()).toBe(1);
    await page.goto(pathToFileURL(others[3].html).href);
    expect(await page.locator("#errors tbody tr").count()).toBe(1);
    expect(await page.locator("#errors").textContent()).toContain("(retried)");
    await page.goto(pathToFileURL(others[4].html).href);
    expect(await page.locator("svg.waterfall rect.task.error").count()).toBe(1);
    expect(await page.locator("#errors").textContent()).toContain("TypeError: cannot read the weather");
    await page.screenshot({ path: join(ARTIFACTS, "report-error.png"), fullPage: true });
    await page.close();
  });
});
