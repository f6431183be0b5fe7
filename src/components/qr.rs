//! A QR code drawn as inline SVG (no script library, no canvas), from `crate::qr`'s matrix.
//!
//! Colours are fixed, not themed: scanners expect dark modules on a light ground with a light
//! quiet zone, and many cannot read an inverted code, so the dark theme keeps black on white.

use leptos::prelude::*;

use crate::qr::{QrMatrix, encode};

/// The QR code of `text`, named `label` for assistive technology. Text too long for any QR
/// code shows `too_long` instead (the text itself stays on screen to copy).
#[component]
pub fn QrCode(
    #[prop(into)] text: Signal<String>,
    #[prop(into)] label: Signal<String>,
    #[prop(into)] too_long: Signal<String>,
    testid: &'static str,
) -> impl IntoView {
    let matrix = Memo::new(move |_| text.with(|t| encode(t)));
    move || match matrix.get() {
        Ok(m) => svg(&m, label, testid).into_any(),
        Err(_) => view! {
            <p class="muted" data-testid=testid>{move || too_long.get()}</p>
        }
        .into_any(),
    }
}

fn svg(m: &QrMatrix, label: Signal<String>, testid: &'static str) -> impl IntoView {
    let side = m.side();
    view! {
        <svg
            class="qr"
            role="img"
            aria-label=move || label.get()
            data-testid=testid
            data-version=m.version()
            viewBox=format!("0 0 {side} {side}")
            shape-rendering="crispEdges"
        >
            <rect width=side height=side fill="#fff"></rect>
            <path d=m.svg_path() fill="#000"></path>
        </svg>
    }
}
