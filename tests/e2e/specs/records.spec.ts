// Records live in the browser: they survive reloads, reach other tabs, and leave and return
// through export and import.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BrowserContext, Page } from "@playwright/test";
import { ARTIFACTS, appReady, expect, expectEmptyValue, rowTitles, test, watchConsole } from "../support/fixtures";
import { msg } from "../support/messages";

async function addContact(page: Page, name: string, email = "") {
  await page.getByLabel(msg("en", "field-name"), { exact: true }).fill(name);
  await page.getByLabel(msg("en", "field-email"), { exact: true }).fill(email);
  await page.getByRole("button", { name: msg("en", "contacts-add") }).click();
  await expect(page.getByTestId("contact-table")).toContainText(name);
}

/** Another tab of the same browser, on the contacts list, its console watched. */
async function contactsTab(context: BrowserContext, errors: string[]): Promise<Page> {
  const tab = await context.newPage();
  watchConsole(tab, errors);
  await tab.goto("/contacts");
  await appReady(tab);
  return tab;
}

/** The text stored under `key` in the app's `meta` object store. */
const storedMeta = (page: Page, key: string) =>
  page.evaluate(
    (key) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open("hearth");
        open.onsuccess = () => {
          const req = open.result.transaction("meta").objectStore("meta").get(key);
          req.onsuccess = () => resolve(req.result ? new TextDecoder().decode(req.result) : "");
          req.onerror = () => reject(req.error);
        };
        open.onerror = () => reject(open.error);
      }),
    key,
  );

const listed = (page: Page) => rowTitles(page.getByTestId("contact-table"));

/**
 * The titles in the order the rows are drawn, top to bottom; a row not exactly one row below
 * the one before (overlapping it, or leaving a gap) is marked "(misplaced)".
 */
const drawn = (page: Page) =>
  page
    .getByTestId("contact-table")
    .locator(".virtual-list-space")
    .evaluate((space) => {
      const top = space.getBoundingClientRect().top;
      return [...space.querySelectorAll(".virtual-row:not([hidden])")]
        .map((row) => ({ box: row.getBoundingClientRect(), title: row.querySelector(".title-cell a")?.textContent ?? "" }))
        .sort((a, b) => a.box.top - b.box.top)
        .map(({ box, title }, k) => (Math.abs(box.top - top - k * box.height) < 1 ? title : `${title} (misplaced)`));
    });

test("contacts added are still there after a reload", async ({ page }) => {
  await page.goto("/contacts");
  await appReady(page);
  await addContact(page, "Ann Lee", "ann@example.com");
  await addContact(page, "Bob Stone");
  // Fluent isolates the number with invisible bidi marks.
  await expect(page.getByTestId("list-count")).toHaveText("\u20682\u2069 records");
  await page.reload();
  await expect.poll(() => listed(page)).toEqual(["Ann Lee", "Bob Stone"]);
  await expect(page.getByTestId("contact-table")).toContainText("ann@example.com");
  await page.screenshot({ path: join(ARTIFACTS, "en-desktop-contacts-filled.png"), fullPage: true });
});

test("invalid input is refused with a reason and nothing is saved", async ({ page }) => {
  await page.goto("/contacts");
  await appReady(page);
  await page.getByLabel(msg("en", "field-name"), { exact: true }).fill("Cara");
  // Bypass the browser's own email check to reach the app's validation.
  await page.getByLabel(msg("en", "field-email"), { exact: true }).evaluate((el: HTMLInputElement) => (el.type = "text"));
  await page.getByLabel(msg("en", "field-email"), { exact: true }).fill("not an email");
  await page.getByRole("button", { name: msg("en", "contacts-add") }).click();
  await expect(page.getByRole("alert")).toContainText("not a valid email address");
  await expect(page.getByTestId("contact-table")).toHaveCount(0);
});

test("a change in one tab appears in another tab", async ({ page, context, consoleErrors }) => {
  await page.goto("/contacts");
  await appReady(page);
  const second = await contactsTab(context, consoleErrors);
  await addContact(page, "From tab one");
  await expect(second.getByTestId("contact-table")).toContainText("From tab one", { timeout: 1_000 });
  await addContact(second, "From tab two");
  await expect(page.getByTestId("contact-table")).toContainText("From tab two", { timeout: 1_000 });
  // No duplicate writes: each tab stored only its own change.
  const chunks = await page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open("hearth");
        open.onsuccess = () => {
          const req = open.result.transaction("chunks").objectStore("chunks").count();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
  expect(chunks).toBe(2);
});

test("a change whose write failed reaches the other tabs with the retry that stores it", async ({ page, context, consoleErrors }) => {
  await page.goto("/contacts");
  await appReady(page);
  const second = await contactsTab(context, consoleErrors);
  // The first tab's writes are refused, as on a full disk.
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    (window as unknown as { restorePut: () => void }).restorePut = () => (IDBObjectStore.prototype.put = put);
    IDBObjectStore.prototype.put = () => {
      throw new DOMException("the disk is full", "QuotaExceededError");
    };
  });
  await addContact(page, "Stored late");
  await expect(page.getByTestId("save-failed")).toContainText("the disk is full");
  // Other tabs get changes once they are stored, not before.
  await expect(second.getByText("Stored late")).toHaveCount(0);
  await page.evaluate(() => (window as unknown as { restorePut: () => void }).restorePut());
  await page.getByTestId("save-failed").getByRole("button", { name: msg("en", "save-retry") }).click();
  await expect(page.getByTestId("save-failed")).toHaveCount(0);
  await expect(second.getByTestId("contact-table")).toContainText("Stored late");
  await addContact(page, "Stored at once");
  await expect(second.getByTestId("contact-table")).toContainText("Stored at once");
});

test("a workspace exported and imported into a fresh browser is identical", async ({ page, browser, relay }) => {
  await page.goto("/contacts");
  await appReady(page);
  await addContact(page, "Ann Lee", "ann@example.com");
  await addContact(page, "Фёдор Петров", "fedor@example.ru");
  await page.goto("/settings");
  const jsonDownload = page.waitForEvent("download");
  await page.getByTestId("export-json").click();
  const jsonPath = join(ARTIFACTS, "export.json");
  await (await jsonDownload).saveAs(jsonPath);
  const amDownload = page.waitForEvent("download");
  await page.getByTestId("export-automerge").click();
  const amPath = join(ARTIFACTS, "export.automerge");
  await (await amDownload).saveAs(amPath);
  expect(JSON.parse(readFileSync(jsonPath, "utf8")).format).toBe("hearth-workspace-json");

  for (const file of [amPath, jsonPath]) {
    const fresh = await browser.newContext({ baseURL: relay.url, locale: "en-US" });
    const other = await fresh.newPage();
    const errors: string[] = [];
    watchConsole(other, errors);
    await other.goto("/settings");
    await appReady(other);
    await other.getByTestId("import-file").setInputFiles(file);
    await expect(other.getByTestId("workspace-list").locator("li")).toHaveCount(2);
    await other.getByRole("navigation").getByRole("link", { name: msg("en", "nav-contacts") }).click();
    await expect.poll(() => listed(other)).toEqual(["Ann Lee", "Фёдор Петров"]);
    // Exporting again gives the same records.
    await other.goto("/settings");
    const again = other.waitForEvent("download");
    await other.getByTestId("export-json").click();
    const againPath = join(ARTIFACTS, "export-again.json");
    await (await again).saveAs(againPath);
    expect(JSON.parse(readFileSync(againPath, "utf8")).records).toEqual(JSON.parse(readFileSync(jsonPath, "utf8")).records);
    expect(errors).toEqual([]);
    await fresh.close();
  }
});

test("a foreign file is refused with a clear message and changes nothing", async ({ page }) => {
  await page.goto("/settings");
  await appReady(page);
  const bogus = join(ARTIFACTS, "bogus.automerge");
  writeFileSync(bogus, "this is not a workspace");
  await page.getByTestId("import-file").setInputFiles(bogus);
  await expect(page.getByTestId("load-problem")).toContainText("not a Hearth workspace");
  await expect(page.getByTestId("workspace-list").locator("li")).toHaveCount(1);
});

test("workspaces can be created, switched, renamed and deleted", async ({ page }) => {
  await page.goto("/contacts");
  await appReady(page);
  await addContact(page, "In the first");
  await page.goto("/settings");
  await page.getByLabel(msg("en", "workspace-new-name")).fill("Second");
  await page.getByRole("button", { name: msg("en", "workspace-create") }).click();
  const rows = page.getByTestId("workspace-list").locator("li");
  await expect(rows).toHaveCount(2);
  await page.getByRole("navigation").getByRole("link", { name: msg("en", "nav-contacts") }).click();
  await expect(page.getByTestId("contact-table")).toHaveCount(0);
  await page.goto("/settings");
  await rows.nth(0).getByRole("button", { name: msg("en", "workspace-open") }).click();
  await expect(rows.nth(0).getByText(msg("en", "workspace-current"))).toBeVisible();
  await rows.nth(1).getByRole("textbox").fill("Renamed");
  await rows.nth(1).getByRole("button", { name: msg("en", "workspace-rename") }).click();
  await expect.poll(() => storedMeta(page, "workspaces")).toContain("Renamed");
  await page.reload();
  await expect(rows.nth(1).getByRole("textbox")).toHaveValue("Renamed");
  page.once("dialog", (d) => d.accept());
  await rows.nth(1).getByRole("button", { name: msg("en", "workspace-delete") }).click();
  await expect(rows).toHaveCount(1);
  await page.screenshot({ path: join(ARTIFACTS, "en-desktop-settings-workspaces.png"), fullPage: true });
  await page.getByRole("navigation").getByRole("link", { name: msg("en", "nav-contacts") }).click();
  await expect(page.getByTestId("contact-table")).toContainText("In the first");
});

test("without any storage the app still works in memory and says so", async ({ browser, relay }) => {
  const context = await browser.newContext({ baseURL: relay.url, locale: "en-US" });
  await context.addInitScript(() => Object.defineProperty(window, "indexedDB", { value: undefined }));
  const page = await context.newPage();
  const errors: string[] = [];
  watchConsole(page, errors);
  await page.goto("/contacts");
  await appReady(page);
  await expect(page.getByTestId("save-failed")).toContainText("no IndexedDB storage");
  await addContact(page, "Kept in memory");
  await expect(page.getByTestId("save-failed")).toBeVisible();
  expect(errors).toEqual([]);
  await context.close();
});

test("a long list keeps only the visible rows in the page", async ({ page }) => {
  // 3,000 contacts, imported as a JSON export.
  const contacts = Array.from({ length: 3000 }, (_, i) => {
    const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    let n = BigInt(i + 1);
    let id = "";
    for (let d = 0; d < 26; d++, n >>= 5n) id = alphabet[Number(n & 31n)] + id;
    return { id, created_at: 0, fields: { name: `Person ${String(i).padStart(4, "0")}` }, custom: {}, stage_history: [] };
  });
  const file = join(ARTIFACTS, "many.json");
  writeFileSync(file, JSON.stringify({ format: "hearth-workspace-json", version: 1, records: { contacts } }));
  await page.goto("/settings");
  await appReady(page);
  await page.getByTestId("import-file").setInputFiles(file);
  await expect(page.getByTestId("workspace-list").locator("li")).toHaveCount(2);
  await page.getByRole("navigation").getByRole("link", { name: msg("en", "nav-contacts") }).click();
  const list = page.getByTestId("table-rows");
  await expect(list.getByText("Person 0000")).toBeVisible();
  expect(await list.locator(".virtual-row:not([hidden])").count()).toBeLessThan(80);
  await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(list.getByText("Person 2999")).toBeVisible();
  expect(await list.locator(".virtual-row:not([hidden])").count()).toBeLessThan(80);
  await expect(page.getByTestId("contact-table").getByRole("table")).toHaveAttribute("aria-rowcount", "3001");
  await expect(list.locator(".virtual-row:not([hidden])").last()).toHaveAttribute("aria-rowindex", "3001");
});

test("a record arriving above the one being edited in the table loses nothing that was typed", async ({ page, context, consoleErrors }) => {
  await page.goto("/contacts");
  await appReady(page);
  await addContact(page, "Bob Stone");
  await addContact(page, "Cy Park");
  const second = await contactsTab(context, consoleErrors);
  const phoneOf = (name: string) =>
    page.getByTestId("contact-table").getByRole("row").filter({ hasText: name }).locator('[data-field="phones"]');
  await phoneOf("Cy Park").locator(".field-value").click();
  await page.keyboard.type("+49 30 1234567");
  // Another tab adds a contact sorted first: every row below it moves down one.
  await addContact(second, "Aaron Abel");
  await expect.poll(() => listed(page)).toEqual(["Aaron Abel", "Bob Stone", "Cy Park"]);
  // The phone typed for Cy Park is Cy Park's, saved as the editor left its row, or still
  // being edited in the row Cy Park moved to.
  const editor = phoneOf("Cy Park").locator(".field-editor input");
  if (await editor.count()) {
    await expect(editor).toHaveValue("+49 30 1234567");
    await editor.press("Enter");
  }
  await expect(phoneOf("Cy Park").locator(".field-value")).toContainText("1234567");
  await expectEmptyValue(phoneOf("Bob Stone").locator(".field-value"), msg("en", "field-phones"));
});

test("the contact list searches by prefix, ignoring case, accents and letter variants", async ({ page }) => {
  await page.goto("/contacts");
  await appReady(page);
  await addContact(page, "José Müller", "jose@example.com");
  await addContact(page, "علی کریمی");
  await addContact(page, "Фёдор Петров");
  // A cell opened and closed again: rows showing other records and then this one again
  // must not open it by themselves.
  const phone = page.getByTestId("contact-table").getByRole("row").filter({ hasText: "José Müller" }).locator('[data-field="phones"] .field-value');
  await phone.click();
  await expect(page.getByTestId("contact-table").locator(".field-editor input")).toBeFocused();
  // Escape cancels: what was typed is not saved as the editor goes.
  await page.keyboard.type("123");
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("contact-table").locator(".field-editor input")).toHaveCount(0);
  await expectEmptyValue(phone, msg("en", "field-phones"));
  const search = page.getByTestId("list-search");
  for (const [query, expected] of [
    ["mull", ["José Müller"]],
    ["JOSE", ["José Müller"]],
    ["example", ["José Müller"]],
    ["علي", ["علی کریمی"]],
    ["كري", ["علی کریمی"]],
    ["федор", ["Фёдор Петров"]],
    ["", ["José Müller", "Фёдор Петров", "علی کریمی"]],
  ] as [string, string[]][]) {
    await search.fill(query);
    await expect.poll(() => listed(page)).toEqual(expected);
    // Each result is drawn in its place: rows are not left where an earlier result had them.
    expect(await drawn(page)).toEqual(expected);
    // Rows kept past the end of a shorter result are hidden, from assistive technology too,
    // out of the keyboard's reach, and the list does not scroll past its last row.
    await expect(page.getByTestId("contact-table").getByRole("row")).toHaveCount(expected.length + 1);
    const kept = await page
      .getByTestId("contact-table")
      .locator(".virtual-list")
      .evaluate((list) => {
        const hidden = [...list.querySelectorAll(".virtual-row[hidden]")];
        const reachable = hidden.flatMap((row) => [...row.querySelectorAll<HTMLElement>("a, button, input")]).filter((el) => {
          el.focus();
          return document.activeElement === el;
        });
        return { hidden: hidden.length, reachable: reachable.length, scrollable: list.scrollHeight, space: list.querySelector(".virtual-list-space")!.getBoundingClientRect().height };
      });
    expect(kept.reachable).toBe(0);
    // A value written into a row that showed another record is marked empty exactly when it
    // is (only José has an email, so the emails column changes between the two).
    const marks = await page
      .getByTestId("contact-table")
      .locator(".virtual-row:not([hidden]) .field-value")
      .evaluateAll((buttons) => buttons.map((b) => `${b.textContent === ""}:${b.classList.contains("empty")}`));
    expect(marks.filter((m) => m !== "true:true" && m !== "false:false")).toEqual([]);
    expect(kept.scrollable).toBeLessThanOrEqual(Math.ceil(kept.space));
    if (kept.hidden > 0) {
      await page.addScriptTag({ path: require.resolve("axe-core/axe.min.js") });
      const found = await page.evaluate(async () => {
        // @ts-expect-error injected above
        const result = await window.axe.run(document.querySelector("[data-testid=contact-table]"), { resultTypes: ["violations"] });
        return result.violations.map((v: { id: string }) => v.id);
      });
      expect(found).toEqual([]);
    }
  }
  await expect(page.getByTestId("contact-table").locator(".field-editor input")).toHaveCount(0);
  await search.fill("nobody");
  await expect.poll(() => listed(page)).toEqual([]);
  await expect(page.getByTestId("list-count")).toHaveText("\u20680\u2069 records");
  // An empty result says why and leads back: the search is cleared, the rows come back.
  const all = ["José Müller", "Фёдор Петров", "علی کریمی"];
  const empty = page.getByTestId("list-empty");
  const isolated = (key: string, search: string) => msg("en", key).replace("{ $search }", `\u2068${search}\u2069`);
  await expect(empty).toHaveText(new RegExp(`^${isolated("list-no-match-search", "nobody")}`));
  // The message follows the search text while the list stays empty.
  await search.press("End");
  await search.press("x");
  await expect(empty).toHaveText(new RegExp(`^${isolated("list-no-match-search", "nobodyx")}`));
  // From the keyboard: the button goes with the message, and focus moves to the search box.
  await empty.getByRole("button", { name: msg("en", "list-clear-search") }).press("Enter");
  await expect(search).toHaveValue("");
  await expect(search).toBeFocused();
  await expect.poll(() => listed(page)).toEqual(all);
  await expect(empty).toHaveCount(0);
  // Filters that leave nothing are cleared the same way, the owner's picker with them.
  await page.locator("summary").filter({ hasText: msg("en", "add-filter") }).click();
  await page.getByTestId("filter-field").selectOption("name");
  await page.getByTestId("filter-value").fill("zzz");
  await page.getByRole("button", { name: msg("en", "apply") }).click();
  await page.getByTestId("filter-owner").selectOption("none");
  await expect(empty).toContainText(msg("en", "list-no-match"));
  await empty.getByRole("button", { name: msg("en", "list-clear-filters") }).click();
  await expect(page.getByTestId("filter-owner")).toHaveValue("");
  await expect(page.locator(".chips .chip")).toHaveCount(0);
  await expect.poll(() => listed(page)).toEqual(all);
  // The trash of a list with nothing trashed says so and leads back.
  await page.getByTestId("show-trash").check();
  await expect(empty).toContainText(msg("en", "list-trash-empty"));
  await empty.getByRole("button", { name: msg("en", "list-leave-trash") }).click();
  await expect(page.getByTestId("show-trash")).not.toBeChecked();
  await expect(page.getByTestId("show-trash")).toBeFocused();
  await expect.poll(() => listed(page)).toEqual(all);
});

test("a device chooses who it is, and its changes are signed with that teammate", async ({ page }) => {
  await page.goto("/settings");
  await appReady(page);
  const teamSection = page.locator('section[aria-labelledby="team-title"]');
  await teamSection.getByLabel(msg("en", "field-name"), { exact: true }).fill("Sara Ahmadi");
  await teamSection.getByRole("button", { name: msg("en", "team-add") }).click();
  const team = page.getByTestId("team-me");
  await team.getByLabel("Sara Ahmadi").check();
  await page.reload();
  await expect(page.getByTestId("team-me").getByLabel("Sara Ahmadi")).toBeChecked();
  await page.getByRole("navigation").getByRole("link", { name: msg("en", "nav-contacts") }).click();
  await addContact(page, "Signed contact");
  await page.goto("/settings");
  const download = page.waitForEvent("download");
  await page.getByTestId("export-json").click();
  const path = join(ARTIFACTS, "signed.json");
  await (await download).saveAs(path);
  const records = JSON.parse(readFileSync(path, "utf8")).records;
  const sara = records.members.find((m: { fields: { name: string } }) => m.fields.name === "Sara Ahmadi");
  const contact = records.contacts.find((c: { fields: { name: string } }) => c.fields.name === "Signed contact");
  expect(contact.created_by).toBe(sara.id);
});
