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
