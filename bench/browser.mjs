// Browser benchmark: the app in headless Chromium (Debian's), served by the real relay, with a
// generated workspace in IndexedDB. Prints Markdown rows. Run through `make bench`.
//   node bench/browser.mjs <relay binary> <dist dir> <workspace file> <label>
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../tests/e2e/package.json", import.meta.url));
const { chromium } = require("@playwright/test");
const [relayBin, distDir, file, label] = process.argv.slice(2);
const RUNS = 5;

const work = mkdtempSync(join(tmpdir(), "hearth-bench-"));
const relay = spawn(relayBin, ["--port", "0", "--data-dir", join(work, "data"), "--dist-dir", distDir], {
  stdio: ["ignore", "pipe", "inherit"],
});
const url = await new Promise((resolve, reject) => {
  relay.stdout.on("data", (d) => {
    const m = String(d).match(/listening on (http:\/\/\S+)/);
    if (m) resolve(m[1]);
  });
  relay.on("exit", (c) => reject(new Error(`relay exited ${c}`)));
});

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor(s.length / 2)], s[0], s[s.length - 1]].map((x) => x.toFixed(1));
};
try {
  const context = await browser.newContext({ baseURL: url });
  // Trunk announces the instantiated module; keep it to read the wasm memory size.
  await context.addInitScript(() =>
    addEventListener("TrunkApplicationStarted", (e) => (window.__hearthWasm = e.detail.wasm)),
  );
  const page = await context.newPage();
  await page.goto("/settings");
  await page.waitForFunction(() => performance.getEntriesByName("hearth:workspace-ready").length > 0);
  await page.getByTestId("import-file").setInputFiles(file);
  await page.waitForFunction(() => performance.getEntriesByName("hearth:workspace-ready").length > 1, null, { timeout: 600_000 });

  const opens = [];
  const heaps = [];
  const wasmMemory = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto("/settings");
    await page.waitForFunction(() => performance.getEntriesByName("hearth:workspace-ready").length > 0, null, { timeout: 600_000 });
    opens.push(await page.evaluate(() => performance.getEntriesByName("hearth:workspace-ready")[0].startTime));
    const cdp = await context.newCDPSession(page);
    await cdp.send("HeapProfiler.collectGarbage");
    const { usedSize } = await cdp.send("Runtime.getHeapUsage");
    heaps.push(usedSize / 1e6);
    wasmMemory.push(await page.evaluate(() => (window.__hearthWasm?.memory?.buffer?.byteLength ?? 0) / 1e6));
  }
  const edits = [];
  await page.goto("/contacts");
  await page.waitForFunction(() => performance.getEntriesByName("hearth:workspace-ready").length > 0, null, { timeout: 600_000 });
  for (let i = 0; i < RUNS; i++) {
    await page.getByLabel("Name", { exact: true }).fill(`Bench ${i}`);
    const before = await page.evaluate(() => {
      performance.clearMarks("hearth:persisted");
      return performance.now();
    });
    await page.getByRole("button", { name: "Add contact" }).click();
    await page.waitForFunction(() => performance.getEntriesByName("hearth:persisted").length > 0);
    edits.push((await page.evaluate(() => performance.getEntriesByName("hearth:persisted")[0].startTime)) - before);
  }
  console.log(`| ${label}, headless Chromium | median | min | max | runs |`);
  console.log("|---|---:|---:|---:|---:|");
  console.log(`| open from IndexedDB to ready workspace (ms from navigation) | ${stats(opens).join(" | ")} | ${RUNS} |`);
  console.log(`| add a record, click to persisted in IndexedDB (ms, includes rendering the list) | ${stats(edits).join(" | ")} | ${RUNS} |`);
  console.log(`| JS heap after open (MB, after GC) | ${stats(heaps).join(" | ")} | ${RUNS} |`);
  console.log(`| wasm linear memory after open (MB) | ${stats(wasmMemory).join(" | ")} | ${RUNS} |`);
} finally {
  await browser.close();
  relay.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}
