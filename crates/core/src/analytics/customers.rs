//! Customer measures: RFM scores and segments, lifetime value, the 80/20 view, retention and
//! churn by period, and the life cycle stage.
//!
//! A *customer* is a live company with a live won deal; a *purchase* is a won deal, dated by
//! its `closed_at` (won deals without it count only for the life cycle, see [`LifeCycle`]).
//!
//! # RFM
//!
//! Over a window `[from, to)`, the customers are the companies with a purchase in it:
//! - **recency**: whole days (rounded down, never below 0) from the latest purchase in the
//!   window to `now`;
//! - **frequency**: purchases in the window (in any currency);
//! - **monetary**: their value in the RFM currency (see the module docs of `analytics`:
//!   amounts in other currencies are listed apart in `other_currencies` and add nothing).
//!
//! Each is scored 1–5 by quintile of rank, recency reversed (more recent is better):
//!
//! **score = min(5, 1 + ⌊5 × b / (n − 1)⌋)**, where `n` is the number of customers and `b`
//! the number of them with a strictly *worse* value (fewer purchases, less money, more days
//! since the latest purchase); with a single customer, `b / (n − 1)` counts as 0.
//!
//! So the score says which fifth of the other customers a customer beats: one who beats
//! them all scores 5, one who beats none scores 1, and with distinct values the customers
//! spread evenly (10 customers: two of each score). Equal values always get the same score,
//! the one where their tie starts: if most customers bought once, they all score F = 1, and
//! if everyone ties (or there is one customer) everyone scores 1. The order of records never
//! matters.
//!
//! # Segments
//!
//! A customer's segment follows from its R and F scores alone (monetary colours the RFM grid
//! but does not change the segment), by this table; [`SEGMENT_RULES`] holds it and a test
//! checks that every (R, F) pair falls under exactly one rule:
//!
//! | segment | R | F |
//! |---|---|---|
//! | Champions | 5 | 4–5 |
//! | Loyal | 3–4 | 4–5 |
//! | Potential loyalist | 4–5 | 2–3 |
//! | New | 5 | 1 |
//! | Promising | 4 | 1 |
//! | Needs attention | 3 | 3 |
//! | About to sleep | 3 | 1–2 |
//! | Can't lose them | 1–2 | 5 |
//! | At risk | 1–2 | 3–4 |
//! | Hibernating | 2 | 1–2 |
//! | Lost | 1 | 1–2 |
//!
//! The same as a grid (rows R, columns F):
//!
//! | R \ F | 1 | 2 | 3 | 4 | 5 |
//! |---|---|---|---|---|---|
//! | 5 | New | Potential loyalist | Potential loyalist | Champions | Champions |
//! | 4 | Promising | Potential loyalist | Potential loyalist | Loyal | Loyal |
//! | 3 | About to sleep | About to sleep | Needs attention | Loyal | Loyal |
//! | 2 | Hibernating | Hibernating | At risk | At risk | Can't lose them |
//! | 1 | Lost | Lost | At risk | At risk | Can't lose them |

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{
    AnalyticsError, DAY_MS, PerCurrency, Period, Ratio, Status, add, money_field, months_before,
    ref_field, status, time_field,
};
use crate::id::Id;
use crate::money::{Currency, Money};
use crate::record::Record;
use crate::schema::Kind;
use crate::time::Timestamp;
use crate::workspace::Workspace;

/// A year for lifetime value: 365 days, so a window of the last 365 days is exactly one year.
pub const YEAR_MS: i64 = 365 * DAY_MS;

/// A purchase: a live won deal of a live company.
struct Purchase<'a> {
    deal: &'a Record,
    company: Id,
    at: Option<Timestamp>,
    value: Option<Money>,
}

fn purchases(ws: &Workspace) -> impl Iterator<Item = Purchase<'_>> {
    ws.live(Kind::Deal).filter_map(move |d| {
        if status(d) != Some(Status::Won) {
            return None;
        }
        let company = ref_field(d, "company")?;
        if ws
            .get(Kind::Company, company)
            .is_none_or(|c| c.is_trashed())
        {
            return None;
        }
        Some(Purchase {
            deal: d,
            company,
            at: time_field(d, "closed_at"),
            value: money_field(d, "value"),
        })
    })
}

// ----- RFM -----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RfmParams {
    pub window: Period,
    pub now: Timestamp,
    /// The currency of the monetary score; `None`: `Workspace::default_currency`.
    pub currency: Option<Currency>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    Champions,
    Loyal,
    PotentialLoyalist,
    New,
    Promising,
    NeedsAttention,
    AboutToSleep,
    AtRisk,
    CantLoseThem,
    Hibernating,
    Lost,
}

/// One row of the segment table: scores `r.0..=r.1` and `f.0..=f.1` make `segment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentRule {
    pub segment: Segment,
    pub r: (u8, u8),
    pub f: (u8, u8),
}

impl SegmentRule {
    const fn new(segment: Segment, r: (u8, u8), f: (u8, u8)) -> Self {
        Self { segment, r, f }
    }

    pub fn matches(&self, r: u8, f: u8) -> bool {
        (self.r.0..=self.r.1).contains(&r) && (self.f.0..=self.f.1).contains(&f)
    }
}

/// The segment table of the module docs.
pub const SEGMENT_RULES: [SegmentRule; 11] = [
    SegmentRule::new(Segment::Champions, (5, 5), (4, 5)),
    SegmentRule::new(Segment::Loyal, (3, 4), (4, 5)),
    SegmentRule::new(Segment::PotentialLoyalist, (4, 5), (2, 3)),
    SegmentRule::new(Segment::New, (5, 5), (1, 1)),
    SegmentRule::new(Segment::Promising, (4, 4), (1, 1)),
    SegmentRule::new(Segment::NeedsAttention, (3, 3), (3, 3)),
    SegmentRule::new(Segment::AboutToSleep, (3, 3), (1, 2)),
    SegmentRule::new(Segment::CantLoseThem, (1, 2), (5, 5)),
    SegmentRule::new(Segment::AtRisk, (1, 2), (3, 4)),
    SegmentRule::new(Segment::Hibernating, (2, 2), (1, 2)),
    SegmentRule::new(Segment::Lost, (1, 1), (1, 2)),
];

impl Segment {
    pub const ALL: [Segment; 11] = [
        Segment::Champions,
        Segment::Loyal,
        Segment::PotentialLoyalist,
        Segment::New,
        Segment::Promising,
        Segment::NeedsAttention,
        Segment::AboutToSleep,
        Segment::AtRisk,
        Segment::CantLoseThem,
        Segment::Hibernating,
        Segment::Lost,
    ];

    /// The segment of scores `r` and `f` (each taken as 1–5, out-of-range values clamped).
    pub fn of(r: u8, f: u8) -> Segment {
        let (r, f) = (r.clamp(1, 5), f.clamp(1, 5));
        SEGMENT_RULES
            .iter()
            .find(|rule| rule.matches(r, f))
            // The table covers every pair (tested), so this fallback is never taken.
            .map_or(Segment::Lost, |rule| rule.segment)
    }

    /// The segment whose [`key`](Segment::key) is `key`.
    pub fn from_key(key: &str) -> Option<Segment> {
        Segment::ALL.into_iter().find(|s| s.key() == key)
    }

    /// A stable key for translations and saved views: `champions`, `cant_lose_them`, ….
    pub fn key(self) -> &'static str {
        match self {
            Segment::Champions => "champions",
            Segment::Loyal => "loyal",
            Segment::PotentialLoyalist => "potential_loyalist",
            Segment::New => "new",
            Segment::Promising => "promising",
            Segment::NeedsAttention => "needs_attention",
            Segment::AboutToSleep => "about_to_sleep",
            Segment::AtRisk => "at_risk",
            Segment::CantLoseThem => "cant_lose_them",
            Segment::Hibernating => "hibernating",
            Segment::Lost => "lost",
        }
    }
}

/// One customer's RFM figures and scores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RfmRow {
    pub company: Id,
    /// Its purchases in the window, in id order.
    pub deals: Vec<Id>,
    /// The latest of them (ties: the smallest id).
    pub last_deal: Id,
    pub recency_days: i64,
    pub frequency: u32,
    /// Minor units of the RFM currency.
    pub monetary: i64,
    /// Purchases in the window in other currencies: shown, never scored.
    pub other_currencies: PerCurrency,
    pub r: u8,
    pub f: u8,
    pub m: u8,
    pub segment: Segment,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rfm {
    pub currency: Currency,
    /// In company id order.
    pub customers: Vec<RfmRow>,
}

impl Rfm {
    /// The customers in one cell of the recency × frequency grid.
    pub fn cell(&self, r: u8, f: u8) -> impl Iterator<Item = &RfmRow> {
        self.customers.iter().filter(move |c| c.r == r && c.f == f)
    }

    pub fn segment(&self, segment: Segment) -> impl Iterator<Item = &RfmRow> {
        self.customers.iter().filter(move |c| c.segment == segment)
    }
}

/// Quintile scores of `values` (larger is better), in their order; see the module docs.
pub fn quintile_scores(values: &[i64]) -> Vec<u8> {
    let n = values.len();
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    values
        .iter()
        .map(|v| {
            let below = sorted.partition_point(|x| x < v);
            if n < 2 {
                return 1;
            }
            let score = 1 + 5 * below / (n - 1);
            // At most 5: `below` ≤ n − 1, so the quotient is at most 5 and capped below.
            score.min(5) as u8
        })
        .collect()
}

/// RFM per customer; see the module docs for the rules.
pub fn rfm(ws: &Workspace, params: &RfmParams) -> Rfm {
    let currency = params.currency.unwrap_or_else(|| ws.default_currency());
    struct Acc {
        deals: Vec<Id>,
        last: (Timestamp, std::cmp::Reverse<Id>),
        monetary: i64,
        other: PerCurrency,
    }
    let mut acc: BTreeMap<Id, Acc> = BTreeMap::new();
    for p in purchases(ws) {
        let Some(at) = p.at.filter(|t| params.window.contains(*t)) else {
            continue;
        };
        let key = (at, std::cmp::Reverse(p.deal.id));
        let a = acc.entry(p.company).or_insert_with(|| Acc {
            deals: Vec::new(),
            last: key,
            monetary: 0,
            other: PerCurrency::new(),
        });
        a.deals.push(p.deal.id);
        a.last = a.last.max(key);
        match p.value {
            Some(v) if v.currency == currency => a.monetary = a.monetary.saturating_add(v.minor),
            Some(v) => add(&mut a.other, v),
            None => {}
        }
    }
    let rows: Vec<(Id, Acc, i64)> = acc
        .into_iter()
        .map(|(company, a)| {
            let days = params.now.since(a.last.0).max(0) / DAY_MS;
            (company, a, days)
        })
        .collect();
    // Recency is reversed: fewer days is better, so rank the negated days.
    let r = quintile_scores(&rows.iter().map(|x| -x.2).collect::<Vec<_>>());
    let f = quintile_scores(
        &rows
            .iter()
            .map(|x| x.1.deals.len() as i64)
            .collect::<Vec<_>>(),
    );
    let m = quintile_scores(&rows.iter().map(|x| x.1.monetary).collect::<Vec<_>>());
    let customers = rows
        .into_iter()
        .enumerate()
        .map(|(i, (company, a, days))| RfmRow {
            company,
            last_deal: a.last.1.0,
            recency_days: days,
            frequency: u32::try_from(a.deals.len()).unwrap_or(u32::MAX),
            monetary: a.monetary,
            other_currencies: a.other,
            deals: a.deals,
            r: r[i],
            f: f[i],
            m: m[i],
            segment: Segment::of(r[i], f[i]),
        })
        .collect();
    Rfm {
        currency,
        customers,
    }
}

// ----- lifetime value -----

/// Lifetime value parameters; the team's are stored in the workspace
/// ([`ClvParams::of_workspace`], [`Workspace::clv_settings`]). Rates are in basis points:
/// 10 000 = 100 %.
///
/// Per customer, from its purchases in `window` in `currency` (purchases in other currencies
/// are left out; there are no exchange rates):
/// - `annual revenue = revenue in the window × YEAR_MS / window length` (a year is 365 days);
/// - **simple** = average order value × purchases per year × expected lifespan in years
///   = annual revenue × `lifespan_months` / 12;
/// - **margin-based** = simple × `margin_bp`;
/// - **discounted** = m (1 + d) / (1 + d − r) (the formula in `crm-concepts.md`), with m the
///   yearly margin (annual revenue × `margin_bp`), r = `retention_bp` (the share of customers
///   kept each year) and d = `discount_bp` (the yearly discount rate): this year's margin plus
///   every later year's while the customer stays, discounted.
///
/// Each value is computed exactly in integers and rounded once, half away from zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClvParams {
    pub window: Period,
    /// `None`: `Workspace::default_currency`.
    pub currency: Option<Currency>,
    pub lifespan_months: u32,
    pub margin_bp: u32,
    pub retention_bp: u32,
    pub discount_bp: u32,
}

impl ClvParams {
    /// The defaults a new workspace starts from ([`ClvSettings::default`]).
    pub fn new(window: Period) -> Self {
        Self::with_settings(window, ClvSettings::default())
    }

    /// `settings` over `window`, in the workspace's default currency.
    pub fn with_settings(window: Period, settings: ClvSettings) -> Self {
        Self {
            window,
            currency: None,
            lifespan_months: settings.lifespan_months,
            margin_bp: settings.margin_bp,
            retention_bp: settings.retention_bp,
            discount_bp: settings.discount_bp,
        }
    }

    /// The parameters the team set in the workspace ([`Workspace::clv_settings`]).
    pub fn of_workspace(ws: &Workspace, window: Period) -> Self {
        Self::with_settings(window, ws.clv_settings())
    }
}

/// The lifetime value parameters a workspace stores (the `settings` record kind, fields
/// `clv_lifespan_months`, `clv_margin_bp`, `clv_retention_bp`, `clv_discount_bp`); see
/// [`ClvParams`] for what each means. Rates in basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClvSettings {
    pub lifespan_months: u32,
    pub margin_bp: u32,
    pub retention_bp: u32,
    pub discount_bp: u32,
}

impl Default for ClvSettings {
    /// A 3-year lifespan, 100 % margin (so the margin-based value equals the simple one
    /// until the team sets a margin), 80 % retention and a 10 % discount rate.
    fn default() -> Self {
        Self {
            lifespan_months: 36,
            margin_bp: 10_000,
            retention_bp: 8_000,
            discount_bp: 1_000,
        }
    }
}

impl Workspace {
    /// The live settings records, the one to edit first: oldest `created_at`, then smallest
    /// id. Normally there is one; two devices creating one at once make two, and both are read.
    fn settings_records(&self) -> Vec<&Record> {
        let mut all: Vec<&Record> = self.live(Kind::Setting).collect();
        all.sort_by_key(|r| (r.created_at, r.id));
        all
    }

    /// The settings record a settings screen should update (`None`: create one).
    pub fn settings_record(&self) -> Option<Id> {
        self.settings_records().first().map(|r| r.id)
    }

    /// The lifetime value parameters set in the workspace. Each one is read from the first
    /// settings record (in [`settings_record`](Workspace::settings_record) order) that sets
    /// it, so values written concurrently on two devices into two records are not lost; a
    /// parameter nobody set takes its [`ClvSettings::default`].
    pub fn clv_settings(&self) -> ClvSettings {
        let records = self.settings_records();
        let read = |name: &str, default: u32| {
            records
                .iter()
                .find_map(|r| match r.get(name) {
                    Some(crate::value::FieldValue::Int(n)) => u32::try_from(*n).ok(),
                    _ => None,
                })
                .unwrap_or(default)
        };
        let d = ClvSettings::default();
        ClvSettings {
            lifespan_months: read("clv_lifespan_months", d.lifespan_months),
            margin_bp: read("clv_margin_bp", d.margin_bp),
            retention_bp: read("clv_retention_bp", d.retention_bp),
            discount_bp: read("clv_discount_bp", d.discount_bp),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClvRow {
    pub company: Id,
    /// Its purchases in the window in the CLV currency.
    pub deals: Vec<Id>,
    /// Their total, minor units.
    pub revenue: i64,
    pub average_order: Money,
    pub purchases_per_year: f64,
    pub simple: Money,
    pub margin: Money,
    pub discounted: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clv {
    pub currency: Currency,
    /// In company id order.
    pub customers: Vec<ClvRow>,
    /// The average customer's simple, margin-based and discounted value (from the exact
    /// totals, rounded once); `None` without customers.
    pub average: Option<(Money, Money, Money)>,
}

/// The three lifetime values of `revenue` earned over `customers` customers.
pub(super) fn clv_values(
    revenue: i64,
    customers: i128,
    window_ms: i128,
    p: &ClvParams,
) -> Result<(i64, i64, i64), AnalyticsError> {
    let of = |num: Option<i128>, den: Option<i128>| -> Result<i64, AnalyticsError> {
        let v = super::div_round(
            num.ok_or(AnalyticsError::Overflow)?,
            den.ok_or(AnalyticsError::Overflow)?,
        )
        .ok_or(AnalyticsError::InfiniteValue)?;
        i64::try_from(v).map_err(|_| AnalyticsError::Overflow)
    };
    // annual revenue = revenue × YEAR / (window × customers)
    let annual = i128::from(revenue).checked_mul(i128::from(YEAR_MS));
    let per = window_ms.checked_mul(customers);
    let lifespan = i128::from(p.lifespan_months);
    let margin = i128::from(p.margin_bp);
    let simple = of(
        annual.and_then(|a| a.checked_mul(lifespan)),
        per.and_then(|d| d.checked_mul(12)),
    )?;
    let with_margin = of(
        annual.and_then(|a| a.checked_mul(lifespan)?.checked_mul(margin)),
        per.and_then(|d| d.checked_mul(12 * 10_000)),
    )?;
    // m (1 + d) / (1 + d − r) with every rate in basis points:
    // annual × margin/10⁴ × (10⁴ + d) / (10⁴ + d − r).
    let r = i128::from(p.retention_bp);
    let d = i128::from(p.discount_bp);
    let discounted = of(
        annual.and_then(|a| a.checked_mul(margin)?.checked_mul(10_000 + d)),
        per.and_then(|x| x.checked_mul(10_000 * (10_000 + d - r))),
    )?;
    Ok((simple, with_margin, discounted))
}

/// Lifetime value per customer and for the average customer; see [`ClvParams`].
pub fn clv(ws: &Workspace, params: &ClvParams) -> Result<Clv, AnalyticsError> {
    let window_ms = i128::from(params.window.millis());
    if window_ms == 0 {
        return Err(AnalyticsError::EmptyPeriod);
    }
    if params.margin_bp > 10_000 {
        return Err(AnalyticsError::OutOfRange("the margin"));
    }
    if params.retention_bp > 10_000 {
        return Err(AnalyticsError::OutOfRange("the retention rate"));
    }
    if params.retention_bp == 10_000 && params.discount_bp == 0 {
        return Err(AnalyticsError::InfiniteValue);
    }
    let currency = params.currency.unwrap_or_else(|| ws.default_currency());
    let mut acc: BTreeMap<Id, (Vec<Id>, i64)> = BTreeMap::new();
    for p in purchases(ws) {
        if !p.at.is_some_and(|t| params.window.contains(t)) {
            continue;
        }
        let Some(v) = p.value.filter(|v| v.currency == currency) else {
            continue;
        };
        let slot = acc.entry(p.company).or_default();
        slot.0.push(p.deal.id);
        slot.1 = slot.1.saturating_add(v.minor);
    }
    let money = |minor| Money::new(minor, currency);
    let mut total: i64 = 0;
    let mut customers = Vec::with_capacity(acc.len());
    for (company, (deals, revenue)) in acc {
        total = total.saturating_add(revenue);
        let (simple, margin, discounted) = clv_values(revenue, 1, window_ms, params)?;
        let n = deals.len() as i128;
        customers.push(ClvRow {
            company,
            average_order: money(super::clamp_i64(
                super::div_round(i128::from(revenue), n).unwrap_or(0),
            )),
            purchases_per_year: deals.len() as f64 * YEAR_MS as f64 / window_ms as f64,
            revenue,
            deals,
            simple: money(simple),
            margin: money(margin),
            discounted: money(discounted),
        });
    }
    let average = if customers.is_empty() {
        None
    } else {
        let (s, m, d) = clv_values(total, customers.len() as i128, window_ms, params)?;
        Some((money(s), money(m), money(d)))
    };
    Ok(Clv {
        currency,
        customers,
        average,
    })
}

// ----- 80/20 -----

/// How much of one currency's revenue the top fifth of its customers bring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pareto {
    /// The top fifth of the customers (the count rounded up), by revenue, largest first
    /// (ties: smaller company id first, so a tie at the cut is decided by id).
    pub top: Vec<Id>,
    /// The other customers, in the same order.
    pub rest: Vec<Id>,
    pub top_revenue: i64,
    pub total_revenue: i64,
    /// top revenue / total revenue.
    pub share: Ratio,
}

/// The 80/20 view of the purchases in `window`, separately for each currency (a customer
/// buying in two currencies is a customer in both).
pub fn pareto(ws: &Workspace, window: Period) -> BTreeMap<Currency, Pareto> {
    let mut by: BTreeMap<Currency, HashMap<Id, i64>> = BTreeMap::new();
    for p in purchases(ws) {
        if !p.at.is_some_and(|t| window.contains(t)) {
            continue;
        }
        if let Some(v) = p.value {
            let slot = by
                .entry(v.currency)
                .or_default()
                .entry(p.company)
                .or_default();
            *slot = slot.saturating_add(v.minor);
        }
    }
    by.into_iter()
        .map(|(currency, revenue)| {
            let mut ranked: Vec<(Id, i64)> = revenue.into_iter().collect();
            ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let k = ranked.len().div_ceil(5);
            let total = ranked.iter().fold(0i64, |s, x| s.saturating_add(x.1));
            let top = ranked[..k].iter().fold(0i64, |s, x| s.saturating_add(x.1));
            let ids = |xs: &[(Id, i64)]| xs.iter().map(|x| x.0).collect();
            (
                currency,
                Pareto {
                    top: ids(&ranked[..k]),
                    rest: ids(&ranked[k..]),
                    top_revenue: top,
                    total_revenue: total,
                    share: Ratio::new(top, total),
                },
            )
        })
        .collect()
}

// ----- retention -----

/// Retention into one period from the one before it in the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRow {
    pub period: Period,
    /// Customers with a purchase in this period.
    pub active: Vec<Id>,
    /// Customers with a purchase in the previous period (none for the first).
    pub previous: Vec<Id>,
    /// Previous customers who bought again in this period.
    pub retained: Vec<Id>,
    /// Previous customers who did not.
    pub churned: Vec<Id>,
    /// Active customers who did not buy in the previous period (new or returning).
    pub gained: Vec<Id>,
    /// retained / previous.
    pub retention: Ratio,
    /// churned / previous = 1 − retention.
    pub churn: Ratio,
}

/// Retention and churn for each period of `periods` (each compared with the one before it;
/// `Period::months` makes monthly ones). The periods must be non-empty, in order and not
/// overlapping; gaps between them are allowed.
pub fn retention(ws: &Workspace, periods: &[Period]) -> Result<Vec<RetentionRow>, AnalyticsError> {
    let ordered =
        periods.iter().all(|p| p.from < p.to) && periods.windows(2).all(|w| w[0].to <= w[1].from);
    if !ordered {
        return Err(AnalyticsError::BadPeriods);
    }
    let mut active: Vec<BTreeSet<Id>> = vec![BTreeSet::new(); periods.len()];
    for p in purchases(ws) {
        let Some(at) = p.at else { continue };
        let i = periods.partition_point(|q| q.from <= at);
        if i > 0 && periods[i - 1].contains(at) {
            active[i - 1].insert(p.company);
        }
    }
    let empty = BTreeSet::new();
    Ok(periods
        .iter()
        .enumerate()
        .map(|(i, period)| {
            let now = &active[i];
            let before = if i == 0 { &empty } else { &active[i - 1] };
            let retained: Vec<Id> = before.intersection(now).copied().collect();
            let churned: Vec<Id> = before.difference(now).copied().collect();
            let n = before.len() as i64;
            RetentionRow {
                period: *period,
                active: now.iter().copied().collect(),
                previous: before.iter().copied().collect(),
                retention: Ratio::new(retained.len() as i64, n),
                churn: Ratio::new(churned.len() as i64, n),
                gained: now.difference(before).copied().collect(),
                retained,
                churned,
            }
        })
        .collect())
}

// ----- life cycle -----

/// Where a company stands in the customer life cycle (Kalakota): acquire new customers,
/// enhance the profit from new ones, retain the established ones.
///
/// | stage | rule (at `now`) |
/// |---|---|
/// | Acquire | no won deal, but an open deal or an activity (its `company`, its deal's company or one of its contacts' company) |
/// | Enhance | its first won deal closed within the last `enhance_months` calendar months: `closed_at` ≥ `now` − `enhance_months` |
/// | Retain | a customer whose first won deal closed before that (or whose won deals all lack `closed_at`) |
///
/// A company with none of these (no deals, or only lost ones, and no activity) has no stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LifeCycle {
    Acquire,
    Enhance,
    Retain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LifeCycleParams {
    pub now: Timestamp,
    /// 12 by default: a customer is new for a year.
    pub enhance_months: u32,
}

impl LifeCycleParams {
    pub fn new(now: Timestamp) -> Self {
        Self {
            now,
            enhance_months: 12,
        }
    }
}

/// The life cycle stage of every live company that has one; see [`LifeCycle`].
pub fn life_cycle(ws: &Workspace, params: &LifeCycleParams) -> BTreeMap<Id, LifeCycle> {
    let live_company = |c: Id| ws.get(Kind::Company, c).is_some_and(|r| !r.is_trashed());
    // Per company: the first won closing time (`Some(None)`: won, but never dated).
    let mut first_win: HashMap<Id, Option<Timestamp>> = HashMap::new();
    for p in purchases(ws) {
        let slot = first_win.entry(p.company).or_insert(p.at);
        *slot = match (*slot, p.at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let cutoff = months_before(params.now, params.enhance_months);
    let mut out: BTreeMap<Id, LifeCycle> = first_win
        .into_iter()
        .map(|(c, first)| {
            let stage = match first {
                Some(t) if t >= cutoff => LifeCycle::Enhance,
                _ => LifeCycle::Retain,
            };
            (c, stage)
        })
        .collect();
    let mut prospect = |c: Option<Id>| {
        if let Some(c) = c.filter(|&c| live_company(c)) {
            out.entry(c).or_insert(LifeCycle::Acquire);
        }
    };
    for d in ws.live(Kind::Deal) {
        if status(d) == Some(Status::Open) {
            prospect(ref_field(d, "company"));
        }
    }
    for a in ws.live(Kind::Activity) {
        prospect(ref_field(a, "company"));
        prospect(
            ref_field(a, "deal")
                .and_then(|d| ws.get(Kind::Deal, d))
                .and_then(|d| ref_field(d, "company")),
        );
        if let Some(contacts) = a.get("contacts").and_then(crate::value::FieldValue::as_set) {
            for c in contacts.keys().filter_map(|k| k.parse::<Id>().ok()) {
                prospect(
                    ws.get(Kind::Contact, c)
                        .and_then(|c| ref_field(c, "company")),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::fixture::*;
    use crate::pipeline::days_from_civil;
    use crate::testutil::*;
    use crate::value::FieldValue;

    fn cur(code: &str) -> Currency {
        code.parse().unwrap()
    }

    fn ids(ns: &[u64]) -> Vec<Id> {
        ns.iter().map(|&n| id(n)).collect()
    }

    /// A deal of company `c` won at `at`.
    fn bought(ws: &mut Workspace, n: u64, c: u64, value: FieldValue, at: i64) {
        deal(ws, n, at - D, "lead", value, &[("company", link(id(c)))]);
        win(ws, n, at);
    }

    #[test]
    fn quintile_scores_spread_evenly_and_keep_ties_together() {
        // Ten distinct values: b / 9 × 5 for b = 0…9 → 0, 0.56, 1.1, 1.7, 2.2, 2.8, 3.3, 3.9,
        // 4.4, 5 → scores 1,1,2,2,3,3,4,4,5,5 (5 capped), whatever the input order.
        assert_eq!(
            quintile_scores(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
            [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        );
        assert_eq!(quintile_scores(&[10, 1, 9, 2]), [5, 1, 4, 2]); // b/3×5: 5, 0, 3.3, 1.7
        // A tie across the 2|3 boundary (positions 3 and 4): both have b = 3 → 1 + ⌊15/9⌋ = 2,
        // the score where the tie starts; the next value has b = 5 → 1 + ⌊25/9⌋ = 3.
        assert_eq!(
            quintile_scores(&[10, 20, 30, 40, 40, 60, 70, 80, 90, 100]),
            [1, 1, 2, 2, 2, 3, 4, 4, 5, 5]
        );
        // A tie at the top: b = 8 for both → 1 + ⌊40/9⌋ = 5.
        assert_eq!(
            quintile_scores(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 9])[8..],
            [5, 5]
        );
        // Most customers bought once: they all score 1; the two others beat 8 of 9 → 5.
        assert_eq!(
            quintile_scores(&[1, 1, 1, 1, 1, 1, 1, 1, 2, 3]),
            [1, 1, 1, 1, 1, 1, 1, 1, 5, 5]
        );
        // Everyone equal, one customer, none.
        assert_eq!(quintile_scores(&[7, 7, 7]), [1, 1, 1]);
        assert_eq!(quintile_scores(&[7]), [1]);
        assert!(quintile_scores(&[]).is_empty());
        // Two customers: the better beats all the others → 5.
        assert_eq!(quintile_scores(&[3, 1]), [5, 1]);
    }

    #[test]
    fn segment_rules_cover_every_score_pair_exactly_once() {
        for r in 1..=5u8 {
            for f in 1..=5u8 {
                let matching: Vec<_> = SEGMENT_RULES
                    .iter()
                    .filter(|x| x.r.0 <= r && r <= x.r.1 && x.f.0 <= f && f <= x.f.1)
                    .collect();
                assert_eq!(matching.len(), 1, "R{r} F{f}: {matching:?}");
            }
        }
        // Every segment is reachable, and the grid in the module docs is this table.
        use Segment::*;
        let grid = [
            [
                New,
                PotentialLoyalist,
                PotentialLoyalist,
                Champions,
                Champions,
            ],
            [
                Promising,
                PotentialLoyalist,
                PotentialLoyalist,
                Loyal,
                Loyal,
            ],
            [AboutToSleep, AboutToSleep, NeedsAttention, Loyal, Loyal],
            [Hibernating, Hibernating, AtRisk, AtRisk, CantLoseThem],
            [Lost, Lost, AtRisk, AtRisk, CantLoseThem],
        ];
        for (row, r) in grid.iter().zip([5u8, 4, 3, 2, 1]) {
            for (expected, f) in row.iter().zip(1u8..) {
                assert_eq!(Segment::of(r, f), *expected, "R{r} F{f}");
            }
        }
        for s in Segment::ALL {
            assert!(grid.iter().flatten().any(|x| *x == s), "{s:?} unreachable");
        }
        assert_eq!(Segment::of(9, 0), Segment::New); // clamped to R5 F1
    }

    #[test]
    fn rfm_scores_and_segments() {
        let mut ws = with_pipeline();
        let b = 1_000 * D;
        for c in [31, 32, 33, 34, 35, 36, 37, 38] {
            company(&mut ws, c, &[]);
        }
        // Window [b, b + 100 d), now = b + 100 d.
        bought(&mut ws, 1, 31, eur(10_000), b + 95 * D); // c31: days 95, 90, 50 → R 5 d, F 3, M 300.00
        bought(&mut ws, 2, 31, eur(10_000), b + 90 * D);
        bought(&mut ws, 3, 31, eur(10_000), b + 50 * D);
        bought(&mut ws, 4, 32, eur(50_000), b + 80 * D); // c32: R 20 d, F 1, M 500.00
        bought(&mut ws, 5, 33, eur(5_000), b + 80 * D); // c33: R 20 d, F 2, M 100.00
        bought(&mut ws, 6, 33, eur(5_000), b + 10 * D);
        bought(&mut ws, 7, 34, eur(100_000), b + 30 * D); // c34: R 70 d, F 1, M 1000.00
        bought(&mut ws, 8, 35, eur(2_000), b + 5 * D); // c35: R 95 d, F 1, M 20.00
        bought(&mut ws, 9, 38, money(7_000, "USD"), b + 60 * D); // c38: R 40 d, F 1, M 0 (USD 70 apart)
        deal(&mut ws, 10, b, "lead", eur(1), &[("company", link(id(36)))]);
        lose(&mut ws, 10, b + 50 * D, "price"); // c36: only lost: not a customer
        bought(&mut ws, 11, 37, eur(1), b - 5 * D); // c37: bought before the window
        // EUR is the commonest deal currency, hence the default.

        let got = rfm(
            &ws,
            &RfmParams {
                window: Period::new(Timestamp(b), Timestamp(b + 100 * D)),
                now: Timestamp(b + 100 * D),
                currency: None,
            },
        );
        assert_eq!(got.currency, cur("EUR"));
        // n = 6 customers, so score = min(5, 1 + ⌊5b/5⌋) = min(5, 1 + b).
        // R (b = customers with more days): c31 5 d beats 5 → 5; c32, c33 20 d beat 70, 95, 40
        //   → 4; c34 70 d beats 95 → 2; c35 → 1; c38 40 d beats 70, 95 → 3.
        // F (b = fewer purchases): c31 3 beats 5 → 5; c33 2 beats the four 1s → 5; others 1.
        // M: 0 (c38) → 1, 2 000 (c35) → 2, 10 000 (c33) → 3, 30 000 (c31) → 4,
        //   50 000 (c32) → 5, 100 000 (c34) → 5 (capped).
        let table: Vec<_> = got
            .customers
            .iter()
            .map(|c| {
                (
                    c.company,
                    c.recency_days,
                    c.frequency,
                    c.monetary,
                    c.r,
                    c.f,
                    c.m,
                    c.segment,
                )
            })
            .collect();
        use Segment::*;
        assert_eq!(
            table,
            [
                (id(31), 5, 3, 30_000, 5, 5, 4, Champions),
                (id(32), 20, 1, 50_000, 4, 1, 5, Promising),
                (id(33), 20, 2, 10_000, 4, 5, 3, Loyal),
                (id(34), 70, 1, 100_000, 2, 1, 5, Hibernating),
                (id(35), 95, 1, 2_000, 1, 1, 2, Lost),
                (id(38), 40, 1, 0, 3, 1, 1, AboutToSleep),
            ]
        );
        let c31 = &got.customers[0];
        assert_eq!((c31.deals.clone(), c31.last_deal), (ids(&[1, 2, 3]), id(1)));
        let c38 = &got.customers[5];
        assert_eq!(
            c38.other_currencies,
            [(cur("USD"), 7_000)].into_iter().collect()
        );
        assert_eq!(
            got.cell(4, 1).map(|c| c.company).collect::<Vec<_>>(),
            [id(32)]
        );
        assert_eq!(
            got.segment(Lost).map(|c| c.company).collect::<Vec<_>>(),
            [id(35)]
        );

        // Monetary in dollars instead: c38 has USD 70.00, everyone else 0. The five zeros tie
        // (b = 0 → 1); c38 beats five → 5. R and F do not depend on the currency.
        let usd = rfm(
            &ws,
            &RfmParams {
                window: Period::new(Timestamp(b), Timestamp(b + 100 * D)),
                now: Timestamp(b + 100 * D),
                currency: Some(cur("USD")),
            },
        );
        let m: Vec<_> = usd.customers.iter().map(|c| c.m).collect();
        assert_eq!(m, [1, 1, 1, 1, 1, 5]);
        assert_eq!(
            usd.customers[0].other_currencies,
            [(cur("EUR"), 30_000)].into_iter().collect()
        );
        assert_eq!(usd.customers[0].r, 5);
    }

    #[test]
    fn rfm_without_purchases_has_no_customers() {
        let mut ws = with_pipeline();
        company(&mut ws, 31, &[]);
        let params = RfmParams {
            window: Period::new(Timestamp(0), Timestamp(100 * D)),
            now: Timestamp(100 * D),
            currency: None,
        };
        assert!(rfm(&ws, &params).customers.is_empty());
        // All lost.
        deal(
            &mut ws,
            1,
            D,
            "lead",
            eur(100),
            &[("company", link(id(31)))],
        );
        lose(&mut ws, 1, 2 * D, "price");
        assert!(rfm(&ws, &params).customers.is_empty());
        // A single customer: nobody to beat, every score is 1 (documented).
        bought(&mut ws, 2, 31, eur(100), 99 * D);
        let one = rfm(&ws, &params);
        let c = &one.customers[0];
        assert_eq!(
            (c.recency_days, c.r, c.f, c.m, c.segment),
            (1, 1, 1, 1, Segment::Lost)
        );
    }

    #[test]
    fn lifetime_value_simple_margin_and_discounted() {
        let mut ws = with_pipeline();
        for c in [31, 32, 33] {
            company(&mut ws, c, &[]);
        }
        let b = 1_000 * D;
        // c31: EUR 100.00 + 200.00 + 300.00 in the year → revenue 60 000, 3 purchases.
        bought(&mut ws, 1, 31, eur(10_000), b + 10 * D);
        bought(&mut ws, 2, 31, eur(20_000), b + 20 * D);
        bought(&mut ws, 3, 31, eur(30_000), b + 30 * D);
        // c32: EUR 333.33 once.
        bought(&mut ws, 4, 32, eur(33_333), b + 40 * D);
        // c33: dollars only: not in a euro CLV.
        bought(&mut ws, 5, 33, money(99_999, "USD"), b + 40 * D);
        let mut params = ClvParams {
            window: Period::new(Timestamp(b), Timestamp(b + YEAR_MS)),
            currency: Some(cur("EUR")),
            lifespan_months: 36,
            margin_bp: 2_500,
            retention_bp: 8_000,
            discount_bp: 1_000,
        };
        let got = clv(&ws, &params).unwrap();
        assert_eq!(got.customers.len(), 2);
        let (a, c) = (&got.customers[0], &got.customers[1]);
        // c31: AOV 60 000 / 3 = 20 000; 3 purchases a year (a one-year window).
        // simple = 20 000 × 3 × 3 years = 180 000 (EUR 1800.00); margin = × 25 % = 45 000;
        // discounted: m = 60 000 × 25 % = 15 000 a year; (1 + d) / (1 + d − r) = 1.1 / 0.3
        // = 11/3; 15 000 × 11/3 = 55 000.
        assert_eq!(a.average_order.minor, 20_000);
        assert_eq!(a.purchases_per_year, 3.0);
        assert_eq!(
            (a.simple.minor, a.margin.minor, a.discounted.minor),
            (180_000, 45_000, 55_000)
        );
        // c32: simple 33 333 × 3 = 99 999; margin 99 999 / 4 = 24 999.75 → 25 000;
        // discounted 33 333 × 1/4 × 11/3 = 33 333 × 11/12 = 30 555.25 → 30 555.
        assert_eq!(
            (c.simple.minor, c.margin.minor, c.discounted.minor),
            (99_999, 25_000, 30_555)
        );
        // The average customer: revenue 93 333 over 2 → simple 93 333 × 3 / 2 = 139 999.5 →
        // 140 000; margin 279 999 / 4 / 2 = 34 999.875 → 35 000; discounted
        // 93 333 × 1/4 × 11/3 / 2 = 93 333 × 11/24 = 42 777.625 → 42 778.
        let (s, m, d) = got.average.unwrap();
        assert_eq!((s.minor, m.minor, d.minor), (140_000, 35_000, 42_778));
        assert_eq!(s.currency, cur("EUR"));

        // A two-year window halves the yearly figures: c31 buys 1.5 times a year, simple
        // 60 000 / 2 × 3 = 90 000.
        params.window = Period::new(Timestamp(b), Timestamp(b + 2 * YEAR_MS));
        let two = clv(&ws, &params).unwrap();
        assert_eq!(two.customers[0].purchases_per_year, 1.5);
        assert_eq!(two.customers[0].simple.minor, 90_000);

        // Nobody bought in yen.
        params.currency = Some(cur("JPY"));
        let none = clv(&ws, &params).unwrap();
        assert!(none.customers.is_empty() && none.average.is_none());
    }

    #[test]
    fn lifetime_value_refuses_impossible_parameters() {
        let ws = with_pipeline();
        let window = Period::new(Timestamp(0), Timestamp(YEAR_MS));
        let mut p = ClvParams::new(window);
        assert!(clv(&ws, &p).is_ok());
        p.retention_bp = 10_000;
        p.discount_bp = 0;
        // 1 + d − r = 0: infinite.
        assert_eq!(clv(&ws, &p), Err(AnalyticsError::InfiniteValue));
        p.discount_bp = 1;
        assert!(clv(&ws, &p).is_ok());
        p.margin_bp = 10_001;
        assert_eq!(clv(&ws, &p), Err(AnalyticsError::OutOfRange("the margin")));
        let p = ClvParams::new(Period::new(Timestamp(5), Timestamp(5)));
        assert_eq!(clv(&ws, &p), Err(AnalyticsError::EmptyPeriod));
    }

    #[test]
    fn pareto_takes_the_top_fifth_rounded_up_per_currency() {
        let mut ws = with_pipeline();
        for c in 31..=37 {
            company(&mut ws, c, &[]);
        }
        // EUR revenue: c31 500, c32 300, c33 100, c34 50, c35 50, c36 0 (a free deal): six
        // customers → top ⌈6 / 5⌉ = 2: c31 + c32 = 800 of 1000 = 80 %.
        for (n, c, v) in [
            (1, 31, 300),
            (2, 31, 200),
            (3, 32, 300),
            (4, 33, 100),
            (5, 34, 50),
            (6, 35, 50),
            (7, 36, 0),
        ] {
            bought(&mut ws, n, c, eur(v), 10 * D);
        }
        // USD: one customer (c31 again): top ⌈1 / 5⌉ = 1, 100 %.
        bought(&mut ws, 8, 31, money(1_000, "USD"), 10 * D);
        // c37 bought outside the window.
        bought(&mut ws, 9, 37, eur(10_000), 200 * D);

        let got = pareto(&ws, Period::new(Timestamp(0), Timestamp(100 * D)));
        let e = &got[&cur("EUR")];
        assert_eq!(e.top, ids(&[31, 32]));
        // c34 and c35 tie at 50: smaller id first.
        assert_eq!(e.rest, ids(&[33, 34, 35, 36]));
        assert_eq!((e.top_revenue, e.total_revenue), (800, 1_000));
        assert_eq!(e.share.value(), Some(0.8));
        let u = &got[&cur("USD")];
        assert_eq!(
            (u.top.clone(), u.share),
            (ids(&[31]), Ratio::new(1_000, 1_000))
        );
        assert_eq!(got.len(), 2);
        assert!(pareto(&ws, Period::new(Timestamp(0), Timestamp(D))).is_empty());
    }

    #[test]
    fn retention_and_churn_by_month() {
        let mut ws = with_pipeline();
        for c in 31..=35 {
            company(&mut ws, c, &[]);
        }
        let months = Period::months(2026, 1, 3);
        let day = |m: u32, d: u32| days_from_civil(2026, m, d) * D;
        // c31: Jan, Feb, Mar; c32: Jan, Mar; c33: Feb; c34: Jan; c35: Mar.
        let buys = [
            (31, 1),
            (31, 2),
            (31, 3),
            (32, 1),
            (32, 3),
            (33, 2),
            (34, 1),
            (35, 3),
        ];
        for (n, (c, m)) in buys.iter().enumerate() {
            bought(&mut ws, n as u64 + 1, *c, eur(100), day(*m, 10));
        }
        let rows = retention(&ws, &months).unwrap();
        // January: nothing before it: 0/0, everyone gained.
        assert_eq!(rows[0].active, ids(&[31, 32, 34]));
        assert_eq!(rows[0].retention.value(), None);
        assert_eq!(rows[0].gained, ids(&[31, 32, 34]));
        // February: of {31, 32, 34}, 31 stayed: retention 1/3, churn {32, 34} 2/3; 33 gained.
        assert_eq!(rows[1].retained, ids(&[31]));
        assert_eq!(rows[1].churned, ids(&[32, 34]));
        assert_eq!(
            (rows[1].retention, rows[1].churn),
            (Ratio::new(1, 3), Ratio::new(2, 3))
        );
        assert_eq!(rows[1].gained, ids(&[33]));
        // March: of {31, 33}, 31 stayed: 1/2; 33 churned; 32 (returning) and 35 gained.
        assert_eq!(rows[2].previous, ids(&[31, 33]));
        assert_eq!(
            (rows[2].retention, rows[2].churn),
            (Ratio::new(1, 2), Ratio::new(1, 2))
        );
        assert_eq!(rows[2].gained, ids(&[32, 35]));

        let overlapping = [months[0], Period::new(months[0].from, months[1].to)];
        assert_eq!(
            retention(&ws, &overlapping),
            Err(AnalyticsError::BadPeriods)
        );
        assert_eq!(
            retention(&ws, &[months[1], months[0]]),
            Err(AnalyticsError::BadPeriods)
        );
        assert_eq!(retention(&ws, &[]), Ok(vec![]));
    }

    #[test]
    fn life_cycle_stages() {
        let mut ws = with_pipeline();
        for c in 31..=39 {
            company(&mut ws, c, &[]);
        }
        let noon = |y, m, d| days_from_civil(y, m, d) * D + D / 2;
        // now = 2026-06-15 12:00, so "the last 12 months" start at 2025-06-15 12:00.
        let now = noon(2026, 6, 15);
        // c31: an open deal only → acquire.
        deal(&mut ws, 1, D, "lead", eur(1), &[("company", link(id(31)))]);
        // c32: an activity only → acquire.
        make(
            &mut ws,
            Kind::Activity,
            id(51),
            D,
            &[
                ("kind", text("call")),
                ("at", at(D)),
                ("company", link(id(32))),
            ],
        );
        // c33: first won 2025-09-01, won again since → enhance.
        bought(&mut ws, 2, 33, eur(1), noon(2025, 9, 1));
        bought(&mut ws, 3, 33, eur(1), noon(2026, 5, 1));
        // c34: first won 2024-01-01 → retain, even with a recent win and an open deal.
        bought(&mut ws, 4, 34, eur(1), noon(2024, 1, 1));
        bought(&mut ws, 5, 34, eur(1), noon(2026, 5, 1));
        deal(&mut ws, 6, D, "lead", eur(1), &[("company", link(id(34)))]);
        // c35: only a lost deal → no stage.
        deal(&mut ws, 7, D, "lead", eur(1), &[("company", link(id(35)))]);
        lose(&mut ws, 7, 2 * D, "price");
        // c36: an activity with one of its contacts → acquire.
        make(
            &mut ws,
            Kind::Contact,
            id(61),
            D,
            &[("name", text("Ana")), ("company", link(id(36)))],
        );
        make(
            &mut ws,
            Kind::Activity,
            id(52),
            D,
            &[
                ("kind", text("email")),
                ("at", at(D)),
                ("contacts", links(&[id(61)])),
            ],
        );
        // c37: first won exactly at the cutoff → enhance; c38: a millisecond before → retain.
        bought(&mut ws, 8, 37, eur(1), noon(2025, 6, 15));
        bought(&mut ws, 9, 38, eur(1), noon(2025, 6, 15) - 1);
        // c39: won, but imported without a closing time → retain.
        make(
            &mut ws,
            Kind::Deal,
            id(10),
            D,
            &[
                ("title", text("Old")),
                ("pipeline", link(id(PIPELINE))),
                ("stage", text("lead")),
                ("value", eur(1)),
                ("status", text("won")),
                ("company", link(id(39))),
            ],
        );

        let got = life_cycle(&ws, &LifeCycleParams::new(Timestamp(now)));
        use LifeCycle::*;
        let expected: BTreeMap<Id, LifeCycle> = [
            (31, Acquire),
            (32, Acquire),
            (33, Enhance),
            (34, Retain),
            (36, Acquire),
            (37, Enhance),
            (38, Retain),
            (39, Retain),
        ]
        .into_iter()
        .map(|(c, s)| (id(c), s))
        .collect();
        assert_eq!(got, expected);
    }
}
