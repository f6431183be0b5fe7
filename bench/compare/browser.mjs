// Client side, side by side (issue 8): our app against automerge-repo and Yjs pages
// (bench/peers/) holding the same records, each in a fresh headless Chromium, in one run.
//   node bench/compare/browser.mjs <relay binary> <dist dir> <label> <workspace file> <peers json> [runs]
// Prints a Markdown table of medians (min–max) with ratios ours/peer.
//
// Each target loads the dataset into its IndexedDB once (untimed), then, `runs` times:
//  - open: navigation → data loaded from IndexedDB and the first 50 contacts sorted by name on
//    screen (ours: `hearth:workspace-ready` marked and the contacts table's rows in the DOM);
//  - memory after open: JS heap after a forced GC (CDP), and the renderer process's resident
//    memory (/proc/<pid>/status VmRSS: the JS heap, wasm memory, DOM and everything else);
//  - add a contact: click → its storage's durable point (IndexedDB transaction complete);
//  - a search keystroke: keydown → the frame after the results were rendered (frames.mjs' probe).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { importWorkspace } from "../lib.mjs";

const [relayBin, distDir, label, workspaceFile, peersJson, runsArg] = process.argv.slice(2);
process.env.CRM_LOG ??= "warn"; // the relay serving our app: keep its log out of the tables
const RUNS = Number(runsArg ?? 5);
const KEYS = ["m", "a", "r", "Backspace", "Backspace", "Backspace"];
const require = createRequire(new URL("../../tests/e2e/package.json", import.meta.url));
const { chromium } = require("@playwright/test");
const LAUNCH = {
  executablePath: "/usr/bin/chromium",
  args: ["--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
};

// keydown → requestAnimationFrame → a task after that frame (as in bench/frames.mjs).
const probe = () => {
  window.__frames = [];
  addEventListener(
    "keydown",
    (e) => {
      if (!window.__armed) return;
      window.__armed = false;
      const start = e.timeStamp;
      requestAnimationFrame(() => {
        const { port1, port2 } = new MessageChannel();
        port1.onmessage = () => window.__frames.push(performance.now() - start);
        port2.postMessage(0);
      });
    },
    { capture: true },
  );
};

// Ours: ready when the workspace-ready mark exists and the contacts table shows rows.
const oursReady = () => {
  const check = () => {
    if (window.__ready) return;
    if (performance.getEntriesByName("hearth:workspace-ready").length && document.querySelector("[data-testid=table-rows] .title-cell"))
      window.__ready = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true });
  new PerformanceObserver(check).observe({ entryTypes: ["mark"] });
};

async function rendererRss(browser) {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send("SystemInfo.getProcessInfo");
  await cdp.detach();
  let kb = 0;
  for (const p of processInfo.filter((p) => p.type === "renderer")) {
    const m = readFileSync(`/proc/${p.id}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
    kb += m ? Number(m[1]) : 0;
  }
  return kb / 1024;
}

async function heapMb(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  await cdp.detach();
  return usedSize / 1e6;
}

/** Per target: the page, its context and how to open, add and find the search box. */
const emptyResults = () => ({ open: [], heap: [], rss: [], wasm: [], edit: [], search: [] });

async function measureOpen({ page, context, t, r }) {
  await page.goto(t.openUrl);
  await page.waitForFunction(() => window.__ready, null, { timeout: 600_000 });
  r.open.push(await page.evaluate(() => window.__ready));
  r.heap.push(await heapMb(context, page));
  r.rss.push(await rendererRss(context.browser()));
  if (t.wasm) r.wasm.push(await page.evaluate(t.wasm));
}

async function measureEdit({ page, t, r }, i) {
  await t.fillName(page, `Bench ${i}`);
  const before = await page.evaluate(t.armPersisted);
  await t.add(page);
  await page.waitForFunction(t.persisted, null, { timeout: 60_000 });
  r.edit.push((await page.evaluate(t.persisted)) - before);
}

async function prepareSearch({ page }) {
  const search = page.getByTestId("list-search");
  await search.fill("a"); // ours builds its search index on the first search: keep it out
  await search.fill("");
  await search.focus();
}

async function measureKey({ page, r }, i) {
  await page.evaluate(() => (window.__armed = true));
  const n = await page.evaluate(() => window.__frames.length);
  await page.keyboard.press(KEYS[i % KEYS.length]);
  await page.waitForFunction((n) => window.__frames.length > n, n);
  r.search.push(await page.evaluate(() => window.__frames.at(-1)));
  await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => setTimeout(res, 50))));
}

const spawnRelay = () =>
  new Promise((ok, fail) => {
    const work = mkdtempSync(join(tmpdir(), "hearth-compare-"));
    const relay = spawn(relayBin, ["--port", "0", "--host", "127.0.0.1", "--data-dir", join(work, "data"), "--dist-dir", distDir], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    relay.stdout.on("data", (d) => {
      const m = String(d).match(/listening on (http:\/\/\S+)/);
      if (m) ok({ url: m[1], close: () => (relay.kill("SIGTERM"), rmSync(work, { recursive: true, force: true })) });
    });
    relay.on("exit", (c) => fail(new Error(`relay exited ${c}`)));
  });

/** Ours: the relay serving the built app, the workspace file imported through Settings. */
async function ours() {
  const relay = await spawnRelay();
  const browser = await chromium.launch(LAUNCH);
  const context = await browser.newContext({ baseURL: relay.url, viewport: { width: 1440, height: 900 } });
  await context.addInitScript(() =>
    addEventListener("TrunkApplicationStarted", (e) => (window.__hearthWasm = e.detail.wasm)),
  );
  await context.addInitScript(probe);
  await context.addInitScript(oursReady);
  const page = await context.newPage();
  const close = async () => (await browser.close(), relay.close());
  try {
    await importWorkspace(page, workspaceFile);
  } catch (e) {
    await close();
    throw e;
  }
  return {
    page,
    context,
    r: emptyResults(),
    close,
    t: {
      openUrl: "/contacts",
      wasm: () => (window.__hearthWasm?.memory?.buffer?.byteLength ?? 0) / 1e6,
      fillName: (p, v) => p.getByLabel("Name", { exact: true }).fill(v),
      armPersisted: () => {
        performance.clearMarks("hearth:persisted");
        return performance.now();
      },
      add: (p) => p.getByRole("button", { name: "Add contact" }).click(),
      persisted: () => performance.getEntriesByName("hearth:persisted")[0]?.startTime,
    },
  };
}

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

/** A peer page from bench/peers/dist on a static loopback server, the dataset loaded once. */
async function peer(name) {
  const root = resolve(new URL("../peers/dist", import.meta.url).pathname);
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const file = path === "/data.json" ? resolve(peersJson) : join(root, path);
    try {
      statSync(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const browser = await chromium.launch(LAUNCH);
  const context = await browser.newContext({ baseURL: `http://127.0.0.1:${server.address().port}`, viewport: { width: 1440, height: 900 } });
  await context.addInitScript(probe);
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`${name}: ${e}`));
  const close = async () => (await browser.close(), server.close());
  try {
    await page.goto(`/${name}.html?setup=/data.json`);
    await page.waitForFunction(() => window.__setupDone, null, { timeout: 1_800_000, polling: 500 });
  } catch (e) {
    await close();
    throw e;
  }
  return {
    page,
    context,
    r: emptyResults(),
    close,
    t: {
      openUrl: `/${name}.html`,
      fillName: (p, v) => p.getByLabel("Name", { exact: true }).fill(v),
      armPersisted: () => {
        window.__persisted = undefined;
        return performance.now();
      },
      add: (p) => p.getByRole("button", { name: "Add contact" }).click(),
      persisted: () => window.__persisted,
    },
  };
}

const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { med: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1], n: s.length };
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const cell = (xs) => {
  if (!xs?.length) return "—";
  const m = med(xs);
  return `**${fmt(m.med)}** (${fmt(m.min)}–${fmt(m.max)})`;
};
const ratio = (a, b) => (a?.length && b?.length ? `${(med(a).med / med(b).med).toFixed(2)}×` : "—");

// Every target is set up first, then the runs are interleaved (ours, automerge-repo, Yjs, ours,
// …) so that whatever else the machine is doing falls on all of them alike.
// A target that cannot hold the dataset (e.g. out of memory at L) is reported, not fatal.
const targets = {};
const failed = {};
for (const name of (process.env.BENCH_TARGETS ?? "ours,automerge,yjs").split(",")) {
  const started = Date.now();
  try {
    targets[name] = name === "ours" ? await ours() : await peer(name);
    console.error(`${name}: set up in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } catch (e) {
    failed[name] = String(e.message ?? e).split("\n")[0];
    console.error(`${name}: could not be set up: ${e.stack ?? e}`);
  }
}
const all = Object.values(targets);
const each = async (f) => {
  for (const [name, x] of Object.entries(targets)) {
    if (failed[name]) continue;
    try {
      await f(x);
    } catch (e) {
      failed[name] = String(e.message ?? e).split("\n")[0];
      console.error(`${name}: failed: ${e.stack ?? e}`);
    }
  }
};
try {
  for (let i = 0; i < RUNS; i++) await each((x) => measureOpen(x));
  for (let i = 0; i < RUNS; i++) await each((x) => measureEdit(x, i));
  await each((x) => prepareSearch(x));
  for (let i = 0; i < Math.max(RUNS, 12); i++) await each((x) => measureKey(x, i));
} finally {
  for (const x of all) await x.close().catch(() => {});
}
const results = Object.fromEntries(Object.entries(targets).map(([k, x]) => [k, x.r]));
for (const name of Object.keys(failed)) console.log(`${name} at ${label}: failed — ${failed[name]}\n`);
const { ours: o, automerge: a, yjs: y } = results;
console.log(`| ${label}, headless Chromium, median (min–max) of ${RUNS} | ours | automerge-repo | Yjs + y-indexeddb | ours / automerge-repo | ours / Yjs |`);
console.log("|---|---:|---:|---:|---:|---:|");
const rows = [
  ["open from IndexedDB to the first 50 contacts on screen (ms from navigation)", "open"],
  ["add a contact: click → IndexedDB transaction complete (ms)", "edit"],
  ["search keystroke → next frame with the results (ms)", "search"],
  ["JS heap after open, after GC (MB)", "heap"],
  ["renderer process resident memory after open (MB)", "rss"],
];
for (const [what, k] of rows)
  console.log(`| ${what} | ${cell(o?.[k])} | ${cell(a?.[k])} | ${cell(y?.[k])} | ${ratio(o?.[k], a?.[k])} | ${ratio(o?.[k], y?.[k])} |`);
if (o?.wasm?.length) console.log(`| of ours: wasm linear memory after open (MB) | ${cell(o.wasm)} | | | | |`);
