// Dashboard figures (issue 6): how long each figure of the dashboard and of /scorecard takes to
// compute in headless Chromium with a generated workspace, and which figures compute again
// after an edit.
//   node bench/dashboard.mjs <relay binary> <dist dir> <workspace file> <label> [runs=3]
//
// Each figure's computation (the Memo that calls `crm_core::analytics` and shapes its rows) runs
// inside a User Timing measure `hearth:figure:<name>` (`timed` in src/pages/dashboard.rs). A
// figure read by another while it computes (the team report under the revenue cards) nests in
// that one's measure: "own" is a measure's duration less the figures nested in it.
//
// Per run (a fresh browser profile): import the file through Settings, open the dashboard from
// the navigation (first computation of every figure), open /scorecard, go back to the
// dashboard, then three edits while it is on screen, each followed by the measures it caused:
// a scorecard target set in place; a contact added and a deal won in a second tab of the same
// profile (the change reaches the dashboard's tab as it would from another tab or a teammate).
import { importWorkspace, ready, withApp } from "./lib.mjs";

const [relayBin, distDir, file, label, runsArg] = process.argv.slice(2);
const RUNS = Number(runsArg ?? 3);
const PREFIX = "hearth:figure:";

const probe = () => {
  window.__clicks = [];
  addEventListener("click", (e) => window.__clicks.push(e.timeStamp), { capture: true });
  // When each frame has been produced: a task posted from every animation frame callback.
  window.__frames = [];
  const { port1, port2 } = new MessageChannel();
  port1.onmessage = () => window.__frames.push(performance.now());
  const loop = () => {
    port2.postMessage(0);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
};

/** Resolves after the next frame has been produced. */
const settle = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));

/** Figure measures since the last `clear`, each with its own time (nested figures taken out). */
async function figures(page) {
  const entries = await page.evaluate((prefix) =>
    performance
      .getEntriesByType("measure")
      .filter((e) => e.name.startsWith(prefix))
      .map((e) => ({ name: e.name.slice(prefix.length), start: e.startTime, duration: e.duration })),
    PREFIX,
  );
  const inside = (a, b) => a !== b && a.start >= b.start && a.start + a.duration <= b.start + b.duration;
  return entries.map((e) => {
    const nested = entries.filter((c) => inside(c, e) && !entries.some((m) => m !== e && inside(c, m) && inside(m, e)));
    return { ...e, own: e.duration - nested.reduce((s, c) => s + c.duration, 0), nested: nested.map((c) => c.name) };
  });
}

const clear = (page) =>
  page.evaluate(() => (performance.clearMeasures(), (window.__clicks = []), (window.__frames = [])));

/** Waits until figure measures stop appearing (`quiet` ms without a new one, at most `limit`). */
async function quiesce(page, quiet = 750, limit = 30_000) {
  const t0 = Date.now();
  let count = -1;
  let since = Date.now();
  while (Date.now() - t0 < limit) {
    await page.waitForTimeout(100);
    const n = await page.evaluate((p) => performance.getEntriesByType("measure").filter((e) => e.name.startsWith(p)).length, PREFIX);
    if (n !== count) {
      count = n;
      since = Date.now();
    } else if (Date.now() - since >= quiet) {
      break;
    }
  }
  await settle(page);
}

/** From the last click to the first frame produced after the last figure measure ended (or
 * after the click, when none computed), in ms; read once the figures are quiet, from the
 * page's own log of frames, so the harness's polling is not counted. */
const clickToFrame = (page) =>
  page.evaluate((prefix) => {
    const click = window.__clicks.at(-1) ?? NaN;
    const ends = performance
      .getEntriesByType("measure")
      .filter((e) => e.name.startsWith(prefix))
      .map((e) => e.startTime + e.duration);
    const last = Math.max(click, ...ends);
    const frame = window.__frames.find((t) => t >= last);
    return (frame ?? NaN) - click;
  }, PREFIX);

// results[phase][figure] = [{ ms, own, times }] over runs; results[phase].__total = [ms]
const results = {};
const put = (phase, list, total) => {
  const p = (results[phase] ??= { figures: {}, totals: [] });
  const byName = {};
  for (const f of list) {
    const s = (byName[f.name] ??= { ms: 0, own: 0, times: 0, nested: new Set() });
    s.ms += f.duration;
    s.own += f.own;
    s.times += 1;
    f.nested.forEach((n) => s.nested.add(n));
  }
  for (const [name, s] of Object.entries(byName)) (p.figures[name] ??= []).push(s);
  if (total !== undefined) p.totals.push(total);
};

const EXPECTED = ["team", "pipeline", "win-rate", "forecast", "forecast-undated", "win-trend", "revenue-member", "revenue-territory", "activities", "rfm", "scorecard"];

for (let run = 0; run < RUNS; run++) {
  await withApp(relayBin, distDir, async (page, context) => {
    await context.addInitScript(probe);
    await importWorkspace(page, file);
    const nav = (p, key) => p.getByRole("navigation").getByRole("link", { name: key, exact: true });

    // Open the dashboard: every figure computes for the first time.
    await nav(page, "Contacts").click();
    await settle(page);
    await clear(page);
    await nav(page, "Dashboard").click();
    await page.waitForFunction(
      ([p, names]) => names.every((n) => performance.getEntriesByName(p + n).length > 0),
      [PREFIX, EXPECTED],
      { timeout: 120_000 },
    );
    await page.getByTestId("scorecard").locator("tr[data-measure]").first().waitFor();
    await quiesce(page);
    const open = await clickToFrame(page);
    put("open the dashboard", await figures(page), open);

    // The scorecard alone.
    await clear(page);
    await page.getByTestId("scorecard").locator('a[href="/scorecard"]').click();
    await page.waitForURL("**/scorecard");
    await page.getByTestId("scorecard").locator("tr[data-measure]").first().waitFor();
    await quiesce(page);
    const sc = await clickToFrame(page);
    put("open /scorecard", await figures(page), sc);

    // Back to the dashboard for the edits.
    await nav(page, "Dashboard").click();
    await page.getByTestId("scorecard").locator("tr[data-measure]").first().waitFor();
    await quiesce(page);

    // Edit 1: a scorecard target, set in place on the dashboard.
    const row = page.getByTestId("scorecard").locator('tr[data-measure="sales.win_rate"]');
    await row.getByTestId("edit-target").click();
    const editor = page.getByTestId("target-editor");
    await editor.getByTestId("target-value").fill(String(40 + run));
    await editor.getByTestId("target-tolerance").fill("5");
    await settle(page);
    await clear(page);
    await editor.getByTestId("target-save").click();
    await editor.waitFor({ state: "detached" });
    await quiesce(page);
    const t1 = await clickToFrame(page);
    put("edit: set a scorecard target (dashboard tab)", await figures(page), t1);

    // Edits 2 and 3 in a second tab of the same profile; measured in the dashboard's tab.
    const other = await context.newPage();
    await other.goto("/contacts");
    await ready(other);
    await settle(other);
    await quiesce(page);

    await clear(page);
    const form = other.locator("form.quick-add");
    await form.locator('input[name="name"]').fill(`Bench contact ${run}`);
    await form.locator('button[type="submit"]').click();
    await quiesce(page, 1500);
    put("edit: add a contact (other tab)", await figures(page));

    await nav(other, "Deals").click();
    await other.getByTestId("deal-card").first().waitFor();
    await other.getByTestId("deal-card").first().getByRole("link").first().click();
    await other.getByTestId("win-deal").waitFor();
    await settle(other);
    await quiesce(page);
    await clear(page);
    await other.getByTestId("win-deal").click();
    await other.getByTestId("deal-actions").locator(".badge").waitFor();
    await quiesce(page, 1500);
    put("edit: win a deal (other tab)", await figures(page));
    await other.close();
  });
  console.error(`run ${run + 1}/${RUNS} done`);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const f1 = (x) => (x === undefined ? "—" : x.toFixed(1));

for (const [phase, { figures: figs, totals }] of Object.entries(results)) {
  console.log();
  console.log(`| ${label}, headless Chromium: ${phase} | computed (times per run) | ms, median | own ms (nested figures taken out) | max | runs | own ≤ 50 ms |`);
  console.log("|---|---:|---:|---:|---:|---:|---|");
  const names = Object.keys(figs).sort((a, b) => EXPECTED.indexOf(a) - EXPECTED.indexOf(b));
  for (const name of names) {
    const xs = figs[name];
    const nested = [...new Set(xs.flatMap((x) => [...x.nested]))];
    const own = median(xs.map((x) => x.own));
    console.log(
      `| ${name}${nested.length ? ` (includes ${nested.join(", ")})` : ""} | ${median(xs.map((x) => x.times))} | ${f1(median(xs.map((x) => x.ms)))} | ${f1(own)} | ${f1(Math.max(...xs.map((x) => x.ms)))} | ${xs.length} | ${own <= 50 ? "yes" : "no"} |`,
    );
  }
  const missing = EXPECTED.filter((n) => !figs[n]);
  if (phase.startsWith("edit") && missing.length) console.log(`| not recomputed: ${missing.join(", ")} | 0 | | | | | |`);
  if (totals.length) console.log(`| **click to the frame after the last figure** | | ${f1(median(totals))} | | ${f1(Math.max(...totals))} | ${totals.length} | |`);
}
