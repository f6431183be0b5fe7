//! Bringing records in from files and taking them out again: CSV and vCard readers and
//! writers, column mapping with presets for other CRMs' exports, duplicate matching, a
//! validation report and an import plan that writes everything or nothing.
//!
//! The flow, as the app's import screen drives it:
//!
//! 1. Read the file: [`read_csv`] (encoding and delimiter detected or chosen) or
//!    [`read_vcards`]; both give a [`Table`] of rows, each with its line number in the file.
//! 2. Map the columns: [`guess_mapping`] (a matching [`Preset`] first, then header words in
//!    English, Persian and Russian), or a saved [`Mapping`] offered again by [`Mapping::reuse`].
//! 3. Build a draft: [`PlanBuilder::new`] indexes the workspace once, [`PlanBuilder::push`]
//!    takes the rows in batches (so the app can yield between them) and
//!    [`PlanBuilder::preview`] shows the first rows as they will be stored;
//!    [`PlanBuilder::finish`] gives a [`Draft`] with the rows that cannot be imported
//!    ([`Draft::rejected`], [`Draft::rejected_csv`]) and the likely duplicates
//!    ([`Draft::duplicates`]).
//! 4. Choose per duplicate or for all ([`Choices`]), then [`Draft::plan`] gives the
//!    [`ImportPlan`]: the commands, in dependency order, which [`ImportPlan::apply`] writes.
//!
//! Exports: [`export_csv`] (any list: a `Query` and its columns) and [`write_vcards`]
//! (contacts as vCard 4.0); the whole workspace is `Workspace::export_json`.

mod cells;
mod csv;
mod decode;
mod export;
mod mapping;
mod plan;
mod presets;
mod vcard;

#[cfg(test)]
mod plan_tests;
#[cfg(test)]
mod preset_tests;
#[cfg(test)]
mod roundtrip_tests;
#[cfg(test)]
mod test_support;

pub use self::csv::{CsvOptions, CsvReader, CsvWriter, Delimiter, detect_delimiter, read_csv};
pub use self::decode::{Decoded, Encoding, decode, detect_encoding};
pub use self::export::{column_header, default_columns, export_csv, export_rows};
pub use self::mapping::{Column, Mapping, NamePart, Target, guess_mapping, guess_target};
pub use self::plan::{
    Applied, ApplyError, Choice, Choices, Draft, DupOf, Duplicate, ImportOptions, ImportPlan,
    PlanBuilder, PlanWriter, Planner, PreviewRow, PreviewValue, Rejected, RowError, RowWarning,
    Summary, Warning,
};
pub use self::presets::{PRESETS, Preset, PresetTarget, detect_preset};
pub use self::vcard::{VCARD_COLUMNS, VcardReader, read_vcards, vcard_headers, write_vcards};

use crate::schema::Kind;

/// One record of a file: its cells as text and the line it starts on (1-based; a quoted
/// cell may span several lines, and a vCard's line is that of its `BEGIN:VCARD`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Something wrong with the file itself, found while reading it; the rows still read are kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadProblem {
    #[error("line {line}: a quoted cell is never closed, so the rest of the file was read into it")]
    UnterminatedQuote { line: usize },
    #[error("line {line}: a vCard starts here but has no END:VCARD")]
    UnterminatedCard { line: usize },
    #[error("{count} places could not be read as {} and show as \u{FFFD}", encoding.label())]
    Undecodable { count: usize, encoding: Encoding },
}

/// A file read into rows: the header (the first CSV record, or [`VCARD_COLUMNS`]) and the
/// records after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
    /// The encoding the bytes were read in (detected or chosen).
    pub encoding: Encoding,
    /// The CSV delimiter (detected or chosen); `None` for vCards.
    pub delimiter: Option<Delimiter>,
    pub problems: Vec<ReadProblem>,
}

/// Why an import cannot start with this mapping; shown on the mapping screen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{0} cannot be imported from a file (only contacts, companies and deals)")]
    UnsupportedKind(Kind),
    #[error("{kind} has no field {field:?}")]
    UnknownField { kind: Kind, field: String },
    #[error("{0} is filled in by the app and cannot be imported")]
    NotImportable(String),
    #[error("custom field {0} does not exist, is in the trash or belongs to another kind")]
    UnknownCustomField(crate::id::Id),
    #[error("{0:?} is not a custom field type")]
    CustomType(String),
    #[error("a new custom field needs a label")]
    EmptyLabel,
    #[error("column {column} takes labels for column {of}, which does not exist")]
    LabelColumn { column: usize, of: usize },
    #[error("no column is mapped to {0}, which every record needs")]
    MissingRequired(&'static str),
    #[error("{0:?} is not a kind of company")]
    CompanyKind(String),
}
