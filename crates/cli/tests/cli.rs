//! The `crm` binary on real files: what a script or a backup job would run.

use std::process::Command;

use crm_core::{Command as Cmd, Ctx, FieldValue, Id, Kind, Timestamp, Workspace};

fn crm(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_crm"))
        .args(args)
        .output()
        .unwrap()
}

fn workspace_file(dir: &std::path::Path) -> std::path::PathBuf {
    let mut ws = Workspace::new([1; 16]);
    let ctx = Ctx {
        now: Timestamp(1_700_000_000_000),
        by: None,
    };
    for (n, name, email) in [
        (1u8, "Ann Lee", "ann@example.com"),
        (2, "Bob Stone", "bob@acme.test"),
    ] {
        ws.apply(
            Cmd::Create {
                kind: Kind::Contact,
                id: Id::from_bytes([n; 16]),
                fields: vec![
                    ("name".into(), FieldValue::text(name)),
                    ("emails".into(), FieldValue::set([email])),
                ],
                custom: vec![],
            },
            &ctx,
        )
        .unwrap();
    }
    ws.apply(
        Cmd::Trash {
            kind: Kind::Contact,
            id: Id::from_bytes([2; 16]),
        },
        &ctx,
    )
    .unwrap();
    let path = dir.join("team.automerge");
    std::fs::write(&path, ws.save()).unwrap();
    path
}

#[test]
fn lists_searches_and_exports_a_workspace_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = workspace_file(tmp.path());
    let f = file.to_str().unwrap();

    let out = crm(&["list", "contacts", f]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let live: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = live
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fields"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ann Lee"], "the trash is left out");

    let all: serde_json::Value =
        serde_json::from_slice(&crm(&["list", "contacts", f, "--trashed"]).stdout).unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    let found: serde_json::Value = serde_json::from_slice(
        &crm(&["list", "contacts", f, "--trashed", "--search", "acme"]).stdout,
    )
    .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["fields"]["name"], "Bob Stone");

    // JSON export, then that export back to an Automerge file: the same records.
    let json = tmp.path().join("team.json");
    let out = crm(&["export", f, "--json", "-o", json.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = tmp.path().join("again.automerge");
    let out = crm(&[
        "export",
        json.to_str().unwrap(),
        "--automerge",
        "-o",
        again.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a: serde_json::Value =
        serde_json::from_slice(&crm(&["list", "contacts", f, "--trashed"]).stdout).unwrap();
    let b: serde_json::Value = serde_json::from_slice(
        &crm(&["list", "contacts", again.to_str().unwrap(), "--trashed"]).stdout,
    )
    .unwrap();
    assert_eq!(a, b);
}

#[test]
fn bad_input_gets_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let file = workspace_file(tmp.path());
    let out = crm(&["list", "planets", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown record kind \"planets\""));

    let junk = tmp.path().join("junk.automerge");
    std::fs::write(&junk, b"not a workspace").unwrap();
    let out = crm(&["list", "contacts", junk.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a Hearth workspace"));

    let out = crm(&["export", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--json or --automerge"));

    let out = crm(&[
        "list",
        "contacts",
        tmp.path().join("missing").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));
}

#[test]
fn reports_the_analytics_of_a_period_as_json() {
    use crm_core::pipeline::{Stage, stages_value};
    let tmp = tempfile::tempdir().unwrap();
    let mut ws = Workspace::new([3; 16]);
    // 2026-03-01 and 2026-06-01, UTC.
    let (march, june) = (1_772_323_200_000, 1_780_272_000_000);
    let ctx = |t: i64| Ctx {
        now: Timestamp(t),
        by: None,
    };
    let id = |n: u8| Id::from_bytes([n; 16]);
    let create = |kind: Kind, n: u8, fields: Vec<(&str, FieldValue)>| Cmd::Create {
        kind,
        id: id(n),
        fields: fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        custom: vec![],
    };
    let stages = [
        Stage::new("lead", "Lead", 20, 0),
        Stage::new("offer", "Offer", 60, 1),
    ];
    let eur = |minor| FieldValue::Money(crm_core::Money::new(minor, "EUR".parse().unwrap()));
    for cmd in [
        create(
            Kind::Pipeline,
            1,
            vec![
                ("name", FieldValue::text("Sales")),
                ("stages", stages_value(&stages)),
            ],
        ),
        create(
            Kind::Company,
            2,
            vec![
                ("name", FieldValue::text("Acme")),
                ("kind", FieldValue::text("customer")),
            ],
        ),
        create(
            Kind::Deal,
            3,
            vec![
                ("title", FieldValue::text("Won one")),
                ("pipeline", FieldValue::Ref(id(1))),
                ("stage", FieldValue::text("offer")),
                ("value", eur(120_000)),
                ("company", FieldValue::Ref(id(2))),
            ],
        ),
        create(
            Kind::Deal,
            4,
            vec![
                ("title", FieldValue::text("Open one")),
                ("pipeline", FieldValue::Ref(id(1))),
                ("stage", FieldValue::text("lead")),
                ("value", eur(50_000)),
            ],
        ),
    ] {
        ws.apply(cmd, &ctx(march)).unwrap();
    }
    ws.apply(Cmd::Win { deal: id(3) }, &ctx(june)).unwrap();
    let file = tmp.path().join("sales.automerge");
    std::fs::write(&file, ws.save()).unwrap();

    let out = crm(&[
        "report",
        file.to_str().unwrap(),
        "--from",
        "2026-01-01",
        "--to",
        "2027-01-01",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Open: only "Open one" in Lead, EUR 500.00 weighted at 20 % = EUR 100.00.
    let stages = &r["open_deals_by_stage"][0]["stages"];
    assert_eq!(stages[0]["stage"], "Lead");
    assert_eq!(stages[0]["open_deals"], 1);
    assert_eq!(stages[0]["value"]["EUR"], "EUR 500.00");
    assert_eq!(stages[0]["weighted"]["EUR"], "EUR 100.00");
    assert_eq!(stages[1]["open_deals"], 0);
    // One deal closed in the period, won: 1 of 1.
    assert_eq!(r["win_rate"]["won"], 1);
    assert_eq!(r["win_rate"]["by_count"], 1.0);
    // Acme is the one customer.
    assert_eq!(r["rfm"]["customers"][0]["company"], "Acme");
    assert_eq!(r["rfm"]["customers"][0]["frequency"], 1);

    for bad in ["2026-13-01", "2026-02-31", "2026-+2-01", "300000000-01-01"] {
        let out = crm(&["report", file.to_str().unwrap(), "--from", bad]);
        assert!(!out.status.success(), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("is not a day"),
            "{bad}"
        );
    }
}

#[test]
fn imports_a_csv_into_the_file_and_lists_as_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let file = workspace_file(tmp.path());
    let f = file.to_str().unwrap();
    let csv = tmp.path().join("people.csv");
    std::fs::write(
        &csv,
        "Name,Email,Company\nCara Diaz,cara@example.com,Acme\nAnn Lee,ann@example.com,\nDan Bad,not-an-email,\n",
    )
    .unwrap();
    let rejected = tmp.path().join("rejected.csv");
    let out = crm(&[
        "import",
        f,
        "contacts",
        csv.to_str().unwrap(),
        "--rejected",
        rejected.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    // Cara is new (with her company), Ann duplicates the existing contact, Dan is refused.
    assert!(
        said.contains("1 created") && said.contains("1 skipped") && said.contains("1 refused"),
        "{said}"
    );
    let errors = String::from_utf8_lossy(&out.stderr);
    assert!(errors.contains("line 4"), "{errors}");
    assert!(
        std::fs::read_to_string(&rejected)
            .unwrap()
            .contains("Dan Bad")
    );

    let listed: serde_json::Value =
        serde_json::from_slice(&crm(&["list", "contacts", f]).stdout).unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["fields"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&"Cara Diaz"));
    let companies: serde_json::Value =
        serde_json::from_slice(&crm(&["list", "companies", f]).stdout).unwrap();
    assert_eq!(companies[0]["fields"]["name"], "Acme");

    let table = String::from_utf8(crm(&["list", "contacts", f, "--csv"]).stdout).unwrap();
    let mut lines = table.lines();
    assert!(lines.next().unwrap().contains("name"), "{table}");
    assert_eq!(lines.filter(|l| !l.is_empty()).count(), 2);

    let out = crm(&[
        "import",
        f,
        "contacts",
        csv.to_str().unwrap(),
        "--duplicates",
        "sometimes",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("use skip, merge or create"));

    // A British file: its dates read day first throughout, as in the app.
    let uk = tmp.path().join("uk.csv");
    std::fs::write(
        &uk,
        "Name,Birthday\nUna Fox,05/06/1990\nVic Low,13/05/1991\n",
    )
    .unwrap();
    assert!(
        crm(&["import", f, "contacts", uk.to_str().unwrap()])
            .status
            .success()
    );
    let listed: serde_json::Value =
        serde_json::from_slice(&crm(&["list", "contacts", f]).stdout).unwrap();
    let una = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["fields"]["name"] == "Una Fox")
        .unwrap();
    assert_eq!(una["fields"]["birthday"], "1990-06-05");
}
