//! Exports re-imported into an empty workspace give the same records: CSV (contacts,
//! companies and deals, links by name, custom fields), vCard 4.0 (contacts) and JSON (the
//! whole workspace, custom fields included).

use crate::command::{Command, Ctx};
use crate::form::parse_input;
use crate::id::Id;
use crate::pipeline::{Stage, stages_value};
use crate::query::{FieldKey, Query};
use crate::schema::Kind;
use crate::testutil::{at, eur, id, links, make, money, text};
use crate::time::Timestamp;
use crate::value::FieldValue;
use crate::workspace::Workspace;

use super::test_support::{csv, ctx, import};
use super::{
    Choices, CsvOptions, VCARD_COLUMNS, default_columns, export_csv, export_rows, read_csv,
    read_vcards, write_vcards,
};

fn labelled(items: &[(&str, &str)]) -> FieldValue {
    FieldValue::Set(
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

fn custom_def(ws: &mut Workspace, rid: Id, kind: Kind, label: &str, ty: &str, options: &str) {
    let mut fields = vec![
        ("record_kind", text(kind.collection())),
        ("label", text(label)),
        ("field_type", text(ty)),
    ];
    if !options.is_empty() {
        fields.push(("options", text(options)));
    }
    make(ws, Kind::CustomField, rid, 1, &fields);
}

/// The custom fields both workspaces of the CSV round trip define (a team sets them up
/// before importing; a new file's columns could also create them).
fn custom_defs(ws: &mut Workspace) {
    custom_def(ws, id(80), Kind::Contact, "Shoe size", "number", "");
    custom_def(ws, id(81), Kind::Contact, "Level", "select", "Gold\nSilver");
    custom_def(ws, id(82), Kind::Deal, "Budget", "money", "");
    custom_def(ws, id(83), Kind::Company, "Founded", "date", "");
}

fn source() -> Workspace {
    let mut ws = Workspace::new([1; 16]);
    custom_defs(&mut ws);
    let stages = [
        Stage::new("s1", "Lead", 10, 0),
        Stage::new("s2", "Proposal, signed", 50, 1),
        Stage::new("s3", "Won it", 90, 2),
    ];
    make(
        &mut ws,
        Kind::Pipeline,
        id(900),
        1,
        &[("name", text("Sales")), ("stages", stages_value(&stages))],
    );
    make(
        &mut ws,
        Kind::Company,
        id(1),
        2,
        &[
            ("name", text("Acme, Inc.")),
            ("kind", text("partner")),
            ("industry", text("Rockets")),
            ("size", text("51-200")),
            ("website", text("https://acme.example")),
            ("emails", labelled(&[("info@acme.example", "work")])),
            ("phones", labelled(&[("+1 555 0100", "")])),
            ("city", text("Springfield")),
            ("country", text("USA")),
            ("service_every_months", FieldValue::Int(6)),
            ("tags", FieldValue::set(["key", "west"])),
            ("notes", text("Line one\nLine \"two\", with comma")),
        ],
    );
    make(
        &mut ws,
        Kind::Company,
        id(2),
        2,
        &[("name", text("شرکت نمونه")), ("kind", text("customer"))],
    );
    make(
        &mut ws,
        Kind::Contact,
        id(10),
        3,
        &[
            ("name", text("Ann Lee")),
            (
                "emails",
                labelled(&[("ann@acme.example", "work"), ("ann@home.example", "home")]),
            ),
            (
                "phones",
                labelled(&[("+1 555 0101", "mobile"), ("-555 0199", "")]),
            ),
            ("job_title", text("=Chief; Rocket, Officer")),
            ("company", FieldValue::Ref(id(1))),
            ("birthday", text("--05-17")),
            ("street", text("1 Main St, Floor 2")),
            ("city", text("Springfield")),
            ("region", text("IL")),
            ("postcode", text("62701")),
            ("country", text("USA")),
            ("source", text("fair")),
            ("tags", FieldValue::set(["vip"])),
            ("notes", text("Likes tea.\nCall in May;\tbring samples")),
        ],
    );
    make(
        &mut ws,
        Kind::Contact,
        id(11),
        4,
        &[
            ("name", text("Bob Stone")),
            ("company", FieldValue::Ref(id(1))),
            ("reports_to", FieldValue::Ref(id(10))),
            ("birthday", text("1980-01-31")),
        ],
    );
    make(
        &mut ws,
        Kind::Contact,
        id(12),
        5,
        &[
            ("name", text("علی رضایی")),
            ("company", FieldValue::Ref(id(2))),
            ("phones", labelled(&[("0912 345 6789", "mobile")])),
        ],
    );
    ws.apply(
        Command::SetCustom {
            kind: Kind::Contact,
            id: id(10),
            field: id(80),
            value: Some(FieldValue::Int(38)),
        },
        &ctx(),
    )
    .unwrap();
    ws.apply(
        Command::SetCustom {
            kind: Kind::Contact,
            id: id(11),
            field: id(81),
            value: Some(text("Silver")),
        },
        &ctx(),
    )
    .unwrap();
    ws.apply(
        Command::SetCustom {
            kind: Kind::Company,
            id: id(1),
            field: id(83),
            value: Some(text("1950-04-01")),
        },
        &ctx(),
    )
    .unwrap();
    make(
        &mut ws,
        Kind::Deal,
        id(20),
        6,
        &[
            ("title", text("Rockets for Acme")),
            ("pipeline", FieldValue::Ref(id(900))),
            ("stage", text("s2")),
            ("value", eur(1_234_550)),
            ("probability", FieldValue::Int(40)),
            ("expected_close", text("2026-03-31")),
            ("company", FieldValue::Ref(id(1))),
            ("contacts", links(&[id(10), id(11)])),
            ("tags", FieldValue::set(["q1"])),
            ("notes", text("multi\nline")),
        ],
    );
    make(
        &mut ws,
        Kind::Deal,
        id(21),
        7,
        &[
            ("title", text("Yen deal")),
            ("pipeline", FieldValue::Ref(id(900))),
            ("stage", text("s1")),
            ("value", money(150_000, "JPY")),
            ("status", text("lost")),
            ("lost_reason", text("price")),
            ("closed_at", at(1_700_000_123_000)),
            ("contacts", links(&[id(12)])),
        ],
    );
    ws.apply(
        Command::SetCustom {
            kind: Kind::Deal,
            id: id(20),
            field: id(82),
            value: Some(money(99_900, "USD")),
        },
        &ctx(),
    )
    .unwrap();
    ws
}

/// A kind's records as their export rows (links as names), sorted.
fn rendered(ws: &Workspace, kind: Kind) -> (Vec<String>, Vec<Vec<String>>) {
    let (header, mut rows) = export_rows(ws, &Query::new(kind), &default_columns(ws, kind));
    rows.sort();
    (header, rows)
}

#[test]
fn csv_export_then_import_into_an_empty_workspace_gives_the_same_records() {
    let src = source();
    let files: Vec<(Kind, String)> = [Kind::Company, Kind::Contact, Kind::Deal]
        .into_iter()
        .map(|k| {
            (
                k,
                export_csv(&src, &Query::new(k), &default_columns(&src, k)),
            )
        })
        .collect();
    // The formula guard is in the file.
    let contacts_csv = &files[1].1;
    assert!(
        contacts_csv.contains("'=Chief; Rocket, Officer") || contacts_csv.contains("\"'=Chief")
    );

    let mut dst = Workspace::new([2; 16]);
    custom_defs(&mut dst);
    for (i, (kind, file)) in files.iter().enumerate() {
        let table = read_csv(file.as_bytes(), &CsvOptions::default());
        let (d, _, _) = import(&mut dst, &table, *kind, &Choices::default(), 10 + i as u64);
        assert!(d.rejected().is_empty(), "{kind}: {:?}", d.rejected());
        assert!(d.warnings().is_empty(), "{kind}: {:?}", d.warnings());
        assert!(d.duplicates().is_empty(), "{kind}: {:?}", d.duplicates());
    }
    for kind in [Kind::Company, Kind::Contact, Kind::Deal] {
        assert_eq!(rendered(&dst, kind), rendered(&src, kind), "{kind}");
        assert_eq!(dst.live(kind).count(), src.live(kind).count(), "{kind}");
    }
    // Links point at the imported records.
    let bob = dst
        .live(Kind::Contact)
        .find(|r| r.title() == "Bob Stone")
        .unwrap();
    let ann = dst
        .live(Kind::Contact)
        .find(|r| r.title() == "Ann Lee")
        .unwrap();
    assert_eq!(bob.get("reports_to"), Some(&FieldValue::Ref(ann.id)));
    // Importing the same file again finds every row already there.
    let table = read_csv(files[1].1.as_bytes(), &CsvOptions::default());
    let d = super::test_support::draft(&dst, &table, Kind::Contact);
    assert_eq!(d.duplicates().len(), 3);
}

#[test]
fn a_contacts_file_alone_creates_its_companies() {
    let src = source();
    let cols: Vec<FieldKey> = ["name", "emails", "company"]
        .map(|f| FieldKey::Field(f.to_owned()))
        .to_vec();
    let file = export_csv(&src, &Query::new(Kind::Contact), &cols);
    let mut dst = Workspace::new([2; 16]);
    let (_, plan, _) = import(&mut dst, &csv(&file), Kind::Contact, &Choices::default(), 1);
    assert_eq!(plan.summary.companies_created, 2);
    let (_, rows) = export_rows(&dst, &Query::new(Kind::Contact), &cols);
    let (_, src_rows) = export_rows(&src, &Query::new(Kind::Contact), &cols);
    let sorted = |mut v: Vec<Vec<String>>| {
        v.sort();
        v
    };
    assert_eq!(sorted(rows), sorted(src_rows));
}

#[test]
fn vcard_export_then_import_gives_the_same_contacts() {
    let src = source();
    let ids: Vec<Id> = src.live(Kind::Contact).map(|r| r.id).collect();
    let file = write_vcards(&src, ids);
    assert!(file.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"));
    assert!(file.lines().all(|l| l.trim_end_matches('\r').len() <= 75));
    let table = read_vcards(file.as_bytes(), None);
    assert!(table.problems.is_empty());
    let mut dst = Workspace::new([2; 16]);
    let (d, _, _) = import(&mut dst, &table, Kind::Contact, &Choices::default(), 1);
    assert!(d.rejected().is_empty(), "{:?}", d.rejected());
    let cols: Vec<FieldKey> = VCARD_COLUMNS
        .iter()
        .map(|f| FieldKey::Field((*f).to_owned()))
        .collect();
    let view = |ws: &Workspace| {
        let (_, mut rows) = export_rows(ws, &Query::new(Kind::Contact), &cols);
        rows.sort();
        rows
    };
    assert_eq!(view(&dst), view(&src));
}

#[test]
fn json_export_then_import_gives_the_same_records_custom_fields_included() {
    let mut src = source();
    // Every kind of custom value.
    custom_def(
        &mut src,
        id(84),
        Kind::Contact,
        "Hobbies",
        "multi_select",
        "chess\ngo",
    );
    custom_def(
        &mut src,
        id(85),
        Kind::Contact,
        "Newsletter",
        "checkbox",
        "",
    );
    custom_def(&mut src, id(86), Kind::Contact, "Blog", "url", "");
    let set = |field: Id, raw: &str, ty| Command::SetCustom {
        kind: Kind::Contact,
        id: id(12),
        field,
        value: parse_input("x", ty, raw, "EUR".parse().unwrap()).unwrap(),
    };
    let cmds = vec![
        set(id(84), "chess, go", crate::schema::FieldType::Tags),
        set(id(85), "yes", crate::schema::FieldType::Bool),
        set(id(86), "blog.example", crate::schema::FieldType::Url),
    ];
    src.apply_batch(cmds, &ctx()).unwrap();
    let json = src.export_json();
    let later = Ctx {
        now: Timestamp(1_800_000_000_000),
        by: None,
    };
    let dst = Workspace::import_json(&json, [3; 16], &later).unwrap();
    for kind in Kind::ALL {
        let a: Vec<_> = src.records(kind).cloned().collect();
        let b: Vec<_> = dst.records(kind).cloned().collect();
        assert_eq!(a, b, "{kind}");
    }
    assert_eq!(
        dst.custom_value(Kind::Deal, id(20), id(82)),
        Some(money(99_900, "USD"))
    );
    assert_eq!(
        dst.custom_value(Kind::Contact, id(12), id(84)),
        Some(FieldValue::set(["chess", "go"]))
    );
    assert_eq!(dst.export_json(), json);
}
