//! `crm-bench relay-catchup`: many clients catching up on one long log at once, for the
//! relay's memory. Writers fill a document with `entries` envelopes of `size` bytes (raw
//! pushes: the relay never opens envelopes, so they need not be sealed), spread over enough
//! connections to stay under the relay's per-connection message rate. Then `clients` fresh
//! connections subscribe from 0 together and each reads its catch-up to `CaughtUp`, sleeping
//! `pause_ms` first, as clients on slow links or busy devices would. Prints a JSON summary;
//! the relay's peak RSS is read by the caller (`VmHWM`).
//!
//! Each run uses a workspace of its own, with a random id: with a fixed one, a second run
//! against the same data dir would have every push taken for a repeat of the first run's
//! (same writer ids and sequence numbers) and the readers would catch up on the first run's
//! log. A relay lets one address create 10 workspaces an hour, so 10 runs an hour per relay.

use std::net::TcpStream;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use crm_core::Id;
use crm_sync::{Message, WorkspaceSecret, decode, encode};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message as WsMessage, WebSocket};

const DOC: &str = "main";
/// Below the relay's 200 messages a second per connection.
const PUSHES_PER_SECOND: usize = 180;

pub struct Config {
    pub url: String,
    pub entries: usize,
    pub size: usize,
    pub clients: usize,
    pub pause_ms: u64,
}

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

/// A workspace id no earlier run used: 128 bits from the standard library's per-process
/// random hash keys (the bench has no other source of randomness, and needs no more).
fn fresh_workspace() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut bytes = [0u8; 16];
    for half in bytes.chunks_mut(8) {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        half.copy_from_slice(&h.finish().to_le_bytes());
    }
    Id::from_bytes(bytes).to_string()
}

fn hello(workspace: &str, client: u64) -> Vec<u8> {
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&client.to_le_bytes());
    encode(&Message::Hello {
        version: 2,
        workspace: workspace.to_owned(),
        token: WorkspaceSecret::new([7; 32], 0).access_token(),
        client: id,
    })
}

fn send(socket: &mut Socket, bytes: Vec<u8>) -> anyhow::Result<()> {
    socket.send(WsMessage::Binary(bytes.into()))?;
    Ok(())
}

/// The next protocol message, skipping WebSocket control frames.
fn next(socket: &mut Socket) -> anyhow::Result<Message> {
    loop {
        if let WsMessage::Binary(bytes) = socket.read()? {
            return Ok(decode(&bytes, &crm_sync::Limits::default())?);
        }
    }
}

/// One writer: `count` pushes, paced, each answered before the second is over.
fn write(url: &str, workspace: &str, writer: u64, count: usize, size: usize) -> anyhow::Result<()> {
    let (mut socket, _) = tungstenite::connect(url)?;
    send(&mut socket, hello(workspace, 1_000_000 + writer))?;
    let mut seq = 0u64;
    while (seq as usize) < count {
        let started = Instant::now();
        let batch = PUSHES_PER_SECOND.min(count - seq as usize);
        for _ in 0..batch {
            seq += 1;
            let mut envelope = vec![0u8; size];
            envelope[..8.min(size)].copy_from_slice(&seq.to_le_bytes()[..8.min(size)]);
            send(
                &mut socket,
                encode(&Message::Push {
                    doc: DOC.to_owned(),
                    client_seq: seq,
                    envelope,
                }),
            )?;
        }
        let mut acked = 0;
        while acked < batch {
            match next(&mut socket)? {
                Message::Ack { .. } => acked += 1,
                Message::Error { message, .. } => bail!("writer {writer}: {message}"),
                _ => {}
            }
        }
        std::thread::sleep(Duration::from_secs(1).saturating_sub(started.elapsed()));
    }
    Ok(())
}

/// One reader: subscribes from the start, waits `pause`, reads to `CaughtUp`; returns the
/// entries it got.
fn read(url: &str, workspace: &str, reader: u64, pause: Duration) -> anyhow::Result<u64> {
    let (mut socket, _) = tungstenite::connect(url)?;
    send(&mut socket, hello(workspace, reader))?;
    send(
        &mut socket,
        encode(&Message::Subscribe {
            doc: DOC.to_owned(),
            since: 0,
        }),
    )?;
    std::thread::sleep(pause);
    let mut got = 0;
    loop {
        match next(&mut socket)? {
            Message::Deliver { .. } => got += 1,
            Message::CaughtUp { .. } => return Ok(got),
            Message::Error { message, .. } => bail!("reader {reader}: {message}"),
            _ => {}
        }
    }
}

pub fn run(cfg: &Config) -> anyhow::Result<serde_json::Value> {
    let workspace = fresh_workspace();
    let writers = cfg.entries.div_ceil(PUSHES_PER_SECOND * 5).max(1);
    let started = Instant::now();
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let url = cfg.url.clone();
            let workspace = workspace.clone();
            let count = cfg.entries / writers + usize::from(w < cfg.entries % writers);
            let size = cfg.size;
            std::thread::spawn(move || write(&url, &workspace, w as u64, count, size))
        })
        .collect();
    for h in handles {
        h.join()
            .map_err(|_| anyhow::anyhow!("a writer panicked"))?
            .context("a writer failed")?;
    }
    let filled_s = started.elapsed().as_secs_f64();
    eprintln!("relay-catchup: log filled in {filled_s:.1} s; catching up");
    let started = Instant::now();
    let handles: Vec<_> = (0..cfg.clients)
        .map(|r| {
            let url = cfg.url.clone();
            let workspace = workspace.clone();
            let pause = Duration::from_millis(cfg.pause_ms);
            std::thread::spawn(move || read(&url, &workspace, r as u64 + 1, pause))
        })
        .collect();
    let mut got = Vec::new();
    for h in handles {
        got.push(
            h.join()
                .map_err(|_| anyhow::anyhow!("a reader panicked"))?
                .context("a reader failed")?,
        );
    }
    let complete = got.iter().filter(|&&g| g == cfg.entries as u64).count();
    Ok(serde_json::json!({
        "workspace": workspace,
        "entries": cfg.entries,
        "entry_bytes": cfg.size,
        "log_mb": (cfg.entries * cfg.size) as f64 / 1_048_576.0,
        "writers": writers,
        "fill_s": filled_s,
        "clients": cfg.clients,
        "pause_ms": cfg.pause_ms,
        "catch_up_s": started.elapsed().as_secs_f64(),
        "clients_with_every_entry": complete,
    }))
}
