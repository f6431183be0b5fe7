//! The WebSocket endpoint `/sync`. One thread owns the relay's logic (`crm_sync::RelayCore`)
//! and its store; every socket task only moves frames between its socket and that thread. The
//! store commits each append before the thread hands out the acknowledgement, so an
//! acknowledged change is on disk whatever happens to the process afterwards.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, State};
use axum::response::Response;
use crm_sync::relay::{ConnId, RelayConfig, RelayCore, RelayOutput, RelayStore};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::mpsc;

use crate::AppState;

enum Command {
    Connect {
        conn: ConnId,
        addr: String,
        out: mpsc::UnboundedSender<Outgoing>,
    },
    Receive {
        conn: ConnId,
        bytes: Vec<u8>,
    },
    Disconnect {
        conn: ConnId,
    },
}

enum Outgoing {
    Frame(Vec<u8>),
    Close,
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

/// Starts the relay thread over `store`. It runs until every handle is dropped.
pub fn start<S>(store: S, config: RelayConfig) -> RelayHandle
where
    S: RelayStore + Send + 'static,
{
    let max_message = usize::try_from(config.limits.max_message).unwrap_or(usize::MAX);
    let (tx, mut rx) = mpsc::unbounded_channel::<Command>();
    std::thread::Builder::new()
        .name("relay".into())
        .spawn(move || {
            let mut core = RelayCore::new(store, config);
            let mut sockets: HashMap<ConnId, mpsc::UnboundedSender<Outgoing>> = HashMap::new();
            while let Some(cmd) = rx.blocking_recv() {
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
                }
                while let Some(out) = core.poll_output() {
                    match out {
                        RelayOutput::Send { conn, bytes } => {
                            if let Some(s) = sockets.get(&conn) {
                                let _ = s.send(Outgoing::Frame(bytes));
                            }
                        }
                        RelayOutput::Close { conn, reason } => {
                            tracing::info!(conn, %reason, "closing a sync connection");
                            if let Some(s) = sockets.remove(&conn) {
                                let _ = s.send(Outgoing::Close);
                            }
                            core.disconnect(conn);
                        }
                    }
                }
            }
            tracing::info!("relay thread stopped");
        })
        .map_or_else(
            |e| tracing::error!(error = %e, "cannot start the relay thread"),
            |_| (),
        );
    RelayHandle {
        tx,
        next: Arc::new(AtomicU64::new(1)),
        max_message,
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
        .on_upgrade(move |socket| serve_socket(socket, addr, relay))
}

async fn serve_socket(socket: WebSocket, addr: SocketAddr, relay: RelayHandle) {
    let conn = relay.next.fetch_add(1, Ordering::Relaxed);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    if relay
        .tx
        .send(Command::Connect {
            conn,
            addr: addr.ip().to_string(),
            out: out_tx,
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
                    if sink.send(WsMessage::Binary(bytes.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close) | None => {
                    let _ = sink.send(WsMessage::Close(None)).await;
                    break;
                }
            },
        }
    }
    let _ = relay.tx.send(Command::Disconnect { conn });
}
