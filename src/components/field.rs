//! A labelled text input bound to a signal: the one way forms in the app take text.

use leptos::prelude::*;

use crate::i18n::{Msg, use_i18n};

#[component]
pub fn TextField(
    label: Msg,
    value: RwSignal<String>,
    /// The form field name.
    name: &'static str,
    /// The input type; `text` unless given (`email`, `search`, ...).
    #[prop(optional)]
    kind: Option<&'static str>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label>
            <span>{move || i18n.t(label)}</span>
            <input
                name=name
                type=kind.unwrap_or("text")
                required=required
                autocomplete="off"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
    }
}
