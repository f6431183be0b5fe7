//! "A new version is available — Reload": shown when a new deployment is waiting.

use leptos::prelude::*;

use crate::adapters::service_worker::AppUpdate;
use crate::i18n::{Msg, use_i18n};

#[component]
pub fn UpdatePrompt() -> impl IntoView {
    let i18n = use_i18n();
    let update = expect_context::<AppUpdate>();
    view! {
        <Show when=move || update.ready.get()>
            <div class="update-prompt" role="status" data-testid="update-prompt">
                <span>{move || i18n.t(Msg::UpdateAvailable)}</span>
                <button type="button" class="button primary" on:click=move |_| update.apply()>
                    {move || i18n.t(Msg::UpdateReload)}
                </button>
                <button type="button" class="button" on:click=move |_| update.dismiss()>
                    {move || i18n.t(Msg::UpdateLater)}
                </button>
            </div>
        </Show>
    }
}
