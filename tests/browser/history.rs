//! The address and the title held until the frame: the router's address changes at once, the
//! history entry after the frame, in order, without a duplicate entry for a push of the address
//! already current, and dropped by a traversal.
use crm_app::adapters::history;
use leptos::prelude::*;
use leptos_router::location::{BrowserUrl, LocationProvider, Url};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

/// Resolves in a task posted from the next frame's callback, queued after the one `history`
/// posts from its own (registered earlier) callback.
async fn after_next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let posted = Closure::once_into_js(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
            }
        });
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(posted.unchecked_ref());
        }
    });
    JsFuture::from(promise).await.expect("the frame comes");
}

fn path() -> String {
    web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .expect("a location")
}

fn router_path(url: &ArcRwSignal<Url>) -> String {
    url.read_untracked().path().to_owned()
}

/// Resolves on the window's next `popstate`.
async fn next_popstate() {
    let window = web_sys::window().expect("a window");
    let promise = js_sys::Promise::new(&mut |resolve, _| window.set_onpopstate(Some(&resolve)));
    JsFuture::from(promise).await.expect("a traversal");
    window.set_onpopstate(None);
}

#[wasm_bindgen_test]
async fn followed_addresses_and_the_title_wait_for_the_frame_and_back_restores_the_offset() {
    let window = web_sys::window().expect("a window");
    let document = window.document().expect("a document");
    let body = document.body().expect("a body");
    let page = window.location().href().expect("an address");
    let h = window.history().expect("a history");
    let owner = Owner::new();
    let router = owner.with(|| {
        let location = BrowserUrl::new().expect("a location");
        provide_context(location.clone());
        history::install();
        location.as_url().clone()
    });
    let (before, length) = (path(), h.length().expect("a length"));

    history::go("/held-a");
    assert_eq!(
        router_path(&router),
        "/held-a",
        "the router follows at once"
    );
    history::set_title("Held title");
    assert_eq!(path(), before, "nothing is written before the frame");
    assert_ne!(document.title(), "Held title");
    after_next_frame().await;
    assert_eq!(path(), "/held-a");
    assert_eq!(h.length().expect("a length"), length + 1);
    assert_eq!(document.title(), "Held title");

    // The screen on view followed again, then two more before one frame: only the last one,
    // the screen that was drawn, gets an entry.
    history::go("held-a");
    history::go("/held-b?x=1");
    history::go("/held-c?y=2");
    after_next_frame().await;
    assert_eq!(path(), "/held-c");
    assert_eq!(window.location().search().ok().as_deref(), Some("?y=2"));
    assert_eq!(h.length().expect("a length"), length + 2);

    // Back comes to the screen left where it was scrolled, not at the top.
    let tall = document.create_element("div").expect("a block");
    tall.set_attribute("style", "block-size: 5000px")
        .expect("set");
    body.append_child(&tall).expect("added");
    window.scroll_to_with_x_and_y(0.0, 300.0);
    history::go("/held-d");
    assert_eq!(
        window.scroll_y().ok(),
        Some(0.0),
        "a new screen starts at the top"
    );
    after_next_frame().await;
    assert_eq!(path(), "/held-d");
    h.back().expect("back");
    next_popstate().await;
    after_next_frame().await;
    assert_eq!(path(), "/held-c");
    assert_eq!(window.scroll_y().ok(), Some(300.0));
    tall.remove();

    // Back or Forward before the frame: the router shows the address traversed to, so what
    // was held would put the wrong address over it.
    history::go("/held-e");
    let popstate = web_sys::Event::new("popstate").expect("an event");
    window.dispatch_event(&popstate).expect("dispatched");
    after_next_frame().await;
    assert_eq!(path(), "/held-c");

    // A plain click on a link inside the app is followed here, not by the browser (a listener
    // on the window, after the app's, keeps the test page where it is either way).
    let prevented = std::rc::Rc::new(std::cell::Cell::new(false));
    let seen = prevented.clone();
    let guard = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        seen.set(ev.default_prevented());
        ev.prevent_default();
    });
    window
        .add_event_listener_with_callback("click", guard.as_ref().unchecked_ref())
        .expect("listened");
    let link: web_sys::HtmlElement = document
        .create_element("a")
        .expect("a link")
        .dyn_into()
        .expect("an HTML element");
    link.set_attribute("href", "/held-f").expect("set");
    body.append_child(&link).expect("added");
    link.click();
    link.remove();
    let _ = window.remove_event_listener_with_callback("click", guard.as_ref().unchecked_ref());
    assert!(prevented.get(), "the app took the click");
    assert_eq!(router_path(&router), "/held-f");
    after_next_frame().await;
    assert_eq!(path(), "/held-f");

    h.replace_state_with_url(&JsValue::NULL, "", Some(&page))
        .expect("replaced");
    assert_eq!(window.location().href().ok(), Some(page));
}
