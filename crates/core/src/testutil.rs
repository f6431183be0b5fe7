//! Building workspaces in unit tests: the same helpers as `tests/common`, for tests that live
//! next to the code they check.

use crate::command::{Command, Ctx};
use crate::id::Id;
use crate::money::Money;
use crate::pipeline::{Stage, stages_value};
use crate::schema::Kind;
use crate::time::Timestamp;
use crate::value::FieldValue;
use crate::workspace::Workspace;

pub fn id(n: u64) -> Id {
    let mut b = [0u8; 16];
    b[8..].copy_from_slice(&n.to_be_bytes());
    b[0] = 0x11;
    Id::from_bytes(b)
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

pub fn eur(minor: i64) -> FieldValue {
    money(minor, "EUR")
}

pub fn money(minor: i64, code: &str) -> FieldValue {
    FieldValue::Money(Money::new(minor, code.parse().unwrap()))
}

pub fn link(target: Id) -> FieldValue {
    FieldValue::Ref(target)
}

pub fn links(targets: &[Id]) -> FieldValue {
    FieldValue::set(targets.iter().map(Id::to_string))
}

pub fn at(ms: i64) -> FieldValue {
    FieldValue::Timestamp(Timestamp(ms))
}

/// Creates a record at time `now`, panicking with the refusal if it is refused.
pub fn make(ws: &mut Workspace, kind: Kind, rid: Id, now: i64, fields: &[(&str, FieldValue)]) {
    let cmd = Command::Create {
        kind,
        id: rid,
        fields: fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        custom: vec![],
    };
    ws.apply(cmd, &ctx(now))
        .unwrap_or_else(|e| panic!("create {kind} {rid}: {e}"));
}

pub fn set(ws: &mut Workspace, kind: Kind, rid: Id, now: i64, name: &str, v: Option<FieldValue>) {
    let cmd = Command::Update {
        kind,
        id: rid,
        fields: vec![(name.to_owned(), v)],
    };
    ws.apply(cmd, &ctx(now))
        .unwrap_or_else(|e| panic!("update {kind} {rid} {name}: {e}"));
}

pub fn trash(ws: &mut Workspace, kind: Kind, rid: Id, now: i64) {
    ws.apply(Command::Trash { kind, id: rid }, &ctx(now))
        .unwrap_or_else(|e| panic!("trash {kind} {rid}: {e}"));
}

pub const PIPELINE: u64 = 900;

/// A workspace holding pipeline `PIPELINE` with stages lead (10%), proposal (50%) and
/// negotiation (80%), in that order.
pub fn with_pipeline() -> Workspace {
    let mut ws = Workspace::new([1; 16]);
    let stages = [
        Stage::new("lead", "Lead", 10, 0),
        Stage::new("proposal", "Proposal", 50, 1),
        Stage::new("negotiation", "Negotiation", 80, 2),
    ];
    make(
        &mut ws,
        Kind::Pipeline,
        id(PIPELINE),
        1,
        &[("name", text("Sales")), ("stages", stages_value(&stages))],
    );
    ws
}
