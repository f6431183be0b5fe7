import { withApp, ready, importWorkspace } from "./lib.mjs";
const [relayBin, distDir, file] = process.argv.slice(2);
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
await withApp(relayBin, distDir, async (page) => {
  await importWorkspace(page, file);
  const nav = (key) => page.getByRole("navigation").getByRole("link", { name: key, exact: true });
  for (const name of ["Contacts", "Companies", "Deals", "Activities", "Tasks", "Dashboard"]) { await nav(name).click(); await settle(page); }
  for (const from of ["Dashboard", "Companies"]) for (let i = 0; i < 4; i++) {
    await nav(from).click(); await settle(page);
    await page.evaluate(() => performance.clearMeasures());
    await nav("Contacts").click(); await settle(page);
    console.log(from, JSON.stringify(await page.evaluate(() => performance.getEntriesByType("measure").map((m) => `${m.name} ${m.duration.toFixed(2)}`))));
  }
});
