//! Light and dark themes: the user's choice, or the system's when they have not chosen.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::adapters::prefs::{self, ThemeChoice};

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

#[derive(Clone, Copy)]
pub struct Theme {
    pub choice: RwSignal<ThemeChoice>,
    /// The system's current preference, updated when the OS switches.
    system_dark: RwSignal<bool>,
}

impl Theme {
    pub fn new(initial: ThemeChoice) -> Self {
        let system_dark = RwSignal::new(false);
        if let Some(mql) = window().match_media(DARK_QUERY).ok().flatten() {
            system_dark.set(mql.matches());
            let on_change = Closure::<dyn FnMut(web_sys::MediaQueryListEvent)>::new(
                move |e: web_sys::MediaQueryListEvent| system_dark.set(e.matches()),
            );
            let _ =
                mql.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
            // Lives as long as the app.
            on_change.forget();
        }
        Self {
            choice: RwSignal::new(initial),
            system_dark,
        }
    }

    /// Whether the page is dark right now, whoever decided it.
    pub fn is_dark(&self) -> bool {
        match self.choice.get() {
            ThemeChoice::System => self.system_dark.get(),
            ThemeChoice::Dark => true,
            ThemeChoice::Light => false,
        }
    }

    pub fn choose(&self, choice: ThemeChoice) {
        prefs::save_theme(choice);
        self.choice.set(choice);
    }

    /// Flips between light and dark (the header button).
    pub fn toggle(&self) {
        let next = if self.is_dark() {
            ThemeChoice::Light
        } else {
            ThemeChoice::Dark
        };
        self.choose(next);
    }

    /// `data-theme` on `<html>` pins CSS `color-scheme`; without it the system decides.
    pub fn apply_to_document(&self) {
        let choice = self.choice.get();
        if let Some(html) = document().document_element() {
            let _ = match choice {
                ThemeChoice::System => html.remove_attribute("data-theme"),
                other => html.set_attribute("data-theme", other.as_str()),
            };
        }
    }
}

pub fn use_theme() -> Theme {
    expect_context::<Theme>()
}
