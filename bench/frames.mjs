// Frame-time benchmark (issue 4): how long after an input the next frame is on screen, for the
// interactions a salesperson repeats all day, with a generated workspace in IndexedDB.
//   node bench/frames.mjs <relay binary> <dist dir> <workspace file> <label>
//
// Measured in the page: a capture listener on the input event (`click` for pointer actions,
// `keydown` for keys) takes the event's timestamp; a requestAnimationFrame callback queued then
// runs at the start of the next frame after the handler and every reactive update it caused (they
// run in microtasks); a task posted from that callback runs once that frame has been produced
// (style, layout, paint). Input → that task is "input to next frame". Playwright's input goes
// through CDP as real input events, so the browser's own event path is included.
//
// That time includes the wait for the display's next refresh, which depends only on when in
// the refresh cycle the input arrived (0-16.7 ms at 60 Hz), not on the page. A trace of the
// main thread, taken around each input, gives the other column: the time the main thread was
// busy from the input's task to the end of the task that painted the next frame ("work"). The
// goal, rendering the next frame within one frame at 60 Hz, is judged on it. The same tasks'
// thread time ("CPU time") is beside it: the work less the time the thread waited for a core.
import { LIGHT_CATEGORIES, TRACE_CATEGORIES, importWorkspace, inputFrames, markedFrame, navLink, percentile, settle, shown, warmScreens, withApp } from "./lib.mjs";

const [relayBin, distDir, file, label] = process.argv.slice(2);
const SAMPLES = 20;
/** TRACE=light: trace only the main thread's tasks and the probe's marks (`markedFrame`). */
const LIGHT = process.env.TRACE === "light";
/** Input to the frame with the whole record page, beside its first frame's. */
const wholes = [];

const probe = () => {
  window.__frames = [];
  window.__wholes = [];
  // From a requestAnimationFrame callback: runs `f` once that frame has been produced.
  const afterThisFrame = (f) => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = f;
    port2.postMessage(0);
  };
  const arm = (type) =>
    addEventListener(
      type,
      (e) => {
        if (!window.__armed || window.__armed.type !== type) return;
        const { what, whole } = window.__armed;
        window.__armed = null;
        const start = e.timeStamp;
        performance.mark("bench:input");
        requestAnimationFrame(() =>
          afterThisFrame(() => {
            performance.mark("bench:frame");
            window.__frames.push({ what, ms: performance.now() - start });
            window.__frameDone?.();
            // `whole`: a selector for the last part of the page to come; the first frame
            // that has it ends the "whole page" time.
            const check = () =>
              document.querySelector(whole)
                ? afterThisFrame(() => {
                    window.__wholes.push(performance.now() - start);
                    window.__wholeDone?.();
                  })
                : requestAnimationFrame(check);
            if (whole) requestAnimationFrame(check);
          }),
        );
      },
      { capture: true },
    );
  arm("click");
  arm("keydown");
};

/**
 * Runs `act` with the probe armed for one `type` event and a trace running; returns input →
 * next frame and the main thread's work for it, in ms.
 */
async function measure(page, cdp, what, type, act, whole) {
  await page.evaluate(([what, type, whole]) => (window.__armed = { what, type, whole }), [what, type, whole]);
  const events = [];
  const collect = (d) => events.push(...d.value);
  cdp.on("Tracing.dataCollected", collect);
  const complete = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
  await cdp.send("Tracing.start", { categories: LIGHT ? LIGHT_CATEGORIES : TRACE_CATEGORIES, transferMode: "ReportEvents" });
  // Told by the page (bindings), not polled: a poll sent now would run in the page between the
  // input and its frame, and be counted in the work (or in the whole page's time).
  const framed = new Promise((r) => (frameDone = r));
  const wholeSeen = new Promise((r) => (wholeDone = r));
  await act();
  await framed;
  await cdp.send("Tracing.end");
  await complete;
  cdp.off("Tracing.dataCollected", collect);
  const ms = await page.evaluate(() => window.__frames.at(-1).ms);
  const frame = LIGHT ? markedFrame(events, "bench:input", "bench:frame") : inputFrames(events, type).at(-1);
  if (!frame || Number.isNaN(frame.workMs)) throw new Error(`no ${type} and paint after it in the trace of "${what}"`);
  if (whole) {
    await wholeSeen;
    wholes.push(await page.evaluate(() => window.__wholes.at(-1)));
  }
  // SLOW=<ms>: what the main thread did for an input whose work took longer.
  if (process.env.SLOW && !LIGHT && frame.workMs > Number(process.env.SLOW)) {
    console.error(`${what}: ${frame.workMs.toFixed(1)} ms`);
    for (const t of frame.tasks) console.error(`  +${t.at.toFixed(1)} task ${t.ms.toFixed(1)}: ${t.events.join(", ")}`);
  }
  return { ms, work: frame.workMs, cpu: frame.cpuMs };
}


/** Resolve the promises `measure` waits on; the page calls them once the frame (and, when
 * asked, the whole page) is produced. */
let frameDone = () => {};
let wholeDone = () => {};

await withApp(relayBin, distDir, async (page, context) => {
  await context.addInitScript(probe);
  await page.exposeFunction("__frameDone", () => frameDone());
  await page.exposeFunction("__wholeDone", () => wholeDone());
  await importWorkspace(page, file);
  const cdp = await context.newCDPSession(page);
  const nav = (key) => navLink(page, key);
  const results = {};
  const record = (what, ms) => (results[what] ??= []).push(ms);

  await warmScreens(page);

  // Opening each list from another screen.
  for (let i = 0; i < SAMPLES; i++) {
    for (const [name, what] of [
      ["Contacts", "open the contacts list"],
      ["Companies", "open the companies list"],
      ["Deals", "open the deal board"],
      ["Activities", "open the activity feed"],
      ["Tasks", "open the task list"],
    ]) {
      await nav("Dashboard").click();
      await settle(page);
      record(what, await measure(page, cdp, what, "click", () => nav(name).click()));
      await settle(page);
    }
  }

  // A keystroke in the contacts search box (each adds or removes a letter).
  await nav("Contacts").click();
  await settle(page);
  const search = shown(page, "list-search");
  await search.focus();
  const keys = ["m", "a", "r", "Backspace", "Backspace", "Backspace"];
  for (let i = 0; i < SAMPLES; i++) {
    const key = keys[i % keys.length];
    record("type in the contacts search", await measure(page, cdp, "search", "keydown", () => page.keyboard.press(key)));
    await settle(page);
  }
  await search.fill("");
  await settle(page);

  // Opening a contact from the list. The first opening builds the contact page, which is then
  // kept (later ones show another record in it): it is reported on a row of its own.
  for (let i = 0; i <= SAMPLES; i++) {
    const link = shown(page, "table-rows").locator(".title-cell a").nth(i % 10);
    const what = i === 0 ? "open the first contact (builds the record page)" : "open a contact from the list";
    record(what, await measure(page, cdp, "record", "click", () => link.click(), "[data-testid=timeline]"));
    await settle(page);
    await page.goBack();
    await shown(page, "table-rows").waitFor();
    await settle(page);
  }

  // Moving a deal on the board from the keyboard: Space picks it up, an arrow moves it to the
  // next stage, Space drops it (the drop writes the change; that keystroke is measured).
  await nav("Deals").click();
  await page.getByTestId("board").waitFor();
  await settle(page);
  for (let i = 0; i < SAMPLES; i++) {
    const card = page.getByTestId("deal-card").first();
    await card.focus();
    await page.keyboard.press("Space");
    await page.keyboard.press(i % 2 ? "ArrowLeft" : "ArrowRight");
    await settle(page);
    record("move a deal to another stage (drop key)", await measure(page, cdp, "move", "keydown", () => page.keyboard.press("Space")));
    await settle(page);
  }

  console.log(`| ${label}, headless Chromium (ms) | input to next frame p50 / p95 / max | main thread's work p50 / p95 / max | its CPU time p50 / p95 / max | samples | work p95 ≤ 16 ms |`);
  console.log("|---|---:|---:|---:|---:|---|");
  const cells = (xs) => [percentile(xs, 50), percentile(xs, 95), Math.max(...xs)].map((x) => x.toFixed(1)).join(" / ");
  for (const [what, samples] of Object.entries(results)) {
    const [wall, work, cpu] = [samples.map((s) => s.ms), samples.map((s) => s.work), samples.map((s) => s.cpu)];
    console.log(`| ${what} | ${cells(wall)} | ${cells(work)} | ${cells(cpu)} | ${samples.length} | ${percentile(work, 95) <= 16 ? "yes" : "no"} |`);
  }
  if (wholes.length) console.log(`\nOpening a contact, input to the first frame with the whole page (its timeline too): p50 / p95 / max ${cells(wholes)} ms`);
});
