import { withApp, ready, importWorkspace } from "./lib.mjs";
const [relayBin, distDir, file] = process.argv.slice(2);
const settle = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50))));
await withApp(relayBin, distDir, async (page) => {
  await importWorkspace(page, file);
  const nav = (key) => page.getByRole("navigation").getByRole("link", { name: key, exact: true });
  for (const mode of ["plain", "dirty", "plain", "dirty", "dirtyfocus"]) {
    await nav("Dashboard").click(); await settle(page);
    await nav("Contacts").click(); await settle(page);
    const link = page.getByTestId("table-rows").locator(".title-cell a").nth(3);
    if (mode === "hover") await link.hover();
    if (mode === "dirtyfocus") await link.focus();
    await settle(page);
    await page.evaluate((m) => (window.__mode = m), mode);
    const ms = await page.evaluate(() => { const el = document.querySelector("main .screen-slot");
      if (window.__mode.startsWith("dirty")) { const d = document.createElement("div"); d.innerHTML = "<p>x</p>".repeat(400); document.querySelector("main").prepend(d); }
      const t = performance.now(); el.remove(); const a = performance.now() - t; document.body.offsetHeight; return [a, performance.now() - t]; });
    if (mode === "active") await page.mouse.up();
    console.log(mode, ms.map((x) => x.toFixed(2)).join(" "));
    await page.reload(); await ready(page);
  }
});
