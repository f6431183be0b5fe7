//! Browser entry point; Trunk builds this binary to wasm.

#[cfg(target_arch = "wasm32")]
fn main() {
    crm_app::app::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("crm-app is the browser app: build it with `trunk build` (or run `make run`).");
    std::process::exit(2);
}
