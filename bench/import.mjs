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
    page.on("console", (m) => {
      if (m.type() === "warning" || m.type() === "error") console.error("page:", m.text());
    });
    await page.goto("/import?kind=contacts");
    await ready(page);
    await page.evaluate(() => {
      window.__longest = 0;
      window.__long = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          window.__long.push({ start: e.startTime, duration: e.duration });
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
    // A 100k import writes for minutes: say how far it is now and then.
    const ticker = setInterval(async () => {
      const n = await page
        .evaluate(() => [performance.getEntriesByName("hearth:import-plan").length, performance.getEntriesByName("hearth:write-apply").length, window.__longest])
        .catch(() => null);
      if (n) console.error(`${((Date.now() - t2) / 1000).toFixed(0)} s: ${n[0]} plan slices, ${n[1]} write slices, longest block ${n[2].toFixed(0)} ms`);
    }, 30_000);
    await page.getByTestId("import-done").waitFor({ timeout: 1_800_000 }).finally(() => clearInterval(ticker));
    const write = Date.now() - t2;
    // Wait until IndexedDB has everything before reading the long tasks (persisting included).
    await page.waitForFunction(() => performance.getEntriesByName("hearth:persisted").length > 0, null, { timeout: 600_000 });
    const longest = await page.evaluate(() => window.__longest);
    const longCount = await page.evaluate(() => window.__long.length);
    // Where the longest blocks fell: the app's own measures that overlap each of them.
    const worst = await page.evaluate(() =>
      [...window.__long]
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 8)
        .map((t) => {
          const inside = performance
            .getEntriesByType("measure")
            .filter((m) => m.name.startsWith("hearth:") && m.startTime < t.start + t.duration && m.startTime + m.duration > t.start)
            .map((m) => `${m.name.slice(7)} ${m.duration.toFixed(0)}`);
          return `${t.duration.toFixed(0)} ms at ${(t.start / 1000).toFixed(1)} s: ${[...new Set(inside)].slice(0, 6).join(", ") || "no app measure"}`;
        }),
    );
    for (const w of worst) console.error("long task", w);
    const measure = (name) =>
      page.evaluate((n) => Math.max(0, ...performance.getEntriesByName(n).map((e) => e.duration)), name);
    const plan = await measure("hearth:import-plan");
    const planTotal = await page.evaluate(() => performance.getEntriesByName("hearth:import-plan").reduce((a, e) => a + e.duration, 0));
    // The compaction after the import: in the compactor worker (not a block on the page), or
    // on the page where no worker could do it (a full save: one block).
    await page
      .waitForFunction(() => performance.getEntriesByName("hearth:compact").length + performance.getEntriesByName("hearth:compact-apart").length > 0, null, { timeout: 600_000 })
      .catch(() => console.error("no compaction within 10 minutes"));
    const compact = await measure("hearth:compact");
    const compactApart = await measure("hearth:compact-apart");
    const longestAfter = await page.evaluate(() => window.__longest);
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
    console.log(`| making the plan from the checked rows: longest slice / in all (ms) | ${plan.toFixed(0)} / ${planTotal.toFixed(0)} |`);
    console.log(`| the compaction after the import: on the page (full save, a block) / in the worker (not a block), ms | ${compact.toFixed(0)} / ${compactApart.toFixed(0)} |`);
    console.log(`| longest main-thread block including the compaction (ms) | ${longestAfter.toFixed(0)} |`);
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
