//! / — the dashboard: where the pipeline stands, how many deals were won, and who the best
//! customers are (RFM), over the last twelve months, computed here from the workspace.

use crm_core::analytics::{ClvParams, Period, PipelineCut, RfmParams, Segment, clv, pipeline, rfm};
use crm_core::{Id, Kind, Timestamp};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::adapters::now_ms;
use crate::components::chart::{BarChart, BarRow};
use crate::components::page::Page;
use crate::components::value::href;
use crate::i18n::intl::{DateStyle, format_date, format_money, format_number};
use crate::i18n::{Msg, use_i18n};
use crate::session::use_session;

const DAY_MS: i64 = 86_400_000;

/// The last twelve months up to the end of today (UTC).
fn last_year(now: i64) -> Period {
    let to = (now.div_euclid(DAY_MS) + 1) * DAY_MS;
    Period::new(Timestamp(to - 365 * DAY_MS), Timestamp(to))
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let today = now_ms() as f64;
    view! {
        <Page title=Msg::NavDashboard>
            <p class="lead">{move || i18n.t(Msg::AppTagline)}</p>
            <p class="today" data-testid="today">
                {move || format_date(i18n.locale(), today, DateStyle::Full)}
            </p>
            <Show when=move || session.with(|ws| ws.live(Kind::Deal).next().is_none()).unwrap_or(true)>
                <p class="muted">{move || i18n.t(Msg::DashboardIntro)}</p>
            </Show>
            <div class="dashboard">
                <PipelineCard />
                <WinRateCard />
                <RfmCard />
            </div>
        </Page>
    }
}

#[component]
fn PipelineCard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let period = last_year(now_ms());
    let rows = Memo::new(move |_| {
        let locale = i18n.locale();
        session
            .with(|ws| {
                let currency = ws.default_currency();
                pipeline::open_by_stage(ws, &PipelineCut::new(period))
                    .into_iter()
                    .next()
                    .map(|p| {
                        let cur = p.currency.unwrap_or(currency);
                        p.stages
                            .iter()
                            .map(|s| {
                                let weighted = s.open.weighted.get(&cur).copied().unwrap_or(0);
                                BarRow {
                                    label: s.stage.name.clone(),
                                    value: s.open.deals.len() as f64,
                                    text: format!(
                                        "{} · {}",
                                        format_number(locale, s.open.deals.len() as f64),
                                        format_money(locale, weighted, &cur)
                                    ),
                                    href: Some("/deals".to_owned()),
                                }
                            })
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default()
            })
            .unwrap_or_default()
    });
    view! {
        <section class="card" aria-labelledby="dash-pipeline">
            <h2 id="dash-pipeline">{move || i18n.t(Msg::DashPipeline)}</h2>
            <Show
                when=move || !rows.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || i18n.t(Msg::DashNoPipeline)}</p> }
            >
                <BarChart title=Signal::derive(move || i18n.t(Msg::DashPipelineChart)) rows=rows testid="pipeline-chart" />
            </Show>
        </section>
    }
}

#[component]
fn WinRateCard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let period = last_year(now_ms());
    let figures = Memo::new(move |_| {
        session
            .with(|ws| {
                let w = pipeline::win_rate(ws, &PipelineCut::new(period));
                (w.won.len(), w.lost.len(), w.by_count.value())
            })
            .unwrap_or_default()
    });
    view! {
        <section class="card" aria-labelledby="dash-win">
            <h2 id="dash-win">{move || i18n.t(Msg::DashWinRate)}</h2>
            <p class="big-figure" data-testid="win-rate">
                {move || match figures.get().2 {
                    Some(rate) => format!("{} %", format_number(i18n.locale(), (rate * 100.0).round())),
                    None => "—".to_owned(),
                }}
            </p>
            <p class="muted">
                {move || {
                    let (won, lost, _) = figures.get();
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

/// Recency (rows, 5 at the top) by frequency (columns): each cell counts its customers and is
/// shaded by their average monetary score; choosing a cell lists them.
#[component]
fn RfmCard() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let period = last_year(now_ms());
    let now = Timestamp(now_ms());
    let chosen = RwSignal::new(None::<(u8, u8)>);
    let grid = Memo::new(move |_| {
        session
            .with(|ws| {
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
            <div class="table-scroll">
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
                view! {
                    <div data-testid="rfm-customers">
                        <h3>{i18n.segment(Segment::of(r, f).key())}</h3>
                        <ul class="plain">
                            {people.into_iter().map(|(id, name)| view! {
                                <li><A href=href(Kind::Company, id).unwrap_or_default()>{name}</A></li>
                            }).collect_view()}
                        </ul>
                    </div>
                }
            })}
        </section>
    }
}

/// A company page's view of it as a customer over the last twelve months: its RFM scores and
/// segment, and its lifetime value (the workspace's default parameters until the team sets
/// its own).
#[component]
pub fn CustomerValue(company: Id) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let period = last_year(now_ms());
    let now = Timestamp(now_ms());
    let figures = Memo::new(move |_| {
        session
            .with(|ws| {
                let scores = rfm(
                    ws,
                    &RfmParams {
                        window: period,
                        now,
                        currency: None,
                    },
                );
                let row = scores.customers.iter().find(|c| c.company == company)?;
                let value = clv(ws, &ClvParams::new(period)).ok().and_then(|v| {
                    v.customers
                        .into_iter()
                        .find(|c| c.company == company)
                        .map(|c| c.discounted)
                });
                Some((row.r, row.f, row.m, row.segment, value))
            })
            .flatten()
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
