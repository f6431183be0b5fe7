//! The core's refusals in the user's language. `crm-core` explains itself in English (for
//! logs, the CLI and tests); here each reason gets its translated message, with the field's
//! translated label. A reason without its own message falls back to the core's English text.

use crm_core::import::{ImportError, ReadProblem, RowError, RowWarning};
use crm_core::{CommandError, FieldError};

use super::{Locale, Msg, t_count_with, t_key, t_with};

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn field_error(locale: Locale, e: &FieldError) -> String {
    let label = |f: &str| t_key(locale, "field", f);
    match e {
        FieldError::Required { field } => {
            t_with(locale, Msg::ErrRequired, &[("field", &label(field))])
        }
        FieldError::Email { field, value }
        | FieldError::Phone { field, value }
        | FieldError::Url { field, value }
        | FieldError::Date { field, value }
        | FieldError::Color { field, value } => {
            let msg = match e {
                FieldError::Email { .. } => Msg::ErrEmail,
                FieldError::Phone { .. } => Msg::ErrPhone,
                FieldError::Url { .. } => Msg::ErrUrl,
                FieldError::Date { .. } => Msg::ErrDate,
                _ => Msg::ErrColor,
            };
            t_with(locale, msg, &[("field", &label(field)), ("value", value)])
        }
        FieldError::Choice { field, value, .. } => t_with(
            locale,
            Msg::ErrChoice,
            &[("field", &label(field)), ("value", value)],
        ),
        FieldError::Range {
            field, min, max, ..
        } => t_with(
            locale,
            Msg::ErrRange,
            &[
                ("field", &label(field)),
                ("min", &min.to_string()),
                ("max", &max.to_string()),
            ],
        ),
        FieldError::NegativeAmount { field } => {
            t_with(locale, Msg::ErrNegative, &[("field", &label(field))])
        }
        FieldError::TooLong { field, max, .. } => t_with(
            locale,
            Msg::ErrTooLong,
            &[("field", &label(field)), ("max", &max.to_string())],
        ),
        other => other.to_string(),
    }
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn command_error(locale: Locale, e: &CommandError) -> String {
    let none: &[(&'static str, &str)] = &[];
    match e {
        CommandError::Field(f) => field_error(locale, f),
        CommandError::NotFound { .. } => t_with(locale, Msg::ErrNotFound, none),
        CommandError::DanglingLink { field, .. } => t_with(
            locale,
            Msg::ErrDangling,
            &[("field", &t_key(locale, "field", field))],
        ),
        CommandError::LinkToTrash { field, .. } => t_with(
            locale,
            Msg::ErrLinkToTrash,
            &[("field", &t_key(locale, "field", field))],
        ),
        CommandError::Trashed { .. } => t_with(locale, Msg::ErrTrashed, none),
        CommandError::ReportingCycle => t_with(locale, Msg::ErrCycle, none),
        CommandError::UnknownStage(s) => t_with(locale, Msg::ErrUnknownStage, &[("stage", s)]),
        CommandError::NoStages => t_with(locale, Msg::ErrNoStages, none),
        CommandError::NoOptions => t_with(locale, Msg::ErrNoOptions, none),
        CommandError::FixedField(f) => t_with(
            locale,
            Msg::ErrFixedField,
            &[("field", &t_key(locale, "field", f))],
        ),
        CommandError::NotCustomisable(k) => t_with(locale, Msg::ErrNotCustomisable, &[("kind", k)]),
        CommandError::DealClosed(_) => t_with(locale, Msg::ErrDealClosed, none),
        CommandError::ReasonRequired => t_with(locale, Msg::ErrReasonRequired, none),
        CommandError::NotAnOption { value, options } => t_with(
            locale,
            Msg::ErrNotAnOption,
            &[("value", value), ("options", options)],
        ),
        CommandError::MergeWithSelf => t_with(locale, Msg::ErrMergeWithSelf, none),
        CommandError::NothingToUndo => t_with(locale, Msg::ErrNothingToUndo, none),
        CommandError::UndoWhileWriting => t_with(locale, Msg::ErrUndoWhileWriting, none),
        CommandError::NothingToRedo => t_with(locale, Msg::ErrNothingToRedo, none),
        CommandError::StageInUse { stage, deals } => t_with(
            locale,
            Msg::ErrStageInUse,
            &[("stage", stage), ("count", &deals.to_string())],
        ),
        other => other.to_string(),
    }
}

/// Why an import cannot start with this mapping.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn import_error(locale: Locale, e: &ImportError) -> String {
    let none: &[(&'static str, &str)] = &[];
    match e {
        ImportError::MissingRequired(field) => t_with(
            locale,
            Msg::ImportErrMissing,
            &[("field", &t_key(locale, "field", field))],
        ),
        ImportError::EmptyLabel => t_with(locale, Msg::ImportErrEmptyLabel, none),
        ImportError::UnknownCustomField(_) => t_with(locale, Msg::ImportErrCustomGone, none),
        other => other.to_string(),
    }
}

/// Why one row of a file cannot be imported.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn row_error(locale: Locale, e: &RowError) -> String {
    let none: &[(&'static str, &str)] = &[];
    match e {
        RowError::Field(f) => field_error(locale, f),
        RowError::Command(c) => command_error(locale, c),
        RowError::TooManyCells { cells, columns } => t_with(
            locale,
            Msg::ImportErrCells,
            &[
                ("cells", &cells.to_string()),
                ("columns", &columns.to_string()),
            ],
        ),
        RowError::UnknownCompany(name) => {
            t_with(locale, Msg::ImportErrNoCompany, &[("name", name)])
        }
        RowError::UnknownContact(name) => {
            t_with(locale, Msg::ImportErrNoContact, &[("name", name)])
        }
        RowError::NoPipeline => t_with(locale, Msg::ImportErrNoPipeline, none),
        RowError::UnknownStage { pipeline, stage } => t_with(
            locale,
            Msg::ImportErrNoStage,
            &[("pipeline", pipeline), ("stage", stage)],
        ),
    }
}

/// A value left out of a row that is imported all the same.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn row_warning(locale: Locale, w: &RowWarning) -> String {
    match w {
        RowWarning::UnknownMember { field, name } => t_with(
            locale,
            Msg::ImportWarnMember,
            &[("field", &t_key(locale, "field", field)), ("name", name)],
        ),
        RowWarning::UnknownManager(name) => {
            t_with(locale, Msg::ImportWarnManager, &[("name", name)])
        }
        RowWarning::ReportingLoop(name) => t_with(locale, Msg::ImportWarnLoop, &[("name", name)]),
        RowWarning::EmptyChoiceField(label) => {
            t_with(locale, Msg::ImportWarnEmptyChoice, &[("label", label)])
        }
        RowWarning::MixedDateOrder {
            day_first,
            month_first,
        } => t_with(
            locale,
            Msg::ImportWarnMixedDates,
            &[
                ("day_line", &day_first.0.to_string()),
                ("day", &day_first.1),
                ("month_line", &month_first.0.to_string()),
                ("month", &month_first.1),
            ],
        ),
    }
}

/// Something wrong with the file itself.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub(crate) fn read_problem(locale: Locale, p: &ReadProblem) -> String {
    match p {
        ReadProblem::UnterminatedQuote { line } => {
            t_with(locale, Msg::ImportOpenQuote, &[("line", &line.to_string())])
        }
        ReadProblem::UnterminatedCard { line } => {
            t_with(locale, Msg::ImportOpenCard, &[("line", &line.to_string())])
        }
        ReadProblem::Undecodable { count, encoding } => t_count_with(
            locale,
            Msg::ImportUndecodable,
            ("count", *count as f64),
            &[("encoding", encoding.label())],
        ),
    }
}
