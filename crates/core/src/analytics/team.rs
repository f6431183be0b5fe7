//! Team measures for a period, per member and per territory.
//!
//! | figure | records | who | when |
//! |---|---|---|---|
//! | revenue won, deals won | won deals | `owner` | `closed_at` in the period |
//! | deals lost | lost deals | `owner` | `closed_at` in the period |
//! | activities by kind, their minutes | activities | `author` | `at` in the period |
//! | new customers | companies whose first won deal (ever, by `closed_at`) closed in the period | that deal's `owner` | that deal's `closed_at` |
//! | tasks done | tasks | `assignee` | `done_at` in the period (a recurring task's latest completion) |
//! | tasks overdue | tasks not done whose `due` date is before today (UTC date of `now`) | `assignee` | now, whatever the period |
//!
//! A record counts for the territory `Workspace::territory_of` gives it: its own territory,
//! else its company's, else its person's (owner, author or assignee). A new customer counts
//! for the territory of the deal that made it one. Records without a person or a territory
//! count under the key `None` ("unassigned").

use std::collections::{BTreeMap, HashMap};

use super::{PerCurrency, Period, Status, add, money_field, ref_field, status, time_field};
use crate::agenda::date_of;
use crate::id::Id;
use crate::schema::Kind;
use crate::time::Timestamp;
use crate::value::{FieldValue, parse_date};
use crate::workspace::Workspace;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamFilter {
    pub period: Period,
    /// For overdue tasks.
    pub now: Timestamp,
}

/// Activities of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActivityTotals {
    pub activities: Vec<Id>,
    /// The sum of their `duration_minutes` (unset counts as 0).
    pub minutes: i64,
}

/// One member's or one territory's figures; id lists are in id order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TeamFigures {
    pub revenue: PerCurrency,
    pub won: Vec<Id>,
    pub lost: Vec<Id>,
    /// By activity kind (`call`, `email`, …).
    pub activities: BTreeMap<String, ActivityTotals>,
    /// Company ids.
    pub new_customers: Vec<Id>,
    pub tasks_done: Vec<Id>,
    pub tasks_overdue: Vec<Id>,
}

/// Every live member and territory has a row (zeros included), as has every other one
/// records point to (say a removed member who still owns deals), and `None` for the
/// unassigned when there are any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TeamReport {
    pub members: BTreeMap<Option<Id>, TeamFigures>,
    pub territories: BTreeMap<Option<Id>, TeamFigures>,
}

impl TeamReport {
    /// Applies `f` to the row of `member` and to the row of `territory`.
    fn both(&mut self, member: Option<Id>, territory: Option<Id>, f: impl Fn(&mut TeamFigures)) {
        f(self.members.entry(member).or_default());
        f(self.territories.entry(territory).or_default());
    }
}

pub fn team(ws: &Workspace, filter: &TeamFilter) -> TeamReport {
    let mut out = TeamReport::default();
    for m in ws.live(Kind::Member) {
        out.members.insert(Some(m.id), TeamFigures::default());
    }
    for t in ws.live(Kind::Territory) {
        out.territories.insert(Some(t.id), TeamFigures::default());
    }
    let period = filter.period;

    // Deals: won and lost in the period, and each company's first won deal.
    let mut first_win: HashMap<Id, (Timestamp, Id)> = HashMap::new();
    for d in ws.live(Kind::Deal) {
        let Some(s @ (Status::Won | Status::Lost)) = status(d) else {
            continue;
        };
        let Some(closed) = time_field(d, "closed_at") else {
            continue;
        };
        if s == Status::Won
            && let Some(c) = ref_field(d, "company")
            && ws.get(Kind::Company, c).is_some_and(|c| !c.is_trashed())
        {
            let slot = first_win.entry(c).or_insert((closed, d.id));
            *slot = (*slot).min((closed, d.id));
        }
        if !period.contains(closed) {
            continue;
        }
        let territory = ws.territory_of_record(d);
        let value = money_field(d, "value");
        out.both(ref_field(d, "owner"), territory, |row| {
            if s == Status::Won {
                row.won.push(d.id);
                if let Some(v) = value {
                    add(&mut row.revenue, v);
                }
            } else {
                row.lost.push(d.id);
            }
        });
    }
    let mut new: Vec<(Id, Id)> = first_win
        .into_iter()
        .filter(|(_, (at, _))| period.contains(*at))
        .map(|(company, (_, deal))| (company, deal))
        .collect();
    new.sort_unstable();
    for (company, deal) in new {
        let owner = ws.get(Kind::Deal, deal).and_then(|d| ref_field(d, "owner"));
        out.both(owner, ws.territory_of(Kind::Deal, deal), |row| {
            row.new_customers.push(company)
        });
    }

    for a in ws.live(Kind::Activity) {
        if !time_field(a, "at").is_some_and(|t| period.contains(t)) {
            continue;
        }
        let kind = a.text("kind").unwrap_or_default();
        let minutes = match a.get("duration_minutes") {
            Some(FieldValue::Int(n)) => *n,
            _ => 0,
        };
        let territory = ws.territory_of_record(a);
        out.both(ref_field(a, "author"), territory, |row| {
            // Most rows already have this kind: look it up before allocating its key.
            if !row.activities.contains_key(kind) {
                row.activities
                    .insert(kind.to_owned(), ActivityTotals::default());
            }
            let Some(totals) = row.activities.get_mut(kind) else {
                return;
            };
            totals.activities.push(a.id);
            totals.minutes = totals.minutes.saturating_add(minutes);
        });
    }

    let today = date_of(filter.now);
    for t in ws.live(Kind::Task) {
        let done_in_period = time_field(t, "done_at").is_some_and(|at| period.contains(at));
        let overdue = t.get("done") != Some(&FieldValue::Bool(true))
            && t.text("due")
                .is_some_and(|due| parse_date(due).is_some() && due < today.as_str());
        if !done_in_period && !overdue {
            continue;
        }
        let territory = ws.territory_of_record(t);
        out.both(ref_field(t, "assignee"), territory, |row| {
            if done_in_period {
                row.tasks_done.push(t.id);
            }
            if overdue {
                row.tasks_overdue.push(t.id);
            }
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::fixture::*;
    use crate::command::Command;
    use crate::pipeline::days_from_civil;
    use crate::testutil::*;

    fn ids(ns: &[u64]) -> Vec<Id> {
        ns.iter().map(|&n| id(n)).collect()
    }

    fn eur_usd(eur_minor: i64, usd_minor: i64) -> PerCurrency {
        let mut m = PerCurrency::new();
        if eur_minor != 0 {
            m.insert("EUR".parse().unwrap(), eur_minor);
        }
        if usd_minor != 0 {
            m.insert("USD".parse().unwrap(), usd_minor);
        }
        m
    }

    #[test]
    fn figures_per_member_and_per_territory() {
        let mut ws = with_pipeline();
        // b = 2026-01-01 00:00 UTC; the period is [b + 10 d, b + 20 d) = 11–20 January.
        let b = days_from_civil(2026, 1, 1) * D;
        let filter = TeamFilter {
            period: Period::new(Timestamp(b + 10 * D), Timestamp(b + 20 * D)),
            // Today is 2026-01-16.
            now: Timestamp(b + 15 * D + 10 * 3_600_000),
        };
        let (t1, t2) = (territory(&mut ws, 21), territory(&mut ws, 22));
        let m1 = member(&mut ws, 11, &[("territory", link(t1))]);
        let m2 = member(&mut ws, 12, &[("territory", link(t2))]);
        let m3 = member(&mut ws, 13, &[]); // does nothing: a row of zeros
        let c1 = company(&mut ws, 31, &[("territory", link(t2))]);
        let c2 = company(&mut ws, 32, &[]);
        let c3 = company(&mut ws, 33, &[]);

        // Deal 1: m1, c2 (no territory → m1's t1), EUR 100.00 won on day 12: c2's first win.
        deal(
            &mut ws,
            1,
            b,
            "lead",
            eur(10_000),
            &[("owner", link(m1)), ("company", link(c2))],
        );
        win(&mut ws, 1, b + 12 * D);
        // Deal 2: m1, c1, won on day 5 (before the period): c1 is not a new customer later.
        deal(
            &mut ws,
            2,
            b,
            "lead",
            eur(5_000),
            &[("owner", link(m1)), ("company", link(c1))],
        );
        win(&mut ws, 2, b + 5 * D);
        // Deal 3: m2, c1 (t2), USD 30.00 won on day 11: revenue, not a new customer.
        deal(
            &mut ws,
            3,
            b,
            "lead",
            money(3_000, "USD"),
            &[("owner", link(m2)), ("company", link(c1))],
        );
        win(&mut ws, 3, b + 11 * D);
        // Deal 4: m2, c3 (no territory → m2's t2), lost on day 13.
        deal(
            &mut ws,
            4,
            b,
            "lead",
            eur(700),
            &[("owner", link(m2)), ("company", link(c3))],
        );
        lose(&mut ws, 4, b + 13 * D, "price");
        // Deal 5: no owner, c3 (no territory): EUR 10.00 won on day 14, c3's first win →
        // unassigned member and territory.
        deal(&mut ws, 5, b, "lead", eur(1_000), &[("company", link(c3))]);
        win(&mut ws, 5, b + 14 * D);
        // Deal 6: m1, lost on day 25 (after the period).
        deal(&mut ws, 6, b, "lead", eur(1), &[("owner", link(m1))]);
        lose(&mut ws, 6, b + 25 * D, "price");

        let activity =
            |ws: &mut Workspace, n: u64, kind: &str, at: i64, extra: &[(&str, FieldValue)]| {
                let mut f = vec![("kind", text(kind)), ("at", crate::testutil::at(at))];
                f.extend(extra.iter().cloned());
                make(ws, Kind::Activity, id(n), at, &f);
            };
        let minutes = |n| ("duration_minutes", FieldValue::Int(n));
        // 51: m1's 30-minute call (→ t1); 52: m1's 15-minute call with c1 (→ c1's t2);
        // 53: m2's meeting without a duration (→ t2); 54: m1's email before the period.
        activity(
            &mut ws,
            51,
            "call",
            b + 11 * D,
            &[("author", link(m1)), minutes(30)],
        );
        activity(
            &mut ws,
            52,
            "call",
            b + 12 * D,
            &[("author", link(m1)), ("company", link(c1)), minutes(15)],
        );
        activity(&mut ws, 53, "meeting", b + 12 * D, &[("author", link(m2))]);
        activity(
            &mut ws,
            54,
            "email",
            b + 9 * D,
            &[("author", link(m1)), minutes(5)],
        );

        let task =
            |ws: &mut Workspace, n: u64, who: Id, due: &str, extra: &[(&str, FieldValue)]| {
                let mut f = vec![
                    ("title", text("Task")),
                    ("assignee", link(who)),
                    ("due", text(due)),
                ];
                f.extend(extra.iter().cloned());
                make(ws, Kind::Task, id(n), b, &f);
            };
        // 41: m1's, done on day 12 (in the period); 42: m1's, due the 10th, open → overdue;
        // 43: m2's, due today → not overdue; 44: m2's with c2, due the 15th → overdue (c2 has
        // no territory → m2's t2); 45: m2's, due the 1st, done on day 25 → neither.
        task(&mut ws, 41, m1, "2026-01-05", &[]);
        run(&mut ws, b + 12 * D, Command::CompleteTask { task: id(41) });
        task(&mut ws, 42, m1, "2026-01-10", &[]);
        task(&mut ws, 43, m2, "2026-01-16", &[]);
        task(&mut ws, 44, m2, "2026-01-15", &[("company", link(c2))]);
        task(&mut ws, 45, m2, "2026-01-01", &[]);
        run(&mut ws, b + 25 * D, Command::CompleteTask { task: id(45) });

        let r = team(&ws, &filter);

        let one = &r.members[&Some(m1)];
        assert_eq!(one.revenue, eur_usd(10_000, 0));
        assert_eq!((one.won.clone(), one.lost.clone()), (ids(&[1]), vec![]));
        // Calls 51 + 52: 30 + 15 = 45 minutes; the email was before the period.
        assert_eq!(one.activities.len(), 1);
        assert_eq!(one.activities["call"].activities, ids(&[51, 52]));
        assert_eq!(one.activities["call"].minutes, 45);
        assert_eq!(one.new_customers, vec![c2]);
        assert_eq!(one.tasks_done, ids(&[41]));
        assert_eq!(one.tasks_overdue, ids(&[42]));

        let two = &r.members[&Some(m2)];
        assert_eq!(two.revenue, eur_usd(0, 3_000));
        assert_eq!((two.won.clone(), two.lost.clone()), (ids(&[3]), ids(&[4])));
        assert_eq!(two.activities["meeting"].minutes, 0);
        assert!(two.new_customers.is_empty());
        assert!(two.tasks_done.is_empty());
        assert_eq!(two.tasks_overdue, ids(&[44]));

        assert_eq!(r.members[&Some(m3)], TeamFigures::default());
        let nobody = &r.members[&None];
        assert_eq!(nobody.revenue, eur_usd(1_000, 0));
        assert_eq!(nobody.new_customers, vec![c3]);
        assert_eq!(r.members.len(), 4);

        // t1: deal 1, call 51 (30 min), new customer c2, tasks 41 done and 42 overdue (m1's).
        let first = &r.territories[&Some(t1)];
        assert_eq!(first.revenue, eur_usd(10_000, 0));
        assert_eq!(first.activities["call"].minutes, 30);
        assert_eq!(first.new_customers, vec![c2]);
        assert_eq!(
            (first.tasks_done.clone(), first.tasks_overdue.clone()),
            (ids(&[41]), ids(&[42]))
        );
        // t2: deal 3 won (USD 30.00) and 4 lost, call 52 (15 min), meeting 53, task 44.
        let second = &r.territories[&Some(t2)];
        assert_eq!(second.revenue, eur_usd(0, 3_000));
        assert_eq!(
            (second.won.clone(), second.lost.clone()),
            (ids(&[3]), ids(&[4]))
        );
        assert_eq!(second.activities["call"].activities, ids(&[52]));
        assert_eq!(second.activities["call"].minutes, 15);
        assert_eq!(second.activities["meeting"].activities, ids(&[53]));
        assert_eq!(second.tasks_overdue, ids(&[44]));
        // Unassigned: deal 5 and its new customer c3.
        let none = &r.territories[&None];
        assert_eq!(
            (none.won.clone(), none.new_customers.clone()),
            (ids(&[5]), vec![c3])
        );
    }

    #[test]
    fn an_empty_workspace_has_only_its_members_rows() {
        let mut ws = Workspace::new([3; 16]);
        let m = member(&mut ws, 11, &[]);
        let r = team(
            &ws,
            &TeamFilter {
                period: Period::new(Timestamp(0), Timestamp(D)),
                now: Timestamp(D),
            },
        );
        assert_eq!(r.members.keys().copied().collect::<Vec<_>>(), [Some(m)]);
        assert!(r.territories.is_empty());
    }
}
