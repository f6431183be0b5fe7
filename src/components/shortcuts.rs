//! Keyboard shortcuts for the whole app and the `?` overlay that lists them.

use leptos::prelude::*;

use super::palette::use_overlays;
use super::toast::use_toasts;
use crate::i18n::{Msg, command_error, use_i18n};
use crate::pages::records::detail::is_typing;
use crate::session::use_session;

/// `g` then a letter goes to a page.
const GO: [(&str, &str, Msg); 7] = [
    ("h", "/", Msg::NavDashboard),
    ("c", "/contacts", Msg::NavContacts),
    ("o", "/companies", Msg::NavCompanies),
    ("d", "/deals", Msg::NavDeals),
    ("a", "/activities", Msg::NavActivities),
    ("t", "/tasks", Msg::NavTasks),
    ("s", "/settings", Msg::NavSettings),
];

/// Installs the global key handler; render once, inside the router.
#[component]
pub fn Shortcuts() -> impl IntoView {
    let overlays = use_overlays();
    let session = use_session();
    let toasts = use_toasts();
    let i18n = use_i18n();
    let pending_g = StoredValue::new(false);
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let key = ev.key();
        let command = ev.ctrl_key() || ev.meta_key();
        if command && key.eq_ignore_ascii_case("k") {
            ev.prevent_default();
            overlays.palette.update(|o| *o = !*o);
            return;
        }
        if is_typing(&ev) {
            return;
        }
        if command && key.eq_ignore_ascii_case("z") {
            ev.prevent_default();
            let r = if ev.shift_key() {
                session.redo()
            } else {
                session.undo()
            };
            if let Err(e) = r {
                toasts.error(command_error(i18n.locale_untracked(), &e));
            }
            return;
        }
        if command || ev.alt_key() {
            return;
        }
        if key == "Escape" {
            overlays.help.set(false);
            close_menus(None);
            return;
        }
        if pending_g.get_value() {
            pending_g.set_value(false);
            if let Some((_, path, _)) = GO.iter().find(|(k, _, _)| *k == key) {
                ev.prevent_default();
                crate::adapters::history::go(path);
            }
            return;
        }
        match key.as_str() {
            "?" => {
                ev.prevent_default();
                overlays.help.update(|h| *h = !*h);
            }
            "g" => pending_g.set_value(true),
            "/" => {
                // Focus the page's search box, if it has one.
                if let Some(el) = super::keep_alive::query_shown("main input[type=search]") {
                    use wasm_bindgen::JsCast;
                    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                        ev.prevent_default();
                        let _ = el.focus();
                    }
                }
            }
            _ => {}
        }
    });
    on_cleanup(move || handle.remove());
    // Menus made of <details> close on a click elsewhere, like any menu.
    let outside = window_event_listener(leptos::ev::click, move |ev| {
        use wasm_bindgen::JsCast;
        let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
        close_menus(target.as_ref());
    });
    on_cleanup(move || outside.remove());

    view! {
        <Show when=move || overlays.help.get()>
            <div class="overlay" on:click=move |_| overlays.help.set(false)>
                <div
                    class="palette help"
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby="help-title"
                    data-testid="shortcuts-help"
                    on:click=|ev| ev.stop_propagation()
                >
                    <h2 id="help-title">{move || i18n.t(Msg::KeyboardShortcuts)}</h2>
                    <dl class="shortcut-list">
                        <dt><kbd>"Ctrl/⌘ K"</kbd></dt><dd>{move || i18n.t(Msg::FindAnything)}</dd>
                        <dt><kbd>"?"</kbd></dt><dd>{move || i18n.t(Msg::KeyboardShortcuts)}</dd>
                        <dt><kbd>"/"</kbd></dt><dd>{move || i18n.t(Msg::SearchList)}</dd>
                        <dt><kbd>"Ctrl/⌘ Z"</kbd></dt><dd>{move || i18n.t(Msg::Undo)}</dd>
                        <dt><kbd>"Ctrl/⌘ ⇧ Z"</kbd></dt><dd>{move || i18n.t(Msg::Redo)}</dd>
                        <dt><kbd>"L"</kbd>" + "<kbd>"C E M V N"</kbd></dt><dd>{move || i18n.t(Msg::LogActivity)}</dd>
                        <dt><kbd>"Space"</kbd></dt><dd>{move || i18n.t(Msg::DragHelp)}</dd>
                        {GO.iter()
                            .map(|(k, _, m)| {
                                let m = *m;
                                view! {
                                    <dt><kbd>"G"</kbd>" + "<kbd>{k.to_uppercase()}</kbd></dt>
                                    <dd>{move || i18n.t(m)}</dd>
                                }
                            })
                            .collect_view()}
                    </dl>
                    <button type="button" class="button" on:click=move |_| overlays.help.set(false)>
                        {move || i18n.t(Msg::Close)}
                    </button>
                </div>
            </div>
        </Show>
    }
}

/// Closes every open `details.menu` that does not contain `inside`.
fn close_menus(inside: Option<&web_sys::Node>) {
    use wasm_bindgen::JsCast;
    let Ok(open) = document().query_selector_all("details.menu[open]") else {
        return;
    };
    for i in 0..open.length() {
        if let Some(d) = open
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlDetailsElement>().ok())
            && !inside.is_some_and(|n| d.contains(Some(n)))
        {
            d.set_open(false);
        }
    }
}
