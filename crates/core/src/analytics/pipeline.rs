//! Pipeline measures, each for a [`PipelineCut`]: the deals of a [`DealFilter`] (pipeline,
//! owner, territory) over a period. Those that do not apply a period ([`open_by_stage`], and
//! [`forecast_by`] and [`win_rate_by`], which take a list of periods) take the filter alone.
//!
//! | measure | deals it reads | period |
//! |---|---|---|
//! | [`open_by_stage`] | open deals | none (it takes a filter): the pipeline as it stands now |
//! | [`forecast`] | open deals | `expected_close` (as 00:00 UTC that day) in the period; deals without a valid date are listed apart, whatever the period |
//! | [`win_rate`], [`average_deal_size`], [`sales_cycle`], [`lost_reasons`] | won / lost deals | `closed_at` in the period |
//! | [`stage_conversion`], [`time_in_stage`] | every deal | `created_at` in the period: the deals that entered the pipeline then |
//! | [`sales_velocity`] | open deals now, won / lost deals | `closed_at` in the period for the won and lost ones |
//!
//! A deal's win probability is its own `probability` when set (0 included), else its stage's.
//! A deal whose stage no longer exists in its pipeline (removed on another device) counts in
//! the first stage, as on the board. Deals of trashed pipelines count nowhere. Deal id lists
//! are in id order.

use std::collections::{BTreeMap, HashMap};

use super::{
    PerCurrency, Period, Ratio, Status, add, clamp_i64, div_round, mean_median_days, money_field,
    percent_of, ref_field, status, time_field,
};
use crate::id::Id;
use crate::money::{Currency, Money};
use crate::pipeline::{Stage, stages};
use crate::record::Record;
use crate::schema::Kind;
use crate::time::Timestamp;
use crate::value::{FieldValue, parse_date};
use crate::workspace::Workspace;

/// Which deals a pipeline measure looks at, whatever the period. `None` means "all"; the
/// default is every deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DealFilter {
    pub pipeline: Option<Id>,
    pub owner: Option<Id>,
    /// As `Workspace::territory_of` a deal: its company's territory, else its owner's.
    pub territory: Option<Id>,
}

/// The deals of a filter over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipelineCut {
    pub deals: DealFilter,
    /// `[from, to)`; see the module docs for what each measure applies it to.
    pub period: Period,
}

impl PipelineCut {
    /// Every pipeline, owner and territory, over `period`.
    pub fn new(period: Period) -> Self {
        Self {
            deals: DealFilter::default(),
            period,
        }
    }
}

/// A set of deals and their value and weighted value (value × win probability, each deal
/// rounded half away from zero, as the board does), per currency.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Amounts {
    pub deals: Vec<Id>,
    pub value: PerCurrency,
    pub weighted: PerCurrency,
}

impl Amounts {
    fn push(&mut self, deal: &Record, probability: i64) {
        self.deals.push(deal.id);
        if let Some(v) = money_field(deal, "value") {
            add(&mut self.value, v);
            add(
                &mut self.weighted,
                Money::new(percent_of(v.minor, probability), v.currency),
            );
        }
    }
}

/// One stage of [`open_by_stage`]; the count is `open.deals.len()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageRow {
    pub stage: Stage,
    pub open: Amounts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineStages {
    pub pipeline: Id,
    /// The pipeline's own currency setting, if any: the one a screen shows first.
    pub currency: Option<Currency>,
    /// In board order.
    pub stages: Vec<StageRow>,
}

/// Open deals by expected close month.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Forecast {
    /// Keyed `YYYY-MM`, so in calendar order.
    pub months: BTreeMap<String, Amounts>,
    /// Open deals without a (valid) expected close date.
    pub undated: Amounts,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WinRate {
    pub won: Vec<Id>,
    pub lost: Vec<Id>,
    /// won / (won + lost).
    pub by_count: Ratio,
    pub won_value: PerCurrency,
    pub lost_value: PerCurrency,
    /// Per currency: won value / (won value + lost value).
    pub by_value: BTreeMap<Currency, Ratio>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Stage(Stage),
    /// After the last stage.
    Won,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversionStep {
    pub step: Step,
    /// The deals that reached this step.
    pub reached: Vec<Id>,
    /// Reached the next step / reached this one; `None` for the last step (won).
    pub to_next: Option<Ratio>,
    /// Reached this step / reached the first stage (every deal of the cohort).
    pub cumulative: Ratio,
}

/// Stage conversion of one pipeline: its stages in order, then won.
///
/// A deal *reached* a stage if it was ever in it or in a later one (its furthest stage is
/// the latest one in its `stage_history` or its current stage, so moving a deal back does not
/// undo what it reached), and a won deal reached every stage and the won step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversion {
    pub pipeline: Id,
    pub steps: Vec<ConversionStep>,
}

/// Won deals in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealSize {
    pub deals: Vec<Id>,
    pub total: i64,
    /// `total / deals`, rounded half away from zero.
    pub average: Money,
}

/// Days from creation to winning.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SalesCycle {
    pub deals: Vec<Id>,
    pub average_days: Option<f64>,
    /// The middle value, or the mean of the two middle ones for an even count.
    pub median_days: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct StageTime {
    pub stage: Stage,
    /// The deals that were ever in this stage.
    pub deals: Vec<Id>,
    /// Their total time in it divided by their count; `None` when no deal was in it.
    pub average_days: Option<f64>,
}

/// Time in stage of one pipeline. A stay in a stage lasts from its `stage_history` entry to
/// the next entry, or for the last one to `closed_at` for a closed deal and to `now` for an
/// open one; a deal's time in a stage is the sum of its stays there (a deal moved back
/// stays twice). A deal without history (imported) was in its current stage since creation.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineStageTimes {
    pub pipeline: Id,
    pub stages: Vec<StageTime>,
}

/// Sales velocity in one currency: the value the open pipeline is expected to bring in per
/// day, `open deals × average won value × win rate ÷ average sales cycle (days)`.
///
/// Open deals and the average won value are this currency's; the win rate (by count) and the
/// sales cycle are over all won and lost deals of the cut, whatever their currency.
#[derive(Debug, Clone, PartialEq)]
pub struct Velocity {
    pub currency: Currency,
    /// Open now, in this currency.
    pub open_deals: Vec<Id>,
    /// Won in the period, in this currency.
    pub won_deals: Vec<Id>,
    pub average_won: Option<Money>,
    pub win_rate: Ratio,
    pub average_cycle_days: Option<f64>,
    /// In minor units per day, computed exactly and rounded once; `None` without won deals
    /// in this currency, with a zero average cycle, or beyond `i128` arithmetic.
    pub per_day: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostReason {
    /// The reason as most of its deals spell it (trimmed; ties: the first in byte order);
    /// empty for deals lost without a reason.
    pub reason: String,
    pub deals: Vec<Id>,
    pub value: PerCurrency,
}

// ----- the cut's deals -----

struct Pipe {
    id: Id,
    currency: Option<Currency>,
    stages: Vec<Stage>,
    index: HashMap<String, usize>,
}

impl Pipe {
    /// The position of a known stage.
    fn position(&self, stage: &str) -> Option<usize> {
        self.index.get(stage).copied()
    }

    /// Where a deal shows: its stage, or the first one if its stage is gone.
    fn column(&self, deal: &Record) -> usize {
        deal.text("stage")
            .and_then(|s| self.position(s))
            .unwrap_or(0)
    }

    fn probability(&self, deal: &Record) -> i64 {
        match deal.get("probability") {
            Some(FieldValue::Int(p)) => *p,
            _ => self
                .stages
                .get(self.column(deal))
                .map_or(0, |s| i64::from(s.probability)),
        }
    }
}

/// The live pipelines of a filter (in the order the app lists them: position, name, id) and a
/// way to walk the filter's deals once.
struct Scope<'a> {
    ws: &'a Workspace,
    filter: &'a DealFilter,
    pipes: Vec<Pipe>,
    by_id: HashMap<Id, usize>,
}

impl<'a> Scope<'a> {
    fn new(ws: &'a Workspace, filter: &'a DealFilter) -> Self {
        let mut found: Vec<(i64, &str, &Record)> = ws
            .live(Kind::Pipeline)
            .filter(|p| filter.pipeline.is_none_or(|c| c == p.id))
            .map(|p| {
                let position = match p.get("position") {
                    Some(FieldValue::Int(n)) => *n,
                    _ => i64::MAX,
                };
                (position, p.title(), p)
            })
            .collect();
        found.sort_by(|a, b| (a.0, a.1, a.2.id).cmp(&(b.0, b.1, b.2.id)));
        let pipes: Vec<Pipe> = found
            .into_iter()
            .map(|(_, _, p)| {
                let stages = stages(p);
                let index = stages
                    .iter()
                    .enumerate()
                    .map(|(i, s)| (s.id.clone(), i))
                    .collect();
                Pipe {
                    id: p.id,
                    currency: p.text("currency").and_then(|c| c.parse().ok()),
                    stages,
                    index,
                }
            })
            .collect();
        let by_id = pipes.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        Self {
            ws,
            filter,
            pipes,
            by_id,
        }
    }

    /// Live deals of the filter with a known status, each with the index of its pipeline in
    /// `pipes`.
    fn deals(&self) -> impl Iterator<Item = (&'a Record, usize, Status)> + '_ {
        let ws = self.ws;
        ws.live(Kind::Deal).filter_map(move |d| {
            let p = *self.by_id.get(&ref_field(d, "pipeline")?)?;
            let s = status(d)?;
            if self
                .filter
                .owner
                .is_some_and(|o| ref_field(d, "owner") != Some(o))
                || self
                    .filter
                    .territory
                    .is_some_and(|t| ws.territory_of(Kind::Deal, d.id) != Some(t))
            {
                return None;
            }
            Some((d, p, s))
        })
    }
}

/// `closed_at`, when it lies in `period`.
fn closed_in(deal: &Record, period: Period) -> Option<Timestamp> {
    time_field(deal, "closed_at").filter(|t| period.contains(*t))
}

// ----- the measures -----

/// Open deals by stage, per pipeline of the filter: count, value and weighted value.
pub fn open_by_stage(ws: &Workspace, deals: &DealFilter) -> Vec<PipelineStages> {
    let scope = Scope::new(ws, deals);
    let mut out: Vec<PipelineStages> = scope
        .pipes
        .iter()
        .map(|p| PipelineStages {
            pipeline: p.id,
            currency: p.currency,
            stages: p
                .stages
                .iter()
                .map(|s| StageRow {
                    stage: s.clone(),
                    open: Amounts::default(),
                })
                .collect(),
        })
        .collect();
    for (d, p, s) in scope.deals() {
        let pipe = &scope.pipes[p];
        if s != Status::Open || pipe.stages.is_empty() {
            continue;
        }
        out[p].stages[pipe.column(d)]
            .open
            .push(d, pipe.probability(d));
    }
    out
}

/// A deal's valid `expected_close` date and the UTC midnight that starts it.
fn expected_close(d: &Record) -> Option<((i64, u32, u32), Timestamp)> {
    let (y, m, day) = d.text("expected_close").and_then(parse_date)?;
    let midnight = crate::pipeline::days_from_civil(y, m, day).saturating_mul(super::DAY_MS);
    Some(((y, m, day), Timestamp(midnight)))
}

/// The weighted forecast: open deals by the month of their `expected_close`.
pub fn forecast(ws: &Workspace, cut: &PipelineCut) -> Forecast {
    let scope = Scope::new(ws, &cut.deals);
    let mut out = Forecast::default();
    for (d, p, s) in scope.deals() {
        if s != Status::Open {
            continue;
        }
        let probability = scope.pipes[p].probability(d);
        match expected_close(d) {
            None => out.undated.push(d, probability),
            Some(((y, m, _), midnight)) => {
                if !cut.period.contains(midnight) {
                    continue;
                }
                out.months
                    .entry(format!("{y:04}-{m:02}"))
                    .or_default()
                    .push(d, probability);
            }
        }
    }
    out
}

/// Win rate over the deals closed in the period, by count and by value (per currency).
pub fn win_rate(ws: &Workspace, cut: &PipelineCut) -> WinRate {
    let scope = Scope::new(ws, &cut.deals);
    let mut out = WinRate::default();
    for (d, _, s) in scope.deals() {
        if s == Status::Open || closed_in(d, cut.period).is_none() {
            continue;
        }
        out.add(d, s);
    }
    out.finish();
    out
}

/// The period of `periods` (sorted, not overlapping) that holds `t`.
fn period_of(periods: &[Period], t: Timestamp) -> Option<usize> {
    let i = periods.partition_point(|p| p.to <= t);
    periods.get(i).filter(|p| p.contains(t)).map(|_| i)
}

/// [`forecast`] for each of `periods` (sorted, not overlapping), every month of each added
/// up, in one pass over the deals instead of one per period. The periods may be the months of
/// any calendar (the Persian dashboard's are Solar Hijri).
pub fn forecast_by(ws: &Workspace, deals: &DealFilter, periods: &[Period]) -> Vec<Amounts> {
    let scope = Scope::new(ws, deals);
    let mut out = vec![Amounts::default(); periods.len()];
    for (d, p, s) in scope.deals() {
        if s != Status::Open {
            continue;
        }
        let Some((_, midnight)) = expected_close(d) else {
            continue;
        };
        if let Some(i) = period_of(periods, midnight) {
            out[i].push(d, scope.pipes[p].probability(d));
        }
    }
    out
}

/// [`win_rate`] for each of `periods` (sorted, not overlapping) in one pass over the deals.
pub fn win_rate_by(ws: &Workspace, deals: &DealFilter, periods: &[Period]) -> Vec<WinRate> {
    let scope = Scope::new(ws, deals);
    let mut out = vec![WinRate::default(); periods.len()];
    for (d, _, s) in scope.deals() {
        if s == Status::Open {
            continue;
        }
        if let Some(i) = time_field(d, "closed_at").and_then(|t| period_of(periods, t)) {
            out[i].add(d, s);
        }
    }
    for w in &mut out {
        w.finish();
    }
    out
}

impl WinRate {
    fn add(&mut self, d: &Record, s: Status) {
        let value = money_field(d, "value");
        if s == Status::Won {
            self.won.push(d.id);
            if let Some(v) = value {
                add(&mut self.won_value, v);
            }
        } else {
            self.lost.push(d.id);
            if let Some(v) = value {
                add(&mut self.lost_value, v);
            }
        }
    }

    fn finish(&mut self) {
        self.by_count = Ratio::new(
            self.won.len() as i64,
            (self.won.len() + self.lost.len()) as i64,
        );
        for currency in self.won_value.keys().chain(self.lost_value.keys()) {
            let won = self.won_value.get(currency).copied().unwrap_or(0);
            let lost = self.lost_value.get(currency).copied().unwrap_or(0);
            self.by_value
                .insert(*currency, Ratio::new(won, won.saturating_add(lost)));
        }
    }
}

/// Stage conversion (next step and cumulative) of the deals created in the period, per
/// pipeline of the cut; see [`Conversion`].
pub fn stage_conversion(ws: &Workspace, cut: &PipelineCut) -> Vec<Conversion> {
    let scope = Scope::new(ws, &cut.deals);
    // reached[pipeline][step]: the deals that reached the step; the won step is last.
    let mut reached: Vec<Vec<Vec<Id>>> = scope
        .pipes
        .iter()
        .map(|p| vec![Vec::new(); p.stages.len() + 1])
        .collect();
    for (d, p, s) in scope.deals() {
        let pipe = &scope.pipes[p];
        if !cut.period.contains(d.created_at) || pipe.stages.is_empty() {
            continue;
        }
        let furthest = if s == Status::Won {
            pipe.stages.len()
        } else {
            d.stage_history
                .iter()
                .filter_map(|e| pipe.position(&e.stage))
                .chain(std::iter::once(pipe.column(d)))
                .max()
                .unwrap_or(0)
        };
        for step in &mut reached[p][..=furthest] {
            step.push(d.id);
        }
    }
    scope
        .pipes
        .iter()
        .zip(reached)
        .filter(|(p, _)| !p.stages.is_empty())
        .map(|(p, reached)| {
            let first = reached.first().map_or(0, Vec::len) as i64;
            let counts: Vec<i64> = reached.iter().map(|r| r.len() as i64).collect();
            let steps = reached
                .into_iter()
                .enumerate()
                .map(|(i, deals)| ConversionStep {
                    step: p
                        .stages
                        .get(i)
                        .map_or(Step::Won, |s| Step::Stage(s.clone())),
                    to_next: counts.get(i + 1).map(|&next| Ratio::new(next, counts[i])),
                    cumulative: Ratio::new(counts[i], first),
                    reached: deals,
                })
                .collect();
            Conversion {
                pipeline: p.id,
                steps,
            }
        })
        .collect()
}

/// Average value of the deals won in the period, per currency.
pub fn average_deal_size(ws: &Workspace, cut: &PipelineCut) -> BTreeMap<Currency, DealSize> {
    let scope = Scope::new(ws, &cut.deals);
    let mut sums: BTreeMap<Currency, (Vec<Id>, i64)> = BTreeMap::new();
    for (d, _, s) in scope.deals() {
        if s != Status::Won || closed_in(d, cut.period).is_none() {
            continue;
        }
        if let Some(v) = money_field(d, "value") {
            let slot = sums.entry(v.currency).or_default();
            slot.0.push(d.id);
            slot.1 = slot.1.saturating_add(v.minor);
        }
    }
    sums.into_iter()
        .map(|(currency, (deals, total))| {
            let average = div_round(i128::from(total), deals.len() as i128).unwrap_or(0);
            (
                currency,
                DealSize {
                    deals,
                    total,
                    average: Money::new(clamp_i64(average), currency),
                },
            )
        })
        .collect()
}

/// Sales cycle: days from `created_at` to `closed_at` of the deals won in the period.
pub fn sales_cycle(ws: &Workspace, cut: &PipelineCut) -> SalesCycle {
    let scope = Scope::new(ws, &cut.deals);
    let mut deals = Vec::new();
    let mut ms = Vec::new();
    for (d, _, s) in scope.deals() {
        if s != Status::Won {
            continue;
        }
        if let Some(closed) = closed_in(d, cut.period) {
            deals.push(d.id);
            ms.push(closed.since(d.created_at).max(0));
        }
    }
    let (average_days, median_days) = mean_median_days(&mut ms);
    SalesCycle {
        deals,
        average_days,
        median_days,
    }
}

/// Average days in each stage of the deals created in the period, per pipeline of the cut;
/// see [`PipelineStageTimes`].
pub fn time_in_stage(ws: &Workspace, cut: &PipelineCut, now: Timestamp) -> Vec<PipelineStageTimes> {
    let scope = Scope::new(ws, &cut.deals);
    // Per pipeline and stage: the deals that were in it and their total milliseconds.
    let mut acc: Vec<Vec<(Vec<Id>, i128)>> = scope
        .pipes
        .iter()
        .map(|p| vec![(Vec::new(), 0); p.stages.len()])
        .collect();
    // One deal's time per stage, reset through `touched` so each deal costs its history only.
    let mut scratch: Vec<Option<i64>> = Vec::new();
    let mut touched: Vec<usize> = Vec::new();
    for (d, p, s) in scope.deals() {
        let pipe = &scope.pipes[p];
        if !cut.period.contains(d.created_at) || pipe.stages.is_empty() {
            continue;
        }
        scratch.resize(scratch.len().max(pipe.stages.len()), None);
        let end = match s {
            Status::Open => now,
            _ => time_field(d, "closed_at").unwrap_or(now),
        };
        let fallback;
        let history: Vec<(&str, Timestamp)> = if d.stage_history.is_empty() {
            fallback = d.text("stage").unwrap_or_default();
            vec![(fallback, d.created_at)]
        } else {
            d.stage_history
                .iter()
                .map(|e| (e.stage.as_str(), e.at))
                .collect()
        };
        for (i, &(stage, from)) in history.iter().enumerate() {
            let Some(at) = pipe.position(stage) else {
                continue;
            };
            let to = history.get(i + 1).map_or(end, |next| next.1);
            let stay = to.since(from).max(0);
            let slot = &mut scratch[at];
            if slot.is_none() {
                touched.push(at);
            }
            *slot = Some(slot.unwrap_or(0).saturating_add(stay));
        }
        for at in touched.drain(..) {
            if let Some(ms) = scratch[at].take() {
                acc[p][at].0.push(d.id);
                acc[p][at].1 += i128::from(ms);
            }
        }
    }
    scope
        .pipes
        .iter()
        .zip(acc)
        .map(|(p, stages)| PipelineStageTimes {
            pipeline: p.id,
            stages: p
                .stages
                .iter()
                .zip(stages)
                .map(|(stage, (deals, total))| {
                    let average_days = (!deals.is_empty())
                        .then(|| total as f64 / deals.len() as f64 / super::DAY_MS as f64);
                    StageTime {
                        stage: stage.clone(),
                        deals,
                        average_days,
                    }
                })
                .collect(),
        })
        .collect()
}

/// Sales velocity per currency (every currency with open deals or deals won in the period);
/// see [`Velocity`].
pub fn sales_velocity(ws: &Workspace, cut: &PipelineCut) -> Vec<Velocity> {
    let scope = Scope::new(ws, &cut.deals);
    #[derive(Default)]
    struct Acc {
        open: Vec<Id>,
        won: Vec<Id>,
        won_sum: i64,
    }
    let mut by_currency: BTreeMap<Currency, Acc> = BTreeMap::new();
    let (mut won, mut lost) = (0i64, 0i64);
    let mut cycle_ms: i128 = 0;
    let mut cycles: Vec<i64> = Vec::new();
    for (d, _, s) in scope.deals() {
        let value = money_field(d, "value");
        match s {
            Status::Open => {
                if let Some(v) = value {
                    by_currency.entry(v.currency).or_default().open.push(d.id);
                }
            }
            Status::Won | Status::Lost => {
                let Some(closed) = closed_in(d, cut.period) else {
                    continue;
                };
                if s == Status::Lost {
                    lost += 1;
                    continue;
                }
                won += 1;
                let ms = closed.since(d.created_at).max(0);
                cycle_ms += i128::from(ms);
                cycles.push(ms);
                if let Some(v) = value {
                    let slot = by_currency.entry(v.currency).or_default();
                    slot.won.push(d.id);
                    slot.won_sum = slot.won_sum.saturating_add(v.minor);
                }
            }
        }
    }
    let win_rate = Ratio::new(won, won + lost);
    let (average_cycle_days, _) = mean_median_days(&mut cycles);
    by_currency
        .into_iter()
        .map(|(currency, acc)| {
            let n = acc.won.len() as i128;
            let average_won =
                div_round(i128::from(acc.won_sum), n).map(|a| Money::new(clamp_i64(a), currency));
            // open × (sum / n) × (won / (won + lost)) ÷ (cycle_ms / (won × DAY))
            //   = open × sum × won × won × DAY / (n × (won + lost) × cycle_ms)
            let per_day = (|| {
                let num = (acc.open.len() as i128)
                    .checked_mul(i128::from(acc.won_sum))?
                    .checked_mul(i128::from(won))?
                    .checked_mul(i128::from(won))?
                    .checked_mul(i128::from(super::DAY_MS))?;
                let den = n
                    .checked_mul(i128::from(won + lost))?
                    .checked_mul(cycle_ms)?;
                let v = div_round(num, den)?;
                i64::try_from(v).ok().map(|v| Money::new(v, currency))
            })();
            Velocity {
                currency,
                open_deals: acc.open,
                won_deals: acc.won,
                average_won,
                win_rate,
                average_cycle_days,
                per_day,
            }
        })
        .collect()
}

/// Why deals closed in the period were lost: count and value per reason, the reasons compared
/// trimmed and case-insensitively; most frequent first (ties: by the compared form).
pub fn lost_reasons(ws: &Workspace, cut: &PipelineCut) -> Vec<LostReason> {
    let scope = Scope::new(ws, &cut.deals);
    // key → (spellings and their counts, the row)
    let mut groups: BTreeMap<String, (BTreeMap<String, usize>, LostReason)> = BTreeMap::new();
    for (d, _, s) in scope.deals() {
        if s != Status::Lost || closed_in(d, cut.period).is_none() {
            continue;
        }
        let spelling = d.text("lost_reason").unwrap_or_default().trim();
        let (spellings, row) = groups.entry(spelling.to_lowercase()).or_insert_with(|| {
            (
                BTreeMap::new(),
                LostReason {
                    reason: String::new(),
                    deals: Vec::new(),
                    value: PerCurrency::new(),
                },
            )
        });
        *spellings.entry(spelling.to_owned()).or_default() += 1;
        row.deals.push(d.id);
        if let Some(v) = money_field(d, "value") {
            add(&mut row.value, v);
        }
    }
    let mut rows: Vec<(String, LostReason)> = groups
        .into_iter()
        .map(|(key, (spellings, mut row))| {
            // The most used spelling; `max_by` keeps the last of equals, so compare reversed
            // names to keep the first in byte order.
            if let Some((name, _)) = spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            {
                row.reason = name;
            }
            (key, row)
        })
        .collect();
    rows.sort_by(|a, b| b.1.deals.len().cmp(&a.1.deals.len()).then(a.0.cmp(&b.0)));
    rows.into_iter().map(|(_, row)| row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytics::fixture::*;
    use crate::testutil::*;

    fn cur(code: &str) -> Currency {
        code.parse().unwrap()
    }

    fn per(items: &[(&str, i64)]) -> PerCurrency {
        items.iter().map(|(c, v)| (cur(c), *v)).collect()
    }

    fn ids(ns: &[u64]) -> Vec<Id> {
        ns.iter().map(|&n| id(n)).collect()
    }

    fn all(from: i64, to: i64) -> PipelineCut {
        PipelineCut::new(Period::new(Timestamp(from), Timestamp(to)))
    }

    #[test]
    fn open_by_stage_weights_by_the_deals_own_probability_over_the_stages() {
        let mut ws = with_pipeline();
        // Stages: lead 10 %, proposal 50 %, negotiation 80 %.
        deal(&mut ws, 1, D, "lead", eur(100_000), &[]); // 1000.00 × 10 % = 100.00
        deal(
            &mut ws,
            2,
            D,
            "lead",
            eur(33_333),
            &[("probability", FieldValue::Int(25))],
        ); // 333.33 × 25 % = 83.3325 → 83.33
        deal(&mut ws, 3, D, "proposal", eur(20_000), &[]); // 200.00 × 50 % = 100.00
        deal(
            &mut ws,
            4,
            D,
            "proposal",
            money(9_999, "USD"),
            &[("probability", FieldValue::Int(0))],
        ); // own 0 % beats the stage's 50 %: 0
        deal(
            &mut ws,
            5,
            D,
            "negotiation",
            eur(5_000),
            &[("probability", FieldValue::Int(100))],
        ); // 50.00 × 100 %
        deal(&mut ws, 6, D, "negotiation", eur(7_000), &[]);
        win(&mut ws, 6, 2 * D); // won: not open
        deal(&mut ws, 7, D, "lead", eur(1_000), &[]);
        lose(&mut ws, 7, 2 * D, "price"); // lost: not open
        deal(&mut ws, 8, D, "lead", eur(1_000), &[]);
        trash(&mut ws, Kind::Deal, id(8), 2 * D); // trashed: nowhere

        let got = open_by_stage(&ws, &DealFilter::default());
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].pipeline, id(PIPELINE));
        let rows = &got[0].stages;
        assert_eq!(rows.len(), 3);
        // lead: deals 1, 2; value 100 000 + 33 333 = 133 333; weighted 10 000 + 8 333 = 18 333.
        assert_eq!(rows[0].stage.id, "lead");
        assert_eq!(rows[0].open.deals, ids(&[1, 2]));
        assert_eq!(rows[0].open.value, per(&[("EUR", 133_333)]));
        assert_eq!(rows[0].open.weighted, per(&[("EUR", 18_333)]));
        // proposal: EUR 20 000 weighted 10 000; USD 9 999 weighted 0, never added to euros.
        assert_eq!(rows[1].open.deals, ids(&[3, 4]));
        assert_eq!(rows[1].open.value, per(&[("EUR", 20_000), ("USD", 9_999)]));
        assert_eq!(rows[1].open.weighted, per(&[("EUR", 10_000), ("USD", 0)]));
        // negotiation: only deal 5, at its own 100 %.
        assert_eq!(rows[2].open.deals, ids(&[5]));
        assert_eq!(rows[2].open.value, per(&[("EUR", 5_000)]));
        assert_eq!(rows[2].open.weighted, per(&[("EUR", 5_000)]));
    }

    #[test]
    fn cuts_by_owner_territory_and_pipeline() {
        let mut ws = with_pipeline();
        let (t1, t2) = (territory(&mut ws, 21), territory(&mut ws, 22));
        let m1 = member(&mut ws, 11, &[("territory", link(t1))]);
        let m2 = member(&mut ws, 12, &[]);
        let c1 = company(&mut ws, 31, &[("territory", link(t2))]);
        // Deal 1: owner m1, no company → territory of its owner, t1.
        deal(&mut ws, 1, D, "lead", eur(100), &[("owner", link(m1))]);
        // Deal 2: owner m1, company c1 → the company's territory wins, t2.
        deal(
            &mut ws,
            2,
            D,
            "lead",
            eur(200),
            &[("owner", link(m1)), ("company", link(c1))],
        );
        // Deal 3: owner m2 (no territory), no company → no territory.
        deal(&mut ws, 3, D, "lead", eur(400), &[("owner", link(m2))]);
        let lead = |filter: DealFilter| {
            open_by_stage(&ws, &filter)
                .first()
                .map(|p| p.stages[0].open.clone())
        };

        let mut filter = DealFilter::default();
        assert_eq!(lead(filter).unwrap().deals, ids(&[1, 2, 3]));
        filter.owner = Some(m1);
        assert_eq!(lead(filter).unwrap().value, per(&[("EUR", 300)]));
        filter.owner = None;
        filter.territory = Some(t1);
        assert_eq!(lead(filter).unwrap().deals, ids(&[1]));
        filter.territory = Some(t2);
        assert_eq!(lead(filter).unwrap().deals, ids(&[2]));
        filter.territory = None;
        filter.pipeline = Some(id(999)); // no such pipeline: nothing
        assert_eq!(lead(filter), None);
        filter.pipeline = Some(id(PIPELINE));
        assert_eq!(lead(filter).unwrap().deals.len(), 3);
    }

    #[test]
    fn an_empty_pipeline_gives_empty_figures_not_zero_rates() {
        let ws = with_pipeline();
        let cut = all(0, 100 * D);
        let stages = open_by_stage(&ws, &cut.deals);
        assert!(
            stages[0]
                .stages
                .iter()
                .all(|r| r.open == Amounts::default())
        );
        assert_eq!(forecast(&ws, &cut), Forecast::default());
        let w = win_rate(&ws, &cut);
        assert_eq!(w.by_count, Ratio::new(0, 0));
        assert_eq!(w.by_count.value(), None);
        assert!(w.by_value.is_empty());
        let conv = stage_conversion(&ws, &cut);
        assert!(
            conv[0]
                .steps
                .iter()
                .all(|s| s.reached.is_empty() && s.cumulative.value().is_none())
        );
        assert!(average_deal_size(&ws, &cut).is_empty());
        assert_eq!(sales_cycle(&ws, &cut), SalesCycle::default());
        assert!(
            time_in_stage(&ws, &cut, Timestamp(D))
                .iter()
                .all(|p| p.stages.iter().all(|s| s.average_days.is_none()))
        );
        assert!(sales_velocity(&ws, &cut).is_empty());
        assert!(lost_reasons(&ws, &cut).is_empty());
        // A workspace without any pipeline at all.
        let bare = Workspace::new([2; 16]);
        assert!(open_by_stage(&bare, &cut.deals).is_empty());
        assert!(stage_conversion(&bare, &cut).is_empty());
    }

    #[test]
    fn forecast_groups_open_deals_by_expected_close_month_in_the_period() {
        let mut ws = with_pipeline();
        let jan = Period::month(2026, 1).unwrap();
        let period = Period::new(jan.from, Period::month(2026, 2).unwrap().to);
        let close = |d: &str| ("expected_close", text(d));
        deal(&mut ws, 1, D, "lead", eur(10_000), &[close("2026-01-15")]); // 100.00 × 10 % = 10.00
        deal(
            &mut ws,
            2,
            D,
            "proposal",
            eur(5_000),
            &[close("2026-01-31")],
        ); // 50.00 × 50 % = 25.00
        deal(
            &mut ws,
            3,
            D,
            "lead",
            money(1_000, "USD"),
            &[close("2026-02-01"), ("probability", FieldValue::Int(90))],
        ); // 10.00 × 90 % = 9.00
        deal(&mut ws, 4, D, "lead", eur(1_000), &[close("2026-03-01")]); // after the period
        deal(&mut ws, 5, D, "lead", eur(2_000), &[]); // no date: undated, 20.00 × 10 % = 2.00
        deal(&mut ws, 6, D, "lead", eur(9_000), &[close("2026-01-10")]);
        win(&mut ws, 6, 2 * D); // won: not forecast

        let f = forecast(&ws, &PipelineCut::new(period));
        assert_eq!(f.months.keys().collect::<Vec<_>>(), ["2026-01", "2026-02"]);
        let jan = &f.months["2026-01"];
        // January: 100.00 + 50.00 = 150.00; weighted 10.00 + 25.00 = 35.00.
        assert_eq!(jan.deals, ids(&[1, 2]));
        assert_eq!(jan.value, per(&[("EUR", 15_000)]));
        assert_eq!(jan.weighted, per(&[("EUR", 3_500)]));
        let feb = &f.months["2026-02"];
        assert_eq!(feb.deals, ids(&[3]));
        assert_eq!(feb.value, per(&[("USD", 1_000)]));
        assert_eq!(feb.weighted, per(&[("USD", 900)]));
        assert_eq!(f.undated.deals, ids(&[5]));
        assert_eq!(f.undated.weighted, per(&[("EUR", 200)]));
    }

    #[test]
    fn win_rate_by_count_and_by_value_per_currency() {
        let mut ws = with_pipeline();
        for n in 1..=6 {
            let value = if n == 3 {
                money(5_000, "USD")
            } else {
                eur([10_000, 30_000, 0, 100_000, 1_000, 1][n as usize - 1])
            };
            deal(&mut ws, n, D, "lead", value, &[]);
        }
        win(&mut ws, 1, 12 * D); // EUR 100.00 won in the period
        lose(&mut ws, 2, 15 * D, "price"); // EUR 300.00 lost in the period
        win(&mut ws, 3, 19 * D); // USD 50.00 won in the period
        win(&mut ws, 4, 20 * D); // at `to`: outside (half-open)
        lose(&mut ws, 5, 5 * D, "price"); // before the period
        // deal 6 stays open
        let w = win_rate(&ws, &all(10 * D, 20 * D));
        // By count: won {1, 3}, lost {2} → 2 / 3.
        assert_eq!(w.won, ids(&[1, 3]));
        assert_eq!(w.lost, ids(&[2]));
        assert_eq!(w.by_count, Ratio::new(2, 3));
        // By value: EUR 10 000 / (10 000 + 30 000) = 1/4; USD 5 000 / 5 000 = 1.
        assert_eq!(w.by_value[&cur("EUR")], Ratio::new(10_000, 40_000));
        assert_eq!(w.by_value[&cur("EUR")].value(), Some(0.25));
        assert_eq!(w.by_value[&cur("USD")], Ratio::new(5_000, 5_000));
        assert_eq!(w.won_value, per(&[("EUR", 10_000), ("USD", 5_000)]));
        assert_eq!(w.lost_value, per(&[("EUR", 30_000)]));
    }

    #[test]
    fn one_pass_over_many_periods_gives_what_one_call_per_period_gives() {
        let mut ws = with_pipeline();
        let day = |n: i64| {
            let (y, m, d) = crate::pipeline::civil_from_days(n);
            text(&format!("{y:04}-{m:02}-{d:02}"))
        };
        for n in 1..=12u64 {
            let close = day(n as i64 * 3);
            let value = if n % 4 == 0 {
                money(n as i64 * 100, "USD")
            } else {
                eur(n as i64 * 1_000)
            };
            deal(&mut ws, n, D, "lead", value, &[("expected_close", close)]);
        }
        for n in [2u64, 5, 6, 9] {
            win(&mut ws, n, n as i64 * 3 * D + 7);
        }
        for n in [3u64, 7, 11] {
            lose(&mut ws, n, n as i64 * 3 * D, "price");
        }
        // Uneven, with a gap between the second and third, and deals outside them all.
        let periods = [
            Period::new(Timestamp(2 * D), Timestamp(11 * D)),
            Period::new(Timestamp(11 * D), Timestamp(21 * D)),
            Period::new(Timestamp(24 * D), Timestamp(34 * D)),
        ];
        let forecasts = forecast_by(&ws, &DealFilter::default(), &periods);
        let rates = win_rate_by(&ws, &DealFilter::default(), &periods);
        for (i, p) in periods.iter().enumerate() {
            let one = forecast(&ws, &PipelineCut::new(*p));
            let mut summed = Amounts::default();
            for a in one.months.values() {
                summed.deals.extend(&a.deals);
                for (c, v) in &a.value {
                    *summed.value.entry(*c).or_default() += v;
                }
                for (c, v) in &a.weighted {
                    *summed.weighted.entry(*c).or_default() += v;
                }
            }
            summed.deals.sort_unstable();
            assert_eq!(forecasts[i], summed, "forecast in period {i}");
            assert_eq!(
                rates[i],
                win_rate(&ws, &PipelineCut::new(*p)),
                "win rate in period {i}"
            );
        }
        // Something landed in each, so the comparison above compared something.
        assert!(
            forecasts.iter().all(|f| !f.deals.is_empty()),
            "{forecasts:?}"
        );
        assert!(
            rates.iter().all(|w| w.won.len() + w.lost.len() > 0),
            "{rates:?}"
        );
    }

    #[test]
    fn all_lost_gives_a_zero_win_rate_and_no_size_cycle_or_velocity() {
        let mut ws = with_pipeline();
        deal(&mut ws, 1, D, "lead", eur(1_000), &[]);
        deal(&mut ws, 2, D, "lead", eur(3_000), &[]);
        deal(&mut ws, 3, D, "lead", eur(5_000), &[]);
        lose(&mut ws, 1, 2 * D, "price");
        lose(&mut ws, 2, 3 * D, "timing");
        let cut = all(0, 10 * D);
        let w = win_rate(&ws, &cut);
        // 0 won / 2 closed = 0 (a real zero, unlike no data); by value 0 / 4 000.
        assert_eq!(w.by_count, Ratio::new(0, 2));
        assert_eq!(w.by_count.value(), Some(0.0));
        assert_eq!(w.by_value[&cur("EUR")], Ratio::new(0, 4_000));
        assert!(average_deal_size(&ws, &cut).is_empty());
        assert_eq!(sales_cycle(&ws, &cut).average_days, None);
        // Deal 3 is open, but nothing was won: no average size, so no velocity.
        let v = sales_velocity(&ws, &cut);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].open_deals, ids(&[3]));
        assert_eq!(v[0].average_won, None);
        assert_eq!(v[0].win_rate, Ratio::new(0, 2));
        assert_eq!(v[0].per_day, None);
    }

    #[test]
    fn conversion_counts_the_furthest_stage_reached_even_after_moving_back() {
        let mut ws = with_pipeline();
        // Deal 1 stays in lead: furthest lead.
        deal(&mut ws, 1, D, "lead", eur(1), &[]);
        // Deal 2: lead → proposal.
        deal(&mut ws, 2, D, "lead", eur(1), &[]);
        move_to(&mut ws, 2, 2 * D, "proposal");
        // Deal 3: lead → negotiation (skipping proposal) → back to proposal: furthest
        // negotiation, so it also counts as having reached proposal.
        deal(&mut ws, 3, D, "lead", eur(1), &[]);
        move_to(&mut ws, 3, 2 * D, "negotiation");
        move_to(&mut ws, 3, 3 * D, "proposal");
        // Deal 4: lead → proposal → won: won reaches every stage and the won step.
        deal(&mut ws, 4, D, "lead", eur(1), &[]);
        move_to(&mut ws, 4, 2 * D, "proposal");
        win(&mut ws, 4, 3 * D);
        // Deal 5: lost in lead.
        deal(&mut ws, 5, D, "lead", eur(1), &[]);
        lose(&mut ws, 5, 2 * D, "price");
        // Deal 6: created after the period: not in the cohort.
        deal(&mut ws, 6, 200 * D, "negotiation", eur(1), &[]);

        let conv = stage_conversion(&ws, &all(0, 100 * D));
        let steps = &conv[0].steps;
        assert_eq!(steps.len(), 4);
        // reached: lead 5 {1,2,3,4,5}; proposal 3 {2,3,4}; negotiation 2 {3,4}; won 1 {4}.
        assert_eq!(steps[0].reached, ids(&[1, 2, 3, 4, 5]));
        assert_eq!(steps[1].reached, ids(&[2, 3, 4]));
        assert_eq!(steps[2].reached, ids(&[3, 4]));
        assert_eq!(steps[3].step, Step::Won);
        assert_eq!(steps[3].reached, ids(&[4]));
        // Next step: 3/5, 2/3, 1/2, none after won.
        let next: Vec<_> = steps.iter().map(|s| s.to_next).collect();
        assert_eq!(
            next,
            [
                Some(Ratio::new(3, 5)),
                Some(Ratio::new(2, 3)),
                Some(Ratio::new(1, 2)),
                None
            ]
        );
        // Cumulative: 5/5, 3/5, 2/5, 1/5.
        let cumulative: Vec<_> = steps.iter().map(|s| s.cumulative).collect();
        assert_eq!(
            cumulative,
            [
                Ratio::new(5, 5),
                Ratio::new(3, 5),
                Ratio::new(2, 5),
                Ratio::new(1, 5)
            ]
        );
    }

    #[test]
    fn average_deal_size_per_currency_rounds_half_away_from_zero() {
        let mut ws = with_pipeline();
        deal(&mut ws, 1, D, "lead", eur(10_000), &[]);
        deal(&mut ws, 2, D, "lead", eur(20_001), &[]);
        deal(&mut ws, 3, D, "lead", money(5_000, "USD"), &[]);
        deal(&mut ws, 4, D, "lead", eur(999_999), &[]);
        for n in 1..=3 {
            win(&mut ws, n, 5 * D);
        }
        win(&mut ws, 4, 50 * D); // outside the period
        let sizes = average_deal_size(&ws, &all(0, 10 * D));
        // EUR: (10 000 + 20 001) / 2 = 15 000.5 → 15 001. USD: 5 000 / 1.
        let e = &sizes[&cur("EUR")];
        assert_eq!(
            (e.deals.clone(), e.total, e.average.minor),
            (ids(&[1, 2]), 30_001, 15_001)
        );
        assert_eq!(sizes[&cur("USD")].average, Money::new(5_000, cur("USD")));
        assert_eq!(sizes.len(), 2);
    }

    #[test]
    fn sales_cycle_average_and_median_of_won_deals() {
        let mut ws = with_pipeline();
        deal(&mut ws, 1, 0, "lead", eur(1), &[]);
        win(&mut ws, 1, 4 * D); // 4 days
        deal(&mut ws, 2, D, "lead", eur(1), &[]);
        win(&mut ws, 2, 2 * D); // 1 day
        deal(&mut ws, 3, 2 * D, "lead", eur(1), &[]);
        win(&mut ws, 3, 12 * D); // 10 days
        deal(&mut ws, 4, 0, "lead", eur(1), &[]);
        win(&mut ws, 4, 2 * D); // 2 days
        deal(&mut ws, 5, 0, "lead", eur(1), &[]);
        lose(&mut ws, 5, 9 * D, "price"); // lost: not a sales cycle
        let c = sales_cycle(&ws, &all(0, 100 * D));
        assert_eq!(c.deals, ids(&[1, 2, 3, 4]));
        // Mean (4 + 1 + 10 + 2) / 4 = 4.25; median of 1, 2, 4, 10 = (2 + 4) / 2 = 3.
        assert_eq!(c.average_days, Some(4.25));
        assert_eq!(c.median_days, Some(3.0));
        // Closed in [day 3, day 100): deals 1 (4 d) and 3 (10 d): median (4 + 10) / 2 = 7.
        let c = sales_cycle(&ws, &all(3 * D, 100 * D));
        assert_eq!(c.median_days, Some(7.0));
        // Closed in [day 0, day 5): deals 1 (4 d), 2 (1 d), 4 (2 d): an odd count, median 2,
        // mean (4 + 1 + 2) / 3 = 7/3.
        let c = sales_cycle(&ws, &all(0, 5 * D));
        assert_eq!(c.median_days, Some(2.0));
        assert_eq!(c.average_days, Some(7.0 / 3.0));
    }

    #[test]
    fn time_in_stage_sums_revisits_and_runs_the_current_stage_until_now() {
        let mut ws = with_pipeline();
        // Deal 1 (open): lead 0–2 d, proposal 2–5 d, lead again 5–6 d, negotiation 6 d–now (30 d).
        // lead 2 + 1 = 3 d, proposal 3 d, negotiation 24 d.
        deal(&mut ws, 1, 0, "lead", eur(1), &[]);
        move_to(&mut ws, 1, 2 * D, "proposal");
        move_to(&mut ws, 1, 5 * D, "lead");
        move_to(&mut ws, 1, 6 * D, "negotiation");
        // Deal 2 (won at 20 d): lead 10–14 d = 4 d, proposal 14–20 d = 6 d; not until now.
        deal(&mut ws, 2, 10 * D, "lead", eur(1), &[]);
        move_to(&mut ws, 2, 14 * D, "proposal");
        win(&mut ws, 2, 20 * D);
        // Deal 3 (lost at 4 d): lead 1–4 d = 3 d.
        deal(&mut ws, 3, D, "lead", eur(1), &[]);
        lose(&mut ws, 3, 4 * D, "price");
        // Deal 4: created after the period, not counted.
        deal(&mut ws, 4, 200 * D, "lead", eur(1), &[]);

        let t = time_in_stage(&ws, &all(0, 100 * D), Timestamp(30 * D));
        let s = &t[0].stages;
        // lead: (3 + 4 + 3) / 3 = 3.333… days; proposal: (3 + 6) / 2 = 4.5; negotiation: 24 / 1.
        assert_eq!(s[0].deals, ids(&[1, 2, 3]));
        assert!((s[0].average_days.unwrap() - 10.0 / 3.0).abs() < 1e-9);
        assert_eq!(s[1].deals, ids(&[1, 2]));
        assert_eq!(s[1].average_days, Some(4.5));
        assert_eq!(s[2].deals, ids(&[1]));
        assert_eq!(s[2].average_days, Some(24.0));
    }

    #[test]
    fn sales_velocity_per_currency() {
        let mut ws = with_pipeline();
        // Won in the period: A EUR 100.00 (10 d), B EUR 300.00 (30 d), C USD 50.00 (20 d).
        deal(&mut ws, 1, 0, "lead", eur(10_000), &[]);
        win(&mut ws, 1, 10 * D);
        deal(&mut ws, 2, 0, "lead", eur(30_000), &[]);
        win(&mut ws, 2, 30 * D);
        deal(&mut ws, 3, 0, "lead", money(5_000, "USD"), &[]);
        win(&mut ws, 3, 20 * D);
        // Lost in the period: D.
        deal(&mut ws, 4, 0, "lead", eur(99), &[]);
        lose(&mut ws, 4, 5 * D, "price");
        // Open: two in EUR, one in USD, one in JPY.
        deal(&mut ws, 5, 0, "lead", eur(100), &[]);
        deal(&mut ws, 6, 0, "proposal", eur(100), &[]);
        deal(&mut ws, 7, 0, "lead", money(100, "USD"), &[]);
        deal(&mut ws, 8, 0, "lead", money(500, "JPY"), &[]);

        let v = sales_velocity(&ws, &all(0, 100 * D));
        // Win rate 3 / (3 + 1) = 3/4; average cycle (10 + 30 + 20) / 3 = 20 days.
        let codes: Vec<_> = v.iter().map(|r| r.currency.code()).collect();
        assert_eq!(codes, ["EUR", "JPY", "USD"]);
        for r in &v {
            assert_eq!(r.win_rate, Ratio::new(3, 4));
            assert_eq!(r.average_cycle_days, Some(20.0));
        }
        // EUR: 2 open × 200.00 average × 3/4 ÷ 20 days = 15.00 a day.
        assert_eq!(v[0].open_deals, ids(&[5, 6]));
        assert_eq!(v[0].won_deals, ids(&[1, 2]));
        assert_eq!(v[0].average_won, Some(Money::new(20_000, cur("EUR"))));
        assert_eq!(v[0].per_day, Some(Money::new(1_500, cur("EUR"))));
        // JPY: open but never won: no average, no velocity.
        assert_eq!(v[1].open_deals, ids(&[8]));
        assert_eq!((v[1].average_won, v[1].per_day), (None, None));
        // USD: 1 × 50.00 × 3/4 ÷ 20 = 1.875 → 1.88 (187.5 minor units, half away from zero).
        assert_eq!(v[2].per_day, Some(Money::new(188, cur("USD"))));
    }

    #[test]
    fn lost_reasons_compare_trimmed_and_case_insensitively() {
        let mut ws = with_pipeline();
        let lost = |ws: &mut Workspace, n: u64, value, reason: &str, at: i64| {
            deal(ws, n, 0, "lead", value, &[]);
            lose(ws, n, at, "x");
            // Imported data may keep spaces the Lose command would trim.
            set(ws, Kind::Deal, id(n), at, "lost_reason", Some(text(reason)));
        };
        lost(&mut ws, 1, eur(10_000), "Price", D);
        lost(&mut ws, 2, eur(5_000), " Price ", D);
        lost(&mut ws, 3, money(1_000, "USD"), "price", D);
        lost(&mut ws, 4, eur(100), "PRICE", D);
        lost(&mut ws, 5, eur(200), "Цена", D);
        lost(&mut ws, 6, eur(300), "цена", D);
        lost(&mut ws, 7, eur(100), "Timing", D);
        lost(&mut ws, 8, eur(100), "Price", 200 * D); // outside the period

        let r = lost_reasons(&ws, &all(0, 100 * D));
        let names: Vec<_> = r.iter().map(|x| x.reason.as_str()).collect();
        // price: 4 deals (Price ×2, price, PRICE → "Price"); цена: 2 (a tie, "Цена" sorts
        // first: U+0426 < U+0446); timing: 1.
        assert_eq!(names, ["Price", "Цена", "Timing"]);
        assert_eq!(r[0].deals, ids(&[1, 2, 3, 4]));
        // EUR 100.00 + 50.00 + 1.00 = 151.00; USD 10.00 apart.
        assert_eq!(r[0].value, per(&[("EUR", 15_100), ("USD", 1_000)]));
        assert_eq!(r[1].deals, ids(&[5, 6]));
        assert_eq!(r[1].value, per(&[("EUR", 500)]));
        assert_eq!(r[2].deals, ids(&[7]));
    }

    #[test]
    fn a_won_deal_without_closing_time_is_in_no_period_but_reached_every_step() {
        let mut ws = with_pipeline();
        // A won deal imported without closed_at: open nowhere, closed in no period.
        make(
            &mut ws,
            Kind::Deal,
            id(1),
            D,
            &[
                ("title", text("Imported")),
                ("pipeline", link(id(PIPELINE))),
                ("stage", text("proposal")),
                ("value", eur(100)),
                ("status", text("won")),
            ],
        );
        let cut = all(0, 100 * D);
        assert!(win_rate(&ws, &cut).won.is_empty());
        assert!(
            open_by_stage(&ws, &cut.deals)[0]
                .stages
                .iter()
                .all(|s| s.open.deals.is_empty())
        );
        // It entered the pipeline in the period and was won: it reached every step.
        let conv = stage_conversion(&ws, &cut);
        assert!(conv[0].steps.iter().all(|s| s.reached == ids(&[1])));
        // With no closing time its last stay runs until now: proposal from day 1 to day 3.
        let t = time_in_stage(&ws, &cut, Timestamp(3 * D));
        assert_eq!(t[0].stages[1].average_days, Some(2.0));
    }
}
