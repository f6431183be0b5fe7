//! Screens built once and kept while another is shown.
//!
//! Building a list screen at dataset M means creating about 1,200 DOM nodes and their reactive
//! graph, and leaving it means tearing them down again: together more than one frame. The main
//! screens (dashboard, lists, board, feed, tasks) are therefore built on their first visit and,
//! when the user goes elsewhere, hidden rather than dropped. Coming back shows the same nodes,
//! with the filters, search, selection and scroll position the user left.
//!
//! A screen away stays in the document under `content-visibility: hidden` (the `data-away`
//! attribute): the browser skips its style, layout and paint, keeps it out of the
//! accessibility tree, focus order and find-in-page, and keeps its layout, so showing it again
//! costs neither a style recalculation nor a layout of its elements (taking it out of the
//! document instead made every return lay out the whole screen: about 7 ms at M). Queries
//! that look for "the" element of a kind in the page use [`query_shown`], which skips screens
//! away.
//!
//! While away a screen's costly derivations (list queries, the board, dashboard figures)
//! stand still ([`screen_memo`]): a change to the workspace does not recompute them until the
//! screen is shown again, when they catch up before its first frame.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::tachys::view::{Mountable, Render};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;

use crate::session::use_session;

/// Whether the screen around a component is the one on view. Outside a kept screen it is
/// always on view.
#[derive(Clone, Copy)]
pub struct Screen {
    shown: RwSignal<bool>,
    on_hide: StoredValue<Vec<Rc<dyn Fn()>>, LocalStorage>,
}

impl Screen {
    /// A screen whose visibility is `shown`; provide it as context to the views it holds.
    pub fn new(shown: RwSignal<bool>) -> Self {
        Screen {
            shown,
            on_hide: StoredValue::new_local(Vec::new()),
        }
    }

    pub fn shown(&self) -> Signal<bool> {
        self.shown.into()
    }

    /// Runs `f` each time the screen is left (e.g. to put down a card picked up on the board).
    pub fn on_hide(&self, f: impl Fn() + 'static) {
        self.on_hide.update_value(|v| v.push(Rc::new(f)));
    }

    fn left(&self) {
        for hook in self.on_hide.with_value(Clone::clone) {
            hook();
        }
    }
}

/// The screen around the caller, if it is a kept one.
pub fn use_screen() -> Option<Screen> {
    use_context::<Screen>()
}

/// Whether the caller's screen is on view (always, outside a kept screen).
pub fn use_shown() -> Signal<bool> {
    use_screen().map_or_else(|| Signal::stored(true), |s| s.shown())
}

/// A `Memo` that recomputes only while its screen is on view. The first change to something it
/// read while its screen is away leaves it with its last value, subscribed to nothing but
/// the screen's visibility, so further changes cost it nothing; shown again, it recomputes
/// once. A screen left and shown again with nothing changed meanwhile costs it nothing either:
/// it does not read the visibility while it computes.
pub fn screen_memo<T>(f: impl Fn() -> T + Send + Sync + 'static) -> Memo<T>
where
    T: PartialEq + Send + Sync + 'static,
{
    let shown = use_shown();
    Memo::new_owning(move |prev: Option<T>| match prev {
        Some(prev) if !shown.get_untracked() => {
            shown.track();
            (prev, false)
        }
        prev => {
            let next = f();
            let changed = prev.as_ref() != Some(&next);
            (next, changed)
        }
    })
}

struct Kept {
    name: &'static str,
    root: web_sys::Element,
    owner: Owner,
    screen: Screen,
    /// The workspace it was built for: another one gets a fresh screen.
    workspace: Option<String>,
    /// Owns the screen's DOM nodes and their effects.
    _view: Box<dyn std::any::Any>,
}

/// The kept screens, provided by the shell inside the router (screens use its context).
#[derive(Clone, Copy)]
pub struct Screens {
    parent: StoredValue<Owner, LocalStorage>,
    kept: StoredValue<Vec<Kept>, LocalStorage>,
    /// Where the shell keeps every kept screen, shown or away (after the routes' outlet).
    container: NodeRef<leptos::html::Div>,
}

impl Screens {
    /// Provides the screens to the routes and returns the element the shell must place in its
    /// main region to hold them.
    pub fn provide() -> NodeRef<leptos::html::Div> {
        let screens = Screens {
            parent: StoredValue::new_local(Owner::current().unwrap_or_default()),
            kept: StoredValue::new_local(Vec::new()),
            container: NodeRef::new(),
        };
        provide_context(screens);
        focus_main_before_navigating();
        screens.container
    }

    /// The root element of screen `name`, built by `page` on its first visit (or when the
    /// workspace changed since), and marked as on view.
    fn show(self, name: &'static str, page: fn() -> AnyView) -> Option<web_sys::Element> {
        let workspace = use_session().current.get_untracked();
        // A screen built while the workspace was still opening belongs to the one that opened.
        let stale = self.kept.try_update_value(|kept| {
            let k = kept.iter_mut().find(|k| k.name == name)?;
            if k.workspace.is_none() {
                k.workspace.clone_from(&workspace);
            }
            Some(workspace.is_some() && k.workspace != workspace)
        });
        if stale.flatten() == Some(true) {
            self.drop_screen(name);
        }
        if let Some((root, screen)) = self.find(name) {
            let _ = root.remove_attribute("data-away");
            screen.shown.set(true);
            return Some(root);
        }
        let root = document().create_element("div").ok()?;
        root.set_class_name("screen");
        let owner = self.parent.get_value().child();
        // Everything the screen owns lives in its own owner, not in the route's, which is
        // disposed when the user leaves.
        let (screen, view) = owner.with(|| {
            let screen = Screen::new(RwSignal::new(true));
            provide_context(screen);
            let mut state = page().build();
            state.mount(&root, None);
            (screen, state)
        });
        self.kept.update_value(|kept| {
            kept.push(Kept {
                name,
                root: root.clone(),
                owner,
                screen,
                workspace,
                _view: Box::new(view),
            })
        });
        Some(root)
    }

    /// Hides screen `name` and stops its costly derivations.
    fn hide(self, name: &'static str) {
        if let Some((root, screen)) = self.find(name) {
            // An editor left open (the user went back with the keyboard or the browser's
            // button, so no click moved focus first) saves when it loses focus: it must not
            // wait, unsaved, in a screen nobody sees.
            if let Some(active) = document().active_element()
                && root.contains(Some(&active))
                && let Ok(active) = active.dyn_into::<web_sys::HtmlElement>()
            {
                let _ = active.blur();
            }
            let _ = root.set_attribute("data-away", "");
            screen.shown.set(false);
            screen.left();
        }
    }

    fn find(self, name: &'static str) -> Option<(web_sys::Element, Screen)> {
        self.kept.with_value(|kept| {
            kept.iter()
                .find(|k| k.name == name)
                .map(|k| (k.root.clone(), k.screen))
        })
    }

    fn drop_screen(self, name: &'static str) {
        let mut gone = None;
        self.kept.update_value(|kept| {
            if let Some(i) = kept.iter().position(|k| k.name == name) {
                gone = Some(kept.remove(i));
            }
        });
        if let Some(k) = gone {
            k.root.remove();
            k.owner.cleanup();
        }
    }
}

/// Before the app follows a link inside the main region, focus moves from the link to the
/// region itself. The link is about to leave the view with its screen (taken out of the
/// document, or hidden if the screen is kept), and the browser, moving focus off it while the
/// new screen's style is still to be computed, computes it there and then: a full style and
/// layout inside the click, on top of the frame's own (several milliseconds when a record was
/// opened from a list whose screen was taken out). The main region stays, so focus
/// is not lost either: the next Tab goes into the new screen.
fn focus_main_before_navigating() {
    let handler = Closure::<dyn Fn(web_sys::MouseEvent)>::new(|ev: web_sys::MouseEvent| {
        if crate::adapters::history::link_followed(&ev).is_none() {
            return;
        }
        let (Some(main), Some(active)) = (
            document().get_element_by_id("main"),
            document().active_element(),
        ) else {
            return;
        };
        if active != main
            && main.contains(Some(&active))
            && let Ok(main) = main.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = main.focus();
        }
    });
    // Capture: before the listener that follows the link (`adapters::history`), which swaps
    // the screens there and then.
    let _ = window().add_event_listener_with_callback_and_bool(
        "click",
        handler.as_ref().unchecked_ref(),
        true,
    );
    // The shell lives as long as the page.
    handler.forget();
}

/// The first element matching `selector` that is not in a screen away.
pub fn query_shown(selector: &str) -> Option<web_sys::Element> {
    let all = document().query_selector_all(selector).ok()?;
    (0..all.length())
        .filter_map(|i| all.item(i)?.dyn_into::<web_sys::Element>().ok())
        .find(|el| el.closest(".screen[data-away]").ok().flatten().is_none())
}

/// A route's view for a kept screen: shows screen `name` (built by `page` the first time) in
/// the shell's container of screens, and hides it again when the route is left. The route's
/// own view is empty.
#[component]
pub fn KeepAlive(name: &'static str, page: fn() -> AnyView) -> impl IntoView {
    let screens = expect_context::<Screens>();
    let Some(root) = screens.show(name, page) else {
        // No element to keep it in: an ordinary page, built on every visit.
        return page();
    };
    // A new screen goes into the shell's container once that is in the document (on the first
    // render, after this view is built), still in the route change's task: the next frame has it.
    Effect::new(move |_| {
        if !root.is_connected()
            && let Some(container) = screens.container.get()
        {
            let _ = container.append_child(&root);
        }
    });
    on_cleanup(move || screens.hide(name));
    ().into_any()
}
