// Importing records from files and exporting lists: the mapping screen, the duplicate choice,
// the report of rows that cannot be imported, one-step undo, the mapping remembered, and lists
// leaving as CSV and vCard.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { ARTIFACTS, appReady, expect, holdIndexedDbOpen, rowTitles, test } from "../support/fixtures";
import { msg } from "../support/messages";

const strip = (s: string) => s.replace(/[\u2068\u2069]/g, "");
/** A locator's text without Fluent's isolation marks. */
const plain = (l: { textContent(): Promise<string | null> }) => async () => strip((await l.textContent()) ?? "");

const PEOPLE = [
  "Full name;E-mail;Company;Birthday;Favourite colour",
  "Ann Lee;ANN@example.com;Acme;;blue",
  "Bob Stone;bob@example.com;Acme;1990-05-17;green",
  "Cara Diaz;not-an-email;Beta;;red",
  "Dan Brown;dan@example.com;;17.05.1985;",
].join("\r\n");

async function addContact(page: Page, name: string, email: string) {
  await page.getByLabel(msg("en", "field-name"), { exact: true }).fill(name);
  await page.getByLabel(msg("en", "field-email"), { exact: true }).fill(email);
  await page.getByRole("button", { name: msg("en", "contacts-add") }).click();
  await expect(page.getByTestId("contact-table")).toContainText(name);
}

async function choose(page: Page, name: string, text: string) {
  await page.getByTestId("import-source").setInputFiles({ name, mimeType: "text/plain", buffer: Buffer.from(text) });
  await expect(page.getByTestId("import-file-summary")).toContainText(name);
}

const listed = (page: Page) => rowTitles(page.getByTestId("contact-table"));

test("a CSV of contacts is mapped, checked, imported as one undo step, and its bad row comes back", async ({ page }) => {
  await page.goto("/contacts");
  await appReady(page);
  await addContact(page, "Ann Lee", "ann@example.com");
  await page.getByTestId("list-import").click();
  await expect(page).toHaveURL(/\/import\?kind=contacts$/);
  await appReady(page);

  await choose(page, "people.csv", PEOPLE);
  await expect(page.getByTestId("import-file-summary")).toContainText("UTF-8");
  // Guessed from the headers; the colour column becomes a new custom field.
  const target = (header: string) => page.getByTestId("import-mapping").locator(`select[data-column="${header}"]`);
  await expect(target("Full name")).toHaveValue("field:name");
  await expect(target("E-mail")).toHaveValue("field:emails");
  await expect(target("Company")).toHaveValue("field:company");
  await expect(target("Birthday")).toHaveValue("field:birthday");
  await target("Favourite colour").selectOption("new:text");

  const preview = page.getByTestId("import-preview");
  await expect(preview.locator("thead th")).toHaveText(["Line", "Name", "Emails", "Company", "Birthday", "Favourite colour", "Note"]);
  const row = (n: number) => preview.locator("tbody tr").nth(n).locator("th, td").allTextContents().then((c) => c.map(strip));
  await expect.poll(() => row(0)).toEqual(["2", "Ann Lee", "ANN@example.com", "Acme (new)", "", "blue", "Possible duplicate"]);
  await expect.poll(() => row(1)).toEqual(["3", "Bob Stone", "bob@example.com", "Acme (new)", "May 17, 1990", "green", ""]);
  await expect.poll(() => row(2).then((r) => r[r.length - 1])).toBe("Emails: “not-an-email” is not a valid email address.");
  await page.screenshot({ path: join(ARTIFACTS, "en-desktop-import-mapping.png"), fullPage: true });

  await page.getByTestId("import-check").click();
  const review = page.getByTestId("import-review");
  await expect(review).toBeVisible();
  await expect(page.getByTestId("import-rows")).toHaveText("4");
  await expect(page.getByTestId("import-ready")).toHaveText("2");
  await expect(page.getByTestId("import-duplicates")).toHaveText("1");
  await expect(page.getByTestId("import-rejected")).toHaveText("1");
  const dupes = page.getByTestId("import-duplicate-list");
  await expect.poll(plain(dupes)).toContain("Ann Lee");
  await expect.poll(plain(dupes)).toContain("same email ann@example.com");
  await review.getByLabel(msg("en", "import-dup-merge")).check();
  const rejected = page.getByTestId("import-rejected-list");
  await expect(rejected.locator("tbody tr")).toHaveCount(1);
  await expect.poll(plain(rejected)).toContain("4");
  await expect.poll(plain(rejected)).toContain("not-an-email");

  const download = page.waitForEvent("download");
  await page.getByTestId("import-download-rejected").click();
  const path = join(ARTIFACTS, "not-imported.csv");
  await (await download).saveAs(path);
  const back = readFileSync(path, "utf8").replace(/^\uFEFF/, "").split(/\r?\n/);
  expect(back[0]).toBe("Full name,E-mail,Company,Birthday,Favourite colour,Reason");
  expect(back[1]).toMatch(/^Cara Diaz,not-an-email,Beta,,red,.*not a valid email address/);
  await page.screenshot({ path: join(ARTIFACTS, "en-desktop-import-review.png"), fullPage: true });

  await page.getByTestId("import-go").click();
  await expect(page.getByTestId("import-done-summary")).toHaveText(
    strip("New: 2. Merged: 1. Skipped: 0. Not imported: 1.").replace(/\d/g, (d) => `\u2068${d}\u2069`),
  );
  await expect(page.getByTestId("import-done")).toContainText("Companies created: \u20681\u2069");
  await expect(page.getByTestId("import-done")).toContainText("Custom fields created: \u20681\u2069");

  // One Undo takes the whole import back: the new people, the company, the merge.
  await page.getByTestId("import-undo").click();
  await expect(page.getByTestId("import-undone")).toBeVisible();
  await page.goto("/contacts");
  await appReady(page);
  await expect.poll(() => listed(page)).toEqual(["Ann Lee"]);
  await expect(page.getByTestId("contact-table")).not.toContainText("Acme");

  // The same file again: the mapping made last time is offered, custom field included.
  await page.goto("/import");
  await appReady(page);
  await choose(page, "people.csv", PEOPLE);
  await expect(page.getByTestId("import-note")).toHaveText(msg("en", "import-saved-mapping"));
  await expect(target("Favourite colour")).toHaveValue("new:text");
  await page.getByTestId("import-check").click();
  await page.getByTestId("import-review").getByLabel(msg("en", "import-dup-merge")).check();
  await page.getByTestId("import-go").click();
  await expect(page.getByTestId("import-done")).toBeVisible();
  await page.getByRole("link", { name: msg("en", "import-open-list") }).click();
  await expect.poll(() => listed(page)).toEqual(["Ann Lee", "Bob Stone", "Dan Brown"]);
  await page.getByRole("link", { name: "Ann Lee" }).click();
  await expect(page.locator("main")).toContainText("Acme");
  await expect(page.locator("main")).toContainText("blue");
});

test("a file with dates written day first and month first says so before anything is imported", async ({ page }) => {
  await page.goto("/import?kind=contacts");
  await appReady(page);
  await choose(page, "mixed.csv", "Name,Birthday\nAnn,05/06/1990\nBob,05/13/1991\nCy,13/05/1992\n");
  await page.getByTestId("import-check").click();
  await expect(page.getByTestId("import-review")).toBeVisible();
  const warnings = page.getByTestId("import-warning-list");
  await expect.poll(plain(warnings)).toContain("line 4 has 13/05/1992, day first, and line 3 has 05/13/1991, month first");
});

test("a UTF-8 file with one damaged byte is read as UTF-8 and the damage is counted", async ({ page }) => {
  await page.goto("/import?kind=contacts");
  await appReady(page);
  const good = Buffer.from("Name,City\nJürgen Müller,Köln\nИван Петров,Москва\n");
  const bytes = Buffer.concat([good.subarray(0, 10), Buffer.from([0xe9]), good.subarray(10)]);
  await page.getByTestId("import-source").setInputFiles({ name: "damaged.csv", mimeType: "text/csv", buffer: bytes });
  await expect(page.getByTestId("import-file-summary")).toContainText("UTF-8");
  await expect.poll(plain(page.getByTestId("import-file-problems"))).toContain("One place could not be read as UTF-8");
  await expect(page.getByTestId("import-preview")).toContainText("Иван Петров");
});

test("duplicates chosen one by one, a known CRM's export, and a mapping that cannot work", async ({ page }) => {
  await page.goto("/contacts");
  await appReady(page);
  await addContact(page, "Eve Park", "eve@example.com");
  await page.goto("/import?kind=contacts");
  await appReady(page);
  const hubspot = [
    "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Job Title",
    "101,Eve,Park,eve@example.com,,Globex,CTO",
    "102,Finn,Hall,finn@example.com,+1 555 0100,Globex,",
    "103,Eve,Parks,eve@example.com,,,",
  ].join("\n");
  await choose(page, "hubspot-contacts.csv", hubspot);
  await expect(page.getByTestId("import-note")).toContainText("HubSpot");
  await page.getByTestId("import-check").click();
  // Line 2 duplicates Eve; line 4 duplicates line 2. Skip for all, but create line 4.
  await expect(page.getByTestId("import-duplicates")).toHaveText("2");
  await page.getByLabel(/^What to do with line \u2068?4\u2069?$/).selectOption("create");
  await page.getByTestId("import-go").click();
  await expect(page.getByTestId("import-done-summary")).toContainText("Skipped: \u20681\u2069");
  await page.goto("/contacts");
  await appReady(page);
  await expect.poll(() => listed(page)).toEqual(["Eve Park", "Eve Parks", "Finn Hall"]);

  // Deals need a value: without a column for it the screen says so and nothing can start.
  await page.goto("/import?kind=deals");
  await appReady(page);
  await choose(page, "deals.csv", "Deal name,Organisation\nBig one,Globex\n");
  await expect
    .poll(async () => strip((await page.getByTestId("import-mapping-error").textContent()) ?? ""))
    .toBe("Choose a column for Value: every record needs it.");
  await expect(page.getByTestId("import-check")).toBeDisabled();
});

test("a file picked while the workspace is still opening is mapped once it opens", async ({ page }) => {
  await holdIndexedDbOpen(page, 1500);
  await page.goto("/import");
  await appReady(page);
  await choose(page, "people.csv", PEOPLE);
  await expect(page.getByTestId("import-mapping").locator('select[data-column="Full name"]')).toHaveValue("field:name");
  await page.getByTestId("import-check").click();
  await expect(page.getByTestId("import-ready")).toHaveText("3");
});

test("a vCard file goes in, and lists leave as CSV and vCard", async ({ page }) => {
  await page.goto("/import");
  await appReady(page);
  const cards = [
    "BEGIN:VCARD",
    "VERSION:3.0",
    "FN:Gil Stone",
    "N:Stone;Gil;;;",
    "EMAIL;TYPE=WORK:gil@example.com",
    "TEL;TYPE=CELL:+44 20 7946 0000",
    "ORG:Initech",
    "BDAY:1980-02-29",
    "END:VCARD",
    "BEGIN:VCARD",
    "VERSION:4.0",
    "FN:Hana Ito",
    "EMAIL:hana@example.com",
    "END:VCARD",
  ].join("\r\n");
  await choose(page, "people.vcf", cards);
  await page.getByTestId("import-check").click();
  await expect(page.getByTestId("import-ready")).toHaveText("2");
  await page.getByTestId("import-go").click();
  await expect(page.getByTestId("import-done")).toBeVisible();

  await page.goto("/contacts");
  await appReady(page);
  await expect.poll(() => listed(page)).toEqual(["Gil Stone", "Hana Ito"]);
  await page.getByTestId("list-search").fill("gil");
  await expect.poll(() => listed(page)).toEqual(["Gil Stone"]);
  await page.getByText(msg("en", "list-export"), { exact: true }).click();
  let download = page.waitForEvent("download");
  await page.getByTestId("export-csv").click();
  const csvPath = join(ARTIFACTS, "contacts-view.csv");
  await (await download).saveAs(csvPath);
  const lines = readFileSync(csvPath, "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
  expect(lines).toHaveLength(2);
  expect(lines[0].split(",")[0]).toBe("name");
  expect(lines[1]).toContain("Gil Stone");
  expect(lines[1]).toContain("gil@example.com");
  download = page.waitForEvent("download");
  await page.getByTestId("export-vcard").click();
  const vcfPath = join(ARTIFACTS, "contacts-view.vcf");
  await (await download).saveAs(vcfPath);
  const vcf = readFileSync(vcfPath, "utf8");
  expect(vcf).toContain("VERSION:4.0");
  expect(vcf).toContain("FN:Gil Stone");
  expect(vcf).toContain("BDAY:19800229");
  expect(vcf).not.toContain("Hana Ito");
});

test("a large import is compacted off the page, and every record is there after a reload", async ({ page }) => {
  const workers: string[] = [];
  page.on("worker", (w) => workers.push(new URL(w.url()).pathname));
  const warnings: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "warning") warnings.push(m.text());
  });
  const rows = ["Name,Email,Company"];
  for (let i = 0; i < 5000; i++) rows.push(`Person ${i},p${i}@example.com,Company ${i % 7}`);
  await page.goto("/import?kind=contacts");
  await appReady(page);
  await choose(page, "many.csv", rows.join("\n"));
  await page.getByTestId("import-check").click();
  await expect(page.getByTestId("import-ready")).toHaveText("5,000");
  await page.getByTestId("import-go").click();
  await expect(page.getByTestId("import-done")).toBeVisible();
  // Well past the 64 KB of changes that call for a compaction: one snapshot then holds it all
  // and the incrementals it holds are gone.
  const chunks = () =>
    page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open("hearth");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const keys = open.result.transaction("chunks").objectStore("chunks").getAllKeys();
            keys.onsuccess = () => {
              resolve(keys.result.map(String));
              open.result.close();
            };
            keys.onerror = () => reject(keys.error);
          };
        }),
    );
  const kinds = async () => {
    const keys = await chunks();
    return [keys.filter((k) => k.includes("/s/")).length, keys.filter((k) => k.includes("/i/")).length];
  };
  await expect.poll(kinds, { timeout: 30_000 }).toEqual([1, 0]);
  // The compactor worker did it; the page did not save the whole document itself.
  expect(workers).toContain("/compact-worker.js");
  expect(warnings.filter((w) => w.includes("compacting on the page"))).toEqual([]);
  await page.goto("/contacts");
  await appReady(page);
  await expect.poll(plain(page.getByTestId("list-count"))).toBe("5,000 records");
  await expect(page.getByTestId("contact-table")).toContainText("Person 0");
});
