//! The app frame: top bar, navigation (a sidebar on wide screens, a drawer on phones) and the
//! main region. Layout uses logical CSS properties, so it mirrors for right-to-left languages.

use leptos::prelude::*;
// The router's `<A>` is used only here, where `aria-current` marks the screen on view. Links
// elsewhere are plain `<a>`, which the router follows all the same: each `<A>` re-runs an effect
// on every navigation, and the kept screens hold about 300 links at dataset M (BENCHMARKS.md).
use leptos_router::components::A;
use wasm_bindgen::JsCast;

use super::icons::{Icon, Svg};
use super::save_banner::SaveBanner;
use super::theme::use_theme;
use super::update_prompt::UpdatePrompt;
use crate::i18n::{Msg, use_i18n};

/// The primary destinations, in menu order.
const NAV: [(&str, Msg, Icon); 8] = [
    ("/", Msg::NavDashboard, Icon::Dashboard),
    ("/contacts", Msg::NavContacts, Icon::Contacts),
    ("/companies", Msg::NavCompanies, Icon::Companies),
    ("/deals", Msg::NavDeals, Icon::Deals),
    ("/activities", Msg::NavActivities, Icon::Activities),
    ("/tasks", Msg::NavTasks, Icon::Tasks),
    ("/duplicates", Msg::Duplicates, Icon::Contacts),
    ("/settings", Msg::NavSettings, Icon::Settings),
];

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let theme = use_theme();
    let menu_open = RwSignal::new(false);
    let overlays = super::palette::use_overlays();
    // Escape closes the drawer, as it closes any overlay.
    let escape = window_event_listener(leptos::ev::keydown, move |e| {
        if e.key() == "Escape" && menu_open.get_untracked() {
            menu_open.set(false);
        }
    });
    on_cleanup(move || escape.remove());
    // Kept screens are children of this owner, so they see the router's context.
    let kept_screens = super::keep_alive::Screens::provide();
    // After `Screens::provide`: its capturing click listener moves focus before a screen swaps.
    crate::adapters::history::install();

    view! {
        // With the document's `<base href="/">` a bare "#main" would point at the dashboard:
        // the link moves focus itself.
        <a
            class="skip-link"
            href="#main"
            on:click=move |ev| {
                ev.prevent_default();
                if let Some(main) = document().get_element_by_id("main")
                    && let Ok(main) = main.dyn_into::<web_sys::HtmlElement>()
                {
                    let _ = main.focus();
                }
            }
        >
            {move || i18n.t(Msg::SkipToContent)}
        </a>
        <header class="topbar">
            <button
                type="button"
                class="icon-button menu-button"
                aria-controls="primary-nav"
                aria-expanded=move || menu_open.get().to_string()
                aria-label=move || {
                    i18n.t(if menu_open.get() { Msg::MenuClose } else { Msg::MenuOpen })
                }
                on:click=move |_| menu_open.update(|o| *o = !*o)
            >
                {move || {
                    view! { <Svg icon=if menu_open.get() { Icon::Close } else { Icon::Menu } /> }
                }}
            </button>
            <A href="/" attr:class="brand">
                <Svg icon=Icon::Logo />
                <span>{move || i18n.t(Msg::AppName)}</span>
            </A>
            <span class="spacer"></span>
            <button
                type="button"
                class="button find-button"
                data-testid="open-palette"
                aria-keyshortcuts="Control+K Meta+K"
                on:click=move |_| overlays.palette.set(true)
            >
                {move || i18n.t(Msg::FindAnything)}
                <kbd>"Ctrl K"</kbd>
            </button>
            <button
                type="button"
                class="icon-button"
                data-testid="theme-toggle"
                aria-label=move || {
                    i18n.t(
                        if theme.is_dark() { Msg::ThemeSwitchToLight } else { Msg::ThemeSwitchToDark },
                    )
                }
                on:click=move |_| theme.toggle()
            >
                {move || view! { <Svg icon=if theme.is_dark() { Icon::Sun } else { Icon::Moon } /> }}
            </button>
        </header>
        <div class="layout">
            <nav
                id="primary-nav"
                class="sidebar"
                class:open=move || menu_open.get()
                aria-label=move || i18n.t(Msg::NavLabel)
            >
                // Following a link closes the drawer on phones; on wide screens it is always shown.
                <ul on:click=move |_| menu_open.set(false)>
                    {NAV
                        .into_iter()
                        .map(|(href, label, icon)| {
                            view! {
                                <li>
                                    <A href=href exact=true>
                                        <Svg icon=icon />
                                        <span>{move || i18n.t(label)}</span>
                                    </A>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </nav>
            <Show when=move || menu_open.get()>
                <div class="scrim" on:click=move |_| menu_open.set(false)></div>
            </Show>
            <main id="main" tabindex="-1">
                <SaveBanner />
                <crate::pages::tasks::Reminders />
                {children()}
                <div class="kept-screens" node_ref=kept_screens></div>
            </main>
        </div>
        <UpdatePrompt />
        <super::toast::ToastRegion />
        <super::palette::CommandPalette />
        <super::shortcuts::Shortcuts />
    }
}
