//! /join#join=… — an invite link: the colleague's browser joins the shared workspace. The
//! fragment (the secret) never reaches a server; the page asks before joining.

use leptos::prelude::*;

use crate::components::page::Page;
use crate::i18n::{Msg, use_i18n};
use crate::session::use_session;

#[component]
pub fn Join() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let fragment = window().location().hash().unwrap_or_default();
    // Checked at once, so a damaged link says so before anyone clicks.
    let invalid = crm_sync::Invite::from_fragment(&fragment)
        .err()
        .map(|e| e.to_string());
    let error = RwSignal::new(invalid.clone());
    let join = move |_| {
        let name = i18n.t(Msg::JoinName);
        match session.join(&fragment, name) {
            Ok(()) => crate::adapters::history::go("/contacts"),
            Err(e) => error.set(Some(e)),
        }
    };
    view! {
        <Page title=Msg::JoinTitle>
            <section class="card">
                <p>{move || i18n.t(Msg::JoinHint)}</p>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">
                        {move || i18n.t_with(Msg::JoinBadLink, &[("reason", &error.get().unwrap_or_default())])}
                    </p>
                </Show>
                <button
                    type="button"
                    class="button primary"
                    data-testid="join-workspace"
                    disabled=invalid.is_some()
                    on:click=join
                >
                    {move || i18n.t(Msg::JoinButton)}
                </button>
            </section>
        </Page>
    }
}
