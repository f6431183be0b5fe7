// What the browser benchmarks share: the real relay serving the built app, Debian's headless
// Chromium driven by Playwright, a generated workspace imported into IndexedDB, and statistics.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(new URL("../tests/e2e/package.json", import.meta.url));
const { chromium } = require("@playwright/test");

export const READY = "hearth:workspace-ready";

/**
 * Starts the relay on a free loopback port and Chromium; `run(page, context, url, { browser,
 * relay })` does the work (`relay` is the relay's child process). `options.browserArgs` adds
 * Chromium flags.
 */
export async function withApp(relayBin, distDir, run, options = {}) {
  const work = mkdtempSync(join(tmpdir(), "hearth-bench-"));
  const relay = spawn(relayBin, ["--port", "0", "--host", "127.0.0.1", "--data-dir", join(work, "data"), "--dist-dir", distDir], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", ...(options.browserArgs ?? [])],
  });
  try {
    const url = await new Promise((resolve, reject) => {
      relay.stdout.on("data", (d) => {
        const m = String(d).match(/listening on (http:\/\/\S+)/);
        if (m) resolve(m[1]);
      });
      relay.on("exit", (c) => reject(new Error(`relay exited ${c}`)));
    });
    const context = await browser.newContext({ baseURL: url, viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    return await run(page, context, url, { browser, relay });
  } finally {
    await browser.close();
    relay.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  }
}

/** Waits until the workspace is open (`times` ready marks since the last navigation). */
export const ready = (page, times = 1) =>
  page.waitForFunction((n) => performance.getEntriesByName("hearth:workspace-ready").length >= n, times, { timeout: 600_000 });

/** Imports a workspace file through Settings and waits until it is open. */
export async function importWorkspace(page, file) {
  await page.goto("/settings");
  await ready(page);
  await page.getByTestId("import-file").setInputFiles(file);
  await ready(page, 2);
}

/** Resolves once a frame has been produced and 50 ms have passed after it. */
export const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));

/** The link to a main screen in the app's navigation, by its English name. */
export const navLink = (page, name) => page.getByRole("navigation").getByRole("link", { name, exact: true });

/**
 * From the dashboard, visits every main screen once and types in the contacts search, ending
 * on the contacts list: the first search builds the index, the first visit of each screen
 * loads its code paths and builds it.
 */
export async function warmScreens(page) {
  await page.goto("/dashboard");
  await ready(page);
  for (const name of ["Contacts", "Companies", "Deals", "Activities", "Tasks", "Dashboard"]) {
    await navLink(page, name).click();
    await settle(page);
  }
  await navLink(page, "Contacts").click();
  await shown(page, "list-search").fill("a");
  await shown(page, "list-search").fill("");
  await settle(page);
}

/** The element with test id `id` on the screen on view (kept screens away stay in the page). */
export const shown = (page, id) => page.locator(`[data-testid="${id}"]:visible`);

/** Trace categories for `inputFrames`: every task the main thread runs, and what is in it. */
export const TRACE_CATEGORIES = "toplevel,devtools.timeline,disabled-by-default-devtools.timeline";

/**
 * For each `type` input event in a trace's `events` (recorded with at least
 * `TRACE_CATEGORIES`), on the page's main thread: `start`, the event's dispatch, and `end`, the
 * end of the first paint after it (trace clock, µs); and `workMs`, the time the main thread was
 * busy from the start of the task that dispatched the input to the end of the task that
 * painted, every task in between included. `end - start` less `workMs` is the time the thread
 * sat idle, mostly waiting for the display's next refresh to begin the frame.
 */
export function inputFrames(events, type) {
  const mainTid = events.find((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")?.tid;
  const all = events.filter((e) => e.ph === "X" && e.dur && e.tid === mainTid).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = [];
  for (const t of all.filter((e) => e.name === "RunTask")) {
    const last = tasks.at(-1);
    if (!last || t.ts >= last.ts + last.dur) tasks.push(t); // not nested in the one before
  }
  const taskAt = (ts) => tasks.findIndex((t) => t.ts <= ts && ts <= t.ts + t.dur);
  const out = [];
  for (const input of all.filter((e) => e.name === "EventDispatch" && e.args?.data?.type === type)) {
    const paint = all.find((e) => e.name === "Paint" && e.ts > input.ts);
    if (!paint) continue;
    const [first, last] = [taskAt(input.ts), taskAt(paint.ts)];
    const busy = first < 0 || last < 0 ? [] : tasks.slice(first, last + 1);
    const workMs = busy.length ? busy.reduce((sum, t) => sum + t.dur / 1000, 0) : NaN;
    // What each task did, for a look at a slow one: its longest events.
    const inside = (t) =>
      all
        .filter((e) => e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur >= 300 && e.name !== "RunTask" && e.name !== "ThreadControllerImpl::RunTask")
        .map((e) => `${e.name}${e.args?.data?.type ? ` ${e.args.data.type}` : ""} ${(e.dur / 1000).toFixed(1)}${objects(e)}`);
    const tasksSeen = busy.map((t) => ({ at: (t.ts - input.ts) / 1000, ms: t.dur / 1000, events: inside(t) }));
    // The same tasks' time on the CPU (thread time): the work less the time the thread was
    // ready but another process had the core.
    const cpuMs = busy.length && busy.every((t) => t.tdur !== undefined) ? busy.reduce((sum, t) => sum + t.tdur / 1000, 0) : NaN;
    // Thread time by event name, less that of the events nested in each (self time).
    const selfMs = {};
    const stack = [];
    for (const t of busy) {
      for (const e of all.filter((e) => e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur)) {
        while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
        const cpu = (x) => (x.tdur ?? x.dur) / 1000;
        const parent = stack.at(-1);
        if (parent) selfMs[parent.name] = (selfMs[parent.name] ?? 0) - cpu(e);
        selfMs[e.name] = (selfMs[e.name] ?? 0) + cpu(e);
        stack.push(e);
      }
      stack.length = 0;
    }
    out.push({ start: input.ts, end: paint.ts + paint.dur, workMs, cpuMs, selfMs, tasks: tasksSeen });
  }
  return out;
}

/**
 * Trace categories for `markedFrames`: only the main thread's tasks and the page's own
 * performance marks. Recording the timeline categories costs the traced page time of its own
 * (every style invalidation, layout and paint step writes an event with its arguments); this
 * set leaves out all but one event per task.
 */
export const LIGHT_CATEGORIES = "toplevel,blink.user_timing";

/**
 * Like `inputFrames`, from a trace recorded with `LIGHT_CATEGORIES` while the page marked
 * `start` (`performance.mark`, in the input's listener) and `end` (in a task run once the
 * input's frame was produced): the main thread's busy time from the task holding the first
 * mark to the last task that ended before the one holding the second (that one painted the
 * frame), and the same tasks' CPU time. The last pair of marks in the trace is used.
 */
export function markedFrame(events, start, end) {
  const mainTid = events.find((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain")?.tid;
  const tasks = [];
  // Without the timeline categories a task is the scheduler's `ThreadControllerImpl::RunTask`
  // (or another top-level event not nested in one).
  for (const t of events.filter((e) => e.ph === "X" && e.dur && e.tid === mainTid && e.cat?.split(",").includes("toplevel")).sort((a, b) => a.ts - b.ts || b.dur - a.dur)) {
    const last = tasks.at(-1);
    if (!last || t.ts >= last.ts + last.dur) tasks.push(t);
  }
  const markAt = (name) => events.filter((e) => e.name === name && e.tid === mainTid).at(-1)?.ts;
  const [from, to] = [markAt(start), markAt(end)];
  if (from === undefined || to === undefined) return { workMs: NaN, cpuMs: NaN };
  const first = tasks.findIndex((t) => t.ts <= from && from <= t.ts + t.dur);
  const busy = tasks.filter((t, i) => i >= first && t.ts + t.dur <= to);
  if (first < 0 || !busy.length) return { workMs: NaN, cpuMs: NaN };
  const workMs = busy.reduce((sum, t) => sum + t.dur / 1000, 0);
  // A task without a thread time (rare) counts whole.
  const cpuMs = busy.reduce((sum, t) => sum + (t.tdur ?? t.dur) / 1000, 0);
  return { workMs, cpuMs };
}

/** How much a layout or style recalculation had to do, as the trace says it. */
function objects(e) {
  const layout = e.args?.beginData;
  if (e.name === "Layout" && layout?.dirtyObjects !== undefined) return ` (${layout.dirtyObjects} of ${layout.totalObjects} objects)`;
  if (e.name === "UpdateLayoutTree" && e.args?.elementCount !== undefined) return ` (${e.args.elementCount} elements)`;
  return "";
}

/** Median, minimum and maximum, one decimal. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor(s.length / 2)], s[0], s[s.length - 1]].map((x) => x.toFixed(1));
}

/** The p-th percentile (nearest rank). */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
