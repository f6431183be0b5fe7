// Load generator for @automerge/automerge-repo-sync-server: N automerge-repo clients (each a Repo
// with the WebSocket client adapter, no storage, as a browser tab without persistence would be)
// in groups of GROUP sharing one document. Each client changes the document once a second; the
// latency from the change to the moment another client of the group sees it (its "change"
// event) is measured in this process. The mirror of `crm-bench relay-load` (bench/src/relay_load.rs).
//   node bench/compare/am-load.mjs ws://127.0.0.1:PORT CLIENTS SECONDS [GROUP] [WARMUP] [FIRST COUNT]
// Runs clients FIRST..FIRST+COUNT (whole groups; default all CLIENTS) so that relay.mjs can
// spread them over processes. Prints one JSON object like crm-bench relay-load's, plus the
// raw latencies for merging.
import { Repo } from "@automerge/automerge-repo";
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket";

const [url, clientsArg, secondsArg, groupArg, warmupArg, firstArg, countArg] = process.argv.slice(2);
const TOTAL = Number(clientsArg);
const FIRST = Number(firstArg ?? 0);
const N = Number(countArg ?? TOTAL);
const SECONDS = Number(secondsArg);
const GROUP = Number(groupArg ?? 10);
const WARMUP = Number(warmupArg ?? 3);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const repos = [];
for (let i = 0; i < N; i++) {
  repos.push(new Repo({ network: [new WebSocketClientAdapter(url)], peerId: `load-${i}-${process.pid}` }));
  if (i % 50 === 49) await sleep(20);
}
await Promise.all(repos.map((r) => r.networkSubsystem.whenReady()));
// Each group's first client creates the document; the others find it through the server once
// it has reached the server (the server's share policy only answers requests for known ids).
const handles = new Array(N);
const urls = [];
for (let g = 0; g * GROUP < N; g++) {
  const h = repos[g * GROUP].create({});
  handles[g * GROUP] = h;
  urls[g] = h.url;
}
await sleep(2000 + 4 * N);
await Promise.all(
  repos.map(async (repo, i) => {
    if (!handles[i]) handles[i] = await repo.find(urls[Math.floor(i / GROUP)]);
  }),
);

let start = 0;
const latencies = [];
let sent = 0;
let expected = 0;
handles.forEach((h, i) => {
  h.on("change", ({ patches }) => {
    const now = performance.now();
    // A change sets c<sender> = round and t<sender> = send time; both arrive in one patch set.
    const rounds = new Map();
    const times = new Map();
    for (const p of patches) {
      if (p.action !== "put" || p.path.length !== 1 || typeof p.path[0] !== "string") continue;
      const [kind, sender] = [p.path[0][0], Number(p.path[0].slice(1))];
      if (sender === i) continue;
      if (kind === "c") rounds.set(sender, p.value);
      if (kind === "t") times.set(sender, p.value);
    }
    for (const [sender, t] of times) if (rounds.get(sender) >= WARMUP) latencies.push(now - t);
  });
});

await sleep(1000);
start = performance.now() + 500;
for (let i = 0; i < N; i++) {
  const groupStart = Math.floor(i / GROUP) * GROUP;
  const peers = Math.min(N, groupStart + GROUP) - groupStart - 1;
  for (let round = 0; round < WARMUP + SECONDS; round++) {
    const at = start + round * 1000 + ((FIRST + i) * 1000) / TOTAL;
    setTimeout(() => {
      const t = performance.now();
      handles[i].change((d) => {
        d[`c${i}`] = round;
        d[`t${i}`] = t;
      });
      if (round >= WARMUP) {
        sent++;
        expected += peers;
      }
    }, at - performance.now());
  }
}
await sleep(start + WARMUP * 1000 - performance.now());
console.error("relay-load: measuring");
await sleep(start + (WARMUP + SECONDS) * 1000 - performance.now());
console.error("relay-load: stopped");
await sleep(3000);

latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length, Math.max(1, Math.ceil((p / 100) * latencies.length))) - 1] : NaN);
console.log(
  JSON.stringify({
    clients: TOTAL,
    group: GROUP,
    seconds: SECONDS,
    sent,
    expected,
    delivered: latencies.length,
    failed_clients: 0,
    p50_ms: pct(50),
    p99_ms: pct(99),
    max_ms: pct(100),
    latencies_ms: latencies.map((x) => Math.round(x * 1000) / 1000),
  }),
);
for (const r of repos) r.shutdown?.();
process.exit(0);
