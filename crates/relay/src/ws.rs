//! The WebSocket endpoint `/sync`. One thread owns the relay's logic (`crm_sync::RelayCore`)
//! and its store; every socket task only moves frames between its socket and that thread. The
//! thread takes the messages waiting for it as one batch, commits the batch's writes once, and
//! only then hands out what the batch produced, so an acknowledged (or delivered) change is on
//! disk whatever happens to the process afterwards.
//!
//! Each socket has a bounded queue of frames. The core bounds the bytes a connection holds in
//! it: it pages catch-ups, sending the next page only once the socket task reports the last
//! one written (a report marker travels through the queue behind it), and has a connection
//! whose backlog passes its limit dropped. A queue that fills up with frames (many small ones
//! reach its count before the core's byte limit) drops its connection too.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use bytes::Bytes;
use crm_sync::relay::{ConnId, RelayConfig, RelayCore, RelayOutput, RelayStore};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{Notify, mpsc};

use crate::AppState;

enum Command {
    Connect {
        conn: ConnId,
        addr: String,
        out: Socket,
    },
    Receive {
        conn: ConnId,
        bytes: Vec<u8>,
    },
    Disconnect {
        conn: ConnId,
    },
    /// The socket task wrote every frame queued before the report marker `mark`.
    Drained {
        conn: ConnId,
        mark: u64,
    },
    /// A second passed: lets the core's housekeeping run while no message arrives.
    Tick,
}

enum Outgoing {
    /// Shared with the other connections the frame goes to.
    Frame(Bytes),
    /// Tell the relay thread that everything before this has been written.
    Report(u64),
    Close,
}

/// Frames one connection's queue holds at most (report markers included); a connection
/// whose queue is full is dropped, as the core drops one over its backlog limit. The core
/// counts bytes, not frames, so this is the limit a client that stops reading meets first
/// when its frames are small: 8 MiB of `Ack`s is 100,000 frames or more. A catch-up page (at
/// most 256 entries) stays well below it.
const QUEUE_FRAMES: usize = 4096;

/// The relay thread's end of a socket task.
struct Socket {
    out: mpsc::Sender<Outgoing>,
    /// Wakes the task to drop the connection at once, even in the middle of a write.
    abort: Arc<Notify>,
}

impl Socket {
    fn new() -> (Socket, mpsc::Receiver<Outgoing>, Arc<Notify>) {
        let (out, rx) = mpsc::channel(QUEUE_FRAMES);
        let abort = Arc::new(Notify::new());
        (
            Socket {
                out,
                abort: abort.clone(),
            },
            rx,
            abort,
        )
    }

    /// Queues `item`; false if the queue is full (the task is gone: its `Disconnect` follows).
    fn queue(&self, item: Outgoing) -> bool {
        !matches!(
            self.out.try_send(item),
            Err(mpsc::error::TrySendError::Full(_))
        )
    }
}

/// A cheap handle to the relay thread, shared by every socket task.
#[derive(Clone)]
pub struct RelayHandle {
    tx: mpsc::UnboundedSender<Command>,
    next: Arc<AtomicU64>,
    max_message: usize,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A store that can take several messages' writes through one commit.
pub trait BatchStore: RelayStore {
    /// From now on, writes wait for [`BatchStore::commit_batch`] to become durable.
    fn begin_batch(&mut self);
    /// Makes every write since [`BatchStore::begin_batch`] durable, or none of them.
    fn commit_batch(&mut self) -> Result<(), Self::Error>;
}

impl BatchStore for crate::Storage {
    fn begin_batch(&mut self) {
        crate::Storage::begin_batch(self);
    }

    fn commit_batch(&mut self) -> Result<(), crate::StorageError> {
        crate::Storage::commit_batch(self)
    }
}

/// At most this many messages share a commit, so the first of a long queue is not held back
/// for all the others.
const MAX_BATCH: usize = 256;

/// How often the core's housekeeping runs while no message arrives (it holds back `Peers`
/// lists for up to a second).
const TICK: Duration = Duration::from_secs(1);

/// Starts the relay thread over `store`. It runs until every handle is dropped.
pub fn start<S>(store: S, config: RelayConfig) -> RelayHandle
where
    S: BatchStore + Send + 'static,
{
    let max_message = usize::try_from(config.limits.max_message).unwrap_or(usize::MAX);
    let (tx, rx) = mpsc::unbounded_channel::<Command>();
    std::thread::Builder::new()
        .name("relay".into())
        .spawn(move || run(store, config, rx))
        .map_or_else(
            |e| tracing::error!(error = %e, "cannot start the relay thread"),
            |_| (),
        );
    // Weak, so the relay thread still stops once the last handle is dropped.
    let ticks = tx.downgrade();
    std::thread::Builder::new()
        .name("relay-tick".into())
        .spawn(move || {
            loop {
                std::thread::sleep(TICK);
                match ticks.upgrade() {
                    Some(tx) if tx.send(Command::Tick).is_ok() => {}
                    _ => return,
                }
            }
        })
        .map_or_else(
            |e| tracing::error!(error = %e, "cannot start the relay's timer thread"),
            |_| (),
        );
    RelayHandle {
        tx,
        next: Arc::new(AtomicU64::new(1)),
        max_message,
    }
}

fn run<S: BatchStore>(store: S, config: RelayConfig, mut rx: mpsc::UnboundedReceiver<Command>) {
    let mut relay = RelayCore::new(store, config);
    let mut sockets: HashMap<ConnId, Socket> = HashMap::new();
    while let Some(first) = rx.blocking_recv() {
        relay.store_mut().begin_batch();
        let mut next = Some(first);
        let mut taken = 0;
        while let Some(cmd) = next {
            handle(&mut relay, &mut sockets, cmd);
            taken += 1;
            next = if taken < MAX_BATCH {
                rx.try_recv().ok()
            } else {
                None
            };
        }
        if let Err(e) = relay.store_mut().commit_batch() {
            // Nothing of the batch may go out: its acknowledgements would promise changes
            // that are not on disk. The core counted appends that did not happen, so it
            // starts over from the store, and every client reconnects and pushes again from
            // its outbox.
            tracing::error!(error = %e, taken, "a batch could not be committed; closing every sync connection");
            for (_, socket) in sockets.drain() {
                if !socket.queue(Outgoing::Close) {
                    socket.abort.notify_one();
                }
            }
            relay = relay.restart();
            continue;
        }
        perform(&mut relay, &mut sockets);
        // After the batch's commit and outside it (its writes commit by themselves), so a
        // store that fails at forgetting never holds back or spoils the batch's answers.
        if let Err(e) = relay.maintain(now_ms()) {
            tracing::error!(error = %e, "forgetting idle clients failed; trying again in a minute");
        }
        perform(&mut relay, &mut sockets);
    }
    tracing::info!("relay thread stopped");
}

/// Hands what the core produced to the socket tasks.
fn perform<S: BatchStore>(relay: &mut RelayCore<S>, sockets: &mut HashMap<ConnId, Socket>) {
    while let Some(out) = relay.poll_output() {
        let (conn, item) = match out {
            RelayOutput::Send { conn, bytes } => (conn, Outgoing::Frame(bytes)),
            RelayOutput::ReportDrained { conn, mark } => (conn, Outgoing::Report(mark)),
            RelayOutput::Close { conn, reason } => {
                tracing::info!(conn, %reason, "closing a sync connection");
                if let Some(s) = sockets.remove(&conn)
                    && !s.queue(Outgoing::Close)
                {
                    s.abort.notify_one();
                }
                relay.disconnect(conn);
                continue;
            }
            RelayOutput::Abort { conn, reason } => {
                abort(relay, sockets, conn, &reason);
                continue;
            }
        };
        let full = sockets.get(&conn).is_some_and(|s| !s.queue(item));
        if full {
            abort(
                relay,
                sockets,
                conn,
                &format!("its queue holds {QUEUE_FRAMES} frames the client did not read"),
            );
        }
    }
}

/// Drops a connection whose client does not read, without sending what is queued for it.
fn abort<S: BatchStore>(
    relay: &mut RelayCore<S>,
    sockets: &mut HashMap<ConnId, Socket>,
    conn: ConnId,
    reason: &str,
) {
    tracing::warn!(conn, %reason, "dropping a sync connection");
    if let Some(s) = sockets.remove(&conn) {
        s.abort.notify_one();
    }
    relay.disconnect(conn);
}

fn handle<S: BatchStore>(
    core: &mut RelayCore<S>,
    sockets: &mut HashMap<ConnId, Socket>,
    cmd: Command,
) {
    match cmd {
        Command::Connect { conn, addr, out } => {
            sockets.insert(conn, out);
            core.connect(conn, &addr, now_ms());
        }
        Command::Receive { conn, bytes } => core.receive(conn, &bytes, now_ms()),
        Command::Disconnect { conn } => {
            sockets.remove(&conn);
            core.disconnect(conn);
        }
        Command::Drained { conn, mark } => core.drained(conn, mark),
        // `run` calls the housekeeping after every batch.
        Command::Tick => {}
    }
}

/// `GET /sync`: upgrades to a WebSocket speaking the binary protocol of `crates/sync`.
pub async fn sync(
    ws: WebSocketUpgrade,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    State(state): State<AppState>,
) -> Response {
    let relay = state.relay.clone();
    ws.max_message_size(relay.max_message)
        .max_frame_size(relay.max_message)
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .on_upgrade(move |socket| serve_socket(socket, addr, relay))
}

/// tungstenite's default read buffer is 128 KiB per connection, zero-filled (so resident) on
/// the first read: 64 MB at 500 connections, most of the relay's memory. Clients' messages are
/// mostly a few hundred bytes; a larger one grows the buffer for as long as it takes. The
/// write buffer (default: gather 128 KiB before writing) is moot: every frame is flushed.
const READ_BUFFER: usize = 4 * 1024;

async fn serve_socket(socket: WebSocket, addr: SocketAddr, relay: RelayHandle) {
    let conn = relay.next.fetch_add(1, Ordering::Relaxed);
    let (out, mut out_rx, abort) = Socket::new();
    if relay
        .tx
        .send(Command::Connect {
            conn,
            addr: addr.ip().to_string(),
            out,
        })
        .is_err()
    {
        return;
    }
    let (mut sink, mut stream) = socket.split();
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(WsMessage::Binary(bytes))) => {
                    if relay.tx.send(Command::Receive { conn, bytes: bytes.to_vec() }).is_err() {
                        break;
                    }
                }
                // Text is not part of the protocol: the decoder names what is wrong with it.
                Some(Ok(WsMessage::Text(text))) => {
                    let bytes = text.as_str().as_bytes().to_vec();
                    if relay.tx.send(Command::Receive { conn, bytes }).is_err() {
                        break;
                    }
                }
                Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => {}
                Some(Ok(WsMessage::Close(_)) | Err(_)) | None => break,
            },
            outgoing = out_rx.recv() => match outgoing {
                Some(Outgoing::Frame(bytes)) => {
                    // A client that stopped reading never lets this write finish.
                    let written = tokio::select! {
                        r = sink.send(WsMessage::Binary(bytes)) => r.is_ok(),
                        () = abort.notified() => false,
                    };
                    if !written {
                        break;
                    }
                }
                Some(Outgoing::Report(mark)) => {
                    if relay.tx.send(Command::Drained { conn, mark }).is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close) | None => {
                    let _ = tokio::time::timeout(CLOSE_WAIT, sink.send(WsMessage::Close(None))).await;
                    break;
                }
            },
            () = abort.notified() => break,
        }
    }
    let _ = relay.tx.send(Command::Disconnect { conn });
}

/// How long a closing connection may take to accept its Close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;
    use std::sync::mpsc as std_mpsc;
    use std::time::{Duration, Instant};

    use crm_sync::{ClientSession, Event, SavedState, WorkspaceSecret};

    use super::*;
    use crate::{Storage, StorageError};

    const WORKSPACE: &str = "0123456789abcdefghjkmnpqrs";

    /// The real store, with a hand on its commits: when `hold` is set, each commit first
    /// says so on `committing` and waits for `go`; when `fail` is set, the next commit fails;
    /// while `fail_forget` is set, forgetting idle clients fails as a failed write does.
    struct Gated {
        inner: Storage,
        hold: Arc<AtomicBool>,
        fail: Arc<AtomicBool>,
        fail_forget: Arc<AtomicBool>,
        committing: std_mpsc::Sender<()>,
        go: std_mpsc::Receiver<()>,
    }

    impl RelayStore for Gated {
        type Error = StorageError;
        crm_sync::delegate_relay_store!(
            inner: workspace_token, create_workspace, replace_token, append, read_after,
            snapshot, last_seq, compact,
        );
        fn forget_idle_clients(
            &mut self,
            before: i64,
            now: i64,
            max: usize,
            connected: &dyn Fn(&str, &crm_sync::ClientId) -> bool,
        ) -> Result<crm_sync::relay::IdleClients, StorageError> {
            if self.fail_forget.load(Ordering::SeqCst) {
                // Through `write`, so that inside a batch it spoils the batch as a real
                // failed write would.
                return self
                    .inner
                    .write(|_| Err(StorageError::Corrupt("the disk is gone".into())));
            }
            self.inner.forget_idle_clients(before, now, max, connected)
        }
    }

    impl BatchStore for Gated {
        fn begin_batch(&mut self) {
            self.inner.begin_batch();
        }
        fn commit_batch(&mut self) -> Result<(), StorageError> {
            if self.hold.load(Ordering::SeqCst) {
                let _ = self.committing.send(());
                let _ = self.go.recv();
            }
            if self.fail.swap(false, Ordering::SeqCst) {
                self.inner.poison("the disk is gone");
            }
            self.inner.commit_batch()
        }
    }

    struct Harness {
        relay: RelayHandle,
        hold: Arc<AtomicBool>,
        fail: Arc<AtomicBool>,
        fail_forget: Arc<AtomicBool>,
        committing: std_mpsc::Receiver<()>,
        go: std_mpsc::Sender<()>,
        _dir: tempfile::TempDir,
    }

    fn harness() -> Harness {
        harness_with(RelayConfig::default())
    }

    fn harness_with(config: RelayConfig) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let (committing_tx, committing) = std_mpsc::channel();
        let (go, go_rx) = std_mpsc::channel();
        let hold = Arc::new(AtomicBool::new(false));
        let fail = Arc::new(AtomicBool::new(false));
        let fail_forget = Arc::new(AtomicBool::new(false));
        let store = Gated {
            inner: Storage::open(dir.path(), 1).unwrap(),
            hold: hold.clone(),
            fail: fail.clone(),
            fail_forget: fail_forget.clone(),
            committing: committing_tx,
            go: go_rx,
        };
        Harness {
            relay: start(store, config),
            hold,
            fail,
            fail_forget,
            committing,
            go,
            _dir: dir,
        }
    }

    /// A client on connection `conn`: its session and what the relay sends it.
    struct Client {
        conn: ConnId,
        session: ClientSession,
        out: mpsc::Receiver<Outgoing>,
    }

    impl Client {
        /// A new client `id`, or `session` again, on connection `conn`.
        fn connect(
            relay: &RelayHandle,
            conn: ConnId,
            id: u8,
            session: Option<ClientSession>,
        ) -> Client {
            let (socket, out, _abort) = Socket::new();
            relay
                .tx
                .send(Command::Connect {
                    conn,
                    addr: "127.0.0.1".into(),
                    out: socket,
                })
                .unwrap();
            let mut session = session.unwrap_or_else(|| {
                let mut s = ClientSession::new(
                    WORKSPACE.into(),
                    WorkspaceSecret::new([42; 32], 0),
                    [id; 16],
                    SavedState::default(),
                    1,
                );
                s.subscribe("main");
                s
            });
            session.connecting(1);
            session.connected(1);
            let mut c = Client { conn, session, out };
            c.flush(relay);
            c
        }

        fn flush(&mut self, relay: &RelayHandle) {
            while let Some(bytes) = self.session.poll_transmit() {
                relay
                    .tx
                    .send(Command::Receive {
                        conn: self.conn,
                        bytes,
                    })
                    .unwrap();
            }
        }

        /// Feeds frames to the session until `want` matches an event; None if the relay
        /// closed the connection first. Panics after five seconds.
        fn until(&mut self, relay: &RelayHandle, want: impl Fn(&Event) -> bool) -> Option<Event> {
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                while let Some(e) = self.session.poll_event() {
                    if want(&e) {
                        return Some(e);
                    }
                }
                match self.out.try_recv() {
                    Ok(Outgoing::Frame(bytes)) => self.session.received(&bytes, 2),
                    Ok(Outgoing::Report(mark)) => relay
                        .tx
                        .send(Command::Drained {
                            conn: self.conn,
                            mark,
                        })
                        .unwrap(),
                    Ok(Outgoing::Close) => return None,
                    Err(_) => {
                        assert!(Instant::now() < deadline, "nothing from the relay");
                        std::thread::sleep(Duration::from_millis(2));
                    }
                }
                self.flush(relay);
            }
        }
    }

    fn acked(e: &Event) -> bool {
        matches!(e, Event::Acked { .. })
    }

    #[test]
    fn nothing_of_a_batch_goes_out_before_its_commit_returns() {
        let h = harness();
        let mut ann = Client::connect(&h.relay, 1, 1, None);
        ann.until(&h.relay, |e| matches!(e, Event::Changed))
            .unwrap();
        while ann.out.try_recv().is_ok() {}

        h.hold.store(true, Ordering::SeqCst);
        ann.session.push("main", b"a change", [7; 24]);
        ann.flush(&h.relay);
        h.committing.recv_timeout(Duration::from_secs(5)).unwrap();
        // The relay has handled the push and is committing it: the acknowledgement waits.
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            ann.out.try_recv().is_err(),
            "sent before the commit returned"
        );
        h.hold.store(false, Ordering::SeqCst);
        h.go.send(()).unwrap();
        assert!(ann.until(&h.relay, acked).is_some());
    }

    #[test]
    fn a_batch_that_cannot_be_committed_is_never_acknowledged_and_the_relay_goes_on() {
        let h = harness();
        let mut ann = Client::connect(&h.relay, 1, 1, None);
        ann.until(&h.relay, |e| matches!(e, Event::Changed))
            .unwrap();

        h.fail.store(true, Ordering::SeqCst);
        ann.session.push("main", b"a change", [7; 24]);
        ann.flush(&h.relay);
        assert_eq!(
            ann.until(&h.relay, acked),
            None,
            "closed without an acknowledgement"
        );

        // The client reconnects and pushes again from its outbox; this time it is stored.
        h.relay.tx.send(Command::Disconnect { conn: 1 }).unwrap();
        let mut session = ann.session;
        session.disconnected(3, 0);
        let mut ann = Client::connect(&h.relay, 2, 1, Some(session));
        assert!(ann.until(&h.relay, acked).is_some());
        let mut bob = Client::connect(&h.relay, 3, 2, None);
        let got = bob.until(&h.relay, |e| matches!(e, Event::Apply { .. }));
        assert_eq!(
            got,
            Some(Event::Apply {
                doc: "main".into(),
                data: b"a change".to_vec()
            })
        );
        // Stored once: the failed batch left nothing behind to be delivered a second time.
        bob.until(&h.relay, |e| matches!(e, Event::Changed))
            .unwrap();
        ann.session.push("main", b"next", [8; 24]);
        ann.flush(&h.relay);
        let next = bob.until(&h.relay, |e| matches!(e, Event::Apply { .. }));
        assert_eq!(
            next,
            Some(Event::Apply {
                doc: "main".into(),
                data: b"next".to_vec()
            })
        );
    }

    #[test]
    fn pushes_are_acknowledged_while_forgetting_idle_clients_keeps_failing() {
        let h = harness();
        h.fail_forget.store(true, Ordering::SeqCst);
        let mut ann = Client::connect(&h.relay, 1, 1, None);
        ann.until(&h.relay, |e| matches!(e, Event::Changed))
            .expect("still connected");
        for i in 0..3u8 {
            ann.session.push("main", &[i], [i; 24]);
            ann.flush(&h.relay);
            assert!(
                ann.until(&h.relay, acked).is_some(),
                "push {i} acknowledged"
            );
        }
    }

    #[test]
    fn a_catch_up_longer_than_a_page_goes_on_as_the_socket_reports_pages_written() {
        let h = harness_with(RelayConfig {
            page_size: 2,
            ..RelayConfig::default()
        });
        let mut ann = Client::connect(&h.relay, 1, 1, None);
        ann.until(&h.relay, |e| matches!(e, Event::Changed))
            .unwrap();
        for i in 0..9u8 {
            ann.session.push("main", &[i], [i; 24]);
        }
        ann.flush(&h.relay);
        for _ in 0..9 {
            ann.until(&h.relay, acked).unwrap();
        }
        let mut bob = Client::connect(&h.relay, 2, 2, None);
        let mut applied = Vec::new();
        while applied.len() < 9 {
            match bob.until(&h.relay, |e| matches!(e, Event::Apply { .. })) {
                Some(Event::Apply { data, .. }) => applied.push(data),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(applied, (0..9u8).map(|i| vec![i]).collect::<Vec<_>>());
        // Caught up, and live from there.
        ann.session.push("main", b"live", [9; 24]);
        ann.flush(&h.relay);
        assert_eq!(
            bob.until(&h.relay, |e| matches!(e, Event::Apply { .. })),
            Some(Event::Apply {
                doc: "main".into(),
                data: b"live".to_vec()
            })
        );
    }

    #[test]
    fn a_list_of_peers_held_back_goes_out_on_the_timer_with_no_message_arriving() {
        let h = harness();
        let mut ann = Client::connect(&h.relay, 1, 1, None);
        ann.until(&h.relay, |e| matches!(e, Event::Changed))
            .unwrap();
        // Bob comes within the second after Ann's list: Ann hears of him only from the timer.
        let _bob = Client::connect(&h.relay, 2, 2, None);
        let got = ann.until(
            &h.relay,
            |e| matches!(e, Event::Peers { clients } if clients.len() == 1),
        );
        assert_eq!(
            got,
            Some(Event::Peers {
                clients: vec![[2; 16]]
            })
        );
    }
}
