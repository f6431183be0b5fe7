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
import { importWorkspace, navLink, percentile, settle, warmScreens, withApp } from "./lib.mjs";

const [relayBin, distDir, file, label] = process.argv.slice(2);
const SAMPLES = 20;

const probe = () => {
  window.__frames = [];
  const arm = (type) =>
    addEventListener(
      type,
      (e) => {
        if (!window.__armed || window.__armed.type !== type) return;
        const { what } = window.__armed;
        window.__armed = null;
        const start = e.timeStamp;
        requestAnimationFrame(() => {
          const { port1, port2 } = new MessageChannel();
          port1.onmessage = () => window.__frames.push({ what, ms: performance.now() - start });
          port2.postMessage(0);
        });
      },
      { capture: true },
    );
  arm("click");
  arm("keydown");
};

/** Runs `act` with the probe armed for one `type` event and returns input → next frame in ms. */
async function measure(page, what, type, act) {
  await page.evaluate(([what, type]) => (window.__armed = { what, type }), [what, type]);
  const before = await page.evaluate(() => window.__frames.length);
  await act();
  await page.waitForFunction((n) => window.__frames.length > n, before);
  return page.evaluate(() => window.__frames.at(-1).ms);
}


await withApp(relayBin, distDir, async (page, context) => {
  await context.addInitScript(probe);
  await importWorkspace(page, file);
  const nav = (key) => navLink(page, key);
  const results = {};
  const record = (what, ms) => (results[what] ??= []).push(ms);

  await warmScreens(page);

  // Opening each list from another screen.
  for (let i = 0; i < SAMPLES / 4; i++) {
    for (const [name, what] of [
      ["Contacts", "open the contacts list"],
      ["Companies", "open the companies list"],
      ["Deals", "open the deal board"],
      ["Activities", "open the activity feed"],
      ["Tasks", "open the task list"],
    ]) {
      await nav("Dashboard").click();
      await settle(page);
      record(what, await measure(page, what, "click", () => nav(name).click()));
      await settle(page);
    }
  }

  // A keystroke in the contacts search box (each adds or removes a letter).
  await nav("Contacts").click();
  await settle(page);
  const search = page.getByTestId("list-search");
  await search.focus();
  const keys = ["m", "a", "r", "Backspace", "Backspace", "Backspace"];
  for (let i = 0; i < SAMPLES; i++) {
    const key = keys[i % keys.length];
    record("type in the contacts search", await measure(page, "search", "keydown", () => page.keyboard.press(key)));
    await settle(page);
  }
  await search.fill("");
  await settle(page);

  // Opening a contact from the list.
  for (let i = 0; i < SAMPLES; i++) {
    const link = page.getByTestId("table-rows").locator(".title-cell a").nth(i % 10);
    record("open a contact from the list", await measure(page, "record", "click", () => link.click()));
    await settle(page);
    await page.goBack();
    await page.getByTestId("table-rows").waitFor();
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
    record("move a deal to another stage (drop key)", await measure(page, "move", "keydown", () => page.keyboard.press("Space")));
    await settle(page);
  }

  console.log(`| ${label}, headless Chromium: input to next frame (ms) | p50 | p95 | max | samples | p95 ≤ 16 ms |`);
  console.log("|---|---:|---:|---:|---:|---|");
  for (const [what, xs] of Object.entries(results)) {
    const p95 = percentile(xs, 95);
    const row = [percentile(xs, 50), p95, Math.max(...xs)].map((x) => x.toFixed(1));
    console.log(`| ${what} | ${row.join(" | ")} | ${xs.length} | ${p95 <= 16 ? "yes" : "no"} |`);
  }
});
