//! Charts drawn as SVG by the app itself (no charting script): a horizontal bar chart whose
//! bars start on the reading side (mirrored in right-to-left), named by a title and described by
//! a text alternative, with the same figures one click away as a table whose rows link to the
//! records behind them. Bars take keyboard focus and show their figure as a tooltip.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Direction, Msg, use_i18n};

#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    pub label: String,
    /// The bar's length, relative to the longest.
    pub value: f64,
    /// The figure as people read it (locale-formatted).
    pub text: String,
    /// Where the records behind this bar are listed.
    pub href: Option<String>,
}

const ROW: f64 = 30.0;
const WIDTH: f64 = 480.0;
/// Room for the labels on the reading side.
const LABEL: f64 = 150.0;

#[component]
pub fn BarChart(
    #[prop(into)] title: Signal<String>,
    #[prop(into)] rows: Signal<Vec<BarRow>>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let as_table = RwSignal::new(false);
    let uid = super::unique_id();
    let (title_id, desc_id) = (format!("chart-{uid}-t"), format!("chart-{uid}-d"));
    let description = move || {
        rows.with(|r| {
            r.iter()
                .map(|b| format!("{}: {}", b.label, b.text))
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    let rtl = move || i18n.locale().dir() == Direction::Rtl;
    let bars = move || {
        let rows = rows.get();
        let max = rows.iter().map(|r| r.value).fold(0.0_f64, f64::max);
        let span = WIDTH - LABEL - 90.0;
        rows.into_iter()
            .enumerate()
            .map(|(i, r)| {
                let len = if max > 0.0 { (r.value / max * span).max(1.0) } else { 0.0 };
                let y = i as f64 * ROW;
                // Left to right: label, bar, figure; mirrored for right-to-left.
                let (label_x, anchor, bar_x, text_x) = if rtl() {
                    (WIDTH - 4.0, "end", WIDTH - LABEL - len, WIDTH - LABEL - len - 6.0)
                } else {
                    (4.0, "start", LABEL, LABEL + len + 6.0)
                };
                let tip = format!("{}: {}", r.label, r.text);
                let tip_label = tip.clone();
                view! {
                    <g class="bar" tabindex="0" aria-label=tip_label>
                        <title>{tip}</title>
                        <text x=label_x y=y + 19.0 text-anchor=anchor class="bar-label">{r.label.clone()}</text>
                        <rect x=bar_x y=y + 6.0 width=len height=ROW - 12.0 rx="3"></rect>
                        <text x=text_x y=y + 19.0 text-anchor=anchor class="bar-value">{r.text.clone()}</text>
                    </g>
                }
            })
            .collect_view()
    };
    let height = move || rows.with(Vec::len).max(1) as f64 * ROW;
    view! {
        <figure class="chart" data-testid=testid>
            <Show
                when=move || as_table.get()
                fallback=move || {
                    let (title_id, desc_id) = (title_id.clone(), desc_id.clone());
                    view! {
                        <svg
                            role="img"
                            aria-labelledby=format!("{title_id} {desc_id}")
                            viewBox=move || format!("0 0 {WIDTH} {}", height())
                            class="bar-chart"
                        >
                            <title id=title_id.clone()>{move || title.get()}</title>
                            <desc id=desc_id.clone()>{description}</desc>
                            {bars}
                        </svg>
                    }
                }
            >
                <table class="chart-table">
                    <caption>{move || title.get()}</caption>
                    <tbody>
                        {move || rows.get().into_iter().map(|r| view! {
                            <tr>
                                <th scope="row">{match r.href {
                                    Some(h) => view! { <A href=h>{r.label.clone()}</A> }.into_any(),
                                    None => r.label.clone().into_any(),
                                }}</th>
                                <td>{r.text}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </Show>
            <button type="button" class="button small" aria-pressed=move || as_table.get().to_string() on:click=move |_| as_table.update(|t| *t = !*t)>
                {move || i18n.t(if as_table.get() { Msg::ShowChart } else { Msg::ShowTable })}
            </button>
        </figure>
    }
}
