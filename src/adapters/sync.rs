//! Team sync in the browser: one WebSocket to the relay that served the app, driving the
//! sans-IO `crm_sync::ClientSession`. This file only moves bytes and timers; what to send,
//! what to apply and when to reconnect is decided by the session.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use crm_core::Id;
use crm_sync::{
    ClientId, ClientSession, Connection, Event, SavedState, WorkspaceSecret, kept_mark,
};

use super::p2p::{Direct, DirectHooks};
use js_sys::{ArrayBuffer, Uint8Array};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{BinaryType, MessageEvent, WebSocket};

/// Log entries after which this device offers the relay a snapshot to replace them: a new
/// colleague then downloads one document instead of every change since the start.
const COMPACT_EVERY: u64 = 256;

/// The one document a workspace has today (see ARCHITECTURE.md: one Automerge document).
pub const DOC: &str = "main";

/// The relay's workspace id for a local workspace: local ids are the same 16 random bytes
/// written as 32 hex digits, the relay's as the 26-character `Id` text.
pub fn relay_id(local: &str) -> Option<String> {
    if local.len() != 32 {
        return None;
    }
    let mut bytes = [0u8; 16];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(local.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(Id::from_bytes(bytes).to_string())
}

/// The local id of a workspace the relay knows as `relay`.
pub fn local_id(relay: &str) -> Option<String> {
    let id: Id = relay.parse().ok()?;
    Some(id.as_bytes().iter().map(|b| format!("{b:02x}")).collect())
}

/// What Settings shows about sync.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncView {
    pub connection: Connection,
    /// Local changes the relay has not acknowledged yet.
    pub pending: usize,
    pub last_synced_ms: Option<i64>,
    /// The latest problem (a refused connection, a change that could not be decrypted).
    pub problem: Option<String>,
    /// Another tab of this browser holds the connection; this one syncs through it.
    pub elsewhere: bool,
    /// Colleagues' browsers connected to the relay now.
    pub peers: usize,
}

impl SyncView {
    pub fn elsewhere() -> SyncView {
        SyncView {
            connection: Connection::Offline,
            pending: 0,
            last_synced_ms: None,
            problem: None,
            elsewhere: true,
            peers: 0,
        }
    }
}

/// Gives up this tab's lead (see [`lead`]).
pub struct Release(Option<js_sys::Function>);

impl Release {
    pub fn release(mut self) {
        self.release_now();
    }

    fn release_now(&mut self) {
        if let Some(resolve) = self.0.take() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }
}

impl Drop for Release {
    fn drop(&mut self) {
        self.release_now();
    }
}

/// Runs `acquired` once this tab holds the Web Lock `name`: one tab per workspace talks to
/// the relay, the others sync through it over the BroadcastChannel. Without Web Locks (old
/// browsers) every tab leads.
pub fn lead(name: &str, acquired: impl FnOnce(Release) + 'static) {
    let navigator = window().navigator();
    let locks = js_sys::Reflect::get(&navigator, &"locks".into()).unwrap_or(JsValue::UNDEFINED);
    let request = js_sys::Reflect::get(&locks, &"request".into())
        .ok()
        .and_then(|r| r.dyn_into::<js_sys::Function>().ok());
    let Some(request) = request.filter(|_| !locks.is_undefined()) else {
        acquired(Release(None));
        return;
    };
    let mut acquired = Some(acquired);
    // The lock is held until the promise returned here resolves, i.e. until `Release`.
    let callback = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        js_sys::Promise::new(&mut |resolve, _reject| {
            if let Some(f) = acquired.take() {
                f(Release(Some(resolve)));
            }
        })
    });
    let _ = request.call2(&locks, &JsValue::from_str(name), &callback);
}

/// Persists the session's state and the mark kept beside it.
pub type SaveState = Box<dyn Fn(Vec<u8>, Vec<u8>)>;

/// Callbacks into the rest of the app.
pub struct Hooks {
    /// Remote changes to merge into the workspace (and persist).
    pub apply: Box<dyn Fn(Vec<u8>)>,
    /// The session's state to persist (outbox and cursors), as bytes, with the mark to keep
    /// beside it in the same write ([`kept_mark`]).
    pub save: SaveState,
    /// The whole document saved, for compacting the relay's log.
    pub snapshot: Box<dyn Fn() -> Vec<u8>>,
    /// How far the document reaches now (`Workspace::mark`), kept with each saved state: by
    /// then every change it holds was pushed by this device or came from elsewhere (the relay,
    /// another tab's link, a direct link). None while the document is busy.
    pub mark: Box<dyn Fn() -> Option<Vec<u8>>>,
    pub status: RwSignal<Option<SyncView>>,
}

type Handler = Closure<dyn FnMut(JsValue)>;

pub struct SyncLink {
    session: RefCell<ClientSession>,
    socket: RefCell<Option<WebSocket>>,
    handlers: RefCell<Vec<Handler>>,
    hooks: Hooks,
    problem: RefCell<Option<String>>,
    stopped: Cell<bool>,
    /// The cursor at this device's last compaction.
    compacted_at: Cell<u64>,
    /// This tab's lead; given up when the link stops.
    release: RefCell<Option<Release>>,
    /// Bumped per socket, so events of an old socket are ignored.
    generation: Cell<u32>,
    /// Direct links to colleagues' browsers, once attached.
    direct: RefCell<Option<Rc<Direct>>>,
    /// A push was refused (too large to seal): the mark stays where it was, so the next start
    /// offers that change again instead of counting it as sent.
    mark_held: Cell<bool>,
    /// The heads of the last mark kept: written again with a state while the mark is held or
    /// the document is busy, so every saved state has its mark.
    last_mark: RefCell<Vec<u8>>,
    peers: Cell<usize>,
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// Nonces must never repeat under one key (`random::unique_bytes`).
fn random<const N: usize>() -> [u8; N] {
    super::random::unique_bytes()
}

/// The relay's WebSocket address: the origin the app was served from.
fn relay_url() -> Option<String> {
    let location = window().location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/sync", location.host().ok()?))
}

impl SyncLink {
    /// Starts syncing `workspace` (the relay's id) with `secret`, from the persisted `saved`
    /// state (outbox and cursors of earlier page loads). `unsent`, what the document holds
    /// beyond `reached` (the heads its saved mark names), goes out first, as one change.
    pub fn start(
        workspace: String,
        secret: WorkspaceSecret,
        saved: SavedState,
        unsent: &[u8],
        reached: Vec<u8>,
        hooks: Hooks,
        release: Release,
    ) -> Rc<SyncLink> {
        let mut session = ClientSession::new(workspace, secret, random::<16>(), saved, now());
        session.subscribe(DOC);
        let mut held = false;
        if !unsent.is_empty() {
            held = !push_into(&mut session, unsent);
        }
        let link = Rc::new(SyncLink {
            session: RefCell::new(session),
            socket: RefCell::new(None),
            handlers: RefCell::new(Vec::new()),
            hooks,
            problem: RefCell::new(None),
            stopped: Cell::new(false),
            release: RefCell::new(Some(release)),
            compacted_at: Cell::new(0),
            generation: Cell::new(0),
            direct: RefCell::new(None),
            peers: Cell::new(0),
            mark_held: Cell::new(held),
            last_mark: RefCell::new(reached),
        });
        link.connect();
        // Back online: try at once rather than waiting for the backoff.
        let weak = Rc::downgrade(&link);
        let online = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(link) = weak.upgrade()
                && link.socket.borrow().is_none()
            {
                link.connect();
            }
        });
        let _ =
            window().add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        link.handlers.borrow_mut().push(online);
        link
    }

    /// A local change (the bytes just persisted): sealed into the outbox and sent if connected,
    /// and offered to the peers on direct links.
    pub fn push(self: &Rc<Self>, data: &[u8]) {
        self.push_holding(data);
        self.pump();
        self.direct_changed();
    }

    /// Pushes `data`; a refusal holds the mark (see `mark_held`).
    fn push_holding(&self, data: &[u8]) {
        if !push_into(&mut self.session.borrow_mut(), data) {
            self.mark_held.set(true);
        }
    }

    /// Starts offering direct links to the peers the relay names; their signals go through
    /// this connection, sealed.
    pub fn attach_direct(self: &Rc<Self>, hooks: DirectHooks) {
        let me = self.session.borrow().client();
        let weak = Rc::downgrade(self);
        let signal = Box::new(move |to: ClientId, data: Vec<u8>| {
            if let Some(link) = weak.upgrade() {
                link.session.borrow_mut().signal(to, &data, random::<24>());
                link.send_pending();
            }
        });
        *self.direct.borrow_mut() = Some(Direct::new(me, hooks, signal));
    }

    /// A code for a colleague to open a direct link by hand (no relay needed): the offer,
    /// sealed with the workspace key.
    pub async fn direct_offer(self: &Rc<Self>) -> Result<String, String> {
        let direct = self
            .direct
            .borrow()
            .clone()
            .ok_or("direct links are not ready")?;
        let sdp = direct
            .manual_offer()
            .await
            .ok_or("this browser could not make a direct-link offer")?;
        self.session
            .borrow()
            .seal_code("offer", sdp.as_bytes(), random::<24>())
            .ok_or_else(|| "the offer could not be sealed".to_owned())
    }

    /// A colleague's code: an offer is answered (the answer code to pass back is returned);
    /// an answer completes the link offered here (`None`).
    pub async fn direct_code(self: &Rc<Self>, text: &str) -> Result<Option<String>, String> {
        let direct = self
            .direct
            .borrow()
            .clone()
            .ok_or("direct links are not ready")?;
        let offer = self.session.borrow().open_code("offer", text);
        match offer {
            Ok(sdp) => {
                let sdp = String::from_utf8(sdp).map_err(|e| e.to_string())?;
                let answer = direct
                    .manual_answer(&sdp)
                    .await
                    .ok_or("this browser could not answer the offer")?;
                return self
                    .session
                    .borrow()
                    .seal_code("answer", answer.as_bytes(), random::<24>())
                    .map(Some)
                    .ok_or_else(|| "the answer could not be sealed".to_owned());
            }
            // Perhaps the answer to an offer made here.
            Err(crm_sync::CodeError::NotThisKind) => {}
            Err(e) => return Err(e.to_string()),
        }
        let sdp = self
            .session
            .borrow()
            .open_code("answer", text)
            .map_err(|e| e.to_string())?;
        let sdp = String::from_utf8(sdp).map_err(|e| e.to_string())?;
        if direct.finish_manual(&sdp).await {
            Ok(None)
        } else {
            Err("no offer made here is waiting for this answer".to_owned())
        }
    }

    fn direct_changed(&self) {
        let direct = self.direct.borrow().clone();
        if let Some(d) = direct {
            d.changed();
        }
    }

    /// Closes the connection for good (the workspace was closed or switched).
    pub fn stop(&self) {
        self.stopped.set(true);
        if let Some(r) = self.release.borrow_mut().take() {
            r.release();
        }
        if let Some(s) = self.socket.borrow_mut().take() {
            // Its handlers go with the link, which may be dropped before the socket reports
            // its close.
            s.set_onopen(None);
            s.set_onmessage(None);
            s.set_onclose(None);
            let _ = s.close();
        }
        if let Some(online) = self.handlers.borrow().first() {
            let _ = window()
                .remove_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        }
    }

    fn connect(self: &Rc<Self>) {
        if self.stopped.get() {
            return;
        }
        let Some(url) = relay_url() else { return };
        // Known to be offline: no attempt (each would fail loudly); "online" brings us back.
        if !window().navigator().on_line() {
            self.closed();
            return;
        }
        let socket = match WebSocket::new(&url) {
            Ok(s) => s,
            Err(_) => {
                self.closed();
                return;
            }
        };
        socket.set_binary_type(BinaryType::Arraybuffer);
        let generation = self.generation.get().wrapping_add(1);
        self.generation.set(generation);
        self.session.borrow_mut().connecting(now());

        let weak = Rc::downgrade(self);
        let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(link) = weak.upgrade().filter(|l| l.generation.get() == generation) {
                link.session.borrow_mut().connected(now());
                link.pump();
            }
        });
        let weak = Rc::downgrade(self);
        let on_message = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
            let Some(link) = weak.upgrade().filter(|l| l.generation.get() == generation) else {
                return;
            };
            let Ok(e) = e.dyn_into::<MessageEvent>() else {
                return;
            };
            if let Ok(buf) = e.data().dyn_into::<ArrayBuffer>() {
                let bytes = Uint8Array::new(&buf).to_vec();
                link.session.borrow_mut().received(&bytes, now());
                link.pump();
            }
        });
        let weak = Rc::downgrade(self);
        let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(link) = weak.upgrade().filter(|l| l.generation.get() == generation) {
                link.closed();
            }
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        {
            let mut handlers = self.handlers.borrow_mut();
            // Keep the "online" listener (first); the old socket's handlers go.
            handlers.truncate(1);
            handlers.extend([on_open, on_message, on_close]);
        }
        *self.socket.borrow_mut() = Some(socket);
        self.publish();
    }

    /// The socket closed or could not open: the session picks when to try again.
    fn closed(self: &Rc<Self>) {
        self.socket.borrow_mut().take();
        let jitter = u64::from_le_bytes(random::<8>());
        self.session.borrow_mut().disconnected(now(), jitter);
        self.pump();
        if self.stopped.get() {
            return;
        }
        if let Some(at) = self.session.borrow().reconnect_at() {
            let wait = u64::try_from(at.saturating_sub(now())).unwrap_or(0);
            let weak = Rc::downgrade(self);
            set_timeout(
                move || {
                    if let Some(link) = weak.upgrade()
                        && link.socket.borrow().is_none()
                    {
                        link.connect();
                    }
                },
                std::time::Duration::from_millis(wait),
            );
        }
    }

    /// Sends what the session has to send and performs its events.
    fn pump(self: &Rc<Self>) {
        self.send_pending();
        let mut save = false;
        let mut applied = false;
        let mut signals = Vec::new();
        let mut peers = None;
        let mut repush = false;
        loop {
            let event = self.session.borrow_mut().poll_event();
            let Some(event) = event else { break };
            match event {
                Event::Apply { data, .. } => {
                    (self.hooks.apply)(data);
                    applied = true;
                }
                Event::Changed | Event::Acked { .. } => save = true,
                Event::Rejected { reason, .. } => *self.problem.borrow_mut() = Some(reason),
                Event::RelayError { message, .. } => *self.problem.borrow_mut() = Some(message),
                Event::Signal { from, data } => signals.push((from, data)),
                Event::Peers { clients } => peers = Some(clients),
                Event::Repush { .. } => repush = true,
            }
        }
        if repush {
            // The relay lost what this device had sent: all of it again, as one change.
            let snapshot = (self.hooks.snapshot)();
            self.push_holding(&snapshot);
            self.send_pending();
        }
        if save {
            // Every local change is pushed as it is made, so the document's mark now says
            // how far this device's pushes reach.
            if !self.mark_held.get()
                && let Some(now) = (self.hooks.mark)()
            {
                *self.last_mark.borrow_mut() = now;
            }
            let mark = kept_mark(self.session.borrow().epoch(), &self.last_mark.borrow());
            (self.hooks.save)(self.session.borrow().saved().to_bytes(), mark);
        }
        let direct = self.direct.borrow().clone();
        if let Some(clients) = peers {
            self.peers.set(clients.len());
            if let Some(d) = &direct {
                d.peers(&clients);
            }
        }
        if let Some(d) = &direct {
            for (from, data) in signals {
                d.signal(from, &data);
            }
            if applied {
                d.changed();
            }
        }
        self.maybe_compact();
        self.publish();
    }

    /// Rotates the workspace secret (see `ClientSession::rotate`); `false` when the session
    /// is not connected and synced with nothing waiting to go out.
    pub fn rotate(self: &Rc<Self>, secret: &WorkspaceSecret) -> bool {
        let ping = u64::from_le_bytes(random::<8>());
        let done = self.session.borrow_mut().rotate(secret, ping);
        if done {
            let direct = self.direct.borrow().clone();
            if let Some(d) = direct {
                d.close_all();
            }
        }
        self.pump();
        done
    }

    fn maybe_compact(self: &Rc<Self>) {
        if self.session.borrow().rekey_due(DOC) {
            // The whole log again, under the new key, for members invited with it.
            let snapshot = (self.hooks.snapshot)();
            self.session
                .borrow_mut()
                .compact(DOC, &snapshot, random::<24>());
            self.compacted_at.set(self.session.borrow().cursor(DOC));
            self.send_pending();
            return;
        }
        let cursor = self.session.borrow().cursor(DOC);
        if cursor < self.compacted_at.get() + COMPACT_EVERY
            || !self.session.borrow().can_compact(DOC)
        {
            return;
        }
        let snapshot = (self.hooks.snapshot)();
        self.session
            .borrow_mut()
            .compact(DOC, &snapshot, random::<24>());
        self.compacted_at.set(cursor);
        self.send_pending();
    }

    /// Sends every message the session has queued.
    fn send_pending(&self) {
        loop {
            let out = self.session.borrow_mut().poll_transmit();
            let Some(bytes) = out else { break };
            if let Some(s) = self.socket.borrow().as_ref() {
                let _ = s.send_with_u8_array(&bytes);
            }
        }
    }

    fn publish(&self) {
        let status = self.session.borrow().status();
        let view = SyncView {
            connection: status.connection,
            pending: status.pending,
            last_synced_ms: status.last_synced_ms,
            problem: self.problem.borrow().clone(),
            elsewhere: false,
            peers: self.peers.get(),
        };
        if self.hooks.status.get_untracked().as_ref() != Some(&view) {
            self.hooks.status.set(Some(view));
        }
    }
}

/// Seals `data` into the outbox; false if the session refused it (it reports why).
fn push_into(session: &mut ClientSession, data: &[u8]) -> bool {
    let before = session.status().pending;
    session.push(DOC, data, random::<24>());
    session.status().pending > before
}

impl Drop for SyncLink {
    fn drop(&mut self) {
        self.stopped.set(true);
        if let Some(s) = self.socket.borrow_mut().take() {
            s.set_onopen(None);
            s.set_onmessage(None);
            s.set_onclose(None);
            let _ = s.close();
        }
    }
}
