// Every CRM screen, filled with records, in English and Persian: an axe-core scan (injected
// from npm, nothing downloaded) finds no serious or critical violation, and a screenshot of each
// is kept to look at.
import type { Page } from "@playwright/test";
import { join } from "node:path";
import { ARTIFACTS, appReady, expect, recordPath, test } from "../support/fixtures";
import { msg } from "../support/messages";

const AXE = require.resolve("axe-core/axe.min.js");

async function seed(page: Page): Promise<{ contact: string; company: string; deal: string }> {
  await page.goto("/companies");
  await appReady(page);
  await page.getByLabel(msg("en", "field-name"), { exact: true }).fill("Acme GmbH");
  await page.getByRole("button", { name: msg("en", "companies-add") }).click();
  await page.goto("/contacts");
  await page.getByLabel(msg("en", "field-name"), { exact: true }).fill("Ann Lee");
  await page.getByLabel(msg("en", "field-email"), { exact: true }).fill("ann@example.com");
  await page.getByRole("button", { name: msg("en", "contacts-add") }).click();
  await page.getByRole("link", { name: "Ann Lee" }).click();
  // Open the editor from the keyboard and wait for focus to move into it before typing.
  await page.locator('.fields-card [data-field="company"] .field-value').focus();
  await page.keyboard.press("Enter");
  await expect(page.locator(".field-editor input:focus")).toHaveCount(1);
  await page.keyboard.type("acme");
  await page.keyboard.press("Enter");
  await page.getByTestId("activity-subject").fill("First call");
  await page.getByTestId("activity-form").getByRole("button", { name: msg("en", "log") }).click();
  await page.getByTestId("task-title").fill("Send the offer");
  await page.getByTestId("task-due").fill("2026-11-24");
  await page.getByTestId("task-form").getByRole("button", { name: msg("en", "add-task") }).click();
  const contact = await recordPath(page, "contacts");
  await page.goto("/companies");
  await page.getByRole("link", { name: "Acme GmbH" }).click();
  const company = await recordPath(page, "companies");
  await page.goto("/deals");
  await page.getByTestId("create-pipeline").click();
  const form = page.locator("form.quick-add");
  await form.getByLabel(msg("en", "field-title"), { exact: true }).fill("Big order");
  await form.getByLabel(msg("en", "field-value"), { exact: true }).fill("1200");
  await form.getByRole("button", { name: msg("en", "add-deal") }).click();
  await page.getByRole("link", { name: "Big order" }).click();
  const deal = await recordPath(page, "deals");
  return { contact, company, deal };
}

async function scan(page: Page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    // @ts-expect-error injected above
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v: { impact: string }) => v.impact === "serious" || v.impact === "critical")
      .map((v: { id: string; help: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  return violations as string[];
}

// Each screen in each look a user can give it: three languages (one right-to-left), light and
// dark, desktop and a 360 px phone.
const VARIANTS: { lang: string; theme: "light" | "dark"; width: number }[] = [
  { lang: "en", theme: "light", width: 1440 },
  { lang: "fa", theme: "light", width: 1440 },
  { lang: "ru", theme: "light", width: 1440 },
  { lang: "en", theme: "dark", width: 1440 },
  { lang: "fa", theme: "dark", width: 360 },
  { lang: "ru", theme: "light", width: 360 },
];

test("every screen passes axe in every language, theme and width, with screenshots", async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const { contact, company, deal } = await seed(page);
  const screens: [string, string][] = [
    ["dashboard", "/"],
    ["contacts", "/contacts"],
    ["companies", "/companies"],
    ["deals", "/deals"],
    ["activities", "/activities"],
    ["tasks", "/tasks"],
    ["duplicates", "/duplicates"],
    ["settings", "/settings"],
    ["contact", contact],
    ["company", company],
    ["deal", deal],
  ];
  for (const { lang, theme, width } of VARIANTS) {
    const look = `${lang}-${theme}-${width === 360 ? "phone" : "desktop"}`;
    await page.setViewportSize({ width, height: width === 360 ? 780 : 900 });
    await page.evaluate(([l, t]) => {
      localStorage.setItem("hearth.locale", l);
      localStorage.setItem("hearth.theme", t);
    }, [lang, theme]);
    for (const [name, path] of screens) {
      await page.goto(path);
      await appReady(page);
      await expect(page.locator("html")).toHaveAttribute("lang", lang);
      await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
      expect(await scan(page), `${look} ${name}`).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, `${look}-screen-${name}.png`), fullPage: true });
    }
    // The overlays and the calendar too.
    await page.goto("/tasks");
    await appReady(page);
    await page.getByTestId("show-calendar").click();
    expect(await scan(page), `${look} calendar`).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, `${look}-screen-calendar.png`), fullPage: true });
    await page.locator("main h1:visible").click();
    await page.keyboard.press("Control+k");
    await page.getByTestId("palette-input").fill("a");
    expect(await scan(page), `${look} palette`).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, `${look}-screen-palette.png`) });
    await page.keyboard.press("Escape");
  }
});
