//! Removing a member by rotating the secret: the relay admits only the new token, the others
//! are shut out, the log is compacted under the new key, and a member re-invited with the new
//! secret reads everything; one left with the old secret is refused.

use crm_core::Id;
use crm_sync::{
    ClientSession, ConnId, ErrorCode, Event, MemoryStore, RelayConfig, RelayCore, RelayOutput,
    SavedState, WorkspaceSecret,
};

const DOC: &str = "main";

struct Net {
    relay: RelayCore<MemoryStore>,
    clients: Vec<(ConnId, ClientSession, bool)>,
    now: i64,
}

impl Net {
    fn join(&mut self, secret: WorkspaceSecret, n: u8) -> usize {
        let ws = Id::from_bytes([42; 16]).to_string();
        let mut s = ClientSession::new(ws, secret, [n; 16], SavedState::default(), self.now);
        s.subscribe(DOC);
        let conn = ConnId::from(n);
        self.relay.connect(conn, "10.0.0.1", self.now);
        s.connecting(self.now);
        s.connected(self.now);
        self.clients.push((conn, s, true));
        self.settle();
        self.clients.len() - 1
    }

    /// Moves frames both ways until nothing is left to send.
    fn settle(&mut self) {
        loop {
            self.now += 1;
            let mut moved = false;
            for (conn, s, open) in &mut self.clients {
                while let Some(frame) = s.poll_transmit() {
                    moved = true;
                    if *open {
                        self.relay.receive(*conn, &frame, self.now);
                    }
                }
            }
            while let Some(out) = self.relay.poll_output() {
                moved = true;
                let Some((_, s, open)) = self.clients.iter_mut().find(|(c, ..)| *c == out.conn())
                else {
                    continue;
                };
                match out {
                    RelayOutput::Send { bytes, .. } if *open => s.received(&bytes, self.now),
                    RelayOutput::Send { .. } => {}
                    RelayOutput::ReportDrained { conn, mark } => self.relay.drained(conn, mark),
                    RelayOutput::Close { conn, .. } | RelayOutput::Abort { conn, .. } => {
                        if *open {
                            *open = false;
                            s.disconnected(self.now, 0);
                            self.relay.disconnect(conn);
                        }
                    }
                }
            }
            if !moved {
                return;
            }
        }
    }

    fn events(&mut self, i: usize) -> Vec<Event> {
        std::iter::from_fn(|| self.clients[i].1.poll_event()).collect()
    }
}

fn applied(events: &[Event]) -> Vec<Vec<u8>> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Apply { data, .. } => Some(data.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_rotation_shuts_out_the_old_secret_and_the_new_one_reads_everything() {
    let old = WorkspaceSecret::new([1; 32], 0);
    let new = old.rotate([2; 32]).unwrap();
    let mut net = Net {
        relay: RelayCore::new(MemoryStore::new(), RelayConfig::default()),
        clients: Vec::new(),
        now: 1_000,
    };
    let a = net.join(old.clone(), 1);
    let b = net.join(old.clone(), 2);
    net.clients[b].1.push(DOC, b"change from b", [7; 24]);
    net.settle();
    assert_eq!(applied(&net.events(a)), [b"change from b".to_vec()]);

    // Not while changes wait to go out.
    net.clients[a].1.push(DOC, b"change from a", [8; 24]);
    assert!(!net.clients[a].1.rotate(&new, 99));
    net.settle();
    net.events(b);

    assert!(net.clients[a].1.rotate(&new, 77));
    net.settle();
    // b was connected with the old token: closed with the reason.
    let eb = net.events(b);
    let refused = eb.into_iter().any(|e| {
        matches!(e, Event::RelayError { code: ErrorCode::Unauthorized, ref message, fatal: true } if message.contains("new invite link"))
    });
    assert!(
        refused,
        "the old secret's connection is told why it was closed"
    );
    assert!(net.clients[a].1.rekey_due(DOC));
    net.clients[a]
        .1
        .compact(DOC, b"everything, resealed", [9; 24]);
    assert!(!net.clients[a].1.rekey_due(DOC));
    net.clients[a].1.push(DOC, b"after the rotation", [10; 24]);
    net.settle();

    // A colleague invited again reads the whole log: the snapshot and what came after.
    let c = net.join(new.clone(), 3);
    assert_eq!(
        applied(&net.events(c)),
        [
            b"everything, resealed".to_vec(),
            b"after the rotation".to_vec()
        ]
    );
    // The removed one, still holding the old secret, is refused at once.
    let d = net.join(old, 4);
    assert!(net.events(d).iter().any(|e| matches!(
        e,
        Event::RelayError {
            code: ErrorCode::Unauthorized,
            ..
        }
    )));
    assert!(applied(&net.events(d)).is_empty());
}
