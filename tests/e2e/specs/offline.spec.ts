// Offline after the first visit, and updates that wait for the user's go-ahead.
import { readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { appReady, expect, test } from "../support/fixtures";
import { msg } from "../support/messages";
import { startRelay } from "../support/relay";

async function serviceWorkerActive(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
}

const shellCaches = (page: Page) =>
  page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith("hearth-shell-")));

test("after one visit the app opens with the network off", async ({ page, context }) => {
  await page.goto("/");
  await appReady(page);
  await serviceWorkerActive(page);

  await context.setOffline(true);
  await page.reload();
  await expect(page.locator("main h1:visible")).toHaveText(msg("en", "nav-dashboard"));
  // A deep link never visited before opens too: every in-app address is the cached shell.
  await page.goto("/deals");
  await expect(page.locator("main h1:visible")).toHaveText(msg("en", "nav-deals"));
  // Navigating inside the app needs no network either.
  await page.getByRole("link", { name: msg("en", "nav-settings") }).click();
  await expect(page.locator("main h1:visible")).toHaveText(msg("en", "nav-settings"));
  await context.setOffline(false);
});

test("a new deployment is offered with a prompt and taken only on reload", async ({ page }) => {
  const relay = await startRelay({ copyDist: true });
  try {
    await page.goto(`${relay.url}/`);
    await appReady(page);
    await serviceWorkerActive(page);
    const [first] = await shellCaches(page);
    expect(first).toBeTruthy();
    // A second load is controlled by the worker; no prompt, as nothing new exists.
    await page.reload();
    await appReady(page);
    await expect(page.getByTestId("update-prompt")).toHaveCount(0);

    // Deploy a new build: a different service worker version (dist is replaced wholesale in
    // real deployments; here only sw.js changes, and its precompressed copies go stale).
    const sw = join(relay.distDir, "sw.js");
    const source = readFileSync(sw, "utf8");
    const next = source.replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1next"');
    expect(next).not.toBe(source);
    writeFileSync(sw, next);
    // Last-Modified has one-second resolution: a deployment within the same second as the
    // copy would look unchanged to the browser's revalidation. Real deployments are further
    // apart; here the clock is moved on explicitly.
    const later = new Date(Date.now() + 5_000);
    utimesSync(sw, later, later);
    rmSync(`${sw}.br`, { force: true });
    rmSync(`${sw}.gz`, { force: true });

    await page.reload();
    await appReady(page);
    const prompt = page.getByTestId("update-prompt");
    await expect(prompt).toBeVisible();
    await expect(prompt).toContainText(msg("en", "update-available"));
    // Until the user agrees, the old version keeps serving.
    expect(await shellCaches(page)).toContain(first);

    const reloaded = page.waitForEvent("load");
    await prompt.getByRole("button", { name: msg("en", "update-reload") }).click();
    await reloaded;
    await appReady(page);
    // The new version took over and the old one's cache is gone.
    await expect.poll(() => shellCaches(page).catch(() => [])).toEqual([`${first}next`]);
    await expect(page.getByTestId("update-prompt")).toHaveCount(0);
  } finally {
    await relay.stop();
  }
});
