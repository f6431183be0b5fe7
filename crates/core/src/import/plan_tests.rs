//! The import plan: links by name, duplicates, the error report, chunks, custom fields.

use std::collections::BTreeMap;

use crate::command::CommandError;
use crate::duplicates::MatchReason;
use crate::id::Id;
use crate::pipeline::stages;
use crate::record::Record;
use crate::schema::Kind;
use crate::testutil::{eur, id, make, money, text, trash, with_pipeline};
use crate::value::{FieldError, FieldValue};
use crate::workspace::Workspace;

use super::test_support::{csv, ctx, draft, draft_with, ids, import};
use super::{
    Choice, Choices, Column, Draft, DupOf, ImportError, ImportOptions, Mapping, NamePart,
    PlanBuilder, PreviewValue, RowError, RowWarning, Target, Warning, guess_mapping,
};

fn named<'a>(ws: &'a Workspace, kind: Kind, name: &str) -> &'a Record {
    ws.live(kind)
        .find(|r| r.title() == name)
        .unwrap_or_else(|| panic!("no {kind} {name:?}"))
}

fn set(items: &[(&str, &str)]) -> FieldValue {
    FieldValue::Set(
        items
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

fn titles(ws: &Workspace, kind: Kind) -> Vec<String> {
    let mut v: Vec<String> = ws.live(kind).map(|r| r.title().to_owned()).collect();
    v.sort();
    v
}

#[test]
fn contacts_link_companies_by_name_and_create_the_missing_ones_once() {
    let mut ws = Workspace::new([1; 16]);
    let t = csv("Name,Email,Phone,Company\n\
         Ann Lee,ann@acme.com,+49 30 1234567,Acme Inc\n\
         Bob,bob@acme.com,,ACME\n\
         Cara,,,Beta GmbH\n");
    let (d, plan, applied) = import(&mut ws, &t, Kind::Contact, &Choices::default(), 1);
    assert!(d.rejected().is_empty() && d.duplicates().is_empty());
    assert_eq!(plan.summary.created, 3);
    assert_eq!(plan.summary.companies_created, 2);
    assert_eq!(titles(&ws, Kind::Company), ["Acme Inc", "Beta GmbH"]);
    let acme = named(&ws, Kind::Company, "Acme Inc").id;
    assert_eq!(
        named(&ws, Kind::Company, "Acme Inc").text("kind"),
        Some("customer")
    );
    let ann = named(&ws, Kind::Contact, "Ann Lee");
    assert_eq!(ann.get("company"), Some(&FieldValue::Ref(acme)));
    assert_eq!(ann.get("emails"), Some(&set(&[("ann@acme.com", "")])));
    assert_eq!(ann.get("phones"), Some(&set(&[("+49 30 1234567", "")])));
    assert_eq!(
        named(&ws, Kind::Contact, "Bob").get("company"),
        Some(&FieldValue::Ref(acme))
    );
    // Written in two batches (companies, then the contacts linking to them), undone as one.
    assert_eq!(applied.undo_steps, 1);
    ws.undo(&ctx()).unwrap();
    assert_eq!(ws.live(Kind::Contact).count(), 0);
    assert_eq!(ws.live(Kind::Company).count(), 0);
    assert!(ws.undo(&ctx()).is_err(), "nothing else to undo");
    ws.redo(&ctx()).unwrap();
    assert_eq!(titles(&ws, Kind::Company), ["Acme Inc", "Beta GmbH"]);
    assert_eq!(
        named(&ws, Kind::Contact, "Bob").get("company"),
        Some(&FieldValue::Ref(acme))
    );
}

#[test]
fn rows_that_cannot_be_imported_are_reported_with_their_line_and_written_back() {
    let mut ws = Workspace::new([1; 16]);
    let t = csv("name,emails,birthday,notes\n\
         Ann,ann@x.com,1990-05-17,\"two\nlines\"\n\
         Bob,not-an-email,,\n\
         ,nobody@x.com,,\n\
         Cara,cara@x.com,1990-02-30,\n\
         Dan,dan@x.com,,,extra\n\
         Eve,eve@x.com,,,\n\
         ,,,\n");
    let d = draft(&ws, &t, Kind::Contact);
    let report: Vec<(usize, RowError)> = d
        .rejected()
        .iter()
        .map(|r| (r.line, r.reason.clone()))
        .collect();
    assert_eq!(
        report,
        vec![
            (
                4,
                FieldError::Email {
                    field: "emails".into(),
                    value: "not-an-email".into()
                }
                .into()
            ),
            (
                5,
                FieldError::Required {
                    field: "name".into()
                }
                .into()
            ),
            (
                6,
                FieldError::Date {
                    field: "birthday".into(),
                    value: "1990-02-30".into()
                }
                .into()
            ),
            (
                7,
                RowError::TooManyCells {
                    cells: 5,
                    columns: 4
                }
            ),
        ]
    );
    let plan = d.plan(&ws, &Choices::default(), ids(1));
    assert_eq!(plan.summary.rejected, 4);
    assert_eq!(plan.summary.blank, 1);
    assert_eq!(plan.summary.created, 2);
    plan.apply(&mut ws, &ctx()).unwrap();
    assert_eq!(titles(&ws, Kind::Contact), ["Ann", "Eve"]);
    assert_eq!(
        named(&ws, Kind::Contact, "Ann").text("notes"),
        Some("two\nlines")
    );

    // The rejected rows come back as CSV with a reason column, ready to fix and re-import.
    let back = d.rejected_csv("Import error", |e| e.to_string());
    assert!(back.starts_with('\u{FEFF}'));
    let rejected = csv(&back);
    assert_eq!(
        rejected.headers,
        ["name", "emails", "birthday", "notes", "", "Import error"]
    );
    assert_eq!(rejected.rows.len(), 4);
    assert!(rejected.rows[0].cells[5].contains("not a valid email"));
    let fixed = back
        .replace("not-an-email", "bob@x.com")
        .replace(",nobody@x.com", "Nobody,nobody@x.com")
        .replace("1990-02-30", "1990-03-01");
    let (d2, _, _) = import(&mut ws, &csv(&fixed), Kind::Contact, &Choices::default(), 2);
    assert!(d2.rejected().is_empty(), "{:?}", d2.rejected());
    assert_eq!(
        titles(&ws, Kind::Contact),
        ["Ann", "Bob", "Cara", "Dan", "Eve", "Nobody"]
    );
}

fn with_ann() -> Workspace {
    let mut ws = Workspace::new([1; 16]);
    make(
        &mut ws,
        Kind::Contact,
        id(1),
        1,
        &[
            ("name", text("Ann Lee")),
            ("emails", FieldValue::set(["ann@x.com"])),
            ("tags", FieldValue::set(["vip"])),
        ],
    );
    ws
}

const DUPES: &str = "name,emails,phones,tags,notes\n\
    Ann Lee,ANN@X.COM,+1 555 0100,b2b,met at the fair\n\
    Dan Brown,dan@y.com,,,first\n\
    Daniel Brown,dan@y.com,+44 20 7946 0000,x,second\n\
    Eve,,+44 20 7946 0000,,\n";

#[test]
fn duplicates_of_existing_records_and_of_earlier_rows_are_found() {
    let ws = with_ann();
    let d = draft(&ws, &csv(DUPES), Kind::Contact);
    let found: Vec<(usize, DupOf, Vec<MatchReason>)> = d
        .duplicates()
        .iter()
        .map(|x| (x.line, x.of, x.reasons.clone()))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                2,
                DupOf::Existing(id(1)),
                vec![
                    MatchReason::Email("ann@x.com".into()),
                    MatchReason::Name("Ann Lee".into())
                ]
            ),
            (
                4,
                DupOf::Row(3),
                vec![MatchReason::Email("dan@y.com".into())]
            ),
            (
                5,
                DupOf::Row(4),
                vec![MatchReason::Phone("+44 20 7946 0000".into())]
            ),
        ]
    );
}

#[test]
fn skipping_duplicates_writes_nothing_for_them() {
    let mut ws = with_ann();
    let (_, plan, _) = import(&mut ws, &csv(DUPES), Kind::Contact, &Choices::default(), 1);
    assert_eq!((plan.summary.created, plan.summary.skipped), (1, 3));
    assert_eq!(titles(&ws, Kind::Contact), ["Ann Lee", "Dan Brown"]);
    assert_eq!(
        named(&ws, Kind::Contact, "Ann Lee").get("tags"),
        Some(&FieldValue::set(["vip"]))
    );
}

#[test]
fn merging_fills_empty_fields_and_unites_sets() {
    let mut ws = with_ann();
    let (_, plan, _) = import(
        &mut ws,
        &csv(DUPES),
        Kind::Contact,
        &Choices::all(Choice::Merge),
        1,
    );
    assert_eq!(
        (
            plan.summary.created,
            plan.summary.merged,
            plan.summary.updated
        ),
        (1, 3, 1)
    );
    assert_eq!(titles(&ws, Kind::Contact), ["Ann Lee", "Dan Brown"]);
    let ann = named(&ws, Kind::Contact, "Ann Lee");
    assert_eq!(ann.id, id(1));
    assert_eq!(ann.get("tags"), Some(&FieldValue::set(["b2b", "vip"])));
    assert_eq!(ann.get("phones"), Some(&set(&[("+1 555 0100", "")])));
    assert_eq!(ann.get("emails"), Some(&set(&[("ann@x.com", "")])));
    assert_eq!(ann.text("notes"), Some("met at the fair"));
    let dan = named(&ws, Kind::Contact, "Dan Brown");
    assert_eq!(dan.get("phones"), Some(&set(&[("+44 20 7946 0000", "")])));
    assert_eq!(dan.get("tags"), Some(&FieldValue::set(["x"])));
    assert_eq!(dan.text("notes"), Some("first\n\nsecond"));
}

#[test]
fn creating_duplicates_anyway_and_choosing_per_row() {
    let mut ws = with_ann();
    import(
        &mut ws,
        &csv(DUPES),
        Kind::Contact,
        &Choices::all(Choice::Create),
        1,
    );
    assert_eq!(
        titles(&ws, Kind::Contact),
        ["Ann Lee", "Ann Lee", "Dan Brown", "Daniel Brown", "Eve"]
    );

    let mut ws = with_ann();
    let mut choices = Choices::all(Choice::Skip);
    choices.set(4, Choice::Create);
    import(&mut ws, &csv(DUPES), Kind::Contact, &choices, 1);
    // Eve duplicates Daniel's row, which was created: skipping her keeps that one.
    assert_eq!(
        titles(&ws, Kind::Contact),
        ["Ann Lee", "Dan Brown", "Daniel Brown"]
    );
}

#[test]
fn companies_match_by_name_without_legal_form_and_contacts_by_name_and_company() {
    let mut ws = Workspace::new([1; 16]);
    make(
        &mut ws,
        Kind::Company,
        id(2),
        1,
        &[("name", text("Acme GmbH")), ("kind", text("customer"))],
    );
    make(
        &mut ws,
        Kind::Contact,
        id(3),
        2,
        &[
            ("name", text("Ann Lee")),
            ("company", FieldValue::Ref(id(2))),
        ],
    );
    let d = draft(&ws, &csv("name,kind\nACME\nNewCo,partner\n"), Kind::Company);
    assert_eq!(d.duplicates().len(), 1);
    assert_eq!(d.duplicates()[0].of, DupOf::Existing(id(2)));
    let d = draft(
        &ws,
        &csv("name,company\nAnn Lee,Acme\nAnn Lee,Other\nann lee,\n"),
        Kind::Contact,
    );
    let dups: Vec<(usize, DupOf)> = d.duplicates().iter().map(|x| (x.line, x.of)).collect();
    assert_eq!(dups, vec![(2, DupOf::Existing(id(3)))]);
}

#[test]
fn deals_link_companies_pipelines_stages_and_contacts_by_name() {
    let mut ws = with_pipeline();
    make(
        &mut ws,
        Kind::Contact,
        id(1),
        2,
        &[
            ("name", text("Ann Lee")),
            ("emails", FieldValue::set(["ann@x.com"])),
        ],
    );
    make(
        &mut ws,
        Kind::Company,
        id(2),
        3,
        &[("name", text("Acme")), ("kind", text("customer"))],
    );
    let t = csv(
        "title,value,currency,pipeline,stage,company,contacts,status,expected_close\n\
         Big deal,\"1 200,50\",EUR,Sales,Proposal,Acme,\"Ann Lee <ann@x.com>, New Person\",open,2026-03-01\n\
         Small,1500,JPY,,,NewCo,ann@x.com,Won,\n\
         Partner,100,,Partners,Intro,,,,\n\
         Partner 2,200,USD,partners,Signed,,New Person,,\n\
         Lost,5,,Sales,Nowhere,,,,\n",
    );
    let (d, plan, _) = import(&mut ws, &t, Kind::Deal, &Choices::default(), 1);
    let rejected: Vec<(usize, RowError)> = d
        .rejected()
        .iter()
        .map(|r| (r.line, r.reason.clone()))
        .collect();
    assert_eq!(
        rejected,
        vec![(
            6,
            RowError::UnknownStage {
                pipeline: "Sales".into(),
                stage: "Nowhere".into()
            }
        )]
    );
    assert_eq!(
        (
            plan.summary.created,
            plan.summary.companies_created,
            plan.summary.contacts_created,
            plan.summary.pipelines_created
        ),
        (4, 1, 1, 1)
    );
    let new_person = named(&ws, Kind::Contact, "New Person").id;
    let big = named(&ws, Kind::Deal, "Big deal");
    assert_eq!(big.get("pipeline"), Some(&FieldValue::Ref(id(900))));
    assert_eq!(big.text("stage"), Some("proposal"));
    assert_eq!(big.get("value"), Some(&eur(120_050)));
    assert_eq!(big.get("company"), Some(&FieldValue::Ref(id(2))));
    assert_eq!(
        big.get("contacts"),
        Some(&FieldValue::set([
            id(1).to_string(),
            new_person.to_string()
        ]))
    );
    assert_eq!(big.text("expected_close"), Some("2026-03-01"));
    let small = named(&ws, Kind::Deal, "Small");
    assert_eq!(small.text("stage"), Some("lead"));
    assert_eq!(small.text("status"), Some("won"));
    assert_eq!(small.get("value"), Some(&money(1500, "JPY")));
    assert_eq!(
        small.get("company"),
        Some(&FieldValue::Ref(named(&ws, Kind::Company, "NewCo").id))
    );
    let partners = named(&ws, Kind::Pipeline, "Partners");
    let names: Vec<String> = stages(partners).into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Intro", "Signed"]);
    let p2 = named(&ws, Kind::Deal, "Partner 2");
    assert_eq!(p2.get("pipeline"), Some(&FieldValue::Ref(partners.id)));
    assert_eq!(p2.get("value"), Some(&money(20_000, "USD")));
    assert_eq!(
        p2.get("contacts"),
        Some(&FieldValue::set([new_person.to_string()]))
    );
    assert_eq!(
        named(&ws, Kind::Deal, "Partner").get("value"),
        Some(&eur(10_000))
    );
}

#[test]
fn a_plan_built_in_chunks_is_the_plan_built_at_once() {
    let ws = with_ann();
    let text = format!("{DUPES}Fay,fay@z.com,,,\nGus,,,,\n");
    let t = csv(&text);
    let mapping = guess_mapping(&t.headers, Kind::Contact, &ws);
    let plan = |chunk: usize| {
        let d = draft_with(&ws, &t, &mapping, chunk);
        let p = d.plan(&ws, &Choices::all(Choice::Merge), ids(7));
        p.commands().cloned().collect::<Vec<_>>()
    };
    let once = plan(1000);
    assert_eq!(plan(1), once);
    assert_eq!(plan(3), once);
    assert!(!once.is_empty());
}

/// Plans `table` at once and in slices of each size, and checks they are the same plan.
fn planned_in_slices_as_at_once(
    ws: &Workspace,
    table: &super::Table,
    kind: Kind,
    choices: &Choices,
) {
    let d = draft(ws, table, kind);
    let once = d.plan(ws, choices, ids(3));
    let steps = |p: &super::ImportPlan| p.steps().map(<[_]>::to_vec).collect::<Vec<_>>();
    assert!(once.commands().count() > 3, "the case writes a few records");
    for slice in [1, 2, 5] {
        let mut planner = d.planner(choices);
        let mut next = ids(3);
        let mut calls = 0;
        while !planner.work(ws, &mut next, slice) {
            calls += 1;
        }
        assert!(calls > 2, "slices of {slice} took {calls} calls");
        let sliced = planner.finish(ws, &mut next);
        assert_eq!(steps(&sliced), steps(&once), "slices of {slice}");
        assert_eq!(sliced.summary, once.summary);
        assert_eq!(sliced.warnings, once.warnings);
    }
}

#[test]
fn a_plan_made_in_slices_is_the_plan_made_at_once() {
    let ws = with_pipeline();
    let deals = csv("title,value,pipeline,stage,company,contacts,owner\n\
         Big,100,Sales,Proposal,Acme,\"Ann Lee <ann@x.com>, New Person\",\n\
         Small,5,,,NewCo,ann@x.com,Nobody\n\
         Partner,100,Partners,Intro,NewCo,,\n\
         Partner 2,200,partners,Signed,Third,New Person,\n");
    planned_in_slices_as_at_once(&ws, &deals, Kind::Deal, &Choices::default());

    let mut ws = Workspace::new([1; 16]);
    make(&mut ws, Kind::Contact, id(7), 1, &[("name", text("Erin"))]);
    make(
        &mut ws,
        Kind::Contact,
        id(8),
        1,
        &[
            ("name", text("Finn")),
            ("reports_to", FieldValue::Ref(id(7))),
        ],
    );
    make(
        &mut ws,
        Kind::Contact,
        id(9),
        1,
        &[
            ("name", text("Gus")),
            ("emails", FieldValue::set(["gus@x.com"])),
        ],
    );
    let people = csv("name,emails,reports_to,company\n\
         Ann,ann@x.com,Bob <bob@x.com>,Acme\n\
         Bob,bob@x.com,ann@x.com,Acme\n\
         Cara,,Zed,Beta\n\
         Dan,,Erin,\n\
         Erin,erin@x.com,Finn,\n\
         Ann,ann@x.com,,Acme\n\
         Gus,gus@x.com;g@y.com,Dan,Delta\n");
    let mut choices = Choices::all(Choice::Merge);
    choices.set(7, Choice::Create);
    planned_in_slices_as_at_once(&ws, &people, Kind::Contact, &choices);
}

#[test]
fn drafts_and_plans_are_released_a_row_at_a_time() {
    let ws = Workspace::new([1; 16]);
    let rows: String = (0..40)
        .map(|i| format!("P{i},p{i}@x.com,Co {}\n", i % 3))
        .collect();
    let t = csv(&format!("name,emails,company\n{rows}"));
    let d = draft(&ws, &t, Kind::Contact);
    let plan = d.plan(&ws, &Choices::default(), ids(1));
    assert_eq!(plan.commands().count(), 43);
    // At least one piece per row and per command: none frees the whole at once.
    assert!(plan.release().count() >= 43);
    assert!(d.release().count() >= 40);
}

#[test]
fn custom_fields_existing_and_new() {
    let mut ws = Workspace::new([1; 16]);
    make(
        &mut ws,
        Kind::CustomField,
        id(50),
        1,
        &[
            ("record_kind", text("contacts")),
            ("label", text("Level")),
            ("field_type", text("select")),
            ("options", text("Gold\nSilver")),
        ],
    );
    let t = csv("name,Level,Tier,Shoe,Hobbies,Empty\n\
         Ann,gold,Premium,42,\"chess, Go\",\n\
         Bob,Silver,premium,41,go,\n\
         Cara,Bronze,,,,\n\
         Dan,,Basic,x,,\n");
    let new = |label: &str, ty: &str| Target::NewCustom {
        label: label.into(),
        field_type: ty.into(),
    };
    let targets = [
        Target::Field {
            name: "name".into(),
            label: None,
        },
        Target::Custom { id: id(50) },
        new("Tier", "select"),
        new("Shoe size", "number"),
        new("Hobbies", "multi_select"),
        new("Nothing", "select"),
    ];
    let mapping = Mapping {
        kind: Kind::Contact,
        columns: t
            .headers
            .iter()
            .zip(targets)
            .map(|(h, target)| Column {
                header: h.clone(),
                target,
            })
            .collect(),
        preset: None,
    };
    let d = draft_with(&ws, &t, &mapping, 2);
    let rejected: Vec<(usize, String)> = d
        .rejected()
        .iter()
        .map(|r| (r.line, r.reason.to_string()))
        .collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert!(matches!(
        d.rejected()[0].reason,
        RowError::Command(CommandError::NotAnOption { .. })
    ));
    assert!(matches!(
        d.rejected()[1].reason,
        RowError::Field(FieldError::NotANumber { .. })
    ));
    let plan = d.plan(&ws, &Choices::default(), ids(1));
    assert_eq!(plan.summary.custom_fields_created, 3);
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.warning == RowWarning::EmptyChoiceField("Nothing".into()))
    );
    plan.apply(&mut ws, &ctx()).unwrap();
    let def = |label: &str| {
        ws.custom_fields(Kind::Contact)
            .into_iter()
            .find(|d| ws.get(Kind::CustomField, *d).and_then(|r| r.text("label")) == Some(label))
            .unwrap()
    };
    let (tier, shoe, hobbies) = (def("Tier"), def("Shoe size"), def("Hobbies"));
    assert_eq!(ws.custom_options(tier), ["Premium"]);
    assert_eq!(ws.custom_options(hobbies), ["Go", "chess"]);
    let ann = named(&ws, Kind::Contact, "Ann").id;
    let bob = named(&ws, Kind::Contact, "Bob").id;
    let value = |rec: Id, def: Id| ws.custom_value(Kind::Contact, rec, def);
    assert_eq!(value(ann, id(50)), Some(text("Gold")));
    assert_eq!(value(bob, id(50)), Some(text("Silver")));
    assert_eq!(value(bob, tier), Some(text("Premium")));
    assert_eq!(value(ann, shoe), Some(FieldValue::Int(42)));
    assert_eq!(value(ann, hobbies), Some(FieldValue::set(["Go", "chess"])));
    assert_eq!(value(bob, hobbies), Some(FieldValue::set(["Go"])));
}

#[test]
fn managers_in_the_file_loops_and_unknown_ones() {
    let mut ws = Workspace::new([1; 16]);
    make(&mut ws, Kind::Contact, id(7), 1, &[("name", text("Erin"))]);
    make(
        &mut ws,
        Kind::Contact,
        id(8),
        1,
        &[
            ("name", text("Finn")),
            ("reports_to", FieldValue::Ref(id(7))),
        ],
    );
    let t = csv("name,emails,reports_to\n\
         Ann,ann@x.com,Bob <bob@x.com>\n\
         Bob,bob@x.com,ann@x.com\n\
         Cara,,Zed\n\
         Dan,,Erin\n\
         Erin,erin@x.com,Finn\n");
    // Erin's row merges into Erin, whose report Finn would become her manager: a loop.
    let mut choices = Choices::default();
    choices.set(6, Choice::Merge);
    let (_, plan, _) = import(&mut ws, &t, Kind::Contact, &choices, 1);
    let erin = ws.get(Kind::Contact, id(7)).unwrap();
    assert_eq!(erin.get("reports_to"), None);
    assert_eq!(erin.get("emails"), Some(&set(&[("erin@x.com", "")])));
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.line == 6 && w.warning == RowWarning::ReportingLoop("Finn".into()))
    );
    let ann = named(&ws, Kind::Contact, "Ann");
    let bob = named(&ws, Kind::Contact, "Bob");
    assert_eq!(ann.get("reports_to"), Some(&FieldValue::Ref(bob.id)));
    assert_eq!(bob.get("reports_to"), None);
    assert_eq!(
        named(&ws, Kind::Contact, "Dan").get("reports_to"),
        Some(&FieldValue::Ref(id(7)))
    );
    let warnings: Vec<(usize, RowWarning)> = plan
        .warnings
        .iter()
        .map(|w| (w.line, w.warning.clone()))
        .collect();
    assert!(warnings.contains(&(3, RowWarning::ReportingLoop("ann@x.com".into()))));
    assert!(warnings.contains(&(4, RowWarning::UnknownManager("Zed".into()))));
    // Created, then given managers in a later batch: one Undo takes both back, and Erin's
    // merged email goes with them.
    let (ann_id, bob_id, erin_emails) = (ann.id, bob.id, set(&[("erin@x.com", "")]));
    ws.undo(&ctx()).unwrap();
    assert_eq!(titles(&ws, Kind::Contact), ["Erin", "Finn"]);
    assert_eq!(ws.get(Kind::Contact, id(7)).unwrap().get("emails"), None);
    ws.redo(&ctx()).unwrap();
    let ann = ws.get(Kind::Contact, ann_id).unwrap();
    assert_eq!(ann.get("reports_to"), Some(&FieldValue::Ref(bob_id)));
    assert_eq!(
        ws.get(Kind::Contact, id(7)).unwrap().get("emails"),
        Some(&erin_emails)
    );
}

#[test]
fn the_preview_shows_rows_as_they_will_be_stored() {
    let ws = with_ann();
    let t = csv("First name,Last name,E-mail,Company,Birthday\n\
         Bob,Stone,bob@x.com,Acme,17.05.1990\n\
         Ann,Lee,ann@x.com,,\n\
         Bad,,nope,,\n");
    let mapping = guess_mapping(&t.headers, Kind::Contact, &ws);
    let mut options = ImportOptions::new(ws.default_currency());
    options.preview_rows = 3;
    let mut b = PlanBuilder::new(&ws, &mapping, options).unwrap();
    b.push(&t.rows);
    let preview = b.preview();
    assert_eq!(preview.len(), 3);
    assert_eq!(
        preview[0].values,
        vec![
            PreviewValue::Field {
                field: "birthday",
                value: text("1990-05-17")
            },
            PreviewValue::Field {
                field: "emails",
                value: FieldValue::set(["bob@x.com"])
            },
            PreviewValue::Field {
                field: "name",
                value: text("Bob Stone")
            },
            PreviewValue::NewLink {
                field: "company",
                name: "Acme".into()
            },
        ]
    );
    assert_eq!(preview[1].duplicate, Some(DupOf::Existing(id(1))));
    assert!(matches!(
        preview[2].error,
        Some(RowError::Field(FieldError::Email { .. }))
    ));
}

#[test]
fn mappings_that_cannot_work_are_refused_before_reading() {
    let ws = Workspace::new([1; 16]);
    let headers = ["a".to_owned(), "b".to_owned()];
    let options = || ImportOptions::new("EUR".parse().unwrap());
    let with = |kind: Kind, targets: Vec<Target>| Mapping {
        kind,
        columns: headers
            .iter()
            .zip(targets)
            .map(|(h, target)| Column {
                header: h.clone(),
                target,
            })
            .collect(),
        preset: None,
    };
    let field = |n: &str| Target::Field {
        name: n.into(),
        label: None,
    };
    let err = |m: Mapping| PlanBuilder::new(&ws, &m, options()).err();
    assert_eq!(
        err(with(Kind::Contact, vec![field("city"), Target::Skip])),
        Some(ImportError::MissingRequired("name"))
    );
    assert_eq!(
        err(with(
            Kind::Contact,
            vec![
                Target::NamePart {
                    part: NamePart::Last
                },
                field("nope")
            ]
        )),
        Some(ImportError::UnknownField {
            kind: Kind::Contact,
            field: "nope".into()
        })
    );
    assert_eq!(
        err(with(Kind::Deal, vec![field("title"), Target::Skip])),
        Some(ImportError::MissingRequired("value"))
    );
    assert_eq!(
        err(with(Kind::Task, vec![field("title"), Target::Skip])),
        Some(ImportError::UnsupportedKind(Kind::Task))
    );
    assert_eq!(
        err(with(
            Kind::Contact,
            vec![field("name"), Target::LabelOf { column: 9 }]
        )),
        Some(ImportError::LabelColumn { column: 1, of: 9 })
    );
    assert_eq!(
        err(with(
            Kind::Contact,
            vec![
                field("name"),
                Target::NewCustom {
                    label: "x".into(),
                    field_type: "colour".into()
                }
            ]
        )),
        Some(ImportError::CustomType("colour".into()))
    );
}

#[test]
fn a_refused_import_leaves_nothing_written() {
    let mut ws = Workspace::new([1; 16]);
    make(
        &mut ws,
        Kind::Company,
        id(2),
        1,
        &[("name", text("Acme")), ("kind", text("customer"))],
    );
    let t = csv("name,company\nAnn,NewCo\nBob,Acme\n");
    let d = draft(&ws, &t, Kind::Contact);
    let plan = d.plan(&ws, &Choices::default(), ids(1));
    // The workspace changes between planning and applying.
    trash(&mut ws, Kind::Company, id(2), 2);
    let err = plan.apply(&mut ws, &ctx()).unwrap_err();
    assert_eq!(err.lines, vec![3]);
    assert!(matches!(err.error, CommandError::LinkToTrash { .. }));
    assert_eq!(ws.live(Kind::Contact).count(), 0);
    assert_eq!(ws.live(Kind::Company).count(), 0);
}

#[test]
fn several_columns_to_one_field_and_labels_from_other_columns() {
    let ws = Workspace::new([1; 16]);
    let t = csv(
        "Name,Street,Street 2,Mail,Mail type,Other mail,Notes,More notes\n\
         Ann,1 Main St,Floor 2,ann@x.com,* Work,ann@home.org,a,b\n",
    );
    let field = |n: &str, label: Option<&str>| Target::Field {
        name: n.into(),
        label: label.map(str::to_owned),
    };
    let targets = [
        field("name", None),
        field("street", None),
        field("street", None),
        field("emails", None),
        Target::LabelOf { column: 3 },
        field("emails", Some("Home")),
        field("notes", None),
        field("notes", None),
    ];
    let mapping = Mapping {
        kind: Kind::Contact,
        columns: t
            .headers
            .iter()
            .zip(targets)
            .map(|(h, target)| Column {
                header: h.clone(),
                target,
            })
            .collect(),
        preset: None,
    };
    let d = draft_with(&ws, &t, &mapping, 1);
    let plan = d.plan(&ws, &Choices::default(), ids(1));
    let fields: BTreeMap<String, FieldValue> = plan
        .commands()
        .find_map(|c| match c {
            crate::command::Command::Create { fields, .. } => Some(fields.clone()),
            _ => None,
        })
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(fields["street"], text("1 Main St, Floor 2"));
    assert_eq!(
        fields["emails"],
        set(&[("ann@x.com", "work"), ("ann@home.org", "home")])
    );
    assert_eq!(fields["notes"], text("a\n\nb"));
}

#[test]
fn legacy_encoded_files_with_russian_and_persian_headers_import() {
    use super::{CsvOptions, Delimiter, Encoding, read_csv};
    let encode = |text: &str, enc: &'static encoding_rs::Encoding| {
        let (bytes, _, unmappable) = enc.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    };
    let russian = "Имя;Фамилия;Эл. почта;Телефон;Компания\r\n\
                   Иван;Петров;ivan@mail.ru;+7 495 123-45-67;ООО Ромашка\r\n";
    let t = read_csv(
        &encode(russian, encoding_rs::WINDOWS_1251),
        &CsvOptions::default(),
    );
    assert_eq!(t.encoding, Encoding::Windows1251);
    assert_eq!(t.delimiter, Some(Delimiter::Semicolon));
    let mut ws = Workspace::new([1; 16]);
    import(&mut ws, &t, Kind::Contact, &Choices::default(), 1);
    let ivan = named(&ws, Kind::Contact, "Иван Петров");
    assert_eq!(ivan.get("phones"), Some(&set(&[("+7 495 123-45-67", "")])));
    assert_eq!(titles(&ws, Kind::Company), ["ООО Ромашка"]);

    // Persian Windows writes the Arabic yeh (ي); headers are compared in search form.
    let persian =
        "نام,ايميل,تلفن همراه,شرکت\r\nعلي رضايي,ali@example.ir,0912 345 6789,شرکت نمونه\r\n";
    let t = read_csv(
        &encode(persian, encoding_rs::WINDOWS_1256),
        &CsvOptions::default(),
    );
    assert_eq!(t.encoding, Encoding::Windows1256);
    let mut ws = Workspace::new([1; 16]);
    import(&mut ws, &t, Kind::Contact, &Choices::default(), 1);
    let ali = named(&ws, Kind::Contact, "علي رضايي");
    assert_eq!(ali.get("emails"), Some(&set(&[("ali@example.ir", "")])));
    assert_eq!(
        ali.get("phones"),
        Some(&set(&[("0912 345 6789", "mobile")]))
    );

    // Excel's "Unicode text": UTF-16 LE with a byte order mark, tab-separated.
    let text = "Name\tE-mail\tCity\r\nJürgen Müller\tj@example.de\tKöln\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let t = read_csv(&bytes, &CsvOptions::default());
    assert_eq!(
        (t.encoding, t.delimiter),
        (Encoding::Utf16Le, Some(Delimiter::Tab))
    );
    let mut ws = Workspace::new([1; 16]);
    import(&mut ws, &t, Kind::Contact, &Choices::default(), 1);
    assert_eq!(
        named(&ws, Kind::Contact, "Jürgen Müller").text("city"),
        Some("Köln")
    );
}

#[test]
fn slashed_dates_read_in_the_order_the_whole_file_shows() {
    let birthday = |ws: &Workspace, who: &str| {
        named(ws, Kind::Contact, who)
            .text("birthday")
            .map(str::to_owned)
    };
    // A British export: one date can only be day first, so all of them are, the first
    // row's (read before the telling one) included.
    let t = csv("Name,Birthday\nAnn,05/06/1990\nBob,13/05/1991\nCy,01/02/1992\n");
    let mut ws = Workspace::new([1; 16]);
    import(&mut ws, &t, Kind::Contact, &Choices::default(), 1);
    assert_eq!(birthday(&ws, "Ann").as_deref(), Some("1990-06-05"));
    assert_eq!(birthday(&ws, "Bob").as_deref(), Some("1991-05-13"));
    assert_eq!(birthday(&ws, "Cy").as_deref(), Some("1992-02-01"));
    // An American one: month first throughout.
    let t = csv("Name,Birthday\nAnn,05/06/1990\nBob,05/13/1991\n");
    let mut ws = Workspace::new([1; 16]);
    import(&mut ws, &t, Kind::Contact, &Choices::default(), 2);
    assert_eq!(birthday(&ws, "Ann").as_deref(), Some("1990-05-06"));
    assert_eq!(birthday(&ws, "Bob").as_deref(), Some("1991-05-13"));
    // Both kinds in one file: each date as it shows (month first when it cannot tell).
    let t = csv("Name,Birthday\nAnn,05/06/1990\nBob,05/13/1991\nCy,13/05/1992\n");
    let mut ws = Workspace::new([1; 16]);
    import(&mut ws, &t, Kind::Contact, &Choices::default(), 3);
    assert_eq!(birthday(&ws, "Ann").as_deref(), Some("1990-05-06"));
    assert_eq!(birthday(&ws, "Cy").as_deref(), Some("1992-05-13"));
    // ...and said, with the first date of each kind, since 05/06/1990 may be wrong.
    let mixed = |d: &Draft| {
        d.warnings()
            .iter()
            .filter(|w| matches!(w.warning, RowWarning::MixedDateOrder { .. }))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        mixed(&draft(&Workspace::new([1; 16]), &t, Kind::Contact)),
        [Warning {
            line: 0,
            warning: RowWarning::MixedDateOrder {
                day_first: (4, "13/05/1992".into()),
                month_first: (3, "05/13/1991".into()),
            },
        }]
    );
    // A file of one kind has no such warning.
    let british = csv("Name,Birthday\nAnn,05/06/1990\nBob,13/05/1991\n");
    assert!(mixed(&draft(&Workspace::new([1; 16]), &british, Kind::Contact)).is_empty());
}

#[test]
fn a_writer_writes_in_chunks_as_one_undo_step_and_rolls_back_when_refused() {
    let mut ws = ann_and_acme();
    set_ann_job_title(&mut ws, "CEO");
    let t = csv("Name,Company\nBob,Acme\nCara,Beta\nDan,Acme\nEve,\n");
    let d = draft(&ws, &t, Kind::Contact);
    let plan = d.plan(&ws, &Choices::default(), ids(5));
    let mut w = plan.writer();
    let total = w.total();
    // Beta (new company), then the four contacts.
    assert_eq!(total, 5);
    let mut chunks = 0;
    while !w.write(&mut ws, &ctx(), 2).unwrap() {
        chunks += 1;
        assert!(w.written() < total);
    }
    assert_eq!((w.written(), chunks), (total, 2), "1 + 2 + 2 commands");
    assert_eq!(
        titles(&ws, Kind::Contact),
        ["Ann", "Bob", "Cara", "Dan", "Eve"]
    );
    ws.undo(&ctx()).unwrap();
    assert_eq!(titles(&ws, Kind::Contact), ["Ann"]);
    assert_eq!(titles(&ws, Kind::Company), ["Acme"]);
    // The edit before the import is the next undo step, untouched by it.
    assert_eq!(
        ws.get(Kind::Contact, id(1)).unwrap().text("job_title"),
        Some("CEO")
    );
    ws.undo(&ctx()).unwrap();
    assert_eq!(
        ws.get(Kind::Contact, id(1)).unwrap().text("job_title"),
        None
    );
    ws.redo(&ctx()).unwrap();
    ws.redo(&ctx()).unwrap();
    assert_eq!(titles(&ws, Kind::Contact).len(), 5);

    // Acme goes to the trash between planning and writing: Dan's chunk is refused, and what
    // was written before it is taken back.
    let mut ws = ann_and_acme();
    let d = draft(&ws, &t, Kind::Contact);
    let plan = d.plan(&ws, &Choices::default(), ids(6));
    trash(&mut ws, Kind::Company, id(2), 2);
    let mut w = plan.writer();
    let err = loop {
        match w.write(&mut ws, &ctx(), 1) {
            Ok(true) => panic!("Bob links to a trashed company"),
            Ok(false) => {}
            Err(e) => break e,
        }
    };
    assert_eq!(err.lines, vec![2]);
    assert!(matches!(err.error, CommandError::LinkToTrash { .. }));
    assert_eq!(titles(&ws, Kind::Contact), ["Ann"]);
    assert!(
        titles(&ws, Kind::Company).is_empty(),
        "Beta taken back, Acme in the trash"
    );
    assert!(
        w.write(&mut ws, &ctx(), 1).unwrap(),
        "a spent writer writes nothing"
    );
}

#[test]
fn work_done_while_an_import_is_written_is_its_own_undo_step() {
    let mut ws = ann_and_acme();
    let t = csv("Name,Company\nBob,Acme\nCara,Beta\nDan,Acme\nEve,\n");
    let d = draft(&ws, &t, Kind::Contact);
    let plan = d.plan(&ws, &Choices::default(), ids(5));
    let mut w = plan.writer();
    assert!(!w.write(&mut ws, &ctx(), 2).unwrap());
    // Half written: Ctrl+Z must not take back half an import.
    assert_eq!(ws.undo(&ctx()), Err(CommandError::UndoWhileWriting));
    // An edit made meanwhile, elsewhere in the app, between two batches.
    set_ann_job_title(&mut ws, "CTO");
    while !w.write(&mut ws, &ctx(), 2).unwrap() {}
    assert_eq!(titles(&ws, Kind::Contact).len(), 5);
    // The import's Undo takes back the import alone, though the edit came after it began.
    let step = w.undo_step().unwrap();
    ws.undo_step(step, &ctx()).unwrap();
    assert_eq!(titles(&ws, Kind::Contact), ["Ann"]);
    assert_eq!(titles(&ws, Kind::Company), ["Acme"]);
    let ann = |ws: &Workspace| {
        ws.get(Kind::Contact, id(1))
            .unwrap()
            .text("job_title")
            .map(str::to_owned)
    };
    assert_eq!(ann(&ws).as_deref(), Some("CTO"));
    assert_eq!(ws.undo_step(step, &ctx()), Err(CommandError::NothingToUndo));
    // The edit is the next step back.
    ws.undo(&ctx()).unwrap();
    assert_eq!(ann(&ws), None);

    // A batch refused after an edit made between batches takes back the import, not the edit.
    let mut ws = ann_and_acme();
    let d = draft(&ws, &t, Kind::Contact);
    let plan = d.plan(&ws, &Choices::default(), ids(6));
    let mut w = plan.writer();
    assert!(!w.write(&mut ws, &ctx(), 1).unwrap());
    set_ann_job_title(&mut ws, "COO");
    trash(&mut ws, Kind::Company, id(2), 2);
    let refused = loop {
        match w.write(&mut ws, &ctx(), 1) {
            Ok(true) => panic!("Bob links to a trashed company"),
            Ok(false) => {}
            Err(e) => break e,
        }
    };
    assert!(matches!(refused.error, CommandError::LinkToTrash { .. }));
    assert_eq!(titles(&ws, Kind::Contact), ["Ann"]);
    assert_eq!(ann(&ws).as_deref(), Some("COO"));
}

#[test]
fn an_imports_undo_leaves_what_was_changed_after_it_and_its_step_is_never_dropped_while_written() {
    // The import fills Ann's empty job title (a merge) and adds Bob.
    let t = csv("Name,Job title\nAnn,Founder\nBob,Buyer\n");
    let job = |ws: &Workspace| {
        named(ws, Kind::Contact, "Ann")
            .text("job_title")
            .map(str::to_owned)
    };
    let mut ws = ann_and_acme();
    let d = draft(&ws, &t, Kind::Contact);
    let plan = d.plan(&ws, &Choices::all(Choice::Merge), ids(8));
    let mut w = plan.writer();
    assert!(!w.write(&mut ws, &ctx(), 1).unwrap());
    // Far more steps than the undo history keeps, while the import is written.
    for n in 0..250 {
        ws.apply(
            crate::command::Command::Update {
                kind: Kind::Company,
                id: id(2),
                fields: vec![("city".into(), Some(text(&format!("City {n}"))))],
            },
            &ctx(),
        )
        .unwrap();
    }
    while !w.write(&mut ws, &ctx(), 1).unwrap() {}
    assert_eq!(job(&ws).as_deref(), Some("Founder"));
    ws.undo_step(w.undo_step().unwrap(), &ctx()).unwrap();
    assert_eq!(
        titles(&ws, Kind::Contact),
        ["Ann"],
        "all of the import taken back"
    );
    assert_eq!(job(&ws), None);

    let mut ws = ann_and_acme();
    let plan = d.plan(&ws, &Choices::all(Choice::Merge), ids(9));
    let mut w = plan.writer();
    while !w.write(&mut ws, &ctx(), 1).unwrap() {}
    // Ann's job title changed again after the import.
    set_ann_job_title(&mut ws, "CEO");
    ws.undo_step(w.undo_step().unwrap(), &ctx()).unwrap();
    assert_eq!(titles(&ws, Kind::Contact), ["Ann"]);
    assert_eq!(job(&ws).as_deref(), Some("CEO"), "the later edit stays");
    assert_eq!(ws.redo(&ctx()), Err(CommandError::NothingToRedo));
    ws.undo(&ctx()).unwrap();
    assert_eq!(
        job(&ws).as_deref(),
        Some("Founder"),
        "the edit's own undo, as before"
    );
}

/// Sets Ann's (`id(1)`) job title, as an edit made in the app would.
fn set_ann_job_title(ws: &mut Workspace, title: &str) {
    ws.apply(
        crate::command::Command::Update {
            kind: Kind::Contact,
            id: id(1),
            fields: vec![("job_title".into(), Some(text(title)))],
        },
        &ctx(),
    )
    .unwrap();
}

fn ann_and_acme() -> Workspace {
    let mut ws = Workspace::new([1; 16]);
    make(&mut ws, Kind::Contact, id(1), 1, &[("name", text("Ann"))]);
    make(
        &mut ws,
        Kind::Company,
        id(2),
        1,
        &[("name", text("Acme")), ("kind", text("customer"))],
    );
    ws
}
