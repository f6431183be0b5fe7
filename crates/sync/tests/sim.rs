//! A deterministic simulation of a team syncing through one relay.
//!
//! 2–10 clients, each with a real `crm_core::Workspace` and a `ClientSession`, and one
//! `RelayCore<MemoryStore>` exchange frames over a simulated network: every frame is delayed
//! (in order within a connection, as WebSocket guarantees, but connections overtake each
//! other), connections drop, clients are cut off for a while, tabs reload from what they
//! persisted (after a spell of failed saves of the sync state, an outbox older than the
//! document: the mark saved with it says what to push again), the relay restarts, its storage fails for a while, and (as a faulty relay might)
//! it loses a `Deliver` now and then. The relay pages catch-ups in pages of a few entries and
//! bytes, each sent once the connection reports the last one through (when the client has
//! taken every frame before the report), drops a connection whose backlog grows too large, and
//! forgets the deduplication rows of clients idle for a few seconds (so resent pushes are
//! stored twice).
//! Clients create and rename contacts and now and then compact. Then the network heals and everything settles; every replica must be identical and
//! hold every change any client ever made.
//!
//! Everything random comes from a seeded xorshift, so a failure names its seed and replays
//! exactly: `SIM_SEED=17 cargo test -p crm-sync --test sim -- --nocapture`. `SIM_SEEDS=n` runs
//! seeds 0..n (default 6; a release build runs hundreds in minutes:
//! `SIM_SEEDS=400 cargo test --release -p crm-sync --test sim`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crm_core::{Command, Ctx, FieldValue, Id, Kind, Record, Timestamp, Workspace};
use crm_sync::relay::ConnId;
use crm_sync::{
    ClientSession, Connection, ErrorCode, Event, MemoryStore, RelayConfig, RelayCore, RelayOutput,
    RelayStore, SavedState, WorkspaceSecret,
};

const DOC: &str = "workspace";
/// The wire type byte of `Deliver`.
const DELIVER: u8 = 7;

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // xorshift must not start at 0; splitmix the seed so neighbouring seeds differ at once.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Self((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with probability `per_mille` / 1000.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        for chunk in out.chunks_mut(8) {
            let word = self.next().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        out
    }
}

enum Frame {
    Data(bytes::Bytes),
    /// The relay closed the connection after the frames before it.
    Close,
    /// The relay asked to hear when the frames before this are through.
    Report(u64),
}

struct Link {
    conn: ConnId,
    /// The transport is still opening until then.
    opens_at: i64,
    open: bool,
    up: VecDeque<(i64, Vec<u8>)>,
    down: VecDeque<(i64, Frame)>,
}

/// A connection the client has given up on but the relay has not noticed yet: what was in
/// flight towards the relay still arrives there, answers go nowhere.
struct Zombie {
    conn: ConnId,
    up: VecDeque<(i64, Vec<u8>)>,
}

struct Client {
    addr: String,
    session: ClientSession,
    ws: Workspace,
    /// What the app persisted: the saved state and beside it (in the same transaction) the
    /// document's mark, on each `Changed`; the document chunks on each local change and each
    /// applied remote change.
    saved: Vec<u8>,
    mark: Option<Vec<u8>>,
    /// Until then, saving the state fails (the chunks are still stored): a reload starts from
    /// an older outbox, and what left it must be found again through the mark.
    saves_fail_until: i64,
    chunks: Vec<Vec<u8>>,
    link: Option<Link>,
    partitioned_until: i64,
    /// Local changes pushed and not yet acknowledged, by client_seq (a push after a reload
    /// may carry several, or none that is not acknowledged already).
    pending: BTreeMap<u64, Vec<Change>>,
}

#[derive(Debug, Clone)]
struct Change {
    record: Id,
    hash: String,
}

#[derive(Debug, Default)]
struct Stats {
    changes: u64,
    acked: u64,
    applied: u64,
    reloads: u64,
    drops: u64,
    zombies: u64,
    partitions: u64,
    restarts: u64,
    compactions: u64,
    relay_closes: u64,
    lost_deliveries: u64,
    storage_outages: u64,
    internal_errors: u64,
    reports: u64,
    aborts: u64,
    forgotten: u64,
    lost_saves: u64,
    /// Reloads that found, beyond the saved mark, changes the restored outbox had lost.
    found_again: u64,
}

struct Sim {
    rng: Rng,
    now: i64,
    workspace: String,
    secret: WorkspaceSecret,
    relay: RelayCore<MemoryStore>,
    config: RelayConfig,
    clients: Vec<Client>,
    zombies: Vec<Zombie>,
    owner: BTreeMap<ConnId, usize>,
    next_conn: ConnId,
    acked: Vec<Change>,
    stats: Stats,
    /// The relay loses a `Deliver` now and then: not something WebSocket does, but a faulty
    /// relay might, and the client must notice the gap rather than skip it.
    lossy: bool,
    /// The relay's storage fails until then.
    outage_until: i64,
}

impl Sim {
    fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let workspace = Id::from_bytes(rng.bytes()).to_string();
        let secret = WorkspaceSecret::new(rng.bytes(), 0);
        let n = rng.range(2, 10) as usize;
        // Small pages, so catch-ups take many; a backlog limit some runs reach.
        let config = RelayConfig {
            page_size: rng.range(1, 4) as usize,
            page_bytes: rng.range(300, 3_000) as usize,
            max_backlog_bytes: rng.range(2_000, 40_000) as u64,
            report_every_bytes: rng.range(200, 2_000) as u64,
            // Short enough that clients cut off for a while are forgotten and resend.
            forget_clients_after_ms: rng.range(100, 3_000),
            forget_per_call: rng.range(1, 4) as usize,
            ..RelayConfig::default()
        };
        let mut sim = Sim {
            rng,
            now: 0,
            workspace,
            secret,
            relay: RelayCore::new(MemoryStore::new(), config.clone()),
            config,
            clients: Vec::new(),
            zombies: Vec::new(),
            owner: BTreeMap::new(),
            next_conn: 1,
            acked: Vec::new(),
            stats: Stats::default(),
            lossy: true,
            outage_until: 0,
        };
        for i in 0..n {
            let mut ws = Workspace::new(sim.rng.bytes());
            let chunks = vec![ws.save()];
            let mut session = ClientSession::new(
                sim.workspace.clone(),
                sim.secret.clone(),
                sim.rng.bytes(),
                SavedState::default(),
                0,
            );
            session.subscribe(DOC);
            sim.clients.push(Client {
                addr: format!("10.0.0.{i}"),
                saved: session.saved().to_bytes(),
                mark: None,
                session,
                ws,
                chunks,
                link: None,
                partitioned_until: 0,
                saves_fail_until: 0,
                pending: BTreeMap::new(),
            });
            sim.drain_session(i);
        }
        sim
    }

    /// How long a frame takes: mostly a few milliseconds, sometimes far longer.
    fn latency(&mut self) -> i64 {
        if self.rng.chance(50) {
            self.rng.range(50, 800)
        } else {
            self.rng.range(1, 25)
        }
    }

    fn drain_session(&mut self, i: usize) {
        while let Some(bytes) = self.clients[i].session.poll_transmit() {
            let delay = self.latency();
            let now = self.now;
            match &mut self.clients[i].link {
                Some(link) if link.open => {
                    let at = link.up.back().map_or(0, |(t, _)| *t).max(now + delay);
                    link.up.push_back((at, bytes));
                }
                _ => panic!("client {i} transmitted without an open connection"),
            }
        }
        while let Some(event) = self.clients[i].session.poll_event() {
            let c = &mut self.clients[i];
            match event {
                Event::Apply { doc, data } => {
                    assert_eq!(doc, DOC);
                    c.ws.load_incremental(&data)
                        .expect("a delivered change loads");
                    let chunk = c.ws.save_incremental();
                    if !chunk.is_empty() {
                        c.chunks.push(chunk);
                    }
                    self.stats.applied += 1;
                }
                Event::Acked { doc, client_seq } => {
                    assert_eq!(doc, DOC);
                    let changes = c
                        .pending
                        .remove(&client_seq)
                        .unwrap_or_else(|| panic!("client {i}: Ack for unknown {client_seq}"));
                    self.acked.extend(changes);
                    self.stats.acked += 1;
                }
                Event::Changed => {
                    if self.now < c.saves_fail_until {
                        self.stats.lost_saves += 1;
                    } else {
                        c.saved = c.session.saved().to_bytes();
                        // As the app does: every change this client holds has been pushed or
                        // came from the relay by now.
                        c.mark = Some(c.ws.mark());
                    }
                }
                Event::Rejected { doc, reason } => panic!("client {i}: {doc} rejected: {reason}"),
                // What a storage outage looks like to a client: the connection ends.
                Event::RelayError {
                    code: ErrorCode::Internal,
                    fatal: true,
                    ..
                } if self.outage_until > 0 => self.stats.internal_errors += 1,
                Event::RelayError {
                    code,
                    message,
                    fatal,
                } => panic!("client {i}: relay error {code:?} (fatal {fatal}): {message}"),
                Event::Signal { .. } | Event::Peers { .. } | Event::Repush { .. } => {}
            }
        }
    }

    fn drain_relay(&mut self) {
        while let Some(output) = self.relay.poll_output() {
            let (conn, frame) = match output {
                RelayOutput::Send { conn, bytes } => (conn, Frame::Data(bytes)),
                RelayOutput::Close { conn, .. } => {
                    self.stats.relay_closes += 1;
                    (conn, Frame::Close)
                }
                RelayOutput::ReportDrained { conn, mark } => (conn, Frame::Report(mark)),
                // Whatever was still on its way to the client is dropped with the connection.
                RelayOutput::Abort { conn, .. } => {
                    self.stats.aborts += 1;
                    if let Some(i) = self.owner.remove(&conn) {
                        self.clients[i].link = None;
                        self.relay.disconnect(conn);
                        let jitter = self.rng.next();
                        self.clients[i].session.disconnected(self.now, jitter);
                        self.drain_session(i);
                    }
                    continue;
                }
            };
            let Some(&i) = self.owner.get(&conn) else {
                continue;
            };
            if self.lossy
                && matches!(&frame, Frame::Data(b) if b.get(1) == Some(&DELIVER))
                && self.rng.chance(5)
            {
                self.stats.lost_deliveries += 1;
                continue;
            }
            let delay = self.latency();
            let now = self.now;
            if let Some(link) = &mut self.clients[i].link {
                let at = link.down.back().map_or(0, |(t, _)| *t).max(now + delay);
                link.down.push_back((at, frame));
            }
        }
    }

    fn local_change(&mut self, i: usize) {
        let now = self.now;
        let rename = self.rng.chance(400);
        let name = format!("n{}", self.rng.below(1_000_000));
        let c = &mut self.clients[i];
        let live: Vec<Id> = c.ws.live(Kind::Contact).map(|r| r.id).collect();
        let (record, cmd) = match live.get(self.rng.below(live.len() as u64) as usize) {
            Some(&id) if rename => (
                id,
                Command::Update {
                    kind: Kind::Contact,
                    id,
                    fields: vec![("name".into(), Some(FieldValue::text(&name)))],
                },
            ),
            _ => {
                let id = Id::from_bytes(self.rng.bytes());
                (
                    id,
                    Command::Create {
                        kind: Kind::Contact,
                        id,
                        fields: vec![("name".into(), FieldValue::text(&name))],
                        custom: vec![],
                    },
                )
            }
        };
        let c = &mut self.clients[i];
        let before = c.ws.heads();
        c.ws.apply(
            cmd,
            &Ctx {
                now: Timestamp(now),
                by: None,
            },
        )
        .expect("the command applies");
        let heads = c.ws.heads();
        if heads == before {
            // A rename to the name the record already has writes nothing.
            return;
        }
        assert_eq!(heads.len(), 1, "a local change is the only head");
        let hash = heads[0].to_string();
        let chunk = c.ws.save_incremental();
        c.chunks.push(chunk.clone());
        self.push(i, &chunk, vec![Change { record, hash }]);
        self.stats.changes += 1;
        self.drain_session(i);
    }

    /// Pushes `data` from client `i`, waiting for the `Ack` that confirms `changes`.
    fn push(&mut self, i: usize, data: &[u8], changes: Vec<Change>) {
        let nonce = self.rng.bytes();
        let c = &mut self.clients[i];
        c.session.push(DOC, data, nonce);
        let client_seq = c
            .session
            .saved()
            .outbox()
            .last()
            .expect("the push is in the outbox")
            .client_seq;
        c.pending.insert(client_seq, changes);
    }

    fn compact(&mut self, i: usize) {
        if !self.clients[i].session.can_compact(DOC) {
            return;
        }
        let nonce = self.rng.bytes();
        let c = &mut self.clients[i];
        let snapshot = c.ws.save();
        c.session.compact(DOC, &snapshot, nonce);
        c.chunks = vec![snapshot];
        self.stats.compactions += 1;
        self.drain_session(i);
    }

    /// The client's transport fails; the relay may go on receiving what was in flight.
    fn drop_link(&mut self, i: usize) {
        let Some(link) = self.clients[i].link.take() else {
            return;
        };
        self.owner.remove(&link.conn);
        if link.open {
            if !link.up.is_empty() && self.rng.chance(500) {
                self.zombies.push(Zombie {
                    conn: link.conn,
                    up: link.up,
                });
                self.stats.zombies += 1;
            } else {
                self.relay.disconnect(link.conn);
            }
        }
        let jitter = self.rng.next();
        self.clients[i].session.disconnected(self.now, jitter);
        self.stats.drops += 1;
        self.drain_session(i);
    }

    /// The tab reloads: everything in memory is gone but what the app persisted.
    fn reload(&mut self, i: usize) {
        if let Some(link) = self.clients[i].link.take() {
            self.owner.remove(&link.conn);
            if link.open {
                self.relay.disconnect(link.conn);
            }
        }
        let actor = self.rng.bytes();
        let client_id = self.rng.bytes();
        let c = &mut self.clients[i];
        let bytes: Vec<u8> = c.chunks.concat();
        c.ws = Workspace::load(&bytes, actor).expect("the persisted document loads");
        c.chunks = vec![c.ws.save()];
        let saved = SavedState::from_bytes(&c.saved).expect("the persisted state reads");
        // A state saved before the last saves failed restores an older outbox: entries acked
        // since come back (and are acknowledged again), entries pushed since are gone.
        let restored: BTreeSet<u64> = saved.outbox().iter().map(|e| e.client_seq).collect();
        let mut lost = Vec::new();
        for (seq, changes) in std::mem::take(&mut c.pending) {
            if restored.contains(&seq) {
                c.pending.insert(seq, changes);
            } else {
                lost.extend(changes);
            }
        }
        for seq in restored {
            c.pending.entry(seq).or_default();
        }
        let unsent = c.ws.changes_since_mark(c.mark.as_deref());
        c.session = ClientSession::new(
            self.workspace.clone(),
            self.secret.clone(),
            client_id,
            saved,
            self.now,
        );
        // As the app does on every start: what lies beyond the mark goes out again.
        assert!(
            lost.is_empty() || !unsent.is_empty(),
            "changes {lost:?} left the outbox and lie under the saved mark"
        );
        if !unsent.is_empty() {
            if !lost.is_empty() {
                self.stats.found_again += 1;
            }
            self.push(i, &unsent, lost);
        }
        self.stats.reloads += 1;
    }

    fn restart_relay(&mut self) {
        for i in 0..self.clients.len() {
            if let Some(link) = self.clients[i].link.take() {
                self.owner.remove(&link.conn);
                let jitter = self.rng.next();
                self.clients[i].session.disconnected(self.now, jitter);
                self.drain_session(i);
            }
        }
        self.zombies.clear();
        let store = self.relay.store().clone();
        self.relay = RelayCore::new(store, self.config.clone());
        self.stats.restarts += 1;
    }

    fn step(&mut self, chaos: bool) {
        self.now += self.rng.range(1, 10);
        let n = self.clients.len();
        if chaos {
            for i in 0..n {
                if self.rng.chance(15) {
                    self.local_change(i);
                }
                if self.rng.chance(2) {
                    self.compact(i);
                }
                if self.rng.chance(2) {
                    self.drop_link(i);
                }
                if self.rng.chance(1) {
                    self.clients[i].partitioned_until = self.now + self.rng.range(100, 8_000);
                    self.stats.partitions += 1;
                    self.drop_link(i);
                }
                if self.rng.chance(2) {
                    self.clients[i].saves_fail_until = self.now + self.rng.range(50, 3_000);
                }
                if self.rng.chance(1) {
                    self.reload(i);
                }
            }
            if self.rng.chance(1) {
                self.restart_relay();
            }
            if self.rng.chance(1) {
                self.outage_until = self.now + self.rng.range(10, 500);
                self.relay.store_mut().set_failing(true);
                self.stats.storage_outages += 1;
            }
        }
        if self.outage_until > 0 && self.now >= self.outage_until {
            self.relay.store_mut().set_failing(false);
        }
        self.open_links();
        self.deliver();
        // A failing store fails this too; the relay tries again later.
        if let Ok(done) = self.relay.maintain(self.now) {
            self.stats.forgotten += done.forgotten as u64;
        }
    }

    fn open_links(&mut self) {
        for i in 0..self.clients.len() {
            let now = self.now;
            let c = &mut self.clients[i];
            match &mut c.link {
                None => {
                    if c.session.reconnect_at().is_some_and(|t| t <= now) {
                        c.session.connecting(now);
                        if now < c.partitioned_until {
                            let jitter = self.rng.next();
                            self.clients[i].session.disconnected(now, jitter);
                        } else {
                            let opens_at = now + self.rng.range(1, 40);
                            let conn = self.next_conn;
                            self.next_conn += 1;
                            self.owner.insert(conn, i);
                            self.clients[i].link = Some(Link {
                                conn,
                                opens_at,
                                open: false,
                                up: VecDeque::new(),
                                down: VecDeque::new(),
                            });
                        }
                        self.drain_session(i);
                    }
                }
                Some(link) if !link.open && link.opens_at <= now => {
                    link.open = true;
                    let conn = link.conn;
                    self.relay.connect(conn, &c.addr, now);
                    c.session.connected(now);
                    self.drain_session(i);
                }
                Some(_) => {}
            }
        }
    }

    /// Everything due arrives; connections take turns in a random order.
    fn deliver(&mut self) {
        let now = self.now;
        let mut order: Vec<usize> = (0..self.clients.len()).collect();
        for k in (1..order.len()).rev() {
            order.swap(k, self.rng.below(k as u64 + 1) as usize);
        }
        for i in order {
            if self.rng.chance(500) {
                self.deliver_up(i, now);
                self.deliver_down(i, now);
            } else {
                self.deliver_down(i, now);
                self.deliver_up(i, now);
            }
        }
        for z in &mut self.zombies {
            while z.up.front().is_some_and(|(t, _)| *t <= now) {
                if let Some((_, bytes)) = z.up.pop_front() {
                    self.relay.receive(z.conn, &bytes, now);
                }
            }
        }
        let (done, alive): (Vec<Zombie>, Vec<Zombie>) =
            self.zombies.drain(..).partition(|z| z.up.is_empty());
        self.zombies = alive;
        for z in done {
            self.relay.disconnect(z.conn);
        }
        self.drain_relay();
    }

    fn deliver_up(&mut self, i: usize, now: i64) {
        loop {
            let Some(link) = &mut self.clients[i].link else {
                return;
            };
            if link.up.front().is_none_or(|(t, _)| *t > now) {
                return;
            }
            let Some((_, bytes)) = link.up.pop_front() else {
                return;
            };
            let conn = link.conn;
            self.relay.receive(conn, &bytes, now);
            self.drain_relay();
        }
    }

    fn deliver_down(&mut self, i: usize, now: i64) {
        loop {
            let Some(link) = &mut self.clients[i].link else {
                return;
            };
            if link.down.front().is_none_or(|(t, _)| *t > now) {
                return;
            }
            let Some((_, frame)) = link.down.pop_front() else {
                return;
            };
            match frame {
                Frame::Data(bytes) => self.clients[i].session.received(&bytes, now),
                Frame::Close => {
                    let conn = link.conn;
                    self.clients[i].link = None;
                    self.owner.remove(&conn);
                    self.relay.disconnect(conn);
                    let jitter = self.rng.next();
                    self.clients[i].session.disconnected(now, jitter);
                }
                Frame::Report(mark) => {
                    let conn = link.conn;
                    self.stats.reports += 1;
                    self.relay.drained(conn, mark);
                    self.drain_relay();
                }
            }
            self.drain_session(i);
        }
    }

    fn settled(&self) -> bool {
        self.zombies.is_empty()
            && self.clients.iter().all(|c| {
                c.session.status().connection == Connection::Synced
                    && c.link
                        .as_ref()
                        .is_some_and(|l| l.up.is_empty() && l.down.is_empty())
            })
    }
}

/// Runs one seed: `chaos_ms` of faults, then healing. Returns what happened and the final heads.
fn run(seed: u64, chaos_ms: i64) -> (Stats, Vec<String>) {
    let mut sim = Sim::new(seed);
    while sim.now < chaos_ms {
        sim.step(true);
    }
    // Healing: partitions end, the relay stops losing frames, and every client reconnects
    // (a client whose last lost Deliver was followed by nothing cannot know it missed it).
    sim.lossy = false;
    sim.outage_until = sim.outage_until.min(sim.now);
    for i in 0..sim.clients.len() {
        sim.clients[i].partitioned_until = 0;
        sim.drop_link(i);
    }
    // The longest backoff is a minute; give it several.
    let deadline = sim.now + 10 * 60_000;
    while !sim.settled() {
        assert!(
            sim.now < deadline,
            "seed {seed}: not settled; statuses {:?}",
            sim.clients
                .iter()
                .map(|c| c.session.status())
                .collect::<Vec<_>>()
        );
        sim.step(false);
    }
    let heads = check(seed, &mut sim);
    (sim.stats, heads)
}

/// Asserts convergence and returns the common heads.
fn check(seed: u64, sim: &mut Sim) -> Vec<String> {
    let end = sim
        .relay
        .store()
        .last_seq(&sim.workspace, DOC)
        .expect("the memory store reads");
    let mut heads = Vec::new();
    let mut records: Vec<Vec<Record>> = Vec::new();
    for (i, c) in sim.clients.iter_mut().enumerate() {
        assert!(
            c.pending.is_empty(),
            "seed {seed}: client {i} has changes never acknowledged: {:?}",
            c.pending
        );
        assert_eq!(
            c.session.cursor(DOC),
            end,
            "seed {seed}: client {i}'s cursor"
        );
        let mut h: Vec<String> = c.ws.heads().iter().map(ToString::to_string).collect();
        h.sort();
        heads.push(h);
        records.push(c.ws.records(Kind::Contact).cloned().collect());
    }
    for i in 1..sim.clients.len() {
        assert_eq!(heads[i], heads[0], "seed {seed}: heads of client {i} and 0");
        assert_eq!(
            records[i], records[0],
            "seed {seed}: records of client {i} and 0"
        );
    }
    // Equal heads mean equal histories, so one replica shows every change is everywhere.
    let mut by_record: BTreeMap<Id, BTreeSet<String>> = BTreeMap::new();
    for change in &sim.acked {
        by_record
            .entry(change.record)
            .or_default()
            .insert(change.hash.clone());
    }
    let ws = &mut sim.clients[0].ws;
    for (record, hashes) in by_record {
        assert!(ws.get(Kind::Contact, record).is_some(), "seed {seed}");
        let history: BTreeSet<String> = ws
            .history(Kind::Contact, record)
            .iter()
            .map(|e| e.hash.to_string())
            .collect();
        for hash in hashes {
            assert!(
                history.contains(&hash),
                "seed {seed}: acknowledged change {hash} of {record} is missing"
            );
        }
    }
    heads.swap_remove(0)
}

fn seeds() -> Vec<u64> {
    if let Ok(seed) = std::env::var("SIM_SEED") {
        return vec![seed.parse().expect("SIM_SEED is a number")];
    }
    let n = std::env::var("SIM_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(6);
    (0..n).collect()
}

#[test]
fn replicas_converge_under_delays_drops_reloads_and_restarts() {
    let mut total = Stats::default();
    for seed in seeds() {
        let (s, _) = run(seed, 20_000);
        total.changes += s.changes;
        total.acked += s.acked;
        total.applied += s.applied;
        total.reloads += s.reloads;
        total.drops += s.drops;
        total.zombies += s.zombies;
        total.partitions += s.partitions;
        total.restarts += s.restarts;
        total.compactions += s.compactions;
        total.relay_closes += s.relay_closes;
        total.lost_deliveries += s.lost_deliveries;
        total.storage_outages += s.storage_outages;
        total.internal_errors += s.internal_errors;
        total.reports += s.reports;
        total.aborts += s.aborts;
        total.forgotten += s.forgotten;
        total.lost_saves += s.lost_saves;
        total.found_again += s.found_again;
    }
    println!("{total:?}");
    // The faults the simulation is about did happen.
    assert!(total.acked > 0 && total.applied > 0);
    assert!(total.reloads > 0 && total.drops > 0 && total.zombies > 0);
    assert!(total.restarts > 0 && total.compactions > 0 && total.partitions > 0);
    assert!(total.lost_deliveries > 0 && total.internal_errors > 0);
    assert!(total.reports > 0 && total.aborts > 0 && total.forgotten > 0);
    assert!(total.lost_saves > 0 && total.found_again > 0);
}

#[test]
fn the_same_seed_replays_the_same_run() {
    let (a, heads_a) = run(3, 5_000);
    let (b, heads_b) = run(3, 5_000);
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(heads_a, heads_b);
}
