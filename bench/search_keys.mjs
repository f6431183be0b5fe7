// A search keystroke's cost by what it does to the list (issue 4): the same six keys over and
// over in the contacts search ("m", "a", "r", then Backspace three times), each traced like
// `frames.mjs` does, reported per key: the main thread's work and its CPU time from the input
// to the painted frame (median and max), and with DETAIL=1 what each sample's tasks did.
// EXTRA_CSS=<rules> and EXTRA_JS=<script> change the page first, to try a change unbuilt;
// ALTERNATE=1 turns EXTRA_CSS on in every other round and reports both halves.
//   node bench/search_keys.mjs <relay binary> <dist dir> <workspace file> [rounds]
// The keys that change every row on view (the first letter, and deleting back to it or to
// nothing) are the ones that set the keystroke's 95th percentile in `frames.mjs`.
import { TRACE_CATEGORIES, importWorkspace, inputFrames, navLink, settle, shown, warmScreens, withApp } from "./lib.mjs";

const [relayBin, distDir, file, rounds = "6"] = process.argv.slice(2);
const KEYS = [
  ["m", "'' → m"],
  ["a", "m → ma"],
  ["r", "ma → mar"],
  ["Backspace", "mar → ma"],
  ["Backspace", "ma → m"],
  ["Backspace", "m → ''"],
];

await withApp(relayBin, distDir, async (page, context) => {
  await importWorkspace(page, file);
  await warmScreens(page);
  const cdp = await context.newCDPSession(page);
  await navLink(page, "Contacts").click();
  await settle(page);
  // EXTRA_CSS and EXTRA_JS: added to the page with the list on view (the workspace's import
  // and the screens' warm-up load the page afresh), to try a change without a build.
  // With ALTERNATE=1 the style sheet is on in odd rounds only, and both halves are reported:
  // a comparison within one page and one stretch of time, out of reach of the VM's drift.
  const extra = process.env.EXTRA_CSS ? await page.addStyleTag({ content: process.env.EXTRA_CSS }) : null;
  const alternate = Boolean(extra && process.env.ALTERNATE);
  if (process.env.EXTRA_JS) await page.evaluate(process.env.EXTRA_JS);
  await shown(page, "list-search").focus();
  const halves = [KEYS.map(() => []), KEYS.map(() => [])];
  for (let r = 0; r < Number(rounds); r++) {
    const on = !alternate || r % 2 === 1;
    if (alternate) await extra.evaluate((el, off) => (el.sheet.disabled = off), !on);
    const samples = halves[on ? 1 : 0];
    for (const [k, [key]] of KEYS.entries()) {
      const events = [];
      const collect = (d) => events.push(...d.value);
      cdp.on("Tracing.dataCollected", collect);
      const complete = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
      await cdp.send("Tracing.start", { categories: TRACE_CATEGORIES, transferMode: "ReportEvents" });
      await page.keyboard.press(key);
      // The frame after everything the key caused, then one more task: it has been painted.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
      await cdp.send("Tracing.end");
      await complete;
      cdp.off("Tracing.dataCollected", collect);
      const frame = inputFrames(events, "keydown").at(-1);
      if (!frame) throw new Error(`no keydown and paint after it in the trace of ${key}`);
      samples[k].push(frame);
      await settle(page);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cells = (xs) => `${median(xs).toFixed(1)} / ${Math.max(...xs).toFixed(1)}`;
  for (const [half, samples] of halves.entries()) {
  if (!samples[0].length) continue;
  if (alternate) console.log(`\n${half ? "with EXTRA_CSS" : "without EXTRA_CSS"}`);
  console.log("| keystroke | work median / max | CPU time median / max | samples |");
  console.log("|---|---:|---:|---:|");
  for (const [k, [, label]] of KEYS.entries()) {
    const s = samples[k];
    console.log(`| ${label} | ${cells(s.map((f) => f.workMs))} | ${cells(s.map((f) => f.cpuMs))} | ${s.length} |`);
  }
  // The keys that change every row on view, pooled: the median self CPU time of each kind of
  // main-thread event, to see which part of the frame a change moves.
  const heavy = [0, 4, 5].flatMap((k) => samples[k]);
  const names = [...new Set(heavy.flatMap((f) => Object.keys(f.selfMs)))];
  const rowsOf = names
    .map((n) => [n, median(heavy.map((f) => f.selfMs[n] ?? 0))])
    .filter(([, ms]) => ms >= 0.1)
    .sort((a, b) => b[1] - a[1]);
  console.log(`\nkeys changing every row, median self CPU ms: ${rowsOf.map(([n, ms]) => `${n} ${ms.toFixed(2)}`).join(", ")}`);
  if (process.env.DETAIL) {
    for (const [k, [, label]] of KEYS.entries()) {
      console.log(`\n${label}`);
      for (const f of samples[k]) console.log(`  ${f.cpuMs.toFixed(1)} ms CPU: ${f.tasks.map((t) => t.events.join(", ")).join(" | ")}`);
    }
  }
  }
});
