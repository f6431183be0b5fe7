//! Reading one cell of an imported file: lists, labelled emails and phones, dates in the
//! spellings other programs export, and the text forms exports write back.

use crate::value::fold_digits;

/// List items in one cell: separated by `,` `;` (Latin or Arabic), line breaks or Google's
/// ` ::: `; trimmed, blanks dropped.
pub(crate) fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(":::")
        .flat_map(|part| part.split([',', ';', '\n', '\r', '،', '؛']))
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A label as other programs write it: Google marks the primary one `* Work`; vCard writes
/// `CELL`. Lower-cased, `cell` read as `mobile`.
pub(crate) fn clean_label(raw: &str) -> String {
    let label = raw.trim().trim_start_matches('*').trim().to_lowercase();
    match label.as_str() {
        "cell" | "cellular" | "mobil" => "mobile".to_owned(),
        _ => label,
    }
}

/// Emails or phone numbers in one cell, each with its label: `work: ann@x.com, b@y.org`
/// (the form exports write), `mailto:` and `tel:` prefixes dropped. Items without a label of
/// their own take `default_label`.
pub(crate) fn labelled_items(raw: &str, default_label: &str) -> Vec<(String, String)> {
    split_list(raw)
        .map(|item| {
            let lower = item.to_ascii_lowercase();
            let item = if lower.starts_with("mailto:") || lower.starts_with("tel:") {
                item.split_once(':').map_or(item, |(_, v)| v)
            } else {
                item
            };
            match item.split_once(':') {
                Some((label, value)) if !label.trim().is_empty() && !label.contains('@') => {
                    (value.trim().to_owned(), clean_label(label))
                }
                _ => (item.trim().to_owned(), default_label.to_owned()),
            }
        })
        .filter(|(v, _)| !v.is_empty())
        .collect()
}

/// Tags in one cell. Google's system groups (`* myContacts`, `* starred`: items starting
/// with `* `) are not tags and are dropped.
pub(crate) fn tag_items(raw: &str) -> Vec<String> {
    split_list(raw)
        .filter(|t| !t.starts_with("* "))
        .map(str::to_owned)
        .collect()
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// A date or birthday cell as `YYYY-MM-DD` (or `--MM-DD` without a year), from the spellings
/// exports use: ISO (a time after it is dropped), `YYYYMMDD`, `--MMDD`, `YYYY/MM/DD`,
/// `DD.MM.YYYY` (day first, as Russian and German write it), `M/D/YYYY` (month first, as
/// Outlook and Google export in English; day first when the first number is over 12), with
/// two-digit years read as 19xx from 50 up and 20xx below. Persian digits are read too.
/// `None` for a cell that means "no date" (Outlook writes `0/0/00`); anything unrecognised is
/// returned as it is, for validation to refuse with the value shown.
pub(crate) fn normalize_date(raw: &str) -> Option<String> {
    normalize_date_in(raw, SlashOrder::PerCell)
}

/// How `a/b/yyyy` dates are read: as each cell shows (day first only when the first number is
/// over 12), or as the whole file shows ([`slash_evidence`] over its date cells), so that in a
/// day-first file `05/06/2024` is 5 June like `13/05/2024` is 13 May.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SlashOrder {
    #[default]
    PerCell,
    DayFirst,
    MonthFirst,
}

/// What one `a/b/yyyy` cell says of its file's order: day first if its first number is over
/// 12, month first if its second is; `None` when it cannot tell (or is not such a date).
pub(crate) fn slash_evidence(raw: &str) -> Option<SlashOrder> {
    if !raw.contains('/') {
        return None;
    }
    let folded = fold_digits(raw.trim());
    let parts: Vec<&str> = date_part(&folded).split('/').collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if a.len() == 4 || year(c).is_none() {
        return None;
    }
    match (digits(a)?, digits(b)?) {
        (a, b) if a > 12 && (1..=12).contains(&b) => Some(SlashOrder::DayFirst),
        (a, b) if b > 12 && (1..=12).contains(&a) => Some(SlashOrder::MonthFirst),
        _ => None,
    }
}

/// A date cell without the time an export may put after it (ISO `T…`, or a space).
fn date_part(s: &str) -> &str {
    match s.find(['T', ' ']) {
        Some(i) if i >= 8 => s.get(..i).unwrap_or(s),
        _ => s,
    }
}

/// A year of four digits, or of two (19xx from 50 up, 20xx below).
fn year(y: &str) -> Option<u32> {
    let n = digits(y)?;
    match y.len() {
        4 => Some(n),
        2 if n >= 50 => Some(1900 + n),
        2 => Some(2000 + n),
        _ => None,
    }
}

/// [`normalize_date`], reading `a/b/yyyy` in `order`.
pub(crate) fn normalize_date_in(raw: &str, order: SlashOrder) -> Option<String> {
    let folded = fold_digits(raw.trim());
    let s = folded.as_str();
    if s.is_empty() {
        return None;
    }
    let date = date_part(s);
    let ymd = |y: u32, m: u32, d: u32| -> Option<String> {
        if y == 0 && m == 0 && d == 0 {
            return None;
        }
        Some(format!("{y:04}-{m:02}-{d:02}"))
    };
    if let Some(md) = date.strip_prefix("--") {
        let md: String = md.chars().filter(|c| *c != '-').collect();
        if md.len() == 4
            && let (Some(m), Some(d)) = (md.get(..2).and_then(digits), md.get(2..).and_then(digits))
        {
            return Some(format!("--{m:02}-{d:02}"));
        }
        return Some(s.to_owned());
    }
    if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) {
        let (y, m, d) = (
            date.get(..4).and_then(digits),
            date.get(4..6).and_then(digits),
            date.get(6..).and_then(digits),
        );
        if let (Some(y), Some(m), Some(d)) = (y, m, d) {
            return ymd(y, m, d);
        }
    }
    for sep in ['-', '/', '.'] {
        let parts: Vec<&str> = date.split(sep).collect();
        let [a, b, c] = parts.as_slice() else {
            continue;
        };
        let (Some(na), Some(nb), Some(nc)) = (digits(a), digits(b), digits(c)) else {
            continue;
        };
        if na == 0 && nb == 0 && nc == 0 {
            return None;
        }
        if a.len() == 4 {
            return ymd(na, nb, nc);
        }
        let Some(y) = year(c) else { continue };
        let (m, d) = match (sep, order) {
            ('/', SlashOrder::DayFirst) => (nb, na),
            ('/', SlashOrder::MonthFirst) => (na, nb),
            ('/', SlashOrder::PerCell) if na > 12 => (nb, na),
            ('/', SlashOrder::PerCell) => (na, nb),
            _ => (nb, na),
        };
        return ymd(y, m, d);
    }
    Some(s.to_owned())
}

/// A company size cell: a choice (`11-50`) as it is, a head count as its bracket.
pub(crate) fn company_size(raw: &str) -> String {
    let folded = fold_digits(raw.trim());
    let compact: String = folded
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ',' && *c != '.')
        .collect();
    match compact.parse::<u64>() {
        Ok(0..=10) => "1-10".to_owned(),
        Ok(11..=50) => "11-50".to_owned(),
        Ok(51..=200) => "51-200".to_owned(),
        Ok(201..=1000) => "201-1000".to_owned(),
        Ok(_) => "1000+".to_owned(),
        Err(_) => raw.trim().to_owned(),
    }
}

/// A person reference in a cell: `Ann Lee <ann@x.com>`, `ann@x.com` or `Ann Lee`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PersonRef {
    pub name: Option<String>,
    pub email: Option<String>,
}

pub(crate) fn person_ref(item: &str) -> PersonRef {
    let item = item.trim();
    if let Some((name, rest)) = item.split_once('<')
        && let Some(email) = rest.strip_suffix('>')
    {
        let name = name.trim().trim_matches('"').trim();
        return PersonRef {
            name: (!name.is_empty()).then(|| name.to_owned()),
            email: Some(email.trim().to_lowercase()),
        };
    }
    if item.contains('@') && !item.contains(char::is_whitespace) {
        return PersonRef {
            name: None,
            email: Some(item.to_lowercase()),
        };
    }
    PersonRef {
        name: Some(item.trim_matches('"').trim().to_owned()),
        email: None,
    }
}

/// People in one cell, separated like other lists except that a separator inside `<...>` or
/// `"..."` does not separate.
pub(crate) fn person_refs(raw: &str) -> Vec<PersonRef> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in raw.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '<' => depth += 1,
            '>' => depth = (depth - 1).max(0),
            ',' | ';' | '\n' | '\r' | '،' | '؛' if depth == 0 && !quoted => {
                if let Some(part) = raw.get(start..i).map(str::trim)
                    && !part.is_empty()
                {
                    out.push(person_ref(part));
                }
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    if let Some(part) = raw.get(start..).map(str::trim)
        && !part.is_empty()
    {
        out.push(person_ref(part));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_labels() {
        assert_eq!(
            split_list(" a, b;c\n d ::: e،f ").collect::<Vec<_>>(),
            ["a", "b", "c", "d", "e", "f"]
        );
        assert_eq!(
            labelled_items("work: ann@x.com, b@y.org ::: * Home: c@z.net", "other"),
            vec![
                ("ann@x.com".into(), "work".into()),
                ("b@y.org".into(), "other".into()),
                ("c@z.net".into(), "home".into()),
            ]
        );
        assert_eq!(
            labelled_items("tel:+49 30 1234; CELL: 0912", ""),
            vec![
                ("+49 30 1234".into(), String::new()),
                ("0912".into(), "mobile".into())
            ]
        );
        assert_eq!(
            tag_items("* myContacts ::: Friends ::: vip"),
            ["Friends", "vip"]
        );
    }

    #[test]
    fn dates_in_exported_spellings() {
        let d = |s: &str| normalize_date(s);
        assert_eq!(d("1990-05-17"), Some("1990-05-17".into()));
        assert_eq!(d("1990-05-17T00:00:00Z"), Some("1990-05-17".into()));
        assert_eq!(d("19900517"), Some("1990-05-17".into()));
        assert_eq!(d("--0517"), Some("--05-17".into()));
        assert_eq!(d("--05-17"), Some("--05-17".into()));
        assert_eq!(d("1990/5/7"), Some("1990-05-07".into()));
        assert_eq!(d("17.05.1990"), Some("1990-05-17".into()));
        assert_eq!(d("5/17/1990"), Some("1990-05-17".into()));
        assert_eq!(d("17/5/1990"), Some("1990-05-17".into()));
        assert_eq!(d("5/17/90"), Some("1990-05-17".into()));
        assert_eq!(d("۱۳۷۰-۰۲-۲۷"), Some("1370-02-27".into()));
        assert_eq!(d("0/0/00"), None);
        assert_eq!(d("  "), None);
        assert_eq!(d("soon"), Some("soon".into()));
    }

    #[test]
    fn a_file_shows_whether_its_slashed_dates_put_the_day_first() {
        use SlashOrder::*;
        assert_eq!(slash_evidence("13/05/2024"), Some(DayFirst));
        assert_eq!(slash_evidence("05/13/2024 10:00"), Some(MonthFirst));
        assert_eq!(slash_evidence("۱۳/۰۵/۲۰۲۴"), Some(DayFirst));
        for unknown in [
            "05/06/2024",
            "2024/13/05",
            "13.05.2024",
            "13/13/2024",
            "13/05",
            "x",
        ] {
            assert_eq!(slash_evidence(unknown), None, "{unknown}");
        }
        assert_eq!(
            normalize_date_in("05/06/2024", DayFirst),
            Some("2024-06-05".into())
        );
        assert_eq!(
            normalize_date_in("05/06/2024", MonthFirst),
            Some("2024-05-06".into())
        );
        assert_eq!(
            normalize_date_in("05/06/2024", PerCell),
            Some("2024-05-06".into())
        );
        // Only slashed dates follow the file's order.
        assert_eq!(
            normalize_date_in("05.06.2024", MonthFirst),
            Some("2024-06-05".into())
        );
        assert_eq!(
            normalize_date_in("2024/05/06", DayFirst),
            Some("2024-05-06".into())
        );
    }

    #[test]
    fn sizes_and_people() {
        assert_eq!(company_size("25"), "11-50");
        assert_eq!(company_size("1,500"), "1000+");
        assert_eq!(company_size("51-200"), "51-200");
        assert_eq!(
            person_refs("Ann Lee <Ann@X.com>, bob@y.org; Карл"),
            vec![
                PersonRef {
                    name: Some("Ann Lee".into()),
                    email: Some("ann@x.com".into())
                },
                PersonRef {
                    name: None,
                    email: Some("bob@y.org".into())
                },
                PersonRef {
                    name: Some("Карл".into()),
                    email: None
                },
            ]
        );
        assert_eq!(
            person_refs("\"Lee, Ann\" <a@x.com>")
                .first()
                .and_then(|p| p.name.clone()),
            Some("Lee, Ann".into())
        );
    }
}
