//! The CRM balanced scorecard (`crm_core::analytics::scorecard`): for this month, quarter or
//! year against the one before, for the whole workspace or one RFM segment, every measure of
//! the six perspectives with its value, change, target and status. Targets are edited in
//! place and written as `targets` records through the ordinary commands (so they sync, show
//! in history and undo); the status follows at once, since it is computed from them.
//!
//! Shown as a card on the dashboard and alone on /scorecard (for printing).

use crm_core::analytics::scorecard::{
    Direction, Figure, Measure, Reading, ScoreRow, Status, Target, Trend, Unit, judge, readings,
    target_for,
};
use crm_core::analytics::{DAY_MS, Period, ScorecardParams, Segment};
use crm_core::pipeline::civil_from_days;
use crm_core::{Command, Currency, FieldError, FieldType, FieldValue, Id, Kind, Timestamp};
use leptos::prelude::*;

use super::dashboard::timed;
use super::figure::figure_href;
use crate::adapters::now_ms;
use crate::adapters::workspace_store::random_bytes;
use crate::components::keep_alive::screen_memo;
use crate::components::page::Page;
use crate::i18n::intl::{format_money, format_number};
use crate::i18n::{I18n, Locale, Msg, command_error, field_error, t_key, use_i18n};
use crate::session::{Session, use_session};

/// The calendar span a scorecard covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Month,
    Quarter,
    Year,
}

impl Span {
    const ALL: [Span; 3] = [Span::Month, Span::Quarter, Span::Year];

    fn key(self) -> &'static str {
        match self {
            Span::Month => "month",
            Span::Quarter => "quarter",
            Span::Year => "year",
        }
    }

    fn label(self) -> Msg {
        match self {
            Span::Month => Msg::ScoreThisMonth,
            Span::Quarter => Msg::ScoreThisQuarter,
            Span::Year => Msg::ScoreThisYear,
        }
    }

    /// This calendar month, quarter or year (UTC) around `now`, and the one before it.
    pub fn periods(self, now: i64) -> (Period, Period) {
        let (y, m, _) = civil_from_days(now.div_euclid(DAY_MS));
        let (first, len) = match self {
            Span::Month => (m, 1),
            Span::Quarter => ((m - 1) / 3 * 3 + 1, 3),
            Span::Year => (1, 12),
        };
        let span = |year: i64, month: u32| {
            let months = Period::months(year, month, len);
            match (months.first(), months.last()) {
                (Some(a), Some(b)) => Period::new(a.from, b.to),
                _ => Period::new(Timestamp(0), Timestamp(1)),
            }
        };
        let start = y * 12 + i64::from(first) - 1 - len as i64;
        (
            span(y, first),
            span(start.div_euclid(12), (start.rem_euclid(12) + 1) as u32),
        )
    }
}

/// A measure's name (`measure-<perspective>-<name>` in the catalog).
fn measure_name(locale: Locale, m: &Measure) -> String {
    t_key(locale, "measure", &m.key.replace('.', "-"))
}

fn status_label(s: Status) -> (Msg, &'static str, &'static str) {
    // Text, a class for the colour and a symbol, so the status never rests on colour alone.
    match s {
        Status::OnTrack => (Msg::StatusOnTrack, "on-track", "✓"),
        Status::AtRisk => (Msg::StatusAtRisk, "at-risk", "!"),
        Status::OffTrack => (Msg::StatusOffTrack, "off-track", "✕"),
        Status::NoTarget => (Msg::StatusNoTarget, "no-target", "–"),
        Status::NoData => (Msg::StatusNoData, "no-data", "–"),
        Status::NotTracked => (Msg::StatusNotTracked, "not-tracked", "…"),
        Status::NotApplicable => (Msg::StatusNotApplicable, "not-applicable", "–"),
    }
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A value in a measure's unit as people read it.
fn figure_text(locale: Locale, f: &Figure) -> String {
    match f {
        Figure::Money(m) => format_money(locale, m.minor, &m.currency),
        Figure::Percent(r) => r.value().map_or_else(
            || "—".to_owned(),
            |v| format!("{} %", format_number(locale, one_decimal(v * 100.0))),
        ),
        Figure::Count(n) => format_number(locale, *n as f64),
        Figure::Days(_) => f
            .as_f64()
            .map_or_else(|| "—".to_owned(), |d| days_text(locale, one_decimal(d))),
    }
}

fn days_text(locale: Locale, d: f64) -> String {
    crate::i18n::t_with(
        locale,
        Msg::ScoreDays,
        &[("value", &format_number(locale, d))],
    )
}

/// A change with its sign ("+3", "−€400.00").
fn signed(x: f64, text: impl Fn(f64) -> String) -> String {
    if x > 0.0 {
        format!("+{}", text(x))
    } else if x < 0.0 {
        format!("−{}", text(-x))
    } else {
        text(0.0)
    }
}

/// The change from the previous period in the measure's unit (percentage points for rates).
fn change_text(locale: Locale, unit: Unit, change: f64, currency: &Currency) -> String {
    match unit {
        Unit::Money => signed(change, |v| format_money(locale, v.round() as i64, currency)),
        Unit::Percent => signed(change, |v| {
            crate::i18n::t_with(
                locale,
                Msg::ScorePoints,
                &[("value", &format_number(locale, one_decimal(v * 100.0)))],
            )
        }),
        Unit::Count => signed(change, |v| format_number(locale, v)),
        Unit::Days => signed(change, |v| days_text(locale, one_decimal(v))),
    }
}

/// A value in a target's unit (basis points, minor units, a count, whole days) as shown.
fn target_units_text(locale: Locale, unit: Unit, units: i64, currency: &Currency) -> String {
    match unit {
        Unit::Money => format_money(locale, units, currency),
        Unit::Percent => format!("{} %", format_number(locale, units as f64 / 100.0)),
        Unit::Count => format_number(locale, units as f64),
        Unit::Days => days_text(locale, units as f64),
    }
}

/// A target's units as the editor shows them to change ("40" for 40 %, "1200.00").
fn target_units_input(unit: Unit, units: i64, currency: Currency) -> String {
    match unit {
        Unit::Money => crm_core::form::plain_amount(&crm_core::Money {
            minor: units,
            currency,
        }),
        Unit::Percent => crm_core::form::plain_amount(&crm_core::Money {
            minor: units,
            currency: percent_scale(currency),
        })
        .trim_end_matches('0')
        .trim_end_matches('.')
        .to_owned(),
        Unit::Count | Unit::Days => units.to_string(),
    }
}

/// Percentages are typed as decimals with two places ("12.5" %) and stored in basis points,
/// which is how amounts in a two-decimal currency are read into minor units: the amount parser
/// (Persian digits, `12,5`, spaces) is reused with such a currency.
fn percent_scale(fallback: Currency) -> Currency {
    "EUR".parse().unwrap_or(fallback)
}

/// Reads what was typed for a target or a tolerance in the measure's target unit; blank is
/// `None`.
fn parse_units(
    field: &str,
    unit: Unit,
    raw: &str,
    currency: Currency,
) -> Result<Option<i64>, FieldError> {
    let (ty, cur) = match unit {
        Unit::Money => (FieldType::Money, currency),
        Unit::Percent => (FieldType::Money, percent_scale(currency)),
        Unit::Count | Unit::Days => (
            FieldType::Int {
                min: 0,
                max: i64::MAX,
            },
            currency,
        ),
    };
    Ok(match crm_core::form::parse_input(field, ty, raw, cur)? {
        Some(FieldValue::Money(m)) => Some(m.minor),
        Some(FieldValue::Int(n)) => Some(n),
        _ => None,
    })
}

/// The card: period and segment selectors and the perspectives' measures.
#[component]
pub fn ScorecardCard(#[prop(optional)] standalone: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let span = RwSignal::new(Span::Month);
    let segment = RwSignal::new(None::<Segment>);
    let editing = RwSignal::new(None::<&'static str>);
    let now = now_ms();
    // Measured, then judged: a target edited re-judges the readings without measuring again.
    let measured = screen_memo(move || {
        timed("scorecard", || {
            let (period, previous) = span.get().periods(now);
            session
                .with_reads(|ws| {
                    readings(
                        ws,
                        &ScorecardParams {
                            previous: Some(previous),
                            segment: segment.get(),
                            ..ScorecardParams::new(period, Timestamp(now))
                        },
                    )
                    .ok()
                })
                .flatten()
        })
    });
    let card = screen_memo(move || {
        timed("scorecard-judged", || {
            measured.with(|m| {
                let m = m.as_ref()?;
                session.with_reads(|ws| judge(ws, m))
            })
        })
    });
    let perspectives = move || {
        card.get()
            .map(|c| {
                c.perspectives
                    .into_iter()
                    .map(|p| (p.perspective, p.rows, c.currency))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="card scorecard" aria-labelledby="scorecard-title" data-testid="scorecard">
            <h2 id="scorecard-title">{move || i18n.t(Msg::ScorecardTitle)}</h2>
            <div class="toolbar no-print">
                <label class="inline">
                    <span>{move || i18n.t(Msg::ScorePeriod)}</span>
                    <select
                        data-testid="scorecard-period"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(s) = Span::ALL.into_iter().find(|s| s.key() == v) {
                                span.set(s);
                            }
                        }
                        prop:value=move || span.get().key()
                    >
                        {Span::ALL.into_iter().map(|s| view! {
                            <option value=s.key()>{move || i18n.t(s.label())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="inline">
                    <span>{move || i18n.t(Msg::ScoreSegment)}</span>
                    <select
                        data-testid="scorecard-segment"
                        on:change=move |ev| segment.set(Segment::from_key(&event_target_value(&ev)))
                        prop:value=move || segment.get().map(Segment::key).unwrap_or_default()
                    >
                        <option value="">{move || i18n.t(Msg::ScoreWholeWorkspace)}</option>
                        {Segment::ALL.into_iter().map(|s| view! {
                            <option value=s.key()>{move || i18n.segment(s.key())}</option>
                        }).collect_view()}
                    </select>
                </label>
                {(!standalone).then(|| view! {
                    <a href="/scorecard">{move || i18n.t(Msg::ScoreOpenPage)}</a>
                })}
                <button type="button" class="button small" on:click=move |_| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.print();
                    }
                }>{move || i18n.t(Msg::Print)}</button>
            </div>
            <p class="muted print-only">
                {move || format!("{} · {}", i18n.t(span.get().label()), segment.get().map_or_else(|| i18n.t(Msg::ScoreWholeWorkspace), |s| i18n.segment(s.key())))}
            </p>
            <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t(Msg::ScorecardTitle)>
                <table class="scorecard-table">
                    <caption class="visually-hidden">{move || i18n.t(Msg::ScorecardTitle)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t(Msg::ScoreMeasure)}</th>
                            <th scope="col">{move || i18n.t(Msg::ScoreThisPeriod)}</th>
                            <th scope="col">{move || i18n.t(Msg::ScorePrevious)}</th>
                            <th scope="col">{move || i18n.t(Msg::ScoreChange)}</th>
                            <th scope="col">{move || i18n.t(Msg::ScoreTarget)}</th>
                            <th scope="col">{move || i18n.t(Msg::ScoreStatus)}</th>
                            <th scope="col" class="no-print"><span class="visually-hidden">{move || i18n.t(Msg::ScoreEditTarget)}</span></th>
                        </tr>
                    </thead>
                    {move || perspectives().into_iter().map(|(p, rows, currency)| view! {
                        <tbody>
                            <tr class="perspective">
                                <th scope="colgroup" colspan="7">{move || t_key(i18n.locale(), "perspective", p.key())}</th>
                            </tr>
                            {rows.into_iter().map(|row| view! {
                                <ScoreLine row=row currency=currency segment=segment.get_untracked() editing=editing />
                            }).collect_view()}
                        </tbody>
                    }).collect_view()}
                </table>
            </div>
        </section>
    }
}

#[component]
pub fn ScorecardPage() -> impl IntoView {
    view! {
        <Page title=Msg::ScorecardTitle>
            <ScorecardCard standalone=true />
        </Page>
    }
}

/// A reading as text, linked to the records behind it when there are any.
fn reading_view(i18n: I18n, m: &'static Measure, r: &Reading) -> AnyView {
    let locale = i18n.locale_untracked();
    match r {
        Reading::NotTracked | Reading::NotApplicable => "—".into_any(),
        Reading::Measured(x) => {
            let text = x
                .value
                .as_ref()
                .map_or_else(|| "—".to_owned(), |f| figure_text(locale, f));
            let link = m
                .records
                .and_then(|k| figure_href(k, &x.records, &measure_name(locale, m)));
            match link {
                Some(h) => view! {
                    <a href=h title=i18n.count(Msg::FigureCount, x.records.len())>{text}</a>
                }
                .into_any(),
                None => text.into_any(),
            }
        }
    }
}

/// One measure: its readings, change, target and status, and the target's editor.
#[component]
fn ScoreLine(
    row: ScoreRow,
    currency: Currency,
    segment: Option<Segment>,
    editing: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let m = row.measure;
    let locale = i18n.locale_untracked();
    let name = measure_name(locale, m);
    let (label, class, symbol) = status_label(row.status);
    let status_key = class;
    let change = row.change.map(|c| {
        let trend = match row.trend {
            Some(Trend::Better) => Msg::TrendBetter,
            Some(Trend::Worse) => Msg::TrendWorse,
            _ => Msg::TrendSame,
        };
        (change_text(locale, m.unit, c, &currency), i18n.t(trend))
    });
    let target = row.target.map(|t| {
        let cur = t.currency.unwrap_or(currency);
        let dir = match t.direction {
            Direction::Higher => "≥",
            Direction::Lower => "≤",
        };
        let tol = (t.tolerance > 0).then(|| {
            i18n.t_with(
                Msg::ScoreTolerance,
                &[(
                    "value",
                    &target_units_text(locale, m.unit, t.tolerance, &cur),
                )],
            )
        });
        let inherited = t.segment != segment;
        (
            format!("{dir} {}", target_units_text(locale, m.unit, t.value, &cur)),
            tol,
            inherited,
        )
    });
    let editable = m.is_tracked() && !matches!(row.current, Reading::NotApplicable);
    let is_editing = move || editing.get() == Some(m.key);
    let edit_label = format!(
        "{} – {name}",
        i18n.t(if row.target.is_some() {
            Msg::ScoreEditTarget
        } else {
            Msg::ScoreSetTarget
        })
    );
    let edit_text = i18n.t(if row.target.is_some() {
        Msg::ScoreEditTarget
    } else {
        Msg::ScoreSetTarget
    });
    let current = reading_view(i18n, m, &row.current);
    let previous = reading_view(i18n, m, &row.previous);
    let existing = row.target.filter(|t| t.segment == segment);
    view! {
        <tr data-measure=m.key>
            <th scope="row">{name.clone()}</th>
            <td class="num" data-testid="current">{current}</td>
            <td class="num">{previous}</td>
            <td class="num">{change.map(|(c, t)| view! { {c}" "<span class="muted">{format!("({t})")}</span> })}</td>
            <td class="num" data-testid="target">
                {target.map(|(t, tol, inherited)| view! {
                    {t}
                    {tol.map(|x| view! { <br /><span class="muted">{x}</span> })}
                    {inherited.then(|| view! { <br /><span class="muted">{move || i18n.t(Msg::ScoreWorkspaceTarget)}</span> })}
                })}
            </td>
            <td>
                <span class=format!("status status-{class}") data-status=status_key data-testid="status">
                    <span aria-hidden="true">{symbol}" "</span>{move || i18n.t(label)}
                </span>
            </td>
            <td class="no-print">
                {editable.then(|| view! {
                    <button
                        type="button"
                        class="button small"
                        data-testid="edit-target"
                        aria-expanded=move || is_editing().to_string()
                        aria-label=edit_label.clone()
                        on:click=move |_| editing.update(|e| *e = if *e == Some(m.key) { None } else { Some(m.key) })
                    >
                        {edit_text.clone()}
                    </button>
                })}
            </td>
        </tr>
        <Show when=is_editing>
            <tr class="target-editor-row no-print">
                <td colspan="7">
                    <TargetEditor measure=m name=name.clone() existing=existing segment=segment currency=currency editing=editing session=session />
                </td>
            </tr>
        </Show>
    }
}

/// Sets, changes or removes the target of one measure for the scorecard's segment.
#[component]
fn TargetEditor(
    measure: &'static Measure,
    name: String,
    existing: Option<Target>,
    segment: Option<Segment>,
    currency: Currency,
    editing: RwSignal<Option<&'static str>>,
    session: Session,
) -> impl IntoView {
    let i18n = use_i18n();
    let unit = measure.unit;
    let cur = existing.and_then(|t| t.currency).unwrap_or(currency);
    let value = RwSignal::new(
        existing
            .map(|t| target_units_input(unit, t.value, cur))
            .unwrap_or_default(),
    );
    let direction = RwSignal::new(existing.map_or(measure.direction, |t| t.direction));
    let tolerance = RwSignal::new(
        existing
            .filter(|t| t.tolerance > 0)
            .map(|t| target_units_input(unit, t.tolerance, cur))
            .unwrap_or_default(),
    );
    let error = RwSignal::new(None::<String>);
    let unit_hint = match unit {
        Unit::Money => cur.code().to_owned(),
        Unit::Percent => "%".to_owned(),
        Unit::Count => String::new(),
        Unit::Days => crate::i18n::t(i18n.locale_untracked(), Msg::ScoreDaysUnit),
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let locale = i18n.locale_untracked();
        let read = |field: &str, raw: String| parse_units(field, unit, &raw, cur);
        let target = match read("target", value.get_untracked()) {
            Ok(Some(v)) => v,
            Ok(None) => {
                error.set(Some(field_error(
                    locale,
                    &FieldError::Required {
                        field: "target".into(),
                    },
                )));
                return;
            }
            Err(e) => {
                error.set(Some(field_error(locale, &e)));
                return;
            }
        };
        let tol = match read("tolerance", tolerance.get_untracked()) {
            Ok(t) => t,
            Err(e) => {
                error.set(Some(field_error(locale, &e)));
                return;
            }
        };
        // The record to change: this segment's own target (the scorecard may be showing the
        // workspace's), looked up again now in case a colleague set one meanwhile.
        let own = session
            .with_untracked(|ws| target_for(ws, measure.key, segment, currency))
            .flatten()
            .filter(|t| t.segment == segment)
            .map(|t| t.id);
        let mut fields: Vec<(String, Option<FieldValue>)> = vec![
            ("target".into(), Some(FieldValue::Int(target))),
            (
                "direction".into(),
                Some(FieldValue::text(direction.get_untracked().key())),
            ),
            ("tolerance".into(), tol.map(FieldValue::Int)),
        ];
        let cmd = match own {
            Some(id) => Command::Update {
                kind: Kind::Target,
                id,
                fields,
            },
            None => {
                fields.push(("measure".into(), Some(FieldValue::text(measure.key))));
                if let Some(s) = segment {
                    fields.push(("segment".into(), Some(FieldValue::text(s.key()))));
                }
                if unit == Unit::Money {
                    fields.push(("currency".into(), Some(FieldValue::text(cur.code()))));
                }
                Command::Create {
                    kind: Kind::Target,
                    id: Id::from_bytes(random_bytes()),
                    fields: fields
                        .into_iter()
                        .filter_map(|(k, v)| v.map(|v| (k, v)))
                        .collect(),
                    custom: vec![],
                }
            }
        };
        match session.apply(cmd) {
            Ok(()) => {
                error.set(None);
                editing.set(None);
            }
            Err(e) => error.set(Some(command_error(locale, &e))),
        }
    };
    let remove = move |_| {
        if let Some(t) = existing {
            match session.apply(Command::Trash {
                kind: Kind::Target,
                id: t.id,
            }) {
                Ok(()) => editing.set(None),
                Err(e) => error.set(Some(command_error(i18n.locale_untracked(), &e))),
            }
        }
    };
    let legend = i18n.t_with(Msg::ScoreTargetFor, &[("measure", &name)]);
    view! {
        <form class="fields target-editor" data-testid="target-editor" on:submit=save>
            <fieldset class="fields">
                <legend>{legend}</legend>
                <label>
                    <span>{move || i18n.field("target")}{format!(" ({unit_hint})")}</span>
                    <input
                        type="text"
                        inputmode="decimal"
                        required=true
                        data-testid="target-value"
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                </label>
                <label>
                    <span>{move || i18n.field("direction")}</span>
                    <select
                        data-testid="target-direction"
                        prop:value=move || direction.get().key()
                        on:change=move |ev| {
                            if let Some(d) = Direction::from_key(&event_target_value(&ev)) {
                                direction.set(d);
                            }
                        }
                    >
                        {[Direction::Higher, Direction::Lower].into_iter().map(|d| view! {
                            <option value=d.key()>{move || i18n.choice(d.key())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>
                    <span>{move || i18n.field("tolerance")}{format!(" ({unit_hint})")}</span>
                    <input
                        type="text"
                        inputmode="decimal"
                        data-testid="target-tolerance"
                        prop:value=move || tolerance.get()
                        on:input=move |ev| tolerance.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="button primary" data-testid="target-save">{move || i18n.t(Msg::Save)}</button>
                {existing.map(|_| view! {
                    <button type="button" class="button danger" data-testid="target-remove" on:click=remove>
                        {move || i18n.t(Msg::ScoreRemoveTarget)}
                    </button>
                })}
                <button type="button" class="button" on:click=move |_| editing.set(None)>{move || i18n.t(Msg::Cancel)}</button>
            </fieldset>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </form>
    }
}
