//! A disclosure menu (`<details class="menu">`) whose body is built only while it is open:
//! a list's toolbar has several (filters, columns, saved views) and opening the list should not
//! pay for their fields.

use leptos::prelude::*;

#[component]
pub fn Menu(#[prop(into)] label: Signal<String>, children: ChildrenFn) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <details
            class="menu"
            on:toggle=move |ev| {
                use wasm_bindgen::JsCast;
                let is_open = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                    .is_some_and(|d| d.open());
                open.set(is_open);
            }
        >
            <summary class="button">{move || label.get()}</summary>
            <Show when=move || open.get()>{children()}</Show>
        </details>
    }
}
