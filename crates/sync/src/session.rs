//! The client side of sync, without IO.
//!
//! A [`ClientSession`] keeps one device's view of its workspace on the relay: the outbox of
//! sealed local changes not yet acknowledged, and per document the cursor (the highest server
//! sequence number whose content this device has). The browser adapter opens and closes the
//! WebSocket when told, sends what [`ClientSession::poll_transmit`] returns, feeds received
//! frames in, and acts on [`ClientSession::poll_event`]: applies remote changes to the
//! Automerge document and persists [`ClientSession::saved`] on [`Event::Changed`].
//!
//! The rules (PROTOCOL.md §5 says them for other implementations):
//!
//! - The cursor moves only in order: by a `Deliver` of exactly `cursor + 1`, by a `Snapshot`
//!   reaching past it, or over sequence numbers the relay acknowledged as this client's own
//!   pushes (the relay does not echo them, and this device has their content). It never
//!   jumps over another client's entry this device has not applied.
//! - A `Deliver` at or below the cursor is a duplicate and ignored. One beyond `cursor + 1` is
//!   a gap: unless a catch-up is already under way, the doc is subscribed again from the cursor.
//! - An envelope that does not open is reported as [`Event::Rejected`] and the document stops
//!   there for this connection: later entries are not applied (they may depend on it) and the
//!   document does not count as caught up. The next connection asks again from the same cursor,
//!   so a key update or a snapshot made by a colleague past the bad entry gets it going again.
//! - [`Connection::Synced`]: the relay welcomed this client, every known document's catch-up
//!   ended with a `CaughtUp` the cursor matches, and the outbox is empty.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Write as _;

use crate::backoff::Backoff;
use crate::envelope::{self, NONCE_LEN};
use crate::ids::{DocIdError, check_doc_id};
use crate::keys::{AccessToken, EncryptionKey, WorkspaceSecret};
use crate::wire::{self, ClientId, ErrorCode, Limits, Message, PROTOCOL_VERSION};

/// Pushes sent on one connection and not yet acknowledged. Keeps the burst after a long
/// offline stretch well under the relay's per-connection rate limit (200 messages in a
/// second by default); further pushes follow as acknowledgements return.
pub const MAX_PUSHES_IN_FLIGHT: usize = 32;

/// How often in a row one connection re-subscribes a document after gaps without the cursor
/// moving before giving up on it until the next connection. Gaps mean a faulty relay; retrying
/// forever without progress would loop.
const MAX_RESUBSCRIBES: u32 = 3;

/// One local change, sealed, waiting for the relay's `Ack`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub client_seq: u64,
    pub doc: String,
    pub envelope: Vec<u8>,
}

/// What a session needs to continue after a reload. Persist it on every [`Event::Changed`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedState {
    /// Ordered by `client_seq`.
    outbox: Vec<OutboxEntry>,
    next_client_seq: u64,
    /// Every known document with its cursor.
    cursors: BTreeMap<String, u64>,
}

/// Why bytes are not a saved state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SavedStateError {
    #[error("the bytes are not a saved sync state")]
    NotSavedState,
    #[error("saved sync state version {0} is unknown; this side reads version {SAVED_VERSION}")]
    UnknownVersion(u8),
    #[error("the saved sync state ends before its {0} is complete")]
    Truncated(&'static str),
    #[error("the saved sync state's {0} is not valid UTF-8")]
    InvalidUtf8(&'static str),
    #[error("the saved sync state names a malformed document: {0}")]
    BadDoc(DocIdError),
    #[error("the saved sync state lists document {0:?} twice or out of order")]
    DocOrder(String),
    #[error(
        "the saved sync state's outbox is out of order or numbered from 0 at client sequence number {0}"
    )]
    OutboxOrder(u64),
    #[error(
        "the saved sync state's outbox holds client sequence number {seq}, not below the next one, {next}"
    )]
    OutboxAhead { seq: u64, next: u64 },
    #[error("the saved sync state's outbox holds a change for {0:?}, which it does not list")]
    UnknownDoc(String),
    #[error("the saved sync state has {0} unexpected bytes after its end")]
    TrailingBytes(usize),
}

const SAVED_MAGIC: &[u8; 4] = b"HSSS";
const SAVED_VERSION: u8 = 1;

impl SavedState {
    /// The outbox, oldest first.
    pub fn outbox(&self) -> &[OutboxEntry] {
        &self.outbox
    }

    pub fn next_client_seq(&self) -> u64 {
        self.next_client_seq
    }

    /// Every known document and its cursor.
    pub fn cursors(&self) -> &BTreeMap<String, u64> {
        &self.cursors
    }

    /// Drops the outbox entries not sealed under `epoch` (the secret's), returning how many.
    /// A state saved by a link still running with an older secret can outlive the new one's
    /// arrival; sent under the new token, its entries would be stored where members who hold
    /// only the new secret cannot read them. The application offers their changes again
    /// under the new key instead.
    pub fn keep_epoch(&mut self, epoch: u32) -> usize {
        let before = self.outbox.len();
        self.outbox
            .retain(|e| envelope::envelope_epoch(&e.envelope).is_ok_and(|at| at == epoch));
        before - self.outbox.len()
    }

    /// `"HSSS" ‖ version 1 ‖ next_client_seq u64 ‖ doc count u32 ‖ (doc, cursor u64)* ‖
    /// outbox count u32 ‖ (client_seq u64, doc, envelope)*`, integers little-endian, `doc` and
    /// `envelope` each a u32 length and the bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let size: usize = self
            .outbox
            .iter()
            .map(|e| 16 + e.doc.len() + e.envelope.len())
            .sum();
        let mut out = Vec::with_capacity(32 + size + 16 * self.cursors.len());
        out.extend_from_slice(SAVED_MAGIC);
        out.push(SAVED_VERSION);
        out.extend_from_slice(&self.next_client_seq.to_le_bytes());
        put_len(&mut out, self.cursors.len());
        for (doc, cursor) in &self.cursors {
            put_bytes(&mut out, doc.as_bytes());
            out.extend_from_slice(&cursor.to_le_bytes());
        }
        put_len(&mut out, self.outbox.len());
        for e in &self.outbox {
            out.extend_from_slice(&e.client_seq.to_le_bytes());
            put_bytes(&mut out, e.doc.as_bytes());
            put_bytes(&mut out, &e.envelope);
        }
        out
    }

    /// Reads what [`SavedState::to_bytes`] wrote, and nothing else: every invariant a session
    /// relies on is checked, so a damaged state is refused rather than half-used.
    pub fn from_bytes(bytes: &[u8]) -> Result<SavedState, SavedStateError> {
        let mut r = SavedReader(bytes);
        if r.take(SAVED_MAGIC.len(), "marker").ok() != Some(SAVED_MAGIC.as_slice()) {
            return Err(SavedStateError::NotSavedState);
        }
        let [version] = r.array::<1>("version")?;
        if version != SAVED_VERSION {
            return Err(SavedStateError::UnknownVersion(version));
        }
        let next_client_seq = r.u64("next client sequence number")?;
        // Counts are checked against the smallest entry, so a bad count cannot allocate.
        let docs = r.count("document count", 4 + 1 + 8)?;
        let mut cursors = BTreeMap::new();
        for _ in 0..docs {
            let doc = r.doc()?;
            let cursor = r.u64("cursor")?;
            if cursors
                .last_key_value()
                .is_some_and(|(last, _)| *last >= doc)
            {
                return Err(SavedStateError::DocOrder(doc));
            }
            cursors.insert(doc, cursor);
        }
        let entries = r.count("outbox count", 8 + 4 + 1 + 4)?;
        let mut outbox = Vec::with_capacity(entries);
        let mut last = 0;
        for _ in 0..entries {
            let client_seq = r.u64("client sequence number")?;
            let doc = r.doc()?;
            let len = r.len("envelope")?;
            let envelope = r.take(len, "envelope")?.to_vec();
            if client_seq <= last {
                return Err(SavedStateError::OutboxOrder(client_seq));
            }
            if client_seq >= next_client_seq {
                return Err(SavedStateError::OutboxAhead {
                    seq: client_seq,
                    next: next_client_seq,
                });
            }
            if !cursors.contains_key(&doc) {
                return Err(SavedStateError::UnknownDoc(doc));
            }
            last = client_seq;
            outbox.push(OutboxEntry {
                client_seq,
                doc,
                envelope,
            });
        }
        if !r.0.is_empty() {
            return Err(SavedStateError::TrailingBytes(r.0.len()));
        }
        Ok(SavedState {
            outbox,
            next_client_seq,
            cursors,
        })
    }
}

fn put_len(out: &mut Vec<u8>, len: usize) {
    // Beyond u32 cannot be described; such a state (4 Gi documents) cannot exist in a browser.
    out.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    put_len(out, bytes.len());
    out.extend_from_slice(bytes);
}

struct SavedReader<'a>(&'a [u8]);

impl<'a> SavedReader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], SavedStateError> {
        if n > self.0.len() {
            return Err(SavedStateError::Truncated(field));
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], SavedStateError> {
        let (head, tail) = self
            .0
            .split_first_chunk::<N>()
            .ok_or(SavedStateError::Truncated(field))?;
        self.0 = tail;
        Ok(*head)
    }

    fn u64(&mut self, field: &'static str) -> Result<u64, SavedStateError> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    fn len(&mut self, field: &'static str) -> Result<usize, SavedStateError> {
        let len = u32::from_le_bytes(self.array(field)?) as usize;
        if len > self.0.len() {
            return Err(SavedStateError::Truncated(field));
        }
        Ok(len)
    }

    fn count(&mut self, field: &'static str, min_entry: usize) -> Result<usize, SavedStateError> {
        let count = u32::from_le_bytes(self.array(field)?) as usize;
        if count > self.0.len() / min_entry {
            return Err(SavedStateError::Truncated(field));
        }
        Ok(count)
    }

    fn doc(&mut self) -> Result<String, SavedStateError> {
        let len = self.len("document id")?;
        let bytes = self.take(len, "document id")?;
        let doc =
            std::str::from_utf8(bytes).map_err(|_| SavedStateError::InvalidUtf8("document id"))?;
        check_doc_id(doc, Limits::default().max_id as usize).map_err(SavedStateError::BadDoc)?;
        Ok(doc.to_owned())
    }
}

/// What the application is to do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Decrypted remote changes (an Automerge change chunk or a whole saved document) to apply.
    Apply {
        doc: String,
        data: Vec<u8>,
    },
    /// The relay stored these local changes; they may leave the outbox (already removed from
    /// saved()).
    Acked {
        doc: String,
        client_seq: u64,
    },
    /// A received envelope failed authentication/decryption: reported, never applied (see the
    /// module docs for what happens to the document). Also a local change, snapshot or signal
    /// this session could not send at all (a malformed document id, too large for the relay);
    /// `doc` is empty for signals.
    Rejected {
        doc: String,
        reason: String,
    },
    /// The relay refused something (an `Error` message), or misbehaved. `fatal` when the relay
    /// closes the connection after it: every code but `PeerUnavailable` (PROTOCOL.md).
    RelayError {
        code: ErrorCode,
        message: String,
        fatal: bool,
    },
    /// Status changed (see `status()`); the outbox or cursors changed: persist `saved()`.
    /// Comes after the `Apply` it follows from, so a document persisted before `saved()` is
    /// never behind the cursor persisted with it.
    Changed,
    Signal {
        from: ClientId,
        data: Vec<u8>,
    },
    /// The other clients connected to the workspace through the relay; empty once the
    /// connection is lost.
    Peers {
        clients: Vec<ClientId>,
    },
    /// The relay lost entries of `doc` this device had (restored from a backup), its own
    /// acknowledged changes perhaps among them: push the whole document again (`push` with
    /// a saved copy), so nothing made here stays known to this device alone.
    Repush {
        doc: String,
    },
}

/// Where the connection to the relay stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connection {
    /// No transport; see [`ClientSession::reconnect_at`].
    Offline,
    /// The transport is opening, or open and waiting for `Welcome`.
    Connecting,
    /// Welcomed; catching up or pushing.
    Syncing,
    /// Welcomed, every known document caught up, nothing left to push.
    Synced,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub connection: Connection,
    /// Outbox length.
    pub pending: usize,
    /// The last moment this session is known to have been [`Connection::Synced`]: when it got
    /// there, and kept current by what it receives while there and by the disconnect ending it.
    pub last_synced_ms: Option<i64>,
}

#[derive(Debug, Clone)]
struct DocState {
    cursor: u64,
    /// Sequence numbers above the cursor the relay acknowledged as this client's own.
    own: BTreeSet<u64>,
    /// `Subscribe`s sent on this connection whose `CaughtUp` has not arrived.
    subscribing: u32,
    caught_up: bool,
    /// An entry failed to open; nothing more is applied on this connection.
    blocked: bool,
    /// Re-subscriptions since the cursor last moved.
    resubscribes: u32,
}

impl DocState {
    fn new(cursor: u64) -> Self {
        Self {
            cursor,
            own: BTreeSet::new(),
            subscribing: 0,
            caught_up: false,
            blocked: false,
            resubscribes: 0,
        }
    }

    /// Moves the cursor over this client's own entries right after it.
    fn pass_own(&mut self) {
        self.own.retain(|&s| s > self.cursor);
        while let Some(next) = self.cursor.checked_add(1)
            && self.own.remove(&next)
        {
            self.cursor = next;
        }
    }
}

enum Link {
    Offline,
    /// The caller is opening a transport (see [`ClientSession::connecting`]).
    Opening,
    Open {
        welcomed: bool,
        /// Client sequence numbers pushed on this connection and not yet acknowledged.
        in_flight: BTreeSet<u64>,
        /// The highest client sequence number pushed on this connection: pushes go out in
        /// order, which the relay's "not greater than the last one" dedup relies on.
        pushed_through: u64,
        /// Reached `Synced`: the backoff starts over when this connection ends.
        worked: bool,
    },
}

/// One device's sync session with the relay for one workspace.
pub struct ClientSession {
    workspace: String,
    key: EncryptionKey,
    /// Keys of earlier epochs, for entries sealed before a rotation this session made.
    old_keys: BTreeMap<u32, EncryptionKey>,
    epoch: u32,
    /// A rotation sent: the `Ping` nonce whose `Pong` says every older entry has arrived,
    /// then `true` once it has and the relay's log awaits a snapshot under the new key.
    rekey: Option<(u64, bool)>,
    token: AccessToken,
    client: ClientId,
    limits: Limits,
    docs: BTreeMap<String, DocState>,
    outbox: BTreeMap<u64, OutboxEntry>,
    next_client_seq: u64,
    link: Link,
    backoff: Backoff,
    reconnect_at: Option<i64>,
    last_synced_ms: Option<i64>,
    transmit: VecDeque<Vec<u8>>,
    events: VecDeque<Event>,
    /// The outbox or a cursor changed since the last `Changed`.
    dirty: bool,
}

impl ClientSession {
    /// `client` must be fresh random bytes for each session (each page load), or else be
    /// persisted with `saved` and never paired with an older saved state: the relay drops a
    /// push whose client_seq it has already seen from that client, so a client id reused with
    /// a client_seq counter that went back would lose changes while acknowledging them.
    pub fn new(
        workspace: String,
        secret: WorkspaceSecret,
        client: ClientId,
        mut saved: SavedState,
        now_ms: i64,
    ) -> ClientSession {
        saved.keep_epoch(secret.epoch());
        let mut docs: BTreeMap<String, DocState> = saved
            .cursors
            .into_iter()
            .map(|(doc, cursor)| (doc, DocState::new(cursor)))
            .collect();
        let mut outbox = BTreeMap::new();
        for entry in saved.outbox {
            docs.entry(entry.doc.clone())
                .or_insert_with(|| DocState::new(0));
            outbox.insert(entry.client_seq, entry);
        }
        let after_outbox = outbox
            .last_key_value()
            .map_or(1, |(seq, _)| seq.saturating_add(1));
        ClientSession {
            workspace,
            key: secret.encryption_key(),
            old_keys: BTreeMap::new(),
            epoch: secret.epoch(),
            rekey: None,
            token: secret.access_token(),
            client,
            limits: Limits::default(),
            docs,
            outbox,
            next_client_seq: saved.next_client_seq.max(after_outbox).max(1),
            link: Link::Offline,
            backoff: Backoff::default(),
            reconnect_at: Some(now_ms),
            last_synced_ms: None,
            transmit: VecDeque::new(),
            events: VecDeque::new(),
            dirty: false,
        }
    }

    pub fn client(&self) -> ClientId {
        self.client
    }

    /// The epoch of the secret this session seals with (it moves on with `rotate`).
    pub fn epoch(&self) -> u32 {
        self.epoch
    }

    /// Optional: the caller started opening a transport. Status shows `Connecting` and
    /// `reconnect_at` is None until `connected` or `disconnected`.
    pub fn connecting(&mut self, _now_ms: i64) {
        let before = self.status_key();
        if matches!(self.link, Link::Offline) {
            self.link = Link::Opening;
            self.reconnect_at = None;
        }
        self.finish(before, None);
    }

    /// The transport opened: sends Hello, Subscribe{doc, since: cursor} for every known doc,
    /// then the whole outbox again (the relay dedups), oldest first and at most
    /// [`MAX_PUSHES_IN_FLIGHT`] unacknowledged at a time.
    ///
    /// None of it waits for the `Welcome`: the relay handles a connection's messages in order
    /// and ignores the rest if it refuses the `Hello`.
    pub fn connected(&mut self, now_ms: i64) {
        let before = self.status_key();
        self.transmit.clear();
        self.link = Link::Open {
            welcomed: false,
            in_flight: BTreeSet::new(),
            pushed_through: 0,
            worked: false,
        };
        self.reconnect_at = None;
        self.send(&Message::Hello {
            version: PROTOCOL_VERSION,
            workspace: self.workspace.clone(),
            token: self.token.clone(),
            client: self.client,
        });
        let mut subscribes = Vec::new();
        for (doc, state) in &mut self.docs {
            *state = DocState {
                own: std::mem::take(&mut state.own),
                subscribing: 1,
                ..DocState::new(state.cursor)
            };
            subscribes.push(Message::Subscribe {
                doc: doc.clone(),
                since: state.cursor,
            });
        }
        for m in &subscribes {
            self.send(m);
        }
        self.fill_window();
        self.finish(before, Some(now_ms));
    }

    /// The transport closed or failed (also a failed attempt to open one): schedules a reconnect
    /// with exponential backoff and jitter (`jitter` is caller randomness). The backoff starts
    /// over after a connection that reached `Synced`.
    pub fn disconnected(&mut self, now_ms: i64, jitter: u64) {
        let before = self.status_key();
        if before.0 == Connection::Synced {
            self.last_synced_ms = Some(now_ms);
        }
        if matches!(self.link, Link::Open { worked: true, .. }) {
            self.backoff.reset();
        }
        let was_open = matches!(self.link, Link::Open { .. });
        self.link = Link::Offline;
        self.transmit.clear();
        for state in self.docs.values_mut() {
            state.subscribing = 0;
            state.caught_up = false;
        }
        if was_open {
            self.events.push_back(Event::Peers {
                clients: Vec::new(),
            });
        }
        let delay = i64::try_from(self.backoff.next_delay_ms(jitter)).unwrap_or(i64::MAX);
        self.reconnect_at = Some(now_ms.saturating_add(delay));
        self.finish(before, None);
    }

    /// One frame from the relay.
    pub fn received(&mut self, bytes: &[u8], now_ms: i64) {
        // Frames of a connection already reported closed belong to no connection.
        if !matches!(self.link, Link::Open { .. }) {
            return;
        }
        let before = self.status_key();
        if before.0 == Connection::Synced {
            self.last_synced_ms = Some(now_ms);
        }
        match wire::decode(bytes, &self.limits) {
            Ok(message) => self.handle(message),
            Err(e) => self.events.push_back(Event::RelayError {
                code: ErrorCode::BadMessage,
                message: format!("the relay sent a message this client cannot read: {e}"),
                fatal: false,
            }),
        }
        self.fill_window();
        self.finish(before, Some(now_ms));
    }

    /// A local change: sealed (with `nonce`) into the outbox at once (so it survives a reload
    /// once saved() is persisted) and pushed if connected. A document pushed to for the first
    /// time becomes known (subscribed).
    pub fn push(&mut self, doc: &str, data: &[u8], nonce: [u8; NONCE_LEN]) {
        let before = self.status_key();
        if let Some(envelope) = self.seal_for_relay(doc, data, nonce, "change") {
            self.ensure_doc(doc);
            let client_seq = self.next_client_seq;
            self.next_client_seq = client_seq.saturating_add(1);
            self.outbox.insert(
                client_seq,
                OutboxEntry {
                    client_seq,
                    doc: doc.to_owned(),
                    envelope,
                },
            );
            self.dirty = true;
            self.fill_window();
        }
        self.finish(before, None);
    }

    /// Makes `doc` known: its changes are fetched from cursor 0 and kept up to date.
    pub fn subscribe(&mut self, doc: &str) {
        let before = self.status_key();
        match check_doc_id(doc, self.limits.max_id as usize) {
            Ok(()) => self.ensure_doc(doc),
            Err(e) => self.events.push_back(Event::Rejected {
                doc: doc.to_owned(),
                reason: format!("not subscribed: {e}"),
            }),
        }
        self.finish(before, None);
    }

    /// Whether [`ClientSession::compact`] would send anything now: connected, something
    /// received, and no own change of `doc` waiting for its `Ack`. Lets the caller skip
    /// making the snapshot.
    ///
    /// Why the outbox must be empty: the snapshot holds every change the document has, and one
    /// not yet in the log would reach others through it before its own entry. A colleague's
    /// change building on it could then be logged first, and a device that never loads this
    /// snapshot would get that change before what it depends on.
    pub fn can_compact(&self, doc: &str) -> bool {
        matches!(self.link, Link::Open { .. })
            && self.cursor(doc) > 0
            && !self.outbox.values().any(|e| e.doc == doc)
    }

    /// Removes members: from now on the relay admits only `secret`'s token, every other
    /// connection is closed, and this session seals with the new key. Then, once the relay has
    /// answered a `Ping` sent after the `Rotate` (so every entry sealed under the old key has
    /// arrived here), [`ClientSession::rekey_due`] says to compact `doc` under the new key, so
    /// that a member joining with the new secret can read the whole log. Only while connected
    /// with nothing waiting to go out (an outbox sealed under the old key would stay
    /// unreadable to them); `false` otherwise, and nothing changes.
    pub fn rotate(&mut self, secret: &WorkspaceSecret, ping: u64) -> bool {
        if !matches!(self.link, Link::Open { welcomed: true, .. })
            || !self.outbox.is_empty()
            || secret.epoch() <= self.epoch
        {
            return false;
        }
        let old = std::mem::replace(&mut self.key, secret.encryption_key());
        self.old_keys.insert(self.epoch, old);
        self.epoch = secret.epoch();
        self.token = secret.access_token();
        self.send(&Message::Rotate {
            token: self.token.clone(),
        });
        self.send(&Message::Ping { nonce: ping });
        self.rekey = Some((ping, false));
        true
    }

    /// Whether the snapshot under the new key is due (see [`ClientSession::rotate`]); the
    /// caller then calls [`ClientSession::compact`], which ends it.
    pub fn rekey_due(&self, doc: &str) -> bool {
        matches!(self.rekey, Some((_, true))) && self.can_compact(doc)
    }

    fn open_any_epoch(
        &self,
        doc: &str,
        envelope: &[u8],
    ) -> Result<Vec<u8>, envelope::EnvelopeError> {
        let key = envelope::envelope_epoch(envelope)
            .ok()
            .and_then(|e| self.old_keys.get(&e))
            .unwrap_or(&self.key);
        envelope::open(key, &self.workspace, doc, envelope)
    }

    /// Client-initiated compaction: a snapshot of the whole doc as of cursor(doc) (the caller
    /// guarantees it includes everything received up to that seq and its own acked changes).
    /// Ignored unless [`ClientSession::can_compact`]; the relay does not answer it.
    pub fn compact(&mut self, doc: &str, snapshot: &[u8], nonce: [u8; NONCE_LEN]) {
        if !self.can_compact(doc) {
            return;
        }
        let before = self.status_key();
        if let Some(envelope) = self.seal_for_relay(doc, snapshot, nonce, "snapshot") {
            if matches!(self.rekey, Some((_, true))) {
                self.rekey = None;
            }
            self.send(&Message::Compact {
                doc: doc.to_owned(),
                upto_seq: self.cursor(doc),
                envelope,
            });
        }
        self.finish(before, None);
    }

    /// Sends `data` sealed to client `to` of this workspace, if connected; dropped otherwise
    /// (signaling is only meaningful live).
    pub fn signal(&mut self, to: ClientId, data: &[u8], nonce: [u8; NONCE_LEN]) {
        if !matches!(self.link, Link::Open { .. }) {
            return;
        }
        let label = signal_label(&self.client, &to);
        match envelope::seal(&self.key, nonce, &self.workspace, &label, data) {
            Ok(envelope) if envelope.len() <= self.limits.max_envelope as usize => {
                self.send(&Message::Signal {
                    to,
                    from: self.client,
                    envelope,
                });
            }
            _ => self.events.push_back(Event::Rejected {
                doc: String::new(),
                reason: format!("signal not sent: {} bytes is too large", data.len()),
            }),
        }
    }

    /// Seals a direct-link code (an offer or answer passed by hand, with no relay) as text:
    /// `hearth-<purpose>:` and the envelope in base64url. Only a member of the workspace can
    /// open it, and a code made for one purpose does not open as another.
    pub fn seal_code(&self, purpose: &str, data: &[u8], nonce: [u8; NONCE_LEN]) -> Option<String> {
        let sealed = envelope::seal(
            &self.key,
            nonce,
            &self.workspace,
            &code_label(purpose),
            data,
        )
        .ok()?;
        Some(format!("hearth-{purpose}:{}", base64url(&sealed)))
    }

    /// Opens a code from [`ClientSession::seal_code`] (surrounding white space ignored).
    pub fn open_code(&self, purpose: &str, text: &str) -> Result<Vec<u8>, CodeError> {
        let body = text
            .trim()
            .strip_prefix(&format!("hearth-{purpose}:"))
            .ok_or(CodeError::NotThisKind)?;
        let sealed = from_base64url(body).ok_or(CodeError::Damaged)?;
        envelope::open(&self.key, &self.workspace, &code_label(purpose), &sealed)
            .map_err(|_| CodeError::NotThisWorkspace)
    }

    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        self.transmit.pop_front()
    }

    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// When the caller should open a new connection (None while connected or connecting).
    pub fn reconnect_at(&self) -> Option<i64> {
        match self.link {
            Link::Offline => self.reconnect_at,
            _ => None,
        }
    }

    pub fn status(&self) -> Status {
        let (connection, pending) = self.status_key();
        Status {
            connection,
            pending,
            last_synced_ms: self.last_synced_ms,
        }
    }

    pub fn saved(&self) -> SavedState {
        SavedState {
            outbox: self.outbox.values().cloned().collect(),
            next_client_seq: self.next_client_seq,
            cursors: self
                .docs
                .iter()
                .map(|(doc, state)| (doc.clone(), state.cursor))
                .collect(),
        }
    }

    /// The highest server_seq of `doc` whose content this device has (0: none, or unknown doc).
    pub fn cursor(&self, doc: &str) -> u64 {
        self.docs.get(doc).map_or(0, |d| d.cursor)
    }

    fn status_key(&self) -> (Connection, usize) {
        let connection = match &self.link {
            Link::Offline => Connection::Offline,
            Link::Opening
            | Link::Open {
                welcomed: false, ..
            } => Connection::Connecting,
            Link::Open { welcomed: true, .. } => {
                if self.outbox.is_empty() && self.docs.values().all(|d| d.caught_up) {
                    Connection::Synced
                } else {
                    Connection::Syncing
                }
            }
        };
        (connection, self.outbox.len())
    }

    /// Ends every public call: one `Changed` for whatever the call changed.
    fn finish(&mut self, before: (Connection, usize), now_ms: Option<i64>) {
        let after = self.status_key();
        if after.0 == Connection::Synced && before.0 != Connection::Synced {
            if let Some(now) = now_ms {
                self.last_synced_ms = Some(now);
            }
            if let Link::Open { worked, .. } = &mut self.link {
                *worked = true;
            }
        }
        if after != before || self.dirty {
            self.dirty = false;
            self.events.push_back(Event::Changed);
        }
    }

    fn send(&mut self, message: &Message) {
        self.transmit.push_back(wire::encode(message));
    }

    /// Seals `data` for `doc`, or reports why it cannot go to the relay.
    fn seal_for_relay(
        &mut self,
        doc: &str,
        data: &[u8],
        nonce: [u8; NONCE_LEN],
        what: &str,
    ) -> Option<Vec<u8>> {
        let refused = |reason: String| Event::Rejected {
            doc: doc.to_owned(),
            reason: format!("{what} not sent: {reason}"),
        };
        if let Err(e) = check_doc_id(doc, self.limits.max_id as usize) {
            self.events.push_back(refused(e.to_string()));
            return None;
        }
        match envelope::seal(&self.key, nonce, &self.workspace, doc, data) {
            Ok(envelope) if envelope.len() <= self.limits.max_envelope as usize => Some(envelope),
            Ok(envelope) => {
                // The relay would refuse it and close the connection, on every reconnect.
                self.events.push_back(refused(format!(
                    "sealed it is {} bytes; the relay takes at most {}",
                    envelope.len(),
                    self.limits.max_envelope
                )));
                None
            }
            Err(e) => {
                self.events.push_back(refused(e.to_string()));
                None
            }
        }
    }

    fn ensure_doc(&mut self, doc: &str) {
        if self.docs.contains_key(doc) {
            return;
        }
        let mut state = DocState::new(0);
        if matches!(self.link, Link::Open { .. }) {
            state.subscribing = 1;
            self.send(&Message::Subscribe {
                doc: doc.to_owned(),
                since: 0,
            });
        }
        self.docs.insert(doc.to_owned(), state);
        self.dirty = true;
    }

    /// Pushes outbox entries not yet sent on this connection, oldest first, while fewer than
    /// [`MAX_PUSHES_IN_FLIGHT`] await their `Ack`.
    fn fill_window(&mut self) {
        let Link::Open {
            in_flight,
            pushed_through,
            ..
        } = &mut self.link
        else {
            return;
        };
        let Some(from) = pushed_through.checked_add(1) else {
            return;
        };
        for (&seq, entry) in self.outbox.range(from..) {
            if in_flight.len() >= MAX_PUSHES_IN_FLIGHT {
                break;
            }
            self.transmit.push_back(wire::encode(&Message::Push {
                doc: entry.doc.clone(),
                client_seq: seq,
                envelope: entry.envelope.clone(),
            }));
            in_flight.insert(seq);
            *pushed_through = seq;
        }
    }

    fn handle(&mut self, message: Message) {
        match message {
            Message::Welcome { .. } => {
                if let Link::Open { welcomed, .. } = &mut self.link {
                    *welcomed = true;
                }
            }
            Message::Error { code, message } => self.events.push_back(Event::RelayError {
                code,
                message,
                fatal: code != ErrorCode::PeerUnavailable,
            }),
            Message::Ack {
                doc,
                client_seq,
                server_seq,
            } => self.on_ack(doc, client_seq, server_seq),
            Message::Deliver {
                doc,
                server_seq,
                envelope,
            } => self.on_deliver(doc, server_seq, &envelope),
            Message::Snapshot {
                doc,
                upto_seq,
                envelope,
            } => self.on_snapshot(doc, upto_seq, &envelope),
            Message::CaughtUp { doc, upto_seq } => self.on_caught_up(&doc, upto_seq),
            Message::Signal { to, from, envelope } => self.on_signal(to, from, &envelope),
            Message::Ping { nonce } => self.send(&Message::Pong { nonce }),
            Message::Pong { nonce } => {
                if let Some((ping, ready)) = &mut self.rekey
                    && *ping == nonce
                {
                    *ready = true;
                }
            }
            Message::Peers { clients } => {
                let me = self.client;
                let clients = clients.into_iter().filter(|c| *c != me).collect();
                self.events.push_back(Event::Peers { clients });
            }
            other @ (Message::Hello { .. }
            | Message::Push { .. }
            | Message::Subscribe { .. }
            | Message::Compact { .. }
            | Message::Rotate { .. }) => self.events.push_back(Event::RelayError {
                code: ErrorCode::BadMessage,
                message: format!("the relay sent {}, which only clients send", other.name()),
                fatal: false,
            }),
        }
    }

    fn on_ack(&mut self, doc: String, client_seq: u64, server_seq: u64) {
        if let Link::Open { in_flight, .. } = &mut self.link {
            in_flight.remove(&client_seq);
        }
        if self
            .outbox
            .get(&client_seq)
            .is_some_and(|entry| entry.doc == doc)
        {
            self.outbox.remove(&client_seq);
            self.dirty = true;
            self.events.push_back(Event::Acked {
                doc: doc.clone(),
                client_seq,
            });
        }
        // Even a repeated Ack names an entry of this client (the relay answers a repeat with
        // the client's last entry), so the cursor may pass it.
        if let Some(state) = self.docs.get_mut(&doc) {
            let cursor = state.cursor;
            if server_seq > cursor {
                state.own.insert(server_seq);
                state.pass_own();
                self.dirty |= state.cursor != cursor;
            }
        }
    }

    fn on_deliver(&mut self, doc: String, seq: u64, envelope: &[u8]) {
        let Some(state) = self.docs.get(&doc) else {
            return;
        };
        if seq <= state.cursor || state.blocked {
            return;
        }
        if Some(seq) != state.cursor.checked_add(1) {
            self.gap(&doc);
            return;
        }
        let opened = self.open_any_epoch(&doc, envelope);
        self.apply(doc, seq, opened, "entry");
    }

    fn on_snapshot(&mut self, doc: String, upto: u64, envelope: &[u8]) {
        let Some(state) = self.docs.get(&doc) else {
            return;
        };
        if upto <= state.cursor {
            return;
        }
        let opened = self.open_any_epoch(&doc, envelope);
        self.apply(doc, upto, opened, "snapshot up to");
    }

    /// Hands opened content to the application and moves the cursor to `seq`, or stops the
    /// document at a bad envelope.
    fn apply(
        &mut self,
        doc: String,
        seq: u64,
        opened: Result<Vec<u8>, envelope::EnvelopeError>,
        what: &str,
    ) {
        let Some(state) = self.docs.get_mut(&doc) else {
            return;
        };
        match opened {
            Ok(data) => {
                state.cursor = seq;
                state.blocked = false;
                state.resubscribes = 0;
                state.pass_own();
                self.dirty = true;
                self.events.push_back(Event::Apply { doc, data });
            }
            Err(e) => {
                state.blocked = true;
                state.caught_up = false;
                self.events.push_back(Event::Rejected {
                    doc,
                    reason: format!("{what} {seq}: {e}"),
                });
            }
        }
    }

    /// Entries between the cursor and what arrived are missing: ask again from the cursor,
    /// unless a catch-up already under way will bring them.
    fn gap(&mut self, doc: &str) {
        let Some(state) = self.docs.get_mut(doc) else {
            return;
        };
        state.caught_up = false;
        if state.subscribing > 0 || state.blocked {
            return;
        }
        if state.resubscribes >= MAX_RESUBSCRIBES {
            state.blocked = true;
            self.events.push_back(Event::RelayError {
                code: ErrorCode::Internal,
                message: format!(
                    "the relay keeps skipping entries of {doc} after {}; waiting for the next connection",
                    state.cursor
                ),
                fatal: false,
            });
            return;
        }
        state.resubscribes += 1;
        state.subscribing = 1;
        let since = state.cursor;
        self.send(&Message::Subscribe {
            doc: doc.to_owned(),
            since,
        });
    }

    fn on_caught_up(&mut self, doc: &str, upto: u64) {
        let Some(state) = self.docs.get_mut(doc) else {
            return;
        };
        state.subscribing = state.subscribing.saturating_sub(1);
        if state.subscribing > 0 || state.blocked {
            return;
        }
        if state.cursor == upto {
            state.caught_up = true;
        } else if state.cursor < upto {
            self.gap(doc);
        } else {
            // The relay's log ends before what this device already has: it lost entries
            // (restored from a backup), and may have numbered new ones from `upto + 1` since,
            // which staying ahead would skip. Its whole log again (what this device has
            // already applies as nothing new), and this device's document offered whole: its
            // own changes the relay lost go out again.
            let cursor = state.cursor;
            state.cursor = 0;
            state.own.clear();
            state.subscribing = 1;
            self.dirty = true;
            self.send(&Message::Subscribe {
                doc: doc.to_owned(),
                since: 0,
            });
            self.events.push_back(Event::RelayError {
                code: ErrorCode::Internal,
                message: format!(
                    "the relay's log of {doc} ends at {upto}, before {cursor} which this device has; it lost entries: downloading it again and sending this device's copy"
                ),
                fatal: false,
            });
            self.events.push_back(Event::Repush {
                doc: doc.to_owned(),
            });
        }
    }

    fn on_signal(&mut self, to: ClientId, from: ClientId, envelope: &[u8]) {
        if to != self.client {
            return;
        }
        let label = signal_label(&from, &to);
        match envelope::open(&self.key, &self.workspace, &label, envelope) {
            Ok(data) => self.events.push_back(Event::Signal { from, data }),
            Err(e) => self.events.push_back(Event::Rejected {
                doc: String::new(),
                reason: format!("a signal from {}: {e}", hex(&from)),
            }),
        }
    }
}

fn code_label(purpose: &str) -> String {
    format!("direct/{purpose}")
}

/// Why a direct-link code does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("this is not a direct-link code of the expected kind")]
    NotThisKind,
    #[error("the code is damaged (was it copied whole?)")]
    Damaged,
    #[error("the code was made for another workspace, or changed on the way")]
    NotThisWorkspace,
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn from_base64url(text: &str) -> Option<Vec<u8>> {
    let values: Vec<u8> = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|b| B64.iter().position(|&c| c == b).map(|p| p as u8))
        .collect::<Option<_>>()?;
    if values.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(values.len() * 3 / 4);
    for chunk in values.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, v)| n | u32::from(*v) << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// The label a signal is sealed under in place of a document id: binding both ends, so the
/// relay can neither redirect a signal to another client nor pass it off as someone else's.
/// It contains '/', which no document id does.
pub fn signal_label(from: &ClientId, to: &ClientId) -> String {
    format!("signal/{}/{}", hex(from), hex(to))
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crm_core::Id;

    const DOC: &str = "workspace";

    fn ws() -> String {
        Id::from_bytes([42; 16]).to_string()
    }

    fn secret() -> WorkspaceSecret {
        WorkspaceSecret::new([1; 32], 0)
    }

    fn session(saved: SavedState) -> ClientSession {
        ClientSession::new(ws(), secret(), [9; 16], saved, 0)
    }

    fn seal(doc: &str, data: &[u8]) -> Vec<u8> {
        envelope::seal(&secret().encryption_key(), [5; 24], &ws(), doc, data).unwrap()
    }

    fn sent(s: &mut ClientSession) -> Vec<Message> {
        std::iter::from_fn(|| s.poll_transmit())
            .map(|b| wire::decode(&b, &Limits::default()).unwrap())
            .collect()
    }

    fn events(s: &mut ClientSession) -> Vec<Event> {
        std::iter::from_fn(|| s.poll_event()).collect()
    }

    fn recv(s: &mut ClientSession, m: Message) {
        s.received(&wire::encode(&m), 1);
    }

    fn deliver(seq: u64, data: &[u8]) -> Message {
        Message::Deliver {
            doc: DOC.into(),
            server_seq: seq,
            envelope: seal(DOC, data),
        }
    }

    fn caught_up(upto: u64) -> Message {
        Message::CaughtUp {
            doc: DOC.into(),
            upto_seq: upto,
        }
    }

    fn apply(data: &[u8]) -> Event {
        Event::Apply {
            doc: DOC.into(),
            data: data.to_vec(),
        }
    }

    /// A session connected and welcomed, subscribed to DOC, with nothing sent or reported.
    fn online() -> ClientSession {
        let mut s = session(SavedState::default());
        s.subscribe(DOC);
        s.connected(0);
        recv(&mut s, Message::Welcome { server_time_ms: 0 });
        sent(&mut s);
        events(&mut s);
        s
    }

    #[test]
    fn connecting_sends_hello_subscribes_and_the_outbox() {
        let mut s = session(SavedState::default());
        assert_eq!(s.reconnect_at(), Some(0));
        s.push(DOC, b"one", [1; 24]);
        s.push("other", b"two", [2; 24]);
        assert_eq!(sent(&mut s), []);
        assert_eq!(s.status().pending, 2);
        s.connecting(5);
        assert_eq!(s.reconnect_at(), None);
        assert_eq!(s.status().connection, Connection::Connecting);
        s.connected(10);
        let got = sent(&mut s);
        assert!(
            matches!(&got[0], Message::Hello { version: 2, workspace, client, .. } if *workspace == ws() && *client == [9; 16])
        );
        assert_eq!(
            got[1..3],
            [
                Message::Subscribe {
                    doc: "other".into(),
                    since: 0
                },
                Message::Subscribe {
                    doc: DOC.into(),
                    since: 0
                },
            ]
        );
        assert!(matches!(&got[3], Message::Push { doc, client_seq: 1, .. } if doc == DOC));
        assert!(matches!(&got[4], Message::Push { doc, client_seq: 2, .. } if doc == "other"));
        assert_eq!(got.len(), 5);
        // Pushes are sealed for their document.
        let Message::Push { envelope, .. } = &got[3] else {
            unreachable!()
        };
        assert_eq!(
            envelope::open(&secret().encryption_key(), &ws(), DOC, envelope).unwrap(),
            b"one"
        );
    }

    #[test]
    fn the_outbox_survives_a_saved_state_round_trip() {
        let mut s = session(SavedState::default());
        s.subscribe("empty");
        s.push(DOC, b"one", [1; 24]);
        s.push(DOC, b"two", [2; 24]);
        let saved = s.saved();
        assert_eq!(saved.outbox().len(), 2);
        assert_eq!(saved.next_client_seq(), 3);
        let bytes = saved.to_bytes();
        let back = SavedState::from_bytes(&bytes).unwrap();
        assert_eq!(back, saved);

        let mut reloaded = session(back);
        assert_eq!(reloaded.status().pending, 2);
        reloaded.connected(0);
        let pushes: Vec<_> = sent(&mut reloaded)
            .into_iter()
            .filter_map(|m| match m {
                Message::Push {
                    client_seq,
                    envelope,
                    ..
                } => Some((client_seq, envelope)),
                _ => None,
            })
            .collect();
        assert_eq!(pushes.len(), 2);
        assert_eq!(pushes[1].0, 2);
        assert_eq!(pushes[1].1, saved.outbox()[1].envelope);
        // New changes continue the numbering.
        reloaded.push(DOC, b"three", [3; 24]);
        assert_eq!(reloaded.saved().outbox()[2].client_seq, 3);
    }

    #[test]
    fn entries_sealed_under_another_secret_leave_the_saved_outbox() {
        let mut s = session(SavedState::default());
        s.push(DOC, b"one", [1; 24]);
        s.push(DOC, b"two", [2; 24]);
        let mut saved = s.saved();
        assert_eq!(saved.keep_epoch(secret().epoch()), 0);
        assert_eq!(saved.outbox().len(), 2);
        assert_eq!(saved.keep_epoch(secret().epoch() + 1), 2);
        assert!(saved.outbox().is_empty());
        // The numbering goes on: a client id is never paired with a counter that went back.
        assert_eq!(saved.next_client_seq(), 3);
    }

    #[test]
    fn saved_state_reading_is_strict() {
        let mut s = session(SavedState::default());
        s.push(DOC, b"one", [1; 24]);
        s.subscribe("a");
        let bytes = s.saved().to_bytes();
        assert_eq!(
            SavedState::from_bytes(&[]),
            Err(SavedStateError::NotSavedState)
        );
        let mut v2 = bytes.clone();
        v2[4] = 2;
        assert_eq!(
            SavedState::from_bytes(&v2),
            Err(SavedStateError::UnknownVersion(2))
        );
        for len in 0..bytes.len() {
            assert!(
                SavedState::from_bytes(&bytes[..len]).is_err(),
                "prefix {len}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(
            SavedState::from_bytes(&longer),
            Err(SavedStateError::TrailingBytes(1))
        );
        // An outbox entry at or beyond the next number would be reused.
        let mut ahead = bytes.clone();
        ahead[5] = 1;
        assert_eq!(
            SavedState::from_bytes(&ahead),
            Err(SavedStateError::OutboxAhead { seq: 1, next: 1 })
        );
        // A count far beyond the bytes is refused before allocating.
        let mut huge = bytes[..13].to_vec();
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            SavedState::from_bytes(&huge),
            Err(SavedStateError::Truncated("document count"))
        );
        assert_eq!(
            SavedState::from_bytes(&SavedState::default().to_bytes()),
            Ok(SavedState::default())
        );
    }

    #[test]
    fn deliveries_apply_in_order_and_duplicates_are_ignored() {
        let mut s = online();
        recv(&mut s, deliver(1, b"a"));
        recv(&mut s, deliver(2, b"b"));
        recv(&mut s, deliver(2, b"b"));
        recv(&mut s, deliver(1, b"a"));
        assert_eq!(
            events(&mut s),
            [apply(b"a"), Event::Changed, apply(b"b"), Event::Changed]
        );
        assert_eq!(s.cursor(DOC), 2);
        assert_eq!(s.saved().cursors()[DOC], 2);
    }

    #[test]
    fn a_gap_resubscribes_from_the_cursor_once() {
        let mut s = online();
        recv(&mut s, caught_up(0));
        recv(&mut s, deliver(1, b"a"));
        sent(&mut s);
        recv(&mut s, deliver(3, b"c"));
        recv(&mut s, deliver(4, b"d"));
        assert_eq!(s.cursor(DOC), 1);
        assert_eq!(
            sent(&mut s),
            [Message::Subscribe {
                doc: DOC.into(),
                since: 1
            }]
        );
        assert_eq!(s.status().connection, Connection::Syncing);
        for (seq, data) in [(2, b"b"), (3, b"c"), (4, b"d")] {
            recv(&mut s, deliver(seq, data));
        }
        recv(&mut s, caught_up(4));
        assert_eq!(s.cursor(DOC), 4);
        assert_eq!(s.status().connection, Connection::Synced);
    }

    #[test]
    fn a_relay_that_keeps_skipping_is_given_up_on_until_the_next_connection() {
        let mut s = online();
        recv(&mut s, caught_up(0));
        let mut resubscribes = 0;
        for _ in 0..6 {
            recv(&mut s, deliver(2, b"b"));
            recv(&mut s, caught_up(2));
            resubscribes += sent(&mut s).len();
        }
        assert_eq!(resubscribes, 3);
        let errors: Vec<Event> = events(&mut s)
            .into_iter()
            .filter(|e| *e != Event::Changed)
            .collect();
        assert!(matches!(
            errors.as_slice(),
            [Event::RelayError {
                code: ErrorCode::Internal,
                fatal: false,
                ..
            }]
        ));
        // The next connection tries again.
        s.disconnected(1, 0);
        s.connected(2);
        recv(&mut s, Message::Welcome { server_time_ms: 2 });
        recv(&mut s, deliver(2, b"b"));
        recv(&mut s, caught_up(2));
        recv(&mut s, deliver(1, b"a"));
        recv(&mut s, deliver(2, b"b"));
        recv(&mut s, caught_up(2));
        assert_eq!(s.cursor(DOC), 2);
        assert_eq!(s.status().connection, Connection::Synced);
    }

    #[test]
    fn acks_empty_the_outbox_and_the_cursor_passes_only_own_entries() {
        let mut s = online();
        recv(&mut s, caught_up(0));
        s.push(DOC, b"mine", [1; 24]);
        s.push(DOC, b"mine too", [2; 24]);
        events(&mut s);
        // Another client's entry 1 is still on its way; ours are 2 and 3.
        let ack = |client_seq, server_seq| Message::Ack {
            doc: DOC.into(),
            client_seq,
            server_seq,
        };
        recv(&mut s, ack(1, 2));
        assert_eq!(
            events(&mut s),
            [
                Event::Acked {
                    doc: DOC.into(),
                    client_seq: 1
                },
                Event::Changed
            ]
        );
        assert_eq!(s.cursor(DOC), 0);
        assert_eq!(s.saved().outbox().len(), 1);
        recv(&mut s, ack(2, 3));
        assert_eq!(s.cursor(DOC), 0);
        assert_eq!(s.status().connection, Connection::Synced);
        recv(&mut s, deliver(1, b"theirs"));
        assert_eq!(s.cursor(DOC), 3);
        // Own entries right after the cursor are passed at once.
        s.push(DOC, b"again", [3; 24]);
        recv(&mut s, ack(3, 4));
        assert_eq!(s.cursor(DOC), 4);
        // An Ack for a doc's entry does not touch another client's entry.
        recv(&mut s, deliver(6, b"later"));
        assert_eq!(s.cursor(DOC), 4);
    }

    #[test]
    fn a_tampered_envelope_is_rejected_and_stops_the_document() {
        let mut s = online();
        recv(&mut s, deliver(1, b"a"));
        let mut bad = seal(DOC, b"b");
        bad[40] ^= 1;
        recv(
            &mut s,
            Message::Deliver {
                doc: DOC.into(),
                server_seq: 2,
                envelope: bad,
            },
        );
        // Sealed for another document: also refused.
        recv(
            &mut s,
            Message::Deliver {
                doc: DOC.into(),
                server_seq: 2,
                envelope: seal("other", b"b"),
            },
        );
        recv(&mut s, deliver(3, b"c"));
        recv(&mut s, caught_up(3));
        let got = events(&mut s);
        assert_eq!(got[..2], [apply(b"a"), Event::Changed]);
        assert_eq!(
            got[2],
            Event::Rejected {
                doc: DOC.into(),
                reason: "entry 2: the envelope failed authentication: it was altered, sealed with another key, or sealed for another workspace or document".into()
            }
        );
        assert_eq!(got.len(), 3);
        assert_eq!(s.cursor(DOC), 1);
        assert_eq!(s.status().connection, Connection::Syncing);
        assert_eq!(sent(&mut s), []);
        // The next connection asks again from the cursor; a snapshot past the bad entry
        // gets the document going.
        s.disconnected(2, 0);
        s.connected(3);
        assert!(sent(&mut s).contains(&Message::Subscribe {
            doc: DOC.into(),
            since: 1
        }));
        recv(&mut s, Message::Welcome { server_time_ms: 3 });
        recv(
            &mut s,
            Message::Snapshot {
                doc: DOC.into(),
                upto_seq: 2,
                envelope: seal(DOC, b"whole"),
            },
        );
        recv(&mut s, deliver(3, b"c"));
        recv(&mut s, caught_up(3));
        assert_eq!(s.cursor(DOC), 3);
        assert_eq!(s.status().connection, Connection::Synced);
    }

    #[test]
    fn snapshot_then_log_catch_up() {
        let mut s = online();
        recv(
            &mut s,
            Message::Snapshot {
                doc: DOC.into(),
                upto_seq: 10,
                envelope: seal(DOC, b"whole"),
            },
        );
        recv(&mut s, deliver(11, b"k"));
        assert_eq!(s.status().connection, Connection::Syncing);
        recv(&mut s, caught_up(11));
        assert_eq!(
            events(&mut s),
            [
                apply(b"whole"),
                Event::Changed,
                apply(b"k"),
                Event::Changed,
                Event::Changed
            ]
        );
        assert_eq!(s.cursor(DOC), 11);
        assert_eq!(s.status().connection, Connection::Synced);
        assert_eq!(s.status().last_synced_ms, Some(1));
        // An older snapshot changes nothing.
        recv(
            &mut s,
            Message::Snapshot {
                doc: DOC.into(),
                upto_seq: 5,
                envelope: seal(DOC, b"old"),
            },
        );
        assert_eq!(events(&mut s), []);
    }

    #[test]
    fn synced_needs_welcome_every_catch_up_and_an_empty_outbox() {
        let mut s = session(SavedState::default());
        s.subscribe(DOC);
        s.subscribe("second");
        s.connected(0);
        assert_eq!(s.status().connection, Connection::Connecting);
        recv(&mut s, Message::Welcome { server_time_ms: 0 });
        assert_eq!(s.status().connection, Connection::Syncing);
        recv(&mut s, caught_up(0));
        assert_eq!(s.status().connection, Connection::Syncing);
        recv(
            &mut s,
            Message::CaughtUp {
                doc: "second".into(),
                upto_seq: 0,
            },
        );
        assert_eq!(s.status().connection, Connection::Synced);
        s.push(DOC, b"x", [0; 24]);
        assert_eq!(s.status().connection, Connection::Syncing);
        assert_eq!(s.status().pending, 1);
        recv(
            &mut s,
            Message::Ack {
                doc: DOC.into(),
                client_seq: 1,
                server_seq: 1,
            },
        );
        assert_eq!(s.status().connection, Connection::Synced);
        // A new document is not caught up until its own CaughtUp.
        s.subscribe("third");
        assert_eq!(s.status().connection, Connection::Syncing);
    }

    #[test]
    fn reconnects_back_off_and_start_over_after_a_synced_connection() {
        let mut s = online();
        recv(&mut s, caught_up(0));
        s.disconnected(1_000, u64::MAX);
        assert_eq!(s.status().connection, Connection::Offline);
        assert_eq!(s.status().last_synced_ms, Some(1_000));
        // Full jitter: a delay in [0, 500] at first; u64::MAX % 501 = 48.
        assert_eq!(s.reconnect_at(), Some(1_048));
        // Connections that fail: the ceiling doubles each time. A jitter equal to the ceiling
        // gives the ceiling, one more wraps around to 0.
        let mut now = 2_000;
        for (i, ceiling) in [
            1_000u64, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
        ]
        .into_iter()
        .enumerate()
        {
            s.connected(now);
            let (jitter, delay) = if i % 2 == 0 {
                (ceiling, ceiling)
            } else {
                (ceiling + 1, 0)
            };
            s.disconnected(now, jitter);
            assert_eq!(s.reconnect_at(), Some(now + delay as i64), "attempt {i}");
            now += 100_000;
        }
        s.connected(now);
        recv(&mut s, Message::Welcome { server_time_ms: 0 });
        recv(&mut s, caught_up(0));
        s.disconnected(now, 500);
        assert_eq!(s.reconnect_at(), Some(now + 500));
        // Frames of a closed connection are not read.
        recv(&mut s, deliver(1, b"late"));
        assert_eq!(s.cursor(DOC), 0);
    }

    #[test]
    fn pushes_in_flight_are_limited_per_connection() {
        let mut s = online();
        for i in 0..40u8 {
            s.push(DOC, &[i], [i; 24]);
        }
        let pushes = |s: &mut ClientSession| {
            sent(s)
                .into_iter()
                .filter_map(|m| match m {
                    Message::Push { client_seq, .. } => Some(client_seq),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(pushes(&mut s), (1..=32).collect::<Vec<_>>());
        for seq in 1..=3 {
            recv(
                &mut s,
                Message::Ack {
                    doc: DOC.into(),
                    client_seq: seq,
                    server_seq: seq,
                },
            );
        }
        assert_eq!(pushes(&mut s), [33, 34, 35]);
        s.disconnected(5, 0);
        s.connected(6);
        assert_eq!(pushes(&mut s), (4..=35).collect::<Vec<_>>());
    }

    #[test]
    fn compaction_waits_for_own_pushes_and_offers_the_cursor() {
        let mut s = online();
        assert!(!s.can_compact(DOC));
        recv(&mut s, deliver(1, b"a"));
        recv(&mut s, deliver(2, b"b"));
        s.push(DOC, b"mine", [1; 24]);
        sent(&mut s);
        s.compact(DOC, b"snapshot", [2; 24]);
        assert_eq!(sent(&mut s), []);
        recv(
            &mut s,
            Message::Ack {
                doc: DOC.into(),
                client_seq: 1,
                server_seq: 3,
            },
        );
        assert!(s.can_compact(DOC));
        s.compact(DOC, b"snapshot", [2; 24]);
        let got = sent(&mut s);
        let [
            Message::Compact {
                doc,
                upto_seq: 3,
                envelope,
            },
        ] = got.as_slice()
        else {
            panic!("{got:?}")
        };
        assert_eq!(
            envelope::open(&secret().encryption_key(), &ws(), doc, envelope).unwrap(),
            b"snapshot"
        );
    }

    #[test]
    fn direct_link_codes_open_only_in_the_workspace_and_for_their_purpose() {
        let a = session(SavedState::default());
        let code = a.seal_code("offer", b"v=0 sdp", [3; 24]).unwrap();
        assert!(code.starts_with("hearth-offer:") && !code.contains("v=0"));
        assert_eq!(
            a.open_code("offer", &format!("  {code}\n")).unwrap(),
            b"v=0 sdp"
        );
        assert_eq!(a.open_code("answer", &code), Err(CodeError::NotThisKind));
        // One character changed in the middle: the envelope no longer authenticates.
        let mid = code.len() / 2;
        let swapped = if &code[mid..=mid] == "A" { "B" } else { "A" };
        let damaged = format!("{}{swapped}{}", &code[..mid], &code[mid + 1..]);
        assert_eq!(
            a.open_code("offer", &damaged),
            Err(CodeError::NotThisWorkspace)
        );
        assert_eq!(
            a.open_code("offer", "hearth-offer:*!"),
            Err(CodeError::Damaged)
        );
        let stranger = ClientSession::new(
            ws(),
            WorkspaceSecret::new([9; 32], 0),
            [8; 16],
            SavedState::default(),
            0,
        );
        assert_eq!(
            stranger.open_code("offer", &code),
            Err(CodeError::NotThisWorkspace)
        );
    }

    proptest::proptest! {
        #[test]
        fn base64url_round_trips(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            proptest::prop_assert_eq!(from_base64url(&base64url(&bytes)), Some(bytes));
        }
    }

    #[test]
    fn signals_are_sealed_between_the_two_clients() {
        let mut a = online();
        let mut b = ClientSession::new(ws(), secret(), [7; 16], SavedState::default(), 0);
        b.connected(0);
        sent(&mut b);
        events(&mut b);
        a.signal([7; 16], b"offer", [4; 24]);
        let [signal] = sent(&mut a).try_into().unwrap();
        assert!(
            matches!(&signal, Message::Signal { to, from, .. } if *to == [7; 16] && *from == [9; 16])
        );
        b.received(&wire::encode(&signal), 1);
        assert_eq!(
            events(&mut b),
            [Event::Signal {
                from: [9; 16],
                data: b"offer".to_vec()
            }]
        );
        // A relay claiming another sender fails authentication.
        let Message::Signal { to, envelope, .. } = signal else {
            unreachable!()
        };
        b.received(
            &wire::encode(&Message::Signal {
                to,
                from: [8; 16],
                envelope,
            }),
            1,
        );
        assert!(matches!(
            events(&mut b).as_slice(),
            [Event::Rejected { doc, .. }] if doc.is_empty()
        ));
    }

    #[test]
    fn relay_errors_are_reported_with_whether_they_close() {
        let mut s = online();
        recv(
            &mut s,
            Message::Error {
                code: ErrorCode::PeerUnavailable,
                message: "gone".into(),
            },
        );
        recv(
            &mut s,
            Message::Error {
                code: ErrorCode::Unauthorized,
                message: "no".into(),
            },
        );
        s.received(&[1, 99], 1);
        let got = events(&mut s);
        assert_eq!(
            got[..2],
            [
                Event::RelayError {
                    code: ErrorCode::PeerUnavailable,
                    message: "gone".into(),
                    fatal: false
                },
                Event::RelayError {
                    code: ErrorCode::Unauthorized,
                    message: "no".into(),
                    fatal: true
                },
            ]
        );
        assert!(matches!(
            &got[2],
            Event::RelayError {
                code: ErrorCode::BadMessage,
                fatal: false,
                ..
            }
        ));
    }

    #[test]
    fn a_relay_that_lost_entries_is_read_again_from_the_start_and_given_this_copy() {
        let mut s = online();
        for seq in 1..=5 {
            recv(&mut s, deliver(seq, b"x"));
        }
        s.disconnected(1, 0);
        s.connected(2);
        recv(&mut s, Message::Welcome { server_time_ms: 2 });
        events(&mut s);
        let _ = sent(&mut s);
        // Restored from a backup at 2, the relay has since taken entry 3 from someone else.
        recv(&mut s, caught_up(3));
        let evs = events(&mut s);
        assert!(
            matches!(
                evs.as_slice(),
                [
                    Event::RelayError {
                        code: ErrorCode::Internal,
                        fatal: false,
                        ..
                    },
                    Event::Repush { doc },
                    Event::Changed
                ] if doc == DOC
            ),
            "{evs:?}"
        );
        assert_eq!(s.cursor(DOC), 0);
        let sent = sent(&mut s);
        assert!(
            sent.iter()
                .any(|m| matches!(m, Message::Subscribe { doc, since: 0 } if doc == DOC)),
            "{sent:?}"
        );
        // Entry 3, someone else's, is applied, not taken for one this device had.
        for seq in 1..=3 {
            recv(&mut s, deliver(seq, b"again"));
        }
        recv(&mut s, caught_up(3));
        assert_eq!(s.cursor(DOC), 3);
        assert_eq!(
            events(&mut s)
                .iter()
                .filter(|e| matches!(e, Event::Apply { .. }))
                .count(),
            3
        );
        recv(&mut s, deliver(4, b"new"));
        assert_eq!(s.cursor(DOC), 4);
    }

    #[test]
    fn refused_local_input_is_reported_not_queued() {
        let mut s = session(SavedState::default());
        s.push("Not A Doc", b"x", [0; 24]);
        assert!(matches!(
            events(&mut s).as_slice(),
            [Event::Rejected { doc, .. }] if doc == "Not A Doc"
        ));
        assert_eq!(s.status().pending, 0);
        assert!(s.saved().outbox().is_empty() && s.saved().cursors().is_empty());
    }

    #[test]
    fn the_relay_and_this_session_agree() {
        use crate::relay::{MemoryStore, RelayConfig, RelayCore, RelayOutput};
        let mut relay = RelayCore::new(MemoryStore::new(), RelayConfig::default());
        let mut a = session(SavedState::default());
        let mut b = ClientSession::new(ws(), secret(), [7; 16], SavedState::default(), 0);
        a.push(DOC, b"from a", [1; 24]);
        b.subscribe(DOC);
        let sessions = [&mut a, &mut b];
        for (conn, s) in sessions.into_iter().enumerate() {
            relay.connect(conn as u64, "a", 0);
            s.connected(0);
        }
        let mut sessions = [a, b];
        for _ in 0..5 {
            for (conn, s) in sessions.iter_mut().enumerate() {
                while let Some(bytes) = s.poll_transmit() {
                    relay.receive(conn as u64, &bytes, 0);
                }
            }
            while let Some(out) = relay.poll_output() {
                match out {
                    RelayOutput::Send { conn, bytes } => {
                        sessions[conn as usize].received(&bytes, 0);
                    }
                    RelayOutput::ReportDrained { conn, mark } => relay.drained(conn, mark),
                    _ => {}
                }
            }
        }
        let [mut a, mut b] = sessions;
        assert_eq!(a.status().connection, Connection::Synced);
        assert_eq!(b.status().connection, Connection::Synced);
        assert_eq!(a.cursor(DOC), 1);
        assert_eq!(b.cursor(DOC), 1);
        assert!(events(&mut b).contains(&apply(b"from a")));
        assert!(
            !events(&mut a)
                .iter()
                .any(|e| matches!(e, Event::Apply { .. }))
        );
    }
}
