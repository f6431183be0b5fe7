// Where the time of one interaction goes (issue 4): a trace of the browser's main thread (script,
// style, layout, paint, garbage collection) and a sampled CPU profile of the script, summed over
// several repetitions. Use a build whose wasm keeps its names (no wasm-opt) to read Rust frames:
//   sed 's/data-wasm-opt="z"/data-wasm-opt="0"/' index.html > index-prof.html
//   trunk build --release=true -d /tmp/profdist index-prof.html
//   node bench/profile.mjs <relay binary> <dist dir> <workspace file> <scenario> [reps]
// INCLUSIVE=<text> sums the time under functions whose name contains <text> (e.g. crm_app).
// TIMELINE=1 also prints the last input's main-thread events as a tree.
// scenario: contacts | companies | tasks | activities | deals (open the list from the dashboard),
//           search (a keystroke in the contacts search), record (open a contact from the list)
import { TRACE_CATEGORIES, importWorkspace, inputFrames, navLink, settle, shown, warmScreens, withApp } from "./lib.mjs";

const [relayBin, distDir, file, scenario, repsArg] = process.argv.slice(2);
const REPS = Number(repsArg ?? 5);
const LISTS = { contacts: "Contacts", companies: "Companies", tasks: "Tasks", activities: "Activities", deals: "Deals" };

/** Resolves after the frame that follows everything the last input caused has been produced. */
const nextFrame = (page) =>
  page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));

await withApp(relayBin, distDir, async (page, context) => {
  await importWorkspace(page, file);
  const nav = (key) => navLink(page, key);
  await warmScreens(page);

  const before = async (i) => {
    if (LISTS[scenario]) {
      await nav("Dashboard").click();
      await settle(page);
    } else if (scenario === "search") {
      await shown(page, "list-search").focus();
    } else if (scenario === "record" && i > 0) {
      await page.goBack();
      await shown(page, "table-rows").waitFor();
      await settle(page);
    }
  };
  const act = async (i) => {
    if (LISTS[scenario]) await nav(LISTS[scenario]).click();
    else if (scenario === "search") await page.keyboard.press(["m", "Backspace"][i % 2]);
    else if (scenario === "record") await shown(page, "table-rows").locator(".title-cell a").nth(i % 10).click();
    else throw new Error(`unknown scenario ${scenario}`);
    await nextFrame(page);
  };

  const cdp = await context.newCDPSession(page);
  // 1. The main thread's trace: what kind of work, summed over the repetitions.
  const events = [];
  cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
  for (let i = 0; i < REPS; i++) {
    await before(i);
    const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
    await cdp.send("Tracing.start", {
      categories: `${TRACE_CATEGORIES},v8,disabled-by-default-v8.cpu_profiler`,
      transferMode: "ReportEvents",
    });
    // The profiler starts on the main thread: let it, before the input, or its start-up counts.
    await nextFrame(page);
    await act(i);
    await cdp.send("Tracing.end");
    await done;
  }
  // Self time per event name on the renderer's main thread: each event's duration less that of
  // the events nested in it.
  const names = events.filter((e) => e.ph === "M" && e.name === "thread_name");
  const mainTid = names.find((e) => e.args?.name === "CrRendererMain")?.tid;
  // Only what lies between each input event's dispatch and the end of the next paint after it:
  // Playwright's own calls into the page before the input are left out.
  const all = events.filter((e) => e.ph === "X" && e.dur && e.tid === mainTid).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const inputType = LISTS[scenario] || scenario === "record" ? "click" : "keydown";
  const inputs = inputFrames(events, inputType);
  const windows = inputs.map((f) => [f.start, f.end]);
  const main = windows.flatMap(([a, b]) => all.filter((e) => e.ts >= a && e.ts + e.dur <= b));
  const spanMs = windows.reduce((sum, [a, b]) => sum + (b - a) / 1000, 0);
  if (process.env.TIMELINE) {
    const [a, b] = windows.at(-1);
    const stack = [];
    for (const e of all.filter((e) => e.ts >= a && e.ts + e.dur <= b && e.dur >= Number(process.env.TIMELINE_MIN ?? 200))) {
      while (stack.length && stack.at(-1) <= e.ts) stack.pop();
      const data = e.args?.data ?? {};
      const what = (data.functionName || data.url?.split("/").at(-1) || data.type || "") + " " + JSON.stringify(e.args?.beginData ?? e.args?.elementCount ?? "").slice(0, 200);
      console.log(`${"  ".repeat(stack.length)}${((e.ts - a) / 1000).toFixed(2)} +${(e.dur / 1000).toFixed(2)} ${e.name} ${what}`);
      stack.push(e.ts + e.dur);
    }
  }
  console.log(`input dispatch to end of next paint: ${(spanMs / Math.max(windows.length, 1)).toFixed(2)} ms on average over ${windows.length} inputs`);
  const workMs = inputs.reduce((sum, f) => sum + f.workMs, 0) / Math.max(inputs.length, 1);
  console.log(`main thread's work from the input's task to the painting one: ${workMs.toFixed(2)} ms on average`);
  const self = new Map();
  // The same for the thread time: what is left of the self time is waiting (for a core, or
  // for another thread).
  const selfCpu = new Map();
  const cpu = (e) => (e.tdur ?? e.dur) / 1000;
  const stack = [];
  for (const e of main) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur / 1000);
    if (parent) selfCpu.set(parent.name, (selfCpu.get(parent.name) ?? 0) - cpu(e));
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur / 1000);
    selfCpu.set(e.name, (selfCpu.get(e.name) ?? 0) + cpu(e));
    stack.push(e);
  }
  // The script's samples within those windows (the trace's own CPU profile, same clock).
  const frames = new Map();
  const parents = new Map();
  const callers = new Map();
  const inWindow = new Map();
  const profiles = new Map();
  for (const e of events.filter((e) => e.name === "Profile" || e.name === "ProfileChunk")) {
    const p = profiles.get(e.id) ?? { t: 0, tid: e.tid };
    if (e.name === "Profile") p.t = e.args.data.startTime;
    const chunk = e.args?.data?.cpuProfile;
    if (chunk) {
      for (const n of chunk.nodes ?? []) {
        frames.set(`${e.id}:${n.id}`, n.callFrame.functionName || `(${n.callFrame.url?.split("/").at(-1) || "program"})`);
        if (n.parent) parents.set(`${e.id}:${n.id}`, `${e.id}:${n.parent}`);
      }
      const deltas = e.args.data.timeDeltas ?? [];
      (chunk.samples ?? []).forEach((id, k) => {
        p.t += deltas[k] ?? 0;
        if (p.tid !== mainTid) return;
        if (!windows.some(([a, b]) => p.t >= a && p.t <= b)) return;
        const name = frames.get(`${e.id}:${id}`) ?? "?";
        inWindow.set(name, (inWindow.get(name) ?? 0) + 1);
        // CALLERS=<function>: the stacks above that function's samples.
        if (process.env.CALLERS && name.startsWith(process.env.CALLERS)) {
          const stack = [];
          for (let k = parents.get(`${e.id}:${id}`); k && stack.length < 8; k = parents.get(k)) stack.push(frames.get(k)?.slice(0, 60));
          const key = stack.join(" < ");
          callers.set(key, (callers.get(key) ?? 0) + 1);
        }
      });
    }
    profiles.set(e.id, p);
  }
  for (const [stack, n] of [...callers].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${n} × ${stack}`);
  const sampleCount = [...inWindow.values()].reduce((a, b) => a + b, 0);
  console.log(`## ${scenario}: samples within the windows, share of ${sampleCount}`);
  for (const [name, n] of [...inWindow].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
    console.log(`${((100 * n) / sampleCount).toFixed(1).padStart(7)}%  ${name.slice(0, 140)}`);
  }
  console.log(`## ${scenario}: main thread, self ms per repetition (${REPS} reps): wall, thread time`);
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`${(ms / REPS).toFixed(2).padStart(8)} ${((selfCpu.get(name) ?? 0) / REPS).toFixed(2).padStart(8)}  ${name}`);
  }

  // 2. The script's sampled profile: self time by function.
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 50 });
  const sampled = new Map();
  const inclusive = new Map();
  let total = 0;
  for (let i = 0; i < REPS; i++) {
    await before(i + 1);
    await cdp.send("Profiler.start");
    await act(i + 1);
    const { profile } = await cdp.send("Profiler.stop");
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parentOf = new Map(profile.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])));
    const nameOf = (n) => n.callFrame.functionName || `(${n.callFrame.url.split("/").at(-1) || "anon"})`;
    const deltas = profile.timeDeltas;
    profile.samples.forEach((id, k) => {
      const n = nodes.get(id);
      const ms = (deltas[k + 1] ?? 0) / 1000;
      const name = nameOf(n);
      if (name === "(idle)") return;
      sampled.set(name, (sampled.get(name) ?? 0) + ms);
      total += ms;
      // INCLUSIVE=<text>: time under each function whose name contains it, callees included.
      if (process.env.INCLUSIVE) {
        const names = new Set();
        for (let p = id; p !== undefined; p = parentOf.get(p)) names.add(nameOf(nodes.get(p)));
        for (const f of names) if (f.includes(process.env.INCLUSIVE)) inclusive.set(f, (inclusive.get(f) ?? 0) + ms);
      }
    });
  }
  console.log(`\n## ${scenario}: sampled self time, ms per repetition (total ${(total / REPS).toFixed(2)})`);
  for (const [name, ms] of [...sampled].sort((a, b) => b[1] - a[1]).slice(0, 45)) {
    console.log(`${(ms / REPS).toFixed(2).padStart(8)}  ${name.slice(0, 140)}`);
  }
  if (process.env.INCLUSIVE) {
    console.log(`\n## ${scenario}: inclusive time of functions named *${process.env.INCLUSIVE}*, ms per repetition`);
    for (const [name, ms] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
      console.log(`${(ms / REPS).toFixed(2).padStart(8)}  ${name.slice(0, 160)}`);
    }
  }
});
