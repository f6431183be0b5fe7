//! The CRM balanced scorecard: for a period, compared with the previous one, the measures of
//! six perspectives (financial, customer, marketing, sales, service, staff), each against the
//! team's target, for the whole workspace or for one RFM customer segment.
//!
//! # Measures
//!
//! Each measure has a stable key (`perspective.name`, stored in targets), a [`Unit`], the
//! [`Direction`] that is better, and a [`Scope`] saying what it covers in a segment's
//! scorecard. "P" is the period, "Q" the period before it (the previous period). A
//! *purchase* is a live won deal of a live company, dated by its `closed_at`; a *customer in
//! P* is a company with a purchase in P (as in [`customers`](super::customers)).
//!
//! | key | unit | better | scope | value over P |
//! |---|---|---|---|---|
//! | `financial.revenue` | money | higher | customers | value of the deals won in P (every live won deal for the workspace; the segment's customers' for a segment) |
//! | `financial.clv` | money | higher | customers | the average customer's discounted lifetime value, m(1+d)/(1+d−r), over the purchases in P (the window of [`ClvParams`]), with the workspace's [`ClvSettings`](super::ClvSettings) |
//! | `financial.profit_per_customer` | money | higher | customers | revenue from the purchases in P × margin ÷ customers in P (profitability per customer) |
//! | `financial.share_of_wallet` | percent | higher | — | not tracked: the CRM does not know what customers spend elsewhere |
//! | `customer.retention` | percent | higher | customers | customers in Q who bought again in P ÷ customers in Q |
//! | `customer.penetration` | percent | higher | — | not tracked: needs the market size or product categories |
//! | `customer.win_back` | percent | higher | customers | lapsed customers (a purchase before Q, none in Q) who bought in P ÷ lapsed customers |
//! | `customer.acquisition` | percent | higher | customers | new customers (first purchase ever in P) ÷ customers in P |
//! | `customer.new_customers` | count | higher | customers | companies whose first purchase ever is in P |
//! | `customer.very_satisfied` | percent | higher | — | not tracked: no satisfaction surveys yet |
//! | `marketing.leads` | count | higher | workspace | contacts created in P (leads captured) |
//! | `marketing.responses` | count | higher | — | not tracked: no campaigns yet |
//! | `marketing.cost_per_lead` | money | lower | — | not tracked: no campaign costs yet |
//! | `sales.win_rate` | percent | higher | customers | won ÷ (won + lost) among the deals closed in P, by count (conversion of closed deals) |
//! | `sales.revenue_per_conversion` | money | higher | customers | average value of the deals won in P |
//! | `sales.cycle_days` | days | lower | customers | average days from creation to `closed_at` of the deals won in P |
//! | `sales.cost_of_sale` | money | lower | — | not tracked: no sales costs yet |
//! | `service.visits_on_time` | percent | higher | customers | companies with a service interval (`service_every_months`) whose next visit was not overdue at the end of P (or now, if P has not ended): the last visit or meeting before then (else the company's creation) plus the interval is that day or later |
//! | `service.sla_met` | percent | higher | — | not tracked: no service tickets yet |
//! | `service.cost_per_encounter` | money | lower | — | not tracked: no service costs yet |
//! | `staff.crm_usage` | percent | higher | workspace | members who logged an activity (`author`, `at` in P) or completed a task (`assignee`, `done_at` in P) ÷ live members: the share of the team working from the CRM's information |
//! | `staff.tasks_on_time` | percent | higher | workspace | tasks completed in P by their due date (UTC date of `done_at` ≤ `due`) ÷ tasks completed in P with a due date; recurring tasks are left out (their `due` has moved on) |
//! | `staff.trained` | percent | higher | — | not tracked: no training records yet |
//! | `staff.satisfaction` | percent | higher | — | not tracked: no staff surveys yet |
//!
//! A measure whose module does not exist yet reads [`Reading::NotTracked`] and its status is
//! [`Status::NotTracked`], even with a target: never a made-up number. A measure with nothing
//! to compute from (a win rate with no closed deals, an average of no deals) has no value and
//! the status [`Status::NoData`]; a count or a total with nothing to count is 0.
//!
//! Sales measures read deals as [`pipeline`](super::pipeline) does (deals of trashed
//! pipelines count nowhere), so the workspace's win rate is the dashboard's. Revenue reads
//! every live won deal, as [`team`](mod@super::team) does.
//!
//! # Periods
//!
//! The previous period Q is given or, by default, the span of the same length just before P.
//! Measures that compare with an earlier period (retention, win-back) compare P with Q and Q
//! with the span of Q's length just before Q. P and Q must not be empty and Q must end when
//! or before P starts.
//!
//! # Segments
//!
//! A segment's scorecard covers the companies in that RFM segment, scored once over the
//! segment window (by default the 12 months before `now`) in the scorecard currency, so P and
//! Q compare the same customers. Measures of scope [`Scope::Customers`] are computed over
//! those companies only: their purchases, or the deals whose `company` is one of them.
//! Measures of scope [`Scope::Workspace`] (leads, the team) have no customer to restrict
//! to, and read [`Reading::NotApplicable`]. A segment without customers reads 0 for counts
//! and totals and no value for rates and averages.
//!
//! # Currencies
//!
//! As everywhere in analytics, amounts are never converted. The scorecard has one currency
//! (by default `Workspace::default_currency`): money measures count only amounts in it and
//! list the others apart in [`Measured::other_currencies`]; customers who bought only in
//! other currencies are not part of the lifetime value or profit per customer. A money
//! target has a currency and applies only to a scorecard in that currency.
//!
//! # Targets and status
//!
//! A target is a `targets` record (see `schema`): measure key, optional segment, target value
//! in the measure's target unit ([`Unit`]), direction (default: the measure's), tolerance
//! (default 0) and, for money, a currency. With target T and tolerance t:
//!
//! | direction | on track | at risk | off track |
//! |---|---|---|---|
//! | higher is better | value ≥ T | T − t ≤ value < T | value < T − t |
//! | lower is better | value ≤ T | T < value ≤ T + t | value > T + t |
//!
//! so a value exactly at the target is on track and one exactly at the edge of the band is at
//! risk. Values are compared exactly (a percentage as its fraction, not a rounded float); a
//! money value as the rounded amount that is shown.
//!
//! Which target a row uses: the live target for the measure, the scorecard's segment (none
//! for the whole workspace) and, for money, its currency; if several exist (made at once on
//! two devices), the most recently created (then the largest id). A segment's scorecard
//! without a target of its own uses the workspace's target for rates and averages (which do
//! not depend on the segment's size) but not for counts and totals.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap, HashSet};

use super::customers::{ClvParams, RfmParams, Segment, clv_values, rfm};
use super::{
    AnalyticsError, DAY_MS, PerCurrency, Period, Ratio, Status as Deal, add, clamp_i64, div_round,
    money_field, months_before, ref_field, status, time_field,
};
use crate::agenda::date_of;
use crate::id::Id;
use crate::money::{Currency, Money};
use crate::pipeline::advance;
use crate::record::Record;
use crate::schema::Kind;
use crate::time::Timestamp;
use crate::value::{FieldValue, parse_date};
use crate::workspace::Workspace;

// ----- the catalog -----

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Perspective {
    Financial,
    Customer,
    Marketing,
    Sales,
    Service,
    Staff,
}

impl Perspective {
    pub const ALL: [Perspective; 6] = [
        Perspective::Financial,
        Perspective::Customer,
        Perspective::Marketing,
        Perspective::Sales,
        Perspective::Service,
        Perspective::Staff,
    ];

    /// A stable key for translations: `financial`, `customer`, ….
    pub fn key(self) -> &'static str {
        match self {
            Perspective::Financial => "financial",
            Perspective::Customer => "customer",
            Perspective::Marketing => "marketing",
            Perspective::Sales => "sales",
            Perspective::Service => "service",
            Perspective::Staff => "staff",
        }
    }
}

/// What a measure's value is, and the unit its target and tolerance are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// An amount in the scorecard currency; targets in minor units of their `currency`.
    Money,
    /// A fraction; targets in basis points (10 000 = 100 %).
    Percent,
    /// A number of records; targets the same.
    Count,
    /// An average duration; targets in whole days.
    Days,
}

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Higher,
    Lower,
}

impl Direction {
    /// `higher` or `lower`, as stored in a target's `direction`.
    pub fn key(self) -> &'static str {
        match self {
            Direction::Higher => "higher",
            Direction::Lower => "lower",
        }
    }

    pub fn from_key(key: &str) -> Option<Direction> {
        match key {
            "higher" => Some(Direction::Higher),
            "lower" => Some(Direction::Lower),
            _ => None,
        }
    }
}

/// What a measure covers in a segment's scorecard (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Computed over the segment's customers (their purchases, or their deals).
    Customers,
    /// About the whole workspace only; not applicable to a segment.
    Workspace,
}

/// How a measure is computed (private: the catalog is the public face).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Calc {
    Revenue,
    Clv,
    ProfitPerCustomer,
    Retention,
    WinBack,
    Acquisition,
    NewCustomers,
    Leads,
    WinRate,
    RevenuePerConversion,
    CycleDays,
    VisitsOnTime,
    CrmUsage,
    TasksOnTime,
    /// The module it needs does not exist yet.
    NotTracked,
}

/// One measure of the scorecard; [`MEASURES`] lists them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Measure {
    /// `perspective.name`: stored in targets, used for translations.
    pub key: &'static str,
    pub perspective: Perspective,
    pub unit: Unit,
    /// The direction a new target takes unless the team says otherwise.
    pub direction: Direction,
    pub scope: Scope,
    /// A rate or an average, independent of how many customers there are: a segment's
    /// scorecard may use the workspace's target for it.
    pub rate: bool,
    /// The kind of the records a reading lists (`None` for measures not tracked).
    pub records: Option<Kind>,
    calc: Calc,
}

impl Measure {
    /// Whether the workspace holds the data this measure needs.
    pub fn is_tracked(&self) -> bool {
        self.calc != Calc::NotTracked
    }
}

const fn m(
    key: &'static str,
    perspective: Perspective,
    unit: Unit,
    direction: Direction,
    scope: Scope,
    records: Option<Kind>,
    calc: Calc,
) -> Measure {
    Measure {
        key,
        perspective,
        unit,
        direction,
        scope,
        rate: matches!(unit, Unit::Percent | Unit::Days)
            || matches!(
                calc,
                Calc::Clv | Calc::ProfitPerCustomer | Calc::RevenuePerConversion
            ),
        records,
        calc,
    }
}

const fn not_tracked(
    key: &'static str,
    perspective: Perspective,
    unit: Unit,
    direction: Direction,
) -> Measure {
    m(
        key,
        perspective,
        unit,
        direction,
        Scope::Customers,
        None,
        Calc::NotTracked,
    )
}

use Direction::{Higher, Lower};
use Perspective as P;
use Scope::{Customers, Workspace as Whole};

/// Every measure, by perspective, in the order a scorecard shows them (see the module docs).
pub const MEASURES: [Measure; 24] = [
    m(
        "financial.revenue",
        P::Financial,
        Unit::Money,
        Higher,
        Customers,
        Some(Kind::Deal),
        Calc::Revenue,
    ),
    m(
        "financial.clv",
        P::Financial,
        Unit::Money,
        Higher,
        Customers,
        Some(Kind::Company),
        Calc::Clv,
    ),
    m(
        "financial.profit_per_customer",
        P::Financial,
        Unit::Money,
        Higher,
        Customers,
        Some(Kind::Company),
        Calc::ProfitPerCustomer,
    ),
    not_tracked(
        "financial.share_of_wallet",
        P::Financial,
        Unit::Percent,
        Higher,
    ),
    m(
        "customer.retention",
        P::Customer,
        Unit::Percent,
        Higher,
        Customers,
        Some(Kind::Company),
        Calc::Retention,
    ),
    not_tracked("customer.penetration", P::Customer, Unit::Percent, Higher),
    m(
        "customer.win_back",
        P::Customer,
        Unit::Percent,
        Higher,
        Customers,
        Some(Kind::Company),
        Calc::WinBack,
    ),
    m(
        "customer.acquisition",
        P::Customer,
        Unit::Percent,
        Higher,
        Customers,
        Some(Kind::Company),
        Calc::Acquisition,
    ),
    m(
        "customer.new_customers",
        P::Customer,
        Unit::Count,
        Higher,
        Customers,
        Some(Kind::Company),
        Calc::NewCustomers,
    ),
    not_tracked(
        "customer.very_satisfied",
        P::Customer,
        Unit::Percent,
        Higher,
    ),
    m(
        "marketing.leads",
        P::Marketing,
        Unit::Count,
        Higher,
        Whole,
        Some(Kind::Contact),
        Calc::Leads,
    ),
    not_tracked("marketing.responses", P::Marketing, Unit::Count, Higher),
    not_tracked("marketing.cost_per_lead", P::Marketing, Unit::Money, Lower),
    m(
        "sales.win_rate",
        P::Sales,
        Unit::Percent,
        Higher,
        Customers,
        Some(Kind::Deal),
        Calc::WinRate,
    ),
    m(
        "sales.revenue_per_conversion",
        P::Sales,
        Unit::Money,
        Higher,
        Customers,
        Some(Kind::Deal),
        Calc::RevenuePerConversion,
    ),
    m(
        "sales.cycle_days",
        P::Sales,
        Unit::Days,
        Lower,
        Customers,
        Some(Kind::Deal),
        Calc::CycleDays,
    ),
    not_tracked("sales.cost_of_sale", P::Sales, Unit::Money, Lower),
    m(
        "service.visits_on_time",
        P::Service,
        Unit::Percent,
        Higher,
        Customers,
        Some(Kind::Company),
        Calc::VisitsOnTime,
    ),
    not_tracked("service.sla_met", P::Service, Unit::Percent, Higher),
    not_tracked("service.cost_per_encounter", P::Service, Unit::Money, Lower),
    m(
        "staff.crm_usage",
        P::Staff,
        Unit::Percent,
        Higher,
        Whole,
        Some(Kind::Member),
        Calc::CrmUsage,
    ),
    m(
        "staff.tasks_on_time",
        P::Staff,
        Unit::Percent,
        Higher,
        Whole,
        Some(Kind::Task),
        Calc::TasksOnTime,
    ),
    not_tracked("staff.trained", P::Staff, Unit::Percent, Higher),
    not_tracked("staff.satisfaction", P::Staff, Unit::Percent, Higher),
];

/// The measure with this key.
pub fn measure(key: &str) -> Option<&'static Measure> {
    MEASURES.iter().find(|m| m.key == key)
}

// ----- values -----

/// A measure's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// Rounded once, half away from zero, to the currency's minor unit.
    Money(Money),
    /// Exact; never with a zero denominator (that is "no value").
    Percent(Ratio),
    Count(i64),
    /// Total milliseconds over a number of deals; never with a zero denominator.
    Days(Ratio),
}

impl Figure {
    /// As a number: minor units, a fraction (0.25 for 25 %), a count or days.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Figure::Money(m) => Some(m.minor as f64),
            Figure::Percent(r) => r.value(),
            Figure::Count(n) => Some(*n as f64),
            Figure::Days(r) => r.value().map(|ms| ms / DAY_MS as f64),
        }
    }

    /// Compares the value with `units` of its target unit ([`Unit`]), exactly.
    pub fn cmp_target(&self, units: i128) -> Option<Ordering> {
        let frac = |r: &Ratio, scale: i128| {
            let (num, den) = (i128::from(r.num), i128::from(r.den));
            if den == 0 {
                return None;
            }
            let (a, b) = (num.checked_mul(scale)?, units.checked_mul(den)?);
            Some(if den > 0 { a.cmp(&b) } else { b.cmp(&a) })
        };
        match self {
            Figure::Money(m) => Some(i128::from(m.minor).cmp(&units)),
            Figure::Count(n) => Some(i128::from(*n).cmp(&units)),
            Figure::Percent(r) => frac(r, 10_000),
            Figure::Days(r) => {
                // num ms / den vs units days: num vs units × DAY_MS × den.
                let (num, den) = (i128::from(r.num), i128::from(r.den));
                if den <= 0 {
                    return None;
                }
                Some(num.cmp(&units.checked_mul(i128::from(DAY_MS))?.checked_mul(den)?))
            }
        }
    }
}

/// A computed measure.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Measured {
    /// `None` when there is nothing to compute it from (see the module docs).
    pub value: Option<Figure>,
    /// The records behind the figure (of the measure's `records` kind), in id order: for a
    /// rate, those it is a share of; for a total or a count, those counted.
    pub records: Vec<Id>,
    /// Amounts in other currencies than the scorecard's, left out of a money figure.
    pub other_currencies: PerCurrency,
}

/// What a scorecard shows for a measure in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// The module this measure needs does not exist yet.
    NotTracked,
    /// A workspace-wide measure in a segment's scorecard.
    NotApplicable,
    Measured(Measured),
}

impl Reading {
    pub fn value(&self) -> Option<&Figure> {
        match self {
            Reading::Measured(m) => m.value.as_ref(),
            _ => None,
        }
    }
}

// ----- targets -----

/// A target as the scorecard reads it from a `targets` record (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub id: Id,
    pub measure: &'static Measure,
    /// `None`: the whole workspace.
    pub segment: Option<Segment>,
    /// In the measure's target unit ([`Unit`]).
    pub value: i64,
    /// The currency of a money target.
    pub currency: Option<Currency>,
    pub direction: Direction,
    /// ≥ 0, in the target's unit.
    pub tolerance: i64,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    OnTrack,
    AtRisk,
    OffTrack,
    /// Computed, but the team has set no target for it.
    NoTarget,
    /// There is a target but nothing to compute the value from.
    NoData,
    /// The measure is not tracked yet (whatever its target).
    NotTracked,
    /// A workspace-wide measure in a segment's scorecard.
    NotApplicable,
}

impl Target {
    /// The target a live or trashed record holds; `None` when it names no known measure or
    /// has no valid value (possible only in data written by another version).
    pub fn from_record(rec: &Record) -> Option<Target> {
        let measure = measure(rec.text("measure")?)?;
        let int = |name: &str| match rec.get(name) {
            Some(FieldValue::Int(n)) => Some(*n),
            _ => None,
        };
        let segment = match rec.text("segment") {
            Some(key) => Some(Segment::from_key(key)?),
            None => None,
        };
        Some(Target {
            id: rec.id,
            measure,
            segment,
            value: int("target")?,
            currency: rec.text("currency").and_then(|c| c.parse().ok()),
            direction: rec
                .text("direction")
                .and_then(Direction::from_key)
                .unwrap_or(measure.direction),
            tolerance: int("tolerance").unwrap_or(0).max(0),
            created_at: rec.created_at,
        })
    }

    /// Where `value` stands against this target (see the module docs). An amount in another
    /// currency than a money target's is not judged against it (`NoTarget`).
    pub fn status(&self, value: Option<&Figure>) -> Status {
        let Some(value) = value else {
            return Status::NoData;
        };
        if let (Figure::Money(m), Some(c)) = (value, self.currency)
            && m.currency != c
        {
            return Status::NoTarget;
        }
        let (t, tol) = (i128::from(self.value), i128::from(self.tolerance));
        let cmp = |units: i128| value.cmp_target(units);
        let (met, within) = match self.direction {
            Direction::Higher => (
                cmp(t).map(Ordering::is_ge),
                cmp(t - tol).map(Ordering::is_ge),
            ),
            Direction::Lower => (
                cmp(t).map(Ordering::is_le),
                cmp(t + tol).map(Ordering::is_le),
            ),
        };
        match (met, within) {
            (Some(true), _) => Status::OnTrack,
            (Some(false), Some(true)) => Status::AtRisk,
            (Some(false), Some(false)) => Status::OffTrack,
            _ => Status::NoData,
        }
    }
}

/// Every live target the scorecard can read, in creation order (then id).
pub fn targets(ws: &Workspace) -> Vec<Target> {
    let mut out: Vec<Target> = ws
        .live(Kind::Target)
        .filter_map(Target::from_record)
        .collect();
    out.sort_by_key(|t| (t.created_at, t.id));
    out
}

/// The target of `measure` for `segment` (`None`: the workspace) in a scorecard in
/// `currency`: the live one for exactly that measure, segment and (for money) currency; of
/// several, the most recently created (then the largest id). No fallback between segments.
pub fn target_for(
    ws: &Workspace,
    measure: &str,
    segment: Option<Segment>,
    currency: Currency,
) -> Option<Target> {
    ws.live(Kind::Target)
        .filter(|r| r.text("measure") == Some(measure))
        .filter_map(Target::from_record)
        .filter(|t| t.segment == segment)
        .filter(|t| t.measure.unit != Unit::Money || t.currency == Some(currency))
        .max_by_key(|t| (t.created_at, t.id))
}

// ----- the scorecard -----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScorecardParams {
    pub period: Period,
    /// `None`: the span of the same length just before `period`.
    pub previous: Option<Period>,
    /// `None`: the whole workspace.
    pub segment: Option<Segment>,
    pub now: Timestamp,
    /// `None`: `Workspace::default_currency`.
    pub currency: Option<Currency>,
    /// The RFM window segments are scored over; `None`: the 12 calendar months before `now`.
    pub segment_window: Option<Period>,
}

impl ScorecardParams {
    /// The whole workspace over `period`, compared with the span just before it.
    pub fn new(period: Period, now: Timestamp) -> Self {
        Self {
            period,
            previous: None,
            segment: None,
            now,
            currency: None,
            segment_window: None,
        }
    }
}

/// Which way a measure moved from the previous period, given the direction that is better
/// (the target's, else the measure's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Trend {
    Better,
    Same,
    Worse,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRow {
    pub measure: &'static Measure,
    pub current: Reading,
    pub previous: Reading,
    /// Current minus previous, in [`Figure::as_f64`]'s units (minor units, a fraction,
    /// a count, days); `None` unless both have a value.
    pub change: Option<f64>,
    pub trend: Option<Trend>,
    /// The target in force (see the module docs for which one).
    pub target: Option<Target>,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PerspectiveRows {
    pub perspective: Perspective,
    pub rows: Vec<ScoreRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    pub period: Period,
    pub previous: Period,
    pub segment: Option<Segment>,
    pub currency: Currency,
    /// The segment's customers, in id order (`None` for the whole workspace).
    pub customers: Option<Vec<Id>>,
    /// In [`Perspective::ALL`] order, each with its measures in [`MEASURES`] order.
    pub perspectives: Vec<PerspectiveRows>,
}

impl Scorecard {
    /// The row of the measure with this key.
    pub fn row(&self, key: &str) -> Option<&ScoreRow> {
        self.perspectives
            .iter()
            .flat_map(|p| &p.rows)
            .find(|r| r.measure.key == key)
    }
}

/// The span of `p`'s length just before it.
fn before(p: Period) -> Period {
    let len = p.millis();
    Period::new(Timestamp(p.from.0.saturating_sub(len)), p.from)
}

/// Every measure's reading in a period and the previous one, before any target judges them:
/// the part of a scorecard that depends on deals, activities and the rest. A target edited
/// changes only [`judge`]'s answer, so a view keeps this and re-judges.
#[derive(Debug, Clone, PartialEq)]
pub struct Readings {
    pub period: Period,
    pub previous: Period,
    pub segment: Option<Segment>,
    pub currency: Currency,
    /// The segment's customers, in id order (`None` for the whole workspace).
    pub customers: Option<Vec<Id>>,
    /// In [`MEASURES`] order: each measure's current and previous reading.
    pub measures: Vec<(&'static Measure, Reading, Reading)>,
}

/// The balanced scorecard for a period; see the module docs for every rule.
pub fn scorecard(ws: &Workspace, params: &ScorecardParams) -> Result<Scorecard, AnalyticsError> {
    Ok(judge(ws, &readings(ws, params)?))
}

/// The measures of [`scorecard`], not yet judged against targets.
pub fn readings(ws: &Workspace, params: &ScorecardParams) -> Result<Readings, AnalyticsError> {
    let period = params.period;
    if period.from >= period.to {
        return Err(AnalyticsError::EmptyPeriod);
    }
    let previous = params.previous.unwrap_or_else(|| before(period));
    if previous.from >= previous.to || previous.to > period.from {
        return Err(AnalyticsError::BadPeriods);
    }
    let currency = params.currency.unwrap_or_else(|| ws.default_currency());
    let customers = params.segment.map(|segment| {
        let window = params
            .segment_window
            .unwrap_or_else(|| Period::new(months_before(params.now, 12), params.now));
        let rfm = rfm(
            ws,
            &RfmParams {
                window,
                now: params.now,
                currency: Some(currency),
            },
        );
        rfm.segment(segment)
            .map(|c| c.company)
            .collect::<BTreeSet<Id>>()
    });
    let data = Data::new(ws, currency, customers.as_ref(), params.now);
    let measures = MEASURES
        .iter()
        .map(|m| {
            let read = |p: Period, q: Period| {
                if !m.is_tracked() {
                    Reading::NotTracked
                } else if params.segment.is_some() && m.scope == Scope::Workspace {
                    Reading::NotApplicable
                } else {
                    Reading::Measured(data.compute(m.calc, p, q))
                }
            };
            (m, read(period, previous), read(previous, before(previous)))
        })
        .collect();
    Ok(Readings {
        period,
        previous,
        segment: params.segment,
        currency,
        customers: customers.map(|c| c.into_iter().collect()),
        measures,
    })
}

/// [`Readings`] judged against the workspace's targets: reads only the targets.
pub fn judge(ws: &Workspace, readings: &Readings) -> Scorecard {
    let perspectives = Perspective::ALL
        .into_iter()
        .map(|perspective| PerspectiveRows {
            perspective,
            rows: readings
                .measures
                .iter()
                .filter(|(m, _, _)| m.perspective == perspective)
                .map(|(m, current, previous)| {
                    row(
                        ws,
                        m,
                        readings.segment,
                        readings.currency,
                        current.clone(),
                        previous.clone(),
                    )
                })
                .collect(),
        })
        .collect();
    Scorecard {
        period: readings.period,
        previous: readings.previous,
        segment: readings.segment,
        currency: readings.currency,
        customers: readings.customers.clone(),
        perspectives,
    }
}

fn row(
    ws: &Workspace,
    measure: &'static Measure,
    segment: Option<Segment>,
    currency: Currency,
    current: Reading,
    previous: Reading,
) -> ScoreRow {
    let target = if measure.is_tracked() {
        target_for(ws, measure.key, segment, currency).or_else(|| {
            (segment.is_some() && measure.rate)
                .then(|| target_for(ws, measure.key, None, currency))
                .flatten()
        })
    } else {
        // Shown with its target, if the team set one, but never judged.
        target_for(ws, measure.key, segment, currency)
    };
    let status = match (&current, &target) {
        (Reading::NotTracked, _) => Status::NotTracked,
        (Reading::NotApplicable, _) => Status::NotApplicable,
        (Reading::Measured(_), None) => Status::NoTarget,
        (Reading::Measured(m), Some(t)) => t.status(m.value.as_ref()),
    };
    let change = match (
        current.value().and_then(Figure::as_f64),
        previous.value().and_then(Figure::as_f64),
    ) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    };
    let direction = target.map_or(measure.direction, |t| t.direction);
    let trend = change.map(|c| match (c.partial_cmp(&0.0), direction) {
        (Some(Ordering::Equal) | None, _) => Trend::Same,
        (Some(Ordering::Greater), Direction::Higher) | (Some(Ordering::Less), Direction::Lower) => {
            Trend::Better
        }
        _ => Trend::Worse,
    });
    ScoreRow {
        measure,
        current,
        previous,
        change,
        trend,
        target,
        status,
    }
}

// ----- computing the measures -----

/// A purchase: a live won deal of a live company with a `closed_at`.
struct Purchase {
    deal: Id,
    company: Id,
    at: Timestamp,
    value: Option<Money>,
}

/// A live deal closed (won or lost) with a `closed_at`, in scope.
struct Closed<'a> {
    deal: &'a Record,
    status: Deal,
    at: Timestamp,
    /// In a live pipeline (the pipeline measures read only those).
    sales: bool,
}

/// A task done, as the on-time measures read it.
struct Done<'a> {
    task: &'a Record,
    at: Timestamp,
    assignee: Option<Id>,
    /// Not recurring and with a valid due date: judged on time or late.
    due: Option<&'a str>,
}

/// What every measure reads, gathered in one pass over each collection per scorecard: the
/// measures then filter these short lists by period instead of each scanning every record
/// (two periods and a dozen measures made the scorecard some thirty scans of the deals and
/// activities).
struct Data<'a> {
    ws: &'a Workspace,
    currency: Currency,
    now: Timestamp,
    /// Of the companies in scope, by time.
    purchases: Vec<Purchase>,
    /// Each company's first purchase ever (in scope).
    first: HashMap<Id, Timestamp>,
    /// In id order, as `Workspace::live` gives them.
    closed: Vec<Closed<'a>>,
    /// Visits and meetings: (company, at).
    visits: Vec<(Id, Timestamp)>,
    /// Activities with an author: (author, at).
    authored: Vec<(Id, Timestamp)>,
    /// In id order.
    done: Vec<Done<'a>>,
    /// Live contacts' (id, created_at), in id order.
    contacts: Vec<(Id, Timestamp)>,
    /// Live companies in scope with a service interval: (id, created_at, months).
    serviced: Vec<(Id, Timestamp, i64)>,
    members: Vec<Id>,
}

impl<'a> Data<'a> {
    fn new(
        ws: &'a Workspace,
        currency: Currency,
        // The segment's companies; `None` for the whole workspace.
        customers: Option<&BTreeSet<Id>>,
        now: Timestamp,
    ) -> Self {
        let in_scope = |company: Option<Id>| match customers {
            None => true,
            Some(set) => company.is_some_and(|c| set.contains(&c)),
        };
        let live_pipelines: HashSet<Id> = ws.live(Kind::Pipeline).map(|p| p.id).collect();
        let mut purchases = Vec::new();
        let mut first: HashMap<Id, Timestamp> = HashMap::new();
        let mut closed = Vec::new();
        for d in ws.live(Kind::Deal) {
            let Some(s) = status(d).filter(|s| *s != Deal::Open) else {
                continue;
            };
            let Some(at) = time_field(d, "closed_at") else {
                continue;
            };
            let company = ref_field(d, "company");
            if !in_scope(company) {
                continue;
            }
            closed.push(Closed {
                deal: d,
                status: s,
                at,
                sales: ref_field(d, "pipeline").is_some_and(|x| live_pipelines.contains(&x)),
            });
            if s != Deal::Won {
                continue;
            }
            let Some(company) = company else { continue };
            if ws
                .get(Kind::Company, company)
                .is_none_or(Record::is_trashed)
            {
                continue;
            }
            let slot = first.entry(company).or_insert(at);
            *slot = (*slot).min(at);
            purchases.push(Purchase {
                deal: d.id,
                company,
                at,
                value: money_field(d, "value"),
            });
        }
        purchases.sort_by_key(|p| (p.at, p.deal));
        let mut visits = Vec::new();
        let mut authored = Vec::new();
        for a in ws.live(Kind::Activity) {
            let Some(at) = time_field(a, "at") else {
                continue;
            };
            if let Some(author) = ref_field(a, "author") {
                authored.push((author, at));
            }
            if matches!(a.text("kind"), Some("visit" | "meeting"))
                && let Some(c) = ref_field(a, "company")
            {
                visits.push((c, at));
            }
        }
        let done = ws
            .live(Kind::Task)
            .filter_map(|t| {
                let at = time_field(t, "done_at")?;
                let recurring = t.text("recurrence").is_some_and(|r| r != "none");
                Some(Done {
                    task: t,
                    at,
                    assignee: ref_field(t, "assignee"),
                    due: t
                        .text("due")
                        .filter(|d| !recurring && parse_date(d).is_some()),
                })
            })
            .collect();
        let serviced = ws
            .live(Kind::Company)
            .filter(|c| in_scope(Some(c.id)))
            .filter_map(|c| match c.get("service_every_months") {
                Some(FieldValue::Int(every)) => Some((c.id, c.created_at, *every)),
                _ => None,
            })
            .collect();
        Data {
            ws,
            currency,
            now,
            purchases,
            first,
            closed,
            visits,
            authored,
            done,
            contacts: ws
                .live(Kind::Contact)
                .map(|c| (c.id, c.created_at))
                .collect(),
            serviced,
            members: ws.live(Kind::Member).map(|m| m.id).collect(),
        }
    }

    fn compute(&self, calc: Calc, p: Period, q: Period) -> Measured {
        match calc {
            Calc::Revenue => self.revenue(p),
            Calc::Clv => self.per_customer(p, true),
            Calc::ProfitPerCustomer => self.per_customer(p, false),
            Calc::Retention => self.retention(p, q),
            Calc::WinBack => self.win_back(p, q),
            Calc::Acquisition => self.acquisition(p, false),
            Calc::NewCustomers => self.acquisition(p, true),
            Calc::Leads => self.leads(p),
            Calc::WinRate => self.win_rate(p),
            Calc::RevenuePerConversion => self.revenue_per_conversion(p),
            Calc::CycleDays => self.cycle(p),
            Calc::VisitsOnTime => self.visits_on_time(p),
            Calc::CrmUsage => self.crm_usage(p),
            Calc::TasksOnTime => self.tasks_on_time(p),
            Calc::NotTracked => Measured::default(),
        }
    }

    fn money(&self, minor: i64) -> Figure {
        Figure::Money(Money::new(minor, self.currency))
    }

    /// Deals closed in `p` with a known status, in scope; `sales`: only those of live
    /// pipelines (as the pipeline measures read them).
    fn closed(&self, p: Period, sales: bool) -> impl Iterator<Item = (&'a Record, Deal)> + '_ {
        self.closed
            .iter()
            .filter(move |c| p.contains(c.at) && (c.sales || !sales))
            .map(|c| (c.deal, c.status))
    }

    /// Customers with a purchase in `p`.
    fn active(&self, p: Period) -> BTreeSet<Id> {
        self.purchases
            .iter()
            .filter(|x| p.contains(x.at))
            .map(|x| x.company)
            .collect()
    }

    fn revenue(&self, p: Period) -> Measured {
        let mut out = Measured::default();
        let mut total = 0i64;
        for (d, _) in self.closed(p, false).filter(|(_, s)| *s == Deal::Won) {
            out.records.push(d.id);
            match money_field(d, "value") {
                Some(v) if v.currency == self.currency => total = total.saturating_add(v.minor),
                Some(v) => add(&mut out.other_currencies, v),
                None => {}
            }
        }
        out.value = Some(self.money(total));
        out
    }

    /// The average customer's discounted lifetime value (`clv`) or profit per customer.
    fn per_customer(&self, p: Period, clv: bool) -> Measured {
        let mut out = Measured::default();
        let mut customers = BTreeSet::new();
        let mut total = 0i64;
        for x in self.purchases.iter().filter(|x| p.contains(x.at)) {
            match x.value {
                Some(v) if v.currency == self.currency => {
                    customers.insert(x.company);
                    total = total.saturating_add(v.minor);
                }
                Some(v) => add(&mut out.other_currencies, v),
                None => {}
            }
        }
        let n = customers.len() as i128;
        out.records = customers.into_iter().collect();
        if n == 0 {
            return out;
        }
        let settings = self.ws.clv_settings();
        out.value = if clv {
            let params = ClvParams::with_settings(p, settings);
            clv_values(total, n, i128::from(p.millis()), &params)
                .ok()
                .map(|(_, _, discounted)| self.money(discounted))
        } else {
            div_round(
                i128::from(total) * i128::from(settings.margin_bp),
                10_000 * n,
            )
            .map(|v| self.money(clamp_i64(v)))
        };
        out
    }

    fn retention(&self, p: Period, q: Period) -> Measured {
        let (before, now) = (self.active(q), self.active(p));
        let retained = before.intersection(&now).count() as i64;
        ratio(retained, before)
    }

    fn win_back(&self, p: Period, q: Period) -> Measured {
        let in_q = self.active(q);
        let lapsed: BTreeSet<Id> = self
            .purchases
            .iter()
            .filter(|x| x.at < q.from && !in_q.contains(&x.company))
            .map(|x| x.company)
            .collect();
        let now = self.active(p);
        let back = lapsed.intersection(&now).count() as i64;
        ratio(back, lapsed)
    }

    /// New customers in `p`: their count (`count`) or their share of the customers in `p`.
    fn acquisition(&self, p: Period, count: bool) -> Measured {
        let mut new: Vec<Id> = self
            .first
            .iter()
            .filter(|(_, at)| p.contains(**at))
            .map(|(c, _)| *c)
            .collect();
        new.sort_unstable();
        if count {
            return Measured {
                value: Some(Figure::Count(new.len() as i64)),
                records: new,
                other_currencies: PerCurrency::new(),
            };
        }
        ratio(new.len() as i64, self.active(p))
    }

    fn leads(&self, p: Period) -> Measured {
        let records: Vec<Id> = self
            .contacts
            .iter()
            .filter(|(_, at)| p.contains(*at))
            .map(|(c, _)| *c)
            .collect();
        Measured {
            value: Some(Figure::Count(records.len() as i64)),
            records,
            other_currencies: PerCurrency::new(),
        }
    }

    fn win_rate(&self, p: Period) -> Measured {
        let mut records = Vec::new();
        let mut won = 0;
        for (d, s) in self.closed(p, true) {
            records.push(d.id);
            won += i64::from(s == Deal::Won);
        }
        let den = records.len() as i64;
        Measured {
            value: (den > 0).then_some(Figure::Percent(Ratio::new(won, den))),
            records,
            other_currencies: PerCurrency::new(),
        }
    }

    fn revenue_per_conversion(&self, p: Period) -> Measured {
        let mut out = Measured::default();
        let (mut total, mut n) = (0i64, 0i128);
        for (d, _) in self.closed(p, true).filter(|(_, s)| *s == Deal::Won) {
            match money_field(d, "value") {
                Some(v) if v.currency == self.currency => {
                    out.records.push(d.id);
                    total = total.saturating_add(v.minor);
                    n += 1;
                }
                Some(v) => add(&mut out.other_currencies, v),
                None => {}
            }
        }
        out.value = div_round(i128::from(total), n).map(|v| self.money(clamp_i64(v)));
        out
    }

    fn cycle(&self, p: Period) -> Measured {
        let mut records = Vec::new();
        let mut total = 0i64;
        for c in self
            .closed
            .iter()
            .filter(|c| c.sales && c.status == Deal::Won && p.contains(c.at))
        {
            records.push(c.deal.id);
            total = total.saturating_add(c.at.since(c.deal.created_at).max(0));
        }
        let n = records.len() as i64;
        Measured {
            value: (n > 0).then_some(Figure::Days(Ratio::new(total, n))),
            records,
            other_currencies: PerCurrency::new(),
        }
    }

    fn visits_on_time(&self, p: Period) -> Measured {
        let end = if self.now < p.to { self.now } else { p.to };
        let today = date_of(Timestamp(end.0.saturating_sub(1)));
        let mut last: HashMap<Id, Timestamp> = HashMap::new();
        for &(c, at) in self.visits.iter().filter(|(_, at)| *at < end) {
            let slot = last.entry(c).or_insert(at);
            *slot = (*slot).max(at);
        }
        let mut records = Vec::new();
        let mut on_time = 0;
        for &(c, created, every) in &self.serviced {
            if created >= end {
                continue;
            }
            let since = last.get(&c).copied().unwrap_or(created);
            let Some(due) = advance(&date_of(since), "months", every) else {
                continue;
            };
            records.push(c);
            on_time += i64::from(due >= today);
        }
        ratio_of(on_time, records)
    }

    fn crm_usage(&self, p: Period) -> Measured {
        let mut active: HashSet<Id> = self
            .authored
            .iter()
            .filter(|(_, at)| p.contains(*at))
            .map(|(author, _)| *author)
            .collect();
        active.extend(
            self.done
                .iter()
                .filter(|d| p.contains(d.at))
                .filter_map(|d| d.assignee),
        );
        let n = self.members.iter().filter(|m| active.contains(*m)).count() as i64;
        ratio_of(n, self.members.clone())
    }

    fn tasks_on_time(&self, p: Period) -> Measured {
        let mut records = Vec::new();
        let mut on_time = 0;
        for d in self.done.iter().filter(|d| p.contains(d.at)) {
            let Some(due) = d.due else { continue };
            records.push(d.task.id);
            on_time += i64::from(date_of(d.at).as_str() <= due);
        }
        ratio_of(on_time, records)
    }
}

/// `num` out of the records in `of`; no value when there are none.
fn ratio(num: i64, of: BTreeSet<Id>) -> Measured {
    ratio_of(num, of.into_iter().collect())
}

fn ratio_of(num: i64, records: Vec<Id>) -> Measured {
    let den = records.len() as i64;
    Measured {
        value: (den > 0).then_some(Figure::Percent(Ratio::new(num, den))),
        records,
        other_currencies: PerCurrency::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::fixture::*;
    use crate::analytics::pipeline::{PipelineCut, win_rate};
    use crate::command::Command;
    use crate::pipeline::days_from_civil;
    use crate::testutil::*;

    fn cur(code: &str) -> Currency {
        code.parse().unwrap()
    }

    fn ids(ns: &[u64]) -> Vec<Id> {
        ns.iter().map(|&n| id(n)).collect()
    }

    fn int(n: i64) -> FieldValue {
        FieldValue::Int(n)
    }

    /// 2026-01-01 00:00 UTC.
    fn base() -> i64 {
        days_from_civil(2026, 1, 1) * D
    }

    /// A deal of company `c` (none for 0) created at `created`, won at `won`.
    fn won(ws: &mut Workspace, n: u64, c: u64, value: FieldValue, created: i64, at: i64) {
        let extra = if c == 0 {
            vec![]
        } else {
            vec![("company", link(id(c)))]
        };
        deal(ws, n, created, "lead", value, &extra);
        win(ws, n, at);
    }

    fn target(ws: &mut Workspace, n: u64, measure: &str, extra: &[(&str, FieldValue)]) {
        let mut fields = vec![("measure", text(measure))];
        fields.extend(extra.iter().cloned());
        make(ws, Kind::Target, id(n), 2, &fields);
    }

    /// The fixture the worked examples below use. b = 2026-01-01; the period P is
    /// [b + 30 d, b + 60 d) (31 January – 1 March), the previous period Q is [b, b + 30 d),
    /// now = b + 60 d (2026-03-02 00:00).
    ///
    /// | deal | company | value | created | closed |
    /// |---|---|---|---|---|
    /// | 1 | c31 | EUR 100.00 | b+20 | won b+35 (P) |
    /// | 2 | c32 | EUR 300.00 | b+30 | won b+40 (P) |
    /// | 3 | c31 | USD 50.00 | b+31 | won b+45 (P) |
    /// | 4 | c33 | EUR 200.00 | b+10 | lost b+50 (P) |
    /// | 5 | c32 | EUR 80.00 | b+1 | won b+20 (Q) |
    /// | 6 | — | EUR 50.00 | b+33 | won b+36 (P) |
    /// | 7 | c34 | EUR 10.00 | b−120 | won b−100 |
    /// | 8 | c34 | EUR 20.00 | b+50 | won b+55 (P) |
    /// | 9 | c35 | EUR 5.00 | b−90 | won b−80 |
    ///
    /// c33 and c36 are visited every month; c33 had a visit at b+45 (by member m41). Contacts:
    /// c61 created in P, c62 in Q. Tasks: t71 due 2026-02-10 done b+35 (5 Feb, on time), t72
    /// due 2026-02-01 done b+40 (10 Feb, late), t73 monthly (recurring) done in P, t74 due
    /// 2026-01-10 done b+5 (6 Jan) by m42. Lifetime value settings: margin 25 %, the rest
    /// by default (r 80 %, d 10 %).
    fn fixture() -> Workspace {
        let b = base();
        let mut ws = with_pipeline();
        for c in [31, 32, 34, 35] {
            company(&mut ws, c, &[]);
        }
        for c in [33, 36] {
            company(&mut ws, c, &[("service_every_months", int(1))]);
        }
        member(&mut ws, 41, &[]);
        member(&mut ws, 42, &[]);
        won(&mut ws, 1, 31, eur(10_000), b + 20 * D, b + 35 * D);
        won(&mut ws, 2, 32, eur(30_000), b + 30 * D, b + 40 * D);
        won(&mut ws, 3, 31, money(5_000, "USD"), b + 31 * D, b + 45 * D);
        deal(
            &mut ws,
            4,
            b + 10 * D,
            "lead",
            eur(20_000),
            &[("company", link(id(33)))],
        );
        lose(&mut ws, 4, b + 50 * D, "price");
        won(&mut ws, 5, 32, eur(8_000), b + D, b + 20 * D);
        won(&mut ws, 6, 0, eur(5_000), b + 33 * D, b + 36 * D);
        won(&mut ws, 7, 34, eur(1_000), b - 120 * D, b - 100 * D);
        won(&mut ws, 8, 34, eur(2_000), b + 50 * D, b + 55 * D);
        won(&mut ws, 9, 35, eur(500), b - 90 * D, b - 80 * D);
        make(
            &mut ws,
            Kind::Activity,
            id(51),
            b + 45 * D,
            &[
                ("kind", text("visit")),
                ("at", at(b + 45 * D)),
                ("company", link(id(33))),
                ("author", link(id(41))),
            ],
        );
        make(
            &mut ws,
            Kind::Contact,
            id(61),
            b + 40 * D,
            &[("name", text("Ana"))],
        );
        make(
            &mut ws,
            Kind::Contact,
            id(62),
            b + 10 * D,
            &[("name", text("Bo"))],
        );
        let task =
            |ws: &mut Workspace, n: u64, due: &str, extra: &[(&str, FieldValue)], done: i64| {
                let mut fields = vec![("title", text("Call")), ("due", text(due))];
                fields.extend(extra.iter().cloned());
                make(ws, Kind::Task, id(n), b, &fields);
                run(ws, done, Command::CompleteTask { task: id(n) });
            };
        task(&mut ws, 71, "2026-02-10", &[], b + 35 * D);
        task(&mut ws, 72, "2026-02-01", &[], b + 40 * D);
        task(
            &mut ws,
            73,
            "2026-02-01",
            &[("recurrence", text("months"))],
            b + 38 * D,
        );
        task(
            &mut ws,
            74,
            "2026-01-10",
            &[("assignee", link(id(42)))],
            b + 5 * D,
        );
        make(
            &mut ws,
            Kind::Setting,
            id(99),
            1,
            &[("clv_margin_bp", int(2_500))],
        );
        ws
    }

    fn params() -> ScorecardParams {
        let b = base();
        ScorecardParams::new(
            Period::new(Timestamp(b + 30 * D), Timestamp(b + 60 * D)),
            Timestamp(b + 60 * D),
        )
    }

    fn measured(r: &Reading) -> &Measured {
        match r {
            Reading::Measured(m) => m,
            other => panic!("not measured: {other:?}"),
        }
    }

    fn money_of(r: &Reading) -> Option<i64> {
        match r.value() {
            Some(Figure::Money(m)) => Some(m.minor),
            None => None,
            other => panic!("not money: {other:?}"),
        }
    }

    fn ratio_of(r: &Reading) -> Option<(i64, i64)> {
        match r.value() {
            Some(Figure::Percent(x)) => Some((x.num, x.den)),
            None => None,
            other => panic!("not a percentage: {other:?}"),
        }
    }

    fn count_of(r: &Reading) -> Option<i64> {
        match r.value() {
            Some(Figure::Count(n)) => Some(*n),
            None => None,
            other => panic!("not a count: {other:?}"),
        }
    }

    #[test]
    fn the_catalog_covers_every_perspective_with_unique_keys() {
        let mut keys: Vec<_> = MEASURES.iter().map(|m| m.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), MEASURES.len());
        for m in &MEASURES {
            // The key starts with its perspective, and a measure's records exist iff tracked.
            assert!(
                m.key.starts_with(&format!("{}.", m.perspective.key())),
                "{}",
                m.key
            );
            assert_eq!(m.records.is_some(), m.is_tracked(), "{}", m.key);
        }
        for p in Perspective::ALL {
            assert!(MEASURES.iter().any(|m| m.perspective == p));
        }
        // The catalog lists perspectives in order, so rows keep MEASURES order.
        assert!(
            MEASURES
                .windows(2)
                .all(|w| w[0].perspective <= w[1].perspective)
        );
    }

    #[test]
    fn financial_measures() {
        let ws = fixture();
        let card = scorecard(&ws, &params()).unwrap();
        assert_eq!(card.currency, cur("EUR"));
        assert_eq!(
            card.previous,
            Period::new(Timestamp(base()), Timestamp(base() + 30 * D))
        );

        // Revenue P: deals 1, 2, 6 and 8 in euros = 100 + 300 + 50 + 20 = EUR 470.00; deal 3's
        // USD 50.00 apart. Q: deal 5, EUR 80.00. Change +390.00.
        let r = card.row("financial.revenue").unwrap();
        assert_eq!(money_of(&r.current), Some(47_000));
        assert_eq!(measured(&r.current).records, ids(&[1, 2, 3, 6, 8]));
        assert_eq!(
            measured(&r.current).other_currencies,
            [(cur("USD"), 5_000)].into_iter().collect()
        );
        assert_eq!(money_of(&r.previous), Some(8_000));
        assert_eq!(r.change, Some(39_000.0));
        assert_eq!(r.trend, Some(Trend::Better));
        assert_eq!(r.status, Status::NoTarget);

        // Lifetime value P: euro customers c31 (100.00), c32 (300.00), c34 (20.00): 42 000
        // over 3 customers in a 30-day window. Yearly margin m = 42 000 × 365/30 / 3 × 25 %
        // = 42 583.33; × (1 + d)/(1 + d − r) = 1.1/0.3 = 11/3 → 156 138.89 → 156 139.
        // (Deal 6 has no company: not a customer.)
        let r = card.row("financial.clv").unwrap();
        assert_eq!(money_of(&r.current), Some(156_139));
        assert_eq!(measured(&r.current).records, ids(&[31, 32, 34]));
        // The same as the customers module's average customer with the workspace settings.
        let direct = clv(&ws, &ClvParams::of_workspace(&ws, params().period)).unwrap();
        assert_eq!(direct.average.unwrap().2.minor, 156_139);
        // Q: c32 alone, 8 000: 8 000 × 365/30 × 25 % × 11/3 = 89 222.22 → 89 222.
        assert_eq!(money_of(&r.previous), Some(89_222));

        // Profit per customer P: 42 000 × 25 % / 3 = 3 500; Q: 8 000 × 25 % = 2 000.
        let r = card.row("financial.profit_per_customer").unwrap();
        assert_eq!(
            (money_of(&r.current), money_of(&r.previous)),
            (Some(3_500), Some(2_000))
        );
        assert_eq!(
            measured(&r.current).other_currencies,
            [(cur("USD"), 5_000)].into_iter().collect()
        );

        let r = card.row("financial.share_of_wallet").unwrap();
        assert_eq!(
            (&r.current, r.status),
            (&Reading::NotTracked, Status::NotTracked)
        );
    }

    use crate::analytics::customers::clv;

    #[test]
    fn customer_measures() {
        let ws = fixture();
        let card = scorecard(&ws, &params()).unwrap();
        // Customers in Q: {c32}; in P: {c31, c32, c34}. Retention P = 1/1. Q is compared with
        // [b − 30 d, b), when nobody bought: no value.
        let r = card.row("customer.retention").unwrap();
        assert_eq!(ratio_of(&r.current), Some((1, 1)));
        assert_eq!(measured(&r.current).records, ids(&[32]));
        assert_eq!(ratio_of(&r.previous), None);
        assert_eq!((r.change, r.trend), (None, None));

        // Win-back P: lapsed before Q = c34 (b − 100) and c35 (b − 80), neither bought in Q;
        // c34 bought again in P → 1/2. For Q: lapsed before b − 30 d, not back in
        // [b − 30 d, b): the same two; neither bought in Q → 0/2.
        let r = card.row("customer.win_back").unwrap();
        assert_eq!(ratio_of(&r.current), Some((1, 2)));
        assert_eq!(measured(&r.current).records, ids(&[34, 35]));
        assert_eq!(ratio_of(&r.previous), Some((0, 2)));
        assert_eq!(r.change, Some(0.5));

        // First purchases: c31 b + 35 (P), c32 b + 20 (Q), c34 b − 100, c35 b − 80.
        // New in P: c31 → 1 of the 3 customers of P; in Q: c32 → 1 of 1.
        let r = card.row("customer.acquisition").unwrap();
        assert_eq!(
            (ratio_of(&r.current), ratio_of(&r.previous)),
            (Some((1, 3)), Some((1, 1)))
        );
        let r = card.row("customer.new_customers").unwrap();
        assert_eq!(
            (count_of(&r.current), count_of(&r.previous)),
            (Some(1), Some(1))
        );
        assert_eq!(measured(&r.current).records, ids(&[31]));
        assert_eq!(r.trend, Some(Trend::Same));

        for key in ["customer.penetration", "customer.very_satisfied"] {
            assert_eq!(card.row(key).unwrap().status, Status::NotTracked);
        }
    }

    #[test]
    fn marketing_sales_service_and_staff_measures() {
        let ws = fixture();
        let card = scorecard(&ws, &params()).unwrap();
        // Leads: c61 in P, c62 in Q.
        let r = card.row("marketing.leads").unwrap();
        assert_eq!(
            (count_of(&r.current), count_of(&r.previous)),
            (Some(1), Some(1))
        );
        assert_eq!(measured(&r.current).records, ids(&[61]));

        // Closed in P: won 1, 2, 3, 6, 8; lost 4 → 5/6. Q: won 5 → 1/1. The dashboard's win
        // rate over P agrees.
        let r = card.row("sales.win_rate").unwrap();
        assert_eq!(
            (ratio_of(&r.current), ratio_of(&r.previous)),
            (Some((5, 6)), Some((1, 1)))
        );
        assert_eq!(measured(&r.current).records, ids(&[1, 2, 3, 4, 6, 8]));
        assert_eq!(
            win_rate(&ws, &PipelineCut::new(params().period)).by_count,
            Ratio::new(5, 6)
        );
        assert_eq!(r.trend, Some(Trend::Worse));

        // Revenue per conversion P: EUR 470.00 over 4 euro wins = 117.50; Q: 80.00.
        let r = card.row("sales.revenue_per_conversion").unwrap();
        assert_eq!(
            (money_of(&r.current), money_of(&r.previous)),
            (Some(11_750), Some(8_000))
        );

        // Cycle P: 15 + 10 + 14 + 3 + 5 = 47 days over 5 wins = 9.4 days; Q: 19 days. Shorter
        // is better.
        let r = card.row("sales.cycle_days").unwrap();
        assert_eq!(r.current.value().and_then(Figure::as_f64), Some(9.4));
        assert_eq!(r.previous.value().and_then(Figure::as_f64), Some(19.0));
        assert_eq!(r.trend, Some(Trend::Better));

        // Service at the end of P (today = 2026-03-01): c33 visited 15 Feb, due 15 Mar → on
        // time; c36 never visited since its creation in 1970 → overdue: 1/2. At the end of Q
        // (30 Jan) c33's visit had not happened yet: 0/2.
        let r = card.row("service.visits_on_time").unwrap();
        assert_eq!(
            (ratio_of(&r.current), ratio_of(&r.previous)),
            (Some((1, 2)), Some((0, 2)))
        );
        assert_eq!(measured(&r.current).records, ids(&[33, 36]));

        // CRM usage P: m41 logged the visit, m42 nothing → 1/2; Q: m42 completed t74 → 1/2.
        let r = card.row("staff.crm_usage").unwrap();
        assert_eq!(
            (ratio_of(&r.current), ratio_of(&r.previous)),
            (Some((1, 2)), Some((1, 2)))
        );
        // Tasks on time P: t71 yes, t72 no, t73 recurring (left out) → 1/2; Q: t74 → 1/1.
        let r = card.row("staff.tasks_on_time").unwrap();
        assert_eq!(
            (ratio_of(&r.current), ratio_of(&r.previous)),
            (Some((1, 2)), Some((1, 1)))
        );
        assert_eq!(measured(&r.current).records, ids(&[71, 72]));

        for key in [
            "marketing.responses",
            "marketing.cost_per_lead",
            "sales.cost_of_sale",
            "service.sla_met",
            "service.cost_per_encounter",
            "staff.trained",
            "staff.satisfaction",
        ] {
            let r = card.row(key).unwrap();
            assert_eq!(
                (&r.current, &r.previous),
                (&Reading::NotTracked, &Reading::NotTracked)
            );
        }
        let keys: Vec<_> = card.perspectives.iter().map(|p| p.perspective).collect();
        assert_eq!(keys, Perspective::ALL);
    }

    #[test]
    fn statuses_against_targets() {
        let mut ws = fixture();
        // Revenue EUR 470.00 exactly: on track at the boundary.
        target(
            &mut ws,
            81,
            "financial.revenue",
            &[("target", int(47_000)), ("currency", text("EUR"))],
        );
        // A dollar target applies only to a dollar scorecard.
        target(
            &mut ws,
            82,
            "financial.revenue",
            &[
                ("target", int(6_000)),
                ("currency", text("USD")),
                ("tolerance", int(1_000)),
            ],
        );
        // Win rate 5/6 = 83.3 % against 90 % ± 10 points: at risk.
        target(
            &mut ws,
            83,
            "sales.win_rate",
            &[("target", int(9_000)), ("tolerance", int(1_000))],
        );
        // Win-back 1/2 against exactly 50 %: on track.
        target(&mut ws, 84, "customer.win_back", &[("target", int(5_000))]);
        // Cycle 9.4 days, lower is better, target 9 days, no tolerance: off track.
        target(&mut ws, 85, "sales.cycle_days", &[("target", int(9))]);
        // Not tracked, with a target: shown, never judged.
        target(&mut ws, 86, "staff.trained", &[("target", int(8_000))]);
        // Leads 1 against 3, tolerance 2: at risk exactly at the band's edge.
        target(
            &mut ws,
            87,
            "marketing.leads",
            &[("target", int(3)), ("tolerance", int(2))],
        );
        // CRM usage 50 %, the team says lower is better (an odd choice, but theirs): 50 % ≤
        // 60 % → on track.
        target(
            &mut ws,
            88,
            "staff.crm_usage",
            &[("target", int(6_000)), ("direction", text("lower"))],
        );
        // Retention has a target but the previous period has no value; P is 100 % ≥ 90 %.
        target(&mut ws, 89, "customer.retention", &[("target", int(9_000))]);

        let card = scorecard(&ws, &params()).unwrap();
        let status = |key: &str| card.row(key).unwrap().status;
        assert_eq!(status("financial.revenue"), Status::OnTrack);
        assert_eq!(
            card.row("financial.revenue").unwrap().target.unwrap().id,
            id(81)
        );
        assert_eq!(status("sales.win_rate"), Status::AtRisk);
        assert_eq!(status("customer.win_back"), Status::OnTrack);
        assert_eq!(status("sales.cycle_days"), Status::OffTrack);
        assert_eq!(status("staff.trained"), Status::NotTracked);
        assert_eq!(
            card.row("staff.trained").unwrap().target.unwrap().id,
            id(86)
        );
        assert_eq!(status("marketing.leads"), Status::AtRisk);
        assert_eq!(status("staff.crm_usage"), Status::OnTrack);
        let usage = card.row("staff.crm_usage").unwrap();
        // 50 % both times: the same, whichever way is better.
        assert_eq!(usage.trend, Some(Trend::Same));
        assert_eq!(status("customer.retention"), Status::OnTrack);
        assert_eq!(status("customer.acquisition"), Status::NoTarget);

        // In dollars: revenue USD 50.00 against 60.00 ± 10.00 → at risk (exactly the edge);
        // the euro target is not used.
        let usd = scorecard(
            &ws,
            &ScorecardParams {
                currency: Some(cur("USD")),
                ..params()
            },
        )
        .unwrap();
        let r = usd.row("financial.revenue").unwrap();
        assert_eq!(money_of(&r.current), Some(5_000));
        assert_eq!((r.target.unwrap().id, r.status), (id(82), Status::AtRisk));
        // No dollar purchase by a customer in Q, so no dollar lifetime value: no data.
        assert_eq!(money_of(&usd.row("financial.clv").unwrap().previous), None);
    }

    #[test]
    fn lower_is_better_and_boundaries_exactly() {
        let t = |value, tolerance, direction| Target {
            id: id(1),
            measure: measure("sales.cycle_days").unwrap(),
            segment: None,
            value,
            currency: None,
            direction,
            tolerance,
            created_at: Timestamp(0),
        };
        let days = |ms: i64, n: i64| Figure::Days(Ratio::new(ms, n));
        let lower = t(9, 1, Direction::Lower);
        // 9.4 days ≤ 9 + 1 → at risk; exactly 9 → on track; exactly 10 → at risk; 10 days and
        // a millisecond (over one deal) → off track.
        assert_eq!(lower.status(Some(&days(94 * D, 10))), Status::AtRisk);
        assert_eq!(lower.status(Some(&days(9 * D, 1))), Status::OnTrack);
        assert_eq!(lower.status(Some(&days(10 * D, 1))), Status::AtRisk);
        assert_eq!(lower.status(Some(&days(10 * D + 1, 1))), Status::OffTrack);
        assert_eq!(lower.status(None), Status::NoData);
        // Percentages compare exactly: 1/3 is above 3 333 bp and below 3 334 bp.
        let pct = |value, tolerance| Target {
            measure: measure("sales.win_rate").unwrap(),
            ..t(value, tolerance, Direction::Higher)
        };
        let third = Figure::Percent(Ratio::new(1, 3));
        assert_eq!(pct(3_333, 0).status(Some(&third)), Status::OnTrack);
        assert_eq!(pct(3_334, 0).status(Some(&third)), Status::OffTrack);
        assert_eq!(pct(3_334, 1).status(Some(&third)), Status::AtRisk);
        // A cost, lower is better: EUR 12.00 against 10.00 ± 2.00 → at risk; 12.01 → off.
        let cost = |minor| Figure::Money(Money::new(minor, cur("EUR")));
        let c = Target {
            measure: measure("marketing.cost_per_lead").unwrap(),
            currency: Some(cur("EUR")),
            ..t(1_000, 200, Direction::Lower)
        };
        assert_eq!(c.status(Some(&cost(1_200))), Status::AtRisk);
        assert_eq!(c.status(Some(&cost(1_201))), Status::OffTrack);
        assert_eq!(c.status(Some(&cost(0))), Status::OnTrack);
        let dollars = Figure::Money(Money::new(0, cur("USD")));
        assert_eq!(c.status(Some(&dollars)), Status::NoTarget);
    }

    #[test]
    fn a_workspace_without_data() {
        let mut ws = with_pipeline();
        target(&mut ws, 81, "sales.win_rate", &[("target", int(5_000))]);
        let card = scorecard(&ws, &params()).unwrap();
        // Totals and counts are 0; rates and averages have no value.
        assert_eq!(
            money_of(&card.row("financial.revenue").unwrap().current),
            Some(0)
        );
        assert_eq!(
            count_of(&card.row("customer.new_customers").unwrap().current),
            Some(0)
        );
        assert_eq!(
            count_of(&card.row("marketing.leads").unwrap().current),
            Some(0)
        );
        for key in [
            "financial.clv",
            "financial.profit_per_customer",
            "sales.revenue_per_conversion",
        ] {
            assert_eq!(money_of(&card.row(key).unwrap().current), None, "{key}");
        }
        for key in [
            "customer.retention",
            "customer.win_back",
            "customer.acquisition",
            "service.visits_on_time",
            "staff.crm_usage",
            "staff.tasks_on_time",
        ] {
            assert_eq!(ratio_of(&card.row(key).unwrap().current), None, "{key}");
        }
        let r = card.row("sales.win_rate").unwrap();
        assert_eq!((r.current.value(), r.status), (None, Status::NoData));
        assert_eq!(card.row("sales.cycle_days").unwrap().current.value(), None);
        // Revenue 0 both times: no change.
        assert_eq!(
            card.row("financial.revenue").unwrap().trend,
            Some(Trend::Same)
        );
    }

    #[test]
    fn every_deal_lost() {
        let b = base();
        let mut ws = with_pipeline();
        company(&mut ws, 31, &[]);
        for n in [1, 2] {
            deal(
                &mut ws,
                n,
                b + 31 * D,
                "lead",
                eur(10_000),
                &[("company", link(id(31)))],
            );
            lose(&mut ws, n, b + 40 * D, "price");
        }
        let card = scorecard(&ws, &params()).unwrap();
        // Win rate 0/2 is a value (0 %), not "no data"; nothing was earned.
        assert_eq!(
            ratio_of(&card.row("sales.win_rate").unwrap().current),
            Some((0, 2))
        );
        assert_eq!(
            money_of(&card.row("financial.revenue").unwrap().current),
            Some(0)
        );
        assert_eq!(
            money_of(&card.row("sales.revenue_per_conversion").unwrap().current),
            None
        );
        assert_eq!(card.row("sales.cycle_days").unwrap().current.value(), None);
        assert_eq!(money_of(&card.row("financial.clv").unwrap().current), None);
        assert_eq!(
            ratio_of(&card.row("customer.acquisition").unwrap().current),
            None
        );
    }

    #[test]
    fn a_segment_scorecard() {
        let mut ws = fixture();
        // Workspace targets: a rate (win rate) carries over to segments, a total (revenue)
        // does not; a segment's own target wins.
        target(
            &mut ws,
            81,
            "financial.revenue",
            &[("target", int(47_000)), ("currency", text("EUR"))],
        );
        target(&mut ws, 83, "sales.win_rate", &[("target", int(9_000))]);
        target(
            &mut ws,
            84,
            "customer.new_customers",
            &[("target", int(2)), ("segment", text("potential_loyalist"))],
        );
        // RFM over the 12 months before now (2026-03-02), in euros; recency: c34 5 days,
        // c31 15, c32 20, c35 140; purchases: c31 2, c32 2, c34 2, c35 1. With n = 4, score =
        // 1 + ⌊5b/3⌋ capped at 5: R c34 5, c31 4, c32 2, c35 1; F 2, 2, 2, 1. Segments:
        // c31 (4, 2) and c34 (5, 2) potential loyalists, c32 (2, 2) hibernating, c35 (1, 1)
        // lost.
        let card = scorecard(
            &ws,
            &ScorecardParams {
                segment: Some(Segment::PotentialLoyalist),
                ..params()
            },
        )
        .unwrap();
        assert_eq!(card.customers, Some(ids(&[31, 34])));
        // Revenue P: deals 1 (EUR 100.00) and 8 (EUR 20.00), USD 50.00 apart; Q: none.
        let r = card.row("financial.revenue").unwrap();
        assert_eq!(
            (money_of(&r.current), money_of(&r.previous)),
            (Some(12_000), Some(0))
        );
        assert_eq!(measured(&r.current).records, ids(&[1, 3, 8]));
        assert_eq!((r.target, r.status), (None, Status::NoTarget));
        // Win rate P: their deals 1, 3, 8 all won → 3/3 ≥ 90 %: the workspace target holds.
        let r = card.row("sales.win_rate").unwrap();
        assert_eq!(ratio_of(&r.current), Some((3, 3)));
        assert_eq!((r.target.unwrap().id, r.status), (id(83), Status::OnTrack));
        // Lifetime value: c31 10 000 + c34 2 000 over 2: 12 000 × 365/30 / 2 × 25 % × 11/3
        // = 66 916.67 → 66 917.
        assert_eq!(
            money_of(&card.row("financial.clv").unwrap().current),
            Some(66_917)
        );
        // Win-back: of them only c34 had lapsed, and it came back: 1/1. New: c31, 1 < 2.
        assert_eq!(
            ratio_of(&card.row("customer.win_back").unwrap().current),
            Some((1, 1))
        );
        let r = card.row("customer.new_customers").unwrap();
        assert_eq!(
            (count_of(&r.current), r.status),
            (Some(1), Status::OffTrack)
        );
        // Nobody of theirs bought in Q: retention has no value.
        assert_eq!(
            ratio_of(&card.row("customer.retention").unwrap().current),
            None
        );
        // Neither is visited periodically.
        assert_eq!(
            ratio_of(&card.row("service.visits_on_time").unwrap().current),
            None
        );
        // Workspace-wide measures do not apply.
        for key in ["marketing.leads", "staff.crm_usage", "staff.tasks_on_time"] {
            let r = card.row(key).unwrap();
            assert_eq!(
                (&r.current, r.status),
                (&Reading::NotApplicable, Status::NotApplicable)
            );
        }
        // Not tracked stays not tracked.
        assert_eq!(
            card.row("service.sla_met").unwrap().status,
            Status::NotTracked
        );

        // A segment without customers: zero totals, no rates.
        let empty = scorecard(
            &ws,
            &ScorecardParams {
                segment: Some(Segment::Champions),
                ..params()
            },
        )
        .unwrap();
        assert_eq!(empty.customers, Some(vec![]));
        assert_eq!(
            money_of(&empty.row("financial.revenue").unwrap().current),
            Some(0)
        );
        assert_eq!(
            count_of(&empty.row("customer.new_customers").unwrap().current),
            Some(0)
        );
        let r = empty.row("sales.win_rate").unwrap();
        assert_eq!((r.current.value(), r.status), (None, Status::NoData));
        assert_eq!(money_of(&empty.row("financial.clv").unwrap().current), None);
    }

    #[test]
    fn periods_are_checked() {
        let ws = with_pipeline();
        let mut p = params();
        p.period = Period::new(Timestamp(5), Timestamp(5));
        assert_eq!(scorecard(&ws, &p), Err(AnalyticsError::EmptyPeriod));
        let mut p = params();
        p.previous = Some(Period::new(p.period.from, p.period.to));
        assert_eq!(scorecard(&ws, &p), Err(AnalyticsError::BadPeriods));
        // A previous period given explicitly, with a gap before P, is fine.
        let mut p = params();
        p.previous = Some(Period::new(Timestamp(0), Timestamp(D)));
        assert_eq!(
            scorecard(&ws, &p).unwrap().previous,
            Period::new(Timestamp(0), Timestamp(D))
        );
    }
}
