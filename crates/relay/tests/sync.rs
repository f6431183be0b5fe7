//! The relay binary speaking the sync protocol over a real WebSocket: changes pass between two
//! clients, and a change the relay acknowledged survives `kill -9` of the relay.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crm_sync::{ClientSession, Connection, Event, SavedState, WorkspaceSecret};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

const WORKSPACE: &str = "0123456789abcdefghjkmnpqrs";
const DOC: &str = "main";

fn start(data: &Path, dist: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crm-relay"))
        .args(["--port", "0", "--data-dir"])
        .arg(data)
        .arg("--dist-dir")
        .arg(dist)
        .env("CRM_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("crm-relay listening on http://")
        .unwrap()
        .to_owned();
    (child, addr)
}

struct Client {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    session: ClientSession,
}

impl Client {
    fn connect(addr: &str, client: u8) -> Client {
        let (mut socket, _) = tungstenite::connect(format!("ws://{addr}/sync")).unwrap();
        if let MaybeTlsStream::Plain(s) = socket.get_mut() {
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        }
        let secret = WorkspaceSecret::new([42; 32], 0);
        let mut session = ClientSession::new(
            WORKSPACE.into(),
            secret,
            [client; 16],
            SavedState::default(),
            1,
        );
        session.subscribe(DOC);
        session.connecting(1);
        session.connected(1);
        let mut c = Client { socket, session };
        c.flush();
        c
    }

    fn flush(&mut self) {
        while let Some(bytes) = self.session.poll_transmit() {
            self.socket.send(Message::Binary(bytes.into())).unwrap();
        }
    }

    /// Reads until the relay has welcomed this client (for the first client of a workspace:
    /// until the workspace exists on the relay). `connected` alone already reports a change.
    fn synced(&mut self) {
        while self.session.status().connection != Connection::Synced {
            self.until(|e| matches!(e, Event::Changed));
        }
    }

    /// Reads until an event matching `want` arrives (panics after the read timeout).
    fn until(&mut self, want: impl Fn(&Event) -> bool) -> Event {
        loop {
            while let Some(e) = self.session.poll_event() {
                if want(&e) {
                    return e;
                }
            }
            match self.socket.read().unwrap() {
                Message::Binary(b) => self.session.received(&b, 2),
                Message::Close(_) => panic!("the relay closed the connection"),
                _ => {}
            }
            self.flush();
        }
    }
}

#[test]
fn an_acknowledged_change_reaches_a_colleague_and_survives_kill_9() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
    let data = tmp.path().join("data");

    let (mut relay, addr) = start(&data, &dist);
    let mut ann = Client::connect(&addr, 1);
    let mut bob = Client::connect(&addr, 2);
    bob.synced();
    ann.session.push(DOC, b"first change", [7; 24]);
    ann.flush();
    ann.until(|e| matches!(e, Event::Acked { .. }));
    let got = bob.until(|e| matches!(e, Event::Apply { .. }));
    assert_eq!(
        got,
        Event::Apply {
            doc: DOC.into(),
            data: b"first change".to_vec()
        }
    );

    // Acknowledged, then the relay dies without any chance to clean up.
    ann.session.push(DOC, b"second change", [8; 24]);
    ann.flush();
    ann.until(|e| matches!(e, Event::Acked { .. }));
    relay.kill().unwrap();
    relay.wait().unwrap();

    let (mut relay, addr) = start(&data, &dist);
    let mut carol = Client::connect(&addr, 3);
    let mut seen = Vec::new();
    while seen.len() < 2 {
        if let Event::Apply { data, .. } = carol.until(|e| matches!(e, Event::Apply { .. })) {
            seen.push(data);
        }
    }
    assert_eq!(
        seen,
        vec![b"first change".to_vec(), b"second change".to_vec()]
    );
    relay.kill().unwrap();
    relay.wait().unwrap();
}

#[test]
fn changes_pushed_together_are_committed_together_and_all_survive_kill_9() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
    let data = tmp.path().join("data");

    let (mut relay, addr) = start(&data, &dist);
    let mut team: Vec<Client> = (1..=4).map(|id| Client::connect(&addr, id)).collect();
    for c in &mut team {
        c.synced();
    }
    // Every member sends 20 changes without waiting, so they reach the relay in bursts that
    // share commits.
    for (i, c) in team.iter_mut().enumerate() {
        for n in 0..20u8 {
            let i = u8::try_from(i).unwrap();
            c.session.push(DOC, &[i, n], [i * 20 + n; 24]);
        }
        c.flush();
    }
    for c in &mut team {
        for _ in 0..20 {
            c.until(|e| matches!(e, Event::Acked { .. }));
        }
    }
    relay.kill().unwrap();
    relay.wait().unwrap();

    let (mut relay, addr) = start(&data, &dist);
    let mut carol = Client::connect(&addr, 9);
    let mut seen = std::collections::BTreeSet::new();
    while seen.len() < 80 {
        if let Event::Apply { data, .. } = carol.until(|e| matches!(e, Event::Apply { .. })) {
            assert!(seen.insert(data), "delivered twice");
        }
    }
    relay.kill().unwrap();
    relay.wait().unwrap();
}

#[test]
fn a_wrong_secret_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dist = tmp.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html>").unwrap();
    let (mut relay, addr) = start(&tmp.path().join("data"), &dist);
    let mut ann = Client::connect(&addr, 1);
    // Ann's workspace must exist before Mallory knocks, or Mallory would create it.
    ann.synced();
    let (mut socket, _) = tungstenite::connect(format!("ws://{addr}/sync")).unwrap();
    if let MaybeTlsStream::Plain(s) = socket.get_mut() {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    }
    let mut mallory = ClientSession::new(
        WORKSPACE.into(),
        WorkspaceSecret::new([1; 32], 0),
        [9; 16],
        SavedState::default(),
        1,
    );
    mallory.connecting(1);
    mallory.connected(1);
    while let Some(b) = mallory.poll_transmit() {
        socket.send(Message::Binary(b.into())).unwrap();
    }
    let refusal = loop {
        match socket.read() {
            Ok(Message::Binary(b)) => {
                mallory.received(&b, 2);
                if let Some(e) = std::iter::from_fn(|| mallory.poll_event())
                    .find(|e| matches!(e, Event::RelayError { .. }))
                {
                    break e;
                }
            }
            Ok(_) => {}
            Err(e) => panic!("closed before refusing: {e}"),
        }
    };
    assert!(
        matches!(
            refusal,
            Event::RelayError {
                code: crm_sync::ErrorCode::Unauthorized,
                ..
            }
        ),
        "{refusal:?}"
    );
    relay.kill().unwrap();
    relay.wait().unwrap();
}
