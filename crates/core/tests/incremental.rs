//! What the workspace keeps between reads and updates change by change (cached list queries,
//! the index of links between records) gives exactly what a freshly opened workspace gives,
//! after any sequence of edits, trashing, restoring, creations and merges.

mod common;

use common::*;
use crm_core::{Command, FieldKey, FieldValue, Filter, FilterOp, Kind, Query, Sort, Workspace};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    Create(u64, String, String),
    Rename(u64, String),
    City(u64, Option<String>),
    Trash(u64),
    Restore(u64),
    /// A change to another kind, which ungrouped contact lists do not read.
    Company(u64, String),
    /// A colleague's replica renames a contact; merged in.
    Merged(u64, String),
}

fn op() -> impl Strategy<Value = Op> {
    let name = "[a-d]{0,3}";
    let city = prop_oneof![
        Just("Oslo".to_owned()),
        Just("Bergen".to_owned()),
        Just("oslo".to_owned())
    ];
    prop_oneof![
        (0u64..12, name, city.clone()).prop_map(|(n, s, c)| Op::Create(n, s, c)),
        (0u64..12, name).prop_map(|(n, s)| Op::Rename(n, s)),
        (0u64..12, proptest::option::of(city)).prop_map(|(n, c)| Op::City(n, c)),
        (0u64..12).prop_map(Op::Trash),
        (0u64..12).prop_map(Op::Restore),
        (0u64..4, name).prop_map(|(n, s)| Op::Company(n, s)),
        (0u64..12, name).prop_map(|(n, s)| Op::Merged(n, s)),
    ]
}

fn queries() -> Vec<Query> {
    let sorted = |field: &str, descending: bool| Query {
        sort: vec![Sort {
            key: FieldKey::Field(field.into()),
            descending,
        }],
        ..Query::new(Kind::Contact)
    };
    let mut by_city = sorted("city", true);
    by_city.sort.push(Sort {
        key: FieldKey::Field("name".into()),
        descending: false,
    });
    let mut in_oslo = sorted("name", false);
    in_oslo.filters.push(Filter {
        key: FieldKey::Field("city".into()),
        op: FilterOp::Equals("oslo".into()),
    });
    let mut trash = sorted("name", false);
    trash.trashed = true;
    vec![
        sorted("name", false),
        sorted("name", true),
        by_city,
        in_oslo,
        trash,
        Query::new(Kind::Contact),
        sorted("created_at", false),
    ]
}

fn run(ws: &mut Workspace, other: &mut Workspace, op: &Op, t: i64) {
    // Refused commands (renaming a missing record, trashing twice) are part of the test: they
    // must leave the cache as right as the view.
    let _ = match op {
        Op::Create(n, name, city) => ws.apply(
            create(
                Kind::Contact,
                id(*n),
                &[("name", text(&format!("x{name}"))), ("city", text(city))],
            ),
            &ctx(t),
        ),
        Op::Rename(n, name) => ws.apply(
            Command::Update {
                kind: Kind::Contact,
                id: id(*n),
                fields: vec![("name".into(), Some(text(&format!("x{name}"))))],
            },
            &ctx(t),
        ),
        Op::City(n, city) => ws.apply(
            Command::Update {
                kind: Kind::Contact,
                id: id(*n),
                fields: vec![("city".into(), city.as_deref().map(FieldValue::text))],
            },
            &ctx(t),
        ),
        Op::Trash(n) => ws.apply(
            Command::Trash {
                kind: Kind::Contact,
                id: id(*n),
            },
            &ctx(t),
        ),
        Op::Restore(n) => ws.apply(
            Command::Restore {
                kind: Kind::Contact,
                id: id(*n),
            },
            &ctx(t),
        ),
        Op::Company(n, name) => ws.apply(
            create(
                Kind::Company,
                id(100 + n),
                &[
                    ("name", text(&format!("c{name}"))),
                    ("kind", text("customer")),
                ],
            ),
            &ctx(t),
        ),
        Op::Merged(n, name) => {
            other.merge(ws).unwrap();
            let _ = other.apply(
                Command::Update {
                    kind: Kind::Contact,
                    id: id(*n),
                    fields: vec![("name".into(), Some(text(&format!("y{name}"))))],
                },
                &ctx(t),
            );
            ws.merge(other)
                .map_err(|e| crm_core::CommandError::Document(e.to_string()))
        }
    };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn cached_queries_equal_fresh_ones(ops in proptest::collection::vec(op(), 1..40)) {
        let mut ws = Workspace::new(actor(1));
        let mut other = Workspace::new(actor(2));
        let qs = queries();
        for (t, op) in ops.iter().enumerate() {
            run(&mut ws, &mut other, op, t as i64 + 1);
            // Query every other step, so some patches cover several changes.
            if t % 2 == 0 {
                continue;
            }
            let fresh = Workspace::load(&ws.save(), actor(9)).unwrap();
            for q in &qs {
                prop_assert_eq!(ws.query(q), fresh.query(q), "{:?} after {:?}", q, &ops[..=t]);
            }
        }
    }
}

#[derive(Debug, Clone)]
enum LinkOp {
    /// An activity about some contacts, a company and a deal.
    Activity(u64, Vec<u64>, Option<u64>, Option<u64>),
    /// A task about a contact.
    Task(u64, Option<u64>),
    /// A contact moves to a company (or none).
    Employ(u64, Option<u64>),
    Trash(Kind, u64),
    Restore(Kind, u64),
}

fn link_op() -> impl Strategy<Value = LinkOp> {
    let kind = prop_oneof![Just(Kind::Activity), Just(Kind::Task), Just(Kind::Contact)];
    prop_oneof![
        (
            0u64..6,
            proptest::collection::vec(0u64..4, 0..3),
            proptest::option::of(0u64..2),
            proptest::option::of(0u64..2)
        )
            .prop_map(|(n, c, co, d)| LinkOp::Activity(n, c, co, d)),
        (0u64..6, proptest::option::of(0u64..4)).prop_map(|(n, c)| LinkOp::Task(n, c)),
        (0u64..4, proptest::option::of(0u64..2)).prop_map(|(n, c)| LinkOp::Employ(n, c)),
        (kind.clone(), 0u64..6).prop_map(|(k, n)| LinkOp::Trash(k, n)),
        (kind, 0u64..6).prop_map(|(k, n)| LinkOp::Restore(k, n)),
    ]
}

fn link(target: crm_core::Id) -> FieldValue {
    FieldValue::Ref(target)
}

// Ids: contacts 1-4, companies 11-12, deals 21-22, activities 31-36, tasks 41-46.
fn seeded() -> Workspace {
    let mut ws = with_pipeline(1);
    let mut make = |kind: Kind, rid: crm_core::Id, fields: &[(&str, FieldValue)]| {
        ws.apply(create(kind, rid, fields), &ctx(1)).unwrap();
    };
    for n in 0..2 {
        make(
            Kind::Company,
            id(11 + n),
            &[
                ("name", text(&format!("Co {n}"))),
                ("kind", text("customer")),
            ],
        );
    }
    for n in 0..4 {
        make(
            Kind::Contact,
            id(1 + n),
            &[("name", text(&format!("P {n}")))],
        );
    }
    for n in 0..2 {
        make(
            Kind::Deal,
            id(21 + n),
            &[
                ("title", text(&format!("D {n}"))),
                ("pipeline", link(id(PIPELINE))),
                ("stage", text("lead")),
                ("value", eur(100)),
            ],
        );
    }
    ws
}

fn run_link(ws: &mut Workspace, op: &LinkOp, t: i64) {
    // Refused commands (a link to a trashed record, trashing twice) are part of the test.
    let upsert = |ws: &mut Workspace,
                  kind: Kind,
                  rid: crm_core::Id,
                  fields: Vec<(String, Option<FieldValue>)>| {
        let cmd = if ws.get(kind, rid).is_some() {
            Command::Update {
                kind,
                id: rid,
                fields,
            }
        } else {
            Command::Create {
                kind,
                id: rid,
                fields: fields
                    .into_iter()
                    .filter_map(|(k, v)| v.map(|v| (k, v)))
                    .collect(),
                custom: vec![],
            }
        };
        let _ = ws.apply(cmd, &ctx(t));
    };
    match op {
        LinkOp::Activity(n, contacts, company, deal) => {
            let ids: Vec<String> = contacts.iter().map(|c| id(1 + c).to_string()).collect();
            upsert(
                ws,
                Kind::Activity,
                id(31 + n),
                vec![
                    ("kind".into(), Some(text("call"))),
                    (
                        "at".into(),
                        Some(FieldValue::Timestamp(crm_core::Timestamp(t * 1000))),
                    ),
                    (
                        "contacts".into(),
                        (!ids.is_empty()).then(|| FieldValue::set(ids)),
                    ),
                    ("company".into(), company.map(|c| link(id(11 + c)))),
                    ("deal".into(), deal.map(|d| link(id(21 + d)))),
                ],
            );
        }
        LinkOp::Task(n, contact) => upsert(
            ws,
            Kind::Task,
            id(41 + n),
            vec![
                ("title".into(), Some(text(&format!("T {n}")))),
                ("contact".into(), contact.map(|c| link(id(1 + c)))),
            ],
        ),
        LinkOp::Employ(n, company) => upsert(
            ws,
            Kind::Contact,
            id(1 + n),
            vec![("company".into(), company.map(|c| link(id(11 + c))))],
        ),
        LinkOp::Trash(kind, n) | LinkOp::Restore(kind, n) => {
            let base = match kind {
                Kind::Activity => 31,
                Kind::Task => 41,
                _ => 1,
            };
            let rid = id(base + n);
            let cmd = if matches!(op, LinkOp::Trash(..)) {
                Command::Trash {
                    kind: *kind,
                    id: rid,
                }
            } else {
                Command::Restore {
                    kind: *kind,
                    id: rid,
                }
            };
            let _ = ws.apply(cmd, &ctx(t));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn record_pages_read_through_the_link_index_as_a_fresh_workspace_does(ops in proptest::collection::vec(link_op(), 1..40)) {
        let mut ws = seeded();
        // Build the index before the changes, so every change has to update it.
        let _ = ws.timeline(Kind::Contact, id(1));
        for (t, op) in ops.iter().enumerate() {
            run_link(&mut ws, op, t as i64 + 2);
        }
        let fresh = Workspace::load(&ws.save(), actor(9)).unwrap();
        for n in 0..4 {
            let c = id(1 + n);
            prop_assert_eq!(ws.timeline(Kind::Contact, c), fresh.timeline(Kind::Contact, c));
            prop_assert_eq!(ws.related_tasks(Kind::Contact, c), fresh.related_tasks(Kind::Contact, c));
            prop_assert_eq!(ws.deals_of(Kind::Contact, c), fresh.deals_of(Kind::Contact, c));
        }
        for n in 0..2 {
            let co = id(11 + n);
            prop_assert_eq!(ws.timeline(Kind::Company, co), fresh.timeline(Kind::Company, co));
            prop_assert_eq!(ws.people_of(co), fresh.people_of(co));
            prop_assert_eq!(ws.org_chart(co), fresh.org_chart(co));
            prop_assert_eq!(ws.deals_of(Kind::Company, co), fresh.deals_of(Kind::Company, co));
            let d = id(21 + n);
            prop_assert_eq!(ws.timeline(Kind::Deal, d), fresh.timeline(Kind::Deal, d));
        }
        prop_assert_eq!(
            ws.activity_feed(&crm_core::FeedFilter::default()),
            fresh.activity_feed(&crm_core::FeedFilter::default())
        );
    }
}
