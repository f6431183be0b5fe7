//! CSV in and out.
//!
//! **Reading** is lenient and never fails: cells may be quoted with `"` (a doubled `""` is a
//! quote inside), quoted cells may hold delimiters and line breaks, lines end in CRLF, LF or a
//! lone CR, and rows may have any number of cells (the plan checks them against the header).
//! Text after a closing quote is kept as it is (`"a"b` reads `ab`); a quote never closed is
//! reported as a [`ReadProblem`]. Empty lines are skipped. Every row carries the line of the
//! file it starts on.
//!
//! **The delimiter** is `,` `;` tab or `|`: chosen, or detected by [`detect_delimiter`].
//!
//! **Writing** follows RFC 4180: CRLF line ends, cells quoted when they hold the delimiter, a
//! quote or a line break, quotes doubled.
//!
//! **Formula guard**: spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@`
//! (and some a tab or CR) as a formula, so an exported name like `=HYPERLINK(...)` could run
//! in the colleague's spreadsheet that opens the file. The writer therefore puts a single
//! quote `'` before any cell starting with one of `= + - @`, tab or CR — and before a cell
//! that already starts with `'` followed by one of those characters or another `'`, so the
//! guard can be undone exactly. The reader removes one leading `'` when one of those
//! characters follows it. Write then read is therefore the identity on every cell, and a
//! guarded cell from another program (`'+49 30 1234`) reads as the value it guards. The cost:
//! a spreadsheet shows phone numbers such as `+49 30 1234` and negative numbers with the `'`.

use super::decode::{Encoding, decode};
use super::{ReadProblem, Row, Table};

/// The cell delimiters CSV files use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
    Pipe,
}

impl Delimiter {
    pub const ALL: [Delimiter; 4] = [
        Delimiter::Comma,
        Delimiter::Semicolon,
        Delimiter::Tab,
        Delimiter::Pipe,
    ];

    pub fn as_char(self) -> char {
        match self {
            Delimiter::Comma => ',',
            Delimiter::Semicolon => ';',
            Delimiter::Tab => '\t',
            Delimiter::Pipe => '|',
        }
    }
}

/// How to read a CSV file; `None` means detect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CsvOptions {
    pub encoding: Option<Encoding>,
    pub delimiter: Option<Delimiter>,
}

/// Reads a whole CSV file: decodes it (see `decode`), detects the delimiter unless chosen, and
/// takes the first record as the header.
pub fn read_csv(bytes: &[u8], options: &CsvOptions) -> Table {
    let decoded = decode(bytes, options.encoding);
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| detect_delimiter(&decoded.text));
    let mut reader = CsvReader::new(&decoded.text, delimiter);
    let headers = reader.next().map(|r| r.cells).unwrap_or_default();
    let rows: Vec<Row> = reader.by_ref().collect();
    Table {
        headers,
        rows,
        encoding: decoded.encoding,
        delimiter: Some(delimiter),
        problems: decoded
            .problem()
            .into_iter()
            .chain(reader.problems)
            .collect(),
    }
}

/// The delimiter of `text`: of `,` `;` tab and `|`, the one that splits the first lines
/// (up to 20 records, quotes respected) into the same number of cells most often, more cells
/// breaking ties, then the order just given. A file whose lines none of them splits is
/// comma-separated (one column).
pub fn detect_delimiter(text: &str) -> Delimiter {
    let mut best = (Delimiter::Comma, 0usize, 0usize);
    for d in Delimiter::ALL {
        let counts: Vec<usize> = CsvReader::new(text, d)
            .take(20)
            .map(|r| r.cells.len())
            .collect();
        let Some(&first) = counts.first() else {
            return Delimiter::Comma;
        };
        if first < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == first).count();
        if (consistent, first) > (best.1, best.2) {
            best = (d, consistent, first);
        }
    }
    best.0
}

/// Reads records one at a time, so a large file can be read in slices between frames.
#[derive(Debug, Clone)]
pub struct CsvReader<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    delimiter: char,
    problems: Vec<ReadProblem>,
}

impl<'a> CsvReader<'a> {
    /// A reader over decoded text (a leading byte order mark is skipped).
    pub fn new(text: &'a str, delimiter: Delimiter) -> Self {
        let pos = if text.starts_with('\u{FEFF}') {
            '\u{FEFF}'.len_utf8()
        } else {
            0
        };
        Self {
            text,
            pos,
            line: 1,
            delimiter: delimiter.as_char(),
            problems: Vec::new(),
        }
    }

    /// Problems found so far.
    pub fn problems(&self) -> &[ReadProblem] {
        &self.problems
    }

    /// How far into the text the reader is, in bytes (for a progress bar).
    pub fn position(&self) -> usize {
        self.pos
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Consumes a line break at the current position (CRLF, LF or CR), if there is one.
    fn line_break(&mut self) -> bool {
        match self.peek() {
            Some('\n') => {
                self.pos += 1;
            }
            Some('\r') => {
                self.pos += 1;
                if self.peek() == Some('\n') {
                    self.pos += 1;
                }
            }
            _ => return false,
        }
        self.line += 1;
        true
    }

    /// One cell; returns it and whether the record goes on after it.
    fn cell(&mut self, start_line: usize) -> (String, bool) {
        let mut cell = String::new();
        if self.peek() == Some('"') {
            self.pos += 1;
            loop {
                match self.peek() {
                    None => {
                        self.problems
                            .push(ReadProblem::UnterminatedQuote { line: start_line });
                        return (cell, false);
                    }
                    Some('"') => {
                        self.pos += 1;
                        if self.peek() == Some('"') {
                            self.pos += 1;
                            cell.push('"');
                        } else {
                            break;
                        }
                    }
                    Some(c @ ('\r' | '\n')) => {
                        let before = self.pos;
                        self.line_break();
                        // Keep the line break exactly as written.
                        cell.push_str(self.text.get(before..self.pos).unwrap_or(if c == '\n' {
                            "\n"
                        } else {
                            "\r"
                        }));
                    }
                    Some(_) => {
                        if let Some(c) = self.bump() {
                            cell.push(c);
                        }
                    }
                }
            }
        }
        loop {
            match self.peek() {
                None => return (cell, false),
                Some(c) if c == self.delimiter => {
                    self.pos += c.len_utf8();
                    return (cell, true);
                }
                Some('\r' | '\n') => {
                    self.line_break();
                    return (cell, false);
                }
                Some(_) => {
                    if let Some(c) = self.bump() {
                        cell.push(c);
                    }
                }
            }
        }
    }
}

impl Iterator for CsvReader<'_> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        // Empty lines hold no record.
        while self.line_break() {}
        self.peek()?;
        let line = self.line;
        let mut cells = Vec::new();
        loop {
            let (cell, more) = self.cell(line);
            cells.push(unguard(&cell).to_owned());
            if !more {
                break;
            }
        }
        Some(Row { line, cells })
    }
}

/// Characters that make a spreadsheet read a cell as a formula.
fn formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// Whether the writer puts a `'` before `cell` (see the module docs).
fn needs_guard(cell: &str) -> bool {
    let mut chars = cell.chars();
    match chars.next() {
        Some(c) if formula_start(c) => true,
        Some('\'') => chars.next().is_some_and(|c| c == '\'' || formula_start(c)),
        _ => false,
    }
}

/// `cell` as it was before the formula guard.
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c: char| c == '\'' || formula_start(c)) => rest,
        _ => cell,
    }
}

/// Writes CSV text row by row (RFC 4180, with the formula guard; see the module docs).
#[derive(Debug, Clone)]
pub struct CsvWriter {
    out: String,
    delimiter: char,
    rows: usize,
}

impl CsvWriter {
    /// With `bom`, the text starts with a byte order mark, which spreadsheet programs need to
    /// read UTF-8 (Persian and Russian names) correctly.
    pub fn new(delimiter: Delimiter, bom: bool) -> Self {
        Self {
            out: if bom {
                "\u{FEFF}".to_owned()
            } else {
                String::new()
            },
            delimiter: delimiter.as_char(),
            rows: 0,
        }
    }

    /// Writes one record. A record of no cells is an empty line, which readers skip.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        let first_in_file = self.rows == 0;
        for (i, cell) in cells.iter().enumerate() {
            let cell = cell.as_ref();
            if i > 0 {
                self.out.push(self.delimiter);
            }
            let guard = needs_guard(cell);
            let quote = cell.contains([self.delimiter, '"', '\r', '\n'])
                // A lone empty cell would be an empty line, which holds no record.
                || (cells.len() == 1 && cell.is_empty())
                // A leading U+FEFF would be taken for a byte order mark.
                || (i == 0 && first_in_file && cell.starts_with('\u{FEFF}'));
            if quote {
                self.out.push('"');
            }
            if guard {
                self.out.push('\'');
            }
            if quote {
                self.out.push_str(&cell.replace('"', "\"\""));
                self.out.push('"');
            } else {
                self.out.push_str(cell);
            }
        }
        self.out.push_str("\r\n");
        self.rows += 1;
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rows(text: &str, d: Delimiter) -> Vec<(usize, Vec<String>)> {
        CsvReader::new(text, d).map(|r| (r.line, r.cells)).collect()
    }

    fn owned(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn quotes_newlines_and_line_numbers() {
        let text = "name,notes,city\r\n\"Lee, Ann\",\"said \"\"hi\"\"\r\nthen left\",Berlin\r\n\r\nBob,,\"Köln\"\n";
        assert_eq!(
            rows(text, Delimiter::Comma),
            vec![
                (1, owned(&["name", "notes", "city"])),
                (
                    2,
                    owned(&["Lee, Ann", "said \"hi\"\r\nthen left", "Berlin"])
                ),
                (5, owned(&["Bob", "", "Köln"])),
            ]
        );
    }

    #[test]
    fn ragged_rows_lone_cr_and_lenient_quotes() {
        let text = "a;b;c\rx\r1;2;3;4\r\"q\"z;5 \" inch;\"\"";
        assert_eq!(
            rows(text, Delimiter::Semicolon),
            vec![
                (1, owned(&["a", "b", "c"])),
                (2, owned(&["x"])),
                (3, owned(&["1", "2", "3", "4"])),
                (4, owned(&["qz", "5 \" inch", ""])),
            ]
        );
    }

    #[test]
    fn an_unclosed_quote_is_reported() {
        let mut r = CsvReader::new("a,b\n\"open,x\ny,z\n", Delimiter::Comma);
        let all: Vec<Row> = r.by_ref().collect();
        assert_eq!(all.len(), 2);
        assert_eq!(r.problems(), &[ReadProblem::UnterminatedQuote { line: 2 }]);
    }

    #[test]
    fn bom_and_delimiter_detection() {
        let t = read_csv(
            "\u{FEFF}Name;Email;City\nAnn;ann@x.com;\"Paris; France\"\nBob;b@y.org;Rome\n"
                .as_bytes(),
            &CsvOptions::default(),
        );
        assert_eq!(t.delimiter, Some(Delimiter::Semicolon));
        assert_eq!(t.headers, owned(&["Name", "Email", "City"]));
        assert_eq!(t.rows[0].cells[2], "Paris; France");
        assert_eq!(t.rows[1].line, 3);
        assert_eq!(detect_delimiter("a\tb, c\td\n1\t2, 3\t4\n"), Delimiter::Tab);
        assert_eq!(detect_delimiter("a|b|c\n1|2|3\n"), Delimiter::Pipe);
        assert_eq!(detect_delimiter("just one column\nx\n"), Delimiter::Comma);
        assert_eq!(detect_delimiter(""), Delimiter::Comma);
        // Commas inside quotes do not count.
        assert_eq!(
            detect_delimiter("\"a,b,c\";d\n\"e,f,g\";h\n"),
            Delimiter::Semicolon
        );
    }

    #[test]
    fn the_writer_quotes_and_guards_formulas() {
        let mut w = CsvWriter::new(Delimiter::Comma, false);
        w.row(&[
            "=SUM(A1)",
            "+49 30 1234",
            "a,b",
            "say \"x\"",
            "plain",
            "'=x",
            "'s-Hertogenbosch",
        ]);
        w.row(&[""]);
        w.row(&["-5", "@me", "line\nbreak"]);
        let out = w.finish();
        assert_eq!(
            out,
            "'=SUM(A1),'+49 30 1234,\"a,b\",\"say \"\"x\"\"\",plain,''=x,'s-Hertogenbosch\r\n\"\"\r\n'-5,'@me,\"line\nbreak\"\r\n"
        );
        let back: Vec<Vec<String>> = CsvReader::new(&out, Delimiter::Comma)
            .map(|r| r.cells)
            .collect();
        assert_eq!(
            back,
            vec![
                owned(&[
                    "=SUM(A1)",
                    "+49 30 1234",
                    "a,b",
                    "say \"x\"",
                    "plain",
                    "'=x",
                    "'s-Hertogenbosch"
                ]),
                owned(&[""]),
                owned(&["-5", "@me", "line\nbreak"]),
            ]
        );
    }

    fn any_delimiter() -> impl Strategy<Value = Delimiter> {
        prop_oneof![
            Just(Delimiter::Comma),
            Just(Delimiter::Semicolon),
            Just(Delimiter::Tab),
            Just(Delimiter::Pipe),
        ]
    }

    proptest! {
        #[test]
        fn write_then_read_is_the_identity(
            table in proptest::collection::vec(
                proptest::collection::vec(any::<String>(), 1..6),
                0..8,
            ),
            d in any_delimiter(),
            bom in any::<bool>(),
        ) {
            let mut w = CsvWriter::new(d, bom);
            for row in &table {
                w.row(row);
            }
            let text = w.finish();
            let back = read_csv(text.as_bytes(), &CsvOptions { encoding: None, delimiter: Some(d) });
            let mut all: Vec<Vec<String>> = Vec::new();
            if !table.is_empty() {
                all.push(back.headers.clone());
            }
            all.extend(back.rows.into_iter().map(|r| r.cells));
            prop_assert_eq!(all, table);
            prop_assert!(back.problems.is_empty());
        }

        #[test]
        fn reading_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let t = read_csv(&bytes, &CsvOptions::default());
            for row in &t.rows {
                prop_assert!(row.line >= 1);
            }
        }

        #[test]
        fn reading_text_never_panics(text in "[a-z,;|\t\"\r\n' =+-]{0,200}") {
            for d in Delimiter::ALL {
                let lines: Vec<usize> = CsvReader::new(&text, d).map(|r| r.line).collect();
                prop_assert!(lines.windows(2).all(|w| w[0] < w[1]));
            }
        }
    }
}
