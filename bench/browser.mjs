// Browser benchmark: opening the workspace, persisting an edit and memory, dataset in IndexedDB.
// Prints Markdown rows. Run through `make bench`.
//   node bench/browser.mjs <relay binary> <dist dir> <workspace file> <label>
import { READY, importWorkspace, ready, stats, withApp } from "./lib.mjs";

const [relayBin, distDir, file, label] = process.argv.slice(2);
const RUNS = 5;

await withApp(relayBin, distDir, async (page, context) => {
  // Trunk announces the instantiated module; keep it to read the wasm memory size.
  await context.addInitScript(() =>
    addEventListener("TrunkApplicationStarted", (e) => (window.__hearthWasm = e.detail.wasm)),
  );
  await importWorkspace(page, file);

  const opens = [];
  const heaps = [];
  const wasmMemory = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto("/settings");
    await ready(page);
    opens.push(await page.evaluate((r) => performance.getEntriesByName(r)[0].startTime, READY));
    const cdp = await context.newCDPSession(page);
    await cdp.send("HeapProfiler.collectGarbage");
    const { usedSize } = await cdp.send("Runtime.getHeapUsage");
    heaps.push(usedSize / 1e6);
    wasmMemory.push(await page.evaluate(() => (window.__hearthWasm?.memory?.buffer?.byteLength ?? 0) / 1e6));
  }
  const edits = [];
  await page.goto("/contacts");
  await ready(page);
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
});
