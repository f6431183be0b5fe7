//! Relay load generator: `clients` real sync clients (crm-sync's `ClientSession` over a
//! WebSocket, one thread each) in groups of `group` sharing one document. Each client makes a
//! small Automerge change once a second and pushes it sealed, as the app does; every other
//! client of its group applies it. The delivery latency (push sent → change applied on another
//! client) is measured in this process, so all clocks are the same clock.
//!
//! The plaintext of each push is a 16-byte header (sender index `u32`, round `u32`, send time
//! in µs `u64`) followed by the Automerge change; the relay sees only the sealed envelope.

use std::net::TcpStream;
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
}

pub struct Summary {
    pub latencies_us: Vec<u64>,
    pub expected: u64,
    pub failed_clients: usize,
    pub sent: u64,
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
        let doc = format!("g{}", index / cfg.group);
        let plan = Plan {
            index,
            clients: cfg.clients,
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
    // Lines for the orchestrator (bench/compare/relay.mjs): it samples the relay's CPU between them.
    let sleep_until = |us: u64| {
        let now = shared.now_us();
        if us > now {
            std::thread::sleep(Duration::from_micros(us - now));
        }
    };
    sleep_until(start_us + cfg.warmup_s * 1_000_000);
    eprintln!("relay-load: measuring");
    sleep_until(start_us + (cfg.warmup_s + cfg.seconds) * 1_000_000);
    eprintln!("relay-load: stopped");
    let mut summary = Summary {
        latencies_us: Vec::new(),
        expected: 0,
        failed_clients: 0,
        sent: 0,
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
    Ok(summary)
}

struct Plan {
    index: usize,
    clients: usize,
    doc: String,
    /// Other clients in the group: how many should receive each change.
    peers: u64,
    warmup: u64,
    rounds: u64,
}

fn client(url: &str, plan: &Plan, shared: &Shared) -> anyhow::Result<Outcome> {
    let (mut socket, _) =
        tungstenite::connect(url).with_context(|| format!("cannot connect to {url}"))?;
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&(plan.index as u64 + 1).to_le_bytes());
    id[8..].copy_from_slice(&shared.epoch.elapsed().as_nanos().to_le_bytes()[..8]);
    let now_ms = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64)
    };
    let mut session = ClientSession::new(
        WORKSPACE.into(),
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
            start + round * 1_000_000 + (plan.index as u64 * 1_000_000 / plan.clients as u64)
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
