//! A windowed list: only the rows in view (plus a margin) are in the DOM, so a list of 100k
//! records scrolls and updates as fast as one of 50.
//!
//! A row is a slot for one position in the list, not for one item: when the items change (a
//! search keystroke, a new sort, a record added above), each slot keeps its element and its
//! place and shows the item now at its position, so only the values in it change. Building
//! and tearing down the rows instead took most of a search keystroke's frame at M, and rows
//! that kept their item kept their old place too.
//!
//! Slots outlive a shorter list: when the items no longer reach a slot (a search narrowed to
//! three records), it is hidden with its last item rather than dropped, and shown again when
//! the list grows back (the next Backspace), so the slots a viewport needs are built once. A
//! hidden slot keeps its box below the list's end, out of sight, with its contents skipped
//! (`content-visibility`, style/main.css): showing it again restyles and lays out nothing
//! that did not change.

use leptos::html::Div;
use leptos::prelude::*;

/// Rows rendered beyond the visible ones on each side, so fast scrolling shows no gaps.
const OVERSCAN: usize = 2;

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

/// `items` in a scrollable viewport of fixed-height rows. `row` builds a row from the item at
/// its position, given as a signal: the row must show whatever item it is later given.
#[component]
pub fn VirtualList<T, V, VF>(
    items: Signal<Vec<T>>,
    /// Height of one row in CSS pixels; rows must not be taller.
    row_height: f64,
    row: VF,
    #[prop(into, optional)] label: Signal<String>,
    #[prop(optional)] testid: &'static str,
    /// Rows of a table (`rowgroup`/`row`) instead of items of a list.
    #[prop(optional)]
    table: bool,
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
    V: IntoView + 'static,
    VF: Fn(Signal<T>) -> V + Clone + Send + Sync + 'static,
{
    let viewport = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport_height = viewport_bound();
    let len = Memo::new(move |_| items.with(Vec::len));
    // The longest the list has been: slots up to it are kept, hidden where the list ends.
    let reach = Memo::new(move |prev: Option<&usize>| len.get().max(prev.copied().unwrap_or(0)));
    let visible = move || {
        let top = (scroll_top.get() / row_height).floor() as usize;
        let first = top.saturating_sub(OVERSCAN);
        // No margin above the first row: opening a list builds only what can show.
        let count = (viewport_height / row_height).ceil() as usize + OVERSCAN + (top - first);
        first..(first + count).min(reach.get())
    };
    let shown = super::keep_alive::use_shown();
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
                    key=|i: &usize| *i
                    children=move |i| {
                        let row = row.clone();
                        // The item at `i`, or the last one it had while the list is shorter
                        // (the slot is hidden then). None only for a slot that never had one.
                        let item = Memo::new(move |prev: Option<&Option<T>>| {
                            items
                                .with(|all| all.get(i).cloned())
                                .or_else(|| prev.cloned().flatten())
                        });
                        let filled = Memo::new(move |_| item.with(Option::is_some));
                        let past_end = Memo::new(move |_| len.get() <= i);
                        view! {
                            <div
                                class="virtual-row"
                                // A table's row is the grid its cells are laid out in.
                                class:table-row=table
                                role=if table { "row" } else { "listitem" }
                                // Hidden by the stylesheet without display: none, so the
                                // `hidden` attribute alone would leave it to assistive
                                // technology as an empty row.
                                hidden=move || past_end.get()
                                aria-hidden=move || past_end.get().then_some("true")
                                aria-posinset=(!table).then_some(i + 1)
                                aria-setsize=move || (!table).then(|| len.get())
                                // Header row is 1, so the first record is row 2.
                                aria-rowindex=table.then_some(i + 2)
                                style:inset-block-start=format!("{}px", i as f64 * row_height)
                                style:block-size=format!("{row_height}px")
                            >
                                {move || {
                                    // Built once, with the slot's first item.
                                    filled.get().then(|| {
                                        let first = item.get_untracked()?;
                                        let row = row.clone();
                                        Some(row(Signal::derive(move || {
                                            item.get().unwrap_or_else(|| first.clone())
                                        })))
                                    })
                                }}
                            </div>
                        }
                    }
                />
            </div>
        </div>
    }
}
