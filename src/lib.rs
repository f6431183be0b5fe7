//! Hearth CRM, the browser app.
//!
//! Pages and components render state that `crm-core` computes; the browser adapters (IndexedDB,
//! service worker, `Intl`, local preferences) are thin and live under `adapters`. Everything
//! browser-specific is compiled for wasm32 only, so native `cargo test` stays fast.

pub mod i18n;
pub mod qr;

#[cfg(target_arch = "wasm32")]
pub mod adapters;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
mod components;
/// Re-exported for the browser tests of `screen_memo`.
#[cfg(target_arch = "wasm32")]
pub use components::keep_alive;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
pub mod session;
