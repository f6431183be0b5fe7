// Shared fixtures: a relay per test file, a fixed clock, and a page that fails the test on any
// console error or uncaught exception.
import { test as base, expect, type Locator, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startRelay, type Relay } from "./relay";

export const ARTIFACTS = join(__dirname, "../artifacts");
mkdirSync(ARTIFACTS, { recursive: true });

/** 2026-11-23T12:00:00Z: 2 Azar 1405 in the Solar Hijri calendar. */
export const FIXED_NOW = new Date("2026-11-23T12:00:00Z");

type Fixtures = { consoleErrors: string[] };
type WorkerFixtures = { relay: Relay };

export const test = base.extend<Fixtures, WorkerFixtures>({
  relay: [
    async ({}, use) => {
      const relay = await startRelay();
      await use(relay);
      await relay.stop();
    },
    { scope: "worker" },
  ],
  baseURL: async ({ relay }, use) => use(relay.url),
  consoleErrors: async ({}, use) => use([]),
  page: async ({ page, consoleErrors }, use) => {
    watchConsole(page, consoleErrors);
    await page.clock.setFixedTime(FIXED_NOW);
    await use(page);
    expect(consoleErrors, "console errors").toEqual([]);
  },
});

export function watchConsole(page: Page, sink: string[]) {
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    // Chromium fetches the favicon itself, past the service worker: offline, that one fails.
    if (m.text().includes("ERR_INTERNET_DISCONNECTED") && m.location().url.endsWith("/icons/icon.svg")) return;
    sink.push(`${page.url()}: ${m.text()}${m.location().url ? ` (${m.location().url})` : ""}`);
  });
  page.on("pageerror", (e) => sink.push(`${page.url()}: ${e.message}`));
}

/**
 * The title links of a record table's rows on view. A table keeps rows past the end of a list
 * that was longer, hidden with their last record (components/virtual_list.rs): they are left out.
 */
export const ROW_TITLE = ".virtual-row:not([hidden]) .title-cell a";

/** The titles of the rows on view in `table`, top to bottom. */
export const rowTitles = (table: Locator) => table.locator(ROW_TITLE).allTextContents();

/**
 * Checks that the field's value button (`.field-value`) shows an empty field: no text of its
 * own, the stylesheet's dash, and a name ending in "empty" (`label` is the field's label).
 */
export async function expectEmptyValue(button: Locator, label: string) {
  await expect(button).toHaveText("");
  await expect(button).toHaveAccessibleName(`${label} empty`);
  expect(await button.evaluate((b) => getComputedStyle(b, "::before").content)).toBe('"—" / "empty"');
}

/** Waits until the wasm app has rendered a page heading. */
export async function appReady(page: Page) {
  await expect(page.locator("main h1:visible")).toBeVisible();
}

export { expect };

/**
 * The path of the record page on view. The app writes a followed link's address into the
 * history once the new screen's first frame is on screen (src/adapters/history.rs), so it is
 * awaited rather than read at once.
 */
export async function recordPath(page: Page, collection: string): Promise<string> {
  await page.waitForURL(new RegExp(`/${collection}/[^/]+$`));
  return new URL(page.url()).pathname;
}

/** Holds back IndexedDB's open by `ms`, as a slow disk or a busy machine does: the page paints
 * before the workspace has opened. */
export async function holdIndexedDbOpen(page: Page, ms: number) {
  await page.addInitScript((delay) => {
    const success = Object.getOwnPropertyDescriptor(IDBRequest.prototype, "onsuccess")!;
    Object.defineProperty(IDBRequest.prototype, "onsuccess", {
      configurable: true,
      get: success.get,
      set(this: IDBRequest, handler: ((e: Event) => void) | null) {
        const held = this instanceof IDBOpenDBRequest && handler
          ? (e: Event) => setTimeout(() => handler.call(this, e), delay)
          : handler;
        success.set!.call(this, held);
      },
    });
  }, ms);
}
