//! The relay forgets idle clients' deduplication rows. A push whose `Ack` was lost, resent
//! after that, is stored a second time: both copies reach every replica as Automerge changes,
//! the second changes nothing, and the replicas still converge.

use crm_core::{Command, Ctx, FieldValue, Id, Kind, Timestamp, Workspace};
use crm_sync::{
    ClientSession, Connection, Event, MemoryStore, RelayConfig, RelayCore, RelayOutput, SavedState,
    WorkspaceSecret,
};

const DOC: &str = "workspace";
const HORIZON_MS: i64 = 1_000;

struct Peer {
    conn: u64,
    session: ClientSession,
    ws: Workspace,
    applied: usize,
}

impl Peer {
    fn new(n: u8) -> Peer {
        let mut session = ClientSession::new(
            Id::from_bytes([42; 16]).to_string(),
            WorkspaceSecret::new([9; 32], 0),
            [n; 16],
            SavedState::default(),
            0,
        );
        session.subscribe(DOC);
        Peer {
            conn: 0,
            session,
            ws: Workspace::new([n; 16]),
            applied: 0,
        }
    }

    fn connect(&mut self, relay: &mut RelayCore<MemoryStore>, conn: u64, now: i64) {
        self.conn = conn;
        relay.connect(conn, "10.0.0.1", now);
        self.session.connecting(now);
        self.session.connected(now);
    }

    fn events(&mut self) {
        while let Some(e) = self.session.poll_event() {
            if let Event::Apply { data, .. } = e {
                self.ws.load_incremental(&data).expect("a change loads");
                self.applied += 1;
            }
        }
    }
}

/// Moves frames until nothing moves; the relay's frames for `deaf` are lost.
fn settle(
    relay: &mut RelayCore<MemoryStore>,
    peers: &mut [&mut Peer],
    deaf: Option<u64>,
    now: i64,
) {
    loop {
        let mut moved = false;
        for p in peers.iter_mut() {
            while let Some(frame) = p.session.poll_transmit() {
                moved = true;
                relay.receive(p.conn, &frame, now);
            }
        }
        while let Some(out) = relay.poll_output() {
            moved = true;
            match out {
                RelayOutput::Send { conn, bytes } if Some(conn) != deaf => {
                    if let Some(p) = peers.iter_mut().find(|p| p.conn == conn) {
                        p.session.received(&bytes, now);
                    }
                }
                RelayOutput::ReportDrained { conn, mark } => relay.drained(conn, mark),
                RelayOutput::Close { .. } | RelayOutput::Abort { .. } => panic!("{out:?}"),
                RelayOutput::Send { .. } => {}
            }
        }
        for p in peers.iter_mut() {
            p.events();
        }
        if !moved {
            return;
        }
    }
}

#[test]
fn a_push_stored_twice_after_its_client_was_forgotten_changes_nothing() {
    let mut relay = RelayCore::new(
        MemoryStore::new(),
        RelayConfig {
            forget_clients_after_ms: HORIZON_MS,
            ..RelayConfig::default()
        },
    );
    let mut ann = Peer::new(1);
    let mut bob = Peer::new(2);
    ann.connect(&mut relay, 1, 0);
    bob.connect(&mut relay, 2, 0);
    settle(&mut relay, &mut [&mut ann, &mut bob], None, 0);

    let id = Id::from_bytes([5; 16]);
    ann.ws
        .apply(
            Command::Create {
                kind: Kind::Contact,
                id,
                fields: vec![("name".into(), FieldValue::text("Ada"))],
                custom: vec![],
            },
            &Ctx {
                now: Timestamp(0),
                by: None,
            },
        )
        .expect("the command applies");
    let chunk = ann.ws.save_incremental();
    ann.session.push(DOC, &chunk, [3; 24]);
    // Stored and delivered to Bob, but the Ack is lost with Ann's connection.
    settle(&mut relay, &mut [&mut ann, &mut bob], Some(1), 0);
    relay.disconnect(1);
    ann.session.disconnected(10, 0);
    assert_eq!(ann.session.saved().outbox().len(), 1, "not acknowledged");
    assert_eq!(bob.applied, 1);

    // Long after, the relay has forgotten Ann's client id; she comes back and resends.
    let later = 10 * HORIZON_MS + 60_000;
    let done = relay.maintain(later).expect("the memory store works");
    assert_eq!(done.forgotten, 1, "{done:?}");
    ann.connect(&mut relay, 3, later);
    settle(&mut relay, &mut [&mut ann, &mut bob], None, later);

    assert_eq!(
        relay
            .store()
            .log_len(&Id::from_bytes([42; 16]).to_string(), DOC),
        2
    );
    assert_eq!(bob.applied, 2, "the copy reached Bob too");
    assert!(ann.session.saved().outbox().is_empty());
    for p in [&mut ann, &mut bob] {
        assert_eq!(p.session.status().connection, Connection::Synced);
        assert_eq!(p.session.cursor(DOC), 2);
    }
    assert_eq!(ann.ws.heads(), bob.ws.heads());
    let contacts: Vec<_> = bob.ws.records(Kind::Contact).collect();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].id, id);
}
