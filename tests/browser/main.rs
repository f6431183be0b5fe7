//! Browser unit tests: run in headless Chromium by wasm-bindgen-test (`make test-wasm`).
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod history;
mod idb;
mod intl;
mod keep_alive;
mod random;
mod store;
