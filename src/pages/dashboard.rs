//! / — the dashboard: where the pipeline stands, what is expected to close, how the win rate
//! moves, who brings the revenue, what the team does, the balanced scorecard and who the best
//! customers are (RFM), all computed here from the workspace by `crm_core::analytics`.
//!
//! Components only choose periods, pick figures and format them; every figure comes from
//! core with the ids of the records behind it, and links to them (`pages::figure`).
//!
//! Months follow the user's calendar: Gregorian months in English and Russian, Solar Hijri
//! months in Persian (their first days found through `Intl`), each a period handed to core.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use crm_core::analytics::{
    ClvParams, DAY_MS, DealFilter, PerCurrency, Period, PipelineCut, RfmParams, Segment,
    TeamFilter, TeamReport, clv, pipeline, rfm, team,
};
use crm_core::{Command, Currency, FieldKey, Filter, FilterOp, Id, Kind, Query, Sort, Timestamp};
use js_sys::{Array, Function, Intl, Object, Reflect};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::figure::figure_href;
use super::scorecard::ScorecardCard;
use crate::adapters::now_ms;
use crate::adapters::workspace_store::random_bytes;
use crate::components::chart::{BarChart, ChartData, ChartRow, ColumnChart, LineChart};
use crate::components::keep_alive::screen_memo;
use crate::components::page::Page;
use crate::components::toast::use_toasts;
use crate::components::value::href;
use crate::i18n::intl::{DateStyle, format_date, format_money, format_number};
use crate::i18n::{I18n, Locale, Msg, command_error, use_i18n};
use crate::session::use_session;

/// The last twelve months up to the end of today (UTC).
fn last_year(now: i64) -> Period {
    let to = (now.div_euclid(DAY_MS) + 1) * DAY_MS;
    Period::new(Timestamp(to - 365 * DAY_MS), Timestamp(to))
}

// ----- months in the user's calendar -----

thread_local! {
    static DAY_FORMAT: RefCell<HashMap<(&'static str, &'static str), Function>> = RefCell::new(HashMap::new());
}

/// `ms` (UTC) formatted by `Intl` in the calendar of `tag` with one date part (`month`,
/// `day`) in the style given, in UTC; the year too with `with_year`.
fn intl_part(
    tag: &'static str,
    part: &'static str,
    style: &'static str,
    with_year: bool,
    ms: i64,
) -> String {
    DAY_FORMAT.with_borrow_mut(|cache| {
        let f = cache
            .entry((tag, leak_key(part, style, with_year)))
            .or_insert_with(|| {
                let o = Object::new();
                let _ = Reflect::set(&o, &part.into(), &style.into());
                if with_year {
                    let _ = Reflect::set(&o, &"year".into(), &"numeric".into());
                }
                let _ = Reflect::set(&o, &"timeZone".into(), &"UTC".into());
                Intl::DateTimeFormat::new(&Array::of1(&JsValue::from_str(tag)), &o).format()
            });
        f.call1(
            &JsValue::NULL,
            &js_sys::Date::new(&JsValue::from_f64(ms as f64)),
        )
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
    })
}

/// A static name for each formatter shape (the cache key).
fn leak_key(part: &'static str, style: &'static str, with_year: bool) -> &'static str {
    match (part, style, with_year) {
        ("day", _, _) => "day",
        (_, "short", false) => "month-short",
        (_, _, true) => "month-long-year",
        _ => "month-long",
    }
}

/// The first days (UTC midnight, ms) of the months of the user's calendar from about 14
/// months before `now` to 14 after, in order.
fn month_starts(locale: Locale, now: i64) -> Vec<i64> {
    let (y, m, _) = crm_core::pipeline::civil_from_days(now.div_euclid(DAY_MS));
    let first = Period::months(y - 2, m, 1).first().map_or(0, |p| p.from.0);
    let greg: Vec<i64> = Period::months(y - 1, m, 28)
        .into_iter()
        .map(|p| p.from.0)
        .filter(|t| *t >= first)
        .collect();
    match locale {
        Locale::Fa => greg
            .iter()
            .filter_map(|g| {
                // A Solar Hijri month starts between the 19th and the 24th of a Gregorian one.
                (18..=23).map(|d| g + d * DAY_MS).find(|t| {
                    intl_part("fa-IR-u-ca-persian-nu-latn", "day", "numeric", false, *t)
                        .trim()
                        .parse::<u32>()
                        == Ok(1)
                })
            })
            .collect(),
        Locale::En | Locale::Ru => greg,
    }
}

/// One month of the user's calendar: its period and its short and long names.
#[derive(Debug, Clone, PartialEq)]
struct Month {
    period: Period,
    short: String,
    long: String,
}

/// `count` months of the user's calendar starting `offset` months from the one holding `now`
/// (negative: before it).
fn months(locale: Locale, now: i64, offset: i64, count: usize) -> Vec<Month> {
    let starts = month_starts(locale, now);
    let Some(current) = starts.iter().rposition(|s| *s <= now) else {
        return Vec::new();
    };
    let first = current as i64 + offset;
    (0..count as i64)
        .filter_map(|i| {
            let at = usize::try_from(first + i).ok()?;
            let (from, to) = (*starts.get(at)?, *starts.get(at + 1)?);
            let tag = locale.intl_tag();
            // Mid-month names the month whatever the time zone.
            let mid = from + 10 * DAY_MS;
            Some(Month {
                period: Period::new(Timestamp(from), Timestamp(to)),
                short: intl_part(tag, "month", "short", false, mid),
                long: intl_part(tag, "month", "long", true, mid),
            })
        })
        .collect()
}

// ----- formatting helpers -----

/// Every currency of a per-currency sum, the main one first ("€1,200.00 + $50.00").
fn money_text(locale: Locale, sums: &PerCurrency, main: Currency) -> String {
    let mut parts = vec![format_money(
        locale,
        sums.get(&main).copied().unwrap_or(0),
        &main,
    )];
    parts.extend(
        sums.iter()
            .filter(|(c, v)| **c != main && **v != 0)
            .map(|(c, v)| format_money(locale, *v, c)),
    );
    parts.join(" + ")
}

/// Axis ticks for amounts: whole units of the currency in the locale's digits.
fn money_tick(
    locale: Locale,
    currency: Currency,
) -> impl Fn(f64) -> String + Send + Sync + 'static {
    move |v: f64| {
        let major = v / 10f64.powi(i32::from(currency.exponent()));
        format_number(locale, major.round())
    }
}

fn data(
    title: Signal<String>,
    rows: Memo<Vec<ChartRow>>,
    label_header: Signal<String>,
    value_header: Signal<String>,
    file: &'static str,
    testid: &'static str,
) -> ChartData {
    ChartData {
        title,
        rows: rows.into(),
        label_header,
        value_header,
        file,
        testid,
    }
}

fn msg(i18n: I18n, m: Msg) -> Signal<String> {
    Signal::derive(move || i18n.t(m))
}

/// Runs one figure's computation inside a User Timing measure `hearth:figure:<name>`, read by
/// the benchmark harness (`bench/dashboard.mjs`). A figure computed while another one reads it
/// (the team report under the revenue cards) shows as a measure nested in that one's.
pub(super) fn timed<T>(name: &str, compute: impl FnOnce() -> T) -> T {
    crate::adapters::timed(&format!("hearth:figure:{name}"), compute)
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let today = now_ms() as f64;
    let now = now_ms();
    let period = last_year(now);
    let report = screen_memo(move || {
        timed("team", || {
            session
                .with_reads(|ws| {
                    team(
                        ws,
                        &TeamFilter {
                            period,
                            now: Timestamp(now),
                        },
                    )
                })
                .unwrap_or_default()
        })
    });
    view! {
        <Page title=Msg::NavDashboard>
            <p class="lead">{move || i18n.t(Msg::AppTagline)}</p>
            <p class="today" data-testid="today">
                {move || format_date(i18n.locale(), today, DateStyle::Full)}
            </p>
            <Show when=move || session.with_reads(|ws| ws.live(Kind::Deal).next().is_none()).unwrap_or(true)>
                <p class="muted">{move || i18n.t(Msg::DashboardIntro)}</p>
            </Show>
            <p class="no-print">
                <button type="button" class="button small" on:click=move |_| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.print();
                    }
                }>{move || i18n.t(Msg::Print)}</button>
            </p>
            <div class="dashboard">
                <PipelineCard />
                <WinRateCard />
                <ForecastCard />
                <WinTrendCard />
                <RevenueCard report=report by_territory=false />
                <RevenueCard report=report by_territory=true />
                <ActivitiesCard report=report />
                <ScorecardCard />
                <RfmCard />
            </div>
        </Page>
    }
}

#[component]
fn PipelineCard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rows = screen_memo(move || {
        timed("pipeline", || {
            let locale = i18n.locale();
            session
                .with_reads(|ws| {
                    let currency = ws.default_currency();
                    pipeline::open_by_stage(ws, &DealFilter::default())
                        .into_iter()
                        .next()
                        .map(|p| {
                            let cur = p.currency.unwrap_or(currency);
                            p.stages
                                .iter()
                                .map(|s| {
                                    let weighted = s.open.weighted.get(&cur).copied().unwrap_or(0);
                                    let n = s.open.deals.len();
                                    ChartRow::new(
                                        s.stage.name.clone(),
                                        Some(n as f64),
                                        format!(
                                            "{} · {}",
                                            format_number(locale, n as f64),
                                            format_money(locale, weighted, &cur)
                                        ),
                                    )
                                    .href(Some("/deals".to_owned()))
                                    .records(figure_href(
                                        Kind::Deal,
                                        &s.open.deals,
                                        &s.stage.name,
                                    ))
                                })
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default()
                })
                .unwrap_or_default()
        })
    });
    let chart = data(
        msg(i18n, Msg::DashPipelineChart),
        rows,
        msg(i18n, Msg::DashStage),
        msg(i18n, Msg::DashOpenWeighted),
        "pipeline",
        "pipeline-chart",
    );
    view! {
        <section class="card" aria-labelledby="dash-pipeline">
            <h2 id="dash-pipeline">{move || i18n.t(Msg::DashPipeline)}</h2>
            <Show
                when=move || !rows.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || i18n.t(Msg::DashNoPipeline)}</p> }
            >
                <BarChart data=chart />
            </Show>
        </section>
    }
}

#[component]
fn WinRateCard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let period = last_year(now_ms());
    let figures = screen_memo(move || {
        timed("win-rate", || {
            session
                .with_reads(|ws| {
                    let w = pipeline::win_rate(ws, &PipelineCut::new(period));
                    let mut closed = w.won.clone();
                    closed.extend(w.lost.iter().copied());
                    closed.sort_unstable();
                    (w.won, w.lost, w.by_count.value(), closed)
                })
                .unwrap_or_default()
        })
    });
    let rate = move || match figures.with(|f| f.2) {
        Some(rate) => format!("{} %", format_number(i18n.locale(), (rate * 100.0).round())),
        None => "—".to_owned(),
    };
    let closed_link =
        move || figures.with(|f| figure_href(Kind::Deal, &f.3, &i18n.t(Msg::DashWinRate)));
    view! {
        <section class="card" aria-labelledby="dash-win">
            <h2 id="dash-win">{move || i18n.t(Msg::DashWinRate)}</h2>
            <p class="big-figure" data-testid="win-rate">
                {move || match closed_link() {
                    Some(h) => view! { <a href=h>{rate()}</a> }.into_any(),
                    None => rate().into_any(),
                }}
            </p>
            <p class="muted">
                {move || {
                    let (won, lost) = figures.with(|f| (f.0.len(), f.1.len()));
                    i18n.t_with(
                        Msg::DashWonLost,
                        &[
                            ("won", &format_number(i18n.locale(), won as f64)),
                            ("lost", &format_number(i18n.locale(), lost as f64)),
                        ],
                    )
                }}
            </p>
        </section>
    }
}

/// Weighted value of open deals by the month they are expected to close: this month and the
/// next eleven, in the workspace's currency.
#[component]
fn ForecastCard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let now = now_ms();
    let currency = Memo::new(move |_| session.with_reads(|ws| ws.default_currency()));
    let rows = screen_memo(move || {
        timed("forecast", || {
            let locale = i18n.locale();
            let ms = months(locale, now, 0, 12);
            session
                .with_reads(|ws| {
                    let cur = ws.default_currency();
                    // The months of the user's calendar, each one period.
                    let periods: Vec<Period> = ms.iter().map(|m| m.period).collect();
                    let amounts = pipeline::forecast_by(ws, &DealFilter::default(), &periods);
                    ms.into_iter()
                        .zip(amounts)
                        .map(|(m, a)| {
                            let deals = a.deals;
                            let weighted = a.weighted.get(&cur).copied().unwrap_or(0);
                            let text = format!(
                                "{} · {}",
                                format_money(locale, weighted, &cur),
                                i18n.count(Msg::DealsCount, deals.len())
                            );
                            ChartRow::new(m.short, Some(weighted as f64), text)
                                .records(figure_href(Kind::Deal, &deals, &m.long))
                                .long(m.long)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let undated = screen_memo(move || {
        timed("forecast-undated", || {
            session
                .with_reads(|ws| {
                    pipeline::forecast(ws, &PipelineCut::new(last_year(now)))
                        .undated
                        .deals
                })
                .unwrap_or_default()
        })
    });
    let title = Signal::derive(move || {
        let code = currency
            .get()
            .map(|c| c.code().to_owned())
            .unwrap_or_default();
        i18n.t_with(Msg::DashForecastChart, &[("currency", &code)])
    });
    let chart = data(
        title,
        rows,
        msg(i18n, Msg::DashMonth),
        msg(i18n, Msg::DashWeighted),
        "forecast",
        "forecast-chart",
    );
    let tick = Callback::new(move |v: f64| {
        let cur = currency.get_untracked();
        match cur {
            Some(c) => money_tick(i18n.locale_untracked(), c)(v),
            None => format_number(i18n.locale_untracked(), v),
        }
    });
    view! {
        <section class="card" aria-labelledby="dash-forecast">
            <h2 id="dash-forecast">{move || i18n.t(Msg::DashForecast)}</h2>
            <ColumnChart data=chart tick=tick />
            <Show when=move || !undated.with(Vec::is_empty)>
                <p class="muted" data-testid="forecast-undated">
                    {move || undated.with(|u| {
                        let text = i18n.count(Msg::DashUndated, u.len());
                        match figure_href(Kind::Deal, u, &text) {
                            Some(h) => view! { <a href=h>{text}</a> }.into_any(),
                            None => text.into_any(),
                        }
                    })}
                </p>
            </Show>
        </section>
    }
}

/// Win rate by count of the deals closed in each of the last twelve months.
#[component]
fn WinTrendCard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let now = now_ms();
    let rows = screen_memo(move || {
        timed("win-trend", || {
            let locale = i18n.locale();
            let ms = months(locale, now, -11, 12);
            session
                .with_reads(|ws| {
                    let periods: Vec<Period> = ms.iter().map(|m| m.period).collect();
                    let rates = pipeline::win_rate_by(ws, &DealFilter::default(), &periods);
                    ms.into_iter()
                        .zip(rates)
                        .map(|(m, w)| {
                            let rate = w.by_count.value();
                            let text = match rate {
                                Some(r) => format!(
                                    "{} % · {}",
                                    format_number(locale, (r * 100.0).round()),
                                    i18n.t_with(
                                        Msg::DashWonLost,
                                        &[
                                            ("won", &format_number(locale, w.won.len() as f64)),
                                            ("lost", &format_number(locale, w.lost.len() as f64)),
                                        ],
                                    )
                                ),
                                None => i18n.t(Msg::DashNoneClosed),
                            };
                            let mut closed = w.won;
                            closed.extend(w.lost);
                            closed.sort_unstable();
                            ChartRow::new(m.short, rate, text)
                                .records(figure_href(Kind::Deal, &closed, &m.long))
                                .long(m.long)
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let chart = data(
        msg(i18n, Msg::DashWinTrendChart),
        rows,
        msg(i18n, Msg::DashMonth),
        msg(i18n, Msg::DashWinRateShort),
        "win-rate-by-month",
        "win-trend-chart",
    );
    let tick = Callback::new(move |v: f64| {
        format!(
            "{} %",
            format_number(i18n.locale_untracked(), (v * 100.0).round())
        )
    });
    view! {
        <section class="card" aria-labelledby="dash-win-trend">
            <h2 id="dash-win-trend">{move || i18n.t(Msg::DashWinTrend)}</h2>
            <LineChart data=chart tick=tick top=1.0 />
        </section>
    }
}

/// Revenue won in the last twelve months per member or per territory, largest first.
#[component]
fn RevenueCard(report: Memo<TeamReport>, by_territory: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rows = screen_memo(move || {
        let name = if by_territory {
            "revenue-territory"
        } else {
            "revenue-member"
        };
        timed(name, || {
            let locale = i18n.locale();
            session
                .with_reads(|ws| {
                    let cur = ws.default_currency();
                    let kind = if by_territory {
                        Kind::Territory
                    } else {
                        Kind::Member
                    };
                    report.with(|r| {
                        let map = if by_territory {
                            &r.territories
                        } else {
                            &r.members
                        };
                        let mut rows: Vec<(i64, ChartRow)> = map
                            .iter()
                            .map(|(who, f)| {
                                let name = match who {
                                    Some(id) => ws
                                        .get(kind, *id)
                                        .map(|x| x.title().to_owned())
                                        .unwrap_or_else(|| id.to_string()),
                                    None => i18n.t(Msg::DashUnassigned),
                                };
                                let v = f.revenue.get(&cur).copied().unwrap_or(0);
                                let text = money_text(locale, &f.revenue, cur);
                                let link = figure_href(Kind::Deal, &f.won, &name);
                                (v, ChartRow::new(name, Some(v as f64), text).records(link))
                            })
                            .collect();
                        rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.label.cmp(&b.1.label)));
                        rows.into_iter().map(|(_, r)| r).collect::<Vec<_>>()
                    })
                })
                .unwrap_or_default()
        })
    });
    let (heading, title, header, file, testid, id) = if by_territory {
        (
            Msg::DashRevenueTerritory,
            Msg::DashRevenueTerritoryChart,
            Msg::DashTerritory,
            "revenue-by-territory",
            "revenue-territory-chart",
            "dash-rev-territory",
        )
    } else {
        (
            Msg::DashRevenueMember,
            Msg::DashRevenueMemberChart,
            Msg::DashMember,
            "revenue-by-member",
            "revenue-member-chart",
            "dash-rev-member",
        )
    };
    let chart = data(
        msg(i18n, title),
        rows,
        msg(i18n, header),
        msg(i18n, Msg::DashRevenue),
        file,
        testid,
    );
    view! {
        <section class="card" aria-labelledby=id>
            <h2 id=id>{move || i18n.t(heading)}</h2>
            <Show
                when=move || !rows.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || i18n.t(Msg::DashNoTeam)}</p> }
            >
                <BarChart data=chart />
            </Show>
        </section>
    }
}

/// Activities logged in the last twelve months by kind, with their minutes.
#[component]
fn ActivitiesCard(report: Memo<TeamReport>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = screen_memo(move || {
        timed("activities", || {
            let locale = i18n.locale();
            report.with(|r| {
                // Every activity is under exactly one member (or none), so the members' rows add
                // up to the whole team.
                let mut by_kind: BTreeMap<&str, (Vec<Id>, i64)> = BTreeMap::new();
                for f in r.members.values() {
                    for (kind, t) in &f.activities {
                        let slot = by_kind.entry(kind.as_str()).or_default();
                        slot.0.extend(t.activities.iter().copied());
                        slot.1 = slot.1.saturating_add(t.minutes);
                    }
                }
                by_kind
                    .into_iter()
                    .map(|(kind, (mut ids, minutes))| {
                        ids.sort_unstable();
                        let label = i18n.choice(kind);
                        let text = i18n.t_with(
                            Msg::DashActivitiesText,
                            &[
                                ("count", &format_number(locale, ids.len() as f64)),
                                ("minutes", &format_number(locale, minutes as f64)),
                            ],
                        );
                        let link = figure_href(Kind::Activity, &ids, &label);
                        ChartRow::new(label, Some(ids.len() as f64), text).records(link)
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let chart = data(
        msg(i18n, Msg::DashActivitiesChart),
        rows,
        msg(i18n, Msg::DashKind),
        msg(i18n, Msg::DashActivitiesCount),
        "activities-by-kind",
        "activities-chart",
    );
    view! {
        <section class="card" aria-labelledby="dash-activities">
            <h2 id="dash-activities">{move || i18n.t(Msg::DashActivities)}</h2>
            <Show
                when=move || !rows.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || i18n.t(Msg::DashNoActivities)}</p> }
            >
                <BarChart data=chart />
            </Show>
        </section>
    }
}

/// Recency (rows, 5 at the top) by frequency (columns): each cell counts its customers and is
/// shaded by their average monetary score; choosing a cell lists them, and the list can be
/// kept as a saved view of companies.
#[component]
fn RfmCard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let period = last_year(now_ms());
    let now = Timestamp(now_ms());
    let chosen = RwSignal::new(None::<(u8, u8)>);
    let grid = screen_memo(move || {
        timed("rfm", || {
            session
                .with_reads(|ws| {
                    let r = rfm(
                        ws,
                        &RfmParams {
                            window: period,
                            now,
                            currency: None,
                        },
                    );
                    r.customers
                        .iter()
                        .map(|c| {
                            (
                                c.r,
                                c.f,
                                c.m,
                                c.company,
                                ws.get(Kind::Company, c.company)
                                    .map(|x| x.title().to_owned())
                                    .unwrap_or_default(),
                            )
                        })
                        .collect::<Vec<(u8, u8, u8, Id, String)>>()
                })
                .unwrap_or_default()
        })
    });
    let cell = move |r: u8, f: u8| {
        grid.with(|g| {
            let inside: Vec<u8> = g
                .iter()
                .filter(|c| c.0 == r && c.1 == f)
                .map(|c| c.2)
                .collect();
            let avg_m = if inside.is_empty() {
                0.0
            } else {
                inside.iter().map(|m| f64::from(*m)).sum::<f64>() / inside.len() as f64
            };
            (inside.len(), avg_m)
        })
    };
    let listed = move || {
        chosen.get().map(|(r, f)| {
            grid.with(|g| {
                g.iter()
                    .filter(|c| c.0 == r && c.1 == f)
                    .map(|c| (c.3, c.4.clone()))
                    .collect::<Vec<_>>()
            })
        })
    };
    view! {
        <section class="card rfm" aria-labelledby="dash-rfm">
            <h2 id="dash-rfm">{move || i18n.t(Msg::DashRfm)}</h2>
            <p class="muted">{move || i18n.t(Msg::DashRfmHint)}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t(Msg::DashRfm)>
            <table class="rfm-grid" data-testid="rfm-grid">
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t(Msg::DashRecencyFrequency)}</th>
                        {(1..=5u8).map(|f| view! { <th scope="col">{move || format_number(i18n.locale(), f64::from(f))}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {(1..=5u8).rev().map(|r| view! {
                        <tr>
                            <th scope="row">{move || format_number(i18n.locale(), f64::from(r))}</th>
                            {(1..=5u8).map(|f| {
                                let label = move || {
                                    let (n, _) = cell(r, f);
                                    format!("{}: {}", i18n.segment(Segment::of(r, f).key()), format_number(i18n.locale(), n as f64))
                                };
                                view! {
                                    <td>
                                        <button
                                            type="button"
                                            class="rfm-cell"
                                            data-cell=format!("{r}{f}")
                                            aria-pressed=move || (chosen.get() == Some((r, f))).to_string()
                                            aria-label=label
                                            style:--shade=move || format!("{:.2}", cell(r, f).1 / 5.0)
                                            on:click=move |_| chosen.update(|c| *c = if *c == Some((r, f)) { None } else { Some((r, f)) })
                                        >
                                            {move || format_number(i18n.locale(), cell(r, f).0 as f64)}
                                        </button>
                                    </td>
                                }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            {move || listed().map(|people| {
                let (r, f) = chosen.get_untracked().unwrap_or((1, 1));
                let ids: Vec<Id> = people.iter().map(|p| p.0).collect();
                let segment = i18n.segment(Segment::of(r, f).key());
                view! {
                    <div data-testid="rfm-customers">
                        <h3>{segment.clone()}</h3>
                        <ul class="plain">
                            {people.into_iter().map(|(id, name)| view! {
                                <li><a href=href(Kind::Company, id).unwrap_or_default()>{name}</a></li>
                            }).collect_view()}
                        </ul>
                        {(!ids.is_empty()).then(|| view! { <SaveSegmentView companies=ids name=format!("{segment} (R{r} F{f})") /> })}
                    </div>
                }
            })}
        </section>
    }
}

/// Keeps the customers of an RFM cell as a saved view of companies: each gets the view's name
/// as a tag, and the view lists the companies with that tag, so the list stays what it was
/// when saved (scores move as customers buy) and shows, as a filter, why a company is in it.
/// One batch: one Undo takes back the tags and the view together.
#[component]
fn SaveSegmentView(companies: Vec<Id>, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let toasts = use_toasts();
    let name = RwSignal::new(name);
    let saved = RwSignal::new(false);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let tag = name.get_untracked().trim().to_owned();
        if tag.is_empty() {
            return;
        }
        let mut cmds: Vec<Command> = session
            .with_untracked(|ws| {
                crm_core::add_tag(ws, Kind::Company, companies.iter().copied(), &tag)
            })
            .unwrap_or_default();
        let query = Query {
            filters: vec![Filter {
                key: FieldKey::Field("tags".into()),
                op: FilterOp::Equals(tag.clone()),
            }],
            sort: vec![Sort {
                key: FieldKey::Field("name".into()),
                descending: false,
            }],
            ..Query::new(Kind::Company)
        };
        cmds.push(query.save_as(Id::from_bytes(random_bytes()), &tag));
        match session.apply_batch(cmds) {
            Ok(()) => {
                saved.set(true);
                toasts.done(i18n.t_with(Msg::ViewSaved, &[("name", &tag)]));
            }
            Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
        }
    };
    view! {
        <form class="fields save-segment no-print" data-testid="save-segment" on:submit=save>
            <label>
                <span>{move || i18n.t(Msg::ViewName)}</span>
                <input
                    type="text"
                    required=true
                    data-testid="segment-view-name"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
            </label>
            <button type="submit" class="button">{move || i18n.t(Msg::DashSaveSegment)}</button>
        </form>
        <Show when=move || saved.get()>
            <p class="muted" data-testid="segment-saved">
                {move || i18n.t(Msg::DashSegmentSaved)}" "
                <a href="/companies">{move || i18n.t(Msg::NavCompanies)}</a>
            </p>
        </Show>
    }
}

/// A company page's view of it as a customer over the last twelve months: its RFM scores and
/// segment, and its lifetime value with the parameters set in Settings (else the defaults).
#[component]
pub fn CustomerValue(company: Id) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let period = last_year(now_ms());
    let now = Timestamp(now_ms());
    let figures = screen_memo(move || {
        timed("customer-value", || {
            session
                .with_reads(|ws| {
                    let scores = rfm(
                        ws,
                        &RfmParams {
                            window: period,
                            now,
                            currency: None,
                        },
                    );
                    let row = scores.customers.iter().find(|c| c.company == company)?;
                    let value = clv(ws, &ClvParams::of_workspace(ws, period))
                        .ok()
                        .and_then(|v| {
                            v.customers
                                .into_iter()
                                .find(|c| c.company == company)
                                .map(|c| c.discounted)
                        });
                    Some((row.r, row.f, row.m, row.segment, value))
                })
                .flatten()
        })
    });
    view! {
        <section class="card" aria-labelledby="customer-value" data-testid="customer-value">
            <h2 id="customer-value">{move || i18n.t(Msg::CustomerValue)}</h2>
            {move || match figures.get() {
                None => view! { <p class="muted">{move || i18n.t(Msg::CustomerNoPurchases)}</p> }.into_any(),
                Some((r, f, m, segment, value)) => view! {
                    <p><strong>{move || i18n.segment(segment.key())}</strong></p>
                    <p>{move || i18n.t_with(Msg::CustomerScores, &[
                        ("r", &format_number(i18n.locale(), f64::from(r))),
                        ("f", &format_number(i18n.locale(), f64::from(f))),
                        ("m", &format_number(i18n.locale(), f64::from(m))),
                    ])}</p>
                    {value.map(|v| view! {
                        <p>{move || i18n.t_with(Msg::CustomerLifetime, &[("value", &format_money(i18n.locale(), v.minor, &v.currency))])}</p>
                    })}
                }.into_any(),
            }}
        </section>
    }
}
