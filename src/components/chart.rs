//! Charts drawn as SVG by the app itself (no charting script). Every chart:
//! - is named by a title and described by a text alternative (`role="img"`, `<title>`,
//!   `<desc>`), and mirrored in right-to-left;
//! - has marks that take keyboard focus and carry their figure (`aria-label`, `<title>`, and
//!   a tip drawn on focus or hover), so its tooltips are reachable without a mouse;
//! - shows the same figures one click away as a table whose rows link to the records behind
//!   them, and exports that table as CSV.
//!
//! One component per kind: [`BarChart`] (horizontal bars, for categories), [`ColumnChart`]
//! (vertical columns over time, with a value axis) and [`LineChart`] (a line over time, for
//! rates). They share [`ChartRow`] and the frame ([`ChartFrame`]: table toggle and CSV).
//! Components hold no business logic: the figures come in computed and formatted.

use leptos::prelude::*;

use crate::adapters::files::download;
use crate::i18n::{Direction, Msg, use_i18n};
use crate::session::use_session;

/// One figure of a chart: a bar, a column or a point.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartRow {
    /// The category or the period, as people read it (a short form for an axis).
    pub label: String,
    /// The label in full, for the table, the CSV and the tooltip (say "March 2026" where the
    /// axis shows "Mar").
    pub long_label: String,
    /// The mark's size; `None` for "no value" (a gap in a line, an empty column).
    pub value: Option<f64>,
    /// The figure as people read it (locale-formatted).
    pub text: String,
    /// A page about the category (the label's link), such as the board for a stage.
    pub href: Option<String>,
    /// Where the records behind this figure are listed (the figure's link).
    pub records: Option<String>,
}

impl ChartRow {
    pub fn new(label: impl Into<String>, value: Option<f64>, text: impl Into<String>) -> Self {
        let label = label.into();
        Self {
            long_label: label.clone(),
            label,
            value,
            text: text.into(),
            href: None,
            records: None,
        }
    }

    pub fn long(mut self, long_label: impl Into<String>) -> Self {
        self.long_label = long_label.into();
        self
    }

    pub fn href(mut self, href: Option<String>) -> Self {
        self.href = href;
        self
    }

    pub fn records(mut self, records: Option<String>) -> Self {
        self.records = records;
        self
    }

    fn tip(&self) -> String {
        format!("{}: {}", self.long_label, self.text)
    }
}

/// The figures a chart draws, shared by every kind of chart.
#[derive(Clone, Copy)]
pub struct ChartData {
    pub title: Signal<String>,
    pub rows: Signal<Vec<ChartRow>>,
    /// The table's first column header ("Stage", "Month", …).
    pub label_header: Signal<String>,
    /// The table's figure column header ("Weighted value", …).
    pub value_header: Signal<String>,
    /// The CSV file's name, without extension.
    pub file: &'static str,
    pub testid: &'static str,
}

const WIDTH: f64 = 480.0;

fn description(rows: &[ChartRow]) -> String {
    rows.iter()
        .map(ChartRow::tip)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The table behind a chart as CSV: label, figure as shown, and the plain number.
fn csv(data: &ChartData) -> String {
    let mut w = crm_core::import::CsvWriter::new(crm_core::import::Delimiter::Comma, true);
    w.row(&[
        data.label_header.get_untracked(),
        data.value_header.get_untracked(),
        String::from("value"),
    ]);
    for r in data.rows.get_untracked() {
        w.row(&[
            r.long_label,
            r.text,
            r.value.map(|v| format!("{v}")).unwrap_or_default(),
        ]);
    }
    w.finish()
}

/// What every chart has around its drawing: the figure, the table toggle, the table with its
/// links, and the CSV export of that table. `svg` draws the chart itself.
#[component]
pub fn ChartFrame(data: ChartData, svg: ViewFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let as_table = RwSignal::new(false);
    let export = move |_| {
        let text = csv(&data);
        if let Err(e) = download(&format!("{}.csv", data.file), text.as_bytes(), "text/csv") {
            session.problems.update(|p| p.push(e));
        }
    };
    view! {
        <figure class="chart" data-testid=data.testid>
            <Show when=move || as_table.get() fallback=move || svg.run()>
                <table class="chart-table">
                    <caption>{move || data.title.get()}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{move || data.label_header.get()}</th>
                            <th scope="col">{move || data.value_header.get()}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || data.rows.get().into_iter().map(|r| view! {
                            <tr>
                                <th scope="row">{match r.href {
                                    Some(h) => view! { <a href=h>{r.long_label.clone()}</a> }.into_any(),
                                    None => r.long_label.clone().into_any(),
                                }}</th>
                                <td>{match r.records {
                                    Some(h) => view! { <a href=h>{r.text.clone()}</a> }.into_any(),
                                    None => r.text.clone().into_any(),
                                }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
            <div class="chart-actions no-print">
                <button type="button" class="button small" aria-pressed=move || as_table.get().to_string() on:click=move |_| as_table.update(|t| *t = !*t)>
                    {move || i18n.t(if as_table.get() { Msg::ShowChart } else { Msg::ShowTable })}
                </button>
                <button
                    type="button"
                    class="button small"
                    data-testid="export-chart-csv"
                    aria-label=move || format!("{} – {}", i18n.t(Msg::ChartExportCsv), data.title.get())
                    on:click=export
                >
                    {move || i18n.t(Msg::ChartExportCsv)}
                </button>
            </div>
        </figure>
    }
}

/// The `<svg>` shell every chart uses: role, title and description.
fn svg_shell(
    data: ChartData,
    class: &'static str,
    height: impl Fn() -> f64 + Send + Sync + 'static,
    marks: impl IntoView + 'static,
) -> impl IntoView {
    let uid = super::unique_id();
    let (title_id, desc_id) = (format!("chart-{uid}-t"), format!("chart-{uid}-d"));
    view! {
        <svg
            role="img"
            aria-labelledby=format!("{title_id} {desc_id}")
            viewBox=move || format!("0 0 {WIDTH} {}", height())
            class=class
        >
            <title id=title_id.clone()>{move || data.title.get()}</title>
            <desc id=desc_id.clone()>{move || data.rows.with(|r| description(r))}</desc>
            {marks}
        </svg>
    }
}

const ROW: f64 = 30.0;
/// Room for the labels on the reading side.
const LABEL: f64 = 150.0;

/// Horizontal bars that start on the reading side, label then bar then figure (mirrored for
/// right-to-left). Rows without a value draw no bar.
#[component]
pub fn BarChart(data: ChartData) -> impl IntoView {
    let i18n = use_i18n();
    let rtl = move || i18n.locale().dir() == Direction::Rtl;
    let bars = move || {
        let rows = data.rows.get();
        let max = rows.iter().filter_map(|r| r.value).fold(0.0_f64, f64::max);
        let span = WIDTH - LABEL - 110.0;
        rows.into_iter()
            .enumerate()
            .map(|(i, r)| {
                let v = r.value.unwrap_or(0.0);
                let len = if max > 0.0 && v > 0.0 { (v / max * span).max(1.0) } else { 0.0 };
                let y = i as f64 * ROW;
                // The SVG reads left to right (see the stylesheet); right-to-left text runs
                // get their own direction, in which "start" is the right edge.
                let (label_x, anchor, bar_x, text_x, dir) = if rtl() {
                    (WIDTH - 4.0, "start", WIDTH - LABEL - len, WIDTH - LABEL - len - 6.0, "rtl")
                } else {
                    (4.0, "start", LABEL, LABEL + len + 6.0, "ltr")
                };
                let tip = r.tip();
                let tip_label = tip.clone();
                let label = shorten(&r.label, 20);
                view! {
                    <g class="bar" tabindex="0" role="graphics-symbol" aria-label=tip_label>
                        <title>{tip}</title>
                        <text x=label_x y={y + 19.0} text-anchor=anchor direction=dir class="bar-label">{label}</text>
                        <rect x=bar_x y={y + 6.0} width=len height={ROW - 12.0} rx="3"></rect>
                        <text x=text_x y={y + 19.0} text-anchor=anchor direction=dir class="bar-value">{r.text.clone()}</text>
                    </g>
                }
            })
            .collect_view()
    };
    let height = move || data.rows.with(Vec::len).max(1) as f64 * ROW;
    view! { <ChartFrame data=data svg=ViewFn::from(move || svg_shell(data, "bar-chart", height, bars)) /> }
}

/// A label cut to `n` characters with an ellipsis (the table and tooltip keep it whole).
fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

const PLOT_TOP: f64 = 24.0;
const PLOT_HEIGHT: f64 = 160.0;
const AXIS: f64 = 64.0;
const HEIGHT: f64 = PLOT_TOP + PLOT_HEIGHT + 28.0;

/// A "nice" top for a value axis: 1, 2, 2.5 or 5 times a power of ten, at least `max`.
fn nice_top(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|t| *t >= max)
        .unwrap_or(10.0 * p)
}

/// The value axis and grid lines (four steps), on the reading side; `top` is its maximum.
/// `tick` formats a value for the axis in the user's locale.
fn value_axis(top: f64, rtl: bool, tick: Callback<f64, String>) -> impl IntoView {
    (0..=4)
        .map(|i| {
            let v = top * f64::from(i) / 4.0;
            let y = PLOT_TOP + PLOT_HEIGHT - PLOT_HEIGHT * f64::from(i) / 4.0;
            let (x1, x2, tx, anchor) = if rtl {
                (0.0, WIDTH - AXIS, WIDTH - AXIS + 6.0, "start")
            } else {
                (AXIS, WIDTH, AXIS - 6.0, "end")
            };
            view! {
                <g class="axis" aria-hidden="true">
                    <line x1=x1 x2=x2 y1=y y2=y class="grid"></line>
                    <text x=tx y={y + 4.0} text-anchor=anchor>{tick.run(v)}</text>
                </g>
            }
        })
        .collect_view()
}

/// Where the `i`-th of `n` slots is centred along the time axis, and its width; time runs
/// in the reading direction (right to left in Persian).
fn slot(i: usize, n: usize, rtl: bool) -> (f64, f64) {
    let plot = WIDTH - AXIS;
    let w = plot / n.max(1) as f64;
    let from_start = w * (i as f64 + 0.5);
    let x = if rtl {
        plot - from_start
    } else {
        AXIS + from_start
    };
    (x, w)
}

/// Period labels under the time axis; when the names are too wide for their slots (Persian
/// month names), every second or third one, the others being in the tooltips and the table.
fn time_labels(rows: &[ChartRow], rtl: bool) -> impl IntoView + use<> {
    let n = rows.len();
    let (_, w) = slot(0, n, rtl);
    let widest = rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0) as f64
        * 6.5
        + 4.0;
    let step = (widest / w).ceil().max(1.0) as usize;
    rows.iter()
        .enumerate()
        .filter(|(i, _)| i % step == 0)
        .map(|(i, r)| {
            let (x, _) = slot(i, n, rtl);
            view! {
                <text x=x y={PLOT_TOP + PLOT_HEIGHT + 18.0} text-anchor="middle" class="axis-label" aria-hidden="true">
                    {r.label.clone()}
                </text>
            }
        })
        .collect_view()
}

/// A focusable mark's tip, drawn above it on focus or hover.
fn tip_text(x: f64, y: f64, text: String, rtl: bool) -> impl IntoView {
    let dir = if rtl { "rtl" } else { "ltr" };
    // Kept inside the drawing near its edges.
    let x = x.clamp(70.0, WIDTH - 70.0);
    view! { <text x=x y={(y - 6.0).max(12.0)} text-anchor="middle" direction=dir class="tip">{text}</text> }
}

/// Vertical columns over periods (months), with a value axis in the user's number format.
#[component]
pub fn ColumnChart(data: ChartData, #[prop(into)] tick: Callback<f64, String>) -> impl IntoView {
    let i18n = use_i18n();
    let marks = move || {
        let rtl = i18n.locale().dir() == Direction::Rtl;
        let rows = data.rows.get();
        let top = nice_top(rows.iter().filter_map(|r| r.value).fold(0.0, f64::max));
        let n = rows.len();
        let columns = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (x, w) = slot(i, n, rtl);
                let v = r.value.unwrap_or(0.0).max(0.0);
                let h = PLOT_HEIGHT * v / top;
                let y = PLOT_TOP + PLOT_HEIGHT - h;
                let tip = r.tip();
                let tip_label = tip.clone();
                view! {
                    <g class="bar column" tabindex="0" role="graphics-symbol" aria-label=tip_label>
                        <title>{tip}</title>
                        // A transparent full-height target, so even an empty month can be focused and hovered.
                        <rect class="hit" x={x - w / 2.0} y=PLOT_TOP width=w height=PLOT_HEIGHT></rect>
                        <rect x={x - w * 0.35} y=y width={w * 0.7} height=h rx="2"></rect>
                        {tip_text(x, y, r.text.clone(), rtl)}
                    </g>
                }
            })
            .collect_view();
        view! {
            {value_axis(top, rtl, tick)}
            {time_labels(&rows, rtl)}
            {columns}
        }
    };
    view! { <ChartFrame data=data svg=ViewFn::from(move || svg_shell(data, "bar-chart column-chart", || HEIGHT, marks)) /> }
}

/// A line over periods (a rate by month): points joined where consecutive periods have a
/// value, a gap where one has none. `top` fixes the axis maximum (1.0 for a rate).
#[component]
pub fn LineChart(
    data: ChartData,
    #[prop(into)] tick: Callback<f64, String>,
    #[prop(optional)] top: Option<f64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let marks = move || {
        let rtl = i18n.locale().dir() == Direction::Rtl;
        let rows = data.rows.get();
        let top = top
            .unwrap_or_else(|| nice_top(rows.iter().filter_map(|r| r.value).fold(0.0, f64::max)));
        let n = rows.len();
        let at = |i: usize, v: f64| {
            let (x, _) = slot(i, n, rtl);
            (
                x,
                PLOT_TOP + PLOT_HEIGHT - PLOT_HEIGHT * (v / top).clamp(0.0, 1.0),
            )
        };
        // Runs of consecutive points with a value.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, r) in rows.iter().enumerate() {
            match r.value {
                Some(v) => {
                    if let Some(run) = runs.last_mut() {
                        run.push(at(i, v));
                    }
                }
                None => runs.push(Vec::new()),
            }
        }
        let lines = runs
            .into_iter()
            .filter(|run| run.len() > 1)
            .map(|run| {
                let points = run
                    .iter()
                    .map(|(x, y)| format!("{x:.1},{y:.1}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                view! { <polyline points=points class="line" aria-hidden="true"></polyline> }
            })
            .collect_view();
        let points = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let (x, w) = slot(i, n, rtl);
                let tip = r.tip();
                let tip_label = tip.clone();
                let (cx, cy) = at(i, r.value.unwrap_or(0.0));
                view! {
                    <g class="bar point" tabindex="0" role="graphics-symbol" aria-label=tip_label>
                        <title>{tip}</title>
                        <rect class="hit" x={x - w / 2.0} y=PLOT_TOP width=w height=PLOT_HEIGHT></rect>
                        {r.value.map(|_| view! { <circle cx=cx cy=cy r="4"></circle> })}
                        {tip_text(x, cy, r.text.clone(), rtl)}
                    </g>
                }
            })
            .collect_view();
        view! {
            {value_axis(top, rtl, tick)}
            {time_labels(&rows, rtl)}
            {lines}
            {points}
        }
    };
    view! { <ChartFrame data=data svg=ViewFn::from(move || svg_shell(data, "bar-chart line-chart", || HEIGHT, marks)) /> }
}
