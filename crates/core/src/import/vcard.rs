//! vCards in (2.1, 3.0 and 4.0) and out (4.0).
//!
//! **Reading.** A file may hold many cards; each becomes one row of a [`Table`] whose columns
//! are [`VCARD_COLUMNS`] (contact field names, so the mapping guesses itself) and whose line
//! is that of the card's `BEGIN:VCARD`. Folded lines are unfolded (a line starting with a
//! space or tab continues the previous one; in 3.0/4.0 that one whitespace character is
//! dropped, in 2.1 it is kept), and 2.1 quoted-printable values are decoded, soft line breaks
//! (`=` at the end of a line) included, in their `CHARSET` (UTF-8 when none is given, or
//! detected when the bytes are not UTF-8). Values are unescaped (`\n`, `\,`, `\;`, `\\`).
//! Properties read:
//!
//! | property | column |
//! |---|---|
//! | `FN`, else `N` as given, additional and family names | name |
//! | every `EMAIL`, its first `TYPE` other than `pref`/`internet`/`x400` as the label | emails |
//! | every `TEL` (`tel:` URIs too), its first `TYPE` other than `pref`/`voice`/`msg`/`text` as the label, `cell` read as `mobile` | phones |
//! | `ORG` (first component) | company |
//! | `TITLE` | job_title |
//! | `BDAY`: `YYYYMMDD`, `YYYY-MM-DD`, `--MMDD` and `--MM-DD` without a year (Apple's year 1604 with `X-APPLE-OMIT-YEAR` too); a time after the date is dropped | birthday |
//! | `ADR` (the one marked `pref`, else the first): extended address and street, locality, region, postal code, country | street, city, region, postcode, country |
//! | `NOTE` (several joined by a blank line) | notes |
//! | `CATEGORIES` | tags |
//!
//! `PHOTO`, `LOGO`, `SOUND` and `KEY` are skipped (the CRM keeps no pictures), as are cards
//! nested in `AGENT` and every other property. Reading never fails: a card without
//! `END:VCARD` is read to the end of the file and reported.
//!
//! **Writing** contacts as vCard 4.0: `FN`, `ORG`, `TITLE`, `EMAIL`/`TEL` with `TYPE` from
//! their labels (`mobile` written as `cell`), `BDAY` (`--MMDD` without a year), `ADR`, `NOTE`,
//! `CATEGORIES` from tags; lines end in CRLF and are folded at 75 bytes.

use std::collections::BTreeMap;

use crate::id::Id;
use crate::record::Record;
use crate::schema::Kind;
use crate::value::FieldValue;
use crate::workspace::Workspace;

use super::cells::{clean_label, normalize_date};
use super::decode::{Encoding, decode, decode_as, detect_encoding};
use super::{ReadProblem, Row, Table};

/// The columns of the rows [`read_vcards`] gives: contact field names.
pub const VCARD_COLUMNS: [&str; 13] = [
    "name",
    "emails",
    "phones",
    "job_title",
    "company",
    "birthday",
    "street",
    "city",
    "region",
    "postcode",
    "country",
    "notes",
    "tags",
];

/// Reads every card of a vCard file (see the module docs).
pub fn read_vcards(bytes: &[u8], encoding: Option<Encoding>) -> Table {
    let decoded = decode(bytes, encoding);
    let mut reader = VcardReader::new(&decoded.text);
    let rows = reader.by_ref().collect();
    Table {
        headers: vcard_headers(),
        rows,
        encoding: decoded.encoding,
        delimiter: None,
        problems: decoded
            .problem()
            .into_iter()
            .chain(reader.problems().iter().cloned())
            .collect(),
    }
}

/// The header row of the tables vCard files are read into ([`VCARD_COLUMNS`]).
pub fn vcard_headers() -> Vec<String> {
    VCARD_COLUMNS.iter().map(|s| (*s).to_owned()).collect()
}

/// The cards of decoded vCard text one row at a time, so a page can read a large file in
/// slices between frames (as [`super::CsvReader`] does for CSV); [`read_vcards`] reads them all.
pub struct VcardReader<'a> {
    lines: Lines<'a>,
    problems: Vec<ReadProblem>,
}

impl<'a> VcardReader<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            lines: Lines { text, pos: 0, n: 1 },
            problems: Vec::new(),
        }
    }

    /// What was wrong with the file so far (an unterminated last card).
    pub fn problems(&self) -> &[ReadProblem] {
        &self.problems
    }

    /// How far into the text reading has come, in bytes.
    pub fn position(&self) -> usize {
        self.lines.pos
    }
}

impl Iterator for VcardReader<'_> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        let mut card: Option<(usize, Vec<&str>)> = None;
        let mut depth = 0usize;
        for (n, line) in self.lines.by_ref() {
            let upper = line.trim().to_ascii_uppercase();
            if upper == "BEGIN:VCARD" {
                depth += 1;
                if depth == 1 {
                    card = Some((n, Vec::new()));
                    continue;
                }
            }
            if let Some((_, body)) = card.as_mut() {
                if upper == "END:VCARD" {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        let (start, body) = card.take()?;
                        return Some(Row {
                            line: start,
                            cells: read_card(&body),
                        });
                    }
                }
                body.push(line);
            }
        }
        let (start, body) = card?;
        self.problems
            .push(ReadProblem::UnterminatedCard { line: start });
        Some(Row {
            line: start,
            cells: read_card(&body),
        })
    }
}

/// Lines with their 1-based numbers; CRLF, LF and lone CR end a line.
struct Lines<'a> {
    text: &'a str,
    pos: usize,
    n: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        if start >= bytes.len() {
            return None;
        }
        let n = self.n;
        self.n += 1;
        let mut i = start;
        while let Some(b) = bytes.get(i) {
            match b {
                b'\n' => {
                    self.pos = i + 1;
                    return Some((n, self.text.get(start..i).unwrap_or_default()));
                }
                b'\r' => {
                    self.pos = if bytes.get(i + 1) == Some(&b'\n') {
                        i + 2
                    } else {
                        i + 1
                    };
                    return Some((n, self.text.get(start..i).unwrap_or_default()));
                }
                _ => i += 1,
            }
        }
        self.pos = bytes.len();
        Some((n, self.text.get(start..).unwrap_or_default()))
    }
}

/// A property line split into its name (upper case, group dropped), parameters (upper-case
/// keys, values without quotes) and value.
struct Property<'a> {
    name: String,
    params: Vec<(String, Vec<String>)>,
    value: &'a str,
}

impl Property<'_> {
    fn param(&self, key: &str) -> impl Iterator<Item = &str> {
        self.params
            .iter()
            .filter(move |(k, _)| k == key)
            .flat_map(|(_, vs)| vs.iter().map(String::as_str))
    }

    fn has(&self, key: &str, value: &str) -> bool {
        self.param(key).any(|v| v.eq_ignore_ascii_case(value))
    }
}

fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut quoted = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            out.push(s.get(start..i).unwrap_or_default());
            start = i + c.len_utf8();
        }
    }
    out.push(s.get(start..).unwrap_or_default());
    out
}

fn parse_property(line: &str) -> Option<Property<'_>> {
    let mut quoted = false;
    let colon = line.char_indices().find_map(|(i, c)| {
        if c == '"' {
            quoted = !quoted;
        }
        (c == ':' && !quoted).then_some(i)
    })?;
    let head = line.get(..colon)?;
    let value = line.get(colon + 1..)?;
    let mut parts = split_outside_quotes(head, ';').into_iter();
    let name = parts.next()?.trim();
    let name = name
        .rsplit_once('.')
        .map_or(name, |(_, n)| n)
        .to_ascii_uppercase();
    let params = parts
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let (key, values) = match p.split_once('=') {
                Some((k, v)) => (k.trim().to_ascii_uppercase(), v),
                None => {
                    let bare = p.trim().to_ascii_uppercase();
                    let key = match bare.as_str() {
                        "QUOTED-PRINTABLE" | "BASE64" | "B" | "8BIT" | "7BIT" => "ENCODING",
                        _ => "TYPE",
                    };
                    (key.to_owned(), p)
                }
            };
            let values = values.trim();
            let values = values
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(values);
            let values = values
                .split(',')
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
                .collect();
            (key, values)
        })
        .collect();
    Some(Property {
        name,
        params,
        value,
    })
}

fn is_quoted_printable(line: &str) -> bool {
    line.split_once(':')
        .is_some_and(|(head, _)| head.to_ascii_uppercase().contains("QUOTED-PRINTABLE"))
}

/// Logical lines of a card: folded lines joined, quoted-printable soft breaks joined.
fn unfold(body: &[&str]) -> Vec<String> {
    let v21 = body.iter().any(|l| {
        l.trim()
            .to_ascii_uppercase()
            .strip_prefix("VERSION:")
            .is_some_and(|v| v.trim() == "2.1")
    });
    let mut out: Vec<String> = Vec::new();
    let mut soft_break = false;
    for line in body {
        if soft_break && let Some(last) = out.last_mut() {
            last.pop();
            last.push_str(line);
            soft_break = last.ends_with('=') && is_quoted_printable(last);
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                if v21 {
                    last.push_str(line);
                } else {
                    last.push_str(line.get(1..).unwrap_or_default());
                }
            }
        } else if !line.trim().is_empty() {
            out.push((*line).to_owned());
        }
        soft_break = out
            .last()
            .is_some_and(|l| l.ends_with('=') && is_quoted_printable(l));
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

fn quoted_printable(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'='
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex),
                b.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Undoes vCard text escapes.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Splits a structured value at separators that are not escaped.
fn split_unescaped(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            current.push(c);
            if let Some(n) = chars.next() {
                current.push(n);
            }
        } else if c == sep {
            out.push(unescape(&current));
            current.clear();
        } else {
            current.push(c);
        }
    }
    out.push(unescape(&current));
    out
}

/// A property's value as text: quoted-printable decoded in its charset.
fn value_text(p: &Property<'_>) -> String {
    if !p.has("ENCODING", "QUOTED-PRINTABLE") {
        return p.value.to_owned();
    }
    let bytes = quoted_printable(p.value);
    let encoding = p
        .param("CHARSET")
        .find_map(Encoding::from_label)
        .unwrap_or_else(|| detect_encoding(&bytes));
    decode_as(&bytes, encoding).0
}

fn first_type(p: &Property<'_>, ignore: &[&str]) -> String {
    p.param("TYPE")
        .map(clean_label)
        .find(|t| !t.is_empty() && !ignore.contains(&t.as_str()))
        .unwrap_or_default()
}

fn labelled(label: &str, value: &str) -> String {
    if label.is_empty() {
        value.to_owned()
    } else {
        format!("{label}: {value}")
    }
}

/// One card's cells, in [`VCARD_COLUMNS`] order.
fn read_card(body: &[&str]) -> Vec<String> {
    let mut fn_name = None;
    let mut n_name = None;
    let mut emails = Vec::new();
    let mut phones = Vec::new();
    let mut org = String::new();
    let mut title = String::new();
    let mut birthday = String::new();
    let mut adr: Option<(bool, Vec<String>)> = None;
    let mut notes = Vec::new();
    let mut tags = Vec::new();
    let mut depth = 0usize;
    for line in unfold(body) {
        let upper = line.trim().to_ascii_uppercase();
        if upper == "BEGIN:VCARD" {
            depth += 1;
            continue;
        }
        if upper == "END:VCARD" {
            depth = depth.saturating_sub(1);
            continue;
        }
        if depth > 0 {
            continue;
        }
        let Some(p) = parse_property(&line) else {
            continue;
        };
        if p.has("ENCODING", "B") || p.has("ENCODING", "BASE64") {
            continue;
        }
        let text = value_text(&p);
        match p.name.as_str() {
            "FN" => fn_name = Some(unescape(&text).trim().to_owned()),
            "N" => {
                let parts = split_unescaped(&text, ';');
                let get = |i: usize| parts.get(i).map_or("", |s| s.trim());
                let joined = [get(1), get(2), get(0)]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                n_name = Some(joined);
            }
            "EMAIL" => {
                let v = unescape(&text);
                let v = v.trim();
                let v = v
                    .strip_prefix("mailto:")
                    .or_else(|| v.strip_prefix("MAILTO:"))
                    .unwrap_or(v);
                if !v.is_empty() {
                    let label = first_type(&p, &["pref", "internet", "x400"]);
                    emails.push(labelled(&label, v));
                }
            }
            "TEL" => {
                let v = unescape(&text);
                let v = v.trim();
                let v = match v.get(..4) {
                    Some(scheme) if scheme.eq_ignore_ascii_case("tel:") => {
                        let rest = v.get(4..).unwrap_or_default();
                        rest.split(';').next().unwrap_or(rest)
                    }
                    _ => v,
                };
                if !v.is_empty() {
                    let label = first_type(&p, &["pref", "voice", "msg", "text"]);
                    phones.push(labelled(&label, v));
                }
            }
            "ORG" => {
                org = split_unescaped(&text, ';')
                    .into_iter()
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned();
            }
            "TITLE" => title = unescape(&text).trim().to_owned(),
            "BDAY" => {
                let raw = unescape(&text);
                let omit = p.param("X-APPLE-OMIT-YEAR").next().map(str::to_owned);
                birthday = match normalize_date(&raw) {
                    Some(d) => match (omit, d.get(..4), d.get(4..)) {
                        (Some(y), Some(year), Some(rest)) if y == year => format!("-{rest}"),
                        _ => d,
                    },
                    None => String::new(),
                };
            }
            "ADR" => {
                let pref = p.has("TYPE", "pref") || p.param("PREF").next().is_some();
                let take = match &adr {
                    None => true,
                    Some((had_pref, _)) => pref && !had_pref,
                };
                if take {
                    adr = Some((pref, split_unescaped(&text, ';')));
                }
            }
            "NOTE" => {
                let v = unescape(&text);
                if !v.trim().is_empty() {
                    notes.push(v);
                }
            }
            "CATEGORIES" => {
                tags.extend(
                    split_unescaped(&text, ',')
                        .into_iter()
                        .map(|t| t.trim().to_owned())
                        .filter(|t| !t.is_empty()),
                );
            }
            _ => {}
        }
    }
    let name = fn_name
        .filter(|n| !n.is_empty())
        .or(n_name)
        .unwrap_or_default();
    let adr = adr.map(|(_, parts)| parts).unwrap_or_default();
    let part = |i: usize| adr.get(i).map_or(String::new(), |s| s.trim().to_owned());
    let street = [part(1), part(2)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    vec![
        name,
        emails.join(", "),
        phones.join(", "),
        title,
        org,
        birthday,
        street,
        part(3),
        part(4),
        part(5),
        part(6),
        notes.join("\n\n"),
        tags.join(", "),
    ]
}

// ----- writing -----

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 bytes (continuation lines start with a space).
fn push_line(out: &mut String, line: &str) {
    let mut rest = line;
    let mut limit = 75;
    loop {
        if rest.len() <= limit {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = limit;
        while cut > 0 && !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        if cut == 0 {
            cut = rest.chars().next().map_or(rest.len(), char::len_utf8);
        }
        out.push_str(rest.get(..cut).unwrap_or_default());
        out.push_str("\r\n ");
        rest = rest.get(cut..).unwrap_or_default();
        limit = 74;
    }
}

fn type_param(label: &str) -> String {
    let label = match label {
        "mobile" => "cell",
        other => other,
    };
    if label.is_empty() {
        String::new()
    } else if label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        format!(";TYPE={label}")
    } else {
        format!(";TYPE=\"{}\"", label.replace(['"', '\r', '\n'], ""))
    }
}

fn write_card(out: &mut String, ws: &Workspace, rec: &Record) {
    let text = |name: &str| rec.text(name).unwrap_or_default();
    push_line(out, "BEGIN:VCARD");
    push_line(out, "VERSION:4.0");
    push_line(out, &format!("FN:{}", escape(rec.title())));
    if let Some(company) = rec
        .get("company")
        .and_then(FieldValue::as_ref_id)
        .and_then(|c| ws.get(Kind::Company, c))
    {
        push_line(out, &format!("ORG:{}", escape(company.title())));
    }
    if !text("job_title").is_empty() {
        push_line(out, &format!("TITLE:{}", escape(text("job_title"))));
    }
    let set = |name: &str| {
        rec.get(name)
            .and_then(FieldValue::as_set)
            .cloned()
            .unwrap_or_else(BTreeMap::new)
    };
    for (email, label) in set("emails") {
        push_line(
            out,
            &format!("EMAIL{}:{}", type_param(label.as_str()), escape(&email)),
        );
    }
    for (phone, label) in set("phones") {
        push_line(
            out,
            &format!("TEL{}:{}", type_param(label.as_str()), escape(&phone)),
        );
    }
    if let Some(b) = rec.text("birthday") {
        let compact = match b.strip_prefix("--") {
            Some(md) => format!("--{}", md.replace('-', "")),
            None => b.replace('-', ""),
        };
        push_line(out, &format!("BDAY:{compact}"));
    }
    let address = ["street", "city", "region", "postcode", "country"].map(|f| escape(text(f)));
    if address.iter().any(|a| !a.is_empty()) {
        let [street, city, region, postcode, country] = address;
        push_line(
            out,
            &format!("ADR:;;{street};{city};{region};{postcode};{country}"),
        );
    }
    if !text("notes").is_empty() {
        push_line(out, &format!("NOTE:{}", escape(text("notes"))));
    }
    let tags = set("tags");
    if !tags.is_empty() {
        let list: Vec<String> = tags.keys().map(|t| escape(t)).collect();
        push_line(out, &format!("CATEGORIES:{}", list.join(",")));
    }
    push_line(out, "END:VCARD");
}

/// The contacts with these ids as one vCard 4.0 file (ids that are not contacts are left
/// out).
pub fn write_vcards(ws: &Workspace, ids: impl IntoIterator<Item = Id>) -> String {
    let mut out = String::new();
    for id in ids {
        if let Some(rec) = ws.get(Kind::Contact, id) {
            write_card(&mut out, ws, rec);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cells(t: &Table, row: usize) -> BTreeMap<String, String> {
        t.headers
            .iter()
            .cloned()
            .zip(t.rows[row].cells.iter().cloned())
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn vcard_21_quoted_printable_folded_and_photo() {
        // Windows-1251 bytes, quoted-printable: "Иван Петров".
        let file = "BEGIN:VCARD\r\n\
VERSION:2.1\r\n\
N;CHARSET=WINDOWS-1251;ENCODING=QUOTED-PRINTABLE:=CF=E5=F2=F0=EE=E2;=C8=E2=E0=ED;;;\r\n\
FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=D0=98=D0=B2=D0=B0=D0=BD =D0=9F=D0=B5=D1=82=\r\n\
=D1=80=D0=BE=D0=B2\r\n\
TEL;WORK;VOICE:+7 495 123-45-67\r\n\
TEL;CELL:+7 916 000-00-00\r\n\
EMAIL;PREF;INTERNET:ivan@example.ru\r\n\
ORG:ООО Ромашка;Продажи\r\n\
TITLE:Директор\r\n\
BDAY:1980-03-01\r\n\
PHOTO;ENCODING=BASE64;TYPE=JPEG:\r\n\
 /9j/4AAQSkZJRgABAQEASABIAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8Q\r\n\
 EBEQCgwSExIQEw8QEBD/\r\n\
\r\n\
NOTE;ENCODING=QUOTED-PRINTABLE:First line=0D=0ASecond line\r\n\
END:VCARD\r\n";
        let t = read_vcards(file.as_bytes(), None);
        assert!(t.problems.is_empty());
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].line, 1);
        assert_eq!(
            cells(&t, 0),
            map(&[
                ("name", "Иван Петров"),
                ("emails", "ivan@example.ru"),
                ("phones", "work: +7 495 123-45-67, mobile: +7 916 000-00-00"),
                ("job_title", "Директор"),
                ("company", "ООО Ромашка"),
                ("birthday", "1980-03-01"),
                ("notes", "First line\r\nSecond line"),
            ])
        );
    }

    #[test]
    fn several_cards_of_30_and_40_with_types_and_addresses() {
        let file = "BEGIN:VCARD\nVERSION:3.0\nN:Lee;Ann;;;\nFN:Ann Lee\n\
EMAIL;TYPE=INTERNET,WORK:ann@acme.com\nEMAIL;TYPE=HOME:ann@home.org\n\
item1.TEL;TYPE=CELL:+1 555 0100\nBDAY:--0517\n\
ADR;TYPE=HOME:;;1 Home St;Springfield;;;USA\n\
ADR;TYPE=WORK,PREF:;Suite 5;100 Main St\\, East;Berlin;BE;10115;Germany\n\
NOTE:Met at the fair\\, likes tea\\nCall in May\nCATEGORIES:vip,b2b\n\
X-SOCIALPROFILE:whatever\nEND:VCARD\n\
BEGIN:VCARD\r\nVERSION:4.0\r\nFN:علی رضایی\r\nTEL;VALUE=uri;TYPE=\"voice,work\":tel:+98-21-1234-5678\r\n\
BDAY:--05-17\r\nNOTE:a long note that is folded \r\n over two lines\r\nEND:VCARD\r\n\
BEGIN:VCARD\nVERSION:3.0\nN:Solo;Han\nEND:VCARD\n";
        let t = read_vcards(file.as_bytes(), None);
        assert_eq!(t.rows.len(), 3);
        assert_eq!(
            t.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            [1, 15, 23]
        );
        assert_eq!(
            cells(&t, 0),
            map(&[
                ("name", "Ann Lee"),
                ("emails", "work: ann@acme.com, home: ann@home.org"),
                ("phones", "mobile: +1 555 0100"),
                ("birthday", "--05-17"),
                ("street", "Suite 5, 100 Main St, East"),
                ("city", "Berlin"),
                ("region", "BE"),
                ("postcode", "10115"),
                ("country", "Germany"),
                ("notes", "Met at the fair, likes tea\nCall in May"),
                ("tags", "vip, b2b"),
            ])
        );
        assert_eq!(
            cells(&t, 1),
            map(&[
                ("name", "علی رضایی"),
                ("phones", "work: +98-21-1234-5678"),
                ("birthday", "--05-17"),
                ("notes", "a long note that is folded over two lines"),
            ])
        );
        assert_eq!(cells(&t, 2), map(&[("name", "Han Solo")]));
    }

    #[test]
    fn apple_birthdays_nested_agents_and_unterminated_cards() {
        let file = "BEGIN:VCARD\nVERSION:3.0\nFN:Bo\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-12-24\n\
AGENT:BEGIN:VCARD\nBEGIN:VCARD\nFN:Agent Smith\nEND:VCARD\nTITLE:Boss\nEND:VCARD\n\
BEGIN:VCARD\nFN:Cut off\n";
        let t = read_vcards(file.as_bytes(), None);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            cells(&t, 0),
            map(&[
                ("name", "Bo"),
                ("birthday", "--12-24"),
                ("job_title", "Boss")
            ])
        );
        assert_eq!(cells(&t, 1), map(&[("name", "Cut off")]));
        assert_eq!(t.problems, vec![ReadProblem::UnterminatedCard { line: 11 }]);
    }

    #[test]
    fn the_reader_gives_card_by_card_what_reading_at_once_gives() {
        // CRLF, a lone CR, LF, text outside cards and an unterminated last card.
        let file = "junk\r\nBEGIN:VCARD\r\nFN:Ann\r\nEMAIL:a@x.io\r\nEND:VCARD\r\n\
BEGIN:VCARD\rFN:Bo\rEND:VCARD\rBEGIN:VCARD\nFN:Cy\nEND:VCARD\nBEGIN:VCARD\nFN:Cut";
        let whole = read_vcards(file.as_bytes(), None);
        let mut reader = VcardReader::new(file);
        let mut seen = Vec::new();
        let mut last = 0;
        while let Some(row) = reader.next() {
            // The page reports progress from the position: it only moves forward.
            assert!(reader.position() > last);
            last = reader.position();
            seen.push(row);
        }
        assert_eq!(reader.position(), file.len());
        assert_eq!(seen, whole.rows);
        assert_eq!(reader.problems(), whole.problems.as_slice());
        let lines: Vec<usize> = seen.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 6, 9, 12]);
        assert_eq!(
            whole.problems,
            vec![ReadProblem::UnterminatedCard { line: 12 }]
        );
    }

    #[test]
    fn lines_are_folded_at_75_bytes_without_splitting_characters() {
        let mut out = String::new();
        let long = format!("NOTE:{}", "ж".repeat(60));
        push_line(&mut out, &long);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{line}");
        }
        let unfolded = unfold(&out.split("\r\n").collect::<Vec<_>>());
        assert_eq!(unfolded, vec![long]);
    }

    proptest! {
        #[test]
        fn reading_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = read_vcards(&bytes, None);
        }

        #[test]
        fn reading_card_like_text_never_panics(
            lines in proptest::collection::vec(
                prop_oneof![
                    Just("BEGIN:VCARD".to_owned()),
                    Just("END:VCARD".to_owned()),
                    Just("VERSION:2.1".to_owned()),
                    "[A-Z;=\"., :\\\\-]{0,30}",
                    "(FN|N|EMAIL|TEL|ADR|BDAY|NOTE|ORG)(;[A-Z=\",-]{0,12})?(;ENCODING=QUOTED-PRINTABLE)?:[=0-9A-Fa-z;,\\\\ ]{0,20}",
                    " [a-z=]{0,10}",
                ],
                0..30,
            )
        ) {
            let text = lines.join("\r\n");
            let t = read_vcards(text.as_bytes(), None);
            for row in &t.rows {
                prop_assert_eq!(row.cells.len(), VCARD_COLUMNS.len());
            }
        }
    }
}
