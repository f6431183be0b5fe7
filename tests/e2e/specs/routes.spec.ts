// Every route, in every language, at phone and desktop widths: the heading, the document's
// language and direction, the active menu entry, no sideways scrolling, and a screenshot.
import { join } from "node:path";
import { ARTIFACTS, expect, test } from "../support/fixtures";
import { msg, type Lang } from "../support/messages";

const ROUTES: [path: string, headingKey: string, name: string][] = [
  ["/", "nav-dashboard", "dashboard"],
  ["/contacts", "nav-contacts", "contacts"],
  ["/companies", "nav-companies", "companies"],
  ["/deals", "nav-deals", "deals"],
  ["/activities", "nav-activities", "activities"],
  ["/tasks", "nav-tasks", "tasks"],
  ["/settings", "nav-settings", "settings"],
  ["/no-such-page", "not-found-title", "not-found"],
];

const VIEWPORTS = {
  desktop: { width: 1440, height: 900 },
  phone: { width: 360, height: 740 },
};

// The browser's language on a first visit decides the app's language.
const BROWSER_LOCALE: Record<Lang, string> = { en: "en-US", fa: "fa-IR", ru: "ru-RU" };

for (const lang of ["en", "fa", "ru"] as Lang[]) {
  test.describe(`in ${lang}`, () => {
    test.use({ locale: BROWSER_LOCALE[lang] });

    for (const [path, key, name] of ROUTES) {
      test(`${path} shows its heading`, async ({ page }) => {
        const heading = msg(lang, key);
        for (const [size, viewport] of Object.entries(VIEWPORTS)) {
          await page.setViewportSize(viewport);
          await page.goto(path);
          await expect(page.locator("main h1:visible")).toHaveText(heading);
          await expect(page).toHaveTitle(`${heading} · ${msg(lang, "app-name")}`);
          const html = page.locator("html");
          await expect(html).toHaveAttribute("lang", lang);
          await expect(html).toHaveAttribute("dir", lang === "fa" ? "rtl" : "ltr");
          const sideways = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          expect(sideways, "horizontal overflow").toBeLessThanOrEqual(0);
          if (size === "desktop" && name !== "not-found") {
            await expect(page.locator("#primary-nav a[aria-current=page]")).toHaveAttribute("href", path);
          }
          await page.screenshot({ path: join(ARTIFACTS, `${lang}-${size}-${name}.png`), fullPage: true });
        }
      });
    }
  });
}
