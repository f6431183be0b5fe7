//! A kept screen's derivations: they stand still while the screen is away, catch up once when it
//! is back, and cost nothing when it comes back with nothing changed.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crm_app::keep_alive::{Screen, screen_memo};
use leptos::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn a_screen_memo_recomputes_only_on_view_and_once_on_return() {
    let owner = Owner::new();
    owner.with(|| {
        let shown = RwSignal::new(true);
        provide_context(Screen::new(shown));
        let source = RwSignal::new(1);
        let runs = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&runs);
        let memo = screen_memo(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            source.get() * 10
        });
        let runs = move || runs.load(Ordering::SeqCst);

        assert_eq!(memo.get(), 10);
        source.set(2);
        assert_eq!(
            (memo.get(), runs()),
            (20, 2),
            "on view it follows its sources"
        );

        // Away and back with nothing changed: no work at all.
        shown.set(false);
        shown.set(true);
        assert_eq!((memo.get(), runs()), (20, 2));

        // Changes while away are not computed...
        shown.set(false);
        source.set(3);
        assert_eq!((memo.get(), runs()), (20, 2));
        source.set(4);
        assert_eq!((memo.get(), runs()), (20, 2));
        // ...until the screen is back, once.
        shown.set(true);
        assert_eq!((memo.get(), runs()), (40, 3));
        // And from then on it follows its sources again.
        source.set(5);
        assert_eq!((memo.get(), runs()), (50, 4));
    });
}

#[wasm_bindgen_test]
fn outside_a_kept_screen_a_screen_memo_is_a_plain_memo() {
    let owner = Owner::new();
    owner.with(|| {
        let source = RwSignal::new(1);
        let memo = screen_memo(move || source.get() + 1);
        assert_eq!(memo.get(), 2);
        source.set(2);
        assert_eq!(memo.get(), 3);
    });
}
