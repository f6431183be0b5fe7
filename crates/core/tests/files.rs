//! Loading from stored chunks with damage, and the JSON export's lossless round trip.

mod common;

use common::*;
use crm_core::{Command, Ctx, FieldValue, Kind, Record, Timestamp, Workspace};

fn all(ws: &Workspace) -> Vec<Record> {
    Kind::ALL
        .into_iter()
        .flat_map(|k| ws.records(k).cloned())
        .collect()
}

fn rich() -> Workspace {
    let mut ws = with_pipeline(1);
    let member = id(70);
    let by = Ctx {
        now: Timestamp(50),
        by: Some(member),
    };
    ws.apply(
        create(
            Kind::Member,
            member,
            &[("name", text("Sara")), ("color", text("#aa3300"))],
        ),
        &ctx(2),
    )
    .unwrap();
    ws.apply(
        create(
            Kind::CustomField,
            id(80),
            &[
                ("record_kind", text("contacts")),
                ("label", text("Shoe")),
                ("field_type", text("multi_select")),
                ("options", text("a\nb")),
            ],
        ),
        &ctx(2),
    )
    .unwrap();
    ws.apply(
        create(
            Kind::Company,
            id(2),
            &[
                ("name", text("Acme")),
                ("kind", text("partner")),
                ("website", text("acme.io")),
            ],
        ),
        &by,
    )
    .unwrap();
    ws.apply(
        Command::Create {
            kind: Kind::Contact,
            id: id(1),
            fields: vec![
                ("name".into(), text("Ann")),
                (
                    "emails".into(),
                    FieldValue::Set([("ann@acme.io".to_owned(), "work".to_owned())].into()),
                ),
                ("company".into(), FieldValue::Ref(id(2))),
                ("tags".into(), FieldValue::set(["vip"])),
                ("notes".into(), text("line one\nline two")),
                ("birthday".into(), text("--05-17")),
            ],
            custom: vec![(id(80), FieldValue::set(["a"]))],
        },
        &by,
    )
    .unwrap();
    ws.apply(
        create(
            Kind::Deal,
            id(3),
            &[
                ("title", text("Big")),
                ("pipeline", FieldValue::Ref(id(PIPELINE))),
                ("stage", text("lead")),
                ("value", eur(12_345)),
                ("company", FieldValue::Ref(id(2))),
            ],
        ),
        &ctx(60),
    )
    .unwrap();
    ws.apply(
        Command::MoveStage {
            deal: id(3),
            stage: "proposal".into(),
        },
        &by,
    )
    .unwrap();
    ws.apply(
        create(Kind::Contact, id(4), &[("name", text("Dup Ann"))]),
        &ctx(70),
    )
    .unwrap();
    ws.apply(
        Command::MergeDuplicates {
            kind: Kind::Contact,
            keep: id(1),
            remove: id(4),
        },
        &ctx(80),
    )
    .unwrap();
    ws
}

#[test]
fn json_export_imports_into_an_empty_workspace_with_the_same_records() {
    let original = rich();
    let json = original.export_json();
    assert!(json.contains("\"format\": \"hearth-workspace-json\""));
    let imported = Workspace::import_json(&json, actor(9), &ctx(1_000)).unwrap();
    assert_eq!(all(&imported), all(&original));
    // And the export of the import is the same document again.
    assert_eq!(imported.export_json(), json);
}

#[test]
fn bad_json_is_refused_with_a_reason() {
    let cases = [
        ("not json", "not JSON"),
        (r#"{"format":"other"}"#, "not a hearth-workspace-json"),
        (
            r#"{"format":"hearth-workspace-json","version":9,"records":{}}"#,
            "version 9",
        ),
        (
            r#"{"format":"hearth-workspace-json","version":1,"records":{"planets":[]}}"#,
            "planets",
        ),
        (
            r#"{"format":"hearth-workspace-json","version":1,"records":{"contacts":[{"id":"0000000000000000000000000a","fields":{}}]}}"#,
            "name is required",
        ),
        (
            r#"{"format":"hearth-workspace-json","version":1,"records":{"contacts":[{"id":"0000000000000000000000000a","fields":{"name":"A","emails":{"nope":""}}}]}}"#,
            "email",
        ),
        (
            r#"{"format":"hearth-workspace-json","version":1,"records":{"contacts":[{"id":"bad","fields":{"name":"A"}}]}}"#,
            "26 characters",
        ),
    ];
    for (json, reason) in cases {
        let err = Workspace::import_json(json, actor(9), &ctx(1))
            .err()
            .unwrap_or_else(|| panic!("accepted {json}"));
        assert!(err.to_string().contains(reason), "{json}: {err}");
    }
}

#[test]
fn damaged_chunks_are_skipped_and_reported_the_rest_loads() {
    let mut ws = Workspace::new(actor(1));
    let snapshot = ws.save();
    ws.apply(
        create(Kind::Contact, id(1), &[("name", text("Kept"))]),
        &ctx(1),
    )
    .unwrap();
    let inc1 = ws.save_incremental();
    ws.apply(
        create(Kind::Contact, id(2), &[("name", text("Damaged"))]),
        &ctx(2),
    )
    .unwrap();
    let mut inc2 = ws.save_incremental();
    let mid = inc2.len() / 2;
    inc2[mid] ^= 0xff;
    let chunks = vec![
        ("snap/1".to_owned(), snapshot),
        ("inc/1".to_owned(), inc1),
        ("inc/2".to_owned(), inc2),
        ("inc/3".to_owned(), b"hello".to_vec()),
    ];
    let (loaded, problems) = Workspace::open_chunks(&chunks, actor(2)).unwrap();
    assert!(loaded.get(Kind::Contact, id(1)).is_some());
    assert!(loaded.get(Kind::Contact, id(2)).is_none());
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["inc/2", "inc/3"]);
    assert!(
        problems[1].reason.contains("not Automerge"),
        "{:?}",
        problems[1]
    );
}

#[test]
fn chunks_compacted_apart_open_as_the_chunks_did_and_leave_damaged_ones_out() {
    let mut ws = Workspace::new(actor(1));
    let snapshot = ws.save();
    ws.apply(
        create(Kind::Contact, id(1), &[("name", text("Kept"))]),
        &ctx(1),
    )
    .unwrap();
    let inc1 = ws.save_incremental();
    ws.apply(
        create(Kind::Contact, id(3), &[("name", text("Also kept"))]),
        &ctx(2),
    )
    .unwrap();
    let inc2 = ws.save_incremental();
    let chunks = vec![
        ("snap/1".to_owned(), snapshot),
        ("inc/1".to_owned(), inc1),
        ("inc/2".to_owned(), b"hello".to_vec()),
        ("inc/3".to_owned(), inc2),
    ];
    let (compacted, held, problems) = crm_core::workspace::compact_chunks(&chunks);
    assert_eq!(held, ["snap/1", "inc/1", "inc/3"]);
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["inc/2"]);
    let (loaded, problems) =
        Workspace::open_chunks(&[("snap/2".to_owned(), compacted)], actor(2)).unwrap();
    assert!(problems.is_empty());
    let mut names: Vec<&str> = loaded.records(Kind::Contact).map(|r| r.title()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Also kept", "Kept"]);
}

#[test]
fn chunks_of_another_document_are_not_a_workspace() {
    use automerge::transaction::Transactable;
    let mut other = automerge::AutoCommit::new();
    other.put(automerge::ROOT, "x", 1).unwrap();
    // Loading foreign chunks on top of the genesis still gives a workspace: the genesis is
    // always there. What matters is that nothing foreign shows up as a record.
    let (ws, problems) = Workspace::open_chunks(&[("x".into(), other.save())], actor(2)).unwrap();
    assert!(problems.is_empty());
    assert_eq!(ws.records(Kind::Contact).count(), 0);
    let (empty, problems) = Workspace::open_chunks(&[], actor(2)).unwrap();
    assert!(problems.is_empty());
    assert_eq!(empty.records(Kind::Contact).count(), 0);
}

#[test]
fn absorbed_changes_from_another_tab_are_not_saved_again() {
    let mut a = Workspace::new(actor(1));
    let base = a.save();
    let mut b = Workspace::load(&base, actor(2)).unwrap();
    let _ = b.save_incremental();
    a.apply(
        create(Kind::Contact, id(1), &[("name", text("From A"))]),
        &ctx(1),
    )
    .unwrap();
    let from_a = a.save_incremental();
    b.absorb(&from_a).unwrap();
    assert!(b.get(Kind::Contact, id(1)).is_some());
    assert!(
        b.save_incremental().is_empty(),
        "nothing new to persist in tab B"
    );
    b.apply(
        create(Kind::Contact, id(2), &[("name", text("From B"))]),
        &ctx(2),
    )
    .unwrap();
    let from_b = b.save_incremental();
    a.absorb(&from_b).unwrap();
    assert_eq!(a.live(Kind::Contact).count(), 2);
}
