//! The CRM domain, free of any browser, network, clock or random source.
//!
//! Time and identifiers are always passed in by the caller (the browser adapters in the app,
//! or a test), so every function here is deterministic and runs natively in fast tests.

pub mod id;
pub mod money;
pub mod time;

pub use id::{Id, IdError};
pub use money::{Currency, Money, MoneyError};
pub use time::Timestamp;
