//! Two replicas on a direct link converge through the Automerge sync protocol alone, both
//! ways, edits made on each side while apart; a message that does not decode is refused.

mod common;

use common::*;
use crm_core::{Kind, PeerSync, Workspace};

/// Passes messages both ways until neither side has anything to say; returns the rounds.
fn sync(a: &mut Workspace, b: &mut Workspace) -> usize {
    let (mut sa, mut sb) = (PeerSync::new(), PeerSync::new());
    for round in 1..50 {
        let to_b = a.sync_message(&mut sa);
        let to_a = b.sync_message(&mut sb);
        if to_b.is_none() && to_a.is_none() {
            return round;
        }
        if let Some(m) = to_b {
            b.receive_sync_message(&mut sb, &m).unwrap();
        }
        if let Some(m) = to_a {
            a.receive_sync_message(&mut sa, &m).unwrap();
        }
    }
    panic!("the sync protocol did not settle in 50 rounds");
}

#[test]
fn replicas_converge_over_a_direct_link() {
    let mut a = Workspace::new(actor(1));
    let mut b = fork(&mut a, 2);
    a.apply(
        create(Kind::Contact, id(1), &[("name", text("Ann"))]),
        &ctx(1),
    )
    .unwrap();
    b.apply(
        create(Kind::Contact, id(2), &[("name", text("Bob"))]),
        &ctx(2),
    )
    .unwrap();
    b.apply(
        update(Kind::Contact, id(2), &[("city", Some(text("Lyon")))]),
        &ctx(3),
    )
    .unwrap();
    sync(&mut a, &mut b);
    assert_eq!(contact_names(&a), ["Ann", "Bob"]);
    assert_eq!(contact_names(&b), ["Ann", "Bob"]);
    assert_eq!(
        a.get(Kind::Contact, id(2)).unwrap().text("city"),
        Some("Lyon")
    );
    // Nothing new: a fresh link settles at once after the first exchange of heads.
    a.apply(
        update(Kind::Contact, id(1), &[("city", Some(text("Porto")))]),
        &ctx(4),
    )
    .unwrap();
    sync(&mut a, &mut b);
    assert_eq!(
        b.get(Kind::Contact, id(1)).unwrap().text("city"),
        Some("Porto")
    );
    assert!(sync(&mut a, &mut b) <= 2);
}

#[test]
fn a_message_that_does_not_decode_changes_nothing() {
    let mut a = Workspace::new(actor(1));
    a.apply(
        create(Kind::Contact, id(1), &[("name", text("Ann"))]),
        &ctx(1),
    )
    .unwrap();
    let mut s = PeerSync::new();
    assert!(
        a.receive_sync_message(&mut s, b"not a sync message")
            .is_err()
    );
    assert_eq!(contact_names(&a), ["Ann"]);
}
