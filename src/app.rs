//! The application root: contexts, document-level effects and routes.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::adapters::{prefs, service_worker};
use crate::components::keep_alive::KeepAlive;
use crate::components::shell::Shell;
use crate::components::theme::Theme;
use crate::i18n::Msg;
use crate::i18n::{self, I18n};
use crate::pages;
use crate::session::Session;

/// Entry point called by `main` in the browser.
pub fn start() {
    console_error_panic_hook::set_once();
    // The compactor worker runs this module too (`adapters::compactor`): nothing to mount.
    if web_sys::window().is_none() {
        return;
    }
    i18n::intl::install();
    leptos::mount::mount_to_body(App);
}

/// A main screen, built on its first visit and kept while the user is elsewhere
/// (`components::keep_alive`).
fn kept(name: &'static str, page: fn() -> AnyView) -> impl IntoView {
    view! { <KeepAlive name=name page=page /> }
}

#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::new(prefs::initial_locale());
    provide_context(i18n);
    let theme = Theme::new(prefs::initial_theme());
    provide_context(theme);
    provide_context(crate::components::toast::Toasts::new());
    provide_context(crate::components::palette::Overlays {
        palette: RwSignal::new(false),
        help: RwSignal::new(false),
    });
    let session = Session::new();
    provide_context(session);
    session.start(i18n::t(i18n.locale_untracked(), Msg::WorkspaceDefaultName));
    let update = service_worker::AppUpdate::new();
    provide_context(update);
    // Development builds (`trunk serve`) reload live; caching them would only get in the way.
    if !cfg!(debug_assertions) {
        service_worker::register(update);
    }

    // The document element is outside the view tree: keep its language, direction and theme
    // attributes in step with the signals.
    Effect::new(move |_| {
        let locale = i18n.locale();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", locale.tag());
            let _ = html.set_attribute("dir", locale.dir().as_str());
            // What an empty field's dash is read as (style/main.css, `.field-value.empty`):
            // one property here instead of a label on each of hundreds of value buttons.
            if let Some(html) = wasm_bindgen::JsCast::dyn_ref::<web_sys::HtmlElement>(&html) {
                let _ = html
                    .style()
                    .set_property("--empty-label", &css_string(&i18n::t(locale, Msg::Empty)));
            }
        }
    });
    Effect::new(move |_| theme.apply_to_document());

    view! {
        <Router>
            <Shell>
                <Routes fallback=pages::not_found::NotFound>
                    <Route path=path!("/") view=|| kept("dashboard", || view! { <pages::dashboard::Dashboard /> }.into_any()) />
                    <Route path=path!("/contacts") view=|| kept("contacts", || view! { <pages::contacts::Contacts /> }.into_any()) />
                    <Route path=path!("/companies") view=|| kept("companies", || view! { <pages::companies::Companies /> }.into_any()) />
                    <Route path=path!("/deals") view=|| kept("deals", || view! { <pages::deals::Deals /> }.into_any()) />
                    // A contact's, company's or deal's page; any other pair is not found.
                    <Route path=path!("/:collection/:id") view=pages::records::detail::RecordPage />
                    <Route path=path!("/duplicates") view=pages::duplicates::Duplicates />
                    <Route path=path!("/activities") view=|| kept("activities", || view! { <pages::activities::Activities /> }.into_any()) />
                    <Route path=path!("/tasks") view=|| kept("tasks", || view! { <pages::tasks::Tasks /> }.into_any()) />
                    <Route path=path!("/settings") view=pages::settings::Settings />
                    <Route path=path!("/import") view=pages::import::Import />
                    <Route path=path!("/join") view=pages::join::Join />
                    <Route path=path!("/figure") view=pages::figure::Figure />
                    <Route path=path!("/scorecard") view=pages::scorecard::ScorecardPage />
                </Routes>
            </Shell>
        </Router>
    }
}

/// `text` as a CSS string token, for a custom property read by `content`.
fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            // A line break cannot be in a CSS string; a label never needs one.
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
