//! Thin browser adapters: each wraps one web API and holds no business logic.

pub mod files;
pub mod idb;
pub mod notify;
pub mod prefs;
pub mod service_worker;
pub mod sync;
pub mod workspace_store;

/// The wall clock, read only here at the edge and passed into `crm-core` as data.
pub fn now_ms() -> i64 {
    js_sys::Date::now() as i64
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
