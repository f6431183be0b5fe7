//! System notifications (the Notification API) for due reminders, where the user allowed them.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// "granted", "denied", "default", or "unsupported" when the browser has no notifications.
pub fn permission() -> String {
    let supported = web_sys::window()
        .and_then(|w| js_sys::Reflect::has(&w, &"Notification".into()).ok())
        .unwrap_or(false);
    if !supported {
        return "unsupported".into();
    }
    match web_sys::Notification::permission() {
        web_sys::NotificationPermission::Granted => "granted",
        web_sys::NotificationPermission::Denied => "denied",
        _ => "default",
    }
    .into()
}

/// Asks for permission; `done` gets the answer.
pub fn request(done: impl FnOnce(String) + 'static) {
    let Ok(promise) = web_sys::Notification::request_permission() else {
        return;
    };
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        done(permission());
    });
}

/// Shows a notification if allowed; otherwise the in-app banner is the reminder.
pub fn show(title: &str, body: &str) {
    if permission() != "granted" {
        return;
    }
    let options = web_sys::NotificationOptions::new();
    options.set_body(body);
    if let Ok(n) = web_sys::Notification::new_with_options(title, &options) {
        // Clicking brings the app to the front.
        let on_click = Closure::once_into_js(move || {
            if let Some(w) = web_sys::window() {
                let _ = w.focus();
            }
        });
        n.set_onclick(Some(on_click.unchecked_ref()));
    }
}
