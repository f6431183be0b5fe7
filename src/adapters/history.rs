//! The address bar and the tab's title follow a change of screen after its first frame.
//!
//! A same-document navigation (`history.pushState`) is cheap in the page but not in the
//! browser: Chromium's browser process records the new entry, tells every observer of the tab,
//! and updates the title, about 9 ms of CPU time for each change of screen (measured in
//! BENCHMARKS.md). On a two-core machine that work runs beside the page's own rendering of the
//! new screen and takes a core from it. Leptos' router writes the entry as soon as the new
//! route's view is built, before its frame. So the app follows its own links (and
//! [`go`]): the router's address signal changes at once, which is what the routes and pages
//! read, and the history entry and the title are written once that frame is on screen, in the
//! order they came.
//!
//! The router keeps a stack of the addresses it wrote and does not write one equal to the
//! last; it reads them back from `location`, which would be stale here, so the app does not
//! let the router write at all: a push of the address already current (counting the ones
//! held) is dropped here instead. A traversal (Back, Forward) before the frame drops what is
//! held, because the router then takes the screen from the address traversed to.

use std::cell::RefCell;

use leptos::prelude::*;
use leptos_router::location::{BrowserUrl, LocationProvider, Url};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// How long a held change may wait when no frame comes (a hidden tab draws none).
const FALLBACK_MS: i32 = 100;

#[derive(Default)]
struct Held {
    /// Absolute addresses to push, oldest first.
    entries: Vec<String>,
    title: Option<String>,
    scheduled: bool,
    /// Counts the schedules, so a fallback timer left from an earlier one does not write what
    /// was held after it before its frame.
    generation: u32,
    /// The router's address, set at once when the app follows a link.
    router_url: Option<ArcRwSignal<Url>>,
}

thread_local! {
    static HELD: RefCell<Held> = RefCell::new(Held::default());
}

/// Follows the page's internal links and drops held entries on a traversal. Call once, inside
/// the router (it reads the router's address from context), after any other capturing click
/// listener that must run before a screen changes.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(location) = use_context::<BrowserUrl>() else {
        return;
    };
    let first = HELD.with_borrow_mut(|held| {
        let first = held.router_url.is_none();
        held.router_url = Some(location.as_url().clone());
        first
    });
    if !first {
        return;
    }
    // On the document as the click bubbles: after the element's own handlers (which may
    // prevent the default, as the skip link does) and before the router's listener on the
    // window, which leaves a click whose default was prevented alone.
    let follow_link = Closure::<dyn Fn(web_sys::MouseEvent)>::new(follow_link);
    if let Some(document) = window.document() {
        let _ = document
            .add_event_listener_with_callback("click", follow_link.as_ref().unchecked_ref());
    }
    follow_link.forget();
    // Registered before the router's own listener, so it runs first.
    let drop_held = Closure::<dyn Fn()>::new(|| {
        HELD.with_borrow_mut(|held| held.entries.clear());
    });
    let _ = window.add_event_listener_with_callback_and_bool(
        "popstate",
        drop_held.as_ref().unchecked_ref(),
        true,
    );
    drop_held.forget();
}

/// Goes to `path` (an address inside the app) as a followed link does.
pub fn go(path: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let router_url = HELD.with_borrow(|held| held.router_url.clone());
    let current = HELD
        .with_borrow(|held| held.entries.last().cloned())
        .or_else(|| window.location().href().ok());
    let (Some(router_url), Some(current)) = (router_url, current) else {
        // No router to tell: the browser loads the address.
        let _ = window.location().set_href(path);
        return;
    };
    let Ok(href) = web_sys::Url::new_with_base(path, &current).map(|u| u.href()) else {
        return;
    };
    let Ok(url) = BrowserUrl::parse(&href) else {
        return;
    };
    if *router_url.read_untracked() != url {
        router_url.set(url);
    }
    // The router drops a push of the address it last wrote (a link to the screen on view).
    if href != current {
        HELD.with_borrow_mut(|held| held.entries.push(href));
        schedule();
    }
    // Where the router puts a new screen: at the top.
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

/// The router's rules for a click it follows: a plain left click on a link to this origin that
/// does not ask for a new window, a download or an external page.
fn follow_link(ev: web_sys::MouseEvent) {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.alt_key()
        || ev.ctrl_key()
        || ev.shift_key()
    {
        return;
    }
    let Some(anchor) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a[href]").ok().flatten())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    let external = anchor
        .get_attribute("rel")
        .is_some_and(|rel| rel.split_ascii_whitespace().any(|r| r == "external"));
    if !anchor.target().is_empty() || anchor.has_attribute("download") || external {
        return;
    }
    let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) else {
        return;
    };
    let Ok(url) = web_sys::Url::new(&anchor.href()) else {
        return;
    };
    if url.origin() != origin {
        return;
    }
    ev.prevent_default();
    go(&format!("{}{}{}", url.pathname(), url.search(), url.hash()));
}

/// Sets the tab's title once the next frame is on screen (with the held address, if any).
pub fn set_title(title: &str) {
    HELD.with_borrow_mut(|held| held.title = Some(title.to_owned()));
    schedule();
}

/// Writes everything held now.
pub fn flush() {
    let (entries, title) = HELD.with_borrow_mut(|held| {
        held.scheduled = false;
        (std::mem::take(&mut held.entries), held.title.take())
    });
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(history) = window.history() {
        for href in entries {
            let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&href));
        }
    }
    if let (Some(title), Some(document)) = (title, window.document()) {
        document.set_title(&title);
    }
}

/// Flushes after the next frame, or after `FALLBACK_MS` if no frame comes sooner.
fn schedule() {
    let generation = HELD.with_borrow_mut(|held| {
        if std::mem::replace(&mut held.scheduled, true) {
            return None;
        }
        held.generation = held.generation.wrapping_add(1);
        Some(held.generation)
    });
    let (Some(generation), Some(window)) = (generation, web_sys::window()) else {
        return;
    };
    let flush_later = move || Closure::once_into_js(move || flush_if_current(generation));
    // A task posted from the frame's callback runs once the frame has been produced.
    let after_frame = Closure::once_into_js(move || {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                flush_later().unchecked_ref(),
                0,
            );
        }
    });
    let _ = window.request_animation_frame(after_frame.unchecked_ref());
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        flush_later().unchecked_ref(),
        FALLBACK_MS,
    );
}

fn flush_if_current(generation: u32) {
    if HELD.with_borrow(|held| held.scheduled && held.generation == generation) {
        flush();
    }
}
