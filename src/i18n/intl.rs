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

thread_local! {
    static MONEY: RefCell<HashMap<(Locale, String), Function>> = RefCell::new(HashMap::new());
    static DATE_TIME: RefCell<HashMap<Locale, Function>> = RefCell::new(HashMap::new());
    static CALENDAR_DAY: RefCell<HashMap<(Locale, DayOptions), Function>> = RefCell::new(HashMap::new());
}

/// An amount in minor units of `currency` ("€1,234.50", "۱٬۲۳۴٫۵۰ یورو").
pub fn format_money(locale: Locale, minor: i64, currency: &crm_core::Currency) -> String {
    let value = minor as f64 / 10f64.powi(i32::from(currency.exponent()));
    MONEY.with_borrow_mut(|cache| {
        let f = cache
            .entry((locale, currency.code().to_owned()))
            .or_insert_with(|| {
                let options = Object::new();
                let _ = Reflect::set(&options, &"style".into(), &"currency".into());
                let _ = Reflect::set(&options, &"currency".into(), &currency.code().into());
                Intl::NumberFormat::new(&locales(locale), &options).format()
            });
        call(f, &JsValue::from_f64(value))
    })
}

/// A date and time at `ms`, short ("Nov 23, 2026, 3:04 PM").
pub fn format_date_time(locale: Locale, ms: f64) -> String {
    DATE_TIME.with_borrow_mut(|cache| {
        let f = cache.entry(locale).or_insert_with(|| {
            let options = Object::new();
            let _ = Reflect::set(&options, &"dateStyle".into(), &"medium".into());
            let _ = Reflect::set(&options, &"timeStyle".into(), &"short".into());
            Intl::DateTimeFormat::new(&locales(locale), &options).format()
        });
        call(f, &js_sys::Date::new(&JsValue::from_f64(ms)))
    })
}

/// `Intl.DateTimeFormat` options, as name/value pairs.
type DayOptions = &'static [(&'static str, &'static str)];

/// A calendar date `YYYY-MM-DD` formatted with `options`. Shown at noon UTC in UTC, so no
/// time zone can move it to another day; one cached formatter per locale and options.
fn format_calendar_day(locale: Locale, date: &str, options: DayOptions) -> String {
    let Some(ms) = utc_noon(date) else {
        return date.to_owned();
    };
    CALENDAR_DAY.with_borrow_mut(|cache| {
        let f = cache.entry((locale, options)).or_insert_with(|| {
            let o = Object::new();
            for (name, value) in options {
                let _ = Reflect::set(&o, &(*name).into(), &(*value).into());
            }
            let _ = Reflect::set(&o, &"timeZone".into(), &"UTC".into());
            Intl::DateTimeFormat::new(&locales(locale), &o).format()
        });
        call(f, &js_sys::Date::new(&JsValue::from_f64(ms)))
    })
}

/// A calendar date as the locale writes it ("Nov 23, 2026"; Solar Hijri in Persian).
pub fn format_day(locale: Locale, date: &str) -> String {
    format_calendar_day(locale, date, &[("dateStyle", "medium")])
}

/// A month's name with its year ("November 2026"), or a day's weekday name when `weekday`.
pub fn format_month(locale: Locale, date: &str, weekday: bool) -> String {
    let options: DayOptions = if weekday {
        &[("weekday", "short")]
    } else {
        &[("month", "long"), ("year", "numeric")]
    };
    format_calendar_day(locale, date, options)
}

/// A day and month without the year ("November 23", "۲ آذر").
pub fn format_month_day(locale: Locale, date: &str) -> String {
    format_calendar_day(locale, date, &[("month", "long"), ("day", "numeric")])
}

/// The day of the month in the locale's digits and calendar ("23", "۲").
pub fn format_day_number(locale: Locale, date: &str) -> String {
    format_calendar_day(locale, date, &[("day", "numeric")])
}

/// Today's date in the user's time zone, `YYYY-MM-DD`.
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

/// Noon UTC of a calendar date `YYYY-MM-DD`, for formatters that show it in UTC.
fn utc_noon(date: &str) -> Option<f64> {
    let (y, m, d) = crm_core::value::parse_date(date)?;
    Some(
        js_sys::Date::utc(y as f64, f64::from(m - 1))
            + f64::from(d - 1) * 86_400_000.0
            + 43_200_000.0,
    )
}
