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
  await page.getByTestId("list-search").fill("a");
  await page.getByTestId("list-search").fill("");
  await settle(page);
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
