//! The CRM domain, free of any browser, network, clock or random source.
//!
//! Time and identifiers are always passed in by the caller (the browser adapters in the app,
//! or a test), so every function here is deterministic and runs natively in fast tests.

pub mod agenda;
pub mod analytics;
mod backlinks;
pub mod board;
pub mod command;
pub mod custom;
pub mod duplicates;
pub mod form;
pub mod id;
pub mod import;
pub mod kanban;
pub mod money;
pub mod pipeline;
pub mod query;
pub mod record;
pub mod related;
pub mod schema;
pub mod search;
pub mod time;
pub mod value;
pub mod workspace;

#[cfg(test)]
mod testutil;

pub use agenda::{Bucket, Occasion, OccasionKind, month_grid, week_of};
pub use board::{Board, BoardFilter, Column, rank_between};
pub use command::{Command, CommandError, Ctx, add_tag};
pub use duplicates::{DuplicatePair, MatchReason, MergePreview, MergeRow};
pub use form::{edit_text, parse_input};
pub use id::{Id, IdError};
pub use import::{Draft, ImportOptions, ImportPlan, Mapping, PlanBuilder, Table};
pub use money::{Currency, Money, MoneyError};
pub use query::{FieldKey, Filter, FilterOp, Group, Query, Sort};
pub use record::Record;
pub use related::{FeedFilter, OrgNode};
pub use schema::{FieldType, Kind};
pub use time::Timestamp;
pub use value::{FieldError, FieldValue};
pub use workspace::{HistoryEntry, Link, PeerSync, UndoStepId, Workspace, WorkspaceError};
