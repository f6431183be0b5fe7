// Team sync through a real relay process: an invite link joins a second browser (another
// profile), both see each other's changes, and changes made offline go out on reconnection.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "@playwright/test";
import { ARTIFACTS, FIXED_NOW, appReady, expect, rowTitles, test, watchConsole } from "../support/fixtures";
import { msg } from "../support/messages";
import { startRelay } from "../support/relay";

const titles = (page: Page) => rowTitles(page.getByTestId("table-rows"));
const nav = (page: Page, key: string) => page.getByRole("navigation").getByRole("link", { name: msg("en", key) }).click();

async function addContact(page: Page, name: string) {
  await page.getByLabel(msg("en", "field-name"), { exact: true }).fill(name);
  await page.getByRole("button", { name: msg("en", "contacts-add") }).click();
  await expect(page.getByTestId("contact-table")).toContainText(name);
}

/** Every file under `dir`. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

/** A second browser profile: its own IndexedDB, as a colleague's machine would have. */
async function colleague(browser: Browser, baseURL: string, errors: string[]): Promise<[BrowserContext, Page]> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  watchConsole(page, errors);
  await page.clock.setFixedTime(FIXED_NOW);
  return [context, page];
}

/** Settings' line of colleagues connected and direct links. */
const peers = (page: Page) => page.getByTestId("sync-peers");

/** A fresh workspace with one contact, `first`, shared: returns its invite link. */
async function share(page: Page, first: string): Promise<string> {
  await page.goto("/contacts");
  await appReady(page);
  await addContact(page, first);
  return invite(page);
}

/** Opens an invite link in `page` and joins; `seen` is a contact the workspace already has. */
async function joinWith(page: Page, link: string, seen: string) {
  await page.goto(link.replace(new URL(link).origin, ""));
  await appReady(page);
  await page.getByTestId("join-workspace").click();
  await expect(page.getByTestId("contact-table")).toContainText(seen);
}

async function invite(page: Page): Promise<string> {
  await nav(page, "nav-settings");
  await page.getByTestId("invite").click();
  const link = page.getByTestId("invite-link");
  await expect(link).toHaveValue(/\/join#join=/);
  return link.inputValue();
}

/** `page` shares a fresh workspace holding `first`; a colleague joins it, and both are synced. */
async function sharedWithColleague(page: Page, browser: Browser, baseURL: string, errors: string[], first: string): Promise<[BrowserContext, Page, string]> {
  const link = await share(page, first);
  await expect(page.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"));
  const [other, page2] = await colleague(browser, baseURL, errors);
  await joinWith(page2, link, first);
  await nav(page2, "nav-settings");
  await expect(page2.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"));
  return [other, page2, link];
}

test("an invited colleague gets the workspace and both see each other's changes, also after going offline", async ({ page, browser, baseURL, consoleErrors }) => {
  test.setTimeout(90_000);
  const link = await share(page, "Ann Lee");
  await expect(page.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"));
  // The secret is in the fragment, which browsers never send to a server.
  expect(new URL(link).hash).toMatch(/^#join=[0-9a-z]{26}\.0\.[A-Za-z0-9_-]{43}$/);

  const [other, page2] = await colleague(browser, baseURL!, consoleErrors);
  await joinWith(page2, link, "Ann Lee");

  // Both directions, live.
  await addContact(page2, "Bob Stone");
  await nav(page, "nav-contacts");
  await expect.poll(() => titles(page)).toEqual(["Ann Lee", "Bob Stone"]);
  await addContact(page, "Cy Park");
  await expect.poll(() => titles(page2)).toEqual(["Ann Lee", "Bob Stone", "Cy Park"]);

  // Offline: the change waits (and survives a reload), then goes out on reconnection. The
  // service worker serves the app offline once it is installed.
  await page2.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await other.setOffline(true);
  await addContact(page2, "Dee Offline");
  await nav(page2, "nav-settings");
  await expect(page2.getByTestId("sync-pending")).toBeVisible();
  await page2.reload();
  await appReady(page2);
  await nav(page2, "nav-contacts");
  await expect.poll(() => titles(page2)).toContain("Dee Offline");
  // (The direct link between these two browsers may already have carried it: offline
  // emulation cuts the relay, not the loopback WebRTC link. What the relay got is checked
  // below: the outbox empties once the relay acknowledges it.)
  await other.setOffline(false);
  await expect.poll(() => titles(page), { timeout: 30_000 }).toEqual(["Ann Lee", "Bob Stone", "Cy Park", "Dee Offline"]);
  await nav(page2, "nav-settings");
  await expect(page2.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"), { timeout: 30_000 });
  await other.close();
});

test("tabs of one browser share one relay connection", async ({ page, context, browser, baseURL, consoleErrors }) => {
  const link = await share(page, "Eve Tab");
  await expect(page.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"));

  // A second tab of the same browser opens the same workspace: it syncs through the first.
  const tab2 = await context.newPage();
  watchConsole(tab2, consoleErrors);
  const sockets: string[] = [];
  tab2.on("websocket", (ws) => sockets.push(ws.url()));
  await tab2.goto("/settings");
  await appReady(tab2);
  await expect(tab2.getByTestId("sync-state")).toHaveText(msg("en", "sync-elsewhere"));

  const [other, colleaguePage] = await colleague(browser, baseURL!, consoleErrors);
  await joinWith(colleaguePage, link, "Eve Tab");

  await nav(tab2, "nav-contacts");
  await addContact(tab2, "Fay From Tab Two");
  await expect.poll(() => titles(colleaguePage)).toEqual(["Eve Tab", "Fay From Tab Two"]);
  await addContact(colleaguePage, "Gus Colleague");
  await expect.poll(() => titles(tab2)).toEqual(["Eve Tab", "Fay From Tab Two", "Gus Colleague"]);
  expect(sockets, "the second tab opens no connection of its own").toEqual([]);
  await other.close();
});

test("the relay is killed mid-sync and restarted: nothing acknowledged is lost and both converge", async ({ browser, consoleErrors }) => {
  test.setTimeout(90_000);
  const first = await startRelay();
  const port = Number(new URL(first.url).port);
  const [a, pageA] = await colleague(browser, first.url, consoleErrors);
  const [b, pageB] = await colleague(browser, first.url, consoleErrors);
  let relay = first;
  try {
    const link = await share(pageA, "Hal Before");
    await expect(pageA.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"));
    await joinWith(pageB, link, "Hal Before");

    // kill -9, then both keep working while it is down.
    await first.kill();
    await addContact(pageB, "Ida During");
    await nav(pageA, "nav-contacts");
    await addContact(pageA, "Jon During");
    relay = await startRelay({ port, dataDir: first.dataDir });
    const all = ["Hal Before", "Ida During", "Jon During"];
    await expect.poll(() => titles(pageA), { timeout: 45_000 }).toEqual(all);
    await expect.poll(() => titles(pageB), { timeout: 45_000 }).toEqual(all);
    for (const page of [pageA, pageB]) {
      await nav(page, "nav-settings");
      await expect(page.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"), { timeout: 30_000 });
    }

    // What the relay keeps is ciphertext: no name, email or note written here is in its files.
    await nav(pageA, "nav-contacts");
    await pageA.getByRole("link", { name: "Hal Before" }).click();
    const notes = pageA.locator(".fields-card .field-editor").filter({ hasText: msg("en", "field-notes") }).locator(".field-value");
    await notes.focus();
    await pageA.keyboard.press("Enter");
    await pageA.locator(".field-editor textarea:focus").fill("Prefers calls after lunch, budget approved");
    await pageA.keyboard.press("Control+Enter");
    await expect(pageA.locator("main")).toContainText("Prefers calls after lunch");
    await nav(pageA, "nav-settings");
    await expect(pageA.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"), { timeout: 30_000 });
    await expect(pageA.getByTestId("sync-pending")).toHaveCount(0);
    const stored = Buffer.concat(files(first.dataDir).map((f) => readFileSync(f)));
    expect(stored.length).toBeGreaterThan(1000);
    for (const secret of ["Hal Before", "Ida During", "Jon During", "Prefers calls after lunch", "budget approved"]) {
      expect(stored.includes(Buffer.from(secret)), secret).toBe(false);
      expect(stored.includes(Buffer.from(secret, "utf16le")), secret).toBe(false);
    }
  } finally {
    await a.close();
    await b.close();
    await relay.stop();
    await first.stop();
  }
});

test("three browsers edit at once and converge", async ({ page, browser, baseURL, consoleErrors }) => {
  const link = await share(page, "Kim Shared");
  const others: [BrowserContext, Page][] = [];
  for (let i = 0; i < 2; i++) {
    const [context, p] = await colleague(browser, baseURL!, consoleErrors);
    await joinWith(p, link, "Kim Shared");
    others.push([context, p]);
  }
  await nav(page, "nav-contacts");
  const pages = [page, ...others.map(([, p]) => p)];
  // Each adds a contact without waiting for the others.
  await Promise.all(pages.map((p, i) => addContact(p, `Concurrent ${i + 1}`)));
  const expected = ["Concurrent 1", "Concurrent 2", "Concurrent 3", "Kim Shared"];
  for (const p of pages) {
    await expect.poll(() => titles(p), { timeout: 30_000 }).toEqual(expected);
  }
  for (const [context] of others) await context.close();
});

test("a colleague who deletes the shared workspace and opens the link again gets all of it back", async ({ page, browser, baseURL, consoleErrors }) => {
  test.setTimeout(90_000);
  const [other, page2, link] = await sharedWithColleague(page, browser, baseURL!, consoleErrors, "Ann Lee");
  // From now on only the relay holds the workspace: no direct link can carry it back.
  await page.close();
  const rows = page2.getByTestId("workspace-list").locator("li");
  await expect(rows).toHaveCount(2);
  page2.once("dialog", (d) => d.accept());
  await rows.filter({ hasText: msg("en", "workspace-current") }).getByRole("button", { name: msg("en", "workspace-delete") }).click();
  await expect(rows).toHaveCount(1);
  // Nothing of it is left in this browser: not its secret, nor where its download had got
  // to (which made a second join skip everything before it).
  const left = await page2.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open("hearth");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const keys = open.result.transaction("meta").objectStore("meta").getAllKeys();
          keys.onsuccess = () => resolve((keys.result as string[]).filter((k) => k.startsWith("sync-")));
          keys.onerror = () => reject(keys.error);
        };
      }),
  );
  expect(left).toEqual([]);
  await joinWith(page2, link, "Ann Lee");
  await other.close();
});

/** How many chunks this browser has stored (of every workspace). */
const chunkCount = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open("hearth");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction("chunks").objectStore("chunks").count();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        };
      }),
  );

test("a change whose outbox was never saved still reaches the team when the app next opens", async ({ page, context, browser, baseURL, consoleErrors }) => {
  test.setTimeout(90_000);
  const [other, page2] = await sharedWithColleague(page, browser, baseURL!, consoleErrors, "Ann Lee");
  // Only the relay may carry the change: no direct link.
  await page2.close();

  // Nothing reaches the relay (as on a connection that died unnoticed), and the sync state
  // (the outbox) cannot be saved; the change itself is stored.
  await page.evaluate(() => {
    WebSocket.prototype.send = () => {};
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value: unknown, key?: IDBValidKey) {
      if (this.name === "meta" && String(key).startsWith("sync-state/")) {
        throw new DOMException("the disk is full", "QuotaExceededError");
      }
      return put.call(this, value, key);
    };
  });
  await nav(page, "nav-contacts");
  const stored = await chunkCount(page);
  await addContact(page, "Kept offline");
  await expect.poll(() => chunkCount(page)).toBeGreaterThan(stored);
  // The tab goes before it could send the change: its outbox is gone with it.
  await page.close();

  // Opened again, the app finds the change beyond what its saved state says was sent.
  const again = await context.newPage();
  watchConsole(again, consoleErrors);
  await again.goto("/settings");
  await appReady(again);
  await expect(again.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"), { timeout: 30_000 });
  await again.close();
  const later = await other.newPage();
  watchConsole(later, consoleErrors);
  await later.goto("/contacts");
  await appReady(later);
  await expect.poll(() => titles(later), { timeout: 30_000 }).toEqual(["Ann Lee", "Kept offline"]);
  await other.close();
});

test("a call logged and a field edited offline on a contact a colleague merged meanwhile end up on the kept contact", async ({ page, context, browser, baseURL, consoleErrors }) => {
  test.setTimeout(120_000);
  const link = await share(page, "Ivan Petrov");
  await nav(page, "nav-contacts");
  await addContact(page, "ivan petrov");
  await nav(page, "nav-settings");
  await expect(page.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"));
  const [other, page2] = await colleague(browser, baseURL!, consoleErrors);
  await joinWith(page2, link, "ivan petrov");
  await nav(page2, "nav-settings");
  await expect(page2.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"));

  // Nothing the colleague sends arrives (as on a connection that died unnoticed: Chromium's
  // offline emulation lets an open WebSocket through; no direct link either, its signals go
  // the same way), and the colleague logs a call with the duplicate.
  await page2.evaluate(() => {
    WebSocket.prototype.send = () => {};
  });
  await page.close();
  await nav(page2, "nav-contacts");
  await page2.getByTestId("table-rows").getByRole("link", { name: "ivan petrov", exact: true }).click();
  await page2.locator("main h1:visible").click();
  await page2.keyboard.press("l");
  await page2.keyboard.press("c");
  await page2.keyboard.type("Offline call");
  await page2.keyboard.press("Enter");
  await expect(page2.getByTestId("timeline")).toContainText("Offline call");
  // ...and gives the duplicate a job title.
  const jobTitle = (p: Page) => p.locator('.fields-card [data-field="job_title"] .field-value');
  await jobTitle(page2).focus();
  await page2.keyboard.press("Enter");
  await expect(page2.locator(".field-editor :is(input, select, textarea):focus")).toHaveCount(1);
  await page2.keyboard.type("Buyer");
  await page2.keyboard.press("Enter");
  await expect(jobTitle(page2)).toHaveText("Buyer");

  // Meanwhile the sharer merges the duplicate into Ivan Petrov.
  const sharer = await context.newPage();
  watchConsole(sharer, consoleErrors);
  await sharer.goto("/duplicates");
  await appReady(sharer);
  await sharer.getByTestId("duplicate-pair").first().getByRole("button", { name: msg("en", "review-merge") }).click();
  const preview = sharer.getByTestId("merge-preview");
  if (!((await preview.getByRole("columnheader").nth(1).textContent()) ?? "").includes("Ivan Petrov")) {
    await sharer.getByTestId("swap-merge").click();
  }
  await expect(preview.getByRole("columnheader").nth(1)).toContainText("Ivan Petrov");
  await sharer.getByTestId("confirm-merge").click();
  await expect(sharer.getByTestId("duplicate-pair")).toHaveCount(0);
  await nav(sharer, "nav-settings");
  await expect(sharer.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"));

  // Back online (a reload sends the saved outbox again), the call and the job title follow
  // the merge, on both sides.
  await page2.reload();
  await appReady(page2);
  for (const p of [page2, sharer]) {
    await nav(p, "nav-contacts");
    await expect.poll(() => titles(p), { timeout: 30_000 }).toEqual(["Ivan Petrov"]);
    await p.getByTestId("table-rows").getByRole("link", { name: "Ivan Petrov", exact: true }).click();
    await expect(p.getByTestId("timeline")).toContainText("Offline call", { timeout: 30_000 });
    await expect(jobTitle(p)).toHaveText("Buyer", { timeout: 30_000 });
  }
  await other.close();
});

test("a damaged invite link is refused with the reason and joins nothing", async ({ page }) => {
  await page.goto("/join#join=not-a-workspace");
  await appReady(page);
  await expect(page.getByRole("alert")).toContainText("cannot be used");
  await expect(page.getByTestId("join-workspace")).toBeDisabled();
});

test("two browsers link directly and a change crosses with the relay stopped", async ({ browser, consoleErrors }) => {
  test.setTimeout(90_000);
  const relay = await startRelay();
  const [a, pageA] = await colleague(browser, relay.url, consoleErrors);
  const [b, pageB] = await colleague(browser, relay.url, consoleErrors);
  try {
    const link = await share(pageA, "Kim Before");
    await joinWith(pageB, link, "Kim Before");
    await nav(pageB, "nav-settings");
    const linked = "Colleagues connected: \u20681\u2069. Direct links: \u20681\u2069.";
    await expect(peers(pageA)).toHaveText(linked, { timeout: 20_000 });
    await expect(peers(pageB)).toHaveText(linked, { timeout: 20_000 });

    // No relay at all: the direct link carries the change.
    await relay.kill();
    await expect(peers(pageA)).toHaveText("Colleagues connected: \u20680\u2069. Direct links: \u20681\u2069.");
    await nav(pageA, "nav-contacts");
    await addContact(pageA, "Lou Direct");
    await nav(pageB, "nav-contacts");
    await expect.poll(() => titles(pageB), { timeout: 15_000 }).toEqual(["Kim Before", "Lou Direct"]);
  } finally {
    await a.close();
    await b.close();
    await relay.stop();
  }
});

/** Bytes a QR code of each version holds in byte mode at levels L and M (ISO/IEC 18004). */
const QR_BYTES = {
  L: [
    17, 32, 53, 78, 106, 134, 154, 192, 230, 271, 321, 367, 425, 458, 520, 586, 644, 718, 792, 858, 929, 1003,
    1091, 1171, 1273, 1367, 1465, 1528, 1628, 1732, 1840, 1952, 2068, 2188, 2303, 2431, 2563, 2699, 2809, 2953,
  ],
  M: [
    14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666, 711, 779,
    857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989, 2099, 2213, 2331,
  ],
};

/** A QR code of `text` drawn as SVG: black on white, four modules of quiet zone, in the
 *  smallest version that holds the text at level M (the app's choice for codes that fit). */
async function expectQr(qr: import("@playwright/test").Locator, text: string) {
  await expect(qr).toBeVisible();
  const drawn = await qr.evaluate((svg) => ({
    tag: svg.tagName,
    version: Number(svg.getAttribute("data-version")),
    box: svg.getAttribute("viewBox"),
    ground: getComputedStyle(svg.querySelector("rect")!).fill,
    ink: getComputedStyle(svg.querySelector("path")!).fill,
    quiet: Math.min(...[...svg.querySelector("path")!.getAttribute("d")!.matchAll(/M(\d+) (\d+)/g)].flatMap((m) => [+m[1], +m[2]])),
  }));
  const bytes = new TextEncoder().encode(text).length;
  expect(bytes, "a direct-link code fits a QR code at level M").toBeLessThanOrEqual(QR_BYTES.M[39]);
  expect(drawn.tag).toBe("svg");
  expect(drawn.version).toBe(QR_BYTES.M.findIndex((cap) => cap >= bytes) + 1);
  const side = 17 + 4 * drawn.version + 8;
  expect(drawn.box).toBe(`0 0 ${side} ${side}`);
  expect([drawn.ground, drawn.ink, drawn.quiet]).toEqual(["rgb(255, 255, 255)", "rgb(0, 0, 0)", 4]);
  // What a camera would see: the rendered pixels decode to the code itself.
  const shot = join(ARTIFACTS, `qr-${text.slice(0, 13).replace(/\W/g, "")}.png`);
  await qr.screenshot({ path: shot });
  expect(execFileSync("zbarimg", ["--quiet", "--raw", shot], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim()).toBe(text);
}

/** Screenshots of the sharing card with a QR code, light and dark, English and Persian; the
 *  code stays black on white in every one. Leaves the page in English, light. */
async function lookAtQr(page: Page) {
  const card = page.locator("section[aria-labelledby=sharing-title]");
  const ground = () => page.locator("svg.qr rect").first().evaluate((r) => getComputedStyle(r).fill);
  const looks = [["en", "light"], ["en", "dark"], ["fa", "dark"], ["fa", "light"]] as const;
  for (const [lang, theme] of looks) {
    await page.getByLabel({ en: "English", fa: "فارسی" }[lang]!, { exact: true }).check();
    await page.getByLabel(msg(lang, `theme-${theme}`), { exact: true }).check();
    await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
    await expect(page.locator("html")).toHaveAttribute("lang", lang);
    await expect(page.getByRole("img", { name: msg(lang, "direct-offer-qr") })).toBeVisible();
    expect(await ground()).toBe("rgb(255, 255, 255)");
    await card.screenshot({ path: join(ARTIFACTS, `${lang}-${theme}-direct-qr.png`) });
  }
  await page.getByLabel("English", { exact: true }).check();
  // On a phone the code shrinks to the card and stays whole: about 2 px a module at 360 px.
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: 360, height: 780 });
  const qr = page.getByRole("img", { name: msg("en", "direct-offer-qr") });
  const box = (await qr.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(360);
  expect(box.width).toBeGreaterThan(250);
  await qr.screenshot({ path: join(ARTIFACTS, "en-light-phone-direct-qr.png") });
  await page.setViewportSize(size);
}

test("with no relay at all, two browsers link by exchanging codes by hand", async ({ browser, consoleErrors }) => {
  test.setTimeout(90_000);
  const relay = await startRelay();
  const [a, pageA] = await colleague(browser, relay.url, consoleErrors);
  const [b, pageB] = await colleague(browser, relay.url, consoleErrors);
  try {
    const link = await share(pageA, "Max Before");
    await joinWith(pageB, link, "Max Before");
    for (const page of [pageA, pageB]) await page.evaluate(async () => void (await navigator.serviceWorker.ready));

    // The relay is gone for good; both start over from their own storage.
    await relay.kill();
    for (const page of [pageA, pageB]) {
      await page.reload();
      await appReady(page);
      await nav(page, "nav-settings");
      await expect(peers(page)).toHaveText("Colleagues connected: \u20680\u2069. Direct links: \u20680\u2069.");
    }
    await pageA.getByTestId("direct-make").click();
    const offer = await pageA.getByTestId("direct-offer").inputValue();
    expect(offer).toMatch(/^hearth-offer:[A-Za-z0-9_-]+$/);
    expect(offer).not.toContain("candidate");
    await expectQr(pageA.getByRole("img", { name: msg("en", "direct-offer-qr") }), offer);
    await lookAtQr(pageA);
    await pageB.getByTestId("direct-paste").fill(offer);
    await pageB.getByTestId("direct-use").click();
    const answer = await pageB.getByTestId("direct-answer").inputValue();
    expect(answer).toMatch(/^hearth-answer:/);
    await expectQr(pageB.getByRole("img", { name: msg("en", "direct-answer-qr") }), answer);
    // A code is of no use twice, nor in the wrong place.
    await pageA.getByTestId("direct-paste").fill(offer.replace("hearth-offer:", "hearth-answer:"));
    await pageA.getByTestId("direct-use").click();
    await expect(pageA.getByTestId("direct-problem")).toContainText("another workspace");
    await pageA.getByTestId("direct-paste").fill(answer);
    await pageA.getByTestId("direct-use").click();
    await expect(pageA.getByTestId("direct-note")).toHaveText(msg("en", "direct-accepted"));
    const linked = "Colleagues connected: \u20680\u2069. Direct links: \u20681\u2069.";
    await expect(peers(pageA)).toHaveText(linked, { timeout: 20_000 });
    await expect(peers(pageB)).toHaveText(linked, { timeout: 20_000 });

    await nav(pageA, "nav-contacts");
    await addContact(pageA, "Ned By Hand");
    await nav(pageB, "nav-contacts");
    await expect.poll(() => titles(pageB), { timeout: 15_000 }).toEqual(["Max Before", "Ned By Hand"]);
  } finally {
    await a.close();
    await b.close();
    await relay.stop();
  }
});

test("changing the secret removes members: the re-invited one syncs, the removed one is refused", async ({ page, browser, baseURL, consoleErrors }) => {
  test.setTimeout(90_000);
  const link = await share(page, "Ora Before");
  const [b, pageB] = await colleague(browser, baseURL!, consoleErrors);
  const [c, pageC] = await colleague(browser, baseURL!, consoleErrors);
  try {
    for (const p of [pageB, pageC]) {
      await joinWith(p, link, "Ora Before");
      await nav(p, "nav-settings");
    }
    await expect(page.getByTestId("sync-state")).toHaveText(msg("en", "sync-synced"));
    page.once("dialog", (d) => d.accept());
    await page.getByTestId("rotate-secret").click();
    await expect(page.getByTestId("rotated")).toBeVisible();
    const fresh = await page.getByTestId("invite-link").inputValue();
    expect(fresh).not.toBe(link);
    expect(new URL(fresh).hash).toMatch(/^#join=[0-9a-z]{26}\.1\./);

    // Both colleagues are shut out, with the reason.
    for (const p of [pageB, pageC]) {
      await expect(p.locator("main")).toContainText("ask a colleague for a new invite link", { timeout: 20_000 });
    }
    // C is sent the new link; B is not.
    await joinWith(pageC, fresh, "Ora Before");
    await nav(page, "nav-contacts");
    await addContact(page, "Pat After");
    await expect.poll(() => titles(pageC), { timeout: 20_000 }).toEqual(["Ora Before", "Pat After"]);
    await addContact(pageC, "Quin From C");
    await expect.poll(() => titles(page), { timeout: 20_000 }).toEqual(["Ora Before", "Pat After", "Quin From C"]);
    await nav(pageB, "nav-contacts");
    await pageB.waitForTimeout(2_000);
    expect(await titles(pageB)).toEqual(["Ora Before"]);
    // The old secret no longer admits anyone: B's reconnections are refused.
    await nav(pageB, "nav-settings");
    await expect(pageB.locator("main")).toContainText("does not admit to this workspace", { timeout: 20_000 });
  } finally {
    await b.close();
    await c.close();
  }
});
