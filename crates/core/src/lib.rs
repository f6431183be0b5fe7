//! The CRM domain, free of any browser, network, clock or random source.
//!
//! Time and identifiers are always passed in by the caller (the browser adapters in the app,
//! or a test), so every function here is deterministic and runs natively in fast tests.

pub mod command;
pub mod id;
pub mod money;
pub mod pipeline;
pub mod query;
pub mod record;
pub mod schema;
pub mod search;
pub mod time;
pub mod value;
pub mod workspace;

pub use command::{Command, CommandError, Ctx};
pub use id::{Id, IdError};
pub use money::{Currency, Money, MoneyError};
pub use query::{FieldKey, Filter, FilterOp, Group, Query, Sort};
pub use record::Record;
pub use schema::{FieldType, Kind};
pub use time::Timestamp;
pub use value::{FieldError, FieldValue};
pub use workspace::{HistoryEntry, Link, Workspace, WorkspaceError};
