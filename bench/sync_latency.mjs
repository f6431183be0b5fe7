// Team sync benchmark (issue 5): change-to-visible latency between two browsers of one
// workspace through the relay on loopback. Two browser contexts (separate profiles, as two
// colleagues' machines) in one headless Chromium; A creates the workspace and invites, B joins
// with the link. Then N times: A adds a contact with a unique name on the contacts page, and
// the time is taken from A's click to the name appearing in B's contact table.
//
// Clock: both pages run in the same browser on the same machine, and every timestamp is
// `performance.timeOrigin + performance.now()` (wall-clock milliseconds with sub-millisecond
// resolution), so A's and B's times can be subtracted. A records the click in a capturing
// listener (before the app's own handler); B records when a MutationObserver first finds the
// name in the table (the DOM has it) and the next animation frame after that (about when it is
// painted). B also logs when each WebSocket message (relay) and data-channel message (direct
// WebRTC link) arrives, which tells which path brought the change first.
//
// Modes, each with a fresh relay, browser and profiles:
//   both    as the app runs: the direct link forms on its own, so a change travels both ways
//           at once and whichever arrives first is shown
//   relay   the direct link prevented: Chromium launched with
//           --webrtc-ip-handling-policy=disable_non_proxied_udp (no proxy, so WebRTC gathers
//           no candidates and no link forms; `--force-webrtc-ip-handling-policy=…` did not
//           stop host candidates in Chromium 156 here); the change travels through the relay only
//   direct  the link formed, then the relay stopped (SIGTERM by its process id): direct only
// A mode with "+file" (e.g. relay+file) first imports the workspace file given as the fifth
// argument into A (e.g. dataset M), so both browsers hold a large workspace.
//
//   node bench/sync_latency.mjs <relay binary> <dist dir> [N=50] [modes=both,relay,direct] [workspace file]
// Prints a Markdown table. Part of `make bench-sync`.
import { basename } from "node:path";
import { importWorkspace, percentile, withApp } from "./lib.mjs";

const [relayBin, distDir, nArg, modesArg, file] = process.argv.slice(2);
if (!relayBin || !distDir) throw new Error("usage: node bench/sync_latency.mjs RELAY_BIN DIST_DIR [N] [both,relay,direct]");
const N = Number(nArg ?? 50);
const MODES = (modesArg ?? "both,relay,direct").split(",");
const NO_DIRECT = "--webrtc-ip-handling-policy=disable_non_proxied_udp";

/** Installed in every page before the app's scripts. */
function probe() {
  const now = () => performance.timeOrigin + performance.now();
  const arrivals = [];
  window.__bench = { arrivals, want: null, seenAt: null, paintAt: null, clickAt: null };
  // Both adapters assign `onmessage` (web-sys `set_onmessage`): wrap what they assign.
  for (const [proto, via] of [
    [WebSocket.prototype, "relay"],
    [RTCDataChannel.prototype, "direct"],
  ]) {
    const d = Object.getOwnPropertyDescriptor(proto, "onmessage");
    Object.defineProperty(proto, "onmessage", {
      configurable: true,
      enumerable: d.enumerable,
      get() {
        return d.get.call(this);
      },
      set(fn) {
        d.set.call(
          this,
          typeof fn === "function"
            ? function (e) {
                arrivals.push({ via, t: now() });
                return fn.call(this, e);
              }
            : fn,
        );
      },
    });
  }
  addEventListener(
    "click",
    (e) => {
      if (e.target instanceof Element && e.target.closest("button")?.textContent?.includes("Add contact")) window.__bench.clickAt = now();
    },
    true,
  );
  const look = () => {
    const b = window.__bench;
    if (!b.want || b.seenAt) return;
    const table = document.querySelector('[data-testid="contact-table"]');
    if (table && table.textContent.includes(b.want)) {
      b.seenAt = now();
      requestAnimationFrame(() => (b.paintAt = now()));
    }
  };
  new MutationObserver(look).observe(document, { subtree: true, childList: true, characterData: true });
}

const nav = (page, name) => page.getByRole("navigation").getByRole("link", { name, exact: true }).click();
const h1 = (page) => page.locator("main h1").waitFor({ state: "visible", timeout: 120_000 });
const peersText = (page) => page.getByTestId("sync-peers").textContent();
/** The numbers in "Colleagues connected: N. Direct links: M." (bidi isolates stripped). */
async function peers(page) {
  const [colleagues, direct] = ((await peersText(page)) ?? "").replace(/[\u2066-\u2069]/g, "").match(/\d+/g)?.map(Number) ?? [];
  return { colleagues, direct };
}
async function until(what, check, ms) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Each new name sorts before the previous ones and before the seed and any dataset name. */
const SEED = "0 Seed";
const nameOf = (i) => `0 Sync ${String(9999 - i).padStart(4, "0")}`;

async function measure(spec) {
  const [mode, withFile] = spec.split("+");
  if (withFile && !file) throw new Error(`${spec}: give the workspace file as the fifth argument`);
  return withApp(
    relayBin,
    distDir,
    async (a, contextA, url, { browser, relay }) => {
      const contextB = await browser.newContext({ baseURL: url, viewport: { width: 1440, height: 900 } });
      const b = await contextB.newPage();
      for (const c of [contextA, contextB]) await c.addInitScript(probe);
      const errors = [];
      for (const [p, who] of [
        [a, "A"],
        [b, "B"],
      ])
        p.on("pageerror", (e) => errors.push(`${who}: ${e.message}`));

      // A: a workspace (imported from the file, or new) with one more contact, shared; B joins
      // with the link.
      if (withFile) {
        await importWorkspace(a, file);
        await nav(a, "Contacts");
      } else await a.goto("/contacts");
      await h1(a);
      await a.getByLabel("Name", { exact: true }).fill(SEED);
      await a.getByRole("button", { name: "Add contact" }).click();
      await a.getByTestId("contact-table").getByText(SEED).waitFor();
      await nav(a, "Settings");
      await a.getByTestId("invite").click();
      await a.waitForFunction(() => /\/join#join=/.test(document.querySelector('[data-testid="invite-link"]')?.value ?? ""));
      const link = await a.getByTestId("invite-link").inputValue();
      await b.goto(link.replace(new URL(link).origin, ""));
      await h1(b);
      await b.getByTestId("join-workspace").click();
      await b.getByTestId("contact-table").getByText(SEED).waitFor({ timeout: 300_000 });

      // The state of the direct link before measuring.
      await nav(b, "Settings");
      const linked = await until("direct link", async () => (await peers(a)).direct === 1 && (await peers(b)).direct === 1, mode === "relay" ? 8_000 : 30_000);
      if (mode !== "relay" && !linked) throw new Error(`${mode}: no direct link formed within 30 s (${await peersText(a)})`);
      if (mode === "relay" && linked) throw new Error(`relay: a direct link formed despite ${NO_DIRECT}`);
      if (mode === "direct") {
        relay.kill("SIGTERM");
        if (!(await until("relay gone", async () => (await peers(a)).colleagues === 0, 15_000)))
          throw new Error("direct: A still counts a colleague on the relay after stopping it");
      }
      const state = `A: ${(await peersText(a)).replace(/[\u2066-\u2069]/g, "")} B: ${(await peersText(b)).replace(/[\u2066-\u2069]/g, "")}`;
      await nav(a, "Contacts");
      await nav(b, "Contacts");
      await a.getByTestId("contact-table").getByText(SEED).waitFor();
      await b.getByTestId("contact-table").getByText(SEED).waitFor();
      const visibility = await Promise.all([a, b].map((p) => p.evaluate(() => document.visibilityState)));

      const samples = [];
      for (let i = 0; i < N + 2; i++) {
        // Sorted by name, it lands in the first rows of the (windowed) table.
        const name = nameOf(i);
        for (const p of [a, b])
          await p.evaluate((n) => Object.assign(window.__bench, { want: n, seenAt: null, paintAt: null, clickAt: null }), name);
        await a.getByLabel("Name", { exact: true }).fill(name);
        await a.getByRole("button", { name: "Add contact" }).click();
        await b.waitForFunction(() => window.__bench.paintAt !== null, null, { timeout: 15_000 });
        await a.waitForFunction(() => window.__bench.paintAt !== null, null, { timeout: 15_000 });
        const A = await a.evaluate(() => ({ clickAt: window.__bench.clickAt, seenAt: window.__bench.seenAt }));
        const B = await b.evaluate((t0) => {
          const x = window.__bench;
          const first = (via) => x.arrivals.find((m) => m.via === via && m.t >= t0)?.t ?? null;
          const out = { seenAt: x.seenAt, paintAt: x.paintAt, relayAt: first("relay"), directAt: first("direct") };
          x.arrivals.length = 0;
          return out;
        }, A.clickAt);
        // The first two are warm-up (the first change after joining also pays for lazy setup).
        if (i >= 2)
          samples.push({
            visible: B.seenAt - A.clickAt,
            painted: B.paintAt - A.clickAt,
            local: A.seenAt - A.clickAt,
            relay: B.relayAt === null ? null : B.relayAt - A.clickAt,
            direct: B.directAt === null ? null : B.directAt - A.clickAt,
          });
        // Changes apart, as a person makes them (and so one does not queue behind the last).
        await a.waitForTimeout(250 + Math.random() * 250);
      }
      await contextB.close();
      return { spec, mode, withFile, samples, state, visibility, errors };
    },
    { browserArgs: mode === "relay" ? [NO_DIRECT] : [] },
  );
}

const LABEL = {
  both: "as the app runs (relay and direct link both open)",
  relay: `relay only (direct link prevented: \`${NO_DIRECT}\`)`,
  direct: "direct link only (relay stopped after the link formed)",
};
const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : "—");
const trio = (xs) => (xs.length ? `${f(percentile(xs, 50))} / ${f(percentile(xs, 95))} / ${f(Math.max(...xs))}` : "—");
const results = [];
for (const spec of MODES) {
  const r = await measure(spec);
  console.error(`${spec}: ${r.state}; visibility A/B ${r.visibility.join("/")}; page errors: ${r.errors.length ? r.errors.join("; ") : "none"}`);
  results.push(r);
}
console.log(
  `| path (${N} changes each, A → B) | click → in B's DOM p50 / p95 / max (ms) | click → next frame in B p50 / p95 / max | click → first relay message at B, p50 / p95 / max | click → first direct message at B, p50 / p95 / max | came first: direct / relay | A's own table: click → in DOM p50 / p95 |`,
);
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const { mode, withFile, samples } of results) {
  const pick = (k) => samples.map((s) => s[k]).filter((x) => x !== null);
  const directFirst = samples.filter((s) => s.direct !== null && (s.relay === null || s.direct < s.relay)).length;
  const relayFirst = samples.filter((s) => s.relay !== null && (s.direct === null || s.relay <= s.direct)).length;
  const local = pick("local");
  console.log(
    `| ${LABEL[mode] ?? mode}${withFile ? `, both holding workspace ${basename(file)}` : ""} | **${trio(pick("visible"))}** | ${trio(pick("painted"))} | ${trio(pick("relay"))} | ${trio(pick("direct"))} | ${directFirst} / ${relayFirst} | ${f(percentile(local, 50))} / ${f(percentile(local, 95))} |`,
  );
}
