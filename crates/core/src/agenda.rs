//! What is due: tasks by bucket, reminders, birthdays and periodic service visits, and the
//! calendar grids the agenda draws them on. Dates are `YYYY-MM-DD`; "today" and "now" are
//! always passed in.

use std::collections::HashMap;

use crate::id::Id;
use crate::pipeline::{advance, civil_from_days, days_from_civil, format_date};
use crate::record::Record;
use crate::schema::Kind;
use crate::search::normalize;
use crate::time::Timestamp;
use crate::value::{FieldValue, parse_birthday, parse_date};
use crate::workspace::Workspace;

const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Bucket {
    Overdue,
    Today,
    Upcoming,
    /// Open tasks without a due date.
    Someday,
    Done,
}

impl Bucket {
    pub const ALL: [Bucket; 5] = [
        Bucket::Overdue,
        Bucket::Today,
        Bucket::Upcoming,
        Bucket::Someday,
        Bucket::Done,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OccasionKind {
    /// `age` is the age reached that day, when the year of birth is known.
    Birthday { age: Option<u32> },
    /// A company's periodic service visit; `overdue` when it fell due before the range.
    ServiceDue { overdue: bool },
}

impl OccasionKind {
    fn rank(self) -> u8 {
        match self {
            OccasionKind::Birthday { .. } => 0,
            OccasionKind::ServiceDue { .. } => 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occasion {
    pub date: String,
    pub kind: OccasionKind,
    pub record: Id,
    pub record_kind: Kind,
}

fn is_done(task: &Record) -> bool {
    task.get("done") == Some(&FieldValue::Bool(true))
}

fn ref_field(rec: &Record, field: &str) -> Option<Id> {
    rec.get(field).and_then(FieldValue::as_ref_id)
}

fn time_field(rec: &Record, field: &str) -> Option<Timestamp> {
    match rec.get(field) {
        Some(FieldValue::Timestamp(t)) => Some(*t),
        _ => None,
    }
}

/// The UTC calendar date of an instant.
pub fn date_of(t: Timestamp) -> String {
    format_date(civil_from_days(t.0.div_euclid(DAY_MS)))
}

fn day_number(date: &str) -> Option<i64> {
    parse_date(date).map(|(y, m, d)| days_from_civil(y, m, d))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Monday = 0 ... Sunday = 6; 1970-01-01 was a Thursday.
fn weekday(day: i64) -> u32 {
    (day + 3).rem_euclid(7) as u32
}

fn week_from(start: i64) -> [String; 7] {
    std::array::from_fn(|i| format_date(civil_from_days(start + i as i64)))
}

/// The weeks of a month as a calendar shows them: full weeks starting on `week_start`
/// (0 = Monday ... 6 = Sunday; larger values wrap), the first holding the 1st and the last the
/// month's last day, with the neighbouring months' days filling the edges. Empty for a month
/// outside 1-12.
pub fn month_grid(year: i64, month: u32, week_start: u32) -> Vec<[String; 7]> {
    if !(1..=12).contains(&month) {
        return Vec::new();
    }
    let first = days_from_civil(year, month, 1);
    let next = if month == 12 {
        days_from_civil(year + 1, 1, 1)
    } else {
        days_from_civil(year, month + 1, 1)
    };
    let lead = i64::from((weekday(first) + 7 - week_start % 7) % 7);
    let start = first - lead;
    let weeks = (lead + next - first + 6) / 7;
    (0..weeks).map(|w| week_from(start + 7 * w)).collect()
}

/// The week (starting on `week_start`, as in `month_grid`) holding `date`.
pub fn week_of(date: &str, week_start: u32) -> Option<[String; 7]> {
    let day = day_number(date)?;
    let lead = i64::from((weekday(day) + 7 - week_start % 7) % 7);
    Some(week_from(day - lead))
}

impl Workspace {
    /// Live tasks (of `assignee`, or everyone's) in the five buckets, always all five in order.
    /// Open tasks are sorted by due date, then title, then id; done ones newest first.
    pub fn task_buckets(&self, today: &str, assignee: Option<Id>) -> Vec<(Bucket, Vec<Id>)> {
        let mut open: [Vec<(String, String, Id)>; 4] = Default::default();
        let mut done: Vec<(Option<Timestamp>, Id)> = Vec::new();
        for t in self.live(Kind::Task) {
            if assignee.is_some() && ref_field(t, "assignee") != assignee {
                continue;
            }
            if is_done(t) {
                done.push((time_field(t, "done_at"), t.id));
                continue;
            }
            let due = t.text("due");
            let bucket = match due {
                None => Bucket::Someday,
                Some(d) if d < today => Bucket::Overdue,
                Some(d) if d == today => Bucket::Today,
                Some(_) => Bucket::Upcoming,
            };
            open[bucket as usize].push((
                due.unwrap_or_default().to_owned(),
                normalize(t.title()),
                t.id,
            ));
        }
        // Newest first; tasks done before `done_at` existed last.
        done.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out: Vec<(Bucket, Vec<Id>)> = open
            .into_iter()
            .zip(Bucket::ALL)
            .map(|(mut tasks, bucket)| {
                tasks.sort();
                (bucket, tasks.into_iter().map(|(_, _, id)| id).collect())
            })
            .collect();
        out.push((Bucket::Done, done.into_iter().map(|(_, id)| id).collect()));
        out
    }

    /// Open live tasks whose reminder time has come, for `me` (theirs and unassigned ones) or
    /// for everyone, oldest reminder first.
    pub fn due_reminders(&self, now: Timestamp, me: Option<Id>) -> Vec<Id> {
        let mut due: Vec<(Timestamp, Id)> = self
            .live(Kind::Task)
            .filter(|t| !is_done(t))
            .filter(|t| {
                let assignee = ref_field(t, "assignee");
                me.is_none() || assignee.is_none() || assignee == me
            })
            .filter_map(|t| time_field(t, "remind_at").map(|at| (at, t.id)))
            .filter(|(at, _)| *at <= now)
            .collect();
        due.sort();
        due.into_iter().map(|(_, id)| id).collect()
    }

    /// Birthdays of live contacts and service visits of live companies from `from` to `to`
    /// (inclusive), by date, then birthdays before services, then id. A service that fell due
    /// before `from` is listed at its due date as overdue. Empty if either date is invalid.
    pub fn occasions(&self, from: &str, to: &str) -> Vec<Occasion> {
        let (Some(first), Some(last)) = (day_number(from), day_number(to)) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let (first_year, last_year) = (civil_from_days(first).0, civil_from_days(last).0);
        for c in self.live(Kind::Contact) {
            let Some((born, month, day)) = c.text("birthday").and_then(parse_birthday) else {
                continue;
            };
            for year in first_year..=last_year {
                if born.is_some_and(|b| year <= b) {
                    continue;
                }
                // Born on 29 February: celebrated on the 28th in other years.
                let day = if month == 2 && day == 29 && !is_leap(year) {
                    28
                } else {
                    day
                };
                let n = days_from_civil(year, month, day);
                if n < first || n > last {
                    continue;
                }
                out.push(Occasion {
                    date: format_date((year, month, day)),
                    kind: OccasionKind::Birthday {
                        age: born.and_then(|b| u32::try_from(year - b).ok()),
                    },
                    record: c.id,
                    record_kind: Kind::Contact,
                });
            }
        }
        let mut last_service: HashMap<Id, Timestamp> = HashMap::new();
        for a in self.live(Kind::Activity) {
            if !matches!(a.text("kind"), Some("visit" | "meeting")) {
                continue;
            }
            if let (Some(company), Some(at)) = (ref_field(a, "company"), time_field(a, "at")) {
                let slot = last_service.entry(company).or_insert(at);
                *slot = (*slot).max(at);
            }
        }
        for co in self.live(Kind::Company) {
            let Some(FieldValue::Int(every)) = co.get("service_every_months") else {
                continue;
            };
            let since = last_service.get(&co.id).copied().unwrap_or(co.created_at);
            let Some(due) = advance(&date_of(since), "months", *every) else {
                continue;
            };
            let Some(n) = day_number(&due) else { continue };
            if n > last {
                continue;
            }
            out.push(Occasion {
                date: due,
                kind: OccasionKind::ServiceDue { overdue: n < first },
                record: co.id,
                record_kind: Kind::Company,
            });
        }
        out.sort_by(|a, b| {
            (&a.date, a.kind.rank(), a.record).cmp(&(&b.date, b.kind.rank(), b.record))
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;
    use crate::testutil::*;

    /// Milliseconds at midnight UTC of a date.
    fn ms(date: &str) -> i64 {
        day_number(date).unwrap() * DAY_MS
    }

    fn row(dates: [&str; 7]) -> [String; 7] {
        dates.map(str::to_owned)
    }

    #[test]
    fn month_grids_cover_whole_weeks() {
        // 1 February 2026 is a Sunday.
        let monday = month_grid(2026, 2, 0);
        assert_eq!(monday.len(), 5);
        assert_eq!(
            monday[0],
            row([
                "2026-01-26",
                "2026-01-27",
                "2026-01-28",
                "2026-01-29",
                "2026-01-30",
                "2026-01-31",
                "2026-02-01"
            ])
        );
        assert_eq!(monday[4][0], "2026-02-23");
        assert_eq!(monday[4][6], "2026-03-01");
        // Starting on Sunday, February 2026 is exactly four weeks.
        let sunday = month_grid(2026, 2, 6);
        assert_eq!(sunday.len(), 4);
        assert_eq!(sunday[0][0], "2026-02-01");
        assert_eq!(sunday[3][6], "2026-02-28");
        // Saturday start, December 2025 (the 1st is a Monday, the 31st a Wednesday).
        let saturday = month_grid(2025, 12, 5);
        assert_eq!(saturday[0][0], "2025-11-29");
        assert_eq!(saturday.last().unwrap()[6], "2026-01-02");
        assert_eq!(saturday.len(), 5);
        assert!(month_grid(2026, 13, 0).is_empty());
        assert!(month_grid(2026, 0, 0).is_empty());
    }

    #[test]
    fn the_week_of_a_date() {
        // 4 February 2026 is a Wednesday.
        assert_eq!(
            week_of("2026-02-04", 0),
            Some(row([
                "2026-02-02",
                "2026-02-03",
                "2026-02-04",
                "2026-02-05",
                "2026-02-06",
                "2026-02-07",
                "2026-02-08"
            ]))
        );
        // 1 January 2026 is a Thursday; with Sunday first its week starts in 2025.
        let w = week_of("2026-01-01", 6).unwrap();
        assert_eq!((w[0].as_str(), w[6].as_str()), ("2025-12-28", "2026-01-03"));
        // A Monday is the first day of its Monday week.
        assert_eq!(week_of("2026-11-23", 0).unwrap()[0], "2026-11-23");
        assert_eq!(week_of("2026-02-30", 0), None);
    }

    fn task(ws: &mut Workspace, n: u64, title: &str, due: Option<&str>, assignee: Option<Id>) {
        let mut fields = vec![("title", text(title))];
        if let Some(d) = due {
            fields.push(("due", text(d)));
        }
        if let Some(a) = assignee {
            fields.push(("assignee", link(a)));
        }
        make(ws, Kind::Task, id(n), 1, &fields);
    }

    fn complete(ws: &mut Workspace, n: u64, now: i64) {
        ws.apply(Command::CompleteTask { task: id(n) }, &ctx(now))
            .unwrap();
    }

    fn member(ws: &mut Workspace, n: u64, name: &str) {
        make(
            ws,
            Kind::Member,
            id(n),
            1,
            &[("name", text(name)), ("color", text("#112233"))],
        );
    }

    #[test]
    fn tasks_fall_into_five_buckets() {
        let mut ws = Workspace::new([1; 16]);
        member(&mut ws, 100, "Mia");
        let mia = Some(id(100));
        task(&mut ws, 1, "Send quote", Some("2026-03-01"), None);
        task(&mut ws, 2, "call back", Some("2026-02-27"), mia);
        task(&mut ws, 3, "Agenda", Some("2026-02-27"), None);
        task(&mut ws, 4, "Today", Some("2026-03-02"), mia);
        task(&mut ws, 5, "Later", Some("2026-04-01"), None);
        task(&mut ws, 6, "Zebra", None, mia);
        task(&mut ws, 7, "apple", None, None);
        task(&mut ws, 8, "Old, done", Some("2026-01-01"), mia);
        task(&mut ws, 9, "Done later", None, None);
        task(&mut ws, 10, "Trashed", Some("2026-01-01"), None);
        task(&mut ws, 11, "Soon", Some("2026-03-03"), None);
        complete(&mut ws, 8, 500);
        complete(&mut ws, 9, 900);
        trash(&mut ws, Kind::Task, id(10), 2);

        let ids = |ns: &[u64]| ns.iter().map(|&n| id(n)).collect::<Vec<_>>();
        assert_eq!(
            ws.task_buckets("2026-03-02", None),
            vec![
                // Same due date: by title, case ignored ("Agenda" before "call back").
                (Bucket::Overdue, ids(&[3, 2, 1])),
                (Bucket::Today, ids(&[4])),
                (Bucket::Upcoming, ids(&[11, 5])),
                (Bucket::Someday, ids(&[7, 6])),
                (Bucket::Done, ids(&[9, 8])),
            ]
        );
        assert_eq!(
            ws.task_buckets("2026-03-02", mia),
            vec![
                (Bucket::Overdue, ids(&[2])),
                (Bucket::Today, ids(&[4])),
                (Bucket::Upcoming, vec![]),
                (Bucket::Someday, ids(&[6])),
                (Bucket::Done, ids(&[8])),
            ]
        );
        let empty = Workspace::new([2; 16]).task_buckets("2026-03-02", None);
        assert_eq!(
            empty.iter().map(|(b, _)| *b).collect::<Vec<_>>(),
            Bucket::ALL
        );
    }

    #[test]
    fn reminders_for_me_and_for_nobody_in_particular() {
        let mut ws = Workspace::new([1; 16]);
        member(&mut ws, 100, "Mia");
        member(&mut ws, 101, "Leo");
        let remind = |ws: &mut Workspace, n: u64, at_ms: i64, who: Option<u64>| {
            let mut fields = vec![("title", text("t")), ("remind_at", at(at_ms))];
            if let Some(w) = who {
                fields.push(("assignee", link(id(w))));
            }
            make(ws, Kind::Task, id(n), 1, &fields);
        };
        remind(&mut ws, 1, 300, Some(100));
        remind(&mut ws, 2, 100, None);
        remind(&mut ws, 3, 200, Some(101));
        remind(&mut ws, 4, 1_000, Some(100));
        remind(&mut ws, 5, 50, Some(100));
        remind(&mut ws, 6, 60, None);
        make(
            &mut ws,
            Kind::Task,
            id(7),
            1,
            &[("title", text("no reminder"))],
        );
        complete(&mut ws, 5, 2);
        trash(&mut ws, Kind::Task, id(6), 2);

        let ids = |ns: &[u64]| ns.iter().map(|&n| id(n)).collect::<Vec<_>>();
        assert_eq!(
            ws.due_reminders(Timestamp(300), Some(id(100))),
            ids(&[2, 1])
        );
        assert_eq!(ws.due_reminders(Timestamp(300), None), ids(&[2, 3, 1]));
        assert_eq!(
            ws.due_reminders(Timestamp(299), Some(id(101))),
            ids(&[2, 3])
        );
        assert_eq!(ws.due_reminders(Timestamp(99), None), ids(&[]));
    }

    #[test]
    fn birthdays_and_service_visits() {
        let mut ws = Workspace::new([1; 16]);
        let person = |ws: &mut Workspace, n: u64, birthday: &str| {
            make(
                ws,
                Kind::Contact,
                id(n),
                1,
                &[("name", text("p")), ("birthday", text(birthday))],
            );
        };
        person(&mut ws, 1, "1990-03-10");
        person(&mut ws, 2, "--02-29");
        person(&mut ws, 3, "2000-02-29");
        person(&mut ws, 4, "2027-06-01");
        make(
            &mut ws,
            Kind::Contact,
            id(5),
            1,
            &[("name", text("no birthday"))],
        );

        // Serviced every 3 months, created 2027-01-15, last visited 2027-02-10.
        let company = |ws: &mut Workspace, n: u64, created: &str, every: i64| {
            make(
                ws,
                Kind::Company,
                id(n),
                ms(created) + 3_600_000,
                &[
                    ("name", text("c")),
                    ("kind", text("customer")),
                    ("service_every_months", FieldValue::Int(every)),
                ],
            );
        };
        company(&mut ws, 10, "2027-01-15", 3);
        // Never visited: due a month after its creation on 31 January, so on 28 February.
        company(&mut ws, 11, "2027-01-31", 1);
        let activity = |ws: &mut Workspace, n: u64, kind: &str, date: &str, co: u64| {
            make(
                ws,
                Kind::Activity,
                id(n),
                1,
                &[
                    ("kind", text(kind)),
                    ("at", at(ms(date) + 50_000_000)),
                    ("company", link(id(co))),
                ],
            );
        };
        activity(&mut ws, 20, "meeting", "2027-01-20", 10);
        activity(&mut ws, 21, "visit", "2027-02-10", 10);
        activity(&mut ws, 22, "call", "2027-03-01", 10);
        activity(&mut ws, 23, "visit", "2027-03-05", 10);
        trash(&mut ws, Kind::Activity, id(23), 2);

        let bday = |date: &str, age: Option<u32>, n: u64| Occasion {
            date: date.into(),
            kind: OccasionKind::Birthday { age },
            record: id(n),
            record_kind: Kind::Contact,
        };
        let service = |date: &str, overdue: bool, n: u64| Occasion {
            date: date.into(),
            kind: OccasionKind::ServiceDue { overdue },
            record: id(n),
            record_kind: Kind::Company,
        };
        assert_eq!(
            ws.occasions("2027-01-01", "2027-12-31"),
            vec![
                // Feb 29 birthdays fall on Feb 28 in 2027; id 2's year is unknown.
                bday("2027-02-28", None, 2),
                bday("2027-02-28", Some(27), 3),
                service("2027-02-28", false, 11),
                bday("2027-03-10", Some(37), 1),
                service("2027-05-10", false, 10),
            ]
        );
        // Across a new year into a leap year.
        assert_eq!(
            ws.occasions("2027-12-01", "2028-03-31"),
            vec![
                service("2027-02-28", true, 11),
                service("2027-05-10", true, 10),
                bday("2028-02-29", None, 2),
                bday("2028-02-29", Some(28), 3),
                bday("2028-03-10", Some(38), 1),
                // Born 2027-06-01: no birthday before then, age 1 in 2028 is out of range.
            ]
        );
        assert_eq!(
            ws.occasions("2027-05-11", "2027-06-01"),
            vec![
                service("2027-02-28", true, 11),
                service("2027-05-10", true, 10),
            ]
        );
        assert_eq!(
            ws.occasions("2027-04-01", "2027-04-30"),
            vec![service("2027-02-28", true, 11)]
        );
        assert_eq!(ws.occasions("2027-13-01", "2027-12-31"), vec![]);
    }
}
