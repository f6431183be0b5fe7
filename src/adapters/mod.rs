//! Thin browser adapters: each wraps one web API and holds no business logic.

pub mod compactor;
pub mod files;
pub mod history;
pub mod idb;
pub mod notify;
pub mod p2p;
pub mod prefs;
pub mod random;
pub mod service_worker;
pub mod sync;
pub mod workspace_store;

/// The wall clock, read only here at the edge and passed into `crm-core` as data.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// A User Timing mark, read by the benchmark harness (`bench/`).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// Runs `work` inside a User Timing measure `name` for the benchmark harness.
pub fn timed<T>(name: &str, work: impl FnOnce() -> T) -> T {
    let _measure = Measure::start(name);
    work()
}

/// A User Timing measure for the benchmark harness from `start` until the value is dropped
/// (so it can span awaits); the start mark is cleared again, so the timeline keeps only the
/// measure.
pub struct Measure(String);

impl Measure {
    pub fn start(name: &str) -> Self {
        mark(&format!("{name}:start"));
        Self(name.to_owned())
    }
}

impl Drop for Measure {
    fn drop(&mut self) {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let start = format!("{}:start", self.0);
            let _ = p.measure_with_start_mark(&self.0, &start);
            p.clear_marks_with_mark_name(&start);
        }
    }
}

/// Turns a thrown JS value into readable text for error messages.
pub(crate) fn js_error_text(value: &wasm_bindgen::JsValue) -> String {
    use wasm_bindgen::JsCast;
    if let Some(e) = value.dyn_ref::<web_sys::DomException>() {
        return format!("{}: {}", e.name(), e.message());
    }
    if let Some(e) = value.dyn_ref::<js_sys::Error>() {
        return String::from(e.message());
    }
    value.as_string().unwrap_or_else(|| format!("{value:?}"))
}

/// Lets the browser paint and handle input before the caller goes on: long work (an import)
/// awaits this between chunks. A message posted to a `MessageChannel` runs as a new task
/// without the minimum delay nested timers get.
pub async fn yield_now() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Ok(channel) = web_sys::MessageChannel::new() else {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            return;
        };
        let port = channel.port1();
        let on_message = Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        port.set_onmessage(Some(on_message.unchecked_ref()));
        let _ = channel.port2().post_message(&wasm_bindgen::JsValue::NULL);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
