//! What every kind of record shares: the list table, the detail page and the small forms.

pub mod detail;
pub mod forms;
pub mod table;
