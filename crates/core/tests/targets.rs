//! Scorecard targets and workspace settings as records: the collections added after the
//! genesis, validation, undo, sync between replicas, and the settings reader's defaults.

mod common;

use common::*;
use crm_core::analytics::ClvSettings;
use crm_core::analytics::scorecard::{Direction, target_for, targets};
use crm_core::{Command, CommandError, FieldError, FieldValue, Kind, Workspace};

fn int(n: i64) -> FieldValue {
    FieldValue::Int(n)
}

fn target(rid: u64, measure: &str, extra: &[(&str, FieldValue)]) -> Command {
    let mut fields = vec![("measure", text(measure)), ("target", int(3_000))];
    fields.extend(extra.iter().cloned());
    create(Kind::Target, id(rid), &fields)
}

#[test]
fn the_genesis_never_changes() {
    // Existing workspaces open only if every replica writes the very same first change:
    // collections added later (targets, settings) must not change it.
    assert_eq!(
        crm_core::workspace::genesis_hash().to_string(),
        "5e182c4a901b6f0b80464e023e4f8d58aaba7ebe74d22d98a69f2bd06ee56acd"
    );
}

#[test]
fn a_target_created_on_one_device_reaches_a_replica_without_the_new_collections() {
    let mut a = Workspace::new(actor(1));
    let mut b = Workspace::load(&a.save(), actor(2)).unwrap();
    let _ = b.save_incremental();
    let _ = a.save_incremental();
    a.apply(target(1, "sales.win_rate", &[]), &ctx(10)).unwrap();
    // The chunk carries the change that creates the collection, so B can apply it.
    let chunk = a.save_incremental();
    b.load_incremental(&chunk).unwrap();
    assert_eq!(b.live(Kind::Target).count(), 1);
    // B writes its own target into the same collection; both survive a merge both ways.
    b.apply(target(2, "sales.cycle_days", &[]), &ctx(11))
        .unwrap();
    a.apply(target(3, "customer.retention", &[]), &ctx(12))
        .unwrap();
    a.merge(&mut b).unwrap();
    b.merge(&mut a).unwrap();
    assert_eq!(a.live(Kind::Target).count(), 3);
    assert_eq!(b.live(Kind::Target).count(), 3);
    // Reopened from its bytes, the workspace still has them.
    let c = Workspace::load(&a.save(), actor(3)).unwrap();
    assert_eq!(c.live(Kind::Target).count(), 3);
}

#[test]
fn two_replicas_creating_the_collections_at_once_share_them() {
    let mut a = Workspace::new(actor(1));
    let mut b = fork(&mut a, 2);
    a.apply(target(1, "sales.win_rate", &[]), &ctx(10)).unwrap();
    b.apply(target(2, "sales.cycle_days", &[]), &ctx(10))
        .unwrap();
    a.merge(&mut b).unwrap();
    let ids: Vec<_> = a.live(Kind::Target).map(|r| r.id).collect();
    assert_eq!(ids, [id(1), id(2)], "neither collection shadows the other");
    // And the JSON export brings them back.
    let json = a.export_json();
    let back = Workspace::import_json(&json, actor(4), &ctx(20)).unwrap();
    assert_eq!(back.live(Kind::Target).count(), 2);
}

#[test]
fn targets_are_validated() {
    let mut ws = Workspace::new(actor(1));
    let refused = |ws: &mut Workspace, cmd| ws.apply(cmd, &ctx(5)).unwrap_err();
    assert_eq!(
        refused(&mut ws, target(1, "sales.wins", &[])),
        CommandError::UnknownMeasure("sales.wins".into())
    );
    assert_eq!(
        refused(
            &mut ws,
            target(1, "sales.win_rate", &[("segment", text("vip"))])
        ),
        CommandError::UnknownSegment("vip".into())
    );
    assert!(matches!(
        refused(
            &mut ws,
            target(1, "sales.win_rate", &[("direction", text("up"))])
        ),
        CommandError::Field(FieldError::Choice { .. })
    ));
    assert!(matches!(
        refused(
            &mut ws,
            target(1, "sales.win_rate", &[("tolerance", int(-1))])
        ),
        CommandError::Field(FieldError::Range { .. })
    ));
    // A percentage target is at most 10 000 basis points (100 %).
    assert!(matches!(
        refused(
            &mut ws,
            target(1, "sales.win_rate", &[("target", int(10_001))])
        ),
        CommandError::Field(FieldError::Range { max: 10_000, .. })
    ));
    assert_eq!(
        refused(&mut ws, target(1, "financial.revenue", &[])),
        CommandError::TargetNeedsCurrency("financial.revenue".into())
    );
    assert_eq!(
        refused(
            &mut ws,
            target(1, "sales.win_rate", &[("currency", text("EUR"))])
        ),
        CommandError::TargetHasCurrency("sales.win_rate".into())
    );
    assert!(matches!(
        refused(
            &mut ws,
            target(1, "financial.revenue", &[("currency", text("EURO"))])
        ),
        CommandError::Field(FieldError::Currency { .. })
    ));
    assert!(
        ws.live(Kind::Target).next().is_none(),
        "nothing was written"
    );

    // Valid ones: the currency is stored as its code.
    ws.apply(
        target(1, "financial.revenue", &[("currency", text("eur"))]),
        &ctx(5),
    )
    .unwrap();
    assert_eq!(
        ws.get(Kind::Target, id(1)).unwrap().text("currency"),
        Some("EUR")
    );
    ws.apply(target(2, "sales.win_rate", &[]), &ctx(5)).unwrap();
    ws.apply(
        target(3, "sales.win_rate", &[("segment", text("champions"))]),
        &ctx(5),
    )
    .unwrap();
    ws.apply(
        target(4, "financial.revenue", &[("currency", text("USD"))]),
        &ctx(5),
    )
    .unwrap();
    // One target per measure, segment and currency.
    assert_eq!(
        refused(&mut ws, target(5, "sales.win_rate", &[])),
        CommandError::TargetExists(id(2))
    );
    assert_eq!(
        refused(&mut ws, update(Kind::Target, id(3), &[("segment", None)])),
        CommandError::TargetExists(id(2))
    );
    assert_eq!(
        refused(
            &mut ws,
            update(Kind::Target, id(3), &[("measure", Some(text("nope")))])
        ),
        CommandError::UnknownMeasure("nope".into())
    );
    // Switching a money target to a percentage measure must drop its currency too.
    assert_eq!(
        refused(
            &mut ws,
            update(
                Kind::Target,
                id(4),
                &[("measure", Some(text("customer.retention")))]
            )
        ),
        CommandError::TargetHasCurrency("customer.retention".into())
    );
    ws.apply(
        update(
            Kind::Target,
            id(4),
            &[
                ("measure", Some(text("customer.retention"))),
                ("currency", None),
            ],
        ),
        &ctx(6),
    )
    .unwrap();
    // A trashed target no longer blocks a new one.
    ws.apply(
        Command::Trash {
            kind: Kind::Target,
            id: id(2),
        },
        &ctx(7),
    )
    .unwrap();
    ws.apply(target(5, "sales.win_rate", &[]), &ctx(8)).unwrap();
}

#[test]
fn targets_undo_and_read_back() {
    let mut ws = Workspace::new(actor(1));
    ws.apply(
        target(
            1,
            "sales.cycle_days",
            &[("target", int(30)), ("tolerance", int(5))],
        ),
        &ctx(5),
    )
    .unwrap();
    let eur = "EUR".parse().unwrap();
    let t = target_for(&ws, "sales.cycle_days", None, eur).unwrap();
    // Unset direction: the measure's own (a shorter cycle is better).
    assert_eq!(
        (t.value, t.tolerance, t.direction),
        (30, 5, Direction::Lower)
    );
    ws.apply(
        update(Kind::Target, id(1), &[("target", Some(int(25)))]),
        &ctx(6),
    )
    .unwrap();
    assert_eq!(
        target_for(&ws, "sales.cycle_days", None, eur)
            .unwrap()
            .value,
        25
    );
    ws.undo(&ctx(7)).unwrap();
    assert_eq!(
        target_for(&ws, "sales.cycle_days", None, eur)
            .unwrap()
            .value,
        30
    );
    ws.undo(&ctx(8)).unwrap();
    assert!(targets(&ws).is_empty(), "undoing the creation trashes it");
    ws.redo(&ctx(9)).unwrap();
    assert_eq!(targets(&ws).len(), 1);
}

#[test]
fn lifetime_value_settings_fall_back_to_their_defaults() {
    let mut ws = Workspace::new(actor(1));
    assert_eq!(ws.clv_settings(), ClvSettings::default());
    assert_eq!(
        ClvSettings::default(),
        ClvSettings {
            lifespan_months: 36,
            margin_bp: 10_000,
            retention_bp: 8_000,
            discount_bp: 1_000
        }
    );
    assert_eq!(ws.settings_record(), None);
    ws.apply(
        create(Kind::Setting, id(1), &[("clv_margin_bp", int(2_500))]),
        &ctx(5),
    )
    .unwrap();
    assert_eq!(ws.settings_record(), Some(id(1)));
    let s = ws.clv_settings();
    assert_eq!((s.margin_bp, s.retention_bp), (2_500, 8_000));
    // Out of range and infinite values are refused.
    assert!(matches!(
        ws.apply(
            update(
                Kind::Setting,
                id(1),
                &[("clv_retention_bp", Some(int(10_001)))]
            ),
            &ctx(6)
        ),
        Err(CommandError::Field(FieldError::Range { .. }))
    ));
    ws.apply(
        update(
            Kind::Setting,
            id(1),
            &[("clv_retention_bp", Some(int(10_000)))],
        ),
        &ctx(6),
    )
    .unwrap();
    assert_eq!(
        ws.apply(
            update(Kind::Setting, id(1), &[("clv_discount_bp", Some(int(0)))]),
            &ctx(7)
        ),
        Err(CommandError::InfiniteLifetimeValue)
    );

    // Two devices each create a settings record: each value is read from the oldest record
    // that sets it, so neither device's setting is lost.
    let mut other = fork(&mut ws, 2);
    other
        .apply(
            create(
                Kind::Setting,
                id(2),
                &[("clv_margin_bp", int(4_000)), ("clv_discount_bp", int(500))],
            ),
            &ctx(8),
        )
        .unwrap();
    ws.merge(&mut other).unwrap();
    let s = ws.clv_settings();
    assert_eq!(
        (
            s.margin_bp,
            s.retention_bp,
            s.discount_bp,
            s.lifespan_months
        ),
        (2_500, 10_000, 500, 36)
    );
}
