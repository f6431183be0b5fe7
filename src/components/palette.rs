//! Find anything (Ctrl/Cmd+K): jump to any record, create records and run commands, as an
//! ARIA combobox with a listbox of results.

use crm_core::Kind;
use leptos::html::Input;
use leptos::prelude::*;

use super::toast::use_toasts;
use super::value::href;
use crate::i18n::{Msg, command_error, use_i18n};
use crate::session::use_session;

/// Records listed at most.
const LIMIT: usize = 12;

#[derive(Clone, PartialEq)]
enum Action {
    Go(String),
    Undo,
    Redo,
    Shortcuts,
}

#[derive(Clone, Copy)]
pub struct Overlays {
    pub palette: RwSignal<bool>,
    pub help: RwSignal<bool>,
}

pub fn use_overlays() -> Overlays {
    expect_context::<Overlays>()
}

#[component]
pub fn CommandPalette() -> impl IntoView {
    let overlays = use_overlays();
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let text = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let input = NodeRef::<Input>::new();

    Effect::new(move |_| {
        if overlays.palette.get()
            && let Some(el) = input.get()
        {
            let _ = el.focus();
        }
    });

    let results = Memo::new(move |_| {
        let q = text.get();
        let fold = crm_core::search::normalize(&q);
        let mut out: Vec<(String, String, Action)> = Vec::new();
        let commands = [
            (Msg::NavDashboard, Action::Go("/".into())),
            (Msg::NavContacts, Action::Go("/contacts".into())),
            (Msg::NavCompanies, Action::Go("/companies".into())),
            (Msg::NavDeals, Action::Go("/deals".into())),
            (Msg::NavActivities, Action::Go("/activities".into())),
            (Msg::NavTasks, Action::Go("/tasks".into())),
            (Msg::Duplicates, Action::Go("/duplicates".into())),
            (Msg::NavSettings, Action::Go("/settings".into())),
            (Msg::ContactsAddTitle, Action::Go("/contacts#add".into())),
            (Msg::CompaniesAddTitle, Action::Go("/companies#add".into())),
            (Msg::AddDeal, Action::Go("/deals#add".into())),
            (Msg::AddTask, Action::Go("/tasks#add".into())),
            (Msg::Undo, Action::Undo),
            (Msg::Redo, Action::Redo),
            (Msg::KeyboardShortcuts, Action::Shortcuts),
        ];
        for (m, a) in commands {
            let label = i18n.t(m);
            if fold.is_empty() || crm_core::search::normalize(&label).contains(&fold) {
                out.push((label, i18n.t(Msg::Command), a));
            }
        }
        if !fold.is_empty() {
            session.with(|ws| {
                for (kind, id) in ws
                    .search(&q)
                    .into_iter()
                    .filter(|(k, _)| matches!(k, Kind::Contact | Kind::Company | Kind::Deal))
                {
                    if let (Some(r), Some(h)) = (ws.get(kind, id), href(kind, id))
                        && !r.is_trashed()
                    {
                        out.push((
                            r.title().to_owned(),
                            i18n.t(crate::pages::records::detail::kind_name(kind)),
                            Action::Go(h),
                        ));
                    }
                    if out.len() >= LIMIT + 15 {
                        break;
                    }
                }
            });
        }
        out
    });

    let close = move || {
        overlays.palette.set(false);
        text.set(String::new());
        active.set(0);
    };
    let run = Callback::new(move |a: Action| {
        close();
        match a {
            Action::Go(h) => crate::adapters::history::go(&h),
            Action::Undo | Action::Redo => {
                let r = if a == Action::Undo {
                    session.undo()
                } else {
                    session.redo()
                };
                if let Err(e) = r {
                    toasts.error(command_error(i18n.locale_untracked(), &e));
                }
            }
            Action::Shortcuts => overlays.help.set(true),
        }
    });

    view! {
        <Show when=move || overlays.palette.get()>
            <div class="overlay" on:click=move |_| close()>
                <div
                    class="palette"
                    role="dialog"
                    aria-modal="true"
                    aria-label=move || i18n.t(Msg::FindAnything)
                    on:click=|ev| ev.stop_propagation()
                >
                    <input
                        node_ref=input
                        type="text"
                        role="combobox"
                        aria-expanded="true"
                        aria-controls="palette-list"
                        aria-autocomplete="list"
                        aria-activedescendant=move || format!("palette-{}", active.get())
                        aria-label=move || i18n.t(Msg::FindAnything)
                        placeholder=move || i18n.t(Msg::FindAnythingHint)
                        data-testid="palette-input"
                        prop:value=move || text.get()
                        on:input=move |ev| {
                            text.set(event_target_value(&ev));
                            active.set(0);
                        }
                        on:keydown={
                            move |ev| {
                                let n = results.with_untracked(Vec::len);
                                match ev.key().as_str() {
                                    "ArrowDown" if n > 0 => {
                                        ev.prevent_default();
                                        active.update(|a| *a = (*a + 1) % n);
                                    }
                                    "ArrowUp" if n > 0 => {
                                        ev.prevent_default();
                                        active.update(|a| *a = (*a + n - 1) % n);
                                    }
                                    "Enter" => {
                                        ev.prevent_default();
                                        if let Some((_, _, a)) = results.with_untracked(|r| r.get(active.get_untracked()).cloned()) {
                                            run.run(a);
                                        }
                                    }
                                    "Escape" => {
                                        ev.stop_propagation();
                                        close();
                                    }
                                    _ => {}
                                }
                            }
                        }
                    />
                    <ul id="palette-list" role="listbox" class="palette-list" aria-label=move || i18n.t(Msg::Results)>
                        {move || {
                            results
                                .get()
                                .into_iter()
                                .take(LIMIT)
                                .enumerate()
                                .map(|(i, (label, kind, action))| {
                                    view! {
                                        <li
                                            id=format!("palette-{i}")
                                            role="option"
                                            aria-selected=move || (active.get() == i).to_string()
                                            on:mousedown=move |ev| {
                                                ev.prevent_default();
                                                run.run(action.clone());
                                            }
                                        >
                                            <span>{label}</span>
                                            <span class="muted">{kind}</span>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                </div>
            </div>
        </Show>
    }
}
