//! One module per route.

pub mod activities;
pub mod companies;
pub mod contacts;
pub mod dashboard;
pub mod deals;
pub mod duplicates;
pub mod figure;
pub mod import;
pub mod join;
pub mod not_found;
pub mod records;
pub mod scorecard;
pub mod settings;
mod settings_clv;
mod settings_data;
mod settings_sync;
mod settings_team;
pub mod tasks;
