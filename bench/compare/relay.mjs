// Relay side, side by side (issue 8): our relay (crm-relay, clients from `crm-bench relay-load`)
// against @automerge/automerge-repo-sync-server (clients from am-load.mjs), both on 127.0.0.1 on
// free ports, one after the other for each N, each server started fresh with an empty data dir.
//   node bench/compare/relay.mjs <crm-relay> <crm-bench> <dist dir> [N,N,…] [seconds]
// Prints a Markdown table: delivery latency p50/p99 to the other clients of the group, the
// relay's CPU (utime+stime from /proc/<pid>/stat over the measured window, % of one core) and
// its peak resident memory (VmRSS from /proc/<pid>/status sampled every 250 ms).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [relayBin, benchBin, distDir, nsArg, secondsArg] = process.argv.slice(2);
const NS = (nsArg ?? "10,100,500").split(",").map(Number);
const SECONDS = Number(secondsArg ?? 20);
const GROUP = 10;
const PER_PROCESS = Number(process.env.AM_CLIENTS_PER_PROCESS ?? 250);
const TICK = 100; // USER_HZ (clock ticks per second in /proc/<pid>/stat) is 100 on Linux

const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8");
  const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return Number(rest[11]) + Number(rest[12]); // utime, stime (fields 14 and 15)
};
const rssMb = (pid) => {
  const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
  return m ? Number(m[1]) / 1024 : 0;
};
const freePort = () =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
const lineMatching = (stream, re) =>
  new Promise((ok) => {
    let buf = "";
    stream.on("data", (d) => {
      buf += d;
      const m = buf.match(re);
      if (m) ok(m);
    });
  });
const stop = (child) =>
  new Promise((ok) => {
    if (child.exitCode !== null) return ok();
    child.once("exit", ok);
    child.kill("SIGTERM");
  });

const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] : NaN);

/**
 * Runs load generator processes (`loads`: [cmd, args] each) against a started server and samples
 * the server while they run. The measured window is the first process's.
 */
async function drive(serverPid, loads) {
  let peak = rssMb(serverPid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(serverPid))), 250);
  let window = null;
  const procs = loads.map(([cmd, args]) => spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] }));
  const pids = procs.map((p) => p.pid);
  const loadTicks = () => pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  const outs = await Promise.all(
    procs.map((load, k) => {
      let out = "";
      let err = "";
      load.stdout.on("data", (d) => (out += d));
      load.stderr.on("data", (d) => {
        err += d;
        if (k !== 0) return;
        if (!window && err.includes("relay-load: measuring"))
          window = { t0: performance.now(), c0: cpuTicks(serverPid), l0: loadTicks() };
        if (window && !window.t1 && err.includes("relay-load: stopped"))
          Object.assign(window, { t1: performance.now(), c1: cpuTicks(serverPid), l1: loadTicks() });
      });
      return new Promise((ok, fail) =>
        load.on("exit", (code) =>
          code === 0 ? ok(JSON.parse(out.trim().split("\n").at(-1))) : fail(new Error(`${loads[k].join(" ")} failed (${code}): ${err.slice(-2000)}`)),
        ),
      );
    }),
  );
  clearInterval(sampler);
  if (!window?.t1) throw new Error("the load generator never reported its measured window");
  const secs = (window.t1 - window.t0) / 1000;
  const merged = { ...outs[0] };
  if (outs.length > 1 || outs[0].latencies_ms) {
    const all = outs.flatMap((o) => o.latencies_ms).sort((a, b) => a - b);
    for (const k of ["sent", "expected", "delivered", "failed_clients"]) merged[k] = outs.reduce((s, o) => s + o[k], 0);
    Object.assign(merged, { p50_ms: pct(all, 50), p99_ms: pct(all, 99), max_ms: pct(all, 100), processes: outs.length });
    delete merged.latencies_ms;
  }
  return {
    ...merged,
    loadavg: Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]),
    cpu: ((window.c1 - window.c0) / TICK / secs) * 100,
    loadCpu: ((window.l1 - window.l0) / TICK / secs) * 100,
    peakMb: peak,
    endMb: rssMb(serverPid),
  };
}

async function ours(n) {
  const data = mkdtempSync(join(tmpdir(), "crm-relay-bench-"));
  const relay = spawn(relayBin, ["--host", "127.0.0.1", "--port", "0", "--data-dir", data, "--dist-dir", distDir], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, CRM_LOG: "warn" },
  });
  try {
    const [, addr] = await lineMatching(relay.stdout, /listening on http:\/\/(\S+)/);
    return await drive(relay.pid, [[benchBin, ["relay-load", `ws://${addr}/sync`, String(n), String(SECONDS), String(GROUP)]]]);
  } finally {
    await stop(relay);
    rmSync(data, { recursive: true, force: true });
  }
}

async function theirs(n) {
  const data = mkdtempSync(join(tmpdir(), "am-sync-bench-"));
  const port = await freePort();
  const pkg = resolve(here, "../node_modules/@automerge/automerge-repo-sync-server/src/index.js");
  const server = spawn(process.execPath, ["--require", join(here, "loopback.cjs"), pkg], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: data,
    env: { ...process.env, PORT: String(port), DATA_DIR: join(data, "amrg") },
  });
  try {
    await lineMatching(server.stdout, /Listening on port/);
    // One Node process runs out of CPU well before 500 automerge-repo clients: spread them over
    // processes of at most PER_PROCESS clients (whole groups) so the server, not the client,
    // is what is measured.
    const procs = Math.ceil(n / PER_PROCESS);
    const per = Math.ceil(n / GROUP / procs) * GROUP;
    const loads = [];
    for (let first = 0; first < n; first += per)
      loads.push([process.execPath, [join(here, "am-load.mjs"), `ws://127.0.0.1:${port}`, String(n), String(SECONDS), String(GROUP), "3", String(first), String(Math.min(per, n - first))]]);
    return await drive(server.pid, loads);
  } finally {
    await stop(server);
    rmSync(data, { recursive: true, force: true });
  }
}

const rows = [];
for (const n of NS) {
  const o = await ours(n);
  console.error(`ours N=${n}: ${JSON.stringify(o)}`);
  const t = await theirs(n);
  console.error(`automerge-repo-sync-server N=${n}: ${JSON.stringify(t)}`);
  rows.push([n, o, t]);
}
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "—");
const r = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : "—");
console.log(`| clients (groups of ${GROUP}, 1 change/s each, ${SECONDS} s) | relay | delivery p50 ms | p99 ms | delivered / expected | relay CPU % of a core | relay peak RSS MB | load generators' CPU % | machine load (1-min avg) |`);
console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|");
for (const [n, o, t] of rows) {
  for (const [name, x] of [["ours (crm-relay)", o], ["automerge-repo-sync-server", t]])
    console.log(`| ${n} | ${name} | ${f(x.p50_ms)} | ${f(x.p99_ms)} | ${x.delivered} / ${x.expected} | ${f(x.cpu, 0)} | ${f(x.peakMb)} | ${f(x.loadCpu, 0)} | ${f(x.loadavg, 2)} |`);
  console.log(`| ${n} | **ours / theirs** | ${r(o.p50_ms, t.p50_ms)} | ${r(o.p99_ms, t.p99_ms)} | | ${r(o.cpu, t.cpu)} | ${r(o.peakMb, t.peakMb)} | | |`);
}
