import { withApp, ready } from "./lib.mjs";
const [relayBin, distDir] = process.argv.slice(2);
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
await withApp(relayBin, distDir, async (page) => {
  page.on("console", (m) => { if (m.text().startsWith("memo")) console.log("  ", m.text()); });
  await page.goto("/contacts"); await ready(page);
  const nav = (key) => page.getByRole("navigation").getByRole("link", { name: key, exact: true });
  const f = page.getByLabel("Name", { exact: true });
  await f.fill("Ann"); await f.press("Enter"); await settle(page);
  for (const name of ["Companies", "Contacts", "Companies", "Contacts"]) { console.log("->", name); await nav(name).click(); await settle(page); }
});
