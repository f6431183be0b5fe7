//! What a record's page shows around it: the org chart of a company, timelines of activities,
//! related tasks, people and deals, the team's activity feed, and the territory a record
//! belongs to.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::id::Id;
use crate::record::Record;
use crate::schema::Kind;
use crate::search::normalize;
use crate::time::Timestamp;
use crate::value::FieldValue;
use crate::workspace::Workspace;

/// A person in an org chart with the people who report to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgNode {
    pub id: Id,
    pub reports: Vec<OrgNode>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedFilter {
    /// Activity kinds (`call`, `visit`, ...); empty for all.
    pub kinds: Vec<String>,
    pub author: Option<Id>,
    pub territory: Option<Id>,
    /// Inclusive.
    pub from: Option<Timestamp>,
    /// Exclusive.
    pub to: Option<Timestamp>,
}

fn ref_field(rec: &Record, field: &str) -> Option<Id> {
    rec.get(field).and_then(FieldValue::as_ref_id)
}

fn in_set(rec: &Record, field: &str, id: Id) -> bool {
    rec.get(field)
        .and_then(FieldValue::as_set)
        .is_some_and(|s| s.contains_key(&id.to_string()))
}

fn when(rec: &Record) -> Timestamp {
    match rec.get("at") {
        Some(FieldValue::Timestamp(t)) => *t,
        _ => Timestamp::default(),
    }
}

/// Newest first; ties by id so every replica lists them alike.
fn newest_first(mut acts: Vec<&Record>) -> Vec<Id> {
    acts.sort_by(|a, b| when(b).cmp(&when(a)).then(a.id.cmp(&b.id)));
    acts.into_iter().map(|r| r.id).collect()
}

/// By title as people read it (case and accents ignored), then id.
fn by_title(mut recs: Vec<&Record>) -> Vec<Id> {
    recs.sort_by_cached_key(|r| (normalize(r.title()), r.id));
    recs.into_iter().map(|r| r.id).collect()
}

impl Workspace {
    /// The live contacts of a company as a forest: roots are people without a manager or
    /// whose manager is elsewhere (another company, the trash); everyone's reports sorted by
    /// name then id. Concurrent edits on two devices can make a reporting loop, which no
    /// single device allowed; it is broken at the loop's first person by name then id, who
    /// becomes a root, so everyone still appears exactly once.
    pub fn org_chart(&self, company: Id) -> Vec<OrgNode> {
        let mut people: Vec<&Record> = self.linked(company, Kind::Contact, |c| {
            !c.is_trashed() && ref_field(c, "company") == Some(company)
        });
        people.sort_by_cached_key(|r| (normalize(r.title()), r.id));
        // Position in name order stands for the person from here on.
        let index: HashMap<Id, usize> = people.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let mut manager: Vec<Option<usize>> = people
            .iter()
            .map(|r| ref_field(r, "reports_to").and_then(|m| index.get(&m).copied()))
            .collect();
        let reports_of = |manager: &[Option<usize>]| {
            let mut reports: Vec<Vec<usize>> = vec![Vec::new(); people.len()];
            // Pushed in name order, so every list is already sorted.
            for (i, m) in manager.iter().enumerate() {
                if let Some(m) = m {
                    reports[*m].push(i);
                }
            }
            reports
        };
        let mut reports = reports_of(&manager);
        let mut reached = vec![false; people.len()];
        let mut order = Vec::with_capacity(people.len());
        let mut reach = |root: usize, reports: &[Vec<usize>], reached: &mut [bool]| {
            let mut stack = vec![root];
            while let Some(p) = stack.pop() {
                if !reached[p] {
                    reached[p] = true;
                    order.push(p);
                    stack.extend(reports[p].iter().copied());
                }
            }
        };
        for root in (0..people.len()).filter(|&i| manager[i].is_none()) {
            reach(root, &reports, &mut reached);
        }
        // Whoever is left sits in or under a loop: walking up from them finds it.
        while let Some(start) = (0..people.len()).find(|&i| !reached[i]) {
            let mut walk = vec![start];
            let mut seen = HashSet::from([start]);
            let mut p = start;
            while let Some(m) = manager[p] {
                if !seen.insert(m) {
                    let from = walk.iter().position(|&x| x == m).unwrap_or(0);
                    // Name order is index order, so the smallest index is the first by name.
                    let first = walk[from..].iter().copied().min().unwrap_or(m);
                    manager[first] = None;
                    break;
                }
                walk.push(m);
                p = m;
            }
            let root = walk
                .iter()
                .copied()
                .find(|&x| manager[x].is_none())
                .unwrap_or(start);
            reports = reports_of(&manager);
            reach(root, &reports, &mut reached);
        }
        // Children before parents, so each node is built once from finished subtrees.
        let mut built: Vec<Option<OrgNode>> = vec![None; people.len()];
        for &p in order.iter().rev() {
            let node = OrgNode {
                id: people[p].id,
                reports: reports[p].iter().filter_map(|&c| built[c].take()).collect(),
            };
            built[p] = Some(node);
        }
        (0..people.len())
            .filter(|&i| manager[i].is_none())
            .filter_map(|i| built[i].take())
            .collect()
    }

    /// Live activities about a record, newest first: for a contact those naming them; for a
    /// company those naming it or one of its people (trashed people included: the calls
    /// happened); for a deal those naming it. Empty for other kinds.
    pub fn timeline(&self, kind: Kind, id: Id) -> Vec<Id> {
        let live = |a: &Record| !a.is_trashed();
        let acts: Vec<&Record> = match kind {
            Kind::Contact => {
                self.linked(id, Kind::Activity, |a| live(a) && in_set(a, "contacts", id))
            }
            Kind::Deal => self.linked(id, Kind::Activity, |a| {
                live(a) && ref_field(a, "deal") == Some(id)
            }),
            Kind::Company => {
                let mut seen = HashSet::new();
                let mut acts = self.linked(id, Kind::Activity, |a| {
                    live(a) && ref_field(a, "company") == Some(id)
                });
                seen.extend(acts.iter().map(|a| a.id));
                for person in
                    self.linked(id, Kind::Contact, |c| ref_field(c, "company") == Some(id))
                {
                    for a in self.linked(person.id, Kind::Activity, |a| {
                        live(a) && in_set(a, "contacts", person.id)
                    }) {
                        if seen.insert(a.id) {
                            acts.push(a);
                        }
                    }
                }
                acts
            }
            _ => Vec::new(),
        };
        newest_first(acts)
    }

    /// Records of `kind` linking to `target` that pass `keep`.
    fn linked(&self, target: Id, kind: Kind, keep: impl Fn(&Record) -> bool) -> Vec<&Record> {
        self.referrers(target, kind)
            .into_iter()
            .filter_map(|id| self.get(kind, id))
            .filter(|r| keep(r))
            .collect()
    }

    /// Live tasks about a contact, company or deal: open ones by due date (undated last), then
    /// title, then id; then done ones, most recently done first.
    pub fn related_tasks(&self, kind: Kind, id: Id) -> Vec<Id> {
        let field = match kind {
            Kind::Contact => "contact",
            Kind::Company => "company",
            Kind::Deal => "deal",
            _ => return Vec::new(),
        };
        let mut open = Vec::new();
        let mut done = Vec::new();
        for t in self.linked(id, Kind::Task, |t| {
            !t.is_trashed() && ref_field(t, field) == Some(id)
        }) {
            if t.get("done") == Some(&FieldValue::Bool(true)) {
                let done_at = match t.get("done_at") {
                    Some(FieldValue::Timestamp(at)) => Some(*at),
                    _ => None,
                };
                done.push((std::cmp::Reverse(done_at), t.id));
            } else {
                let due = t.text("due");
                open.push((due.is_none(), due, normalize(t.title()), t.id));
            }
        }
        open.sort();
        done.sort();
        open.into_iter()
            .map(|(_, _, _, id)| id)
            .chain(done.into_iter().map(|(_, id)| id))
            .collect()
    }

    /// The contacts (not in the trash) whose manager is `contact`, in id order: from the link
    /// index, not a pass over every contact.
    pub fn reports_of(&self, contact: Id) -> Vec<Id> {
        let mut ids: Vec<Id> = self
            .linked(contact, Kind::Contact, |c| {
                !c.is_trashed() && ref_field(c, "reports_to") == Some(contact)
            })
            .into_iter()
            .map(|c| c.id)
            .collect();
        ids.sort();
        ids
    }

    /// The live people of a company, by name.
    pub fn people_of(&self, company: Id) -> Vec<Id> {
        by_title(self.linked(company, Kind::Contact, |c| {
            !c.is_trashed() && ref_field(c, "company") == Some(company)
        }))
    }

    /// Live deals of a company (its `company`) or of a contact (among its `contacts`), by
    /// title. Empty for other kinds.
    pub fn deals_of(&self, kind: Kind, id: Id) -> Vec<Id> {
        let live = |d: &Record| !d.is_trashed();
        by_title(match kind {
            Kind::Company => self.linked(id, Kind::Deal, |d| {
                live(d) && ref_field(d, "company") == Some(id)
            }),
            Kind::Contact => self.linked(id, Kind::Deal, |d| live(d) && in_set(d, "contacts", id)),
            _ => Vec::new(),
        })
    }

    /// The team's live activities passing the filter, newest first.
    pub fn activity_feed(&self, f: &FeedFilter) -> Vec<Id> {
        use crate::query::{FieldKey, Query, Sort};
        // Newest first, ties by id: the cached list query of activities by `at`, patched as
        // activities come and go, so the feed does not re-sort 50k activities per change.
        let q = Query {
            sort: vec![Sort {
                key: FieldKey::Field("at".into()),
                descending: true,
            }],
            ..Query::new(Kind::Activity)
        };
        let all = self.query(&q).into_iter().flat_map(|g| g.ids);
        if *f == FeedFilter::default() {
            return all.collect();
        }
        let kinds: BTreeSet<&str> = f.kinds.iter().map(String::as_str).collect();
        all.filter(|id| {
            self.get(Kind::Activity, *id).is_some_and(|a| {
                (kinds.is_empty() || a.text("kind").is_some_and(|k| kinds.contains(k)))
                    && (f.author.is_none() || ref_field(a, "author") == f.author)
                    && f.from.is_none_or(|from| when(a) >= from)
                    && f.to.is_none_or(|to| when(a) < to)
                    && (f.territory.is_none()
                        || self.territory_of(Kind::Activity, a.id) == f.territory)
            })
        })
        .collect()
    }

    /// The territory a record belongs to: its own `territory`; else its company's; else the
    /// territory of its owner (assignee for tasks, author for activities). A territory
    /// belongs to itself.
    pub fn territory_of(&self, kind: Kind, id: Id) -> Option<Id> {
        self.territory_of_record(self.get(kind, id)?)
    }

    /// [`Workspace::territory_of`] a record already at hand (one lookup fewer per record in
    /// the team report's pass over every activity).
    pub fn territory_of_record(&self, rec: &Record) -> Option<Id> {
        let kind = rec.kind;
        if kind == Kind::Territory {
            return Some(rec.id);
        }
        let own = |r: &Record| ref_field(r, "territory");
        if let Some(t) = own(rec) {
            return Some(t);
        }
        if let Some(t) = ref_field(rec, "company")
            .and_then(|c| self.get(Kind::Company, c))
            .and_then(own)
        {
            return Some(t);
        }
        let person = match kind {
            Kind::Task => "assignee",
            Kind::Activity => "author",
            _ => "owner",
        };
        ref_field(rec, person)
            .and_then(|m| self.get(Kind::Member, m))
            .and_then(own)
    }
}

/// The ids of a forest in depth-first order, each with its depth: handy for showing a chart
/// as an indented list.
pub fn flatten(nodes: &[OrgNode]) -> Vec<(usize, Id)> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, &OrgNode)> = nodes.iter().rev().map(|n| (0, n)).collect();
    while let Some((depth, node)) = stack.pop() {
        out.push((depth, node.id));
        stack.extend(node.reports.iter().rev().map(|n| (depth + 1, n)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;
    use crate::query::{FieldKey, Filter, FilterOp, Query};
    use crate::testutil::*;

    fn node(n: u64, reports: Vec<OrgNode>) -> OrgNode {
        OrgNode { id: id(n), reports }
    }

    fn person(ws: &mut Workspace, n: u64, name: &str, company: Option<u64>, boss: Option<u64>) {
        let mut fields = vec![("name", text(name))];
        if let Some(c) = company {
            fields.push(("company", link(id(c))));
        }
        if let Some(b) = boss {
            fields.push(("reports_to", link(id(b))));
        }
        make(ws, Kind::Contact, id(n), 1, &fields);
    }

    fn company(ws: &mut Workspace, n: u64, name: &str, extra: &[(&str, FieldValue)]) {
        let mut fields = vec![("name", text(name)), ("kind", text("customer"))];
        fields.extend(extra.iter().cloned());
        make(ws, Kind::Company, id(n), 1, &fields);
    }

    #[test]
    fn org_chart_of_a_company() {
        let mut ws = Workspace::new([1; 16]);
        company(&mut ws, 100, "Acme", &[]);
        company(&mut ws, 101, "Other", &[]);
        person(&mut ws, 9, "Outsider", Some(101), None);
        person(&mut ws, 1, "Carla CEO", Some(100), None);
        person(&mut ws, 2, "Vic VP", Some(100), Some(1));
        person(&mut ws, 3, "Ann Analyst", Some(100), Some(2));
        person(&mut ws, 4, "bob builder", Some(100), Some(2));
        // Reports to someone at another company: a root here.
        person(&mut ws, 5, "Zed Consultant", Some(100), Some(9));
        person(&mut ws, 6, "Gone Boss", Some(100), None);
        person(&mut ws, 7, "Dan", Some(100), Some(6));
        trash(&mut ws, Kind::Contact, id(6), 2);
        person(&mut ws, 8, "Nobody's", None, Some(1));
        assert_eq!(
            ws.org_chart(id(100)),
            vec![
                node(1, vec![node(2, vec![node(3, vec![]), node(4, vec![])])]),
                node(7, vec![]),
                node(5, vec![]),
            ]
        );
        assert!(ws.org_chart(id(555)).is_empty());
        assert_eq!(
            flatten(&ws.org_chart(id(100))),
            vec![
                (0, id(1)),
                (1, id(2)),
                (2, id(3)),
                (2, id(4)),
                (0, id(7)),
                (0, id(5))
            ]
        );
        // Who reports to whom, from the link index: a trashed manager still has reports, a
        // trashed report is left out, a contact at no company still has a manager.
        assert_eq!(ws.reports_of(id(2)), vec![id(3), id(4)]);
        assert_eq!(ws.reports_of(id(1)), vec![id(2), id(8)]);
        assert_eq!(ws.reports_of(id(6)), vec![id(7)]);
        assert!(ws.reports_of(id(3)).is_empty());
        trash(&mut ws, Kind::Contact, id(4), 3);
        assert_eq!(ws.reports_of(id(2)), vec![id(3)]);
    }

    #[test]
    fn a_reporting_loop_from_two_devices_still_shows_everyone_once() {
        let mut a = Workspace::new([1; 16]);
        company(&mut a, 100, "Acme", &[]);
        person(&mut a, 1, "Bob", Some(100), None);
        person(&mut a, 2, "Ann", Some(100), None);
        person(&mut a, 3, "Cy", Some(100), Some(1));
        person(&mut a, 4, "Dee", Some(100), None);
        let mut b = Workspace::load(&a.save(), [2; 16]).unwrap();
        // Each device's edit is fine alone; together Ann and Bob report to each other.
        set(
            &mut a,
            Kind::Contact,
            id(2),
            5,
            "reports_to",
            Some(link(id(1))),
        );
        set(
            &mut b,
            Kind::Contact,
            id(1),
            5,
            "reports_to",
            Some(link(id(2))),
        );
        a.merge(&mut b).unwrap();
        assert_eq!(
            a.get(Kind::Contact, id(1)).unwrap().get("reports_to"),
            Some(&link(id(2)))
        );
        // The loop Ann <-> Bob is broken at Ann (first by name); Cy stays under Bob.
        assert_eq!(
            a.org_chart(id(100)),
            vec![
                node(2, vec![node(1, vec![node(3, vec![])])]),
                node(4, vec![]),
            ]
        );
    }

    #[test]
    fn a_longer_loop_hanging_below_nobody_is_broken_once() {
        // No single device can make a loop; three devices each adding one link can.
        let mut ws = Workspace::new([1; 16]);
        company(&mut ws, 100, "Acme", &[]);
        for (n, name) in [(1, "Kim"), (2, "Lou"), (3, "Max"), (4, "Ned")] {
            person(&mut ws, n, name, Some(100), None);
        }
        let mut b = Workspace::load(&ws.save(), [2; 16]).unwrap();
        let mut c = Workspace::load(&ws.save(), [3; 16]).unwrap();
        // Kim -> Lou on one device, Lou -> Max on another, Max -> Kim on a third; Ned -> Max.
        set(
            &mut ws,
            Kind::Contact,
            id(1),
            5,
            "reports_to",
            Some(link(id(2))),
        );
        set(
            &mut b,
            Kind::Contact,
            id(2),
            5,
            "reports_to",
            Some(link(id(3))),
        );
        set(
            &mut c,
            Kind::Contact,
            id(3),
            5,
            "reports_to",
            Some(link(id(1))),
        );
        set(
            &mut c,
            Kind::Contact,
            id(4),
            6,
            "reports_to",
            Some(link(id(3))),
        );
        ws.merge(&mut b).unwrap();
        ws.merge(&mut c).unwrap();
        // Kim is first by name: she becomes the root; Max reports to her, Lou and Ned to Max.
        assert_eq!(
            ws.org_chart(id(100)),
            vec![node(
                1,
                vec![node(3, vec![node(2, vec![]), node(4, vec![])])]
            )]
        );
    }

    fn activity(ws: &mut Workspace, n: u64, when: i64, fields: &[(&str, FieldValue)]) {
        let mut all = vec![("kind", text("call")), ("at", at(when))];
        all.extend(fields.iter().cloned());
        make(ws, Kind::Activity, id(n), 1, &all);
    }

    #[test]
    fn timelines_tasks_people_and_deals() {
        let mut ws = with_pipeline();
        company(&mut ws, 100, "Acme", &[]);
        company(&mut ws, 101, "Other", &[]);
        person(&mut ws, 1, "Zoe", Some(100), None);
        person(&mut ws, 2, "adam", Some(100), None);
        person(&mut ws, 3, "Olga", Some(101), None);
        person(&mut ws, 4, "Left Acme", Some(100), None);
        let deal = |ws: &mut Workspace, n: u64, title: &str, co: Option<u64>, people: &[u64]| {
            let mut fields = vec![
                ("title", text(title)),
                ("pipeline", link(id(PIPELINE))),
                ("stage", text("lead")),
                ("value", eur(1)),
            ];
            if let Some(c) = co {
                fields.push(("company", link(id(c))));
            }
            if !people.is_empty() {
                fields.push((
                    "contacts",
                    links(&people.iter().map(|&p| id(p)).collect::<Vec<_>>()),
                ));
            }
            make(ws, Kind::Deal, id(n), 1, &fields);
        };
        deal(&mut ws, 10, "Renewal", Some(100), &[1]);
        deal(&mut ws, 11, "expansion", Some(100), &[]);
        deal(&mut ws, 12, "Olga's", Some(101), &[3, 1]);
        deal(&mut ws, 13, "Trashed", Some(100), &[1]);

        activity(&mut ws, 20, 500, &[("contacts", links(&[id(1)]))]);
        activity(&mut ws, 21, 900, &[("company", link(id(100)))]);
        activity(&mut ws, 22, 700, &[("contacts", links(&[id(3)]))]);
        activity(
            &mut ws,
            23,
            800,
            &[("deal", link(id(10))), ("contacts", links(&[id(4)]))],
        );
        activity(&mut ws, 24, 600, &[("contacts", links(&[id(1)]))]);
        activity(&mut ws, 25, 650, &[("deal", link(id(10)))]);
        trash(&mut ws, Kind::Activity, id(24), 2);
        trash(&mut ws, Kind::Contact, id(4), 2);
        trash(&mut ws, Kind::Deal, id(13), 2);

        let ids = |ns: &[u64]| ns.iter().map(|&n| id(n)).collect::<Vec<_>>();
        assert_eq!(ws.timeline(Kind::Contact, id(1)), ids(&[20]));
        // Its own, then via Zoe and via Left Acme (trashed, but the call happened).
        assert_eq!(ws.timeline(Kind::Company, id(100)), ids(&[21, 23, 20]));
        assert_eq!(ws.timeline(Kind::Deal, id(10)), ids(&[23, 25]));
        assert_eq!(ws.timeline(Kind::Task, id(10)), ids(&[]));

        assert_eq!(ws.people_of(id(100)), ids(&[2, 1]));
        assert_eq!(ws.deals_of(Kind::Company, id(100)), ids(&[11, 10]));
        assert_eq!(ws.deals_of(Kind::Contact, id(1)), ids(&[12, 10]));

        let task = |ws: &mut Workspace, n: u64, title: &str, due: Option<&str>| {
            let mut fields = vec![("title", text(title)), ("company", link(id(100)))];
            if let Some(d) = due {
                fields.push(("due", text(d)));
            }
            make(ws, Kind::Task, id(n), 1, &fields);
        };
        task(&mut ws, 30, "b later", Some("2026-05-01"));
        task(&mut ws, 31, "undated", None);
        task(&mut ws, 32, "a soon", Some("2026-04-01"));
        task(&mut ws, 33, "done first", None);
        task(&mut ws, 34, "done last", None);
        task(&mut ws, 35, "c same day", Some("2026-04-01"));
        ws.apply(Command::CompleteTask { task: id(33) }, &ctx(100))
            .unwrap();
        ws.apply(Command::CompleteTask { task: id(34) }, &ctx(200))
            .unwrap();
        make(
            &mut ws,
            Kind::Task,
            id(36),
            1,
            &[("title", text("elsewhere")), ("contact", link(id(1)))],
        );
        assert_eq!(
            ws.related_tasks(Kind::Company, id(100)),
            ids(&[32, 35, 30, 31, 34, 33])
        );
        assert_eq!(ws.related_tasks(Kind::Contact, id(1)), ids(&[36]));
    }

    #[test]
    fn territories_feed_and_territory_filters() {
        let mut ws = with_pipeline();
        make(
            &mut ws,
            Kind::Territory,
            id(1),
            1,
            &[("name", text("North"))],
        );
        make(
            &mut ws,
            Kind::Territory,
            id(2),
            1,
            &[("name", text("South"))],
        );
        make(
            &mut ws,
            Kind::Member,
            id(10),
            1,
            &[
                ("name", text("Mia")),
                ("color", text("#123456")),
                ("territory", link(id(2))),
            ],
        );
        company(&mut ws, 20, "Northwind", &[("territory", link(id(1)))]);
        company(&mut ws, 21, "Southco", &[("owner", link(id(10)))]);
        // Own territory beats the company's.
        make(
            &mut ws,
            Kind::Contact,
            id(30),
            1,
            &[
                ("name", text("Ann")),
                ("company", link(id(20))),
                ("territory", link(id(2))),
            ],
        );
        make(
            &mut ws,
            Kind::Contact,
            id(31),
            1,
            &[("name", text("Bob")), ("company", link(id(20)))],
        );
        make(
            &mut ws,
            Kind::Contact,
            id(32),
            1,
            &[("name", text("Cid")), ("owner", link(id(10)))],
        );
        make(
            &mut ws,
            Kind::Contact,
            id(33),
            1,
            &[("name", text("Dot")), ("territory", link(id(1)))],
        );
        let deal = |ws: &mut Workspace, n: u64, extra: (&str, FieldValue)| {
            make(
                ws,
                Kind::Deal,
                id(n),
                1,
                &[
                    ("title", text("d")),
                    ("pipeline", link(id(PIPELINE))),
                    ("stage", text("lead")),
                    ("value", eur(1)),
                    extra,
                ],
            );
        };
        deal(&mut ws, 40, ("company", link(id(20))));
        deal(&mut ws, 41, ("owner", link(id(10))));
        // The company has no territory of its own; its owner's is not the deal's.
        deal(&mut ws, 42, ("company", link(id(21))));

        assert_eq!(ws.territory_of(Kind::Contact, id(30)), Some(id(2)));
        assert_eq!(ws.territory_of(Kind::Contact, id(31)), Some(id(1)));
        assert_eq!(ws.territory_of(Kind::Contact, id(32)), Some(id(2)));
        assert_eq!(ws.territory_of(Kind::Deal, id(40)), Some(id(1)));
        assert_eq!(ws.territory_of(Kind::Deal, id(41)), Some(id(2)));
        assert_eq!(ws.territory_of(Kind::Deal, id(42)), None);
        assert_eq!(ws.territory_of(Kind::Company, id(21)), Some(id(2)));
        assert_eq!(ws.territory_of(Kind::Territory, id(1)), Some(id(1)));
        assert_eq!(ws.territory_of(Kind::Contact, id(999)), None);

        let in_territory = |kind: Kind, t: u64| {
            let mut q = Query::new(kind);
            q.filters.push(Filter {
                key: FieldKey::Territory,
                op: FilterOp::Equals(id(t).to_string()),
            });
            ws.query(&q).remove(0).ids
        };
        assert_eq!(in_territory(Kind::Contact, 1), vec![id(31), id(33)]);
        assert_eq!(in_territory(Kind::Contact, 2), vec![id(30), id(32)]);
        assert_eq!(in_territory(Kind::Deal, 1), vec![id(40)]);
        assert_eq!(in_territory(Kind::Deal, 2), vec![id(41)]);
        // By name too, as any link filters.
        let mut q = Query::new(Kind::Deal);
        q.filters.push(Filter {
            key: FieldKey::Territory,
            op: FilterOp::Equals("north".into()),
        });
        assert_eq!(ws.query(&q)[0].ids, vec![id(40)]);

        let act =
            |ws: &mut Workspace, n: u64, kind: &str, when: i64, extra: &[(&str, FieldValue)]| {
                let mut fields = vec![("kind", text(kind)), ("at", at(when))];
                fields.extend(extra.iter().cloned());
                make(ws, Kind::Activity, id(n), 1, &fields);
            };
        act(&mut ws, 50, "call", 100, &[("author", link(id(10)))]);
        act(&mut ws, 51, "visit", 200, &[("company", link(id(20)))]);
        act(&mut ws, 52, "note", 300, &[]);
        act(
            &mut ws,
            53,
            "call",
            400,
            &[("company", link(id(20))), ("author", link(id(10)))],
        );
        act(&mut ws, 54, "call", 250, &[]);
        trash(&mut ws, Kind::Activity, id(54), 2);
        let feed = |f: FeedFilter| ws.activity_feed(&f);
        let ids = |ns: &[u64]| ns.iter().map(|&n| id(n)).collect::<Vec<_>>();
        assert_eq!(feed(FeedFilter::default()), ids(&[53, 52, 51, 50]));
        assert_eq!(
            feed(FeedFilter {
                kinds: vec!["call".into(), "visit".into()],
                ..Default::default()
            }),
            ids(&[53, 51, 50])
        );
        assert_eq!(
            feed(FeedFilter {
                author: Some(id(10)),
                ..Default::default()
            }),
            ids(&[53, 50])
        );
        // The company's territory comes before the author's.
        assert_eq!(
            feed(FeedFilter {
                territory: Some(id(1)),
                ..Default::default()
            }),
            ids(&[53, 51])
        );
        assert_eq!(
            feed(FeedFilter {
                territory: Some(id(2)),
                ..Default::default()
            }),
            ids(&[50])
        );
        assert_eq!(
            feed(FeedFilter {
                from: Some(Timestamp(200)),
                to: Some(Timestamp(400)),
                ..Default::default()
            }),
            ids(&[52, 51])
        );
    }
}
