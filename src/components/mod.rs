//! Reusable view pieces. They render state and forward user intent; no business logic here.

pub mod field;
pub mod icons;
pub mod page;
pub mod save_banner;
pub mod shell;
pub mod theme;
pub mod update_prompt;
pub mod virtual_list;
