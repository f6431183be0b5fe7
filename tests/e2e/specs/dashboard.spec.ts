// The dashboard and the scorecard on a known workspace, imported through Settings → Your data
// as a JSON workspace file written here, so every figure below was worked out by hand from it.
// The clock is fixed at 2026-11-23 12:00 UTC (support/fixtures.ts).
import type { Locator, Page } from "@playwright/test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, appReady, expect, recordPath, rowTitles, test } from "../support/fixtures";
import { msg } from "../support/messages";

const strip = (s: string) => s.replace(/[\u2068\u2069]/g, "").replace(/\s+/g, " ").trim();
const visible = async (l: Locator) => strip((await l.textContent()) ?? "");

/** A 26-character id (Crockford base32 digits only). */
const id = (n: number) => String(n).padStart(26, "0");
const at = (iso: string) => Date.parse(iso);
const eur = (major: number) => ({ minor: major * 100, currency: "EUR" });

const MIA = id(101), OMAR = id(102), NORTH = id(201), SOUTH = id(202), PIPE = id(301);
const ACME = id(401), BOREALIS = id(402), COBALT = id(403);

function record(n: string, fields: Record<string, unknown>, created = at("2026-01-05T09:00:00Z")) {
  return { id: n, created_at: created, fields, custom: {}, stage_history: [] };
}

/**
 * Two teammates (Mia in North, Omar in South), one pipeline (Lead 10 %, Offer 50 %,
 * Negotiation 80 %), three companies and seven deals:
 * - won: Acme €1,200 on 10 Oct and €800 on 5 Nov (Mia); Borealis €500 on 1 Jun (Omar);
 * - lost: Cobalt €300 on 10 Nov (Omar);
 * - open: €1,000 in Offer closing 15 Dec, €2,000 in Lead closing 20 Jan 2027, €400 in
 *   Negotiation without a date.
 * Activities: two calls by Mia (30 + 15 min), one meeting by Omar (60 min).
 */
function workspace() {
  const deal = (n: number, title: string, fields: Record<string, unknown>) =>
    record(id(n), { title, pipeline: PIPE, value: eur(0), status: "open", stage: "lead", ...fields });
  return {
    format: "hearth-workspace-json",
    version: 1,
    records: {
      territories: [record(NORTH, { name: "North" }), record(SOUTH, { name: "South" })],
      members: [
        record(MIA, { name: "Mia Noor", color: "#1e40af", territory: NORTH }),
        record(OMAR, { name: "Omar Haddad", color: "#b45309", territory: SOUTH }),
      ],
      pipelines: [
        record(PIPE, {
          name: "Sales",
          stages: { lead: "0|10|Lead", offer: "1|50|Offer", negotiation: "2|80|Negotiation" },
          currency: "EUR",
        }),
      ],
      companies: [
        record(ACME, { name: "Acme GmbH", kind: "customer" }),
        record(BOREALIS, { name: "Borealis Ltd", kind: "customer" }),
        record(COBALT, { name: "Cobalt SA", kind: "prospect" }),
      ],
      deals: [
        deal(501, "Acme first order", { value: eur(1200), status: "won", stage: "negotiation", company: ACME, owner: MIA, closed_at: at("2026-10-10T10:00:00Z") }),
        deal(502, "Acme reorder", { value: eur(800), status: "won", stage: "negotiation", company: ACME, owner: MIA, closed_at: at("2026-11-05T10:00:00Z") }),
        deal(503, "Borealis pilot", { value: eur(500), status: "won", stage: "offer", company: BOREALIS, owner: OMAR, closed_at: at("2026-06-01T10:00:00Z") }),
        deal(504, "Cobalt tender", { value: eur(300), status: "lost", stage: "offer", company: COBALT, owner: OMAR, lost_reason: "Price", closed_at: at("2026-11-10T10:00:00Z") }),
        deal(505, "Acme expansion", { value: eur(1000), stage: "offer", company: ACME, owner: MIA, expected_close: "2026-12-15" }),
        deal(506, "Borealis rollout", { value: eur(2000), stage: "lead", company: BOREALIS, owner: OMAR, expected_close: "2027-01-20" }),
        deal(507, "Cobalt retry", { value: eur(400), stage: "negotiation", company: COBALT, owner: OMAR }),
      ],
      activities: [
        record(id(601), { kind: "call", at: at("2026-11-01T09:00:00Z"), duration_minutes: 30, subject: "Intro call", author: MIA, company: ACME }),
        record(id(602), { kind: "call", at: at("2026-11-02T09:00:00Z"), duration_minutes: 15, subject: "Follow-up", author: MIA, company: ACME }),
        record(id(603), { kind: "meeting", at: at("2026-10-01T09:00:00Z"), duration_minutes: 60, subject: "Kick-off", author: OMAR, company: BOREALIS }),
      ],
    },
  };
}

/** Imports the fixture as a new workspace (it opens at once) and shows the dashboard. */
async function openFixture(page: Page) {
  const file = join(ARTIFACTS, "dashboard-fixture.json");
  writeFileSync(file, JSON.stringify(workspace(), null, 2));
  await page.goto("/settings");
  await appReady(page);
  await page.getByTestId("import-file").setInputFiles(file);
  await expect(page.getByTestId("workspace-list").locator("li")).toHaveCount(2);
  await page.getByRole("navigation").getByRole("link", { name: msg("en", "nav-dashboard") }).click();
  await expect(page.getByTestId("pipeline-chart")).toBeVisible();
}

/** A chart's table rows as "label: figure" (the chart's table toggle opened first). */
async function chartTable(page: Page, testid: string, lang: "en" | "fa" = "en"): Promise<string[]> {
  const chart = page.getByTestId(testid);
  const toggle = chart.getByRole("button", { name: msg(lang, "show-table") });
  if (await toggle.count()) await toggle.click();
  const rows = chart.locator("tbody tr");
  await expect(rows.first()).toBeVisible();
  const out: string[] = [];
  for (const row of await rows.all()) {
    out.push(`${await visible(row.locator("th"))}: ${await visible(row.locator("td"))}`);
  }
  return out;
}

const scoreRow = (page: Page, measure: string) => page.getByTestId("scorecard").locator(`tr[data-measure="${measure}"]`);

async function setTarget(page: Page, measure: string, value: string, tolerance: string) {
  const row = scoreRow(page, measure);
  await row.getByTestId("edit-target").click();
  const editor = page.getByTestId("target-editor");
  await editor.getByTestId("target-value").fill(value);
  await editor.getByTestId("target-tolerance").fill(tolerance);
  await editor.getByTestId("target-save").click();
  await expect(editor).toHaveCount(0);
}

test("the dashboard shows the fixture's figures, each chart with its table, CSV and links", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openFixture(page);

  // Closed in the last 12 months: three won, one lost.
  await expect.poll(() => visible(page.getByTestId("win-rate"))).toBe("75 %");

  // Open deals by stage: count · weighted value (Lead €2,000 × 10 %, Offer €1,000 × 50 %,
  // Negotiation €400 × 80 %).
  expect(await chartTable(page, "pipeline-chart")).toEqual([
    "Lead: 1 · €200.00",
    "Offer: 1 · €500.00",
    "Negotiation: 1 · €320.00",
  ]);

  // Every chart is an image with a title and a text alternative, and its marks take focus.
  const forecast = page.getByTestId("forecast-chart");
  const svg = forecast.getByRole("img").first();
  await expect(svg).toHaveAttribute("aria-labelledby", /.+/);
  const december = forecast.locator("g.bar").nth(1);
  await december.focus();
  await expect(december).toBeFocused();
  expect(strip((await december.getAttribute("aria-label")) ?? "")).toBe("December 2026: €500.00 · 1 deal");
  await expect(december.locator("text.tip")).toBeVisible();

  // Forecast: this month and the next eleven by expected close; the undated deal apart.
  const months = await chartTable(page, "forecast-chart");
  expect(months).toHaveLength(12);
  expect(months[0]).toBe("November 2026: €0.00 · 0 deals");
  expect(months[1]).toBe("December 2026: €500.00 · 1 deal");
  expect(months[2]).toBe("January 2027: €200.00 · 1 deal");
  await expect.poll(() => visible(page.getByTestId("forecast-undated"))).toBe("1 open deal has no expected close date");

  // Win rate by month: June and October all won, November one of two.
  const trend = await chartTable(page, "win-trend-chart");
  expect(trend).toHaveLength(12);
  expect(trend[11]).toBe("November 2026: 50 % · 1 won · 1 lost");
  expect(trend[10]).toBe("October 2026: 100 % · 1 won · 0 lost");
  expect(trend[6]).toBe("June 2026: 100 % · 1 won · 0 lost");
  expect(trend[9]).toBe(`September 2026: ${msg("en", "dash-none-closed")}`);

  expect(await chartTable(page, "revenue-member-chart")).toEqual(["Mia Noor: €2,000.00", "Omar Haddad: €500.00"]);
  expect(await chartTable(page, "revenue-territory-chart")).toEqual(["North: €2,000.00", "South: €500.00"]);
  expect(await chartTable(page, "activities-chart")).toEqual(["Call: 2 · 45 min", "Meeting: 1 · 60 min"]);

  // The table behind a chart exports as CSV.
  const download = page.waitForEvent("download");
  await page.getByTestId("revenue-member-chart").getByTestId("export-chart-csv").click();
  const csvPath = join(ARTIFACTS, "revenue-by-member.csv");
  await (await download).saveAs(csvPath);
  const csv = readFileSync(csvPath, "utf8").replace(/^\uFEFF/, "");
  expect(csv.split("\r\n").filter(Boolean)).toEqual([
    "Teammate,Revenue won,value",
    'Mia Noor,"€2,000.00",200000',
    "Omar Haddad,€500.00,50000",
  ]);

  // A figure leads to the records behind it: Mia's revenue is her two won Acme deals.
  await page.getByTestId("revenue-member-chart").getByRole("link", { name: "€2,000.00" }).click();
  await expect(page.locator("main h1:visible")).toHaveText(msg("en", "figure-records"));
  await expect(page.getByTestId("figure-records").getByRole("link")).toHaveText(["Acme first order", "Acme reorder"]);
  await page.getByTestId("figure-records").getByRole("link", { name: "Acme reorder" }).click();
  await expect(page.locator("main h1:visible")).toHaveText("Acme reorder");
  // The entry is written after the page's first frame: Back from before it would skip a page.
  await recordPath(page, "deals");
  await page.goBack();
  await page.goBack();
  await expect(page.getByTestId("pipeline-chart")).toBeVisible();

  await page.screenshot({ path: join(ARTIFACTS, "en-desktop-dashboard-fixture.png"), fullPage: true });
  // The same dashboard as printed.
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: join(ARTIFACTS, "en-print-dashboard.png"), fullPage: true });
  await expect(page.getByRole("navigation")).toBeHidden();
  await page.emulateMedia({ media: "screen" });
});

test("an RFM cell lists its customers and can be kept as a saved view of companies", async ({ page }) => {
  await openFixture(page);
  // Two customers over the last 12 months: Acme bought twice, 18 days ago (R5 F5); Borealis
  // once, 175 days ago (R1 F1). Cobalt never bought.
  await expect.poll(() => visible(page.locator('[data-cell="55"]'))).toBe("1");
  await expect.poll(() => visible(page.locator('[data-cell="11"]'))).toBe("1");
  await page.locator('[data-cell="55"]').click();
  const listed = page.getByTestId("rfm-customers");
  await expect(listed.getByRole("link")).toHaveText(["Acme GmbH"]);
  await expect(listed.getByRole("heading")).toHaveText(msg("en", "segment-champions"));
  await page.locator('[data-cell="11"]').click();
  await expect(listed.getByRole("link")).toHaveText(["Borealis Ltd"]);
  await page.locator('[data-cell="55"]').click();
  await expect(listed.getByRole("link")).toHaveText(["Acme GmbH"]);

  await listed.getByTestId("segment-view-name").fill("Champions November");
  await listed.getByRole("button", { name: msg("en", "dash-save-segment") }).click();
  await expect(page.getByTestId("segment-saved")).toBeVisible();
  await page.getByTestId("segment-saved").getByRole("link", { name: msg("en", "nav-companies") }).click();
  await expect(page.locator("main h1:visible")).toHaveText(msg("en", "nav-companies"));
  await page.getByTestId("saved-views").selectOption({ label: "Champions November" });
  await expect.poll(() => rowTitles(page.getByTestId("table-rows"))).toEqual(["Acme GmbH"]);
});

test("the scorecard's status follows the target as it is edited", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openFixture(page);
  const card = page.getByTestId("scorecard");
  await expect(card.getByTestId("scorecard-period")).toHaveValue("month");
  // This month (November) against October: one won and one lost now, one won before.
  const winRate = scoreRow(page, "sales.win_rate");
  await expect.poll(() => visible(winRate.getByTestId("current"))).toBe("50 %");
  await expect.poll(() => visible(winRate.locator("td").nth(1))).toBe("100 %");
  await expect.poll(() => visible(winRate.locator("td").nth(2))).toBe("−50 pts (worse)");
  await expect(winRate.getByTestId("status")).toHaveAttribute("data-status", "no-target");
  await expect.poll(() => visible(winRate.getByTestId("status"))).toContain(msg("en", "status-no-target"));
  // Measures without their module say so and are never judged.
  await expect(scoreRow(page, "customer.very_satisfied").getByTestId("status")).toHaveAttribute("data-status", "not-tracked");

  // 60 % with 5 points of tolerance: 50 % is beyond the band.
  await setTarget(page, "sales.win_rate", "60", "5");
  await expect(winRate.getByTestId("status")).toHaveAttribute("data-status", "off-track");
  await expect.poll(() => visible(winRate.getByTestId("status"))).toContain(msg("en", "status-off-track"));
  await expect.poll(() => visible(winRate.getByTestId("target"))).toContain("≥ 60 %");
  // A wider band: at risk.
  await setTarget(page, "sales.win_rate", "60", "15");
  await expect(winRate.getByTestId("status")).toHaveAttribute("data-status", "at-risk");
  await expect.poll(() => visible(winRate.getByTestId("status"))).toContain(msg("en", "status-at-risk"));
  // At the target: on track.
  await setTarget(page, "sales.win_rate", "50", "0");
  await expect(winRate.getByTestId("status")).toHaveAttribute("data-status", "on-track");
  await expect.poll(() => visible(winRate.getByTestId("status"))).toContain(msg("en", "status-on-track"));

  // A refused value is explained in the user's language and changes nothing.
  await winRate.getByTestId("edit-target").click();
  await page.getByTestId("target-value").fill("250");
  await page.getByTestId("target-save").click();
  await expect(page.getByTestId("target-editor").getByRole("alert")).toBeVisible();
  await page.getByTestId("target-editor").getByRole("button", { name: msg("en", "cancel") }).click();
  await expect(winRate.getByTestId("status")).toHaveAttribute("data-status", "on-track");

  // The current value links to the deals it was computed from: the two closed in November.
  await winRate.getByTestId("current").getByRole("link").click();
  await expect(page.getByTestId("figure-records").getByRole("link")).toHaveText(["Acme reorder", "Cobalt tender"]);
  await page.waitForURL(/\/figure\?/);
  await page.goBack();

  // A segment's scorecard: the Champions (Acme) inherit the workspace's win rate target.
  await card.getByTestId("scorecard-segment").selectOption("champions");
  await expect.poll(() => visible(winRate.getByTestId("current"))).toBe("100 %");
  await expect(scoreRow(page, "marketing.leads").getByTestId("status")).toHaveAttribute("data-status", "not-applicable");
  await card.getByTestId("scorecard-segment").selectOption("");

  await card.scrollIntoViewIfNeeded();
  await card.screenshot({ path: join(ARTIFACTS, "en-desktop-scorecard.png") });
  await page.goto("/scorecard");
  await appReady(page);
  await page.emulateMedia({ media: "print" });
  await page.screenshot({ path: join(ARTIFACTS, "en-print-scorecard.png"), fullPage: true });
  await page.emulateMedia({ media: "screen" });
});

test("lifetime value parameters set in Settings change a customer's value", async ({ page }) => {
  await openFixture(page);
  await page.getByRole("navigation").getByRole("link", { name: msg("en", "nav-companies") }).click();
  await page.getByRole("link", { name: "Acme GmbH" }).click();
  // €2,000 in a year, 100 % margin, r 80 %, d 10 %: 2000 × 1.1 / 0.3 = €7,333.33.
  await expect.poll(() => visible(page.getByTestId("customer-value"))).toContain("€7,333.33");
  await page.getByRole("navigation").getByRole("link", { name: msg("en", "nav-settings") }).click();
  const clv = page.getByTestId("clv-settings");
  await expect(clv.getByTestId("clv-margin")).toHaveValue("100");
  await clv.getByTestId("clv-margin").fill("50");
  await clv.getByTestId("clv-save").click();
  await expect(clv.getByTestId("clv-margin")).toHaveValue("50");
  await page.getByRole("navigation").getByRole("link", { name: msg("en", "nav-companies") }).click();
  await page.getByRole("link", { name: "Acme GmbH" }).click();
  await expect.poll(() => visible(page.getByTestId("customer-value"))).toContain("€3,666.67");
});

test("the dashboard in Persian: Persian digits, Solar Hijri months, mirrored charts", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await openFixture(page);
  await page.evaluate(() => localStorage.setItem("hearth.locale", "fa"));
  await page.reload();
  await appReady(page);
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect.poll(() => visible(page.getByTestId("win-rate"))).toBe("۷۵ %");
  // The forecast's months are Solar Hijri months: this one is Azar 1405 (from 22 November),
  // which holds the deal expected on 15 December.
  const first = await chartTable(page, "forecast-chart", "fa");
  expect(first.length).toBe(12);
  expect(first[0]).toContain("آذر");
  expect(first[0]).toContain("۱۴۰۵");
  expect(first[0]).toContain("€");
  await page.getByTestId("forecast-chart").getByRole("button").first().click();
  await page.screenshot({ path: join(ARTIFACTS, "fa-desktop-dashboard-fixture.png"), fullPage: true });
  await page.getByTestId("pipeline-chart").scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(ARTIFACTS, "fa-desktop-dashboard-charts.png") });
  await page.evaluate(() => localStorage.setItem("hearth.theme", "dark"));
  await page.reload();
  await appReady(page);
  await page.screenshot({ path: join(ARTIFACTS, "fa-dark-desktop-dashboard-fixture.png"), fullPage: true });
});
