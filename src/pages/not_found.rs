//! Any address the app does not know.

use leptos::prelude::*;

use crate::components::page::Page;
use crate::i18n::{Msg, use_i18n};

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=Msg::NotFoundTitle>
            <p>{move || i18n.t(Msg::NotFoundBody)}</p>
            <p>
                <a href="/" class="button primary">
                    {move || i18n.t(Msg::NotFoundHome)}
                </a>
            </p>
        </Page>
    }
}
