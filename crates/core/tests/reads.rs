//! `Workspace::reading` tells which kinds of record an answer read, and `kind_version` which
//! kinds changed; the app re-computes a dashboard figure only after changes to the kinds it
//! read. Sound only if no figure can change when none of its kinds did: checked here for every
//! figure the dashboard and the scorecard show, after any sequence of edits to every kind
//! they may read (and some they do not), made here or merged from a colleague.

mod common;

use common::*;
use crm_core::analytics::scorecard::{judge, readings};
use crm_core::analytics::{
    ClvParams, DAY_MS, DealFilter, Period, PipelineCut, RfmParams, ScorecardParams, TeamFilter,
    clv, pipeline, rfm, scorecard, team,
};
use crm_core::{Command, FieldValue, Kind, Timestamp, Workspace};
use proptest::prelude::*;

const NOW: i64 = 400 * DAY_MS;

#[derive(Debug, Clone)]
enum Op {
    Contact(u64, Option<u64>),
    Company(u64, Option<i64>),
    Deal(u64, Option<u64>, i64),
    Win(u64),
    Lose(u64),
    Activity(u64, Option<u64>, bool, Option<u64>),
    Task(u64, bool, Option<u64>),
    Member(u64),
    Territory(u64),
    Target(u64, i64),
    Margin(i64),
    Tag(u64),
    Trash(Kind, u64),
    /// A colleague's replica adds a contact and wins a deal; merged in.
    Merged(u64),
}

fn op() -> impl Strategy<Value = Op> {
    let n = 0u64..6;
    prop_oneof![
        (n.clone(), proptest::option::of(0u64..4)).prop_map(|(a, c)| Op::Contact(a, c)),
        (0u64..4, proptest::option::of(1i64..12)).prop_map(|(a, m)| Op::Company(a, m)),
        (n.clone(), proptest::option::of(0u64..4), 1i64..100_000)
            .prop_map(|(a, c, v)| Op::Deal(a, c, v)),
        n.clone().prop_map(Op::Win),
        n.clone().prop_map(Op::Lose),
        (
            n.clone(),
            proptest::option::of(0u64..4),
            any::<bool>(),
            proptest::option::of(0u64..3)
        )
            .prop_map(|(a, c, v, m)| Op::Activity(a, c, v, m)),
        (n.clone(), any::<bool>(), proptest::option::of(0u64..3))
            .prop_map(|(a, d, m)| Op::Task(a, d, m)),
        (0u64..3).prop_map(Op::Member),
        (0u64..2).prop_map(Op::Territory),
        (0u64..3, 0i64..10_000).prop_map(|(a, v)| Op::Target(a, v)),
        (0i64..10_000).prop_map(Op::Margin),
        (0u64..3).prop_map(Op::Tag),
        (
            prop_oneof![
                Just(Kind::Contact),
                Just(Kind::Company),
                Just(Kind::Deal),
                Just(Kind::Activity),
                Just(Kind::Target)
            ],
            n.clone()
        )
            .prop_map(|(k, a)| Op::Trash(k, a)),
        n.prop_map(Op::Merged),
    ]
}

// Ids by kind, so records of different kinds never share one.
fn contact(n: u64) -> crm_core::Id {
    id(1_000 + n)
}
fn company(n: u64) -> crm_core::Id {
    id(2_000 + n)
}
fn deal(n: u64) -> crm_core::Id {
    id(3_000 + n)
}
fn member(n: u64) -> crm_core::Id {
    id(4_000 + n)
}
fn of(kind: Kind, n: u64) -> crm_core::Id {
    match kind {
        Kind::Contact => contact(n),
        Kind::Company => company(n),
        Kind::Deal => deal(n),
        Kind::Activity => id(5_000 + n),
        Kind::Target => id(6_000 + n),
        _ => id(7_000 + n),
    }
}

fn link(target: crm_core::Id) -> FieldValue {
    FieldValue::Ref(target)
}

fn command(op: &Op, t: i64) -> Command {
    const MEASURES: [&str; 3] = ["financial.revenue", "sales.win_rate", "marketing.leads"];
    match op {
        Op::Contact(n, c) => {
            let mut f = vec![("name", text(&format!("Contact {n}")))];
            f.extend(c.map(|c| ("company", link(company(c)))));
            create(Kind::Contact, contact(*n), &f)
        }
        Op::Company(n, months) => {
            let mut f = vec![
                ("name", text(&format!("Company {n}"))),
                ("kind", text("customer")),
            ];
            f.extend(months.map(|m| ("service_every_months", FieldValue::Int(m))));
            create(Kind::Company, company(*n), &f)
        }
        Op::Deal(n, c, v) => {
            let mut f = vec![
                ("title", text(&format!("Deal {n}"))),
                ("pipeline", link(id(PIPELINE))),
                ("stage", text("proposal")),
                ("value", eur(*v)),
                ("expected_close", text("1971-01-20")),
            ];
            f.extend(c.map(|c| ("company", link(company(c)))));
            create(Kind::Deal, deal(*n), &f)
        }
        Op::Win(n) => Command::Win { deal: deal(*n) },
        Op::Lose(n) => Command::Lose {
            deal: deal(*n),
            reason: "price".into(),
        },
        Op::Activity(n, c, visit, m) => {
            let mut f = vec![
                ("kind", text(if *visit { "visit" } else { "call" })),
                ("at", FieldValue::Timestamp(Timestamp(t))),
                ("duration_minutes", FieldValue::Int(30)),
            ];
            f.extend(c.map(|c| ("company", link(company(c)))));
            f.extend(m.map(|m| ("author", link(member(m)))));
            create(Kind::Activity, of(Kind::Activity, *n), &f)
        }
        Op::Task(n, done, m) => {
            let mut f = vec![
                ("title", text(&format!("Task {n}"))),
                ("due", text("1971-01-10")),
            ];
            if *done {
                f.push(("done", FieldValue::Bool(true)));
                f.push(("done_at", FieldValue::Timestamp(Timestamp(t))));
            }
            f.extend(m.map(|m| ("assignee", link(member(m)))));
            create(Kind::Task, id(8_000 + n), &f)
        }
        Op::Member(n) => create(
            Kind::Member,
            member(*n),
            &[
                ("name", text(&format!("Member {n}"))),
                ("color", text("#336699")),
            ],
        ),
        Op::Territory(n) => create(
            Kind::Territory,
            id(9_000 + n),
            &[("name", text(&format!("Territory {n}")))],
        ),
        Op::Target(n, v) => {
            let measure = MEASURES[*n as usize % MEASURES.len()];
            let mut f = vec![("measure", text(measure)), ("target", FieldValue::Int(*v))];
            if measure == "financial.revenue" {
                f.push(("currency", text("EUR")));
            }
            create(Kind::Target, of(Kind::Target, *n), &f)
        }
        Op::Margin(bp) => create(
            Kind::Setting,
            id(9_500),
            &[("clv_margin_bp", FieldValue::Int(*bp))],
        ),
        Op::Tag(n) => create(
            Kind::Tag,
            id(9_600 + n),
            &[("name", text(&format!("t{n}")))],
        ),
        Op::Trash(kind, n) => Command::Trash {
            kind: *kind,
            id: of(*kind, *n),
        },
        Op::Merged(_) => unreachable!("merged ops are applied on the replica"),
    }
}

/// Every figure the dashboard and the scorecard compute, each answer as its debug text (the
/// answers' types differ; equal text is an equal answer).
type Figure = Box<dyn Fn(&Workspace) -> String>;

fn figures() -> Vec<(&'static str, Figure)> {
    let year = Period::new(Timestamp(0), Timestamp(NOW + DAY_MS));
    let month = Period::new(Timestamp(NOW - 30 * DAY_MS), Timestamp(NOW + DAY_MS));
    let now = Timestamp(NOW);
    vec![
        (
            "pipeline",
            Box::new(move |ws| {
                format!("{:?}", pipeline::open_by_stage(ws, &DealFilter::default()))
            }),
        ),
        (
            "win rate",
            Box::new(move |ws| format!("{:?}", pipeline::win_rate(ws, &PipelineCut::new(year)))),
        ),
        (
            "forecast",
            Box::new(move |ws| format!("{:?}", pipeline::forecast(ws, &PipelineCut::new(year)))),
        ),
        (
            "team",
            Box::new(move |ws| format!("{:?}", team(ws, &TeamFilter { period: year, now }))),
        ),
        (
            "rfm",
            Box::new(move |ws| {
                let params = RfmParams {
                    window: year,
                    now,
                    currency: None,
                };
                format!("{:?}", rfm(ws, &params))
            }),
        ),
        (
            "lifetime value",
            Box::new(move |ws| format!("{:?}", clv(ws, &ClvParams::of_workspace(ws, year)))),
        ),
        (
            "scorecard",
            Box::new(move |ws| format!("{:?}", scorecard(ws, &ScorecardParams::new(month, now)))),
        ),
        (
            // The records behind a figure (`/figure`), read one by one.
            "records",
            Box::new(|ws| {
                let deals =
                    (0..3).map(|n| ws.get(Kind::Deal, deal(n)).map(|r| r.title().to_owned()));
                let companies =
                    (0..2).map(|n| ws.get(Kind::Company, company(n)).map(|r| r.is_trashed()));
                format!(
                    "{:?} {:?}",
                    deals.collect::<Vec<_>>(),
                    companies.collect::<Vec<_>>()
                )
            }),
        ),
        (
            "default currency",
            Box::new(|ws| ws.default_currency().code().to_owned()),
        ),
    ]
}

fn versions(ws: &Workspace) -> Vec<u64> {
    Kind::ALL.iter().map(|k| ws.kind_version(*k)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_figure_changes_unless_a_kind_it_read_changed(ops in proptest::collection::vec(op(), 1..40)) {
        let mut ws = with_pipeline(1);
        let mut other = fork(&mut ws, 2);
        let figures = figures();
        let mut answers: Vec<(String, Vec<Kind>)> =
            figures.iter().map(|(_, f)| ws.reading(|w| f(w))).collect();
        for (step, op) in ops.iter().enumerate() {
            let t = NOW - 20 * DAY_MS + step as i64 * 1_000;
            let before = versions(&ws);
            // Refused commands (winning a missing deal) are part of the test: they change nothing.
            if let Op::Merged(n) = op {
                let _ = other.apply(command(&Op::Contact(*n + 10, None), t), &ctx(t));
                let _ = other.apply(command(&Op::Deal(*n + 10, Some(0), 500), t), &ctx(t));
                let _ = other.apply(Command::Win { deal: deal(*n + 10) }, &ctx(t));
                ws.merge(&mut other).map_err(|e| TestCaseError::fail(e.to_string()))?;
            } else {
                let _ = ws.apply(command(op, t), &ctx(t));
            }
            let after = versions(&ws);
            let changed: Vec<Kind> = Kind::ALL
                .into_iter()
                .filter(|k| before[k.index()] != after[k.index()])
                .collect();
            for ((name, f), (answer, kinds)) in figures.iter().zip(answers.iter_mut()) {
                let (now, read) = ws.reading(|w| f(w));
                if !kinds.iter().any(|k| changed.contains(k)) {
                    prop_assert_eq!(&now, &*answer, "{} changed after {:?}, reading {:?}, changed {:?}", name, op, kinds, changed);
                }
                *answer = now;
                *kinds = read;
            }
        }
    }
}

#[test]
fn every_op_the_property_draws_is_a_valid_command() {
    // Else the property would only ever see refusals for that kind.
    let mut ws = with_pipeline(1);
    let ops = [
        Op::Company(0, Some(3)),
        Op::Contact(0, Some(0)),
        Op::Member(0),
        Op::Territory(0),
        Op::Deal(0, Some(0), 100),
        Op::Deal(1, None, 100),
        Op::Win(0),
        Op::Lose(1),
        Op::Activity(0, Some(0), true, Some(0)),
        Op::Task(0, true, Some(0)),
        Op::Target(0, 10),
        Op::Target(1, 10),
        Op::Target(2, 10),
        Op::Margin(2_500),
        Op::Tag(0),
        Op::Trash(Kind::Activity, 0),
    ];
    for (i, op) in ops.iter().enumerate() {
        let t = NOW + i as i64;
        ws.apply(command(op, t), &ctx(t))
            .unwrap_or_else(|e| panic!("{op:?}: {e}"));
    }
}

#[test]
fn figures_read_the_kinds_they_depend_on_and_no_others() {
    let mut ws = with_pipeline(1);
    ws.apply(command(&Op::Deal(1, None, 100), NOW), &ctx(NOW))
        .unwrap();
    let (_, kinds) = ws.reading(|w| pipeline::open_by_stage(w, &DealFilter::default()));
    assert!(kinds.contains(&Kind::Deal) && kinds.contains(&Kind::Pipeline));
    assert!(!kinds.contains(&Kind::Contact), "{kinds:?}");
    let month = Period::new(Timestamp(NOW - 30 * DAY_MS), Timestamp(NOW));
    let (_, kinds) = ws.reading(|w| scorecard(w, &ScorecardParams::new(month, Timestamp(NOW))));
    assert!(
        kinds.contains(&Kind::Target),
        "a target edit re-judges the scorecard"
    );
    assert!(!kinds.contains(&Kind::Tag), "{kinds:?}");
    // Judging readings against targets reads the targets only: a target edit re-judges them
    // without measuring again.
    let measured =
        readings(&ws, &ScorecardParams::new(month, Timestamp(NOW))).expect("a valid period");
    let (judged, kinds) = ws.reading(|w| judge(w, &measured));
    assert_eq!(kinds, [Kind::Target]);
    assert_eq!(
        Ok(judged),
        scorecard(&ws, &ScorecardParams::new(month, Timestamp(NOW)))
    );
    // Nested: the outer reading also sees what the inner one read.
    let ((_, inner), outer) = ws.reading(|w| w.reading(|w| w.live(Kind::Member).count()));
    assert_eq!(inner, [Kind::Member]);
    assert_eq!(outer, [Kind::Member]);
}

#[test]
fn a_change_moves_the_version_of_its_own_kind_only() {
    let mut ws = with_pipeline(1);
    let mut other = fork(&mut ws, 2);
    let before = versions(&ws);
    ws.apply(command(&Op::Contact(1, None), NOW), &ctx(NOW))
        .unwrap();
    let after = versions(&ws);
    for k in Kind::ALL {
        assert_eq!(
            after[k.index()] != before[k.index()],
            k == Kind::Contact,
            "{k:?}"
        );
    }
    // A colleague's change merged in moves its kind too.
    other
        .apply(command(&Op::Member(1), NOW), &ctx(NOW))
        .unwrap();
    ws.merge(&mut other).unwrap();
    let merged = versions(&ws);
    for k in Kind::ALL {
        assert_eq!(
            merged[k.index()] != after[k.index()],
            k == Kind::Member,
            "{k:?}"
        );
    }
}
