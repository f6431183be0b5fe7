//! A windowed list: only the rows in view (plus a margin) are in the DOM, so a list of 100k
//! records scrolls and updates as fast as one of 50.

use leptos::html::Div;
use leptos::prelude::*;
use std::hash::Hash;

/// Rows rendered beyond the visible ones on each side, so fast scrolling shows no gaps.
const OVERSCAN: usize = 4;

/// The most the viewport can show, in CSS pixels: `.virtual-list`'s `max-block-size` in
/// style/main.css, `min(70dvh, 40rem)`. Known before the list is laid out, so the first frame
/// builds no rows beyond it (every row is dozens of nodes).
fn viewport_bound() -> f64 {
    let window = window();
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(1_000.0);
    let rem = document()
        .document_element()
        .and_then(|root| window.get_computed_style(&root).ok().flatten())
        .and_then(|style| style.get_property_value("font-size").ok())
        .and_then(|size| size.trim_end_matches("px").parse::<f64>().ok())
        .unwrap_or(16.0);
    (0.7 * height).min(40.0 * rem)
}

/// `items` in a scrollable viewport of fixed-height rows.
#[component]
pub fn VirtualList<T, K, KF, V, VF>(
    items: Signal<Vec<T>>,
    /// Height of one row in CSS pixels; rows must not be taller.
    row_height: f64,
    key: KF,
    row: VF,
    #[prop(into, optional)] label: Signal<String>,
    #[prop(optional)] testid: &'static str,
    /// Rows of a table (`rowgroup`/`row`) instead of items of a list.
    #[prop(optional)]
    table: bool,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    K: Eq + Hash + Clone + Send + Sync + 'static,
    KF: Fn(&T) -> K + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    VF: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    let viewport = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport_height = viewport_bound();
    let visible = move || {
        let top = (scroll_top.get() / row_height).floor() as usize;
        let first = top.saturating_sub(OVERSCAN);
        // No margin above the first row: opening a list builds only what can show.
        let count = (viewport_height / row_height).ceil() as usize + OVERSCAN + (top - first);
        // Only the window is cloned, not the whole list.
        items.with(|all| {
            let total = all.len();
            all.iter()
                .enumerate()
                .skip(first)
                .take(count)
                .map(|(i, item)| (i, total, item.clone()))
                .collect::<Vec<_>>()
        })
    };
    let shown = super::keep_alive::use_shown();
    let row_key = key.clone();
    view! {
        <div
            class="virtual-list"
            node_ref=viewport
            role=if table { "rowgroup" } else { "list" }
            aria-label=move || (!table).then(|| label.get())
            data-testid=testid
            on:scroll=move |_| {
                // A screen away keeps its scroll position (`keep_alive`); whatever the browser
                // reports meanwhile is not the user's.
                if !shown.get_untracked() {
                    return;
                }
                if let Some(el) = viewport.get_untracked() {
                    scroll_top.set(f64::from(el.scroll_top()));
                }
            }
        >
            <div
                class="virtual-list-space"
                style:block-size=move || format!("{}px", items.with(Vec::len) as f64 * row_height)
            >
                <For
                    each=visible
                    key=move |(_, _, item)| row_key(item)
                    children=move |(i, total, item)| {
                        let row = row.clone();
                        view! {
                            <div
                                class="virtual-row"
                                // A table's row is the grid its cells are laid out in.
                                class:table-row=table
                                role=if table { "row" } else { "listitem" }
                                aria-posinset=(!table).then_some(i + 1)
                                aria-setsize=(!table).then_some(total)
                                // Header row is 1, so the first record is row 2.
                                aria-rowindex=table.then_some(i + 2)
                                style:inset-block-start=format!("{}px", i as f64 * row_height)
                                style:block-size=format!("{row_height}px")
                            >
                                {row(item)}
                            </div>
                        }
                    }
                />
            </div>
        </div>
    }
}
