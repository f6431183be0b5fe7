//! Helpers shared by the workspace tests.
#![allow(dead_code)]

use crm_core::pipeline::{Stage, stages_value};
use crm_core::{Command, Ctx, FieldValue, Id, Kind, Money, Timestamp, Workspace};

pub fn id(n: u64) -> Id {
    let mut b = [0u8; 16];
    b[8..].copy_from_slice(&n.to_be_bytes());
    b[0] = 0x11;
    Id::from_bytes(b)
}

pub fn actor(n: u8) -> [u8; 16] {
    [n; 16]
}

pub fn ctx(now: i64) -> Ctx {
    Ctx {
        now: Timestamp(now),
        by: None,
    }
}

pub fn text(s: &str) -> FieldValue {
    FieldValue::text(s)
}

pub fn create(kind: Kind, rid: Id, fields: &[(&str, FieldValue)]) -> Command {
    Command::Create {
        kind,
        id: rid,
        fields: fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        custom: vec![],
    }
}

pub fn update(kind: Kind, rid: Id, fields: &[(&str, Option<FieldValue>)]) -> Command {
    Command::Update {
        kind,
        id: rid,
        fields: fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    }
}

pub fn eur(minor: i64) -> FieldValue {
    FieldValue::Money(Money::new(minor, "EUR".parse().unwrap()))
}

pub const PIPELINE: u64 = 900;

/// A workspace with one pipeline (stages lead 10%, won 100%... ) and nothing else.
pub fn with_pipeline(actor_byte: u8) -> Workspace {
    let mut ws = Workspace::new(actor(actor_byte));
    let stages = [
        Stage::new("lead", "Lead", 10, 0),
        Stage::new("proposal", "Proposal", 50, 1),
        Stage::new("negotiation", "Negotiation", 80, 2),
    ];
    ws.apply(
        create(
            Kind::Pipeline,
            id(PIPELINE),
            &[("name", text("Sales")), ("stages", stages_value(&stages))],
        ),
        &ctx(1),
    )
    .unwrap();
    ws
}

/// The live contacts' names, sorted.
pub fn contact_names(ws: &Workspace) -> Vec<String> {
    let mut v: Vec<String> = ws
        .live(Kind::Contact)
        .map(|r| r.title().to_owned())
        .collect();
    v.sort();
    v
}

/// Sets one text field of contact `n` at time `t`.
pub fn set_contact_text(ws: &mut Workspace, n: u64, field: &str, value: &str, t: i64) {
    ws.apply(
        update(Kind::Contact, id(n), &[(field, Some(text(value)))]),
        &ctx(t),
    )
    .unwrap();
}

/// Merges contact `remove` into contact `keep` at time `t`.
pub fn merge_contacts(ws: &mut Workspace, keep: u64, remove: u64, t: i64) {
    ws.apply(
        crm_core::Command::MergeDuplicates {
            kind: Kind::Contact,
            keep: id(keep),
            remove: id(remove),
        },
        &ctx(t),
    )
    .unwrap();
}

/// Both replicas take each other's changes.
pub fn sync_both(a: &mut Workspace, b: &mut Workspace) {
    a.merge(b).unwrap();
    b.merge(a).unwrap();
}

pub fn fork(ws: &mut Workspace, actor_byte: u8) -> Workspace {
    Workspace::load(&ws.save(), actor(actor_byte)).unwrap()
}
