//! Choosing a record by typing part of its name: an ARIA combobox over the workspace's search
//! index, for links to contacts and companies (too many for a plain select).

use crm_core::{Id, Kind};
use leptos::prelude::*;

use crate::session::use_session;

/// Suggestions shown at most.
const LIMIT: usize = 8;

#[component]
pub fn RecordPicker(
    kind: Kind,
    /// The accessible name of the input.
    #[prop(into)]
    label: Signal<String>,
    on_pick: Callback<Id>,
    #[prop(optional)] testid: &'static str,
    #[prop(optional)] autofocus: bool,
) -> impl IntoView {
    let session = use_session();
    let text = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let open = RwSignal::new(false);
    let list_id = format!("picker-{}", crate::components::unique_id());
    let suggestions = Memo::new(move |_| {
        let q = text.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        session
            .with(|ws| {
                ws.search(&q)
                    .into_iter()
                    .filter(|(k, _)| *k == kind)
                    .filter_map(|(k, id)| ws.get(k, id))
                    .filter(|r| !r.is_trashed())
                    .take(LIMIT)
                    .map(|r| (r.id, r.title().to_owned()))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let pick = move |id: Id| {
        text.set(String::new());
        open.set(false);
        on_pick.run(id);
    };
    let option_id = {
        let list_id = list_id.clone();
        move |i: usize| format!("{list_id}-{i}")
    };
    let option_id2 = option_id.clone();
    view! {
        <div class="picker">
            <input
                type="text"
                role="combobox"
                autocomplete="off"
                autofocus=autofocus
                aria-autocomplete="list"
                aria-controls=list_id.clone()
                aria-expanded=move || (open.get() && !suggestions.get().is_empty()).to_string()
                aria-activedescendant=move || {
                    (open.get() && !suggestions.get().is_empty()).then(|| option_id(active.get()))
                }
                aria-label=move || label.get()
                placeholder=move || label.get()
                data-testid=testid
                prop:value=move || text.get()
                on:input=move |ev| {
                    text.set(event_target_value(&ev));
                    active.set(0);
                    open.set(true);
                }
                on:keydown=move |ev| {
                    let n = suggestions.with_untracked(Vec::len);
                    match ev.key().as_str() {
                        "ArrowDown" if n > 0 => {
                            ev.prevent_default();
                            open.set(true);
                            active.update(|a| *a = (*a + 1) % n);
                        }
                        "ArrowUp" if n > 0 => {
                            ev.prevent_default();
                            active.update(|a| *a = (*a + n - 1) % n);
                        }
                        "Enter" if n > 0 && open.get_untracked() => {
                            ev.prevent_default();
                            if let Some((id, _)) = suggestions
                                .with_untracked(|s| s.get(active.get_untracked()).cloned())
                            {
                                pick(id);
                            }
                        }
                        "Escape" if open.get_untracked() => {
                            ev.stop_propagation();
                            open.set(false);
                        }
                        _ => {}
                    }
                }
                on:blur=move |_| open.set(false)
            />
            <ul id=list_id role="listbox" class="picker-list" hidden=move || !open.get() || suggestions.get().is_empty()>
                {move || {
                    suggestions
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, (id, title))| {
                            view! {
                                <li
                                    role="option"
                                    id=option_id2(i)
                                    aria-selected=move || (active.get() == i).to_string()
                                    // mousedown, not click: the input's blur would close the list first.
                                    on:mousedown=move |ev| {
                                        ev.prevent_default();
                                        pick(id);
                                    }
                                >
                                    {title}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}
