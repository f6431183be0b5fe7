//! Reusable view pieces. They render state and forward user intent; no business logic here.

pub mod chart;
pub mod field;
pub mod field_editor;
pub mod icons;
pub mod keep_alive;
pub mod menu;
pub mod page;
pub mod palette;
pub mod picker;
pub mod qr;
pub mod save_banner;
pub mod shell;
pub mod shortcuts;
pub mod theme;
pub mod toast;
pub mod update_prompt;
pub mod value;
pub mod virtual_list;

/// Runs `f` once the next frame has been painted.
pub fn after_paint(f: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::set_timeout(f, std::time::Duration::ZERO)
    });
}

/// A number unique in this page, for ids that tie labels, lists and descriptions together.
pub fn unique_id() -> u32 {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
