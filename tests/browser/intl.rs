//! Locale formatting through the browser's Intl, as the app uses it.

use crm_app::i18n::intl::{DateStyle, format_date, format_number, install};
use crm_app::i18n::{Locale, contacts_count};
use wasm_bindgen_test::wasm_bindgen_test;

/// 2026-11-23T12:00:00Z
const NOV_23_2026: f64 = 1_795_435_200_000.0;

fn strip_isolation(s: String) -> String {
    s.replace(['\u{2068}', '\u{2069}'], "")
}

#[wasm_bindgen_test]
fn persian_numbers_use_persian_digits() {
    let s = format_number(Locale::Fa, 1234.5);
    assert_eq!(s, "۱٬۲۳۴٫۵");
    assert_eq!(format_number(Locale::En, 1234.5), "1,234.5");
    assert_eq!(format_number(Locale::Ru, 1234.5), "1\u{a0}234,5");
}

#[wasm_bindgen_test]
fn persian_dates_use_the_solar_hijri_calendar() {
    let fa = format_date(Locale::Fa, NOV_23_2026, DateStyle::Full);
    // 23 November 2026 is 2 Azar 1405 in the Solar Hijri calendar.
    assert!(fa.contains("۱۴۰۵"), "{fa}");
    assert!(fa.contains("آذر"), "{fa}");
    let ru = format_date(Locale::Ru, NOV_23_2026, DateStyle::Full);
    assert!(ru.contains("ноября 2026"), "{ru}");
    let en = format_date(Locale::En, NOV_23_2026, DateStyle::Medium);
    assert!(en.contains("Nov") && en.contains("2026"), "{en}");
}

#[wasm_bindgen_test]
fn counts_in_messages_are_formatted_by_intl() {
    install();
    assert_eq!(strip_isolation(contacts_count(Locale::Fa, 5)), "۵ مخاطب");
    assert_eq!(
        strip_isolation(contacts_count(Locale::Ru, 1_021)),
        "1\u{a0}021 контакт"
    );
    assert_eq!(
        strip_isolation(contacts_count(Locale::En, 1_500)),
        "1,500 contacts"
    );
}
