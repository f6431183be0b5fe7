//! Relay load generator: `clients` real sync clients (crm-sync's `ClientSession` over a
//! WebSocket, one thread each) in groups of `group` sharing one document. Each client makes a
//! small Automerge change once a second and pushes it sealed, as the app does; every other
//! client of its group applies it. The delivery latency (push sent → change applied on another
//! client) is measured in this process, so all clocks are the same clock.
//!
//! The plaintext of each push is a 16-byte header (sender index `u32`, round `u32`, send time
//! in µs `u64`) followed by the Automerge change; the relay sees only the sealed envelope.
//!
//! By default every group is a document of one shared workspace. With `own_workspaces`, each
//! group is a workspace of its own (issue 5's fan-out: 200 clients across 20 workspaces), and
//! the clients of group `g` connect from the loopback address 127.0.0.(g + 2): the relay lets
//! one address create only a few workspaces an hour, so each group looks like a team of its own
//! address (any 127.x.y.z reaches the relay listening on 127.0.0.1).
//!
//! Given the relay's process id, the run also reads its CPU time over the measured window
//! (`/proc/<pid>/stat`) and its resident memory every 250 ms (`/proc/<pid>/status`).

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ROOT};
use crm_sync::{ClientSession, Connection, Event, SavedState, WorkspaceSecret};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// A fixed workspace: the relay creates it on the first `Hello`.
const WORKSPACE: &str = "0bench0000000000000000000r";

pub struct Config {
    pub url: String,
    pub clients: usize,
    pub group: usize,
    pub warmup_s: u64,
    pub seconds: u64,
    /// Each group in a workspace of its own, from a loopback address of its own.
    pub own_workspaces: bool,
    /// The relay's process, to sample its CPU and memory.
    pub relay_pid: Option<u32>,
    /// When each client acts within the second. `Burst`: in index order, so the members of a
    /// group act one after another within `group × 1 s / clients` (a team's changes in a burst,
    /// 5 ms apart at 200 clients); `Spread`: a group's members `1 s / group` apart.
    pub phases: Phases,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phases {
    Burst,
    Spread,
}

pub struct Summary {
    pub latencies_us: Vec<u64>,
    pub expected: u64,
    pub failed_clients: usize,
    pub sent: u64,
    /// The relay's and this process's CPU over the measured window, % of one core.
    pub relay_cpu_percent: Option<f64>,
    pub load_cpu_percent: Option<f64>,
    /// The relay's peak and final resident memory (MB), sampled from connection to the end.
    pub relay_peak_rss_mb: Option<f64>,
    pub relay_end_rss_mb: Option<f64>,
}

/// Clock ticks per second in `/proc/<pid>/stat` (USER_HZ, 100 on Linux).
const TICKS_PER_S: f64 = 100.0;

/// utime + stime of a process, in clock ticks.
pub fn cpu_ticks(pid: &str) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start with the state, field 3.
    let rest: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    Some(rest.get(11)?.parse::<u64>().ok()? + rest.get(12)?.parse::<u64>().ok()?)
}

/// VmRSS of a process, in MB.
pub fn rss_mb(pid: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// The `p`-th percentile (nearest rank) of sorted µs samples, in ms; NaN if there are none.
pub fn percentile_ms(sorted_us: &[u64], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted_us.len() as f64).ceil() as usize;
    sorted_us[rank.clamp(1, sorted_us.len()) - 1] as f64 / 1000.0
}

/// The workspace id of group `g` when groups have workspaces of their own (26 characters in
/// the canonical spelling of `crm_core::Id`).
fn workspace_of(g: usize) -> String {
    format!("0benchws{g:018}")
}

struct Shared {
    epoch: Instant,
    /// µs since `epoch` when the first change goes out; 0 until every client is synced.
    start_us: AtomicU64,
    ready: AtomicUsize,
    failed: AtomicUsize,
}

impl Shared {
    fn now_us(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_micros()).unwrap_or(u64::MAX)
    }
}

struct Outcome {
    latencies_us: Vec<u64>,
    expected: u64,
    sent: u64,
}

pub fn run(cfg: &Config) -> anyhow::Result<Summary> {
    if cfg.clients == 0 || cfg.group < 2 {
        bail!("need at least one client and groups of at least two");
    }
    let shared = Arc::new(Shared {
        epoch: Instant::now(),
        start_us: AtomicU64::new(0),
        ready: AtomicUsize::new(0),
        failed: AtomicUsize::new(0),
    });
    let mut threads = Vec::with_capacity(cfg.clients);
    for index in 0..cfg.clients {
        let shared = Arc::clone(&shared);
        let url = cfg.url.clone();
        let group_start = index / cfg.group * cfg.group;
        let peers = (cfg.clients.min(group_start + cfg.group) - group_start - 1) as u64;
        let g = index / cfg.group;
        let (workspace, doc, source) = if cfg.own_workspaces {
            let last = u8::try_from(g + 2)
                .ok()
                .filter(|&b| b < 255)
                .context("at most 252 workspaces (one loopback address each)")?;
            (
                workspace_of(g),
                "main".to_owned(),
                Some(Ipv4Addr::new(127, 0, 0, last)),
            )
        } else {
            (WORKSPACE.to_owned(), format!("g{g}"), None)
        };
        let plan = Plan {
            index,
            slot: match cfg.phases {
                Phases::Burst => index,
                Phases::Spread => (index % cfg.group) * cfg.clients.div_ceil(cfg.group) + g,
            },
            slots: match cfg.phases {
                Phases::Burst => cfg.clients,
                Phases::Spread => cfg.clients.div_ceil(cfg.group) * cfg.group,
            },
            workspace,
            source,
            doc,
            peers,
            warmup: cfg.warmup_s,
            rounds: cfg.warmup_s + cfg.seconds,
        };
        threads.push(
            std::thread::Builder::new()
                .name(format!("client-{index}"))
                .stack_size(512 * 1024)
                .spawn(move || {
                    let out = client(&url, &plan, &shared);
                    if out.is_err() {
                        shared.failed.fetch_add(1, Ordering::SeqCst);
                    }
                    out
                })?,
        );
        // Connections open at a steady pace rather than all in the same millisecond.
        if index % 50 == 49 {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    // Wait until every client is synced (or failed), then give everyone the same start.
    let deadline = Instant::now() + Duration::from_secs(120);
    while shared.ready.load(Ordering::SeqCst) + shared.failed.load(Ordering::SeqCst) < cfg.clients {
        if Instant::now() > deadline {
            bail!(
                "only {} of {} clients synced within 120 s",
                shared.ready.load(Ordering::SeqCst),
                cfg.clients
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let start_us = shared.now_us() + 500_000;
    shared.start_us.store(start_us, Ordering::SeqCst);
    // The relay's memory, sampled until the clients are done.
    let relay_pid = cfg.relay_pid.map(|p| p.to_string());
    let sampling = Arc::new(AtomicUsize::new(1));
    let sampler = relay_pid.clone().map(|pid| {
        let sampling = Arc::clone(&sampling);
        std::thread::spawn(move || {
            let mut peak = 0.0f64;
            while sampling.load(Ordering::SeqCst) == 1 {
                peak = peak.max(rss_mb(&pid).unwrap_or(0.0));
                std::thread::sleep(Duration::from_millis(250));
            }
            peak.max(rss_mb(&pid).unwrap_or(0.0))
        })
    });
    let cpu = || {
        let relay = relay_pid.as_deref().and_then(cpu_ticks);
        (relay, cpu_ticks("self"), Instant::now())
    };
    // Lines for the orchestrator (bench/compare/relay.mjs): it samples the relay's CPU between them.
    let sleep_until = |us: u64| {
        let now = shared.now_us();
        if us > now {
            std::thread::sleep(Duration::from_micros(us - now));
        }
    };
    sleep_until(start_us + cfg.warmup_s * 1_000_000);
    let before = cpu();
    eprintln!("relay-load: measuring");
    sleep_until(start_us + (cfg.warmup_s + cfg.seconds) * 1_000_000);
    let after = cpu();
    eprintln!("relay-load: stopped");
    let secs = after.2.duration_since(before.2).as_secs_f64();
    let percent = |a: Option<u64>, b: Option<u64>| {
        Some((b?.saturating_sub(a?)) as f64 / TICKS_PER_S / secs * 100.0)
    };
    let mut summary = Summary {
        latencies_us: Vec::new(),
        expected: 0,
        failed_clients: 0,
        sent: 0,
        relay_cpu_percent: percent(before.0, after.0),
        load_cpu_percent: percent(before.1, after.1),
        relay_peak_rss_mb: None,
        relay_end_rss_mb: None,
    };
    for t in threads {
        match t.join() {
            Ok(Ok(out)) => {
                summary.latencies_us.extend(out.latencies_us);
                summary.expected += out.expected;
                summary.sent += out.sent;
            }
            Ok(Err(e)) => {
                summary.failed_clients += 1;
                eprintln!("relay-load: a client failed: {e:#}");
            }
            Err(_) => summary.failed_clients += 1,
        }
    }
    sampling.store(0, Ordering::SeqCst);
    summary.relay_peak_rss_mb = sampler.and_then(|t| t.join().ok());
    summary.relay_end_rss_mb = relay_pid.as_deref().and_then(rss_mb);
    Ok(summary)
}

struct Plan {
    index: usize,
    /// This client's turn within each second, out of `slots`.
    slot: usize,
    slots: usize,
    workspace: String,
    /// The loopback address to connect from, if not the system's choice.
    source: Option<Ipv4Addr>,
    doc: String,
    /// Other clients in the group: how many should receive each change.
    peers: u64,
    warmup: u64,
    rounds: u64,
}

fn client(url: &str, plan: &Plan, shared: &Shared) -> anyhow::Result<Outcome> {
    let mut socket =
        connect(url, plan.source).with_context(|| format!("cannot connect to {url}"))?;
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&(plan.index as u64 + 1).to_le_bytes());
    id[8..].copy_from_slice(&shared.epoch.elapsed().as_nanos().to_le_bytes()[..8]);
    let now_ms = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    };
    let mut session = ClientSession::new(
        plan.workspace.clone(),
        WorkspaceSecret::new([7; 32], 0),
        id,
        SavedState::default(),
        now_ms(),
    );
    session.subscribe(&plan.doc);
    session.connecting(now_ms());
    session.connected(now_ms());
    flush(&mut socket, &mut session)?;
    let mut doc = AutoCommit::new();
    let mut out = Outcome {
        latencies_us: Vec::new(),
        expected: 0,
        sent: 0,
    };
    let mut synced = false;
    let mut round = 0u64;
    let mut nonce_seq = 0u64;
    let set_timeout = |socket: &mut WebSocket<MaybeTlsStream<TcpStream>>, d: Duration| {
        if let MaybeTlsStream::Plain(s) = socket.get_mut() {
            let _ = s.set_read_timeout(Some(d.max(Duration::from_millis(1))));
        }
    };
    loop {
        let start = shared.start_us.load(Ordering::SeqCst);
        // When this client acts next: its turn in the round, spread evenly over each second.
        let next_us = (start != 0).then(|| {
            start + round * 1_000_000 + (plan.slot as u64 * 1_000_000 / plan.slots as u64)
        });
        let end_us = (start != 0).then(|| start + plan.rounds * 1_000_000 + 3_000_000);
        let now = shared.now_us();
        if let Some(end) = end_us
            && now >= end
        {
            break;
        }
        match next_us {
            Some(next) if round < plan.rounds && now >= next => {
                let t = shared.now_us();
                doc.put(ROOT, format!("c{}", plan.index), round as i64)?;
                doc.put(ROOT, format!("t{}", plan.index), t as i64)?;
                doc.commit();
                let mut change = doc
                    .get_last_local_change()
                    .context("a change was just committed")?;
                let mut data = Vec::with_capacity(64);
                data.extend_from_slice(&(plan.index as u32).to_le_bytes());
                data.extend_from_slice(&(round as u32).to_le_bytes());
                data.extend_from_slice(&t.to_le_bytes());
                data.extend_from_slice(&change.bytes());
                nonce_seq += 1;
                let mut nonce = [0u8; 24];
                nonce[..8].copy_from_slice(&id[..8]);
                nonce[8..16].copy_from_slice(&id[8..]);
                nonce[16..].copy_from_slice(&nonce_seq.to_le_bytes());
                session.push(&plan.doc, &data, nonce);
                flush(&mut socket, &mut session)?;
                if round >= plan.warmup {
                    out.sent += 1;
                    out.expected += plan.peers;
                }
                round += 1;
                continue;
            }
            Some(next) if round < plan.rounds => {
                set_timeout(&mut socket, Duration::from_micros(next - now));
            }
            Some(_) => set_timeout(
                &mut socket,
                Duration::from_micros(end_us.unwrap_or(now) - now),
            ),
            None => set_timeout(&mut socket, Duration::from_millis(20)),
        }
        match socket.read() {
            Ok(Message::Binary(bytes)) => {
                let got_us = shared.now_us();
                session.received(&bytes, now_ms());
                while let Some(event) = session.poll_event() {
                    match event {
                        Event::Apply { data, .. } if data.len() >= 16 => {
                            let sent_round = u32::from_le_bytes(data[4..8].try_into()?);
                            let sent_us = u64::from_le_bytes(data[8..16].try_into()?);
                            doc.load_incremental(&data[16..])?;
                            if u64::from(sent_round) >= plan.warmup {
                                out.latencies_us.push(shared.now_us().max(got_us) - sent_us);
                            }
                        }
                        Event::RelayError { code, message, .. } => {
                            bail!("relay error {code:?}: {message}")
                        }
                        _ => {}
                    }
                }
                if !synced && session.status().connection == Connection::Synced {
                    synced = true;
                    shared.ready.fetch_add(1, Ordering::SeqCst);
                }
                flush(&mut socket, &mut session)?;
            }
            Ok(Message::Close(_)) => bail!("the relay closed the connection"),
            Ok(_) => {}
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(e).context("reading from the relay"),
        }
    }
    let _ = socket.close(None);
    Ok(out)
}

/// A WebSocket to `url`, from `source` if given (bound before connecting).
fn connect(
    url: &str,
    source: Option<Ipv4Addr>,
) -> anyhow::Result<WebSocket<MaybeTlsStream<TcpStream>>> {
    let Some(source) = source else {
        return Ok(tungstenite::connect(url)?.0);
    };
    let authority = url
        .strip_prefix("ws://")
        .and_then(|rest| rest.split('/').next())
        .context("only ws:// URLs can be connected from a chosen address")?;
    let dest: SocketAddr = authority
        .parse()
        .with_context(|| format!("{authority}: give the relay as IP:PORT"))?;
    let socket = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::STREAM,
        Some(socket2::Protocol::TCP),
    )?;
    socket
        .bind(&SocketAddr::new(source.into(), 0).into())
        .with_context(|| format!("cannot bind to {source}"))?;
    socket.connect(&dest.into())?;
    let tcp: TcpStream = socket.into();
    // As `tungstenite::connect` does.
    tcp.set_nodelay(true)?;
    let (socket, _) = tungstenite::client(url, MaybeTlsStream::Plain(tcp))
        .map_err(|e| anyhow::anyhow!("WebSocket handshake with {url}: {e}"))?;
    Ok(socket)
}

fn flush(
    socket: &mut WebSocket<MaybeTlsStream<TcpStream>>,
    session: &mut ClientSession,
) -> anyhow::Result<()> {
    while let Some(bytes) = session.poll_transmit() {
        socket
            .send(Message::Binary(bytes.into()))
            .context("sending to the relay")?;
    }
    Ok(())
}
