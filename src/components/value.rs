//! Field values as people read them: amounts, dates and numbers through `Intl` in the user's
//! language, linked records by their names, choices translated.

use crm_core::schema::FieldType;
use crm_core::{FieldValue, Id, Kind, Workspace};

use crate::i18n::intl::{self, DateStyle};
use crate::i18n::{I18n, Msg};

/// One value as text for a table cell or a detail row.
pub fn display(ws: &Workspace, i18n: &I18n, ty: FieldType, value: &FieldValue) -> String {
    let locale = i18n.locale();
    match (ty, value) {
        (_, FieldValue::Money(m)) => intl::format_money(locale, m.minor, &m.currency),
        (FieldType::Date, FieldValue::Text(d)) => intl::format_day(locale, d),
        (FieldType::Birthday, FieldValue::Text(d)) => match d.strip_prefix("--") {
            // A birthday without its year: the day and month only (in a leap year, so 29 Feb
            // is a valid date).
            Some(md) => intl::format_month_day(locale, &format!("2000-{md}")),
            None => intl::format_day(locale, d),
        },
        (FieldType::Choice(_), FieldValue::Text(c)) => i18n.choice(c),
        (_, FieldValue::Timestamp(t)) => intl::format_date_time(locale, t.0 as f64),
        (_, FieldValue::Int(n)) => intl::format_number(locale, *n as f64),
        (_, FieldValue::Bool(b)) => i18n.t(if *b { Msg::Yes } else { Msg::No }),
        (_, FieldValue::Ref(id)) => title_of(ws, ty, *id),
        (FieldType::RefSet(_), FieldValue::Set(items)) => items
            .keys()
            .filter_map(|k| k.parse::<Id>().ok())
            .map(|id| title_of(ws, ty, id))
            .collect::<Vec<_>>()
            .join(", "),
        (_, FieldValue::Set(items)) => items.keys().cloned().collect::<Vec<_>>().join(", "),
        (_, FieldValue::Text(t)) => t.clone(),
    }
}

/// The title of a linked record, or a note that it is missing (not synced yet or deleted).
pub fn title_of(ws: &Workspace, ty: FieldType, id: Id) -> String {
    let kind = match ty {
        FieldType::Ref(k) | FieldType::RefSet(k) => k,
        _ => return id.to_string(),
    };
    ws.get(kind, id)
        .map(|r| r.title().to_owned())
        .unwrap_or_else(|| "?".to_owned())
}

/// The detail page of a record, where one exists.
pub fn href(kind: Kind, id: Id) -> Option<String> {
    match kind {
        Kind::Contact | Kind::Company | Kind::Deal => Some(format!("/{}/{id}", kind.collection())),
        _ => None,
    }
}

/// A date shown medium ("Nov 23, 2026") from UTC milliseconds.
pub fn day_of(i18n: &I18n, ms: i64) -> String {
    intl::format_date(i18n.locale(), ms as f64, DateStyle::Medium)
}
