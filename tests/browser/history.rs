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

#[wasm_bindgen_test]
async fn followed_addresses_and_the_title_wait_for_the_frame_and_keep_their_order() {
    let window = web_sys::window().expect("a window");
    let document = window.document().expect("a document");
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
    // A link to the screen on view, followed again.
    history::go("held-a");
    history::go("/held-b?x=1");
    history::set_title("Held title");
    assert_eq!(path(), before, "nothing is written before the frame");
    assert_ne!(document.title(), "Held title");

    after_next_frame().await;
    assert_eq!(path(), "/held-b");
    assert_eq!(window.location().search().ok().as_deref(), Some("?x=1"));
    assert_eq!(
        h.length().expect("a length"),
        length + 2,
        "two entries: the push of the address already current is dropped"
    );
    assert_eq!(document.title(), "Held title");

    // Back or Forward before the frame: the router shows the address traversed to, so what
    // was held would put the wrong address over it.
    history::go("/held-c");
    let popstate = web_sys::Event::new("popstate").expect("an event");
    window.dispatch_event(&popstate).expect("dispatched");
    after_next_frame().await;
    assert_eq!(path(), "/held-b");
    assert_eq!(h.length().expect("a length"), length + 2);

    // A plain click on a link inside the app is followed here, not by the browser.
    let link: web_sys::HtmlElement = document
        .create_element("a")
        .expect("a link")
        .dyn_into()
        .expect("an HTML element");
    link.set_attribute("href", "/held-d").expect("set");
    document
        .body()
        .expect("a body")
        .append_child(&link)
        .expect("added");
    link.click();
    link.remove();
    assert_eq!(router_path(&router), "/held-d");
    after_next_frame().await;
    assert_eq!(path(), "/held-d");

    h.replace_state_with_url(&JsValue::NULL, "", Some(&page))
        .expect("replaced");
    assert_eq!(window.location().href().ok(), Some(page));
}
