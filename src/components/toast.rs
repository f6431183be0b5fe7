//! Short confirmations after an action ("Moved 3 contacts to the trash — Undo"), announced to
//! screen readers. Destructive actions always offer Undo here.

use leptos::prelude::*;

use crate::i18n::{Msg, use_i18n};
use crate::session::use_session;

/// How long a toast stays, in milliseconds.
const LIFETIME_MS: u64 = 8_000;

#[derive(Clone, PartialEq)]
struct Toast {
    id: u32,
    text: String,
    undo: bool,
    error: bool,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
}

impl Toasts {
    pub fn new() -> Self {
        Self {
            items: RwSignal::new(Vec::new()),
        }
    }

    fn push(&self, text: String, undo: bool, error: bool) {
        let id = super::unique_id();
        self.items.update(|t| {
            // Undo reverts the latest change only, so only the latest toast offers it.
            if undo {
                for old in t.iter_mut() {
                    old.undo = false;
                }
            }
            t.push(Toast {
                id,
                text,
                undo,
                error,
            });
            // Only the latest few matter; older ones would cover the page.
            if t.len() > 3 {
                t.remove(0);
            }
        });
        let items = self.items;
        set_timeout(
            move || items.update(|t| t.retain(|x| x.id != id)),
            std::time::Duration::from_millis(LIFETIME_MS),
        );
    }

    /// A done action that can be undone.
    pub fn done(&self, text: String) {
        self.push(text, true, false);
    }

    /// A refused action: the reason, nothing changed.
    pub fn error(&self, text: String) {
        self.push(text, false, true);
    }
}

impl Default for Toasts {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    let session = use_session();
    let i18n = use_i18n();
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For
                each=move || toasts.items.get()
                key=|t| (t.id, t.undo)
                children=move |t| {
                    let id = t.id;
                    view! {
                        <div class="toast" class:error=t.error>
                            <span>{t.text}</span>
                            <Show when=move || t.undo>
                                <button
                                    type="button"
                                    class="button"
                                    on:click=move |_| {
                                        if let Err(e) = session.undo() {
                                            toasts.error(crate::i18n::command_error(i18n.locale_untracked(), &e));
                                        }
                                        toasts.items.update(|x| x.retain(|x| x.id != id));
                                    }
                                >
                                    {move || i18n.t(Msg::Undo)}
                                </button>
                            </Show>
                            <button
                                type="button"
                                class="icon-button small"
                                aria-label=move || i18n.t(Msg::Dismiss)
                                on:click=move |_| toasts.items.update(|x| x.retain(|x| x.id != id))
                            >
                                "×"
                            </button>
                        </div>
                    }
                }
            />
        </div>
    }
}
