//! The address bar and the tab's title follow a change of screen after its first frame.
//!
//! A same-document navigation (`history.pushState`) is cheap in the page but not in the
//! browser: Chromium's browser process records the new entry, tells every observer of the tab,
//! and updates the title, about 9 ms of CPU time for each change of screen (measured in
//! BENCHMARKS.md). On a two-core machine that work runs beside the page's own rendering of the
//! new screen and takes a core from it. Leptos' router writes the entry as soon as the new
//! route's view is built, before its frame. So the app follows its own links (and
//! [`go`]): the router's address signal changes at once, which is what the routes and pages
//! read, and the history entry and the title are written once that frame is on screen.
//!
//! The router keeps a stack of the addresses it wrote and does not write one equal to the
//! last; it reads them back from `location`, which would be stale here, so the app does not
//! let the router write at all. As the router did, a link to the screen on view writes no
//! entry, and of screens followed before one frame only the last gets one. A traversal (Back,
//! Forward) before the frame drops what is held, because the router then takes the screen
//! from the address traversed to. The browser saves an entry's scroll offset as the page
//! scrolls, which here would be after the new screen went to the top, so the offsets are kept
//! here by entry and put back after a traversal (within this page's life: after a reload,
//! Back shows the top of the screen).

use std::cell::RefCell;
use std::collections::HashMap;

use leptos::prelude::*;
use leptos_router::location::{BrowserUrl, LocationProvider, Url};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// How long a held change may wait when no frame comes (a tab that draws none; a hidden tab's
/// timers are throttled further, to about a second).
const FALLBACK_MS: i32 = 100;

#[derive(Default)]
struct Held {
    /// The address to push (absolute) and its entry's key. Only the newest is kept: a screen
    /// left before its first frame gets no entry, as the router cancelled a navigation
    /// overtaken by another.
    entry: Option<(String, f64)>,
    title: Option<String>,
    scheduled: bool,
    /// Counts the schedules, so a fallback timer left from an earlier one does not write what
    /// was held after it before its frame.
    generation: u32,
    /// The router's address, set at once when the app follows a link.
    router_url: Option<ArcRwSignal<Url>>,
    /// The page's scroll offset when each entry (by key, its history state) was left.
    offsets: HashMap<u64, f64>,
    /// The next entry's key; starts from the clock so keys stay apart across reloads.
    next_key: f64,
}

thread_local! {
    static HELD: RefCell<Held> = RefCell::new(Held::default());
}

/// Follows the page's internal links, restores an entry's scroll offset on Back and Forward,
/// and drops what is held on such a traversal. Call once, inside the router (it reads the
/// router's address from context), after any other capturing click listener that must run
/// before a screen changes.
pub fn install() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(location) = use_context::<BrowserUrl>() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let first = HELD.with_borrow_mut(|held| {
        let first = held.router_url.is_none();
        held.router_url = Some(location.as_url().clone());
        held.next_key = js_sys::Date::now();
        first
    });
    if !first {
        return;
    }
    // The browser saves an entry's offset as the page scrolls, so the screen following a link,
    // scrolled to the top before its entry is written, would leave 0 in the entry it left: the
    // offsets are kept here instead, under a key each entry carries as its state.
    let _ = history.set_scroll_restoration(web_sys::ScrollRestoration::Manual);
    if entry_key(&history).is_none() {
        let key = take_key();
        let _ = history.replace_state(&JsValue::from_f64(key), "");
    }
    // On the document as the click bubbles: after the element's own handlers (which may
    // prevent the default, as the skip link does) and before the router's listener on the
    // window, which leaves a prevented click alone.
    let follow_link = Closure::<dyn Fn(web_sys::MouseEvent)>::new(follow_link);
    if let Some(document) = window.document() {
        let _ = document
            .add_event_listener_with_callback("click", follow_link.as_ref().unchecked_ref());
    }
    follow_link.forget();
    let traversed = Closure::<dyn Fn(web_sys::PopStateEvent)>::new(traversed);
    let _ = window.add_event_listener_with_callback("popstate", traversed.as_ref().unchecked_ref());
    traversed.forget();
}

fn entry_key(history: &web_sys::History) -> Option<f64> {
    history.state().ok().and_then(|s| s.as_f64())
}

fn take_key() -> f64 {
    HELD.with_borrow_mut(|held| {
        held.next_key += 1.0;
        held.next_key
    })
}

/// Back or Forward: what is held is dropped (the router takes the screen from the address
/// traversed to), and the entry's offset comes back once the router has shown its screen.
fn traversed(ev: web_sys::PopStateEvent) {
    let offset = HELD.with_borrow_mut(|held| {
        held.entry = None;
        let key = ev.state().as_f64()?;
        held.offsets.get(&key.to_bits()).copied()
    });
    let restore = Closure::once_into_js(move || {
        if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, offset.unwrap_or(0.0));
        }
    });
    if let Some(w) = web_sys::window() {
        let _ = w.request_animation_frame(restore.unchecked_ref());
    }
}

/// Goes to `path` (an address inside the app) as a followed link does.
pub fn go(path: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let (Ok(written), Ok(history)) = (window.location().href(), window.history()) else {
        return;
    };
    let (router_url, held) = HELD.with_borrow(|h| (h.router_url.clone(), h.entry.clone()));
    let Some(router_url) = router_url else {
        // No router to tell: the browser loads the address.
        let _ = window.location().set_href(path);
        return;
    };
    let current = held.as_ref().map_or(written.as_str(), |(href, _)| href);
    let Ok(href) = web_sys::Url::new_with_base(path, current).map(|u| u.href()) else {
        return;
    };
    let Ok(url) = BrowserUrl::parse(&href) else {
        return;
    };
    if href != current {
        if held.is_none()
            && let Some(key) = entry_key(&history)
        {
            // The screen on record is left: Back brings it back where it was.
            let offset = window.scroll_y().unwrap_or(0.0);
            HELD.with_borrow_mut(|h| h.offsets.insert(key.to_bits(), offset));
        }
        let entry = (href != written).then(|| (href, take_key()));
        let hold = entry.is_some();
        HELD.with_borrow_mut(|h| h.entry = entry);
        if hold {
            schedule();
        }
    }
    if *router_url.read_untracked() != url {
        router_url.set(url);
    }
    // Where the router puts a new screen: at the top.
    window.scroll_to_with_x_and_y(0.0, 0.0);
}

/// The address inside the app a click follows, by the router's rules: a plain left click on a
/// link to this origin that does not ask for a new window, a download or an external page.
/// Whether an element's own handler prevented the default is left to the caller: a capturing
/// listener asks before the element has handled the click.
pub fn link_followed(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.button() != 0 || ev.meta_key() || ev.alt_key() || ev.ctrl_key() || ev.shift_key() {
        return None;
    }
    let anchor = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a[href]").ok().flatten())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())?;
    let external = anchor
        .get_attribute("rel")
        .is_some_and(|rel| rel.split_ascii_whitespace().any(|r| r == "external"));
    if !anchor.target().is_empty() || anchor.has_attribute("download") || external {
        return None;
    }
    let origin = web_sys::window()?.location().origin().ok()?;
    let url = web_sys::Url::new(&anchor.href()).ok()?;
    (url.origin() == origin).then(|| format!("{}{}{}", url.pathname(), url.search(), url.hash()))
}

fn follow_link(ev: web_sys::MouseEvent) {
    if ev.default_prevented() {
        return;
    }
    if let Some(path) = link_followed(&ev) {
        ev.prevent_default();
        go(&path);
    }
}

/// Sets the tab's title once the next frame is on screen (with the held address, if any).
pub fn set_title(title: &str) {
    HELD.with_borrow_mut(|held| held.title = Some(title.to_owned()));
    schedule();
}

/// Writes what is held now.
pub fn flush() {
    let (entry, title) = HELD.with_borrow_mut(|held| {
        held.scheduled = false;
        (held.entry.take(), held.title.take())
    });
    let Some(window) = web_sys::window() else {
        return;
    };
    if let (Some((href, key)), Ok(history)) = (entry, window.history()) {
        let _ = history.push_state_with_url(&JsValue::from_f64(key), "", Some(&href));
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
