//! Text a person types into a field, read as a value, and a value written back as the text an
//! inline editor starts with. The app's editors keep no parsing rules of their own, so every
//! screen accepts the same spellings (Persian digits, `1 234,56`, `EUR 12.50`, ...).

use std::collections::BTreeMap;

use crate::id::Id;
use crate::money::{Currency, Money};
use crate::pipeline::{civil_from_days, days_from_civil, format_date};
use crate::schema::FieldType;
use crate::time::Timestamp;
use crate::value::{FieldError, FieldValue, fold_digits, parse_date, validate_as};

const DAY_MS: i64 = 86_400_000;

/// Reads what was typed into a field of type `ty`. Blank input clears the field (`Ok(None)`);
/// amounts without a currency code are in `currency`. The result is validated and normalised
/// exactly as a command would (`validate_as`), so it can be written as is.
pub fn parse_input(
    field: &str,
    ty: FieldType,
    raw: &str,
    currency: Currency,
) -> Result<Option<FieldValue>, FieldError> {
    use FieldType as T;
    // Refused even blank: clearing a pipeline's stages is never valid either.
    if ty == T::Stages {
        return Err(FieldError::NotEditable {
            field: field.to_owned(),
        });
    }
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let value = match ty {
        // Kept as typed: leading spaces and blank lines are part of a note.
        T::LongText => FieldValue::Text(raw.to_owned()),
        // Dates typed on a Persian keyboard come with Persian digits.
        T::Date | T::Birthday => FieldValue::Text(fold_digits(raw)),
        T::Text | T::Email | T::Phone | T::Url | T::Color | T::Choice(_) => {
            FieldValue::Text(raw.to_owned())
        }
        T::Int { .. } => FieldValue::Int(parse_int(field, raw)?),
        T::Bool => FieldValue::Bool(parse_bool(field, raw)?),
        T::Money => FieldValue::Money(parse_money(field, raw, currency)?),
        T::Timestamp => FieldValue::Timestamp(parse_timestamp(field, raw)?),
        T::Ref(_) => FieldValue::Ref(parse_id(field, raw)?),
        T::RefSet(_) => {
            let mut ids = BTreeMap::new();
            for item in split_list(raw) {
                ids.insert(parse_id(field, item)?.to_string(), String::new());
            }
            FieldValue::Set(ids)
        }
        // Stages were refused above.
        T::Tags | T::Emails | T::Phones | T::Stages => FieldValue::set(split_list(raw)),
    };
    validate_as(field, ty, value)
}

/// The text an inline editor starts with; `parse_input` reads it back to the same value.
pub fn edit_text(value: &FieldValue) -> String {
    match value {
        FieldValue::Text(s) => s.clone(),
        FieldValue::Int(n) => n.to_string(),
        FieldValue::Bool(b) => b.to_string(),
        FieldValue::Money(m) => plain_amount(m),
        FieldValue::Timestamp(t) => format_timestamp(*t),
        FieldValue::Ref(id) => id.to_string(),
        FieldValue::Set(items) => items
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// An amount as a plain decimal without its currency: `1234.50` for EUR 1234.50, `1500` for
/// JPY 1500.
pub fn plain_amount(m: &Money) -> String {
    let exp = u32::from(m.currency.exponent());
    let sign = if m.minor < 0 { "-" } else { "" };
    let abs = m.minor.unsigned_abs();
    if exp == 0 {
        return format!("{sign}{abs}");
    }
    let unit = 10u64.pow(exp);
    format!(
        "{sign}{}.{:0width$}",
        abs / unit,
        abs % unit,
        width = exp as usize
    )
}

/// `YYYY-MM-DDTHH:MM` in UTC (the form of `<input type="datetime-local">`).
pub fn format_timestamp(t: Timestamp) -> String {
    let days = t.0.div_euclid(DAY_MS);
    let ms = t.0.rem_euclid(DAY_MS);
    format!(
        "{}T{:02}:{:02}",
        format_date(civil_from_days(days)),
        ms / 3_600_000,
        ms / 60_000 % 60
    )
}

/// List items separated by commas (Latin or Arabic) or new lines, trimmed, blanks dropped.
fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', '،', '\n', '\r'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn parse_id(field: &str, raw: &str) -> Result<Id, FieldError> {
    raw.trim().parse().map_err(|_| FieldError::RecordId {
        field: field.to_owned(),
        value: raw.trim().to_owned(),
    })
}

fn parse_bool(field: &str, raw: &str) -> Result<bool, FieldError> {
    match fold_digits(raw.trim()).to_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(FieldError::NotABool {
            field: field.to_owned(),
            value: raw.trim().to_owned(),
        }),
    }
}

/// Splits off a sign: `-`, the typographic minus `−` or `+`.
fn sign(s: &str) -> (bool, &str) {
    match s.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, s.strip_prefix('+').unwrap_or(s).trim_start()),
    }
}

/// Magnitudes are read into an `i128` and checked against `i64`, so overflow is an error and
/// never a wrapped number. 30 digits cannot overflow an `i128`.
fn digits_value(digits: &str) -> Option<i128> {
    if digits.len() > 30 {
        return None;
    }
    digits
        .bytes()
        .try_fold(0i128, |acc, d| Some(acc * 10 + i128::from(d - b'0')))
}

fn parse_int(field: &str, raw: &str) -> Result<i64, FieldError> {
    let bad = || FieldError::NotANumber {
        field: field.to_owned(),
        value: raw.trim().to_owned(),
    };
    // Digit groups may be separated by any space, including the no-break spaces that
    // copy-pasted, locale-formatted numbers carry.
    let compact: String = fold_digits(raw)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (negative, digits) = sign(&compact);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let magnitude = digits_value(digits).ok_or_else(|| FieldError::TooLarge {
        field: field.to_owned(),
    })?;
    let n = if negative { -magnitude } else { magnitude };
    i64::try_from(n).map_err(|_| FieldError::TooLarge {
        field: field.to_owned(),
    })
}

/// Splits a currency code off either end: `EUR 12.50`, `12.50 usd`, `EUR12`.
fn split_currency(s: &str) -> (Option<&str>, &str) {
    let is_code = |t: &str| t.len() == 3 && t.bytes().all(|b| b.is_ascii_alphabetic());
    if s.is_char_boundary(3) && is_code(&s[..3]) && !s[3..].starts_with(char::is_alphabetic) {
        return (Some(&s[..3]), &s[3..]);
    }
    let cut = s.len().wrapping_sub(3);
    if s.len() >= 3
        && s.is_char_boundary(cut)
        && is_code(&s[cut..])
        && !s[..cut].ends_with(char::is_alphabetic)
    {
        return (Some(&s[cut..]), &s[..cut]);
    }
    (None, s)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok {
    Digit(u8),
    /// `.` or `,`: a decimal point or a digit-group separator, decided by context.
    Mark(char),
    /// The Arabic decimal separator `٫`, which is never a group separator.
    Decimal,
}

/// Reads an amount. Spaces, `'` and the Arabic `٬` always separate digit groups. With both `.`
/// and `,` present the last one is the decimal point. A single `.` or `,` is the decimal point
/// unless exactly three digits follow a short non-zero integer part (`1,234`, `12.500`) in a
/// currency with fewer than three decimals: that reading would have too many decimals, so the
/// only valid reading is a group separator.
fn parse_money(field: &str, raw: &str, default: Currency) -> Result<Money, FieldError> {
    let typed = raw.trim();
    let bad = || FieldError::Amount {
        field: field.to_owned(),
        value: typed.to_owned(),
    };
    let folded = fold_digits(typed);
    let (code, number) = split_currency(folded.trim());
    let currency = match code {
        Some(c) => c.parse::<Currency>().map_err(|_| FieldError::Currency {
            field: field.to_owned(),
            value: c.to_owned(),
        })?,
        None => default,
    };
    let (negative, number) = sign(number.trim());
    let mut toks = Vec::new();
    for c in number.chars() {
        match c {
            '0'..='9' => toks.push(Tok::Digit(c as u8 - b'0')),
            '.' | ',' => toks.push(Tok::Mark(c)),
            '\u{066B}' => toks.push(Tok::Decimal),
            '\'' | '\u{066C}' => {}
            c if c.is_whitespace() => {}
            _ => return Err(bad()),
        }
    }
    let exp = currency.exponent();
    let count = |t: Tok| toks.iter().filter(|&&x| x == t).count();
    let (dots, commas, decimals) = (
        count(Tok::Mark('.')),
        count(Tok::Mark(',')),
        count(Tok::Decimal),
    );
    let last_mark = toks.iter().rposition(|t| !matches!(t, Tok::Digit(_)));
    // The index of the decimal point among `toks`, if there is one.
    let point = match (decimals, dots, commas) {
        (0, 0, 0) => None,
        (1, _, _) => toks.iter().position(|t| *t == Tok::Decimal),
        (0, _, _) if dots > 0 && commas > 0 => {
            let p = last_mark.ok_or_else(bad)?;
            if count(toks[p]) > 1 {
                return Err(bad());
            }
            Some(p)
        }
        (0, 1, 0) | (0, 0, 1) => {
            let p = last_mark.ok_or_else(bad)?;
            let before = &toks[..p];
            let after = toks.len() - p - 1;
            let grouping = after == 3
                && exp < 3
                && (1..=3).contains(&before.len())
                && before.first() != Some(&Tok::Digit(0));
            (!grouping).then_some(p)
        }
        // The same mark several times separates groups: `1.234.567`.
        (0, _, _) => None,
        _ => return Err(bad()),
    };
    // Group separators sit between digits; a decimal point needs a digit on one side.
    for (i, t) in toks.iter().enumerate() {
        if matches!(t, Tok::Digit(_)) {
            continue;
        }
        let digit_at = |j: Option<usize>| {
            j.and_then(|j| toks.get(j))
                .is_some_and(|t| matches!(t, Tok::Digit(_)))
        };
        let (prev, next) = (digit_at(i.checked_sub(1)), digit_at(Some(i + 1)));
        let ok = match point {
            Some(p) if i == p => prev || next,
            // Digits after the decimal point are not grouped.
            Some(p) if i > p => false,
            _ => prev && next,
        };
        if !ok {
            return Err(bad());
        }
    }
    let digits_of = |ts: &[Tok]| -> String {
        ts.iter()
            .filter_map(|t| match t {
                Tok::Digit(d) => Some(char::from(b'0' + d)),
                _ => None,
            })
            .collect()
    };
    let (whole, frac) = match point {
        Some(p) => (digits_of(&toks[..p]), digits_of(&toks[p + 1..])),
        None => (digits_of(&toks), String::new()),
    };
    if whole.is_empty() && frac.is_empty() {
        return Err(bad());
    }
    if frac.len() > usize::from(exp) {
        return Err(FieldError::TooManyDecimals {
            field: field.to_owned(),
            currency: currency.code().to_owned(),
            max: exp,
        });
    }
    let too_large = || FieldError::TooLarge {
        field: field.to_owned(),
    };
    let padded = format!("{whole}{frac:0<width$}", width = usize::from(exp));
    let minor = digits_value(padded.trim_start_matches('0')).ok_or_else(too_large)?;
    let minor = i64::try_from(if negative { -minor } else { minor }).map_err(|_| too_large())?;
    Ok(Money::new(minor, currency))
}

/// Milliseconds, or `YYYY-MM-DD[THH:MM[:SS]][Z]` read as UTC (a space may stand for the `T`).
fn parse_timestamp(field: &str, raw: &str) -> Result<Timestamp, FieldError> {
    let bad = || FieldError::Time {
        field: field.to_owned(),
        value: raw.trim().to_owned(),
    };
    let s = fold_digits(raw.trim());
    if let Ok(ms) = s.parse::<i64>() {
        return Ok(Timestamp(ms));
    }
    let s = s.strip_suffix(['Z', 'z']).unwrap_or(&s);
    let (date, time) = s.split_once(['T', 't', ' ']).unwrap_or((s, "00:00"));
    let (y, m, d) = parse_date(date).ok_or_else(bad)?;
    let parts: Vec<&str> = time.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad());
    }
    let mut hms = [0i64; 3];
    for (slot, part) in hms.iter_mut().zip(&parts) {
        if part.len() != 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        *slot = part.parse().map_err(|_| bad())?;
    }
    let [h, min, sec] = hms;
    if h > 23 || min > 59 || sec > 59 {
        return Err(bad());
    }
    Ok(Timestamp(
        days_from_civil(y, m, d) * DAY_MS + (h * 3600 + min * 60 + sec) * 1000,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ANY_INT: FieldType = FieldType::Int {
        min: i64::MIN,
        max: i64::MAX,
    };

    fn cur(code: &str) -> Currency {
        code.parse().unwrap()
    }

    fn money(raw: &str, default: &str) -> Result<Option<FieldValue>, FieldError> {
        parse_input("value", FieldType::Money, raw, cur(default))
    }

    fn amount(minor: i64, code: &str) -> Option<FieldValue> {
        Some(FieldValue::Money(Money::new(minor, cur(code))))
    }

    #[test]
    fn blank_input_clears_every_kind_of_field() {
        for ty in [
            FieldType::Text,
            FieldType::LongText,
            FieldType::Money,
            ANY_INT,
            FieldType::Bool,
            FieldType::Tags,
        ] {
            assert_eq!(
                parse_input("f", ty, " \n\t ", cur("EUR")),
                Ok(None),
                "{ty:?}"
            );
        }
    }

    #[test]
    fn amounts_in_the_usual_spellings() {
        assert_eq!(money("1234.56", "EUR"), Ok(amount(123_456, "EUR")));
        assert_eq!(money("1,234.56", "EUR"), Ok(amount(123_456, "EUR")));
        assert_eq!(money("1 234,56", "EUR"), Ok(amount(123_456, "EUR")));
        assert_eq!(money("1.234.567,8", "EUR"), Ok(amount(123_456_780, "EUR")));
        assert_eq!(money("EUR 12.50", "USD"), Ok(amount(1250, "EUR")));
        assert_eq!(money("12.50 usd", "EUR"), Ok(amount(1250, "USD")));
        assert_eq!(money("12", "EUR"), Ok(amount(1200, "EUR")));
        assert_eq!(money("0.5", "EUR"), Ok(amount(50, "EUR")));
        assert_eq!(money(".5", "EUR"), Ok(amount(50, "EUR")));
        // No-break spaces as group separators, Persian digits and decimal separator.
        assert_eq!(money("1\u{a0}000", "EUR"), Ok(amount(100_000, "EUR")));
        assert_eq!(money("۱۲۳٫۵", "IRR"), Ok(amount(12_350, "IRR")));
        assert_eq!(money("۱٬۰۰۰", "IRR"), Ok(amount(100_000, "IRR")));
    }

    #[test]
    fn a_lone_separator_before_three_digits_groups_them_unless_the_currency_has_three_decimals() {
        assert_eq!(money("1,234", "EUR"), Ok(amount(123_400, "EUR")));
        assert_eq!(money("12.500", "EUR"), Ok(amount(1_250_000, "EUR")));
        assert_eq!(money("1.234", "JPY"), Ok(amount(1234, "JPY")));
        assert_eq!(money("1,234", "KWD"), Ok(amount(1234, "KWD")));
        assert_eq!(money("1.5", "KWD"), Ok(amount(1500, "KWD")));
    }

    #[test]
    fn amounts_respect_the_currencys_decimals() {
        assert_eq!(money("1500", "JPY"), Ok(amount(1500, "JPY")));
        let too_many = |code: &str, max: u8| {
            Err(FieldError::TooManyDecimals {
                field: "value".into(),
                currency: code.into(),
                max,
            })
        };
        assert_eq!(money("12.5", "JPY"), too_many("JPY", 0));
        assert_eq!(money("0.125", "EUR"), too_many("EUR", 2));
        assert_eq!(money("1.2345", "KWD"), too_many("KWD", 3));
        assert_eq!(money("1,234.567", "USD"), too_many("USD", 2));
        let msg = money("12.5", "JPY").unwrap_err().to_string();
        assert!(msg.contains("JPY") && msg.contains('0'), "{msg}");
    }

    #[test]
    fn bad_amounts_are_refused_with_a_reason() {
        for raw in [
            "12a",
            "1..5",
            "1.2.3,4,5",
            ",",
            "1 2,3,4.5.6",
            "€12",
            "1٫2.3",
            "1,,5",
        ] {
            assert!(
                matches!(money(raw, "EUR"), Err(FieldError::Amount { .. })),
                "{raw}: {:?}",
                money(raw, "EUR")
            );
        }
        assert_eq!(money("5.", "EUR"), Ok(amount(500, "EUR")));
        assert_eq!(
            money("XYZ 12", "EUR"),
            Err(FieldError::Currency {
                field: "value".into(),
                value: "XYZ".into()
            })
        );
        assert_eq!(
            money("-5", "EUR"),
            Err(FieldError::NegativeAmount {
                field: "value".into()
            })
        );
        assert_eq!(
            money("99999999999999999999", "EUR"),
            Err(FieldError::TooLarge {
                field: "value".into()
            })
        );
        // The largest amount that fits.
        assert_eq!(
            money("92233720368547758.07", "EUR"),
            Ok(amount(i64::MAX, "EUR"))
        );
    }

    #[test]
    fn whole_numbers() {
        let int = |raw: &str| parse_input("n", ANY_INT, raw, cur("EUR"));
        assert_eq!(int(" 42 "), Ok(Some(FieldValue::Int(42))));
        assert_eq!(int("-1 000"), Ok(Some(FieldValue::Int(-1000))));
        assert_eq!(int("۱۲۳"), Ok(Some(FieldValue::Int(123))));
        assert_eq!(int("٤٥"), Ok(Some(FieldValue::Int(45))));
        assert_eq!(int("−7"), Ok(Some(FieldValue::Int(-7))));
        assert!(matches!(int("4.5"), Err(FieldError::NotANumber { .. })));
        assert!(matches!(int("-"), Err(FieldError::NotANumber { .. })));
        assert!(matches!(
            int("9223372036854775808"),
            Err(FieldError::TooLarge { .. })
        ));
        assert_eq!(
            int("-9223372036854775808"),
            Ok(Some(FieldValue::Int(i64::MIN)))
        );
        let pct = FieldType::Int { min: 0, max: 100 };
        assert_eq!(
            parse_input("probability", pct, "101", cur("EUR")),
            Err(FieldError::Range {
                field: "probability".into(),
                value: 101,
                min: 0,
                max: 100
            })
        );
    }

    #[test]
    fn yes_and_no() {
        let b = |raw: &str| parse_input("done", FieldType::Bool, raw, cur("EUR"));
        for yes in ["true", "YES", " Yes ", "1", "۱"] {
            assert_eq!(b(yes), Ok(Some(FieldValue::Bool(true))), "{yes}");
        }
        for no in ["false", "No", "0"] {
            assert_eq!(b(no), Ok(Some(FieldValue::Bool(false))), "{no}");
        }
        assert!(matches!(b("maybe"), Err(FieldError::NotABool { .. })));
    }

    #[test]
    fn times_are_utc() {
        let t = |raw: &str| parse_input("at", FieldType::Timestamp, raw, cur("EUR"));
        let ts = |ms: i64| Ok(Some(FieldValue::Timestamp(Timestamp(ms))));
        assert_eq!(t("1700000000000"), ts(1_700_000_000_000));
        // 2026-11-23 is day 20_780 since 1970-01-01.
        let day = 20_780 * DAY_MS;
        assert_eq!(t("2026-11-23T14:30"), ts(day + 52_200_000));
        assert_eq!(t("2026-11-23T14:30:15Z"), ts(day + 52_215_000));
        assert_eq!(t("2026-11-23 00:00"), ts(day));
        assert_eq!(t("2026-11-23"), ts(day));
        assert_eq!(t("1969-12-31T23:59"), ts(-60_000));
        for bad in [
            "2026-11-23T24:00",
            "2026-02-30T10:00",
            "10:00",
            "2026-11-23T1:00",
        ] {
            assert!(matches!(t(bad), Err(FieldError::Time { .. })), "{bad}");
        }
        assert_eq!(
            format_timestamp(Timestamp(day + 52_215_000)),
            "2026-11-23T14:30"
        );
        assert_eq!(format_timestamp(Timestamp(-60_000)), "1969-12-31T23:59");
    }

    #[test]
    fn text_like_fields_are_validated_as_commands_validate_them() {
        let eur = cur("EUR");
        assert_eq!(
            parse_input("name", FieldType::Text, "  Ann  ", eur),
            Ok(Some(FieldValue::text("Ann")))
        );
        assert_eq!(
            parse_input("notes", FieldType::LongText, "  indented\n", eur),
            Ok(Some(FieldValue::text("  indented\n")))
        );
        assert_eq!(
            parse_input("email", FieldType::Email, "Ann@Example.COM", eur),
            Ok(Some(FieldValue::text("Ann@example.com")))
        );
        assert!(matches!(
            parse_input("email", FieldType::Email, "ann", eur),
            Err(FieldError::Email { .. })
        ));
        assert_eq!(
            parse_input("due", FieldType::Date, "۲۰۲۶-۰۱-۰۵", eur),
            Ok(Some(FieldValue::text("2026-01-05")))
        );
        assert_eq!(
            parse_input("birthday", FieldType::Birthday, "--02-29", eur),
            Ok(Some(FieldValue::text("--02-29")))
        );
        assert_eq!(
            parse_input("color", FieldType::Color, "#AABBCC", eur),
            Ok(Some(FieldValue::text("#aabbcc")))
        );
        assert!(matches!(
            parse_input("kind", FieldType::Choice(&["a", "b"]), "c", eur),
            Err(FieldError::Choice { .. })
        ));
        assert_eq!(
            parse_input("website", FieldType::Url, "example.com", eur),
            Ok(Some(FieldValue::text("https://example.com")))
        );
    }

    #[test]
    fn links_sets_emails_and_phones() {
        use crate::schema::Kind;
        let eur = cur("EUR");
        let a = Id::from_bytes([1; 16]);
        let b = Id::from_bytes([2; 16]);
        assert_eq!(
            parse_input(
                "company",
                FieldType::Ref(Kind::Company),
                &format!(" {a} "),
                eur
            ),
            Ok(Some(FieldValue::Ref(a)))
        );
        assert_eq!(
            parse_input("company", FieldType::Ref(Kind::Company), "acme", eur),
            Err(FieldError::RecordId {
                field: "company".into(),
                value: "acme".into()
            })
        );
        assert_eq!(
            parse_input(
                "contacts",
                FieldType::RefSet(Kind::Contact),
                &format!("{b},\n{a}, "),
                eur
            ),
            Ok(Some(FieldValue::set([a.to_string(), b.to_string()])))
        );
        assert_eq!(
            parse_input("tags", FieldType::Tags, " vip ,, b2b\nnew، old ", eur),
            Ok(Some(FieldValue::set(["b2b", "new", "old", "vip"])))
        );
        assert_eq!(
            parse_input("tags", FieldType::Tags, " , \n ,", eur),
            Ok(None)
        );
        assert_eq!(
            parse_input("emails", FieldType::Emails, "a@X.com, b@y.org", eur),
            Ok(Some(FieldValue::set(["a@x.com", "b@y.org"])))
        );
        assert!(matches!(
            parse_input("emails", FieldType::Emails, "a@x.com, nope", eur),
            Err(FieldError::Email { .. })
        ));
        assert_eq!(
            parse_input(
                "phones",
                FieldType::Phones,
                "۰۹۱۲ ۳۴۵ ۶۷۸۹\n+49 30 123",
                eur
            ),
            Ok(Some(FieldValue::set(["+49 30 123", "0912 345 6789"])))
        );
        for raw in ["lead", ""] {
            assert_eq!(
                parse_input("stages", FieldType::Stages, raw, eur),
                Err(FieldError::NotEditable {
                    field: "stages".into()
                })
            );
        }
    }

    #[test]
    fn edit_text_is_what_an_editor_starts_with() {
        let m = |minor: i64, code: &str| FieldValue::Money(Money::new(minor, cur(code)));
        assert_eq!(edit_text(&m(123_450, "EUR")), "1234.50");
        assert_eq!(edit_text(&m(5, "USD")), "0.05");
        assert_eq!(edit_text(&m(1500, "JPY")), "1500");
        assert_eq!(edit_text(&m(1, "KWD")), "0.001");
        assert_eq!(edit_text(&FieldValue::Int(-3)), "-3");
        assert_eq!(edit_text(&FieldValue::Bool(true)), "true");
        assert_eq!(edit_text(&FieldValue::set(["b", "a"])), "a, b");
        let id = Id::from_bytes([7; 16]);
        assert_eq!(edit_text(&FieldValue::Ref(id)), id.to_string());
        assert_eq!(
            edit_text(&FieldValue::Timestamp(Timestamp(
                20_780 * DAY_MS + 52_215_000
            ))),
            "2026-11-23T14:30"
        );
    }

    const CODES: &[&str] = &["EUR", "USD", "JPY", "KWD", "IRR", "BHD", "CLP"];

    proptest! {
        #[test]
        fn money_round_trips(minor in 0i64..=i64::MAX, code in 0..CODES.len(), other in 0..CODES.len()) {
            let v = FieldValue::Money(Money::new(minor, cur(CODES[code])));
            // The editor's text has no currency: it is read in the field's own currency.
            let back = parse_input("value", FieldType::Money, &edit_text(&v), cur(CODES[code]));
            prop_assert_eq!(back, Ok(Some(v.clone())));
            // With the code typed, the default does not matter.
            let typed = format!("{} {}", CODES[code], edit_text(&v));
            prop_assert_eq!(
                parse_input("value", FieldType::Money, &typed, cur(CODES[other])),
                Ok(Some(v))
            );
        }

        #[test]
        fn ints_round_trip(n in any::<i64>()) {
            let v = FieldValue::Int(n);
            prop_assert_eq!(parse_input("n", ANY_INT, &edit_text(&v), cur("EUR")), Ok(Some(v)));
        }

        #[test]
        fn text_round_trips(s in "\\PC{1,60}") {
            let s = s.trim();
            prop_assume!(!s.is_empty());
            let v = FieldValue::text(s);
            prop_assert_eq!(
                parse_input("name", FieldType::Text, &edit_text(&v), cur("EUR")),
                Ok(Some(v))
            );
        }

        #[test]
        fn tags_round_trip(tags in proptest::collection::btree_set("[^,،\\n\\r\\p{Cc}]{1,20}", 1..6)) {
            let tags: Vec<String> = tags
                .iter()
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty())
                .collect();
            prop_assume!(!tags.is_empty());
            let v = FieldValue::set(tags);
            prop_assert_eq!(
                parse_input("tags", FieldType::Tags, &edit_text(&v), cur("EUR")),
                Ok(Some(v))
            );
        }

        #[test]
        fn minute_times_round_trip(minutes in -10_000_000i64..100_000_000) {
            let v = FieldValue::Timestamp(Timestamp(minutes * 60_000));
            prop_assert_eq!(
                parse_input("at", FieldType::Timestamp, &edit_text(&v), cur("EUR")),
                Ok(Some(v))
            );
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC{0,30}", code in 0..CODES.len()) {
            for ty in [FieldType::Money, ANY_INT, FieldType::Timestamp, FieldType::Bool, FieldType::Tags] {
                let _ = parse_input("f", ty, &raw, cur(CODES[code]));
            }
        }
    }
}
