//! One module per route.

pub mod activities;
pub mod companies;
pub mod contacts;
pub mod dashboard;
pub mod deals;
pub mod duplicates;
pub mod import;
pub mod join;
pub mod not_found;
pub mod records;
pub mod settings;
mod settings_data;
mod settings_sync;
mod settings_team;
pub mod tasks;
