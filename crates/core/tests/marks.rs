//! A mark says how far a replica's offers to its team reached; what it holds beyond the mark
//! is what was never offered. It may give more than that (changes the team has), never less.

mod common;

use common::*;
use crm_core::{Kind, Workspace};

fn add(ws: &mut Workspace, n: u64, name: &str) {
    ws.apply(
        create(Kind::Contact, id(n), &[("name", text(name))]),
        &ctx(n as i64),
    )
    .unwrap();
}

#[test]
fn what_lies_beyond_a_mark_is_exactly_what_was_made_since() {
    let mut a = Workspace::new(actor(1));
    add(&mut a, 1, "Ann");
    let mut team = fork(&mut a, 2);
    let mark = a.mark();
    assert_eq!(mark.len(), 32);
    add(&mut a, 2, "Bob");
    add(&mut a, 3, "Cy");
    let unsent = a.changes_since_mark(Some(&mark));
    team.load_incremental(&unsent).unwrap();
    assert_eq!(contact_names(&team), ["Ann", "Bob", "Cy"]);
    assert_eq!(team.heads(), a.heads());
    // Nothing beyond a fresh mark.
    let now = a.mark();
    assert!(a.changes_since_mark(Some(&now)).is_empty());
    // Only what came after: loading it into a replica without Ann's change would leave it
    // waiting for that change, so the chunk must not hold Ann.
    let mut lone = Workspace::new(actor(3));
    lone.load_incremental(&unsent).unwrap();
    assert!(contact_names(&lone).is_empty());
}

#[test]
fn a_mark_from_a_replica_ahead_gives_more_never_less() {
    let mut a = Workspace::new(actor(1));
    add(&mut a, 1, "Ann");
    let mut tab = fork(&mut a, 2);
    // The other tab has moved on to a change this one never saw; its mark names it.
    add(&mut tab, 2, "From the other tab");
    let ahead = tab.mark();
    add(&mut a, 3, "Made here");
    let unsent = a.changes_since_mark(Some(&ahead));
    let mut team = Workspace::new(actor(3));
    team.load_incremental(&unsent).unwrap();
    assert_eq!(contact_names(&team), ["Ann", "Made here"]);
    // A mark with one known and one unknown head gives what lies beyond the known one.
    let known = a.mark();
    let mut behind = fork(&mut a, 4);
    add(&mut a, 4, "Later");
    let mut mixed = known;
    mixed.extend_from_slice(&ahead);
    let beyond = a.changes_since_mark(Some(&mixed));
    behind.load_incremental(&beyond).unwrap();
    assert_eq!(contact_names(&behind), ["Ann", "Later", "Made here"]);
    assert_eq!(behind.heads(), a.heads());
    let mut lone = Workspace::new(actor(5));
    lone.load_incremental(&beyond).unwrap();
    assert!(contact_names(&lone).is_empty());
}

#[test]
fn without_a_mark_everything_is_offered_but_an_empty_workspace_offers_nothing() {
    let mut fresh = Workspace::new(actor(1));
    assert!(fresh.changes_since_mark(None).is_empty());
    let mut a = Workspace::new(actor(1));
    add(&mut a, 1, "Ann");
    add(&mut a, 2, "Bob");
    for mark in [None, Some(&[7u8; 5][..]), Some(&[9u8; 32][..])] {
        let all = a.changes_since_mark(mark);
        let mut team = Workspace::new(actor(2));
        team.load_incremental(&all).unwrap();
        assert_eq!(contact_names(&team), ["Ann", "Bob"], "mark {mark:?}");
    }
    // Asking does not count as persisting: the chunk store's next save still has the changes.
    let mut b = Workspace::new(actor(3));
    add(&mut b, 3, "Unsaved");
    let _ = b.changes_since_mark(None);
    assert!(!b.save_incremental().is_empty());
}
