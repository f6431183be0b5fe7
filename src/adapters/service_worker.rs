//! Registers `/sw.js` (which caches the versioned app shell for offline use) and reports when
//! a new deployment has been downloaded and is waiting. The waiting version takes over only
//! when the user chooses to reload, so a page never runs half-old, half-new code.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorkerRegistration, ServiceWorkerState};

/// How often a long-open tab asks the server whether a new version exists.
const UPDATE_CHECK_MS: i32 = 30 * 60 * 1000;

/// State shared with the update prompt.
#[derive(Clone, Copy)]
pub struct AppUpdate {
    /// A new version is installed and waiting for the user's go-ahead.
    pub ready: RwSignal<bool>,
    registration: StoredValue<Option<ServiceWorkerRegistration>, LocalStorage>,
    reload_requested: StoredValue<Rc<Cell<bool>>, LocalStorage>,
}

impl AppUpdate {
    pub fn new() -> Self {
        Self {
            ready: RwSignal::new(false),
            registration: StoredValue::new_local(None),
            reload_requested: StoredValue::new_local(Rc::new(Cell::new(false))),
        }
    }

    /// Tells the waiting worker to take over; the page reloads when it has.
    pub fn apply(&self) {
        self.reload_requested.with_value(|r| r.set(true));
        let waiting = self
            .registration
            .with_value(|r| r.as_ref().and_then(ServiceWorkerRegistration::waiting));
        match waiting {
            Some(worker) => {
                let msg = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&msg, &"type".into(), &"SKIP_WAITING".into());
                let _ = worker.post_message(&msg);
            }
            None => reload(),
        }
    }

    pub fn dismiss(&self) {
        self.ready.set(false);
    }
}

impl Default for AppUpdate {
    fn default() -> Self {
        Self::new()
    }
}

fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// Registers the service worker and wires the update signals. Errors are logged, never fatal:
/// without a service worker the app still runs, only not offline.
pub fn register(update: AppUpdate) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();

    // A controller change after the user asked for the update means the new version is in charge.
    let reload_requested = update.reload_requested.get_value();
    let on_controller_change = Closure::<dyn FnMut()>::new(move || {
        if reload_requested.get() {
            reload();
        }
    });
    container.set_oncontrollerchange(Some(on_controller_change.as_ref().unchecked_ref()));
    on_controller_change.forget();

    wasm_bindgen_futures::spawn_local(async move {
        let registration = match JsFuture::from(container.register("/sw.js")).await {
            Ok(r) => r.unchecked_into::<ServiceWorkerRegistration>(),
            Err(e) => {
                leptos::logging::warn!("offline mode unavailable: {}", super::js_error_text(&e));
                return;
            }
        };
        update.registration.set_value(Some(registration.clone()));
        let has_controller = || {
            web_sys::window()
                .and_then(|w| w.navigator().service_worker().controller())
                .is_some()
        };
        // A new version may be found before this code runs (the browser checks on navigation):
        // it can already be waiting, or still installing, or turn up later.
        if registration.waiting().is_some() && has_controller() {
            update.ready.set(true);
        }
        let watch = move |worker: web_sys::ServiceWorker| {
            let watched = worker.clone();
            let on_state = Closure::<dyn FnMut()>::new(move || {
                // Installed with a controller present means an old version is still in charge;
                // a first install has no controller and nothing to prompt about.
                if watched.state() == ServiceWorkerState::Installed && has_controller() {
                    update.ready.set(true);
                }
            });
            worker.set_onstatechange(Some(on_state.as_ref().unchecked_ref()));
            on_state.forget();
        };
        if let Some(installing) = registration.installing() {
            watch(installing);
        }
        let reg = registration.clone();
        let on_update_found = Closure::<dyn FnMut()>::new(move || {
            if let Some(installing) = reg.installing() {
                watch(installing);
            }
        });
        registration.set_onupdatefound(Some(on_update_found.as_ref().unchecked_ref()));
        on_update_found.forget();

        // Ask for a new version now (the browser's own check on navigation is throttled and
        // may come late) and then periodically while the tab stays open.
        check_for_update(&registration);
        let periodic = Closure::<dyn FnMut()>::new(move || check_for_update(&registration));
        if let Some(w) = web_sys::window() {
            let _ = w.set_interval_with_callback_and_timeout_and_arguments_0(
                periodic.as_ref().unchecked_ref(),
                UPDATE_CHECK_MS,
            );
        }
        periodic.forget();
    });
}

/// Fetches `sw.js` to see whether a new build exists; skipped offline, where it could only fail.
fn check_for_update(registration: &ServiceWorkerRegistration) {
    let online = web_sys::window().is_some_and(|w| w.navigator().on_line());
    if !online {
        return;
    }
    if let Ok(promise) = registration.update() {
        wasm_bindgen_futures::spawn_local(async move {
            // A failed check (server down, flaky network) is retried at the next interval.
            let _ = JsFuture::from(promise).await;
        });
    }
}
