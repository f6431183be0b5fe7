//! The relay's logic without IO.
//!
//! The relay admits clients to workspaces, appends their envelopes to per-document logs, answers
//! subscriptions with a catch-up and then live deliveries, stores client-made snapshots and
//! forwards signaling between peers. It never sees a key or a plaintext. The IO layer (crates/relay)
//! owns the sockets and a [`RelayStore`]; it feeds [`RelayCore`] connection events with the time and
//! performs what [`RelayCore::poll_output`] returns, in order: frames to send, connections to
//! close, and requests to report back ([`RelayCore::drained`]) once a connection's frames so far
//! have been written, which is what paces catch-ups and bounds what each connection holds. It
//! also calls [`RelayCore::maintain`] at least once a second.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use bytes::Bytes;

use crate::keys::TokenHash;
use crate::wire::{self, ClientId, Direction, ErrorCode, Limits, Message, WireError};

/// A connection's number, chosen by the IO layer; unique among open connections.
pub type ConnId = u64;

/// Writes the named [`RelayStore`] methods of a wrapper, each handing its arguments to the
/// same method of the field given (`delegate_relay_store!(inner: snapshot, compact)`): test
/// stores change one or two methods of a real store and pass the rest through.
#[doc(hidden)]
#[macro_export]
macro_rules! delegate_relay_store {
    ($field:tt: $($method:ident),+ $(,)?) => {
        $($crate::delegate_relay_store!(@one $field $method);)+
    };
    (@one $f:tt workspace_token) => {
        fn workspace_token(
            &self,
            workspace: &str,
        ) -> ::std::result::Result<::std::option::Option<$crate::TokenHash>, Self::Error> {
            self.$f.workspace_token(workspace)
        }
    };
    (@one $f:tt create_workspace) => {
        fn create_workspace(
            &mut self,
            workspace: &str,
            token: &$crate::TokenHash,
            now_ms: i64,
        ) -> ::std::result::Result<(), Self::Error> {
            self.$f.create_workspace(workspace, token, now_ms)
        }
    };
    (@one $f:tt replace_token) => {
        fn replace_token(
            &mut self,
            workspace: &str,
            token: &$crate::TokenHash,
            now_ms: i64,
        ) -> ::std::result::Result<(), Self::Error> {
            self.$f.replace_token(workspace, token, now_ms)
        }
    };
    (@one $f:tt append) => {
        fn append(
            &mut self,
            workspace: &str,
            doc: &str,
            client: &$crate::ClientId,
            client_seq: u64,
            envelope: &[u8],
            now_ms: i64,
        ) -> ::std::result::Result<u64, Self::Error> {
            self.$f.append(workspace, doc, client, client_seq, envelope, now_ms)
        }
    };
    (@one $f:tt forget_idle_clients) => {
        fn forget_idle_clients(
            &mut self,
            before_ms: i64,
            now_ms: i64,
            max: usize,
            connected: &dyn Fn(&str, &$crate::ClientId) -> bool,
        ) -> ::std::result::Result<$crate::relay::IdleClients, Self::Error> {
            self.$f.forget_idle_clients(before_ms, now_ms, max, connected)
        }
    };
    (@one $f:tt read_after) => {
        fn read_after(
            &self,
            workspace: &str,
            doc: &str,
            after: u64,
            limit: usize,
            max_bytes: usize,
        ) -> ::std::result::Result<::std::vec::Vec<(u64, ::std::vec::Vec<u8>)>, Self::Error> {
            self.$f.read_after(workspace, doc, after, limit, max_bytes)
        }
    };
    (@one $f:tt snapshot) => {
        fn snapshot(
            &self,
            workspace: &str,
            doc: &str,
        ) -> ::std::result::Result<::std::option::Option<(u64, ::std::vec::Vec<u8>)>, Self::Error>
        {
            self.$f.snapshot(workspace, doc)
        }
    };
    (@one $f:tt compact) => {
        fn compact(
            &mut self,
            workspace: &str,
            doc: &str,
            upto: u64,
            envelope: &[u8],
        ) -> ::std::result::Result<(), Self::Error> {
            self.$f.compact(workspace, doc, upto, envelope)
        }
    };
    (@one $f:tt last_seq) => {
        fn last_seq(&self, workspace: &str, doc: &str) -> ::std::result::Result<u64, Self::Error> {
            self.$f.last_seq(workspace, doc)
        }
    };
}

/// Durable storage of one relay. Every method that returns Ok has made its effect durable,
/// or the IO layer holds back every output queued after it until it has (a store may group
/// the writes of messages that arrive together into one commit): nothing is acknowledged
/// before it is on disk.
pub trait RelayStore {
    type Error: std::error::Error + 'static;
    /// The access-token hash a workspace was created with, None if unknown.
    fn workspace_token(&self, workspace: &str) -> Result<Option<TokenHash>, Self::Error>;
    fn create_workspace(
        &mut self,
        workspace: &str,
        token: &TokenHash,
        now_ms: i64,
    ) -> Result<(), Self::Error>;
    /// Appends an envelope to the document's log and returns its server sequence number
    /// (1, 2, 3... per workspace+doc, never reused, also not after compaction). Idempotent per
    /// client: if `client_seq` is not greater than the last one stored for this client and
    /// doc, nothing is appended and the server_seq of that last one is returned. An append
    /// marks that client's row as used at `now_ms` (see [`RelayStore::forget_idle_clients`]).
    fn append(
        &mut self,
        workspace: &str,
        doc: &str,
        client: &ClientId,
        client_seq: u64,
        envelope: &[u8],
        now_ms: i64,
    ) -> Result<u64, Self::Error>;

    /// Looks at up to `max` of the per-client rows `append` deduplicates with that were last
    /// used before `before_ms`, oldest first: forgets each, unless `connected` says its
    /// client is connected to the workspace, in which case it counts as used at `now_ms`.
    fn forget_idle_clients(
        &mut self,
        before_ms: i64,
        now_ms: i64,
        max: usize,
        connected: &dyn Fn(&str, &ClientId) -> bool,
    ) -> Result<IdleClients, Self::Error>;
    /// Log entries with server_seq > after, in order: at most `limit`, and none after the one
    /// that brings their envelopes to `max_bytes` or more (so a first entry larger than
    /// `max_bytes` still comes, alone).
    fn read_after(
        &self,
        workspace: &str,
        doc: &str,
        after: u64,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Vec<(u64, Vec<u8>)>, Self::Error>;
    /// The latest compacted snapshot: (upto_seq, envelope).
    fn snapshot(&self, workspace: &str, doc: &str) -> Result<Option<(u64, Vec<u8>)>, Self::Error>;

    /// Replaces an existing workspace's token hash (the secret was rotated), durably before
    /// returning.
    fn replace_token(
        &mut self,
        workspace: &str,
        token: &TokenHash,
        now_ms: i64,
    ) -> Result<(), Self::Error>;
    /// Atomically stores the snapshot and drops log entries with server_seq <= upto. Ignored
    /// (Ok) if a snapshot with a higher upto already exists; refused if upto > the last seq.
    fn compact(
        &mut self,
        workspace: &str,
        doc: &str,
        upto: u64,
        envelope: &[u8],
    ) -> Result<(), Self::Error>;

    /// The highest server_seq ever assigned in the document, 0 if none: the end of its log,
    /// compacted or not.
    ///
    /// The relay needs the log's end to tell a new entry (to be delivered) from an idempotent
    /// repeat (not to be), and to answer `Subscribe` and `Compact`. It asks once per document
    /// while the workspace has connections and then counts its own appends, being the store's
    /// only writer. This default reads the whole log, so a store should still override it
    /// with the counter `append` keeps anyway.
    fn last_seq(&self, workspace: &str, doc: &str) -> Result<u64, Self::Error> {
        const PAGE: usize = 256;
        let mut end = self.snapshot(workspace, doc)?.map_or(0, |(upto, _)| upto);
        loop {
            let page = self.read_after(workspace, doc, end, PAGE, usize::MAX)?;
            match page.last() {
                Some((seq, _)) if *seq > end => end = *seq,
                _ => return Ok(end),
            }
            if page.len() < PAGE {
                return Ok(end);
            }
        }
    }
}

/// What one look for idle clients' deduplication rows did
/// ([`RelayStore::forget_idle_clients`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IdleClients {
    /// Rows dropped: their clients' next pushes are stored as new.
    pub forgotten: usize,
    /// Rows of connected clients, kept and counted as used now.
    pub renewed: usize,
}

impl IdleClients {
    /// Rows looked at.
    pub fn looked(&self) -> usize {
        self.forgotten.saturating_add(self.renewed)
    }
}

/// What a relay accepts. `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayConfig {
    /// How much one message may hold.
    pub limits: Limits,
    /// Workspaces one client address may create within any hour (0: none).
    pub new_workspaces_per_addr_per_hour: u32,
    /// Messages one connection may send per second on average; up to one second's worth may
    /// come in a burst.
    pub max_messages_per_second: u32,
    /// Log entries in one page of a catch-up (the answer to a `Subscribe`).
    pub page_size: usize,
    /// Envelope bytes in one page of a catch-up: a page ends with the entry that reaches it.
    /// The next page goes out only once the IO layer reports the previous one sent, so this
    /// plus one entry (which may be a snapshot of up to `limits.max_envelope`) is what a
    /// catching-up connection holds in the relay's memory (a large entry or snapshot is
    /// shared with the other connections catching up on it at the time).
    pub page_bytes: usize,
    /// Bytes of other frames (acknowledgements, live deliveries, ...) a connection may have
    /// queued and not yet reported sent; beyond it the client is not reading and the
    /// connection is dropped ([`RelayOutput::Abort`]). It is checked before a frame is
    /// queued, so one frame of any size beyond it is still held.
    pub max_backlog_bytes: u64,
    /// After this many bytes of such frames the relay asks for a report, so the backlog it
    /// counts is never much above what is really queued.
    pub report_every_bytes: u64,
    /// A client's deduplication row (its last `client_seq` per document) is forgotten once
    /// unused this long while the client is not connected. Client ids come and go (a new one
    /// per session), so without this the rows only grow; forgetting one only risks a late
    /// resend being stored twice, which clients ignore (PROTOCOL.md).
    pub forget_clients_after_ms: i64,
    /// Rows [`RelayCore::maintain`] looks at per call, so forgetting never stalls the relay.
    pub forget_per_call: usize,
    /// Documents one connection may subscribe to, live or catching up. Each is remembered
    /// until the connection ends, and catch-ups wait their turn behind a page the client may
    /// never read, so without a cap a client could make the relay remember any number.
    pub max_docs_per_connection: usize,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            new_workspaces_per_addr_per_hour: 10,
            max_messages_per_second: 200,
            page_size: 256,
            page_bytes: 256 * 1024,
            max_backlog_bytes: 8 * 1024 * 1024,
            report_every_bytes: 64 * 1024,
            forget_clients_after_ms: 30 * DAY_MS,
            forget_per_call: 64,
            max_docs_per_connection: 256,
        }
    }
}

/// What the IO layer is to do, in the order returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelayOutput {
    /// Send `bytes` as one binary frame. A frame for several connections (a live `Deliver`)
    /// is one buffer they all share.
    Send { conn: ConnId, bytes: Bytes },
    /// Close the connection once the frames before this are sent. `reason` is for the relay's
    /// log (it may name storage failures); the client got its own sentence in an `Error`.
    Close { conn: ConnId, reason: String },
    /// Close the connection now, dropping the frames still queued for it: the client stopped
    /// reading, and waiting for them to go out would hold them in memory for good.
    Abort { conn: ConnId, reason: String },
    /// Call [`RelayCore::drained`] with `conn` and `mark` once every frame queued for `conn`
    /// before this has been written to the transport. Until then the relay sends that
    /// connection no further page of a catch-up.
    ReportDrained { conn: ConnId, mark: u64 },
}

impl RelayOutput {
    pub fn conn(&self) -> ConnId {
        match self {
            RelayOutput::Send { conn, .. }
            | RelayOutput::Close { conn, .. }
            | RelayOutput::Abort { conn, .. }
            | RelayOutput::ReportDrained { conn, .. } => *conn,
        }
    }
}

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// How long [`RelayCore::maintain`] waits after finding nothing more to forget.
const MAINTAIN_EVERY_MS: i64 = 60_000;
/// Catch-up frames of entries and snapshots this large are shared between connections
/// ([`RelayCore::catch_up_frame`]); smaller ones are not worth the bookkeeping.
const SHARE_FRAMES_FROM: usize = 64 * 1024;
/// A workspace's clients get `Peers` at most this often (a newcomer gets its own at once).
const PEERS_EVERY_MS: i64 = 1_000;

/// Whether a workspace last sent `Peers` at `last` may be sent them again at `now`. A time
/// before `last` means the clock stepped back: waiting for it to pass `last` again could hold
/// the lists back for as long as the clock was ahead.
fn peers_due(last: i64, now: i64) -> bool {
    now < last || now.saturating_sub(last) >= PEERS_EVERY_MS
}

/// The sentence for a wrong token. The same whatever the reason, so a stranger learns nothing
/// about the workspace from it.
const UNAUTHORIZED: &str = "the access token does not admit to this workspace (if a member changed its secret, ask a colleague for a new invite link)";
/// What a connection of a workspace whose secret was just rotated is told.
const ROTATED: &str =
    "the workspace's secret was changed by a member; ask a colleague for a new invite link";
const STORAGE_FAILED: &str = "the relay could not read or write its storage; try again later";

/// The relay: every connection's state, the subscriptions, and what is to be sent.
pub struct RelayCore<S: RelayStore> {
    store: S,
    config: RelayConfig,
    conns: BTreeMap<ConnId, Conn>,
    /// Who receives live `Deliver`s of a (workspace, doc). Ordered maps and sets throughout,
    /// so the output order never depends on hashing and simulations replay exactly.
    subscribers: BTreeMap<(String, String), BTreeSet<ConnId>>,
    /// The newest connection that said `Hello` as a client, for routing `Signal`s.
    clients: BTreeMap<(String, ClientId), ConnId>,
    /// When each address created workspaces within the last hour.
    creations: BTreeMap<String, VecDeque<i64>>,
    /// The log's end per (workspace, doc), for workspaces with connections: read from the store
    /// once, then advanced by this relay's own appends.
    ends: BTreeMap<(String, String), u64>,
    /// Welcomed connections per workspace, to forget `ends` of workspaces nobody uses.
    workspace_conns: BTreeMap<String, usize>,
    /// Connections found not reading (their backlog went over the limit), to be aborted once
    /// the current input is handled: aborting one announces the peers again, which may find
    /// the next.
    slow: Vec<ConnId>,
    /// The last report mark handed out.
    next_mark: u64,
    /// When [`RelayCore::maintain`] is to look for idle clients again.
    maintain_at: i64,
    /// Per workspace with clients: when they were all last sent `Peers`, and whether a
    /// change since then waits to be announced.
    peers_sent: BTreeMap<String, (i64, bool)>,
    /// Encoded frames of large catch-up entries and snapshots, shared by every connection
    /// sending them while any still does: (workspace, doc, server_seq or upto_seq, whether
    /// a snapshot) → frame.
    shared_frames: BTreeMap<(String, String, u64, bool), Bytes>,
    /// The time the latest input carried, for inputs that carry none (`disconnect`). Not the
    /// highest ever seen: after the clock steps back, every input then measures time alike.
    clock: i64,
    out: VecDeque<RelayOutput>,
}

struct Conn {
    addr: String,
    state: ConnState,
    bucket: TokenBucket,
    flow: Flow,
}

/// What the relay has queued for a connection and what the IO layer reported sent.
#[derive(Default)]
struct Flow {
    /// Bytes queued for the connection so far.
    queued: u64,
    /// `queued` at the last report: everything up to there has left the relay.
    drained: u64,
    /// A report was asked for, (its mark, `queued` then), and has not come back.
    asked: Option<(u64, u64)>,
    /// Catch-up bytes among those not reported sent. They are paced by the reports, so they
    /// do not count against `max_backlog_bytes` (a snapshot alone may be larger).
    paced: u64,
    /// Found not reading; nothing more is queued for it.
    slow: bool,
}

impl Flow {
    fn backlog(&self) -> u64 {
        self.queued
            .saturating_sub(self.drained)
            .saturating_sub(self.paced)
    }
}

/// One `Subscribe` being answered, page by page.
struct CatchUp {
    doc: String,
    /// The client has (or was sent) everything up to here.
    after: u64,
    /// The snapshot is to be looked at before the next entry: at the start, and when a
    /// compaction dropped entries the catch-up had not reached yet.
    check_snapshot: bool,
    /// `CaughtUp`s owed at the end: one per `Subscribe` of the document merged into this one.
    owed: u32,
}

enum ConnState {
    AwaitingHello,
    Ready {
        workspace: String,
        client: ClientId,
        /// Documents whose live `Deliver`s the connection gets.
        docs: BTreeSet<String>,
        /// Catch-ups in the order they were asked for; only the first advances. A document
        /// is in `docs` or here, never both.
        catchups: VecDeque<CatchUp>,
        /// The protocol version from the client's `Hello`.
        version: u8,
    },
    /// An `Error` and a `Close` were issued; whatever still arrives is ignored.
    Closed,
}

/// Allowance in thousandths of a message, so refilling `rate` messages per second is exact
/// integer arithmetic per millisecond.
struct TokenBucket {
    milli: u64,
    at_ms: i64,
}

impl TokenBucket {
    fn full(rate: u32, now_ms: i64) -> Self {
        Self {
            milli: u64::from(rate) * 1000,
            at_ms: now_ms,
        }
    }

    fn take(&mut self, rate: u32, now_ms: i64) -> bool {
        let cap = u64::from(rate) * 1000;
        // A clock that steps back refills nothing rather than wrapping around.
        let elapsed = u64::try_from(now_ms.saturating_sub(self.at_ms)).unwrap_or(0);
        self.milli = self
            .milli
            .saturating_add(elapsed.saturating_mul(u64::from(rate)))
            .min(cap);
        self.at_ms = self.at_ms.max(now_ms);
        if self.milli >= 1000 {
            self.milli -= 1000;
            true
        } else {
            false
        }
    }
}

/// Ends the handling of one message early: the connection was answered with an `Error` (and
/// closed unless the code is `PeerUnavailable`).
struct Refused;

impl<S: RelayStore> RelayCore<S> {
    pub fn new(store: S, config: RelayConfig) -> Self {
        Self {
            store,
            config,
            conns: BTreeMap::new(),
            subscribers: BTreeMap::new(),
            clients: BTreeMap::new(),
            creations: BTreeMap::new(),
            ends: BTreeMap::new(),
            workspace_conns: BTreeMap::new(),
            slow: Vec::new(),
            next_mark: 0,
            maintain_at: i64::MIN,
            peers_sent: BTreeMap::new(),
            clock: i64::MIN,
            shared_frames: BTreeMap::new(),
            out: VecDeque::new(),
        }
    }

    /// The core over the same store, as if just started: every connection forgotten (the IO
    /// layer closes them) and what was counted read again from the store. Only the time of
    /// the next look for idle clients is kept: a store that just failed at it would otherwise
    /// be asked again at once, after every restart.
    pub fn restart(self) -> Self {
        let maintain_at = self.maintain_at;
        let mut core = Self::new(self.store, self.config);
        core.maintain_at = maintain_at;
        core
    }

    pub fn config(&self) -> &RelayConfig {
        &self.config
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    pub fn into_store(self) -> S {
        self.store
    }

    /// A transport opened from `addr` (the client's address, which workspace creation is
    /// counted against). A `conn` already in use is first disconnected.
    pub fn connect(&mut self, conn: ConnId, addr: &str, now_ms: i64) {
        self.clock = now_ms;
        if self.conns.contains_key(&conn) {
            self.disconnect(conn);
        }
        self.conns.insert(
            conn,
            Conn {
                addr: addr.to_owned(),
                state: ConnState::AwaitingHello,
                bucket: TokenBucket::full(self.config.max_messages_per_second, now_ms),
                flow: Flow::default(),
            },
        );
    }

    /// The transport closed. Outputs still queued for it are dropped.
    pub fn disconnect(&mut self, conn: ConnId) {
        self.unregister(conn);
        self.conns.remove(&conn);
        self.out.retain(|o| o.conn() != conn);
        self.abort_slow();
    }

    /// Housekeeping, to be called at least once a second (the IO layer calls it after every
    /// batch and on a timer): lets go of shared catch-up frames no queue holds any more, sends
    /// the `Peers` lists held back (see `peers_changed`), and
    /// forgets at most `forget_per_call` deduplication rows of clients idle longer than
    /// `forget_clients_after_ms` and not connected. Between calls that find nothing more to
    /// forget, or fail, it waits a minute. Returns what it forgot; a store error is for the
    /// relay's log (no connection is to blame).
    ///
    /// Its writes belong in a transaction of their own, not in one with clients' messages: a
    /// store that cannot forget would otherwise fail their commit too, and no push would be
    /// acknowledged any more.
    pub fn maintain(&mut self, now_ms: i64) -> Result<IdleClients, S::Error> {
        self.clock = now_ms;
        // Only the map still holds these: every queue they went to has let go of them.
        self.shared_frames.retain(|_, frame| !frame.is_unique());
        let due: Vec<String> = self
            .peers_sent
            .iter()
            .filter(|(_, (last, pending))| *pending && peers_due(*last, now_ms))
            .map(|(w, _)| w.clone())
            .collect();
        for workspace in due {
            self.peers_changed(&workspace, None, now_ms);
        }
        self.abort_slow();
        if now_ms < self.maintain_at {
            return Ok(IdleClients::default());
        }
        let clients = &self.clients;
        let connected = |workspace: &str, client: &ClientId| {
            clients.contains_key(&(workspace.to_owned(), *client))
        };
        let max = self.config.forget_per_call.max(1);
        let before = now_ms.saturating_sub(self.config.forget_clients_after_ms);
        let done = match self
            .store
            .forget_idle_clients(before, now_ms, max, &connected)
        {
            Ok(done) => done,
            Err(e) => {
                self.maintain_at = now_ms.saturating_add(MAINTAIN_EVERY_MS);
                return Err(e);
            }
        };
        // A full call may have left more: go on with the next batch.
        self.maintain_at = if done.looked() >= max {
            now_ms
        } else {
            now_ms.saturating_add(MAINTAIN_EVERY_MS)
        };
        Ok(done)
    }

    /// Everything queued for `conn` before the [`RelayOutput::ReportDrained`] carrying `mark`
    /// has been written to the transport: the next page of its catch-up may go. A report
    /// that was not asked for (an old one, or for a connection since gone) is ignored.
    pub fn drained(&mut self, conn: ConnId, mark: u64) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let Some((asked, queued)) = c.flow.asked else {
            return;
        };
        if asked != mark {
            return;
        }
        c.flow.asked = None;
        c.flow.drained = queued;
        // Pages are asked about right after they are queued, so the mark covers them all.
        c.flow.paced = 0;
        let _ = self.advance(conn);
        self.abort_slow();
    }

    /// How many connections are open (said Hello or not).
    pub fn connections(&self) -> usize {
        self.conns.len()
    }

    pub fn poll_output(&mut self) -> Option<RelayOutput> {
        self.out.pop_front()
    }

    /// One frame arrived on `conn`.
    pub fn receive(&mut self, conn: ConnId, bytes: &[u8], now_ms: i64) {
        self.clock = now_ms;
        let rate = self.config.max_messages_per_second;
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        if matches!(c.state, ConnState::Closed) {
            return;
        }
        if !c.bucket.take(rate, now_ms) {
            self.refuse(
                conn,
                ErrorCode::RateLimited,
                format!("more than {rate} messages a second"),
            );
            return;
        }
        let message = match wire::decode(bytes, &self.config.limits) {
            Ok(m) => m,
            Err(e) => {
                let code = match e {
                    WireError::UnsupportedVersion { .. } => ErrorCode::UnsupportedVersion,
                    WireError::MessageTooLarge { .. } | WireError::FieldTooLong { .. } => {
                        ErrorCode::TooLarge
                    }
                    _ => ErrorCode::BadMessage,
                };
                self.refuse(conn, code, e.to_string());
                return;
            }
        };
        // Every early return below has already answered the client.
        let _ = self.handle(conn, message, bytes, now_ms);
        self.abort_slow();
    }

    fn handle(
        &mut self,
        conn: ConnId,
        message: Message,
        bytes: &[u8],
        now_ms: i64,
    ) -> Result<(), Refused> {
        let Some(c) = self.conns.get(&conn) else {
            return Ok(());
        };
        let (workspace, client) = match &c.state {
            ConnState::Closed => return Ok(()),
            ConnState::AwaitingHello => {
                return match message {
                    Message::Hello {
                        version,
                        workspace,
                        token,
                        client,
                    } => self.hello(conn, version, workspace, &token.hash(), client, now_ms),
                    other => Err(self.refuse(
                        conn,
                        ErrorCode::BadMessage,
                        format!("the first message must be Hello, not {}", other.name()),
                    )),
                };
            }
            ConnState::Ready {
                workspace, client, ..
            } => (workspace.clone(), *client),
        };
        match message {
            Message::Hello { .. } => Err(self.refuse(
                conn,
                ErrorCode::BadMessage,
                "Hello was already sent on this connection".into(),
            )),
            m if m.direction() == Direction::RelayToClient => Err(self.refuse(
                conn,
                ErrorCode::BadMessage,
                format!("{} is sent by the relay, not by a client", m.name()),
            )),
            Message::Push {
                doc,
                client_seq,
                envelope,
            } => self.push(
                conn,
                (&workspace, &client),
                doc,
                client_seq,
                &envelope,
                now_ms,
            ),
            Message::Subscribe { doc, since } => self.subscribe(conn, &workspace, doc, since),
            Message::Compact {
                doc,
                upto_seq,
                envelope,
            } => self.compact(conn, &workspace, &doc, upto_seq, &envelope),
            Message::Signal { to, from, .. } => {
                if from != client {
                    return Err(self.refuse(
                        conn,
                        ErrorCode::BadMessage,
                        "a Signal must name this connection's own client id as its sender".into(),
                    ));
                }
                match self.clients.get(&(workspace, to)) {
                    Some(&target) => self.queue(target, Bytes::copy_from_slice(bytes)),
                    None => {
                        self.refuse(
                            conn,
                            ErrorCode::PeerUnavailable,
                            "no client with that id is connected to this workspace".into(),
                        );
                    }
                }
                Ok(())
            }
            Message::Ping { nonce } => {
                self.send(conn, &Message::Pong { nonce });
                Ok(())
            }
            Message::Rotate { token } => self.rotate(conn, &workspace, &token.hash(), now_ms),
            // Keepalive answers and a client's error reports need nothing from the relay.
            _ => Ok(()),
        }
    }

    fn hello(
        &mut self,
        conn: ConnId,
        version: u8,
        workspace: String,
        token: &TokenHash,
        client: ClientId,
        now_ms: i64,
    ) -> Result<(), Refused> {
        if version < wire::MIN_PROTOCOL_VERSION {
            return Err(self.refuse(
                conn,
                ErrorCode::UnsupportedVersion,
                format!(
                    "the client speaks protocol version {version}; this relay needs version {}",
                    wire::MIN_PROTOCOL_VERSION
                ),
            ));
        }
        let known = self
            .store
            .workspace_token(&workspace)
            .map_err(|e| self.storage_failed(conn, &e))?;
        match known {
            Some(stored) if stored == *token => {}
            Some(_) => {
                return Err(self.refuse(conn, ErrorCode::Unauthorized, UNAUTHORIZED.into()));
            }
            None => {
                let addr = self
                    .conns
                    .get(&conn)
                    .map(|c| c.addr.clone())
                    .unwrap_or_default();
                if !self.may_create(&addr, now_ms) {
                    return Err(self.refuse(
                        conn,
                        ErrorCode::RateLimited,
                        "too many new workspaces from this address; try again later".into(),
                    ));
                }
                self.store
                    .create_workspace(&workspace, token, now_ms)
                    .map_err(|e| self.storage_failed(conn, &e))?;
                self.creations.entry(addr).or_default().push_back(now_ms);
            }
        }
        if let Some(c) = self.conns.get_mut(&conn) {
            c.state = ConnState::Ready {
                workspace: workspace.clone(),
                client,
                docs: BTreeSet::new(),
                catchups: VecDeque::new(),
                version,
            };
        }
        *self.workspace_conns.entry(workspace.clone()).or_default() += 1;
        self.clients.insert((workspace.clone(), client), conn);
        self.send(
            conn,
            &Message::Welcome {
                server_time_ms: now_ms,
            },
        );
        self.peers_changed(&workspace, Some(conn), now_ms);
        Ok(())
    }

    /// A member rotated the secret: the new token alone admits from now on, and everyone else
    /// connected with the old one is shut out (they need the new invite link).
    fn rotate(
        &mut self,
        conn: ConnId,
        workspace: &str,
        token: &TokenHash,
        now_ms: i64,
    ) -> Result<(), Refused> {
        let version = self.conns.get(&conn).map_or(0, |c| match c.state {
            ConnState::Ready { version, .. } => version,
            _ => 0,
        });
        if version < 2 {
            return Err(self.refuse(
                conn,
                ErrorCode::BadMessage,
                "Rotate needs protocol version 2".into(),
            ));
        }
        self.store
            .replace_token(workspace, token, now_ms)
            .map_err(|e| self.storage_failed(conn, &e))?;
        let others: Vec<ConnId> = self
            .conns
            .iter()
            .filter(|(id, c)| {
                **id != conn
                    && matches!(&c.state, ConnState::Ready { workspace: w, .. } if w == workspace)
            })
            .map(|(id, _)| *id)
            .collect();
        for other in others {
            self.refuse(other, ErrorCode::Unauthorized, ROTATED.into());
        }
        Ok(())
    }

    /// A client of `workspace` came (`newcomer`, its connection) or went. Everyone is told at
    /// once, unless the workspace's clients were told less than `PEERS_EVERY_MS` ago: then
    /// only the newcomer gets its list now, and the others one list for all the changes of
    /// that time, from [`RelayCore::maintain`]. A list goes to every client and grows with
    /// them, so telling everyone about every arrival would be quadratic: 500 clients joining
    /// a workspace at once (a relay restart) made ~1 GB of `Peers`, mostly queued at once.
    fn peers_changed(&mut self, workspace: &str, newcomer: Option<ConnId>, now: i64) {
        let (last, pending) = self
            .peers_sent
            .entry(workspace.to_owned())
            .or_insert((i64::MIN, false));
        if peers_due(*last, now) {
            *last = now;
            *pending = false;
            self.announce_peers(workspace);
        } else {
            *pending = true;
            if let Some(conn) = newcomer {
                self.send_peers(workspace, conn);
            }
        }
    }

    /// Tells every client of `workspace` which others are connected (each list without the
    /// recipient), so peers can offer each other direct links.
    fn announce_peers(&mut self, workspace: &str) {
        let here: Vec<ConnId> = self.clients_of(workspace).map(|(_, conn)| conn).collect();
        for conn in here {
            self.send_peers(workspace, conn);
        }
    }

    fn clients_of(&self, workspace: &str) -> impl Iterator<Item = (ClientId, ConnId)> + '_ {
        self.clients
            .range((workspace.to_owned(), [0u8; 16])..=(workspace.to_owned(), [0xff; 16]))
            .map(|((_, client), conn)| (*client, *conn))
    }

    /// `Peers` for `conn`, if its client speaks version 2: everyone else connected.
    fn send_peers(&mut self, workspace: &str, conn: ConnId) {
        let Some(Conn {
            state: ConnState::Ready {
                client, version, ..
            },
            ..
        }) = self.conns.get(&conn)
        else {
            return;
        };
        if *version < 2 {
            return;
        }
        let me = *client;
        let clients = self
            .clients_of(workspace)
            .map(|(c, _)| c)
            .filter(|c| *c != me)
            .take(wire::MAX_PEERS)
            .collect();
        self.send(conn, &Message::Peers { clients });
    }

    /// Whether `addr` may create one more workspace now; forgets creations older than an hour.
    fn may_create(&mut self, addr: &str, now_ms: i64) -> bool {
        let horizon = now_ms.saturating_sub(HOUR_MS);
        self.creations.retain(|_, times| {
            while times.front().is_some_and(|&t| t <= horizon) {
                times.pop_front();
            }
            !times.is_empty()
        });
        let used = self.creations.get(addr).map_or(0, VecDeque::len);
        used < self.config.new_workspaces_per_addr_per_hour as usize
    }

    /// `from`: the connection's workspace and client id.
    fn push(
        &mut self,
        conn: ConnId,
        (workspace, client): (&str, &ClientId),
        doc: String,
        client_seq: u64,
        envelope: &[u8],
        now_ms: i64,
    ) -> Result<(), Refused> {
        if client_seq == 0 {
            // The store's "not greater than the last one" rule would swallow it unstored.
            return Err(self.refuse(
                conn,
                ErrorCode::BadMessage,
                "client sequence numbers start at 1".into(),
            ));
        }
        let end = self.log_end(conn, workspace, &doc)?;
        let server_seq = self
            .store
            .append(workspace, &doc, client, client_seq, envelope, now_ms)
            .map_err(|e| self.storage_failed(conn, &e))?;
        let is_new = server_seq > end;
        if is_new {
            self.ends
                .insert((workspace.to_owned(), doc.clone()), server_seq);
        }
        // Encoded once: every subscriber's queue holds the same buffer, so an envelope of up
        // to `max_envelope` bytes is not copied per subscriber.
        let deliver = is_new.then(|| {
            Bytes::from(wire::encode(&Message::Deliver {
                doc: doc.clone(),
                server_seq,
                envelope: envelope.to_vec(),
            }))
        });
        let key = (workspace.to_owned(), doc);
        self.send(
            conn,
            &Message::Ack {
                doc: key.1.clone(),
                client_seq,
                server_seq,
            },
        );
        if let (Some(bytes), Some(subscribers)) = (deliver, self.subscribers.get(&key)) {
            let others: Vec<ConnId> = subscribers.iter().copied().filter(|&c| c != conn).collect();
            for other in others {
                self.queue(other, bytes.clone());
            }
        }
        Ok(())
    }

    /// Snapshot if it reaches past `since`, then the log after it, then `CaughtUp`, in pages
    /// ([`RelayCore::advance`]). The connection gets no live `Deliver`s of the document until
    /// its catch-up has reached the log's end: entries appended meanwhile come with the later
    /// pages, and live ones continue exactly after the last.
    fn subscribe(
        &mut self,
        conn: ConnId,
        workspace: &str,
        doc: String,
        since: u64,
    ) -> Result<(), Refused> {
        let max = self.config.max_docs_per_connection;
        let Some(Conn {
            state: ConnState::Ready { docs, catchups, .. },
            ..
        }) = self.conns.get(&conn)
        else {
            return Ok(());
        };
        let known = docs.contains(&doc) || catchups.iter().any(|c| c.doc == doc);
        if !known && docs.len().saturating_add(catchups.len()) >= max {
            return Err(self.refuse(
                conn,
                ErrorCode::TooLarge,
                format!("a connection may subscribe to at most {max} documents"),
            ));
        }
        let Some(Conn {
            state: ConnState::Ready { docs, catchups, .. },
            ..
        }) = self.conns.get_mut(&conn)
        else {
            return Ok(());
        };
        // Subscribed again: live deliveries would now race the new catch-up's pages.
        if docs.remove(&doc) {
            let key = (workspace.to_owned(), doc.clone());
            if let Some(set) = self.subscribers.get_mut(&key) {
                set.remove(&conn);
                if set.is_empty() {
                    self.subscribers.remove(&key);
                }
            }
        }
        match catchups.iter_mut().find(|c| c.doc == doc) {
            // One catch-up answers both: from the earlier point, so neither misses anything
            // (the client ignores what it has), with a `CaughtUp` for each.
            Some(c) => {
                c.after = c.after.min(since);
                c.check_snapshot = true;
                c.owed = c.owed.saturating_add(1);
            }
            None => catchups.push_back(CatchUp {
                doc,
                after: since,
                check_snapshot: true,
                owed: 1,
            }),
        }
        self.advance(conn)
    }

    /// Sends the next page of the connection's catch-ups, unless one is still on its way: at
    /// most `page_size` entries and about `page_bytes`, across as many catch-ups as that
    /// finishes. A catch-up that reaches the log's end sends `CaughtUp` and joins the live
    /// subscribers in the same call, so nothing appended can fall in between.
    fn advance(&mut self, conn: ConnId) -> Result<(), Refused> {
        let Some(c) = self.conns.get(&conn) else {
            return Ok(());
        };
        if c.flow.asked.is_some() || c.flow.slow {
            return Ok(());
        }
        let ConnState::Ready { workspace, .. } = &c.state else {
            return Ok(());
        };
        let workspace = workspace.clone();
        let mut entries_left = self.config.page_size.max(1);
        let mut bytes_left = self.config.page_bytes.max(1);
        while entries_left > 0 && bytes_left > 0 {
            let Some((doc, mut after, check_snapshot)) = self.front_catchup(conn) else {
                break;
            };
            if check_snapshot {
                let snapshot = self
                    .store
                    .snapshot(&workspace, &doc)
                    .map_err(|e| self.storage_failed(conn, &e))?;
                if let Some((upto, envelope)) = snapshot
                    && upto > after
                {
                    bytes_left = bytes_left.saturating_sub(envelope.len());
                    let frame = self.catch_up_frame(&workspace, &doc, upto, true, envelope);
                    self.send_paced(conn, frame);
                    after = upto;
                }
                self.update_front(conn, after, false);
                if bytes_left == 0 {
                    break;
                }
            }
            let page = self
                .store
                .read_after(&workspace, &doc, after, entries_left, bytes_left)
                .map_err(|e| self.storage_failed(conn, &e))?;
            let from = after;
            for (server_seq, envelope) in page {
                // A store handing back an entry out of order would make the client see a gap.
                if server_seq <= after {
                    continue;
                }
                after = server_seq;
                entries_left = entries_left.saturating_sub(1);
                bytes_left = bytes_left.saturating_sub(envelope.len());
                let frame = self.catch_up_frame(&workspace, &doc, server_seq, false, envelope);
                self.send_paced(conn, frame);
            }
            self.update_front(conn, after, false);
            let end = self.log_end(conn, &workspace, &doc)?;
            // A page that brings nothing new short of the end means the store lost entries
            // (or hands them back out of order): the client is told where the log ends and
            // asks again, rather than this catch-up spinning.
            if after < end && after > from {
                continue;
            }
            self.finish_front(conn, &workspace, end);
        }
        let Some(c) = self.conns.get_mut(&conn) else {
            return Ok(());
        };
        let pending = matches!(&c.state, ConnState::Ready { catchups, .. } if !catchups.is_empty());
        if pending || c.flow.paced > 0 {
            self.ask_report(conn);
        }
        Ok(())
    }

    /// The connection's current catch-up: (doc, after, check_snapshot).
    fn front_catchup(&self, conn: ConnId) -> Option<(String, u64, bool)> {
        match &self.conns.get(&conn)?.state {
            ConnState::Ready { catchups, .. } => catchups
                .front()
                .map(|c| (c.doc.clone(), c.after, c.check_snapshot)),
            _ => None,
        }
    }

    fn update_front(&mut self, conn: ConnId, after: u64, check_snapshot: bool) {
        if let Some(Conn {
            state: ConnState::Ready { catchups, .. },
            ..
        }) = self.conns.get_mut(&conn)
            && let Some(c) = catchups.front_mut()
        {
            c.after = after;
            c.check_snapshot = check_snapshot;
        }
    }

    /// The current catch-up reached the log's end `end`: `CaughtUp`, and live from now on.
    fn finish_front(&mut self, conn: ConnId, workspace: &str, end: u64) {
        let Some(Conn {
            state: ConnState::Ready { docs, catchups, .. },
            ..
        }) = self.conns.get_mut(&conn)
        else {
            return;
        };
        let Some(done) = catchups.pop_front() else {
            return;
        };
        docs.insert(done.doc.clone());
        self.subscribers
            .entry((workspace.to_owned(), done.doc.clone()))
            .or_default()
            .insert(conn);
        let frame = Bytes::from(wire::encode(&Message::CaughtUp {
            doc: done.doc.clone(),
            upto_seq: end,
        }));
        for _ in 0..done.owed {
            self.send_paced(conn, frame.clone());
        }
    }

    fn compact(
        &mut self,
        conn: ConnId,
        workspace: &str,
        doc: &str,
        upto: u64,
        envelope: &[u8],
    ) -> Result<(), Refused> {
        let end = self.log_end(conn, workspace, doc)?;
        if upto == 0 || upto > end {
            return Err(self.refuse(
                conn,
                ErrorCode::BadMessage,
                format!("cannot compact {doc} up to {upto}: its log ends at {end}"),
            ));
        }
        self.store
            .compact(workspace, doc, upto, envelope)
            .map_err(|e| self.storage_failed(conn, &e))?;
        // Catch-ups short of `upto` would next read entries that are gone: they send the
        // snapshot first and go on after it.
        for c in self.conns.values_mut() {
            if let ConnState::Ready {
                workspace: w,
                catchups,
                ..
            } = &mut c.state
                && w == workspace
            {
                for catchup in catchups.iter_mut() {
                    if catchup.doc == doc && catchup.after < upto {
                        catchup.check_snapshot = true;
                    }
                }
            }
        }
        Ok(())
    }

    fn log_end(&mut self, conn: ConnId, workspace: &str, doc: &str) -> Result<u64, Refused> {
        let key = (workspace.to_owned(), doc.to_owned());
        if let Some(&end) = self.ends.get(&key) {
            return Ok(end);
        }
        let end = self
            .store
            .last_seq(workspace, doc)
            .map_err(|e| self.storage_failed(conn, &e))?;
        self.ends.insert(key, end);
        Ok(end)
    }

    fn send(&mut self, conn: ConnId, message: &Message) {
        self.queue(conn, Bytes::from(wire::encode(message)));
    }

    /// Queues a frame that is not part of a catch-up: unless the connection's backlog is over
    /// the limit, in which case the client is not reading and the connection is to go.
    fn queue(&mut self, conn: ConnId, bytes: Bytes) {
        let max = self.config.max_backlog_bytes;
        let every = self.config.report_every_bytes;
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        if c.flow.slow {
            return;
        }
        if c.flow.backlog() > max {
            c.flow.slow = true;
            self.slow.push(conn);
            return;
        }
        c.flow.queued = c.flow.queued.saturating_add(bytes.len() as u64);
        let ask = c.flow.asked.is_none() && c.flow.backlog() >= every;
        self.out.push_back(RelayOutput::Send { conn, bytes });
        if ask {
            self.ask_report(conn);
        }
    }

    /// The `Snapshot` (`snapshot`) or `Deliver` of a catch-up, encoded. A large one is
    /// encoded once and shared by every connection that sends it while any still holds it:
    /// clients catching up together on a snapshot of up to `max_envelope` would otherwise
    /// make the relay hold a copy each. Each still reads it from the store, one at a time.
    fn catch_up_frame(
        &mut self,
        workspace: &str,
        doc: &str,
        seq: u64,
        snapshot: bool,
        envelope: Vec<u8>,
    ) -> Bytes {
        let key = (envelope.len() >= SHARE_FRAMES_FROM)
            .then(|| (workspace.to_owned(), doc.to_owned(), seq, snapshot));
        if let Some(frame) = key.as_ref().and_then(|k| self.shared_frames.get(k)) {
            return frame.clone();
        }
        let doc = doc.to_owned();
        let frame = Bytes::from(wire::encode(&if snapshot {
            Message::Snapshot {
                doc,
                upto_seq: seq,
                envelope,
            }
        } else {
            Message::Deliver {
                doc,
                server_seq: seq,
                envelope,
            }
        }));
        if let Some(key) = key {
            self.shared_frames.insert(key, frame.clone());
        }
        frame
    }

    /// Queues a frame of a catch-up, which [`RelayCore::advance`] paces by itself.
    fn send_paced(&mut self, conn: ConnId, bytes: Bytes) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let len = bytes.len() as u64;
        c.flow.queued = c.flow.queued.saturating_add(len);
        c.flow.paced = c.flow.paced.saturating_add(len);
        self.out.push_back(RelayOutput::Send { conn, bytes });
    }

    fn ask_report(&mut self, conn: ConnId) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        if c.flow.asked.is_some() {
            return;
        }
        // Unique across connections, so a late report for a connection number used again
        // cannot pass for the new connection's.
        self.next_mark += 1;
        let mark = self.next_mark;
        c.flow.asked = Some((mark, c.flow.queued));
        self.out
            .push_back(RelayOutput::ReportDrained { conn, mark });
    }

    /// Drops the connections found not reading. No `Error` for them: it would wait behind
    /// everything they did not read.
    fn abort_slow(&mut self) {
        while let Some(conn) = self.slow.pop() {
            // Gone already (the transport closed in the meantime): nothing left to abort.
            let Some(backlog) = self.conns.get(&conn).map(|c| c.flow.backlog()) else {
                continue;
            };
            self.unregister(conn);
            if let Some(c) = self.conns.get_mut(&conn) {
                c.state = ConnState::Closed;
            }
            self.out.retain(|o| o.conn() != conn);
            self.out.push_back(RelayOutput::Abort {
                conn,
                reason: format!(
                    "the client is not reading: {backlog} bytes queued for it were not sent"
                ),
            });
        }
    }

    /// Answers with an `Error`; every code but `PeerUnavailable` also closes the connection
    /// (PROTOCOL.md), so the client's reconnect starts from a clean state.
    fn refuse(&mut self, conn: ConnId, code: ErrorCode, message: String) -> Refused {
        self.send(
            conn,
            &Message::Error {
                code,
                message: message.clone(),
            },
        );
        if code != ErrorCode::PeerUnavailable {
            self.close(conn, message);
        }
        Refused
    }

    /// The store failed: nothing was acknowledged, so closing makes the client retry all of it
    /// after its backoff. The client gets a generic sentence; the log gets the store's.
    fn storage_failed(&mut self, conn: ConnId, error: &dyn std::error::Error) -> Refused {
        self.send(
            conn,
            &Message::Error {
                code: ErrorCode::Internal,
                message: STORAGE_FAILED.into(),
            },
        );
        self.close(conn, format!("storage failed: {error}"));
        Refused
    }

    fn close(&mut self, conn: ConnId, reason: String) {
        self.unregister(conn);
        if let Some(c) = self.conns.get_mut(&conn) {
            c.state = ConnState::Closed;
        }
        self.out.push_back(RelayOutput::Close { conn, reason });
    }

    /// Stops routing anything to `conn`.
    fn unregister(&mut self, conn: ConnId) {
        let Some(Conn {
            state:
                ConnState::Ready {
                    workspace,
                    client,
                    docs,
                    ..
                },
            ..
        }) = self.conns.get(&conn)
        else {
            return;
        };
        for doc in docs {
            let key = (workspace.clone(), doc.clone());
            if let Some(set) = self.subscribers.get_mut(&key) {
                set.remove(&conn);
                if set.is_empty() {
                    self.subscribers.remove(&key);
                }
            }
        }
        let key = (workspace.clone(), *client);
        let left = self.clients.get(&key) == Some(&conn);
        if left {
            self.clients.remove(&key);
        }
        let workspace = workspace.clone();
        if left {
            self.peers_changed(&workspace, None, self.clock);
        }
        if let Some(count) = self.workspace_conns.get_mut(&workspace) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.workspace_conns.remove(&workspace);
                self.peers_sent.remove(&workspace);
                let docs: Vec<(String, String)> = self
                    .ends
                    .range((workspace.clone(), String::new())..)
                    .take_while(|((w, _), _)| *w == workspace)
                    .map(|(key, _)| key.clone())
                    .collect();
                for key in docs {
                    self.ends.remove(&key);
                }
            }
        }
    }
}

/// Why a [`MemoryStore`] refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemoryStoreError {
    #[error("workspace {0} does not exist")]
    UnknownWorkspace(String),
    #[error("workspace {0} already exists")]
    WorkspaceExists(String),
    #[error("cannot compact {doc} up to {upto}: its log ends at {last}")]
    CompactBeyondEnd { doc: String, upto: u64, last: u64 },
    #[error("the store was told to fail")]
    Failing,
}

/// A [`RelayStore`] in memory, for tests and simulations. Cloning it is what a relay restart
/// keeps: everything a durable store would.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    workspaces: BTreeMap<String, MemoryWorkspace>,
    failing: bool,
}

#[derive(Debug, Clone)]
struct MemoryWorkspace {
    token: TokenHash,
    docs: BTreeMap<String, MemoryDoc>,
}

#[derive(Debug, Clone, Default)]
struct MemoryDoc {
    log: BTreeMap<u64, Vec<u8>>,
    last_seq: u64,
    snapshot: Option<(u64, Vec<u8>)>,
    /// Per client: the last client_seq stored, its server_seq, and when it was last used.
    clients: BTreeMap<ClientId, (u64, u64, i64)>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// While set, every method fails, as a broken disk would.
    pub fn set_failing(&mut self, failing: bool) {
        self.failing = failing;
    }

    /// How many entries the document's log holds now (after compaction).
    pub fn log_len(&self, workspace: &str, doc: &str) -> usize {
        self.doc(workspace, doc).map_or(0, |d| d.log.len())
    }

    fn check(&self) -> Result<(), MemoryStoreError> {
        if self.failing {
            Err(MemoryStoreError::Failing)
        } else {
            Ok(())
        }
    }

    fn doc(&self, workspace: &str, doc: &str) -> Option<&MemoryDoc> {
        self.workspaces.get(workspace)?.docs.get(doc)
    }

    fn doc_mut(&mut self, workspace: &str, doc: &str) -> Result<&mut MemoryDoc, MemoryStoreError> {
        Ok(self
            .workspaces
            .get_mut(workspace)
            .ok_or_else(|| MemoryStoreError::UnknownWorkspace(workspace.to_owned()))?
            .docs
            .entry(doc.to_owned())
            .or_default())
    }
}

impl RelayStore for MemoryStore {
    type Error = MemoryStoreError;

    fn workspace_token(&self, workspace: &str) -> Result<Option<TokenHash>, Self::Error> {
        self.check()?;
        Ok(self.workspaces.get(workspace).map(|w| w.token))
    }

    fn replace_token(
        &mut self,
        workspace: &str,
        token: &TokenHash,
        _now_ms: i64,
    ) -> Result<(), Self::Error> {
        self.check()?;
        match self.workspaces.get_mut(workspace) {
            Some(w) => {
                w.token = *token;
                Ok(())
            }
            None => Err(MemoryStoreError::UnknownWorkspace(workspace.to_owned())),
        }
    }

    fn create_workspace(
        &mut self,
        workspace: &str,
        token: &TokenHash,
        _now_ms: i64,
    ) -> Result<(), Self::Error> {
        self.check()?;
        if self.workspaces.contains_key(workspace) {
            return Err(MemoryStoreError::WorkspaceExists(workspace.to_owned()));
        }
        self.workspaces.insert(
            workspace.to_owned(),
            MemoryWorkspace {
                token: *token,
                docs: BTreeMap::new(),
            },
        );
        Ok(())
    }

    fn append(
        &mut self,
        workspace: &str,
        doc: &str,
        client: &ClientId,
        client_seq: u64,
        envelope: &[u8],
        now_ms: i64,
    ) -> Result<u64, Self::Error> {
        self.check()?;
        let d = self.doc_mut(workspace, doc)?;
        let (last_client_seq, last_server_seq, _) =
            d.clients.get(client).copied().unwrap_or((0, 0, 0));
        if client_seq <= last_client_seq {
            return Ok(last_server_seq);
        }
        d.last_seq += 1;
        let seq = d.last_seq;
        d.log.insert(seq, envelope.to_vec());
        d.clients.insert(*client, (client_seq, seq, now_ms));
        Ok(seq)
    }

    fn forget_idle_clients(
        &mut self,
        before_ms: i64,
        now_ms: i64,
        max: usize,
        connected: &dyn Fn(&str, &ClientId) -> bool,
    ) -> Result<IdleClients, Self::Error> {
        self.check()?;
        let mut idle: Vec<(i64, String, String, ClientId)> = Vec::new();
        for (w, ws) in &self.workspaces {
            for (d, doc) in &ws.docs {
                for (c, (_, _, used)) in &doc.clients {
                    if *used < before_ms {
                        idle.push((*used, w.clone(), d.clone(), *c));
                    }
                }
            }
        }
        idle.sort();
        idle.truncate(max);
        let mut done = IdleClients::default();
        for (_, w, d, c) in &idle {
            let renew = connected(w, c);
            let rows = &mut self.doc_mut(w, d)?.clients;
            if renew {
                if let Some(row) = rows.get_mut(c) {
                    row.2 = now_ms;
                }
                done.renewed += 1;
            } else {
                rows.remove(c);
                done.forgotten += 1;
            }
        }
        Ok(done)
    }

    fn read_after(
        &self,
        workspace: &str,
        doc: &str,
        after: u64,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Vec<(u64, Vec<u8>)>, Self::Error> {
        self.check()?;
        let Some(d) = self.doc(workspace, doc) else {
            return Ok(Vec::new());
        };
        let Some(from) = after.checked_add(1) else {
            return Ok(Vec::new());
        };
        let mut bytes = 0usize;
        Ok(d.log
            .range(from..)
            .take(limit)
            .take_while(|(_, e)| {
                let more = bytes < max_bytes;
                bytes = bytes.saturating_add(e.len());
                more
            })
            .map(|(seq, e)| (*seq, e.clone()))
            .collect())
    }

    fn snapshot(&self, workspace: &str, doc: &str) -> Result<Option<(u64, Vec<u8>)>, Self::Error> {
        self.check()?;
        Ok(self.doc(workspace, doc).and_then(|d| d.snapshot.clone()))
    }

    fn compact(
        &mut self,
        workspace: &str,
        doc: &str,
        upto: u64,
        envelope: &[u8],
    ) -> Result<(), Self::Error> {
        self.check()?;
        let d = self.doc_mut(workspace, doc)?;
        if upto > d.last_seq {
            return Err(MemoryStoreError::CompactBeyondEnd {
                doc: doc.to_owned(),
                upto,
                last: d.last_seq,
            });
        }
        if d.snapshot.as_ref().is_some_and(|(have, _)| *have >= upto) {
            return Ok(());
        }
        d.snapshot = Some((upto, envelope.to_vec()));
        d.log.retain(|seq, _| *seq > upto);
        Ok(())
    }

    fn last_seq(&self, workspace: &str, doc: &str) -> Result<u64, Self::Error> {
        self.check()?;
        Ok(self.doc(workspace, doc).map_or(0, |d| d.last_seq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{AccessToken, WorkspaceSecret};
    use crm_core::Id;

    fn ws() -> String {
        Id::from_bytes([42; 16]).to_string()
    }

    fn token() -> AccessToken {
        WorkspaceSecret::new([1; 32], 0).access_token()
    }

    fn hello(client: u8) -> Vec<u8> {
        hello_with(&ws(), token(), client)
    }

    fn hello_with(workspace: &str, token: AccessToken, client: u8) -> Vec<u8> {
        hello_as(1, workspace, token, client)
    }

    /// A `Hello` of protocol `version` (clients of version 2 and up hear `Peers`).
    fn hello_as(version: u8, workspace: &str, token: AccessToken, client: u8) -> Vec<u8> {
        wire::encode(&Message::Hello {
            version,
            workspace: workspace.into(),
            token,
            client: [client; 16],
        })
    }

    fn enc(m: Message) -> Vec<u8> {
        wire::encode(&m)
    }

    fn push(doc: &str, client_seq: u64, envelope: &[u8]) -> Vec<u8> {
        enc(Message::Push {
            doc: doc.into(),
            client_seq,
            envelope: envelope.to_vec(),
        })
    }

    fn subscribe(doc: &str, since: u64) -> Vec<u8> {
        enc(Message::Subscribe {
            doc: doc.into(),
            since,
        })
    }

    fn relay() -> RelayCore<MemoryStore> {
        RelayCore::new(MemoryStore::new(), RelayConfig::default())
    }

    /// Everything queued, decoded, per connection; `Close` and `Abort` as `None`. Reports
    /// are answered at once, as by a transport that sends everything instantly.
    fn drain<S: RelayStore>(relay: &mut RelayCore<S>) -> Vec<(ConnId, Option<Message>)> {
        let mut got = Vec::new();
        while let Some(o) = relay.poll_output() {
            match o {
                RelayOutput::Send { conn, bytes } => got.push((
                    conn,
                    Some(wire::decode(&bytes, &Limits::default()).unwrap()),
                )),
                RelayOutput::Close { conn, .. } | RelayOutput::Abort { conn, .. } => {
                    got.push((conn, None));
                }
                RelayOutput::ReportDrained { conn, mark } => relay.drained(conn, mark),
            }
        }
        got
    }

    fn error(code: ErrorCode, message: &str) -> Option<Message> {
        Some(Message::Error {
            code,
            message: message.into(),
        })
    }

    fn welcome(now: i64) -> Option<Message> {
        Some(Message::Welcome {
            server_time_ms: now,
        })
    }

    /// A relay with clients 1..=n connected as conns 1..=n and welcomed.
    fn with_clients(n: u8) -> RelayCore<MemoryStore> {
        let mut r = relay();
        for c in 1..=n {
            r.connect(c.into(), "10.0.0.1", 0);
            r.receive(c.into(), &hello(c), 0);
        }
        drain(&mut r);
        r
    }

    #[test]
    fn the_first_message_must_be_hello() {
        let mut r = relay();
        r.connect(1, "a", 0);
        r.receive(1, &subscribe("d", 0), 0);
        assert_eq!(
            drain(&mut r),
            [
                (
                    1,
                    error(
                        ErrorCode::BadMessage,
                        "the first message must be Hello, not Subscribe"
                    )
                ),
                (1, None)
            ]
        );
        // Closed: a Hello arriving after that is not answered.
        r.receive(1, &hello(1), 0);
        assert_eq!(drain(&mut r), []);
    }

    #[test]
    fn malformed_messages_get_the_decoders_sentence_and_close() {
        let mut r = with_clients(1);
        r.receive(1, &[1, 99], 5);
        assert_eq!(
            drain(&mut r),
            [
                (
                    1,
                    error(ErrorCode::BadMessage, "message type 99 is unknown")
                ),
                (1, None)
            ]
        );
        let mut r = relay();
        r.connect(1, "a", 0);
        r.receive(1, &[7, 1], 0);
        let got = drain(&mut r);
        assert!(matches!(
            &got[0].1,
            Some(Message::Error {
                code: ErrorCode::UnsupportedVersion,
                ..
            })
        ));
    }

    #[test]
    fn unknown_workspace_is_created_and_known_one_needs_its_token() {
        let mut r = relay();
        r.connect(1, "a", 10);
        r.receive(1, &hello(1), 10);
        assert_eq!(drain(&mut r), [(1, welcome(10))]);
        assert_eq!(
            r.store().workspace_token(&ws()).unwrap(),
            Some(token().hash())
        );

        r.connect(2, "a", 11);
        let wrong = WorkspaceSecret::new([2; 32], 0).access_token();
        r.receive(2, &hello_with(&ws(), wrong, 2), 11);
        assert_eq!(
            drain(&mut r),
            [(2, error(ErrorCode::Unauthorized, UNAUTHORIZED)), (2, None)]
        );

        r.connect(3, "b", 12);
        r.receive(3, &hello(3), 12);
        assert_eq!(drain(&mut r), [(3, welcome(12))]);
    }

    #[test]
    fn a_second_hello_and_relay_only_messages_are_bad() {
        let mut r = with_clients(2);
        r.receive(1, &hello(1), 0);
        assert_eq!(
            drain(&mut r),
            [
                (
                    1,
                    error(
                        ErrorCode::BadMessage,
                        "Hello was already sent on this connection"
                    )
                ),
                (1, None)
            ]
        );
        r.receive(
            2,
            &enc(Message::Ack {
                doc: "d".into(),
                client_seq: 1,
                server_seq: 1,
            }),
            0,
        );
        assert_eq!(
            drain(&mut r),
            [
                (
                    2,
                    error(
                        ErrorCode::BadMessage,
                        "Ack is sent by the relay, not by a client"
                    )
                ),
                (2, None)
            ]
        );
    }

    #[test]
    fn old_hello_versions_are_unsupported() {
        let mut r = relay();
        r.connect(1, "a", 0);
        let m = hello_as(0, &ws(), token(), 1);
        r.receive(1, &m, 0);
        let got = drain(&mut r);
        assert!(matches!(
            &got[0].1,
            Some(Message::Error {
                code: ErrorCode::UnsupportedVersion,
                ..
            })
        ));
        assert_eq!(got[1], (1, None));
        assert_eq!(r.store().workspace_token(&ws()).unwrap(), None);
    }

    #[test]
    fn workspace_creation_is_limited_per_address_and_hour() {
        let mut r = relay();
        let workspace = |n: u8| Id::from_bytes([n; 16]).to_string();
        for n in 0..10u8 {
            r.connect(n.into(), "10.1.1.1", 1_000);
            r.receive(n.into(), &hello_with(&workspace(n), token(), n), 1_000);
        }
        assert!(
            drain(&mut r)
                .iter()
                .all(|(_, m)| matches!(m, Some(Message::Welcome { .. })))
        );
        r.connect(10, "10.1.1.1", 2_000);
        r.receive(10, &hello_with(&workspace(10), token(), 10), 2_000);
        assert_eq!(
            drain(&mut r),
            [
                (
                    10,
                    error(
                        ErrorCode::RateLimited,
                        "too many new workspaces from this address; try again later"
                    )
                ),
                (10, None)
            ]
        );
        // Another address, and joining a workspace that exists, are not affected.
        r.connect(11, "10.9.9.9", 2_000);
        r.receive(11, &hello_with(&workspace(10), token(), 11), 2_000);
        r.connect(12, "10.1.1.1", 2_000);
        r.receive(12, &hello_with(&workspace(3), token(), 12), 2_000);
        assert_eq!(drain(&mut r), [(11, welcome(2_000)), (12, welcome(2_000))]);
        // An hour after the first ten, the address may create again.
        r.connect(13, "10.1.1.1", 1_000 + HOUR_MS);
        r.receive(
            13,
            &hello_with(&workspace(20), token(), 13),
            1_000 + HOUR_MS,
        );
        assert_eq!(drain(&mut r), [(13, welcome(1_000 + HOUR_MS))]);
    }

    #[test]
    fn message_rate_is_limited_per_connection() {
        let mut r = with_clients(2);
        let ping = enc(Message::Ping { nonce: 1 });
        // The Hello took one of the 200 the burst allows.
        for _ in 0..199 {
            r.receive(1, &ping, 0);
        }
        assert_eq!(drain(&mut r).len(), 199);
        r.receive(1, &ping, 0);
        assert_eq!(
            drain(&mut r),
            [
                (
                    1,
                    error(ErrorCode::RateLimited, "more than 200 messages a second")
                ),
                (1, None)
            ]
        );
        // A steady 200 a second is fine: one every 5 ms.
        for i in 0..1_000 {
            r.receive(2, &ping, i * 5);
        }
        let got = drain(&mut r);
        assert_eq!(got.len(), 1_000);
        assert!(got.iter().all(|(c, m)| *c == 2 && m.is_some()));
    }

    #[test]
    fn a_live_delivery_is_one_frame_in_memory_whatever_the_number_of_subscribers() {
        let mut r = with_clients(4);
        for c in 2..=4 {
            r.receive(c, &subscribe("d", 0), 0);
        }
        drain(&mut r);
        r.receive(1, &push("d", 1, &[7; 1_000]), 1);
        let mut frames = Vec::new();
        while let Some(o) = r.poll_output() {
            if let RelayOutput::Send { conn, bytes } = o
                && conn != 1
            {
                frames.push(bytes);
            }
        }
        assert_eq!(frames.len(), 3);
        assert!(
            frames.iter().all(|f| f.as_ptr() == frames[0].as_ptr()),
            "each subscriber holds its own copy"
        );
    }

    #[test]
    fn push_is_acked_and_delivered_to_other_subscribers_only() {
        let mut r = with_clients(3);
        r.receive(1, &subscribe("d", 0), 0);
        r.receive(2, &subscribe("d", 0), 0);
        drain(&mut r);
        r.receive(1, &push("d", 1, b"one"), 1);
        assert_eq!(
            drain(&mut r),
            [
                (
                    1,
                    Some(Message::Ack {
                        doc: "d".into(),
                        client_seq: 1,
                        server_seq: 1
                    })
                ),
                (
                    2,
                    Some(Message::Deliver {
                        doc: "d".into(),
                        server_seq: 1,
                        envelope: b"one".to_vec()
                    })
                ),
            ]
        );
    }

    #[test]
    fn repeated_pushes_are_acked_again_but_stored_and_delivered_once() {
        let mut r = with_clients(2);
        r.receive(2, &subscribe("d", 0), 0);
        drain(&mut r);
        r.receive(1, &push("d", 1, b"a"), 0);
        r.receive(1, &push("d", 2, b"b"), 0);
        drain(&mut r);
        r.receive(1, &push("d", 2, b"b"), 0);
        r.receive(1, &push("d", 1, b"a"), 0);
        assert_eq!(
            drain(&mut r),
            [
                (
                    1,
                    Some(Message::Ack {
                        doc: "d".into(),
                        client_seq: 2,
                        server_seq: 2
                    })
                ),
                (
                    1,
                    Some(Message::Ack {
                        doc: "d".into(),
                        client_seq: 1,
                        server_seq: 2
                    })
                ),
            ]
        );
        assert_eq!(r.store().log_len(&ws(), "d"), 2);
        r.receive(1, &push("d", 0, b"z"), 0);
        assert_eq!(
            drain(&mut r),
            [
                (
                    1,
                    error(ErrorCode::BadMessage, "client sequence numbers start at 1")
                ),
                (1, None)
            ]
        );
    }

    #[test]
    fn subscribe_sends_snapshot_then_the_log_after_it_in_pages() {
        let mut r = RelayCore::new(
            MemoryStore::new(),
            RelayConfig {
                page_size: 2,
                ..RelayConfig::default()
            },
        );
        r.connect(1, "a", 0);
        r.receive(1, &hello(1), 0);
        for i in 1..=6u8 {
            r.receive(1, &push("d", i.into(), &[i]), 0);
        }
        r.receive(
            1,
            &enc(Message::Compact {
                doc: "d".into(),
                upto_seq: 3,
                envelope: b"snap".to_vec(),
            }),
            0,
        );
        drain(&mut r);
        assert_eq!(r.store().log_len(&ws(), "d"), 3);

        r.connect(2, "a", 0);
        r.receive(2, &hello(2), 0);
        r.receive(2, &subscribe("d", 1), 0);
        let deliver = |seq: u64| {
            (
                2,
                Some(Message::Deliver {
                    doc: "d".into(),
                    server_seq: seq,
                    envelope: vec![seq as u8],
                }),
            )
        };
        let caught_up = (
            2,
            Some(Message::CaughtUp {
                doc: "d".into(),
                upto_seq: 6,
            }),
        );
        assert_eq!(
            drain(&mut r),
            [
                (2, welcome(0)),
                (
                    2,
                    Some(Message::Snapshot {
                        doc: "d".into(),
                        upto_seq: 3,
                        envelope: b"snap".to_vec()
                    })
                ),
                deliver(4),
                deliver(5),
                deliver(6),
                caught_up.clone(),
            ]
        );
        // Past the snapshot: only the log.
        r.receive(2, &subscribe("d", 4), 0);
        assert_eq!(drain(&mut r), [deliver(5), deliver(6), caught_up.clone()]);
        // Up to date: only the marker.
        r.receive(2, &subscribe("d", 6), 0);
        assert_eq!(drain(&mut r), [caught_up]);
        // Now live.
        r.receive(1, &push("d", 7, &[7]), 0);
        assert_eq!(drain(&mut r)[1], deliver(7));
    }

    #[test]
    fn compaction_past_the_log_end_is_refused_and_sequence_numbers_go_on() {
        let mut r = with_clients(1);
        r.receive(1, &push("d", 1, b"a"), 0);
        r.receive(1, &push("d", 2, b"b"), 0);
        let compact = |upto| {
            enc(Message::Compact {
                doc: "d".into(),
                upto_seq: upto,
                envelope: b"s".to_vec(),
            })
        };
        r.receive(1, &compact(2), 0);
        drain(&mut r);
        assert_eq!(r.store().log_len(&ws(), "d"), 0);
        r.receive(1, &push("d", 3, b"c"), 0);
        assert_eq!(
            drain(&mut r),
            [(
                1,
                Some(Message::Ack {
                    doc: "d".into(),
                    client_seq: 3,
                    server_seq: 3
                })
            )]
        );
        r.receive(1, &compact(4), 0);
        assert_eq!(
            drain(&mut r),
            [
                (
                    1,
                    error(
                        ErrorCode::BadMessage,
                        "cannot compact d up to 4: its log ends at 3"
                    )
                ),
                (1, None)
            ]
        );
    }

    #[test]
    fn clients_of_version_2_hear_who_else_is_connected() {
        let mut r = relay();
        let hello_v = |client: u8, version: u8| hello_as(version, &ws(), token(), client);
        let peers = |clients: &[u8]| {
            Some(Message::Peers {
                clients: clients.iter().map(|c| [*c; 16]).collect(),
            })
        };
        // A second apart, so every change is announced at once (see the next test).
        r.connect(1, "a", 0);
        r.receive(1, &hello_v(1, 2), 0);
        assert_eq!(drain(&mut r), [(1, welcome(0)), (1, peers(&[]))]);
        // A client of version 1 is admitted and listed, but never sent `Peers`.
        r.connect(2, "a", 1_000);
        r.receive(2, &hello_v(2, 1), 1_000);
        assert_eq!(drain(&mut r), [(2, welcome(1_000)), (1, peers(&[2]))]);
        r.connect(3, "a", 2_000);
        r.receive(3, &hello_v(3, 2), 2_000);
        assert_eq!(
            drain(&mut r),
            [
                (3, welcome(2_000)),
                (1, peers(&[2, 3])),
                (3, peers(&[1, 2]))
            ]
        );
        // Another workspace's clients are not listed.
        let other = Id::from_bytes([7; 16]).to_string();
        r.connect(4, "a", 2_000);
        r.receive(4, &hello_as(2, &other, token(), 4), 2_000);
        assert_eq!(drain(&mut r), [(4, welcome(2_000)), (4, peers(&[]))]);
        // Within a second of the last lists: announced by `maintain` once the second is up.
        r.disconnect(1);
        assert_eq!(drain(&mut r), []);
        r.maintain(2_999).unwrap();
        assert_eq!(drain(&mut r), []);
        r.maintain(3_000).unwrap();
        assert_eq!(drain(&mut r), [(3, peers(&[2]))]);
    }

    #[test]
    fn a_crowd_arriving_at_once_gets_one_list_each_a_second_later_and_newcomers_their_own() {
        let mut r = relay();
        let mut lists = 0;
        for c in 1..=10u8 {
            r.connect(c.into(), "a", c.into());
            r.receive(c.into(), &hello_as(2, &ws(), token(), c), c.into());
            let got = drain(&mut r);
            let peers: Vec<&(ConnId, Option<Message>)> = got
                .iter()
                .filter(|(_, m)| matches!(m, Some(Message::Peers { .. })))
                .collect();
            // Only the newcomer hears, of everyone there before it.
            assert_eq!(peers.len(), 1, "{got:?}");
            assert_eq!(peers[0].0, ConnId::from(c));
            assert!(matches!(
                &peers[0].1,
                Some(Message::Peers { clients }) if clients.len() == usize::from(c) - 1
            ));
            lists += 1;
        }
        r.maintain(1_000).unwrap();
        assert_eq!(drain(&mut r), []);
        r.maintain(1_001).unwrap();
        let got = drain(&mut r);
        assert_eq!(got.len(), 10);
        assert!(
            got.iter()
                .all(|(_, m)| matches!(m, Some(Message::Peers { clients }) if clients.len() == 9))
        );
        lists += got.len();
        // Told of every arrival, everyone would have had 1 + 2 + ... + 10 lists.
        assert_eq!(lists, 20);
        r.maintain(5_000).unwrap();
        assert_eq!(drain(&mut r), [], "nothing changed since");
    }

    #[test]
    fn a_list_held_back_goes_out_also_after_the_clock_stepped_back() {
        let mut r = relay();
        for (c, now) in [(1u8, 100_000), (2, 100_100)] {
            r.connect(c.into(), "a", now);
            r.receive(c.into(), &hello_as(2, &ws(), token(), c), now);
        }
        drain(&mut r);
        // The wall clock was a minute ahead and is set right: client 1 must not wait for it
        // to pass the time of its last list to hear of client 2.
        r.maintain(40_000).unwrap();
        assert_eq!(
            drain(&mut r),
            [
                (
                    1,
                    Some(Message::Peers {
                        clients: vec![[2; 16]]
                    })
                ),
                (
                    2,
                    Some(Message::Peers {
                        clients: vec![[1; 16]]
                    })
                )
            ]
        );
        r.maintain(40_001).unwrap();
        assert_eq!(drain(&mut r), [], "nothing changed since");
        // And from there lists are held back as usual.
        r.disconnect(2);
        assert_eq!(drain(&mut r), []);
        r.maintain(41_001).unwrap();
        assert_eq!(
            drain(&mut r),
            [(1, Some(Message::Peers { clients: vec![] }))]
        );
    }

    #[test]
    fn signals_are_forwarded_as_is_to_the_named_client() {
        let mut r = with_clients(2);
        let signal = enc(Message::Signal {
            to: [2; 16],
            from: [1; 16],
            envelope: b"offer".to_vec(),
        });
        r.receive(1, &signal, 0);
        assert_eq!(
            r.poll_output(),
            Some(RelayOutput::Send {
                conn: 2,
                bytes: signal.into()
            })
        );
        // Not to a client of another workspace, nor to one that left.
        let other = Id::from_bytes([7; 16]).to_string();
        r.connect(3, "a", 0);
        r.receive(3, &hello_with(&other, token(), 3), 0);
        r.disconnect(2);
        drain(&mut r);
        for to in [2, 3] {
            r.receive(
                1,
                &enc(Message::Signal {
                    to: [to; 16],
                    from: [1; 16],
                    envelope: vec![],
                }),
                0,
            );
            assert_eq!(
                drain(&mut r),
                [(
                    1,
                    error(
                        ErrorCode::PeerUnavailable,
                        "no client with that id is connected to this workspace"
                    )
                )]
            );
        }
    }

    #[test]
    fn a_signal_from_someone_else_is_bad() {
        let mut r = with_clients(2);
        r.receive(
            1,
            &enc(Message::Signal {
                to: [2; 16],
                from: [2; 16],
                envelope: vec![],
            }),
            0,
        );
        let got = drain(&mut r);
        assert_eq!(got.len(), 2);
        assert!(matches!(
            &got[0],
            (
                1,
                Some(Message::Error {
                    code: ErrorCode::BadMessage,
                    ..
                })
            )
        ));
    }

    #[test]
    fn ping_gets_pong() {
        let mut r = with_clients(1);
        r.receive(1, &enc(Message::Ping { nonce: 9 }), 0);
        assert_eq!(drain(&mut r), [(1, Some(Message::Pong { nonce: 9 }))]);
    }

    #[test]
    fn storage_failures_are_internal_errors_without_ack() {
        let mut r = with_clients(2);
        r.receive(2, &subscribe("d", 0), 0);
        drain(&mut r);
        r.store_mut().set_failing(true);
        r.receive(1, &push("d", 1, b"a"), 0);
        assert_eq!(
            r.poll_output(),
            Some(RelayOutput::Send {
                conn: 1,
                bytes: enc(Message::Error {
                    code: ErrorCode::Internal,
                    message: STORAGE_FAILED.into()
                })
                .into()
            })
        );
        assert_eq!(
            r.poll_output(),
            Some(RelayOutput::Close {
                conn: 1,
                reason: "storage failed: the store was told to fail".into()
            })
        );
        assert_eq!(r.poll_output(), None);
        r.store_mut().set_failing(false);
        assert_eq!(r.store().log_len(&ws(), "d"), 0);
    }

    #[test]
    fn disconnecting_stops_deliveries_and_drops_queued_output() {
        let mut r = with_clients(2);
        r.receive(2, &subscribe("d", 0), 0);
        r.disconnect(2);
        r.receive(1, &push("d", 1, b"a"), 0);
        assert_eq!(drain(&mut r).len(), 1);
        assert_eq!(r.connections(), 1);
    }

    #[test]
    fn a_restarted_relay_continues_from_its_store() {
        let mut r = with_clients(1);
        r.receive(1, &push("d", 1, b"a"), 0);
        let mut r = RelayCore::new(r.store().clone(), RelayConfig::default());
        r.connect(5, "a", 0);
        r.receive(5, &hello(1), 0);
        r.receive(5, &push("d", 1, b"a"), 0);
        r.receive(5, &push("d", 2, b"b"), 0);
        let acks: Vec<u64> = drain(&mut r)
            .into_iter()
            .filter_map(|(_, m)| match m {
                Some(Message::Ack { server_seq, .. }) => Some(server_seq),
                _ => None,
            })
            .collect();
        assert_eq!(acks, [1, 2]);
    }

    #[test]
    fn memory_store_follows_the_trait() {
        let mut s = MemoryStore::new();
        let w = ws();
        assert!(matches!(
            s.append(&w, "d", &[1; 16], 1, b"x", 0),
            Err(MemoryStoreError::UnknownWorkspace(_))
        ));
        s.create_workspace(&w, &token().hash(), 0).unwrap();
        assert_eq!(s.append(&w, "d", &[1; 16], 5, b"a", 0).unwrap(), 1);
        assert_eq!(s.append(&w, "d", &[2; 16], 1, b"b", 0).unwrap(), 2);
        assert_eq!(s.append(&w, "d", &[1; 16], 5, b"a", 0).unwrap(), 1);
        assert_eq!(s.append(&w, "d", &[1; 16], 4, b"old", 0).unwrap(), 1);
        assert_eq!(s.append(&w, "e", &[1; 16], 1, b"other doc", 0).unwrap(), 1);
        assert_eq!(
            s.read_after(&w, "d", 0, 1, usize::MAX).unwrap(),
            [(1, b"a".to_vec())]
        );
        assert_eq!(
            s.read_after(&w, "d", 1, 10, usize::MAX).unwrap(),
            [(2, b"b".to_vec())]
        );
        assert_eq!(s.read_after(&w, "d", u64::MAX, 10, usize::MAX).unwrap(), []);
        assert!(matches!(
            s.compact(&w, "d", 3, b"s"),
            Err(MemoryStoreError::CompactBeyondEnd { .. })
        ));
        s.compact(&w, "d", 2, b"s2").unwrap();
        s.compact(&w, "d", 1, b"s1").unwrap();
        assert_eq!(s.snapshot(&w, "d").unwrap(), Some((2, b"s2".to_vec())));
        assert_eq!(s.read_after(&w, "d", 0, 10, usize::MAX).unwrap(), []);
        assert_eq!(s.last_seq(&w, "d").unwrap(), 2);
        assert_eq!(s.append(&w, "d", &[3; 16], 1, b"c", 0).unwrap(), 3);
    }

    /// The trait's own `last_seq`, as a store without the override gets it.
    struct Plain(MemoryStore);

    impl RelayStore for Plain {
        type Error = MemoryStoreError;
        crate::delegate_relay_store!(
            0: workspace_token, replace_token, create_workspace, append, forget_idle_clients,
            read_after, snapshot, compact,
        );
    }

    /// Counts how often the relay asks for a log's end.
    struct Counting(MemoryStore, std::rc::Rc<std::cell::Cell<usize>>);

    impl RelayStore for Counting {
        type Error = MemoryStoreError;
        crate::delegate_relay_store!(
            0: workspace_token, replace_token, create_workspace, append, forget_idle_clients,
            read_after, snapshot, compact,
        );
        fn last_seq(&self, w: &str, d: &str) -> Result<u64, Self::Error> {
            self.1.set(self.1.get() + 1);
            self.0.last_seq(w, d)
        }
    }

    #[test]
    fn the_log_end_is_read_once_per_document_while_the_workspace_is_in_use() {
        let asked = std::rc::Rc::new(std::cell::Cell::new(0));
        let mut r = RelayCore::new(
            Counting(MemoryStore::new(), asked.clone()),
            RelayConfig::default(),
        );
        r.connect(1, "a", 0);
        r.receive(1, &hello(1), 0);
        r.connect(2, "a", 0);
        r.receive(2, &hello(2), 0);
        r.receive(2, &subscribe("d", 0), 0);
        for seq in 1..=5 {
            r.receive(1, &push("d", seq, b"x"), 0);
        }
        r.receive(1, &push("d", 5, b"x"), 0);
        r.receive(1, &subscribe("d", 0), 0);
        r.receive(1, &push("e", 1, b"x"), 0);
        assert_eq!(asked.get(), 2);
        let delivers = drain(&mut r)
            .into_iter()
            .filter(|(c, m)| *c == 2 && matches!(m, Some(Message::Deliver { .. })))
            .count();
        assert_eq!(delivers, 5);
        // Once nobody is connected, the workspace's ends are forgotten and read again later.
        r.disconnect(1);
        r.disconnect(2);
        r.connect(3, "a", 0);
        r.receive(3, &hello(3), 0);
        r.receive(3, &push("d", 1, b"y"), 0);
        assert_eq!(asked.get(), 3);
        assert!(drain(&mut r).contains(&(
            3,
            Some(Message::Ack {
                doc: "d".into(),
                client_seq: 1,
                server_seq: 6
            })
        )));
    }

    #[test]
    fn default_last_seq_reads_to_the_end() {
        let mut s = Plain(MemoryStore::new());
        let w = ws();
        s.create_workspace(&w, &token().hash(), 0).unwrap();
        assert_eq!(s.last_seq(&w, "d").unwrap(), 0);
        for i in 1..=600 {
            s.append(&w, "d", &[1; 16], i, b"x", 0).unwrap();
        }
        assert_eq!(s.last_seq(&w, "d").unwrap(), 600);
        s.compact(&w, "d", 600, b"s").unwrap();
        assert_eq!(s.last_seq(&w, "d").unwrap(), 600);
        s.append(&w, "d", &[1; 16], 601, b"x", 0).unwrap();
        assert_eq!(s.last_seq(&w, "d").unwrap(), 601);
    }

    fn paged(page_size: usize, page_bytes: usize) -> RelayCore<MemoryStore> {
        RelayCore::new(
            MemoryStore::new(),
            RelayConfig {
                page_size,
                page_bytes,
                ..RelayConfig::default()
            },
        )
    }

    /// A relay with clients 1..=n connected and welcomed, and `entries` pushed to `doc` by
    /// client 1 (envelope `i` is `len` bytes of `i as u8`).
    fn with_log(
        mut r: RelayCore<MemoryStore>,
        n: u8,
        doc: &str,
        entries: u64,
        len: usize,
    ) -> RelayCore<MemoryStore> {
        for c in 1..=n {
            r.connect(c.into(), "10.0.0.1", 0);
            r.receive(c.into(), &hello(c), 0);
        }
        // Paced as the rate limit allows.
        for i in 1..=entries {
            r.receive(1, &push(doc, i, &vec![i as u8; len]), i as i64 * 5);
        }
        drain(&mut r);
        r
    }

    /// What is queued, without answering reports: decoded frames, and each report's mark.
    fn pending(r: &mut RelayCore<MemoryStore>) -> Vec<(ConnId, Result<Message, u64>)> {
        let mut got = Vec::new();
        while let Some(o) = r.poll_output() {
            match o {
                RelayOutput::Send { conn, bytes } => {
                    got.push((conn, Ok(wire::decode(&bytes, &Limits::default()).unwrap())))
                }
                RelayOutput::ReportDrained { conn, mark } => got.push((conn, Err(mark))),
                RelayOutput::Close { conn, .. } | RelayOutput::Abort { conn, .. } => {
                    panic!("connection {conn} closed")
                }
            }
        }
        got
    }

    fn deliver(doc: &str, seq: u64, envelope: Vec<u8>) -> Result<Message, u64> {
        Ok(Message::Deliver {
            doc: doc.into(),
            server_seq: seq,
            envelope,
        })
    }

    fn caught_up(doc: &str, upto: u64) -> Result<Message, u64> {
        Ok(Message::CaughtUp {
            doc: doc.into(),
            upto_seq: upto,
        })
    }

    /// The mark of the one report asked for `conn` in `got`.
    fn mark(got: &[(ConnId, Result<Message, u64>)], conn: ConnId) -> u64 {
        let marks: Vec<u64> = got
            .iter()
            .filter(|(c, _)| *c == conn)
            .filter_map(|(_, m)| m.as_ref().err().copied())
            .collect();
        assert_eq!(marks.len(), 1, "{got:?}");
        marks[0]
    }

    #[test]
    fn a_catch_up_sends_its_next_page_only_once_the_last_is_reported_sent() {
        let mut r = with_log(paged(2, usize::MAX), 2, "d", 5, 1);
        r.receive(2, &subscribe("d", 0), 0);
        let got = pending(&mut r);
        let m = mark(&got, 2);
        assert_eq!(
            got,
            [
                (2, deliver("d", 1, vec![1])),
                (2, deliver("d", 2, vec![2])),
                (2, Err(m))
            ]
        );
        // Nothing more while the page is on its way, whatever else happens.
        r.receive(2, &enc(Message::Ping { nonce: 1 }), 0);
        assert_eq!(pending(&mut r), [(2, Ok(Message::Pong { nonce: 1 }))]);
        r.drained(2, m + 1);
        r.drained(3, m);
        assert_eq!(pending(&mut r), []);
        r.drained(2, m);
        let got = pending(&mut r);
        let m = mark(&got, 2);
        assert_eq!(
            got,
            [
                (2, deliver("d", 3, vec![3])),
                (2, deliver("d", 4, vec![4])),
                (2, Err(m))
            ]
        );
        r.drained(2, m);
        let got = pending(&mut r);
        let last = mark(&got, 2);
        assert_eq!(
            got,
            [
                (2, deliver("d", 5, vec![5])),
                (2, caught_up("d", 5)),
                (2, Err(last))
            ]
        );
        // A report answered twice moves nothing.
        r.drained(2, m);
        assert_eq!(pending(&mut r), []);
        // Caught up: live from here on.
        r.receive(1, &push("d", 6, &[6]), 0);
        assert_eq!(
            pending(&mut r),
            [
                (
                    1,
                    Ok(Message::Ack {
                        doc: "d".into(),
                        client_seq: 6,
                        server_seq: 6
                    })
                ),
                (2, deliver("d", 6, vec![6]))
            ]
        );
    }

    #[test]
    fn connections_catching_up_together_share_the_frames_of_large_entries_and_snapshots() {
        const BIG: usize = 100_000;
        let mut r = with_log(paged(1, usize::MAX), 4, "d", 2, BIG);
        r.receive(
            1,
            &enc(Message::Compact {
                doc: "d".into(),
                upto_seq: 1,
                envelope: vec![9; BIG],
            }),
            0,
        );
        r.receive(1, &push("d", 3, &[3; 10]), 0);
        drain(&mut r);
        for c in 2..=4 {
            r.receive(c, &subscribe("d", 0), 0);
        }
        // Per connection: its frames in order (each report answered at once), and what they
        // point at.
        let mut frames: BTreeMap<ConnId, Vec<Bytes>> = BTreeMap::new();
        while let Some(o) = r.poll_output() {
            match o {
                RelayOutput::Send { conn, bytes } => frames.entry(conn).or_default().push(bytes),
                RelayOutput::ReportDrained { conn, mark } => r.drained(conn, mark),
                other => panic!("{other:?}"),
            }
        }
        let of = |c: ConnId| -> Vec<(Message, *const u8)> {
            frames[&c]
                .iter()
                .map(|b| (wire::decode(b, &Limits::default()).unwrap(), b.as_ptr()))
                .collect()
        };
        let (two, three, four) = (of(2), of(3), of(4));
        assert_eq!(two.len(), 4, "snapshot, entries 2 and 3, CaughtUp: {two:?}");
        assert!(matches!(two[0].0, Message::Snapshot { upto_seq: 1, .. }));
        assert!(matches!(two[1].0, Message::Deliver { server_seq: 2, .. }));
        for other in [&three, &four] {
            assert_eq!(
                other.iter().map(|(m, _)| m).collect::<Vec<_>>(),
                two.iter().map(|(m, _)| m).collect::<Vec<_>>()
            );
            // One buffer for the snapshot and one for the large entry, whoever sends them.
            assert_eq!(other[0].1, two[0].1, "the snapshot");
            assert_eq!(other[1].1, two[1].1, "entry 2");
        }
        r.maintain(0).unwrap();
        assert_eq!(r.shared_frames.len(), 2, "still queued");
        // Once every queue has let go of them, the relay does not keep them either.
        drop(frames);
        r.maintain(0).unwrap();
        assert_eq!(r.shared_frames.len(), 0);
    }

    #[test]
    fn a_catching_up_connection_holds_at_most_a_page_in_memory() {
        const LEN: usize = 300;
        const PAGE_BYTES: usize = 4_000;
        let mut r = with_log(paged(256, PAGE_BYTES), 2, "d", 1_000, LEN);
        r.receive(2, &subscribe("d", 0), 0);
        let mut seqs = Vec::new();
        let mut caught_up_at = None;
        let mut pages = 0;
        loop {
            let mut bytes = 0;
            let mut frames = 0;
            let mut report = None;
            while let Some(o) = r.poll_output() {
                match o {
                    RelayOutput::Send { conn: 2, bytes: b } => {
                        frames += 1;
                        match wire::decode(&b, &Limits::default()).unwrap() {
                            Message::Deliver {
                                server_seq,
                                envelope,
                                ..
                            } => {
                                bytes += envelope.len();
                                seqs.push(server_seq);
                            }
                            Message::CaughtUp { upto_seq, .. } => caught_up_at = Some(upto_seq),
                            other => panic!("{other:?}"),
                        }
                    }
                    RelayOutput::ReportDrained { conn: 2, mark } => report = Some(mark),
                    other => panic!("{other:?}"),
                }
            }
            // A page stops at the entry that reaches the byte limit.
            assert!(bytes <= PAGE_BYTES + LEN, "{bytes} bytes in one page");
            assert!(
                frames <= PAGE_BYTES / LEN + 2,
                "{frames} frames in one page"
            );
            pages += 1;
            match (report, caught_up_at) {
                (Some(m), None) => r.drained(2, m),
                (_, Some(_)) => break,
                (None, None) => panic!("a catch-up stopped without asking to go on"),
            }
        }
        assert_eq!(caught_up_at, Some(1_000));
        assert_eq!(seqs, (1..=1_000).collect::<Vec<u64>>());
        assert!(pages >= 1_000 / (PAGE_BYTES / LEN + 1), "{pages} pages");
    }

    /// Conn 2's deliveries and `CaughtUp`s of `doc` in order, answering every report.
    fn seen_by_2(r: &mut RelayCore<MemoryStore>, doc: &str, seen: &mut Vec<Result<u64, u64>>) {
        while let Some(o) = r.poll_output() {
            match o {
                RelayOutput::Send { conn: 2, bytes } => {
                    match wire::decode(&bytes, &Limits::default()).unwrap() {
                        Message::Deliver {
                            doc: d, server_seq, ..
                        } if d == doc => seen.push(Ok(server_seq)),
                        Message::CaughtUp { doc: d, upto_seq } if d == doc => {
                            seen.push(Err(upto_seq))
                        }
                        _ => {}
                    }
                }
                RelayOutput::ReportDrained { conn, mark } => r.drained(conn, mark),
                _ => {}
            }
        }
    }

    #[test]
    fn entries_appended_during_a_catch_up_come_with_its_pages_and_live_ones_follow_without_gap() {
        let mut r = with_log(paged(2, usize::MAX), 3, "d", 3, 1);
        r.receive(3, &subscribe("d", 0), 0);
        r.receive(2, &subscribe("d", 0), 0);
        let mut seen = Vec::new();
        let mut next = 4;
        // Pushes land between pages: each report is answered only after one more push.
        for _ in 0..20 {
            let mut reports = Vec::new();
            while let Some(o) = r.poll_output() {
                match o {
                    RelayOutput::Send { conn: 2, bytes } => {
                        match wire::decode(&bytes, &Limits::default()).unwrap() {
                            Message::Deliver { server_seq, .. } => seen.push(Ok(server_seq)),
                            Message::CaughtUp { upto_seq, .. } => seen.push(Err(upto_seq)),
                            _ => {}
                        }
                    }
                    RelayOutput::ReportDrained { conn, mark } => reports.push((conn, mark)),
                    _ => {}
                }
            }
            r.receive(1, &push("d", next, &[next as u8]), 0);
            next += 1;
            for (conn, mark) in reports {
                r.drained(conn, mark);
            }
        }
        seen_by_2(&mut r, "d", &mut seen);
        let caught: Vec<usize> = (0..seen.len()).filter(|&i| seen[i].is_err()).collect();
        assert_eq!(caught.len(), 1, "{seen:?}");
        let seqs: Vec<u64> = seen.iter().filter_map(|s| s.ok()).collect();
        assert_eq!(seqs, (1..next).collect::<Vec<u64>>(), "{seen:?}");
        // Every push appended while paging came before CaughtUp; the live ones after it.
        assert_eq!(seen[caught[0]], Err(seen[caught[0] - 1].unwrap()));
        assert!(
            caught[0] < seen.len() - 1,
            "live deliveries followed: {seen:?}"
        );
    }

    #[test]
    fn a_compaction_during_a_catch_up_sends_the_snapshot_and_goes_on_after_it() {
        let mut r = with_log(paged(2, usize::MAX), 2, "d", 10, 1);
        r.receive(2, &subscribe("d", 0), 0);
        let got = pending(&mut r);
        let m = mark(&got, 2);
        r.receive(
            1,
            &enc(Message::Compact {
                doc: "d".into(),
                upto_seq: 7,
                envelope: b"snap".to_vec(),
            }),
            0,
        );
        r.drained(2, m);
        let got = pending(&mut r);
        let m = mark(&got, 2);
        assert_eq!(
            got,
            [
                (
                    2,
                    Ok(Message::Snapshot {
                        doc: "d".into(),
                        upto_seq: 7,
                        envelope: b"snap".to_vec()
                    })
                ),
                (2, deliver("d", 8, vec![8])),
                (2, deliver("d", 9, vec![9])),
                (2, Err(m))
            ]
        );
        r.drained(2, m);
        let got = pending(&mut r);
        assert_eq!(
            got[..2],
            [(2, deliver("d", 10, vec![10])), (2, caught_up("d", 10))]
        );
    }

    #[test]
    fn a_connection_gone_during_its_catch_up_is_forgotten() {
        let mut r = with_log(paged(2, usize::MAX), 2, "d", 5, 1);
        r.receive(2, &subscribe("d", 0), 0);
        let m = mark(&pending(&mut r), 2);
        r.disconnect(2);
        r.drained(2, m);
        assert_eq!(pending(&mut r), []);
        r.receive(1, &push("d", 6, &[6]), 0);
        assert_eq!(pending(&mut r).len(), 1, "only the Ack: nobody subscribed");
        // The number used again, the same frames queued: the old report means nothing to
        // the new connection's catch-up.
        r.connect(2, "a", 0);
        r.receive(2, &hello(2), 0);
        r.receive(2, &subscribe("d", 0), 0);
        let got = pending(&mut r);
        let new = mark(&got, 2);
        assert_ne!(new, m);
        r.drained(2, m);
        assert_eq!(pending(&mut r), []);
        r.drained(2, new);
        assert_eq!(pending(&mut r)[0], (2, deliver("d", 3, vec![3])));
    }

    #[test]
    fn several_documents_catch_up_in_turn_while_finished_ones_are_live() {
        let mut r = with_log(paged(2, usize::MAX), 2, "a", 3, 1);
        for i in 1..=3u8 {
            r.receive(1, &push("b", u64::from(i) + 3, &[i]), 0);
        }
        drain(&mut r);
        r.receive(2, &subscribe("a", 0), 0);
        r.receive(2, &subscribe("b", 0), 0);
        let got = pending(&mut r);
        let m = mark(&got, 2);
        assert_eq!(
            got,
            [
                (2, deliver("a", 1, vec![1])),
                (2, deliver("a", 2, vec![2])),
                (2, Err(m))
            ]
        );
        r.drained(2, m);
        let got = pending(&mut r);
        let m = mark(&got, 2);
        assert_eq!(
            got,
            [
                (2, deliver("a", 3, vec![3])),
                (2, caught_up("a", 3)),
                (2, deliver("b", 1, vec![1])),
                (2, Err(m))
            ]
        );
        // `a` is live while `b` still catches up.
        r.receive(1, &push("a", 7, &[9]), 0);
        assert_eq!(pending(&mut r)[1], (2, deliver("a", 4, vec![9])));
        r.drained(2, m);
        let got = pending(&mut r);
        assert_eq!(
            got[..3],
            [
                (2, deliver("b", 2, vec![2])),
                (2, deliver("b", 3, vec![3])),
                (2, caught_up("b", 3))
            ]
        );
    }

    #[test]
    fn subscribing_again_restarts_the_catch_up_with_a_caught_up_for_each_subscribe() {
        let mut r = with_log(paged(2, usize::MAX), 2, "d", 5, 1);
        r.receive(2, &subscribe("d", 0), 0);
        // While the first page is on its way: merged, from the earlier of the two points.
        r.receive(2, &subscribe("d", 1), 0);
        let mut seen = Vec::new();
        seen_by_2(&mut r, "d", &mut seen);
        assert_eq!(
            seen,
            [Ok(1), Ok(2), Ok(2), Ok(3), Ok(4), Ok(5), Err(5), Err(5)]
        );
        // Subscribing a live document again: no live delivery races the new catch-up.
        let mut r = with_log(paged(2, usize::MAX), 2, "d", 5, 1);
        r.receive(2, &subscribe("d", 5), 0);
        drain(&mut r);
        r.receive(2, &subscribe("d", 0), 0);
        let got = pending(&mut r);
        let m = mark(&got, 2);
        r.receive(1, &push("d", 6, &[6]), 0);
        r.drained(2, m);
        let mut seen = Vec::new();
        seen_by_2(&mut r, "d", &mut seen);
        assert_eq!(seen, [Ok(3), Ok(4), Ok(5), Ok(6), Err(6)]);
    }

    #[test]
    fn a_connection_subscribes_to_a_limited_number_of_documents() {
        let config = RelayConfig {
            max_docs_per_connection: 2,
            ..RelayConfig::default()
        };
        let mut r = with_log(RelayCore::new(MemoryStore::new(), config), 2, "a", 0, 0);
        // Conn 2 never reports anything sent, so only the first catch-up ends; the others
        // wait in its queue of catch-ups, which must not grow with every new name.
        r.receive(2, &subscribe("a", 0), 0);
        r.receive(2, &subscribe("b", 0), 0);
        // Subscribing again to a document it has, live or catching up, takes no more room.
        r.receive(2, &subscribe("a", 0), 0);
        r.receive(2, &subscribe("b", 0), 0);
        let got = pending(&mut r);
        assert!(
            got.iter()
                .all(|(_, m)| !matches!(m, Ok(Message::Error { .. }))),
            "{got:?}"
        );
        r.receive(2, &subscribe("c", 0), 0);
        assert_eq!(
            drain(&mut r),
            [
                (
                    2,
                    error(
                        ErrorCode::TooLarge,
                        "a connection may subscribe to at most 2 documents"
                    )
                ),
                (2, None)
            ]
        );
    }

    #[test]
    fn a_client_that_stops_reading_is_dropped_and_one_that_reads_is_not() {
        let config = RelayConfig {
            max_backlog_bytes: 2_000,
            report_every_bytes: 500,
            ..RelayConfig::default()
        };
        let mut r = with_log(RelayCore::new(MemoryStore::new(), config), 3, "d", 0, 0);
        r.receive(2, &subscribe("d", 0), 0);
        r.receive(3, &subscribe("d", 0), 0);
        drain(&mut r);
        let mut aborted = Vec::new();
        for i in 1..=40u64 {
            r.receive(1, &push("d", i, &[0; 200]), 0);
            while let Some(o) = r.poll_output() {
                match o {
                    // Conn 2 reads; conn 3 never does.
                    RelayOutput::ReportDrained { conn, mark } if conn != 3 => r.drained(conn, mark),
                    RelayOutput::Abort { conn, .. } => aborted.push((i, conn)),
                    RelayOutput::Close { conn, .. } => panic!("{conn} closed"),
                    _ => {}
                }
            }
        }
        // A delivery of 200 bytes is a 219-byte frame: ten of them are over 2,000 bytes.
        assert_eq!(aborted, [(11, 3)]);
        assert_eq!(
            r.connections(),
            3,
            "aborted, and gone once the IO layer says so"
        );
        r.disconnect(3);
        r.receive(1, &push("d", 41, b"x"), 0);
        let got = drain(&mut r);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1].0, 2);
    }

    #[test]
    fn idle_clients_are_forgotten_a_few_at_a_time_unless_connected() {
        let config = RelayConfig {
            forget_clients_after_ms: 1_000,
            forget_per_call: 2,
            ..RelayConfig::default()
        };
        let mut r = RelayCore::new(MemoryStore::new(), config);
        for c in 1..=4u8 {
            r.connect(c.into(), "a", 0);
            r.receive(c.into(), &hello(c), 0);
            r.receive(c.into(), &push("d", 1, &[c]), 0);
        }
        for c in 2..=4 {
            r.disconnect(c);
        }
        drain(&mut r);
        // Whether the store still knows `client`'s push 1 (as its entry `seq`); asking again
        // stores nothing when it does.
        let known = |r: &mut RelayCore<MemoryStore>, client: u8, seq: u64| {
            r.store_mut()
                .append(&ws(), "d", &[client; 16], 1, b"again", 0)
                .unwrap()
                == seq
        };
        let none = IdleClients::default();
        assert_eq!(
            r.maintain(500).unwrap(),
            none,
            "nobody idle long enough yet"
        );
        assert_eq!(
            r.maintain(59_000).unwrap(),
            none,
            "and no new look within a minute"
        );
        // Oldest first: client 1 is connected, so it is kept (and counts as used now).
        assert_eq!(
            r.maintain(61_000).unwrap(),
            IdleClients {
                forgotten: 1,
                renewed: 1
            }
        );
        assert!(known(&mut r, 1, 1));
        assert!(
            known(&mut r, 3, 3),
            "more than one call's worth: left for the next"
        );
        assert!(known(&mut r, 4, 4));
        assert_eq!(
            r.maintain(61_000).unwrap(),
            IdleClients {
                forgotten: 2,
                renewed: 0
            },
            "a full call goes on at once"
        );
        assert_eq!(r.maintain(61_000).unwrap(), none);
        assert!(known(&mut r, 1, 1));
        // Forgotten: the same push is now a new entry.
        assert!(!known(&mut r, 2, 2));
        assert!(!known(&mut r, 3, 3));
        assert!(!known(&mut r, 4, 4));
        assert_eq!(r.store().log_len(&ws(), "d"), 7);
    }

    #[test]
    fn a_failed_look_for_idle_clients_waits_a_minute_also_across_a_restart() {
        let mut r = relay();
        r.store_mut().set_failing(true);
        assert!(r.maintain(1_000).is_err());
        // The IO layer starts the core over after a failed commit; the store is no better.
        let mut r = r.restart();
        assert_eq!(
            r.maintain(2_000).unwrap(),
            IdleClients::default(),
            "not asked again at once"
        );
        assert!(r.maintain(61_000).is_err(), "asked again a minute later");
    }

    #[test]
    fn a_push_resent_after_its_client_was_forgotten_is_stored_and_delivered_again() {
        let config = RelayConfig {
            forget_clients_after_ms: 1_000,
            ..RelayConfig::default()
        };
        let mut r = RelayCore::new(MemoryStore::new(), config);
        for c in 1..=2u8 {
            r.connect(c.into(), "a", 0);
            r.receive(c.into(), &hello(c), 0);
            r.receive(c.into(), &subscribe("d", 0), 0);
        }
        r.receive(1, &push("d", 1, b"a"), 0);
        // The Ack never reaches client 1.
        r.disconnect(1);
        drain(&mut r);
        r.maintain(100_000).unwrap();
        r.connect(3, "a", 100_000);
        r.receive(3, &hello(1), 100_000);
        r.receive(3, &push("d", 1, b"a"), 100_000);
        assert_eq!(
            drain(&mut r),
            [
                (3, welcome(100_000)),
                (
                    3,
                    Some(Message::Ack {
                        doc: "d".into(),
                        client_seq: 1,
                        server_seq: 2
                    })
                ),
                (
                    2,
                    Some(Message::Deliver {
                        doc: "d".into(),
                        server_seq: 2,
                        envelope: b"a".to_vec()
                    })
                )
            ]
        );
    }

    /// A damaged store: lost every entry after 2, and hands back the start of the log
    /// whatever is asked.
    struct Lost(MemoryStore);

    impl RelayStore for Lost {
        type Error = MemoryStoreError;
        crate::delegate_relay_store!(
            0: workspace_token, replace_token, create_workspace, append, forget_idle_clients,
            snapshot, compact,
        );
        fn read_after(
            &self,
            w: &str,
            d: &str,
            _: u64,
            l: usize,
            b: usize,
        ) -> Result<Vec<(u64, Vec<u8>)>, Self::Error> {
            let mut page = self.0.read_after(w, d, 0, l, b)?;
            page.retain(|(seq, _)| *seq <= 2);
            Ok(page)
        }
    }

    #[test]
    fn a_catch_up_over_lost_entries_ends_instead_of_spinning() {
        let mut r = RelayCore::new(Lost(MemoryStore::new()), RelayConfig::default());
        r.connect(1, "a", 0);
        r.receive(1, &hello(1), 0);
        for i in 1..=5u8 {
            r.receive(1, &push("d", i.into(), &[i]), 0);
        }
        drain(&mut r);
        r.receive(1, &subscribe("d", 2), 0);
        assert_eq!(
            drain(&mut r),
            [(
                1,
                Some(Message::CaughtUp {
                    doc: "d".into(),
                    upto_seq: 5
                })
            )]
        );
    }
}
