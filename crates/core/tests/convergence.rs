//! Random command sequences on 2-5 replicas, merged in random orders with duplicates, must
//! converge to identical views and keep the invariants: no lost field, no dangling link, a
//! consistent trash.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::*;
use crm_core::{Command, FieldValue, Kind, Link, Record, Workspace};
use proptest::prelude::*;

const CONTACTS: u64 = 4;
const COMPANY_BASE: u64 = 100;
const COMPANIES: u64 = 2;

#[derive(Debug, Clone)]
enum Op {
    Rename(u64, u8),
    SetCity(u64, u8),
    Notes(u64, u8),
    Tag(u64, u8, bool),
    Trash(u64),
    Restore(u64),
    LinkCompany(u64, u64),
    NewContact(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..CONTACTS, any::<u8>()).prop_map(|(c, v)| Op::Rename(c, v)),
        (0..CONTACTS, any::<u8>()).prop_map(|(c, v)| Op::SetCity(c, v)),
        (0..CONTACTS, any::<u8>()).prop_map(|(c, v)| Op::Notes(c, v)),
        (0..CONTACTS, 0u8..4, any::<bool>()).prop_map(|(c, t, add)| Op::Tag(c, t, add)),
        (0..CONTACTS).prop_map(Op::Trash),
        (0..CONTACTS).prop_map(Op::Restore),
        (0..CONTACTS, 0..COMPANIES).prop_map(|(c, co)| Op::LinkCompany(c, co)),
        any::<u8>().prop_map(Op::NewContact),
    ]
}

fn base() -> Workspace {
    let mut ws = Workspace::new(actor(0));
    for c in 0..COMPANIES {
        ws.apply(
            create(
                Kind::Company,
                id(COMPANY_BASE + c),
                &[
                    ("name", text(&format!("Co {c}"))),
                    ("kind", text("customer")),
                ],
            ),
            &ctx(1),
        )
        .unwrap();
    }
    for c in 0..CONTACTS {
        ws.apply(
            create(
                Kind::Contact,
                id(c),
                &[
                    ("name", text(&format!("Contact {c}"))),
                    ("notes", text("base")),
                ],
            ),
            &ctx(1),
        )
        .unwrap();
    }
    ws
}

/// Applies an op; refusals (e.g. editing a trashed record) are fine, they write nothing.
fn run(
    ws: &mut Workspace,
    replica: usize,
    step: usize,
    op: &Op,
    written: &mut BTreeMap<(u64, &'static str), BTreeSet<String>>,
) {
    let now = ctx(10 + step as i64);
    let contact = |c: u64| id(c);
    let _ = match op {
        Op::Rename(c, v) => {
            let name = format!("N{replica}-{v}");
            let r = ws.apply(
                update(Kind::Contact, contact(*c), &[("name", Some(text(&name)))]),
                &now,
            );
            if r.is_ok() {
                written.entry((*c, "name")).or_default().insert(name);
            }
            r
        }
        Op::SetCity(c, v) => {
            let city = format!("City{replica}-{v}");
            let r = ws.apply(
                update(Kind::Contact, contact(*c), &[("city", Some(text(&city)))]),
                &now,
            );
            if r.is_ok() {
                written.entry((*c, "city")).or_default().insert(city);
            }
            r
        }
        Op::Notes(c, v) => {
            let current = ws
                .get(Kind::Contact, contact(*c))
                .and_then(|r| r.text("notes"))
                .unwrap_or_default()
                .to_owned();
            ws.apply(
                update(
                    Kind::Contact,
                    contact(*c),
                    &[("notes", Some(text(&format!("{current} r{replica}:{v}"))))],
                ),
                &now,
            )
        }
        Op::Tag(c, t, add) => {
            let mut tags: BTreeMap<String, String> = ws
                .get(Kind::Contact, contact(*c))
                .and_then(|r| r.get("tags"))
                .and_then(FieldValue::as_set)
                .cloned()
                .unwrap_or_default();
            if *add {
                tags.insert(format!("t{t}"), String::new());
            } else {
                tags.remove(&format!("t{t}"));
            }
            ws.apply(
                update(
                    Kind::Contact,
                    contact(*c),
                    &[("tags", Some(FieldValue::Set(tags)))],
                ),
                &now,
            )
        }
        Op::Trash(c) => ws.apply(
            Command::Trash {
                kind: Kind::Contact,
                id: contact(*c),
            },
            &now,
        ),
        Op::Restore(c) => ws.apply(
            Command::Restore {
                kind: Kind::Contact,
                id: contact(*c),
            },
            &now,
        ),
        Op::LinkCompany(c, co) => ws.apply(
            update(
                Kind::Contact,
                contact(*c),
                &[("company", Some(FieldValue::Ref(id(COMPANY_BASE + co))))],
            ),
            &now,
        ),
        Op::NewContact(v) => {
            let new_id = id(1_000 + replica as u64 * 1_000 + step as u64);
            ws.apply(
                create(
                    Kind::Contact,
                    new_id,
                    &[
                        ("name", text(&format!("New {v}"))),
                        ("reports_to", FieldValue::Ref(id(0))),
                    ],
                ),
                &now,
            )
        }
    };
}

fn view(ws: &Workspace) -> Vec<Record> {
    Kind::ALL
        .into_iter()
        .flat_map(|k| ws.records(k).cloned())
        .collect()
}

fn check_invariants(ws: &Workspace) {
    for kind in Kind::ALL {
        for rec in ws.records(kind) {
            for spec in kind.fields() {
                if spec.required {
                    assert!(
                        rec.get(spec.name).is_some(),
                        "{kind} {} lost required {}",
                        rec.id,
                        spec.name
                    );
                }
                if let (crm_core::FieldType::Ref(target), Some(FieldValue::Ref(to))) =
                    (spec.ty, rec.get(spec.name))
                {
                    assert!(
                        !matches!(ws.link(target, *to), Link::Missing(_)),
                        "dangling {} -> {to}",
                        spec.name
                    );
                }
            }
            if let Some(t) = &rec.trashed {
                assert!(t.at.0 >= 0);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn replicas_converge(
        ops in proptest::collection::vec(proptest::collection::vec(op(), 0..12), 2..=5),
        order in proptest::collection::vec((0usize..5, 0usize..5), 1..30),
    ) {
        let mut origin = base();
        let bytes = origin.save();
        let mut replicas: Vec<Workspace> = (0..ops.len())
            .map(|i| Workspace::load(&bytes, actor(i as u8 + 1)).unwrap())
            .collect();
        let mut written = BTreeMap::new();
        for (i, (ws, ops)) in replicas.iter_mut().zip(&ops).enumerate() {
            for (step, op) in ops.iter().enumerate() {
                run(ws, i, step, op, &mut written);
            }
        }
        let n = replicas.len();
        // Random pairwise merges, repeated pairs included, then everyone with everyone.
        for (a, b) in order {
            let (a, b) = (a % n, b % n);
            if a != b {
                let (x, y) = if a < b { let (l, r) = replicas.split_at_mut(b); (&mut l[a], &mut r[0]) } else { let (l, r) = replicas.split_at_mut(a); (&mut r[0], &mut l[b]) };
                x.merge(y).unwrap();
            }
        }
        for _ in 0..2 {
            for a in 0..n {
                for b in 0..n {
                    if a != b {
                        let (x, y) = if a < b { let (l, r) = replicas.split_at_mut(b); (&mut l[a], &mut r[0]) } else { let (l, r) = replicas.split_at_mut(a); (&mut r[0], &mut l[b]) };
                        x.merge(y).unwrap();
                    }
                }
            }
        }
        let first = view(&replicas[0]);
        for ws in &replicas[1..] {
            prop_assert_eq!(&view(ws), &first);
        }
        // A reload from bytes gives the same view as the incrementally maintained one.
        let reloaded = Workspace::load(&replicas[0].save(), actor(99)).unwrap();
        prop_assert_eq!(&view(&reloaded), &first);
        check_invariants(&replicas[0]);
        // No lost field: a written value survives unless another replica wrote the same field.
        for ((c, field), values) in &written {
            let rec = replicas[0].get(Kind::Contact, id(*c)).unwrap();
            let final_value = rec.text(field).unwrap_or_default().to_owned();
            prop_assert!(values.contains(&final_value), "{} of contact {} is {:?}, not one of {:?}", field, c, final_value, values);
        }
    }
}
