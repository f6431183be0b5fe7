//! `crm-bench analytics SIZE [CLOSED_FILE]`: each `crm_core::analytics` function natively, with
//! the cuts the dashboard asks for (issue 6), median of 5 after a warm-up run, so the engine's
//! share of a figure's time in the browser is visible.
//!
//! The generated datasets have only open deals, so win rate, revenue and RFM would be computed
//! over nothing. The same rows are therefore timed a second time on "SIZE, closed": the same
//! workspace after 25% of its deals were won and 15% lost, spread over the twelve months before
//! today (real clock, as the app's dashboard uses). With CLOSED_FILE that workspace is written
//! too, for `bench/dashboard.mjs`.

use std::collections::BTreeMap;

use anyhow::Context;
use crm_core::analytics::{
    ClvParams, DAY_MS, LifeCycleParams, Period, PipelineCut, RfmParams, ScorecardParams,
    TeamFilter, clv, life_cycle, pareto, pipeline, retention, rfm, scorecard, team,
};
use crm_core::{Command, Ctx, Kind, Timestamp, Workspace};

use crate::dataset::{Size, generate};
use crate::{SEED, median_ms, row, time};

const RUNS: usize = 5;

/// A row of the table: what is timed, and the call (its answer's size, so it is not optimised
/// away).
type Row<'a> = (&'static str, Box<dyn Fn() -> usize + 'a>);

/// Today's end (UTC midnight after now) and the twelve months before it, as the dashboard's
/// `last_year`.
fn last_year(now: i64) -> Period {
    let to = (now.div_euclid(DAY_MS) + 1) * DAY_MS;
    Period::new(Timestamp(to - 365 * DAY_MS), Timestamp(to))
}

/// Wins 25% and loses 15% of the open deals, each on a day of the last twelve months (one
/// change per day, as if closed by the team over the year).
fn close_some(ws: &mut Workspace, now: i64) -> anyhow::Result<usize> {
    let deals: Vec<_> = ws.live(Kind::Deal).map(|r| r.id).collect();
    let mut by_day: BTreeMap<i64, Vec<Command>> = BTreeMap::new();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut closed = 0;
    for deal in deals {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let pick = (state >> 33) % 100;
        let day = ((state >> 13) % 360) as i64 + 1;
        let cmd = match pick {
            0..25 => Command::Win { deal },
            25..40 => Command::Lose {
                deal,
                reason: ["price", "timing", "competitor"][(pick % 3) as usize].to_owned(),
            },
            _ => continue,
        };
        by_day.entry(day).or_default().push(cmd);
        closed += 1;
    }
    for (day, cmds) in by_day {
        let ctx = Ctx {
            now: Timestamp(now - day * DAY_MS),
            by: None,
        };
        ws.apply_batch(cmds, &ctx)
            .map_err(|(i, e)| anyhow::anyhow!("closing deals, command {i}: {e:?}"))?;
    }
    Ok(closed)
}

pub fn run(label: &str, size: Size, closed_file: Option<&str>) -> anyhow::Result<()> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_millis() as i64;
    let (mut ws, gen_ms) = time(|| generate(size, SEED));
    eprintln!("dataset {label}: generated in {gen_ms:.0} ms");
    table(&ws, label, now);
    let (closed, close_ms) = time(|| close_some(&mut ws, now));
    let closed = closed?;
    eprintln!("closed {closed} deals in {close_ms:.0} ms");
    if let Some(out) = closed_file {
        let bytes = ws.save();
        std::fs::write(out, &bytes).with_context(|| format!("cannot write {out}"))?;
        eprintln!("{label}, closed: {} bytes -> {out}", bytes.len());
    }
    println!();
    table(
        &ws,
        &format!("{label}, closed ({closed} deals won or lost)"),
        now,
    );
    Ok(())
}

fn table(ws: &Workspace, label: &str, now: i64) {
    let year = last_year(now);
    let cut = PipelineCut::new(year);
    let at = Timestamp(now);
    let (y, m, _) = crm_core::pipeline::civil_from_days(now.div_euclid(DAY_MS));
    let ahead = Period::months(y, m, 12);
    let (by, bm) = if m == 12 { (y, 1) } else { (y - 1, m + 1) };
    let behind = Period::months(by, bm, 12);
    let this_month = Period::months(y, m, 1);
    let (py, pm) = if m == 1 { (y - 1, 12) } else { (y, m - 1) };
    let last_month = Period::months(py, pm, 1);
    let each = |f: &mut dyn FnMut() -> usize| -> (f64, f64, f64) {
        f();
        median_ms((0..RUNS).map(|_| time(&mut *f).1).collect())
    };
    println!("| {label}, native: analytics | median ms | min | max | runs |");
    println!("|---|---:|---:|---:|---:|");
    let rows: Vec<Row<'_>> = vec![
        (
            "pipeline: open deals by stage (dashboard `pipeline`)",
            Box::new(|| pipeline::open_by_stage(ws, &cut.deals).len()),
        ),
        (
            "pipeline: win rate, last 12 months (`win-rate`)",
            Box::new(|| pipeline::win_rate(ws, &cut).won.len()),
        ),
        (
            "pipeline: forecast, 12 months in one pass (`forecast`)",
            Box::new(|| pipeline::forecast_by(ws, &cut.deals, &ahead).len()),
        ),
        (
            "pipeline: forecast, one cut (`forecast-undated`)",
            Box::new(|| pipeline::forecast(ws, &cut).undated.deals.len()),
        ),
        (
            "pipeline: win rate, 12 months in one pass (`win-trend`)",
            Box::new(|| pipeline::win_rate_by(ws, &cut.deals, &behind).len()),
        ),
        (
            "team: per member and territory (`team`, read by the revenue and activity cards)",
            Box::new(|| {
                team(
                    ws,
                    &TeamFilter {
                        period: year,
                        now: at,
                    },
                )
                .members
                .len()
            }),
        ),
        (
            "customers: RFM, last 12 months (`rfm`)",
            Box::new(|| {
                rfm(
                    ws,
                    &RfmParams {
                        window: year,
                        now: at,
                        currency: None,
                    },
                )
                .customers
                .len()
            }),
        ),
        (
            "scorecard: this month against the last (`scorecard`)",
            Box::new(|| {
                let (Some(p), Some(q)) = (this_month.first(), last_month.first()) else {
                    return 0;
                };
                scorecard(
                    ws,
                    &ScorecardParams {
                        previous: Some(*q),
                        ..ScorecardParams::new(*p, at)
                    },
                )
                .map(|s| s.perspectives.len())
                .unwrap_or(0)
            }),
        ),
        (
            "customers: lifetime value (company page `customer-value`, with RFM)",
            Box::new(|| {
                clv(ws, &ClvParams::of_workspace(ws, year))
                    .map(|c| c.customers.len())
                    .unwrap_or(0)
            }),
        ),
        (
            "pipeline: stage conversion",
            Box::new(|| pipeline::stage_conversion(ws, &cut).len()),
        ),
        (
            "pipeline: average deal size",
            Box::new(|| pipeline::average_deal_size(ws, &cut).len()),
        ),
        (
            "pipeline: sales cycle",
            Box::new(|| pipeline::sales_cycle(ws, &cut).deals.len()),
        ),
        (
            "pipeline: time in stage",
            Box::new(|| pipeline::time_in_stage(ws, &cut, at).len()),
        ),
        (
            "pipeline: sales velocity",
            Box::new(|| pipeline::sales_velocity(ws, &cut).len()),
        ),
        (
            "pipeline: lost reasons",
            Box::new(|| pipeline::lost_reasons(ws, &cut).len()),
        ),
        ("customers: 80/20", Box::new(|| pareto(ws, year).len())),
        (
            "customers: retention, 12 months",
            Box::new(|| retention(ws, &behind).map(|r| r.len()).unwrap_or(0)),
        ),
        (
            "customers: life cycle stage",
            Box::new(|| life_cycle(ws, &LifeCycleParams::new(at)).len()),
        ),
    ];
    for (what, f) in &rows {
        row(what, each(&mut || f()), RUNS);
    }
}
