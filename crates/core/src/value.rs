//! Field values and their validation. Invalid input is rejected here with a reason, before
//! anything reaches the document.

use std::collections::BTreeMap;

use crate::id::Id;
use crate::money::{Currency, Money};
use crate::schema::{FieldSpec, FieldType};
use crate::time::Timestamp;

/// A field's value as commands take it and queries return it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// Text, long text, email, phone, URL, colour, choice, date and birthday fields.
    Text(String),
    Int(i64),
    Bool(bool),
    Money(Money),
    Timestamp(Timestamp),
    Ref(Id),
    /// Tags, record sets, emails and phones: key -> label (empty for plain sets).
    Set(BTreeMap<String, String>),
}

impl FieldValue {
    pub fn text(s: impl Into<String>) -> Self {
        FieldValue::Text(s.into())
    }

    /// A plain set (tags, record links) from its members.
    pub fn set<I: IntoIterator<Item = S>, S: Into<String>>(items: I) -> Self {
        FieldValue::Set(
            items
                .into_iter()
                .map(|s| (s.into(), String::new()))
                .collect(),
        )
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_ref_id(&self) -> Option<Id> {
        match self {
            FieldValue::Ref(id) => Some(*id),
            _ => None,
        }
    }

    pub fn as_set(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            FieldValue::Set(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("{field} is required")]
    Required { field: String },
    #[error("{field} expects {expected}")]
    WrongType {
        field: String,
        expected: &'static str,
    },
    #[error("{field}: {value:?} is not a valid email address")]
    Email { field: String, value: String },
    #[error(
        "{field}: {value:?} is not a valid phone number (5 to 20 digits, + ( ) - . and spaces allowed)"
    )]
    Phone { field: String, value: String },
    #[error("{field}: {value:?} is not a valid web address")]
    Url { field: String, value: String },
    #[error("{field}: {value:?} is not a date (YYYY-MM-DD)")]
    Date { field: String, value: String },
    #[error("{field}: {value:?} is not a colour (#rrggbb)")]
    Color { field: String, value: String },
    #[error("{field}: {value:?} is not one of {allowed}")]
    Choice {
        field: String,
        value: String,
        allowed: String,
    },
    #[error("{field}: {value} is outside {min}..={max}")]
    Range {
        field: String,
        value: i64,
        min: i64,
        max: i64,
    },
    #[error("{field}: amounts cannot be negative")]
    NegativeAmount { field: String },
    #[error("{field} is too long ({len} characters, at most {max})")]
    TooLong {
        field: String,
        len: usize,
        max: usize,
    },
    #[error("{field}: {value:?} is not a whole number")]
    NotANumber { field: String, value: String },
    #[error("{field}: {value:?} is not an amount (such as 1234.56, 1 234,56 or EUR 12.50)")]
    Amount { field: String, value: String },
    #[error("{field}: amounts in {currency} have at most {max} digits after the decimal point")]
    TooManyDecimals {
        field: String,
        currency: String,
        max: u8,
    },
    #[error("{field}: the number is too large")]
    TooLarge { field: String },
    #[error("{field}: {value:?} is not an ISO 4217 currency code (such as EUR or USD)")]
    Currency { field: String, value: String },
    #[error("{field}: {value:?} is not yes or no (yes/no, true/false or 1/0)")]
    NotABool { field: String, value: String },
    #[error("{field}: {value:?} is not a time (YYYY-MM-DDTHH:MM in UTC, or milliseconds)")]
    Time { field: String, value: String },
    #[error("{field}: {value:?} is not a record id")]
    RecordId { field: String, value: String },
    #[error("{field} cannot be edited as text")]
    NotEditable { field: String },
}

const SHORT_TEXT_MAX: usize = 1_000;
const LONG_TEXT_MAX: usize = 200_000;

/// Persian and Arabic-Indic digits typed on a phone keyboard mean the same as ASCII digits.
pub fn fold_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
            '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
            other => other,
        })
        .collect()
}

pub fn normalize_email(field: &str, raw: &str) -> Result<String, FieldError> {
    let v = raw.trim();
    let bad = || FieldError::Email {
        field: field.to_owned(),
        value: raw.to_owned(),
    };
    let (local, domain) = v.rsplit_once('@').ok_or_else(bad)?;
    let ok = !local.is_empty()
        && local.len() <= 64
        && v.len() <= 254
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
        && !local.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if !ok {
        return Err(bad());
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

/// Keeps the number as typed (digits folded to ASCII), after checking it is plausibly a phone.
pub fn normalize_phone(field: &str, raw: &str) -> Result<String, FieldError> {
    let v = fold_digits(raw.trim());
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | '(' | ')' | '-' | '.' | ' '));
    let plus_ok = v.rfind('+').is_none_or(|i| i == 0);
    if !allowed || !plus_ok || !(5..=20).contains(&digits) {
        return Err(FieldError::Phone {
            field: field.to_owned(),
            value: raw.to_owned(),
        });
    }
    Ok(v.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The digits of a phone number (and a leading +): the key that finds duplicates.
pub fn phone_key(phone: &str) -> String {
    let folded = fold_digits(phone);
    let mut key: String = folded.chars().filter(char::is_ascii_digit).collect();
    if folded.trim_start().starts_with('+') {
        key.insert(0, '+');
    }
    key
}

/// Accepts `example.com` as `https://example.com`; only http(s) addresses are links.
pub fn normalize_url(field: &str, raw: &str) -> Result<String, FieldError> {
    let v = raw.trim();
    let bad = || FieldError::Url {
        field: field.to_owned(),
        value: raw.to_owned(),
    };
    let with_scheme = if v.contains("://") {
        v.to_owned()
    } else {
        format!("https://{v}")
    };
    let rest = with_scheme
        .strip_prefix("https://")
        .or_else(|| with_scheme.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_name = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let ok = !host_name.is_empty()
        && host_name.contains('.')
        && !with_scheme
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        && host_name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if !ok {
        return Err(bad());
    }
    Ok(with_scheme)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// `YYYY-MM-DD`, a real calendar date: ten ASCII characters, digits but for the two dashes.
/// (Dates are stored as this text and compared as text, so `2026-+1-05`, which `parse`
/// would read as January, must not pass.)
pub fn parse_date(s: &str) -> Option<(i64, u32, u32)> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape {
        return None;
    }
    let year: i64 = s[0..4].parse().ok()?;
    let month: u32 = s[5..7].parse().ok()?;
    let day: u32 = s[8..10].parse().ok()?;
    (day >= 1 && day <= days_in_month(year, month)).then_some((year, month, day))
}

/// `YYYY-MM-DD`, or `--MM-DD` when the year is not known.
pub fn parse_birthday(s: &str) -> Option<(Option<i64>, u32, u32)> {
    if let Some(md) = s.strip_prefix("--") {
        let (year, month, day) = parse_date(&format!("2000-{md}"))?;
        let _ = year;
        return Some((None, month, day));
    }
    parse_date(s).map(|(y, m, d)| (Some(y), m, d))
}

fn text_len_check(field: &str, s: &str, max: usize) -> Result<(), FieldError> {
    let len = s.chars().count();
    if len > max {
        return Err(FieldError::TooLong {
            field: field.to_owned(),
            len,
            max,
        });
    }
    Ok(())
}

/// Checks `value` against the field's type and returns it normalised (trimmed text, lower-case
/// email domains, folded phone digits, URLs with a scheme). Empty text counts as no value.
pub fn validate(spec: &FieldSpec, value: FieldValue) -> Result<Option<FieldValue>, FieldError> {
    validate_as(spec.name, spec.ty, value)
}

pub fn validate_as(
    field: &str,
    ty: FieldType,
    value: FieldValue,
) -> Result<Option<FieldValue>, FieldError> {
    let wrong = |expected: &'static str| FieldError::WrongType {
        field: field.to_owned(),
        expected,
    };
    use FieldType as T;
    use FieldValue as V;
    let out = match (ty, value) {
        (T::LongText, V::Text(s)) => {
            text_len_check(field, &s, LONG_TEXT_MAX)?;
            if s.is_empty() {
                return Ok(None);
            }
            V::Text(s)
        }
        (T::Text, V::Text(s)) => {
            let s = s.trim();
            text_len_check(field, s, SHORT_TEXT_MAX)?;
            if s.is_empty() {
                return Ok(None);
            }
            V::Text(s.to_owned())
        }
        (T::Email, V::Text(s)) if s.trim().is_empty() => return Ok(None),
        (T::Email, V::Text(s)) => V::Text(normalize_email(field, &s)?),
        (T::Phone, V::Text(s)) if s.trim().is_empty() => return Ok(None),
        (T::Phone, V::Text(s)) => V::Text(normalize_phone(field, &s)?),
        (T::Url, V::Text(s)) if s.trim().is_empty() => return Ok(None),
        (T::Url, V::Text(s)) => V::Text(normalize_url(field, &s)?),
        (T::Date, V::Text(s)) if s.trim().is_empty() => return Ok(None),
        (T::Date, V::Text(s)) => {
            let s = s.trim();
            parse_date(s).ok_or_else(|| FieldError::Date {
                field: field.to_owned(),
                value: s.to_owned(),
            })?;
            V::Text(s.to_owned())
        }
        (T::Birthday, V::Text(s)) if s.trim().is_empty() => return Ok(None),
        (T::Birthday, V::Text(s)) => {
            let s = s.trim();
            parse_birthday(s).ok_or_else(|| FieldError::Date {
                field: field.to_owned(),
                value: s.to_owned(),
            })?;
            V::Text(s.to_owned())
        }
        (T::Color, V::Text(s)) => {
            let s = s.trim().to_ascii_lowercase();
            let ok =
                s.len() == 7 && s.starts_with('#') && s[1..].bytes().all(|b| b.is_ascii_hexdigit());
            if !ok {
                return Err(FieldError::Color {
                    field: field.to_owned(),
                    value: s,
                });
            }
            V::Text(s)
        }
        (T::Choice(allowed), V::Text(s)) => {
            let s = s.trim();
            if !allowed.contains(&s) {
                return Err(FieldError::Choice {
                    field: field.to_owned(),
                    value: s.to_owned(),
                    allowed: allowed.join(", "),
                });
            }
            V::Text(s.to_owned())
        }
        (T::Int { min, max }, V::Int(n)) => {
            if n < min || n > max {
                return Err(FieldError::Range {
                    field: field.to_owned(),
                    value: n,
                    min,
                    max,
                });
            }
            V::Int(n)
        }
        (T::Bool, V::Bool(b)) => V::Bool(b),
        (T::Money, V::Money(m)) => {
            if m.minor < 0 {
                return Err(FieldError::NegativeAmount {
                    field: field.to_owned(),
                });
            }
            V::Money(m)
        }
        (T::Timestamp, V::Timestamp(t)) => V::Timestamp(t),
        (T::Ref(_), V::Ref(id)) => V::Ref(id),
        (T::RefSet(_), V::Set(items)) => {
            for key in items.keys() {
                key.parse::<Id>().map_err(|_| wrong("record ids"))?;
            }
            V::Set(items.into_keys().map(|k| (k, String::new())).collect())
        }
        (T::Stages, V::Set(items)) => {
            for (id, encoded) in &items {
                let ok = !id.is_empty()
                    && id.len() <= 64
                    && crate::pipeline::Stage::decode(id, encoded).is_some();
                if !ok {
                    return Err(FieldError::WrongType {
                        field: field.to_owned(),
                        expected: "stages with a name and a probability from 0 to 100",
                    });
                }
            }
            V::Set(items)
        }
        (T::Tags, V::Set(items)) => {
            let mut tags = BTreeMap::new();
            for tag in items.into_keys() {
                let tag = tag.trim().to_owned();
                text_len_check(field, &tag, 100)?;
                if !tag.is_empty() {
                    tags.insert(tag, String::new());
                }
            }
            V::Set(tags)
        }
        (T::Emails, V::Set(items)) => {
            let mut out = BTreeMap::new();
            for (addr, label) in items {
                out.insert(normalize_email(field, &addr)?, label.trim().to_owned());
            }
            V::Set(out)
        }
        (T::Phones, V::Set(items)) => {
            let mut out = BTreeMap::new();
            for (number, label) in items {
                out.insert(normalize_phone(field, &number)?, label.trim().to_owned());
            }
            V::Set(out)
        }
        (T::Text | T::LongText | T::Color | T::Choice(_), _) => return Err(wrong("text")),
        (T::Email, _) => return Err(wrong("an email address")),
        (T::Phone, _) => return Err(wrong("a phone number")),
        (T::Url, _) => return Err(wrong("a web address")),
        (T::Date | T::Birthday, _) => return Err(wrong("a date")),
        (T::Int { .. }, _) => return Err(wrong("a whole number")),
        (T::Bool, _) => return Err(wrong("yes or no")),
        (T::Money, _) => return Err(wrong("an amount with a currency")),
        (T::Timestamp, _) => return Err(wrong("a time")),
        (T::Ref(_), _) => return Err(wrong("a record")),
        (T::RefSet(_) | T::Tags | T::Emails | T::Phones | T::Stages, _) => {
            return Err(wrong("a set"));
        }
    };
    if let V::Set(s) = &out
        && s.is_empty()
    {
        return Ok(None);
    }
    Ok(Some(out))
}

/// Money as stored in the document: `EUR:123450`, one scalar, so amount and currency can never
/// be merged from two different edits.
pub fn encode_money(m: &Money) -> String {
    format!("{}:{}", m.currency.code(), m.minor)
}

pub fn decode_money(s: &str) -> Option<Money> {
    let (code, minor) = s.split_once(':')?;
    Some(Money::new(
        minor.parse().ok()?,
        code.parse::<Currency>().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Kind;

    fn spec(kind: Kind, name: &str) -> &'static FieldSpec {
        kind.field(name).unwrap()
    }

    #[test]
    fn emails() {
        assert_eq!(
            normalize_email("e", " Ann@Example.COM ").unwrap(),
            "Ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.com",
            "ann@x",
            "a b@x.com",
            "ann@x..com",
            "ann@.x.com",
        ] {
            assert!(normalize_email("e", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_accept_persian_digits_and_reject_letters() {
        assert_eq!(
            normalize_phone("p", "۰۹۱۲ ۳۴۵ ۶۷۸۹").unwrap(),
            "0912 345 6789"
        );
        assert_eq!(
            normalize_phone("p", "+7 (495) 123-45-67").unwrap(),
            "+7 (495) 123-45-67"
        );
        assert_eq!(phone_key("+7 (495) 123-45-67"), "+74951234567");
        for bad in ["123", "call me", "12+345678", "1".repeat(21).as_str()] {
            assert!(normalize_phone("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls() {
        assert_eq!(
            normalize_url("w", "example.com").unwrap(),
            "https://example.com"
        );
        assert_eq!(
            normalize_url("w", "http://a.io/x?y").unwrap(),
            "http://a.io/x?y"
        );
        for bad in ["ftp://x.com", "https://", "not a url", "https://localhost"] {
            assert!(normalize_url("w", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_are_real_calendar_dates() {
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2023-13-01").is_none());
        assert!(parse_date("23-01-01").is_none());
        // Signs and spaces read as numbers by `str::parse`, stored as typed, would sort wrong
        // among dates compared as text.
        for bad in [
            "2026-+1-05",
            "2026-01-+5",
            "-001-01-01",
            "+026-01-05",
            "2026- 1-05",
            "2026-01-5 ",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(parse_birthday("--+1-05"), None);
        assert_eq!(parse_birthday("--02-29"), Some((None, 2, 29)));
        assert_eq!(parse_birthday("1990-05-17"), Some((Some(1990), 5, 17)));
    }

    #[test]
    fn validation_by_field_type() {
        let eur: Currency = "EUR".parse().unwrap();
        assert_eq!(
            validate(
                spec(Kind::Deal, "value"),
                FieldValue::Money(Money::new(-1, eur))
            ),
            Err(FieldError::NegativeAmount {
                field: "value".into()
            })
        );
        assert!(validate(spec(Kind::Deal, "probability"), FieldValue::Int(101)).is_err());
        assert!(validate(spec(Kind::Company, "kind"), FieldValue::text("friend")).is_err());
        assert_eq!(
            validate(spec(Kind::Contact, "name"), FieldValue::text("  Ann  ")).unwrap(),
            Some(FieldValue::text("Ann"))
        );
        assert_eq!(
            validate(spec(Kind::Contact, "name"), FieldValue::text("  ")).unwrap(),
            None
        );
        assert!(matches!(
            validate(spec(Kind::Contact, "name"), FieldValue::Int(3)),
            Err(FieldError::WrongType { .. })
        ));
        let tags = validate(
            spec(Kind::Contact, "tags"),
            FieldValue::set([" vip ", "", "b2b"]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(tags, FieldValue::set(["b2b", "vip"]));
    }

    #[test]
    fn money_round_trips_through_its_stored_form() {
        let m = Money::new(123_450, "IRR".parse().unwrap());
        assert_eq!(decode_money(&encode_money(&m)), Some(m));
        assert_eq!(decode_money("XXX:1"), None);
        assert_eq!(decode_money("EUR:abc"), None);
    }
}
