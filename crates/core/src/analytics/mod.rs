//! The CRM's measures, computed from the workspace as it stands: pure functions of a
//! `&Workspace` and a filter or parameter struct, returning plain data that names the records
//! behind every figure (deal, company, activity and task ids) so a screen can link to them.
//!
//! - [`pipeline`]: open deals by stage, forecast by expected close month, win rate, stage
//!   conversion, average deal size, sales cycle, time in stage, sales velocity, lost reasons.
//! - [`team`](mod@team): per member and per territory: revenue won, deals won and lost, activities by
//!   kind with their minutes, new customers, tasks done and overdue.
//! - [`customers`]: RFM scores and segments, customer lifetime value, the 80/20 view,
//!   retention and churn by period, and the customer life cycle stage.
//! - [`scorecard`](mod@scorecard): the CRM balanced scorecard, per period and segment, against
//!   the team's targets.
//!
//! # Which records count
//!
//! Only live records: trashed records (merged duplicates included) are left out everywhere.
//! A deal's status is `open` when unset (as on the board); a deal with any other unknown status
//! counts nowhere. A deal is *closed in a period* when its `closed_at` lies in the period; a
//! won or lost deal without `closed_at` (possible in imported data) cannot be placed in time
//! and is left out of every period measure. A *customer* is a live company with at least one
//! live won deal; deals without a company, or whose company is trashed or missing, count for
//! the pipeline and the team but not for customer measures.
//!
//! # Time
//!
//! Core reads no clock: `now` is passed in, as UTC milliseconds. Periods are half-open,
//! `[from, to)`. Durations in days are `milliseconds / 86 400 000` as `f64` (not rounded to
//! whole days), except RFM recency, which is whole days (rounded down) because it is scored.
//! Calendar dates (`expected_close`, task `due`) are read as UTC days.
//!
//! # Currencies
//!
//! The data holds no exchange rates, so amounts in different currencies are never added or
//! compared with each other:
//!
//! - every money figure is **per currency**: a [`PerCurrency`] map (currency → integer minor
//!   units), with an entry only for currencies that occur;
//! - a ratio of two amounts (win rate by value) is computed **within each currency**;
//! - measures that need one currency to rank or combine customers (RFM monetary, lifetime
//!   value, the scorecard's money measures) take it as a parameter, defaulting to `Workspace::default_currency` (the
//!   currency most deals use); deals in other currencies are reported separately (RFM's
//!   `other_currencies`) or left out (lifetime value), and never converted;
//! - the 80/20 view is computed separately for each currency;
//! - sales velocity is per currency: open deals and average won value in that currency, times
//!   the win rate by count and over the sales cycle of all deals (both are currency-free).
//!
//! Amounts are added with saturation at `i64`'s limits (about 92 million billion euros), so an
//! absurd import cannot panic. A derived amount (a weighted value, an average, a lifetime
//! value) is rounded once, half away from zero, to the currency's minor unit.
//!
//! # Cost
//!
//! Every function reads each record it needs a fixed number of times and builds its maps
//! (pipelines and stage positions, per-company and per-member accumulators) once, so its cost
//! is linear in the records (plus sorting the rows it returns).

use std::collections::BTreeMap;

use crate::id::Id;
use crate::money::{Currency, Money};
use crate::pipeline::{civil_from_days, days_from_civil};
use crate::record::Record;
use crate::time::Timestamp;
use crate::value::FieldValue;

pub mod customers;
pub mod pipeline;
pub mod scorecard;
pub mod team;

pub use customers::{
    Clv, ClvParams, ClvSettings, LifeCycle, LifeCycleParams, Pareto, RetentionRow, Rfm, RfmParams,
    RfmRow, Segment, clv, life_cycle, pareto, retention, rfm,
};
pub use pipeline::{DealFilter, PipelineCut};
pub use scorecard::{Scorecard, ScorecardParams, scorecard};
pub use team::{TeamFigures, TeamFilter, TeamReport, team};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 86_400_000;

/// Amounts by currency, in each currency's minor units (see the module docs).
pub type PerCurrency = BTreeMap<Currency, i64>;

/// A half-open span of time `[from, to)`, UTC milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub from: Timestamp,
    pub to: Timestamp,
}

impl Period {
    pub const fn new(from: Timestamp, to: Timestamp) -> Self {
        Self { from, to }
    }

    pub fn contains(&self, t: Timestamp) -> bool {
        self.from <= t && t < self.to
    }

    /// Its length in milliseconds (0 when it ends before it starts).
    pub fn millis(&self) -> i64 {
        self.to.since(self.from).max(0)
    }

    /// A calendar month in UTC, or `None` for a month outside 1–12.
    pub fn month(year: i64, month: u32) -> Option<Period> {
        if !(1..=12).contains(&month) {
            return None;
        }
        let (ny, nm) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        Some(Period::new(
            Timestamp(days_from_civil(year, month, 1).saturating_mul(DAY_MS)),
            Timestamp(days_from_civil(ny, nm, 1).saturating_mul(DAY_MS)),
        ))
    }

    /// `count` consecutive calendar months starting with `year`-`month` (for retention by
    /// month); empty for a month outside 1–12.
    pub fn months(year: i64, month: u32, count: usize) -> Vec<Period> {
        if !(1..=12).contains(&month) {
            return Vec::new();
        }
        let first = year * 12 + i64::from(month) - 1;
        (0..count as i64)
            .filter_map(|i| {
                let m = first + i;
                Period::month(m.div_euclid(12), (m.rem_euclid(12) + 1) as u32)
            })
            .collect()
    }
}

/// An exact fraction such as a win rate (`won / (won + lost)`); `value()` is `None` when
/// there is nothing to divide by, so "no data" never shows as 0 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Ratio {
    pub num: i64,
    pub den: i64,
}

impl Ratio {
    pub const fn new(num: i64, den: i64) -> Self {
        Self { num, den }
    }

    pub fn value(self) -> Option<f64> {
        (self.den != 0).then(|| self.num as f64 / self.den as f64)
    }
}

/// Why a measure could not be computed from its parameters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalyticsError {
    #[error("the period is empty: it must end after it starts")]
    EmptyPeriod,
    #[error("periods must each end after they start, be in order and not overlap")]
    BadPeriods,
    #[error("{0} must be between 0 % and 100 %")]
    OutOfRange(&'static str),
    #[error("with 100 % retention and no discount the lifetime value is infinite")]
    InfiniteValue,
    #[error("the result is too large")]
    Overflow,
}

// ----- shared helpers -----

/// A deal's status as the measures read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Open,
    Won,
    Lost,
}

/// `None` for a status this version does not know.
pub(crate) fn status(deal: &Record) -> Option<Status> {
    match deal.text("status") {
        None | Some("open") => Some(Status::Open),
        Some("won") => Some(Status::Won),
        Some("lost") => Some(Status::Lost),
        Some(_) => None,
    }
}

pub(crate) fn ref_field(rec: &Record, field: &str) -> Option<Id> {
    rec.get(field).and_then(FieldValue::as_ref_id)
}

pub(crate) fn time_field(rec: &Record, field: &str) -> Option<Timestamp> {
    match rec.get(field) {
        Some(FieldValue::Timestamp(t)) => Some(*t),
        _ => None,
    }
}

pub(crate) fn money_field(rec: &Record, field: &str) -> Option<Money> {
    match rec.get(field) {
        Some(FieldValue::Money(m)) => Some(*m),
        _ => None,
    }
}

pub(crate) fn add(map: &mut PerCurrency, m: Money) {
    let slot = map.entry(m.currency).or_default();
    *slot = slot.saturating_add(m.minor);
}

/// `num / den` rounded half away from zero; `None` when `den` is 0.
pub(crate) fn div_round(num: i128, den: i128) -> Option<i128> {
    if den == 0 {
        return None;
    }
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let half = den / 2;
    let q = if num >= 0 {
        (num + half) / den
    } else {
        (num - half) / den
    };
    // An odd `den` has no exact half, so `den / 2` rounds the same as half of it would.
    Some(q)
}

pub(crate) fn clamp_i64(n: i128) -> i64 {
    i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX })
}

/// `minor × percent / 100`, rounded half away from zero (as the board weights deals).
pub(crate) fn percent_of(minor: i64, percent: i64) -> i64 {
    clamp_i64(div_round(i128::from(minor) * i128::from(percent), 100).unwrap_or(0))
}

pub(crate) fn days(ms: i64) -> f64 {
    ms as f64 / DAY_MS as f64
}

/// The mean and median of durations in milliseconds, in days; `None` for no durations.
pub(crate) fn mean_median_days(ms: &mut [i64]) -> (Option<f64>, Option<f64>) {
    if ms.is_empty() {
        return (None, None);
    }
    let n = ms.len();
    let sum: i128 = ms.iter().map(|&x| i128::from(x)).sum();
    let mean = sum as f64 / n as f64 / DAY_MS as f64;
    ms.sort_unstable();
    let median = if n % 2 == 1 {
        days(ms[n / 2])
    } else {
        (ms[n / 2 - 1] as f64 + ms[n / 2] as f64) / 2.0 / DAY_MS as f64
    };
    (Some(mean), Some(median))
}

/// `t` moved back by `months` calendar months at the same time of day; a day the earlier
/// month lacks becomes its last day (31 March − 1 month = 28 or 29 February).
pub(crate) fn months_before(t: Timestamp, months: u32) -> Timestamp {
    let day = t.0.div_euclid(DAY_MS);
    let in_day = t.0.rem_euclid(DAY_MS);
    let (y, m, d) = civil_from_days(day);
    let total = y * 12 + i64::from(m) - 1 - i64::from(months);
    let (ty, tm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    let (ny, nm) = if tm == 12 { (ty + 1, 1) } else { (ty, tm + 1) };
    let last = days_from_civil(ny, nm, 1) - days_from_civil(ty, tm, 1);
    let d = i64::from(d).min(last) as u32;
    Timestamp(
        days_from_civil(ty, tm, d)
            .saturating_mul(DAY_MS)
            .saturating_add(in_day),
    )
}

#[cfg(test)]
pub(crate) mod fixture {
    //! Deal-building helpers shared by the analytics tests.

    use super::DAY_MS;
    use crate::command::{Command, Ctx};
    use crate::id::Id;
    use crate::schema::Kind;
    use crate::testutil::*;
    use crate::time::Timestamp;
    use crate::value::FieldValue;
    use crate::workspace::Workspace;

    pub const D: i64 = DAY_MS;

    pub fn run(ws: &mut Workspace, at: i64, cmd: Command) {
        ws.apply(
            cmd,
            &Ctx {
                now: Timestamp(at),
                by: None,
            },
        )
        .unwrap();
    }

    /// An open deal in pipeline `PIPELINE`, created at `created` in `stage`, with `extra`
    /// fields.
    pub fn deal(
        ws: &mut Workspace,
        n: u64,
        created: i64,
        stage: &str,
        value: FieldValue,
        extra: &[(&str, FieldValue)],
    ) -> Id {
        let mut fields = vec![
            ("title", text(&format!("Deal {n}"))),
            ("pipeline", link(id(PIPELINE))),
            ("stage", text(stage)),
            ("value", value),
            ("status", text("open")),
        ];
        fields.extend(extra.iter().cloned());
        make(ws, Kind::Deal, id(n), created, &fields);
        id(n)
    }

    pub fn move_to(ws: &mut Workspace, n: u64, at: i64, stage: &str) {
        run(
            ws,
            at,
            Command::MoveStage {
                deal: id(n),
                stage: stage.into(),
            },
        );
    }

    pub fn win(ws: &mut Workspace, n: u64, at: i64) {
        run(ws, at, Command::Win { deal: id(n) });
    }

    pub fn lose(ws: &mut Workspace, n: u64, at: i64, reason: &str) {
        run(
            ws,
            at,
            Command::Lose {
                deal: id(n),
                reason: reason.into(),
            },
        );
    }

    pub fn company(ws: &mut Workspace, n: u64, extra: &[(&str, FieldValue)]) -> Id {
        let mut fields = vec![
            ("name", text(&format!("Company {n}"))),
            ("kind", text("customer")),
        ];
        fields.extend(extra.iter().cloned());
        make(ws, Kind::Company, id(n), 1, &fields);
        id(n)
    }

    pub fn member(ws: &mut Workspace, n: u64, extra: &[(&str, FieldValue)]) -> Id {
        let mut fields = vec![
            ("name", text(&format!("Member {n}"))),
            ("color", text("#336699")),
        ];
        fields.extend(extra.iter().cloned());
        make(ws, Kind::Member, id(n), 1, &fields);
        id(n)
    }

    pub fn territory(ws: &mut Workspace, n: u64) -> Id {
        make(
            ws,
            Kind::Territory,
            id(n),
            1,
            &[("name", text(&format!("Territory {n}")))],
        );
        id(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i64, m: u32, d: u32) -> i64 {
        days_from_civil(y, m, d) * DAY_MS
    }

    #[test]
    fn months_are_calendar_months_in_utc() {
        let ps = Period::months(2025, 11, 3);
        assert_eq!(ps.len(), 3);
        assert_eq!(ps[0].from.0, ymd(2025, 11, 1));
        assert_eq!(ps[0].to.0, ymd(2025, 12, 1));
        assert_eq!(ps[1].to.0, ymd(2026, 1, 1));
        assert_eq!(ps[2].from.0, ymd(2026, 1, 1));
        assert_eq!(ps[2].to.0, ymd(2026, 2, 1));
        assert!(Period::months(2025, 13, 2).is_empty());
        assert_eq!(Period::month(2025, 0), None);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(div_round(5, 2), Some(3));
        assert_eq!(div_round(-5, 2), Some(-3));
        assert_eq!(div_round(4, 3), Some(1));
        assert_eq!(div_round(5, 3), Some(2));
        assert_eq!(div_round(7, -2), Some(-4));
        assert_eq!(div_round(1, 0), None);
        // 333.33 × 10 % = 33.333 → 33; 5 × 50 % = 2.5 → 3.
        assert_eq!(percent_of(33_333, 10), 3_333);
        assert_eq!(percent_of(5, 50), 3);
    }

    #[test]
    fn months_before_clamps_to_the_month_end() {
        // 2025-03-31 12:00 − 1 month = 2025-02-28 12:00; − 12 months = 2024-03-31 12:00.
        let t = Timestamp(ymd(2025, 3, 31) + DAY_MS / 2);
        assert_eq!(months_before(t, 1).0, ymd(2025, 2, 28) + DAY_MS / 2);
        assert_eq!(months_before(t, 12).0, ymd(2024, 3, 31) + DAY_MS / 2);
        // 2024-02-29 − 12 months = 2023-02-28.
        assert_eq!(
            months_before(Timestamp(ymd(2024, 2, 29)), 12).0,
            ymd(2023, 2, 28)
        );
    }

    #[test]
    fn mean_and_median_of_days() {
        let mut v = vec![4 * DAY_MS, DAY_MS, 2 * DAY_MS, 10 * DAY_MS];
        // mean (4+1+2+10)/4 = 4.25; median of 1,2,4,10 = (2+4)/2 = 3.
        assert_eq!(mean_median_days(&mut v), (Some(4.25), Some(3.0)));
        assert_eq!(mean_median_days(&mut []), (None, None));
    }
}
