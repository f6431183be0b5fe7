// Which threads of which Chromium process are busy between a click on "Contacts" (from the
// dashboard) and the task after the next frame, averaged over 10 openings: the wall and
// thread time of each thread's top-level tasks inside that window, and (with the `browser`
// and `navigation` categories in CATS) what the browser process's main thread did. It found
// that each same-document navigation cost the browser process about 9 ms of CPU beside the
// page's frame (src/adapters/history.rs).
//   [CATS=toplevel,blink.user_timing,mojom,navigation,browser,content,ipc] node bench/threads.mjs <relay binary> <dist dir> <workspace file>
import { importWorkspace, navLink, settle, warmScreens, withApp } from "./lib.mjs";
const [relayBin, distDir, file] = process.argv.slice(2);
await withApp(relayBin, distDir, async (page, context) => {
  await importWorkspace(page, file);
  await warmScreens(page);
  const cdp = await context.newCDPSession(page);
  const per = new Map();
  const browserMain = new Map();
  for (let i = 0; i < 10; i++) {
    await navLink(page, "Dashboard").click();
    await settle(page);
    const events = [];
    const collect = (d) => events.push(...d.value);
    cdp.on("Tracing.dataCollected", collect);
    const complete = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
    await cdp.send("Tracing.start", { categories: process.env.CATS ?? "toplevel,blink.user_timing", transferMode: "ReportEvents" });
    await page.evaluate(() => addEventListener("click", () => { performance.mark("t:in"); requestAnimationFrame(() => { const c = new MessageChannel(); c.port1.onmessage = () => performance.mark("t:out"); c.port2.postMessage(0); }); }, { capture: true, once: true }));
    await navLink(page, "Contacts").click();
    await page.waitForFunction(() => performance.getEntriesByName("t:out").length > 0);
    await page.evaluate(() => performance.clearMarks());
    await cdp.send("Tracing.end");
    await complete;
    cdp.off("Tracing.dataCollected", collect);
    const names = new Map(events.filter((e) => e.name === "thread_name").map((e) => [`${e.pid}:${e.tid}`, e.args.name]));
    const a = events.find((e) => e.name === "t:in")?.ts, b = events.find((e) => e.name === "t:out")?.ts;
    if (!a || !b) continue;
    // top-level (non-nested) X events per thread, clipped to [a, b]
    const byT = new Map();
    for (const e of events.filter((e) => e.ph === "X" && e.dur && e.cat?.includes("toplevel")).sort((x, y) => x.ts - y.ts)) {
      const k = `${e.pid}:${e.tid}`;
      const l = byT.get(k) ?? { end: 0, wall: 0, cpu: 0 };
      if (e.ts >= l.end) {
        const s = Math.max(e.ts, a), t = Math.min(e.ts + e.dur, b);
        if (t > s) { l.wall += (t - s) / 1000; l.cpu += ((e.tdur ?? e.dur) * (t - s) / e.dur) / 1000; }
        l.end = e.ts + e.dur;
      }
      byT.set(k, l);
    }
    const bm = [...names].find(([, v]) => v === "CrBrowserMain")?.[0];
    for (const e of events.filter((e) => e.ph === "X" && e.dur && `${e.pid}:${e.tid}` === bm && e.ts >= a && e.ts <= b)) {
      const n = e.name + " " + JSON.stringify(e.args ?? {}).slice(0, 120);
      browserMain.set(n, (browserMain.get(n) ?? 0) + e.dur / 1000);
    }
    for (const [k, l] of byT) {
      const n = `${names.get(k) ?? k}`;
      const p = per.get(n) ?? { wall: 0, cpu: 0 };
      p.wall += l.wall / 10; p.cpu += l.cpu / 10;
      per.set(n, p);
    }
    const p = per.get("window") ?? { wall: 0, cpu: 0 };
    p.wall += (b - a) / 1000 / 10;
    per.set("window", p);
  }
  for (const [n, p] of [...browserMain].sort((x, y) => y[1] - x[1]).slice(0, 40)) console.log(`${(p / 10).toFixed(2).padStart(7)} ${n}`);
  for (const [n, p] of [...per].sort((x, y) => y[1].wall - x[1].wall)) console.log(`${p.wall.toFixed(2).padStart(7)} ${p.cpu.toFixed(2).padStart(7)} ${n}`);
});
