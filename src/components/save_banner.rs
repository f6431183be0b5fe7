//! Tells the user when their changes are not safely stored, or stored data could not be read.
//! It stays until the problem is resolved (or, for load problems, read and dismissed).

use leptos::prelude::*;

use crate::i18n::{Msg, use_i18n};
use crate::session::{SaveStatus, use_session};

#[component]
pub fn SaveBanner() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let failed = move || match session.status.get() {
        SaveStatus::Failed(reason) => Some(reason),
        SaveStatus::Saved => None,
    };
    view! {
        <Show when=move || failed().is_some()>
            <div class="banner danger" role="alert" data-testid="save-failed">
                <span>
                    {move || i18n.t_with(Msg::SaveFailed, &[("reason", &failed().unwrap_or_default())])}
                </span>
                <button type="button" class="button" on:click=move |_| session.retry_now()>
                    {move || i18n.t(Msg::SaveRetry)}
                </button>
            </div>
        </Show>
        <Show when=move || !session.problems.get().is_empty()>
            <div class="banner warning" role="alert" data-testid="load-problem">
                <span>
                    {move || {
                        i18n.t_with(Msg::LoadProblem, &[("details", &session.problems.get().join("; "))])
                    }}
                </span>
                <button type="button" class="button" on:click=move |_| session.problems.set(Vec::new())>
                    {move || i18n.t(Msg::Dismiss)}
                </button>
            </div>
        </Show>
    }
}
