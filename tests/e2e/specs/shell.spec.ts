// The shell's behaviour: themes, language choice, mirroring, formats and the phone menu.
import { join } from "node:path";
import { ARTIFACTS, appReady, expect, test } from "../support/fixtures";
import { msg } from "../support/messages";

const bodyBackground = (page: import("@playwright/test").Page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
/** Fluent isolates placeables with invisible bidi marks; compare what a reader sees. */
const visibleText = (locator: import("@playwright/test").Locator) =>
  locator.textContent().then((t) => (t ?? "").replace(/[\u2068\u2069]/g, ""));
const LIGHT_BG = "rgb(248, 250, 252)";
const DARK_BG = "rgb(11, 17, 32)";

test.describe("theme", () => {
  test("follows the system until the user chooses, then keeps the choice", async ({ page }) => {
    await page.emulateMedia({ colorScheme: "dark" });
    await page.goto("/");
    await appReady(page);
    expect(await bodyBackground(page)).toBe(DARK_BG);
    await page.emulateMedia({ colorScheme: "light" });
    await expect.poll(() => bodyBackground(page)).toBe(LIGHT_BG);

    const toggle = page.getByTestId("theme-toggle");
    await expect(toggle).toHaveAccessibleName(msg("en", "theme-switch-to-dark"));
    await toggle.click();
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    expect(await bodyBackground(page)).toBe(DARK_BG);
    await expect(toggle).toHaveAccessibleName(msg("en", "theme-switch-to-light"));

    await page.reload();
    await appReady(page);
    await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
    expect(await bodyBackground(page)).toBe(DARK_BG);
    await page.screenshot({ path: join(ARTIFACTS, "en-desktop-dashboard-dark.png") });

    await page.goto("/settings");
    await page.getByLabel(msg("en", "theme-system")).check();
    await expect(page.locator("html")).not.toHaveAttribute("data-theme", /.*/);
    expect(await bodyBackground(page)).toBe(LIGHT_BG);
  });
});

test.describe("language", () => {
  test("a choice in settings applies at once, mirrors for Persian and persists", async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto("/settings");
    await appReady(page);
    await page.getByLabel("Русский").check();
    await expect(page.locator("main h1:visible")).toHaveText(msg("ru", "nav-settings"));
    await expect(page.locator("html")).toHaveAttribute("lang", "ru");
    await expect
      .poll(() => visibleText(page.getByTestId("format-counting")))
      .toBe("1 контакт · 2 контакта · 5 контактов · 21 контакт");
    await expect(page.getByTestId("format-number")).toHaveText("1\u00a0234\u00a0567,89");
    await expect(page.getByTestId("format-date")).toContainText("23 ноября 2026");

    await page.getByLabel("فارسی").check();
    await expect(page.locator("main h1:visible")).toHaveText(msg("fa", "nav-settings"));
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
    await expect(page.getByTestId("format-number")).toHaveText("۱٬۲۳۴٬۵۶۷٫۸۹");
    // Solar Hijri: Monday 2 Azar 1405, in Persian digits (the word order is the browser's ICU).
    for (const part of ["دوشنبه", "۲", "آذر", "۱۴۰۵"]) {
      await expect(page.getByTestId("format-date")).toContainText(part);
    }
    await expect.poll(() => visibleText(page.getByTestId("format-counting"))).toContain("۵ مخاطب");
    // Mirrored: the menu sits at the right edge, the content to its left.
    const nav = await page.locator("#primary-nav").boundingBox();
    const main = await page.locator("main").boundingBox();
    expect(nav!.x).toBeGreaterThan(main!.x);
    expect(nav!.x + nav!.width).toBeCloseTo(1440, -1);
    await page.screenshot({ path: join(ARTIFACTS, "fa-desktop-settings-chosen.png"), fullPage: true });

    await page.reload();
    await expect(page.locator("main h1:visible")).toHaveText(msg("fa", "nav-settings"));
    await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  });
});

test.describe("phone layout", () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test("the menu opens as a drawer and closes after navigating", async ({ page }) => {
    await page.goto("/");
    await appReady(page);
    const nav = page.locator("#primary-nav");
    const button = page.getByRole("button", { name: msg("en", "menu-open") });
    await expect(nav).toBeHidden();
    await button.click();
    await expect(nav).toBeVisible();
    await expect(page.getByRole("button", { name: msg("en", "menu-close") })).toHaveAttribute(
      "aria-expanded",
      "true",
    );
    await page.screenshot({ path: join(ARTIFACTS, "en-phone-menu-open.png") });
    await nav.getByRole("link", { name: msg("en", "nav-deals") }).click();
    await expect(page).toHaveURL(/\/deals$/);
    await expect(page.locator("main h1:visible")).toHaveText(msg("en", "nav-deals"));
    await expect(nav).toBeHidden();

    // Escape and a tap beside the drawer close it too.
    await page.getByRole("button", { name: msg("en", "menu-open") }).click();
    await expect(nav).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(nav).toBeHidden();
    await page.getByRole("button", { name: msg("en", "menu-open") }).click();
    await page.mouse.click(340, 400);
    await expect(nav).toBeHidden();
  });
});

test("the skip link moves focus to the main region and stays on the page", async ({ page }) => {
  await page.goto("/contacts");
  await appReady(page);
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: msg("en", "skip-to-content") });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
  await expect(page).toHaveURL(/\/contacts$/);
  await expect(page.locator("main h1:visible")).toHaveText(msg("en", "nav-contacts"));
});

test("the not-found page leads back to the dashboard", async ({ page }) => {
  await page.goto("/nowhere/at/all");
  await expect(page.locator("main h1:visible")).toHaveText(msg("en", "not-found-title"));
  await page.getByRole("link", { name: msg("en", "not-found-home") }).click();
  await expect(page.locator("main h1:visible")).toHaveText(msg("en", "nav-dashboard"));
});

test("the dashboard shows today's date in the user's language", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("today")).toHaveText("Monday, November 23, 2026");
});
