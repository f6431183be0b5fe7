// Import benchmark: a generated CSV of contacts (deterministic) through the app's import screen
// in headless Chromium. Reports rows per second for reading + checking and for writing, and
// the longest main-thread block while it runs (long tasks, from a PerformanceObserver).
//   node bench/import.mjs <relay binary> <dist dir> [rows]
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ready, withApp } from "./lib.mjs";

const [relayBin, distDir, rowsArg] = process.argv.slice(2);
const ROWS = Number(rowsArg ?? 100_000);

/** A deterministic file: names, emails, phones, companies (500 of them), cities and tags. */
function csv(n) {
  let seed = 42;
  const rnd = (k) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % k;
  };
  const first = ["Ann", "Bob", "Cara", "Dan", "Eve", "Finn", "Gil", "Hana", "Ivan", "Jana", "Kofi", "Lena"];
  const last = ["Lee", "Stone", "Diaz", "Brown", "Park", "Hall", "Ito", "Novak", "Rossi", "Khan", "Moreau"];
  const cities = ["Berlin", "Lyon", "Porto", "Tehran", "Kazan", "Austin", "Osaka", "Leeds"];
  const lines = ["First Name,Last Name,Email,Phone,Company,City,Tags"];
  for (let i = 0; i < n; i++) {
    const f = first[rnd(first.length)];
    // Unique people (a file of one person's duplicates would measure skipping, not importing).
    const l = `${last[rnd(last.length)]}-${i.toString(36)}`;
    lines.push(
      `${f},${l},${f.toLowerCase()}.${l.toLowerCase()}@example.com,+49 30 ${String(1000000 + i)},Company ${rnd(500)},${cities[rnd(cities.length)]},${rnd(3) === 0 ? "vip" : ""}`,
    );
  }
  return lines.join("\r\n") + "\r\n";
}

const work = mkdtempSync(join(tmpdir(), "hearth-import-"));
const file = join(work, `contacts-${ROWS}.csv`);
writeFileSync(file, csv(ROWS));

try {
  await withApp(relayBin, distDir, async (page) => {
    await page.goto("/import?kind=contacts");
    await ready(page);
    await page.evaluate(() => {
      window.__longest = 0;
      window.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          window.__long.push(e.duration);
          window.__longest = Math.max(window.__longest, e.duration);
        }
      }).observe({ type: "longtask" });
    });
    const t0 = Date.now();
    await page.getByTestId("import-source").setInputFiles(file);
    await page.getByTestId("import-file-summary").waitFor({ timeout: 600_000 });
    const read = Date.now() - t0;
    const t1 = Date.now();
    await page.getByTestId("import-check").click();
    await page.getByTestId("import-review").waitFor({ timeout: 600_000 });
    const check = Date.now() - t1;
    const readCheckLong = await page.evaluate(() => window.__longest);
    const t2 = Date.now();
    await page.getByTestId("import-go").click();
    await page.getByTestId("import-done").waitFor({ timeout: 1_200_000 });
    const write = Date.now() - t2;
    // Wait until IndexedDB has everything before reading the long tasks (persisting included).
    await page.waitForFunction(() => performance.getEntriesByName("hearth:persisted").length > 0, null, { timeout: 600_000 });
    const longest = await page.evaluate(() => window.__longest);
    const longCount = await page.evaluate(() => window.__long.length);
    const measure = (name) =>
      page.evaluate((n) => Math.max(0, ...performance.getEntriesByName(n).map((e) => e.duration)), name);
    const plan = await measure("hearth:import-plan");
    await page.waitForTimeout(2000);
    const compact = await measure("hearth:compact");
    const dist = (name) =>
      page.evaluate((n) => {
        const d = performance.getEntriesByName(n).map((e) => e.duration).sort((a, b) => a - b);
        return d.length ? `${d.length} × median ${d[d.length >> 1].toFixed(1)}, max ${d[d.length - 1].toFixed(1)}` : "none";
      }, name);
    console.error("apply", await dist("hearth:write-apply"));
    console.error("save", await dist("hearth:write-save"));
    console.error("render", await dist("hearth:write-render"));
    const total = read + check + write;
    console.log(`| import ${ROWS.toLocaleString("en")} contacts (CSV, headless Chromium) | value |`);
    console.log("|---|---:|");
    console.log(`| read the file (ms) | ${read} |`);
    console.log(`| check every row (ms) | ${check} |`);
    console.log(`| write, one undo step (ms) | ${write} |`);
    console.log(`| rows per second, end to end | ${Math.round((ROWS / total) * 1000)} |`);
    console.log(`| longest main-thread block while reading and checking (ms) | ${readCheckLong.toFixed(0)} |`);
    console.log(`| longest main-thread block overall (ms) | ${longest.toFixed(0)} |`);
    console.log(`| long tasks (> 50 ms) overall | ${longCount} |`);
    console.log(`| of which: making the plan from the checked rows (ms) | ${plan.toFixed(0)} |`);
    console.log(`| of which: the one compaction after the import (full save, ms) | ${compact.toFixed(0)} |`);
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
