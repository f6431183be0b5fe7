//! Numbers and dates through the browser's `Intl`, which knows every locale's digits, separators
//! and calendars (Persian digits and the Solar Hijri calendar for `fa`).

use std::cell::RefCell;
use std::collections::HashMap;

use js_sys::{Array, Function, Intl, Object, Reflect};
use wasm_bindgen::JsValue;

use super::Locale;

/// How much of a date to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateStyle {
    /// "Monday, November 23, 2026"
    Full,
    /// "Nov 23, 2026"
    Medium,
}

impl DateStyle {
    fn as_str(self) -> &'static str {
        match self {
            DateStyle::Full => "full",
            DateStyle::Medium => "medium",
        }
    }
}

thread_local! {
    // Building an Intl formatter is costly; keep one per locale and style.
    static NUMBER: RefCell<HashMap<Locale, Function>> = RefCell::new(HashMap::new());
    static DATE: RefCell<HashMap<(Locale, DateStyle), Function>> = RefCell::new(HashMap::new());
}

fn locales(locale: Locale) -> Array {
    Array::of1(&JsValue::from_str(locale.intl_tag()))
}

fn call(f: &Function, arg: &JsValue) -> String {
    f.call1(&JsValue::NULL, arg)
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

pub fn format_number(locale: Locale, value: f64) -> String {
    NUMBER.with_borrow_mut(|cache| {
        let f = cache
            .entry(locale)
            .or_insert_with(|| Intl::NumberFormat::new(&locales(locale), &Object::new()).format());
        call(f, &JsValue::from_f64(value))
    })
}

/// A date at `ms` (UTC milliseconds), shown in the user's time zone.
pub fn format_date(locale: Locale, ms: f64, style: DateStyle) -> String {
    DATE.with_borrow_mut(|cache| {
        let f = cache.entry((locale, style)).or_insert_with(|| {
            let options = Object::new();
            let _ = Reflect::set(&options, &"dateStyle".into(), &style.as_str().into());
            Intl::DateTimeFormat::new(&locales(locale), &options).format()
        });
        call(f, &js_sys::Date::new(&JsValue::from_f64(ms)))
    })
}

/// Makes `{ $count }` inside messages use `Intl` digits; call once at start-up.
pub fn install() {
    super::set_number_formatter(format_number);
}
