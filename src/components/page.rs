//! The frame every page shares: its heading (also the document title) and empty states.

use leptos::prelude::*;

use super::icons::{Icon, Svg};
use crate::i18n::{Msg, use_i18n};
use crate::session::use_session;

/// The document title for a screen called `name` ("Contacts · Hearth"), written with the
/// history entry after the screen's first frame (`adapters::history`).
pub fn set_document_title(i18n: &crate::i18n::I18n, name: &str) {
    crate::adapters::history::set_title(&format!("{name} · {}", i18n.t(Msg::AppName)));
}

#[component]
pub fn Page(title: Msg, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // A kept screen sets the title again each time it is shown.
    let shown = super::keep_alive::use_shown();
    Effect::new(move |_| {
        if shown.get() {
            set_document_title(&i18n, &i18n.t(title));
        }
    });
    // Until the workspace has opened (a moment after the first paint; longer on a slow disk) a
    // page's controls could do nothing: a command would be refused as "still opening", a file
    // picked would find no fields to map. The heading shows at once, the rest with the
    // workspace.
    let ready = Memo::new(move |_| session.is_ready());
    let children = StoredValue::new_local(Some(children));
    // Kept screens away stay in the document: each heading needs an id of its own.
    let title_id = format!("page-title-{}", super::unique_id());
    let labelled_by = title_id.clone();
    view! {
        <section class="page" aria-labelledby=labelled_by>
            <h1 id=title_id>{move || i18n.t(title)}</h1>
            {move || {
                // Built once; untracked, so nothing the page reads while it is built can
                // re-run this and take the page away.
                ready
                    .get()
                    .then(|| children.try_update_value(Option::take).flatten())
                    .flatten()
                    .map(|c| untrack(c))
            }}
        </section>
    }
}

/// What a list shows before it has anything: what will be here and what to do next.
#[component]
pub fn EmptyState(icon: Icon, text: Msg) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="empty-state">
            <Svg icon=icon />
            <p>{move || i18n.t(text)}</p>
            <p class="muted">{move || i18n.t(Msg::LocalFirstNote)}</p>
        </div>
    }
}
