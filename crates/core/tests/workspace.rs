//! Commands, validation, links, trash, history, undo and search on one replica, and the merge
//! rules between two.

mod common;

use common::*;
use crm_core::pipeline::{Stage, stages_value};
use crm_core::{
    Command, CommandError, FieldError, FieldValue, Kind, Link, Timestamp, Workspace, WorkspaceError,
};

#[test]
fn every_workspace_starts_from_the_same_genesis() {
    let mut a = Workspace::new(actor(1));
    let mut b = Workspace::new(actor(2));
    assert_eq!(
        a.heads(),
        b.heads(),
        "independent replicas share the first change"
    );
    a.apply(
        create(Kind::Contact, id(1), &[("name", text("Ann"))]),
        &ctx(10),
    )
    .unwrap();
    b.apply(
        create(Kind::Contact, id(2), &[("name", text("Bob"))]),
        &ctx(11),
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    assert_eq!(
        a.live(Kind::Contact).count(),
        2,
        "neither side's data vanishes on merge"
    );
}

#[test]
fn create_validates_required_fields_formats_and_unknown_fields() {
    let mut ws = with_pipeline(1);
    let err = ws
        .apply(create(Kind::Contact, id(1), &[]), &ctx(2))
        .unwrap_err();
    assert_eq!(
        err,
        CommandError::Field(FieldError::Required {
            field: "name".into()
        })
    );
    let err = ws
        .apply(
            create(
                Kind::Contact,
                id(1),
                &[
                    ("name", text("Ann")),
                    ("emails", FieldValue::set(["not-an-email"])),
                ],
            ),
            &ctx(2),
        )
        .unwrap_err();
    assert!(
        matches!(err, CommandError::Field(FieldError::Email { .. })),
        "{err}"
    );
    let err = ws
        .apply(
            create(
                Kind::Contact,
                id(1),
                &[("name", text("Ann")), ("shoe_size", text("42"))],
            ),
            &ctx(2),
        )
        .unwrap_err();
    assert_eq!(
        err,
        CommandError::UnknownField {
            kind: Kind::Contact,
            field: "shoe_size".into()
        }
    );
    let err = ws
        .apply(
            create(
                Kind::Deal,
                id(5),
                &[
                    ("title", text("Big")),
                    ("pipeline", FieldValue::Ref(id(PIPELINE))),
                    ("stage", text("lead")),
                    ("value", eur(-1)),
                ],
            ),
            &ctx(2),
        )
        .unwrap_err();
    assert_eq!(
        err,
        CommandError::Field(FieldError::NegativeAmount {
            field: "value".into()
        })
    );
    assert_eq!(
        ws.live(Kind::Contact).count(),
        0,
        "invalid input never reaches the document"
    );
    assert_eq!(ws.live(Kind::Deal).count(), 0);
}

#[test]
fn links_must_point_to_live_records_and_trashed_targets_show_as_such() {
    let mut ws = Workspace::new(actor(1));
    let err = ws
        .apply(
            create(
                Kind::Contact,
                id(1),
                &[("name", text("Ann")), ("company", FieldValue::Ref(id(2)))],
            ),
            &ctx(1),
        )
        .unwrap_err();
    assert!(matches!(err, CommandError::DanglingLink { .. }), "{err}");

    ws.apply(
        create(
            Kind::Company,
            id(2),
            &[("name", text("Acme")), ("kind", text("customer"))],
        ),
        &ctx(1),
    )
    .unwrap();
    ws.apply(
        create(
            Kind::Contact,
            id(1),
            &[("name", text("Ann")), ("company", FieldValue::Ref(id(2)))],
        ),
        &ctx(2),
    )
    .unwrap();
    ws.apply(
        Command::Trash {
            kind: Kind::Company,
            id: id(2),
        },
        &ctx(3),
    )
    .unwrap();
    assert!(matches!(ws.link(Kind::Company, id(2)), Link::Trashed(r) if r.title() == "Acme"));
    assert_eq!(ws.link(Kind::Company, id(99)), Link::Missing(id(99)));
    let err = ws
        .apply(
            create(
                Kind::Contact,
                id(3),
                &[("name", text("Bo")), ("company", FieldValue::Ref(id(2)))],
            ),
            &ctx(4),
        )
        .unwrap_err();
    assert!(matches!(err, CommandError::LinkToTrash { .. }), "{err}");
    ws.apply(
        Command::Restore {
            kind: Kind::Company,
            id: id(2),
        },
        &ctx(5),
    )
    .unwrap();
    assert!(matches!(ws.link(Kind::Company, id(2)), Link::Live(_)));
}

#[test]
fn org_chart_cannot_loop() {
    let mut ws = Workspace::new(actor(1));
    ws.apply(
        create(Kind::Contact, id(1), &[("name", text("CEO"))]),
        &ctx(1),
    )
    .unwrap();
    ws.apply(
        create(
            Kind::Contact,
            id(2),
            &[("name", text("VP")), ("reports_to", FieldValue::Ref(id(1)))],
        ),
        &ctx(1),
    )
    .unwrap();
    let err = ws
        .apply(
            update(
                Kind::Contact,
                id(1),
                &[("reports_to", Some(FieldValue::Ref(id(2))))],
            ),
            &ctx(2),
        )
        .unwrap_err();
    assert_eq!(err, CommandError::ReportingCycle);
    let err = ws
        .apply(
            update(
                Kind::Contact,
                id(1),
                &[("reports_to", Some(FieldValue::Ref(id(1))))],
            ),
            &ctx(2),
        )
        .unwrap_err();
    assert_eq!(err, CommandError::ReportingCycle);
}

#[test]
fn deal_lifecycle_keeps_stage_history() {
    let mut ws = with_pipeline(1);
    let deal = id(10);
    ws.apply(
        create(
            Kind::Deal,
            deal,
            &[
                ("title", text("Big")),
                ("pipeline", FieldValue::Ref(id(PIPELINE))),
                ("stage", text("lead")),
                ("value", eur(500_000)),
            ],
        ),
        &ctx(100),
    )
    .unwrap();
    assert_eq!(
        ws.get(Kind::Deal, deal).unwrap().text("status"),
        Some("open")
    );
    assert_eq!(
        ws.apply(
            Command::MoveStage {
                deal,
                stage: "nowhere".into()
            },
            &ctx(150)
        ),
        Err(CommandError::UnknownStage("nowhere".into()))
    );
    ws.apply(
        Command::MoveStage {
            deal,
            stage: "proposal".into(),
        },
        &ctx(200),
    )
    .unwrap();
    assert_eq!(
        ws.apply(
            Command::Lose {
                deal,
                reason: "  ".into()
            },
            &ctx(250)
        ),
        Err(CommandError::ReasonRequired)
    );
    ws.apply(
        Command::Lose {
            deal,
            reason: "price".into(),
        },
        &ctx(300),
    )
    .unwrap();
    let d = ws.get(Kind::Deal, deal).unwrap();
    assert_eq!(d.text("status"), Some("lost"));
    assert_eq!(d.text("lost_reason"), Some("price"));
    assert_eq!(
        d.get("closed_at"),
        Some(&FieldValue::Timestamp(Timestamp(300)))
    );
    assert_eq!(
        ws.apply(
            Command::MoveStage {
                deal,
                stage: "lead".into()
            },
            &ctx(310)
        ),
        Err(CommandError::DealClosed("lost".into()))
    );
    ws.apply(Command::Reopen { deal }, &ctx(400)).unwrap();
    ws.apply(Command::Win { deal }, &ctx(500)).unwrap();
    let d = ws.get(Kind::Deal, deal).unwrap();
    assert_eq!(d.text("status"), Some("won"));
    assert_eq!(d.text("lost_reason"), None);
    let stages: Vec<_> = d
        .stage_history
        .iter()
        .map(|e| (e.stage.as_str(), e.at.0))
        .collect();
    assert_eq!(stages, [("lead", 100), ("proposal", 200)]);
}

#[test]
fn recurring_tasks_move_to_their_next_date() {
    let mut ws = Workspace::new(actor(1));
    ws.apply(
        create(
            Kind::Task,
            id(1),
            &[
                ("title", text("Birthday: Ann")),
                ("due", text("2026-02-28")),
                ("recurrence", text("yearly")),
            ],
        ),
        &ctx(1),
    )
    .unwrap();
    ws.apply(Command::CompleteTask { task: id(1) }, &ctx(2))
        .unwrap();
    let t = ws.get(Kind::Task, id(1)).unwrap();
    assert_eq!(t.text("due"), Some("2027-02-28"));
    assert_ne!(t.get("done"), Some(&FieldValue::Bool(true)));

    ws.apply(
        create(Kind::Task, id(2), &[("title", text("Call back"))]),
        &ctx(3),
    )
    .unwrap();
    ws.apply(Command::CompleteTask { task: id(2) }, &ctx(4))
        .unwrap();
    assert_eq!(
        ws.get(Kind::Task, id(2)).unwrap().get("done"),
        Some(&FieldValue::Bool(true))
    );
    assert_eq!(
        ws.apply(Command::CompleteTask { task: id(2) }, &ctx(5)),
        Err(CommandError::TaskDone)
    );
    let err = ws
        .apply(
            create(
                Kind::Task,
                id(3),
                &[("title", text("x")), ("recurrence", text("days"))],
            ),
            &ctx(6),
        )
        .unwrap_err();
    assert_eq!(err, CommandError::RecurringWithoutDue);
}

#[test]
fn undo_and_redo_this_devices_changes() {
    let mut ws = Workspace::new(actor(1));
    ws.apply(
        create(Kind::Contact, id(1), &[("name", text("Ann"))]),
        &ctx(1),
    )
    .unwrap();
    ws.apply(
        update(
            Kind::Contact,
            id(1),
            &[
                ("name", Some(text("Anna"))),
                ("job_title", Some(text("CTO"))),
            ],
        ),
        &ctx(2),
    )
    .unwrap();
    ws.undo(&ctx(3)).unwrap();
    let c = ws.get(Kind::Contact, id(1)).unwrap();
    assert_eq!((c.text("name"), c.text("job_title")), (Some("Ann"), None));
    ws.redo(&ctx(4)).unwrap();
    let c = ws.get(Kind::Contact, id(1)).unwrap();
    assert_eq!(
        (c.text("name"), c.text("job_title")),
        (Some("Anna"), Some("CTO"))
    );
    ws.undo(&ctx(5)).unwrap();
    ws.undo(&ctx(6)).unwrap();
    let c = ws.get(Kind::Contact, id(1)).unwrap();
    assert!(c.is_trashed(), "undoing a creation trashes");
    assert_eq!(
        c.text("name"),
        Some("Ann"),
        "and never erases: the record is whole in the trash"
    );
    assert_eq!(ws.undo(&ctx(7)), Err(CommandError::NothingToUndo));
    ws.redo(&ctx(8)).unwrap();
    let c = ws.get(Kind::Contact, id(1)).unwrap();
    assert!(!c.is_trashed());
    assert_eq!(c.text("name"), Some("Ann"));
    // Undone again and restored from the trash instead: back with its name.
    ws.undo(&ctx(9)).unwrap();
    ws.apply(
        Command::Restore {
            kind: Kind::Contact,
            id: id(1),
        },
        &ctx(10),
    )
    .unwrap();
    let c = ws.get(Kind::Contact, id(1)).unwrap();
    assert_eq!((c.is_trashed(), c.text("name")), (false, Some("Ann")));
}

#[test]
fn history_lists_who_changed_what_and_when() {
    let mut ws = Workspace::new(actor(1));
    let member = id(77);
    let by = crm_core::Ctx {
        now: Timestamp(5),
        by: Some(member),
    };
    ws.apply(
        create(Kind::Contact, id(1), &[("name", text("Ann"))]),
        &ctx(1),
    )
    .unwrap();
    ws.apply(
        update(Kind::Contact, id(1), &[("name", Some(text("Anna")))]),
        &by,
    )
    .unwrap();
    ws.apply(
        Command::Trash {
            kind: Kind::Contact,
            id: id(1),
        },
        &ctx(9),
    )
    .unwrap();
    let h = ws.history(Kind::Contact, id(1));
    assert_eq!(h.len(), 3);
    assert_eq!(h[1].at, Timestamp(5));
    assert_eq!(h[1].by, Some(member));
    assert_eq!(h[1].changes.len(), 1);
    assert_eq!(h[1].changes[0].key, "name");
    assert_eq!(h[1].changes[0].before, Some(text("Ann")));
    assert_eq!(h[1].changes[0].after, Some(text("Anna")));
    assert_eq!(h[2].changes[0].key, "trashed");
    assert_eq!(
        h[2].changes[0].after,
        Some(FieldValue::Timestamp(Timestamp(9)))
    );
}

#[test]
fn merging_duplicates_keeps_everything_and_repoints_links() {
    let mut ws = Workspace::new(actor(1));
    ws.apply(
        create(
            Kind::Contact,
            id(1),
            &[
                ("name", text("Ann Lee")),
                ("emails", FieldValue::set(["ann@a.com"])),
                ("notes", text("met at fair")),
            ],
        ),
        &ctx(1),
    )
    .unwrap();
    ws.apply(
        create(
            Kind::Contact,
            id(2),
            &[
                ("name", text("Ann Lee")),
                ("emails", FieldValue::set(["ann@b.com"])),
                ("job_title", text("CTO")),
                ("notes", text("prefers email")),
            ],
        ),
        &ctx(1),
    )
    .unwrap();
    ws.apply(
        create(
            Kind::Activity,
            id(3),
            &[
                ("kind", text("call")),
                ("at", FieldValue::Timestamp(Timestamp(2))),
                ("contacts", FieldValue::set([id(2).to_string()])),
            ],
        ),
        &ctx(2),
    )
    .unwrap();
    merge_contacts(&mut ws, 1, 2, 3);
    let kept = ws.get(Kind::Contact, id(1)).unwrap();
    assert_eq!(
        kept.get("emails"),
        Some(&FieldValue::set(["ann@a.com", "ann@b.com"]))
    );
    assert_eq!(kept.text("job_title"), Some("CTO"));
    assert_eq!(kept.text("notes"), Some("met at fair\n\nprefers email"));
    let removed = ws.get(Kind::Contact, id(2)).unwrap();
    assert!(removed.is_trashed());
    assert_eq!(removed.merged_into, Some(id(1)));
    let act = ws.get(Kind::Activity, id(3)).unwrap();
    assert_eq!(
        act.get("contacts"),
        Some(&FieldValue::set([id(1).to_string()]))
    );
    assert_eq!(
        ws.apply(
            Command::MergeDuplicates {
                kind: Kind::Contact,
                keep: id(1),
                remove: id(1)
            },
            &ctx(4)
        ),
        Err(CommandError::MergeWithSelf)
    );
    // One undo reverts the whole merge.
    ws.undo(&ctx(5)).unwrap();
    assert!(!ws.get(Kind::Contact, id(2)).unwrap().is_trashed());
    assert_eq!(
        ws.get(Kind::Activity, id(3)).unwrap().get("contacts"),
        Some(&FieldValue::set([id(2).to_string()]))
    );
}

#[test]
fn search_finds_records_as_they_change_and_hides_the_trash() {
    let mut ws = Workspace::new(actor(1));
    ws.apply(
        create(
            Kind::Contact,
            id(1),
            &[
                ("name", text("Фёдор Петров")),
                ("phones", FieldValue::set(["+7 495 123-45-67"])),
            ],
        ),
        &ctx(1),
    )
    .unwrap();
    ws.apply(
        create(
            Kind::Company,
            id(2),
            &[("name", text("شركة كريم")), ("kind", text("customer"))],
        ),
        &ctx(1),
    )
    .unwrap();
    assert_eq!(ws.search("федор"), [(Kind::Contact, id(1))]);
    assert_eq!(ws.search("4951234"), [(Kind::Contact, id(1))]);
    assert_eq!(ws.search("کری"), [(Kind::Company, id(2))]);
    ws.apply(
        update(
            Kind::Contact,
            id(1),
            &[("name", Some(text("Fyodor Petrov")))],
        ),
        &ctx(2),
    )
    .unwrap();
    assert!(ws.search("федор").is_empty());
    assert_eq!(ws.search("fyo"), [(Kind::Contact, id(1))]);
    ws.apply(
        Command::Trash {
            kind: Kind::Contact,
            id: id(1),
        },
        &ctx(3),
    )
    .unwrap();
    assert!(ws.search("fyo").is_empty());
}

#[test]
fn a_foreign_or_damaged_file_is_refused() {
    let err = Workspace::load(b"definitely not automerge", actor(1))
        .err()
        .unwrap();
    assert!(matches!(err, WorkspaceError::NotAWorkspace(_)), "{err}");
    let mut other = automerge::AutoCommit::new();
    use automerge::transaction::Transactable;
    other.put(automerge::ROOT, "x", 1).unwrap();
    let err = Workspace::load(&other.save(), actor(1)).err().unwrap();
    assert!(err.to_string().contains("Hearth"), "{err}");
    let mut ws = Workspace::new(actor(1));
    let mut bytes = ws.save();
    let n = bytes.len();
    bytes.truncate(n / 2);
    assert!(Workspace::load(&bytes, actor(2)).is_err());
}

#[test]
fn save_load_and_incremental_round_trip() {
    let mut a = with_pipeline(1);
    a.apply(
        create(
            Kind::Contact,
            id(1),
            &[("name", text("Ann")), ("tags", FieldValue::set(["vip"]))],
        ),
        &ctx(2),
    )
    .unwrap();
    let snapshot = a.save();
    set_contact_text(&mut a, 1, "job_title", "CTO", 3);
    let incremental = a.save_incremental();
    let mut b = Workspace::load(&snapshot, actor(2)).unwrap();
    b.load_incremental(&incremental).unwrap();
    assert_eq!(b.get(Kind::Contact, id(1)), a.get(Kind::Contact, id(1)));
    assert_eq!(b.heads(), a.heads());
}

#[test]
fn links_made_offline_to_a_contact_merged_meanwhile_follow_the_merge() {
    let mut a = Workspace::new(actor(1));
    for (n, name) in [(1, "Ann Lee"), (2, "Ann Lee"), (5, "Bo")] {
        a.apply(
            create(Kind::Contact, id(n), &[("name", text(name))]),
            &ctx(1),
        )
        .unwrap();
    }
    let mut b = fork(&mut a, 2);
    // Offline, B logs a call with the duplicate (and Bo), and makes it Bo's manager.
    b.apply(
        create(
            Kind::Activity,
            id(3),
            &[
                ("kind", text("call")),
                ("at", FieldValue::Timestamp(Timestamp(2))),
                (
                    "contacts",
                    FieldValue::set([id(2).to_string(), id(5).to_string()]),
                ),
            ],
        ),
        &ctx(2),
    )
    .unwrap();
    b.apply(
        update(
            Kind::Contact,
            id(5),
            &[("reports_to", Some(FieldValue::Ref(id(2))))],
        ),
        &ctx(2),
    )
    .unwrap();
    // Meanwhile A merges the duplicate into Ann.
    merge_contacts(&mut a, 1, 2, 3);
    sync_both(&mut a, &mut b);
    // Synced, the call and the link point at the contact in the trash...
    assert_eq!(
        a.get(Kind::Activity, id(3)).unwrap().get("contacts"),
        Some(&FieldValue::set([id(2).to_string(), id(5).to_string()]))
    );
    // ...until the repair after a sync points them at the kept one.
    assert_eq!(b.repair_merged_links(&ctx(4)), Ok(2));
    assert_eq!(
        b.repair_merged_links(&ctx(5)),
        Ok(0),
        "nothing left to repair"
    );
    a.merge(&mut b).unwrap();
    assert_eq!(
        a.repair_merged_links(&ctx(7)),
        Ok(0),
        "the repair syncs like any change"
    );
    for ws in [&a, &b] {
        assert_eq!(
            ws.get(Kind::Activity, id(3)).unwrap().get("contacts"),
            Some(&FieldValue::set([id(1).to_string(), id(5).to_string()]))
        );
        assert_eq!(
            ws.get(Kind::Contact, id(5)).unwrap().get("reports_to"),
            Some(&FieldValue::Ref(id(1)))
        );
    }
}

#[test]
fn edits_made_offline_to_a_contact_merged_meanwhile_reach_the_kept_one() {
    let mut a = Workspace::new(actor(1));
    a.apply(
        create(
            Kind::Contact,
            id(1),
            &[
                ("name", text("Ann Lee")),
                ("job_title", text("CTO")),
                ("phones", FieldValue::set(["+1 555 0100".to_owned()])),
            ],
        ),
        &ctx(1),
    )
    .unwrap();
    a.apply(
        create(Kind::Contact, id(2), &[("name", text("ann lee"))]),
        &ctx(1),
    )
    .unwrap();
    let mut b = fork(&mut a, 2);
    // Offline, B corrects the duplicate: a new phone, a new title, a note.
    b.apply(
        update(
            Kind::Contact,
            id(2),
            &[
                ("phones", Some(FieldValue::set(["+1 555 0199".to_owned()]))),
                ("job_title", Some(text("CEO"))),
                ("notes", Some(text("Prefers calls"))),
            ],
        ),
        &ctx(2),
    )
    .unwrap();
    // A third device, offline from here on, still sees the duplicate.
    let mut c = fork(&mut b, 3);
    // Meanwhile A merges the duplicate into Ann.
    merge_contacts(&mut a, 1, 2, 3);
    sync_both(&mut a, &mut b);
    assert_eq!(a.repair_merged_links(&ctx(4)), Ok(1));
    assert_eq!(b.repair_merged_links(&ctx(4)), Ok(1), "both repair at once");
    sync_both(&mut a, &mut b);
    for ws in [&a, &b] {
        let ann = ws.get(Kind::Contact, id(1)).unwrap();
        assert_eq!(ann.text("job_title"), Some("CEO"));
        // Notes are not carried: two devices appending at once would both stay.
        assert_eq!(ann.text("notes"), None);
        assert_eq!(
            ann.get("phones"),
            Some(&FieldValue::set([
                "+1 555 0100".to_owned(),
                "+1 555 0199".to_owned()
            ]))
        );
    }
    // Carried once: a later edit of the kept record stays when the third device's late edit
    // of the duplicate arrives, which is carried in turn.
    set_contact_text(&mut a, 1, "job_title", "CFO", 5);
    set_contact_text(&mut c, 2, "city", "Lyon", 5);
    a.merge(&mut c).unwrap();
    assert_eq!(a.repair_merged_links(&ctx(6)), Ok(1));
    let ann = a.get(Kind::Contact, id(1)).unwrap();
    assert_eq!(
        (ann.text("job_title"), ann.text("city")),
        (Some("CFO"), Some("Lyon"))
    );
    // And once more from a device that repairs for the first time (a tab just opened).
    let mut fresh = Workspace::load(&a.save(), actor(5)).unwrap();
    assert_eq!(fresh.repair_merged_links(&ctx(7)), Ok(0));
    // A merge made here, with nothing late, carries nothing.
    let mut d = Workspace::new(actor(6));
    for (n, city) in [(1, "Oslo"), (2, "Bergen")] {
        d.apply(
            create(
                Kind::Contact,
                id(n),
                &[("name", text("Cy")), ("city", text(city))],
            ),
            &ctx(1),
        )
        .unwrap();
    }
    merge_contacts(&mut d, 1, 2, 2);
    assert_eq!(d.repair_merged_links(&ctx(3)), Ok(0));
    assert_eq!(
        d.get(Kind::Contact, id(1)).unwrap().text("city"),
        Some("Oslo")
    );
}

#[test]
fn a_pair_merged_each_into_the_other_at_once_leaves_one_record_with_every_link() {
    let mut a = Workspace::new(actor(1));
    a.apply(
        create(
            Kind::Contact,
            id(1),
            &[("name", text("Ann Lee")), ("job_title", text("CTO"))],
        ),
        &ctx(1),
    )
    .unwrap();
    a.apply(
        create(Kind::Contact, id(2), &[("name", text("ann lee"))]),
        &ctx(1),
    )
    .unwrap();
    let call = |n: u64, who: u64| {
        create(
            Kind::Activity,
            id(n),
            &[
                ("kind", text("call")),
                ("at", FieldValue::Timestamp(Timestamp(2))),
                ("contacts", FieldValue::set([id(who).to_string()])),
            ],
        )
    };
    a.apply(call(10, 1), &ctx(1)).unwrap();
    a.apply(call(20, 2), &ctx(1)).unwrap();
    let mut b = fork(&mut a, 2);
    // Each colleague merges the pair, each keeping the other record.
    let merge = |keep: u64, remove: u64| Command::MergeDuplicates {
        kind: Kind::Contact,
        keep: id(keep),
        remove: id(remove),
    };
    a.apply(merge(1, 2), &ctx(3)).unwrap();
    b.apply(merge(2, 1), &ctx(3)).unwrap();
    // B goes on editing the record it kept: a real late edit, to follow to the one that stays.
    set_contact_text(&mut b, 2, "city", "Lyon", 3);
    // B's merge filled the duplicate's job title from Ann; A corrects Ann's meanwhile.
    set_contact_text(&mut a, 1, "job_title", "CEO", 3);
    sync_both(&mut a, &mut b);
    assert_eq!(
        a.live(Kind::Contact).count(),
        0,
        "both in the trash at first"
    );
    // Both devices repair at once and pick the same record.
    assert!(a.repair_merged_links(&ctx(4)).unwrap() >= 1);
    assert!(b.repair_merged_links(&ctx(4)).unwrap() >= 1);
    sync_both(&mut a, &mut b);
    assert_eq!(a.repair_merged_links(&ctx(5)), Ok(0), "nothing left");
    for ws in [&a, &b] {
        let live: Vec<_> = ws.live(Kind::Contact).map(|r| r.id).collect();
        assert_eq!(live, [id(1)]);
        // What the other merge wrote on the duplicate is no late edit; what was edited after
        // it is.
        let ann = ws.get(Kind::Contact, id(1)).unwrap();
        assert_eq!(
            (ann.text("job_title"), ann.text("city")),
            (Some("CEO"), Some("Lyon"))
        );
        assert_eq!(
            ws.get(Kind::Contact, id(2)).unwrap().merged_into,
            Some(id(1))
        );
        for n in [10, 20] {
            assert_eq!(
                ws.get(Kind::Activity, id(n)).unwrap().get("contacts"),
                Some(&FieldValue::set([id(1).to_string()])),
                "call {n}"
            );
        }
    }
    // A record trashed by hand after a merge is not brought back.
    let mut c = Workspace::new(actor(3));
    for n in [1, 2] {
        c.apply(
            create(Kind::Contact, id(n), &[("name", text("Bo"))]),
            &ctx(1),
        )
        .unwrap();
    }
    c.apply(merge(1, 2), &ctx(2)).unwrap();
    c.apply(
        Command::Trash {
            kind: Kind::Contact,
            id: id(1),
        },
        &ctx(3),
    )
    .unwrap();
    assert_eq!(c.repair_merged_links(&ctx(4)), Ok(0));
    assert_eq!(c.live(Kind::Contact).count(), 0);
}

// ----- merge rules between replicas -----

#[test]
fn concurrent_edits_to_different_fields_both_survive() {
    let mut a = Workspace::new(actor(1));
    a.apply(
        create(Kind::Contact, id(1), &[("name", text("Ann"))]),
        &ctx(1),
    )
    .unwrap();
    let mut b = fork(&mut a, 2);
    set_contact_text(&mut a, 1, "job_title", "CTO", 2);
    set_contact_text(&mut b, 1, "city", "Tehran", 2);
    sync_both(&mut a, &mut b);
    for ws in [&a, &b] {
        let c = ws.get(Kind::Contact, id(1)).unwrap();
        assert_eq!(
            (c.text("job_title"), c.text("city")),
            (Some("CTO"), Some("Tehran"))
        );
    }
}

#[test]
fn concurrent_edits_of_one_field_resolve_the_same_everywhere() {
    let mut a = Workspace::new(actor(1));
    a.apply(
        create(Kind::Contact, id(1), &[("name", text("Ann"))]),
        &ctx(1),
    )
    .unwrap();
    let mut b = fork(&mut a, 2);
    set_contact_text(&mut a, 1, "name", "Anna", 2);
    set_contact_text(&mut b, 1, "name", "Annie", 2);
    sync_both(&mut a, &mut b);
    let (x, y) = (
        a.get(Kind::Contact, id(1)).unwrap().text("name"),
        b.get(Kind::Contact, id(1)).unwrap().text("name"),
    );
    assert_eq!(x, y);
    assert!(matches!(x, Some("Anna" | "Annie")));
}

#[test]
fn notes_merge_character_by_character() {
    let mut a = Workspace::new(actor(1));
    a.apply(
        create(
            Kind::Contact,
            id(1),
            &[("name", text("Ann")), ("notes", text("Likes tea."))],
        ),
        &ctx(1),
    )
    .unwrap();
    let mut b = fork(&mut a, 2);
    a.apply(
        update(
            Kind::Contact,
            id(1),
            &[("notes", Some(text("Likes green tea.")))],
        ),
        &ctx(2),
    )
    .unwrap();
    b.apply(
        update(
            Kind::Contact,
            id(1),
            &[("notes", Some(text("Likes tea. Call on Mondays.")))],
        ),
        &ctx(2),
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    assert_eq!(
        a.get(Kind::Contact, id(1)).unwrap().text("notes"),
        Some("Likes green tea. Call on Mondays.")
    );
}

#[test]
fn tags_behave_as_sets() {
    let mut a = Workspace::new(actor(1));
    a.apply(
        create(
            Kind::Contact,
            id(1),
            &[
                ("name", text("Ann")),
                ("tags", FieldValue::set(["lead", "old"])),
            ],
        ),
        &ctx(1),
    )
    .unwrap();
    let mut b = fork(&mut a, 2);
    a.apply(
        update(
            Kind::Contact,
            id(1),
            &[("tags", Some(FieldValue::set(["lead", "old", "vip"])))],
        ),
        &ctx(2),
    )
    .unwrap();
    b.apply(
        update(
            Kind::Contact,
            id(1),
            &[("tags", Some(FieldValue::set(["lead", "b2b"])))],
        ),
        &ctx(2),
    )
    .unwrap();
    a.merge(&mut b).unwrap();
    assert_eq!(
        a.get(Kind::Contact, id(1)).unwrap().get("tags"),
        Some(&FieldValue::set(["b2b", "lead", "vip"]))
    );
}

#[test]
fn an_edit_concurrent_with_delete_is_kept_in_the_trash_and_restored_whole() {
    let mut a = Workspace::new(actor(1));
    a.apply(
        create(
            Kind::Contact,
            id(1),
            &[("name", text("Ann")), ("city", text("Oslo"))],
        ),
        &ctx(1),
    )
    .unwrap();
    let mut b = fork(&mut a, 2);
    a.apply(
        Command::Trash {
            kind: Kind::Contact,
            id: id(1),
        },
        &ctx(2),
    )
    .unwrap();
    set_contact_text(&mut b, 1, "job_title", "CTO", 2);
    a.merge(&mut b).unwrap();
    let c = a.get(Kind::Contact, id(1)).unwrap();
    assert!(c.is_trashed());
    assert_eq!(c.text("job_title"), Some("CTO"));
    a.apply(
        Command::Restore {
            kind: Kind::Contact,
            id: id(1),
        },
        &ctx(3),
    )
    .unwrap();
    let c = a.get(Kind::Contact, id(1)).unwrap();
    assert_eq!(
        (c.text("name"), c.text("city"), c.text("job_title")),
        (Some("Ann"), Some("Oslo"), Some("CTO"))
    );
}

#[test]
fn queries_filter_sort_and_group_by_any_field_including_custom_ones() {
    use crm_core::{FieldKey, Filter, FilterOp, Query, Sort};
    let mut ws = Workspace::new(actor(1));
    let score = id(500);
    ws.apply(
        create(
            Kind::CustomField,
            score,
            &[
                ("record_kind", text("companies")),
                ("label", text("Score")),
                ("field_type", text("number")),
            ],
        ),
        &ctx(1),
    )
    .unwrap();
    let tier = id(501);
    ws.apply(
        create(
            Kind::CustomField,
            tier,
            &[
                ("record_kind", text("companies")),
                ("label", text("Tier")),
                ("field_type", text("select")),
                ("options", text("gold\nsilver")),
            ],
        ),
        &ctx(1),
    )
    .unwrap();
    for (n, name, kind, city, s) in [
        (1, "Émile SA", "customer", "Paris", 30),
        (2, "Acme", "prospect", "Berlin", 10),
        (3, "Zeta", "customer", "Paris", 20),
    ] {
        ws.apply(
            Command::Create {
                kind: Kind::Company,
                id: id(n),
                fields: vec![
                    ("name".into(), text(name)),
                    ("kind".into(), text(kind)),
                    ("city".into(), text(city)),
                ],
                custom: vec![(score, FieldValue::Int(s))],
            },
            &ctx(2),
        )
        .unwrap();
    }
    let err = ws
        .apply(
            Command::SetCustom {
                kind: Kind::Company,
                id: id(1),
                field: tier,
                value: Some(text("bronze")),
            },
            &ctx(3),
        )
        .unwrap_err();
    assert!(matches!(err, CommandError::NotAnOption { .. }), "{err}");
    ws.apply(
        Command::SetCustom {
            kind: Kind::Company,
            id: id(1),
            field: tier,
            value: Some(text("gold")),
        },
        &ctx(3),
    )
    .unwrap();
    let err = ws
        .apply(
            Command::SetCustom {
                kind: Kind::Contact,
                id: id(1),
                field: tier,
                value: None,
            },
            &ctx(3),
        )
        .unwrap_err();
    assert!(
        matches!(
            err,
            CommandError::NotFound { .. } | CommandError::CustomFieldKind { .. }
        ),
        "{err}"
    );

    let mut q = Query::new(Kind::Company);
    q.sort = vec![Sort {
        key: FieldKey::Field("name".into()),
        descending: false,
    }];
    assert_eq!(
        ws.query(&q)[0].ids,
        [id(2), id(1), id(3)],
        "sorted ignoring the accent of Émile"
    );
    q.sort = vec![Sort {
        key: FieldKey::Custom(score),
        descending: true,
    }];
    assert_eq!(ws.query(&q)[0].ids, [id(1), id(3), id(2)]);
    q.filters = vec![Filter {
        key: FieldKey::Field("kind".into()),
        op: FilterOp::Equals("customer".into()),
    }];
    assert_eq!(ws.query(&q)[0].ids, [id(1), id(3)]);
    q.filters.push(Filter {
        key: FieldKey::Custom(score),
        op: FilterOp::AtMost("25".into()),
    });
    assert_eq!(ws.query(&q)[0].ids, [id(3)]);
    q.filters = vec![Filter {
        key: FieldKey::Custom(tier),
        op: FilterOp::IsEmpty,
    }];
    assert_eq!(ws.query(&q)[0].ids, [id(3), id(2)]);
    q.filters.clear();
    q.group_by = Some(FieldKey::Field("city".into()));
    let groups: Vec<(String, usize)> = ws
        .query(&q)
        .into_iter()
        .map(|g| (g.label, g.ids.len()))
        .collect();
    assert_eq!(groups, [("Berlin".to_owned(), 1), ("Paris".to_owned(), 2)]);
    q.group_by = None;
    q.search = Some("emil".into());
    assert_eq!(ws.query(&q)[0].ids, [id(1)]);

    // A saved view is a record holding the query; it syncs like any other.
    ws.apply(
        create(
            Kind::SavedView,
            id(600),
            &[
                ("name", text("Paris customers")),
                ("record_kind", text("companies")),
                ("query", text(&q.to_json())),
            ],
        ),
        &ctx(4),
    )
    .unwrap();
    let saved = ws
        .get(Kind::SavedView, id(600))
        .unwrap()
        .text("query")
        .unwrap();
    assert_eq!(Query::from_json(saved).unwrap(), q);
}

#[test]
fn a_batch_is_one_change_and_one_undo_step_and_all_or_nothing() {
    let mut ws = Workspace::new(actor(1));
    let batch = (1..=3)
        .map(|n| create(Kind::Contact, id(n), &[("name", text(&format!("C{n}")))]))
        .collect();
    ws.apply_batch(batch, &ctx(1)).unwrap();
    assert_eq!(ws.live(Kind::Contact).count(), 3);
    ws.undo(&ctx(2)).unwrap();
    assert_eq!(
        ws.live(Kind::Contact).count(),
        0,
        "one undo reverts the whole batch"
    );
    let bad = vec![
        create(Kind::Contact, id(10), &[("name", text("ok"))]),
        create(Kind::Contact, id(11), &[("name", text(""))]),
    ];
    let (index, err) = ws.apply_batch(bad, &ctx(3)).unwrap_err();
    assert_eq!(index, 1);
    assert!(matches!(err, CommandError::Field(_)));
    assert!(
        ws.get(Kind::Contact, id(10)).is_none(),
        "nothing of a failed batch is written"
    );
    let dup = vec![
        create(Kind::Contact, id(20), &[("name", text("a"))]),
        create(Kind::Contact, id(20), &[("name", text("b"))]),
    ];
    assert_eq!(ws.apply_batch(dup, &ctx(4)).unwrap_err().0, 1);
}

#[test]
fn custom_field_definitions_need_a_customisable_kind_options_for_choices_and_keep_their_type() {
    let mut ws = Workspace::new(actor(1));
    let define = |kind: &str, ty: &str, options: Option<&str>| {
        let mut fields = vec![
            ("record_kind", text(kind)),
            ("label", text("Tier")),
            ("field_type", text(ty)),
        ];
        if let Some(o) = options {
            fields.push(("options", text(o)));
        }
        fields
    };
    let err = ws
        .apply(
            create(Kind::CustomField, id(1), &define("pipelines", "text", None)),
            &ctx(1),
        )
        .unwrap_err();
    assert_eq!(err, CommandError::NotCustomisable("pipelines".into()));
    let err = ws
        .apply(
            create(
                Kind::CustomField,
                id(1),
                &define("deals", "select", Some(" \n ")),
            ),
            &ctx(1),
        )
        .unwrap_err();
    assert_eq!(err, CommandError::NoOptions);
    assert!(
        ws.get(Kind::CustomField, id(1)).is_none(),
        "a refused definition writes nothing"
    );

    ws.apply(
        create(
            Kind::CustomField,
            id(1),
            &define("deals", "select", Some("gold\nsilver")),
        ),
        &ctx(1),
    )
    .unwrap();
    let update = |field: &str, value: Option<FieldValue>| Command::Update {
        kind: Kind::CustomField,
        id: id(1),
        fields: vec![(field.to_owned(), value)],
    };
    assert_eq!(
        ws.apply(update("options", Some(text(""))), &ctx(2))
            .unwrap_err(),
        CommandError::NoOptions
    );
    assert_eq!(
        ws.apply(update("options", None), &ctx(2)).unwrap_err(),
        CommandError::NoOptions
    );
    assert_eq!(
        ws.apply(update("field_type", Some(text("number"))), &ctx(2))
            .unwrap_err(),
        CommandError::FixedField("field_type".into())
    );
    assert_eq!(
        ws.apply(update("record_kind", Some(text("contacts"))), &ctx(2))
            .unwrap_err(),
        CommandError::FixedField("record_kind".into())
    );
    ws.apply(
        update("options", Some(text("gold\nsilver\nbronze"))),
        &ctx(2),
    )
    .unwrap();
    ws.apply(update("label", Some(text("Level"))), &ctx(2))
        .unwrap();
    assert_eq!(ws.custom_options(id(1)), ["gold", "silver", "bronze"]);
    assert_eq!(ws.custom_fields(Kind::Deal), [id(1)]);
    // A text field needs no options.
    ws.apply(
        create(Kind::CustomField, id(2), &define("tasks", "text", None)),
        &ctx(3),
    )
    .unwrap();
    assert_eq!(ws.custom_fields(Kind::Task), [id(2)]);
}

#[test]
fn an_open_deal_moves_to_another_pipeline_into_one_of_its_stages() {
    let mut ws = with_pipeline(1);
    let renewals = id(PIPELINE + 1);
    ws.apply(
        create(
            Kind::Pipeline,
            renewals,
            &[
                ("name", text("Renewals")),
                (
                    "stages",
                    stages_value(&[
                        Stage::new("due", "Due", 30, 0),
                        Stage::new("signed", "Signed", 90, 1),
                    ]),
                ),
            ],
        ),
        &ctx(2),
    )
    .unwrap();
    let deal = id(7);
    ws.apply(
        create(
            Kind::Deal,
            deal,
            &[
                ("title", text("Acme renewal")),
                ("pipeline", FieldValue::Ref(id(PIPELINE))),
                ("stage", text("proposal")),
                ("value", eur(90_000)),
            ],
        ),
        &ctx(10),
    )
    .unwrap();
    let to = |stage: &str| Command::MovePipeline {
        deal,
        pipeline: renewals,
        stage: stage.into(),
    };
    // A stage of the old pipeline is not one of the new one's.
    assert_eq!(
        ws.apply(to("proposal"), &ctx(20)),
        Err(CommandError::UnknownStage("proposal".into()))
    );
    ws.apply(to("due"), &ctx(30)).unwrap();
    let d = ws.get(Kind::Deal, deal).unwrap();
    assert_eq!(d.get("pipeline"), Some(&FieldValue::Ref(renewals)));
    assert_eq!(d.text("stage"), Some("due"));
    assert_eq!(
        d.stage_history.last().map(|s| s.stage.as_str()),
        Some("due")
    );
    // One undo step puts it back where it was.
    ws.undo(&ctx(40)).unwrap();
    let d = ws.get(Kind::Deal, deal).unwrap();
    assert_eq!(d.get("pipeline"), Some(&FieldValue::Ref(id(PIPELINE))));
    assert_eq!(d.text("stage"), Some("proposal"));
    ws.apply(Command::Win { deal }, &ctx(50)).unwrap();
    assert_eq!(
        ws.apply(to("due"), &ctx(60)),
        Err(CommandError::DealClosed("won".into()))
    );
}

#[test]
fn bulk_tagging_keeps_other_tags_and_a_query_saves_as_a_view() {
    let mut ws = Workspace::new(actor(1));
    ws.apply(
        create(
            Kind::Contact,
            id(1),
            &[("name", text("Ann")), ("tags", FieldValue::set(["vip"]))],
        ),
        &ctx(1),
    )
    .unwrap();
    ws.apply(
        create(Kind::Contact, id(2), &[("name", text("Bob"))]),
        &ctx(2),
    )
    .unwrap();
    // A missing record is left out rather than refused.
    let cmds = crm_core::add_tag(&ws, Kind::Contact, [id(1), id(2), id(99)], "q4");
    assert_eq!(cmds.len(), 2);
    ws.apply_batch(cmds, &ctx(3)).unwrap();
    assert_eq!(
        ws.get(Kind::Contact, id(1)).unwrap().get("tags"),
        Some(&FieldValue::set(["q4", "vip"]))
    );
    assert_eq!(
        ws.get(Kind::Contact, id(2)).unwrap().get("tags"),
        Some(&FieldValue::set(["q4"]))
    );

    let mut q = crm_core::Query::new(Kind::Contact);
    q.search = Some("ann".into());
    ws.apply(q.save_as(id(50), "Ann only"), &ctx(4)).unwrap();
    let view = ws.get(Kind::SavedView, id(50)).unwrap();
    assert_eq!(view.text("name"), Some("Ann only"));
    assert_eq!(view.text("record_kind"), Some("contacts"));
    assert_eq!(
        crm_core::Query::from_json(view.text("query").unwrap()),
        Ok(q)
    );
}

#[test]
fn incremental_saves_after_opening_hold_only_what_changed_since() {
    let mut a = with_pipeline(1);
    for n in 0..50 {
        a.apply(
            create(
                Kind::Contact,
                id(n),
                &[("name", text(&format!("Person {n}")))],
            ),
            &ctx(10 + n as i64),
        )
        .unwrap();
    }
    let whole = a.save();
    // Opened from its bytes, or from stored chunks: nothing is unsaved yet.
    let mut b = Workspace::load(&whole, actor(2)).unwrap();
    assert!(b.save_incremental().is_empty());
    let chunks = vec![("s/1".to_owned(), whole.clone())];
    let (mut c, problems) = Workspace::open_chunks(&chunks, actor(3)).unwrap();
    assert!(problems.is_empty());
    assert!(c.save_incremental().is_empty());
    // A change saves as itself, far smaller than the document, and the stored chunks reopen
    // with it.
    c.apply(
        create(Kind::Contact, id(99), &[("name", text("New"))]),
        &ctx(100),
    )
    .unwrap();
    let change = c.save_incremental();
    assert!(
        !change.is_empty() && change.len() * 3 < whole.len(),
        "{} of {}",
        change.len(),
        whole.len()
    );
    assert!(c.save_incremental().is_empty());
    let chunks = vec![("s/1".to_owned(), whole), ("i/2".to_owned(), change)];
    let (d, _) = Workspace::open_chunks(&chunks, actor(4)).unwrap();
    assert_eq!(d.live(Kind::Contact).count(), 51);
    // A new workspace's first incremental save holds its whole history, genesis included, so
    // its chunks alone open it.
    let mut e = Workspace::new(actor(5));
    e.apply(
        create(Kind::Contact, id(1), &[("name", text("First"))]),
        &ctx(1),
    )
    .unwrap();
    let first = vec![("i/1".to_owned(), e.save_incremental())];
    let (f, _) = Workspace::open_chunks(&first, actor(6)).unwrap();
    assert_eq!(f.live(Kind::Contact).count(), 1);
}

#[test]
fn a_later_merge_relinking_a_merged_away_contact_is_no_late_edit() {
    let mut a = Workspace::new(actor(1));
    for (n, name) in [(10, "X Ltd"), (11, "Y Ltd"), (12, "Z Ltd")] {
        a.apply(
            create(
                Kind::Company,
                id(n),
                &[("name", text(name)), ("kind", text("customer"))],
            ),
            &ctx(1),
        )
        .unwrap();
    }
    for (n, company) in [(1, 12), (2, 10)] {
        a.apply(
            create(
                Kind::Contact,
                id(n),
                &[
                    ("name", text("Dee")),
                    ("company", FieldValue::Ref(id(company))),
                ],
            ),
            &ctx(1),
        )
        .unwrap();
    }
    // Dee at X is merged into Dee at Z; later X is merged into Y, which re-points the
    // trashed duplicate's company too.
    merge_contacts(&mut a, 1, 2, 2);
    a.apply(
        Command::MergeDuplicates {
            kind: Kind::Company,
            keep: id(11),
            remove: id(10),
        },
        &ctx(3),
    )
    .unwrap();
    let mut fresh = Workspace::load(&a.save(), actor(2)).unwrap();
    for ws in [&mut a, &mut fresh] {
        assert_eq!(ws.repair_merged_links(&ctx(4)), Ok(0));
        assert_eq!(
            ws.get(Kind::Contact, id(1)).unwrap().get("company"),
            Some(&FieldValue::Ref(id(12)))
        );
    }
}
