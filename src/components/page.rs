//! The frame every page shares: its heading (also the document title) and empty states.

use leptos::prelude::*;

use super::icons::{Icon, Svg};
use crate::i18n::{Msg, use_i18n};

#[component]
pub fn Page(title: Msg, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        document().set_title(&format!("{} · {}", i18n.t(title), i18n.t(Msg::AppName)));
    });
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{move || i18n.t(title)}</h1>
            {children()}
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
