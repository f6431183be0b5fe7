//! The bytes ids and nonces are made of when the cryptographic source fails.

use crm_app::adapters::random::{fold, unique_bytes};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn folded_bytes_differ_for_every_call_on_one_clock() {
    let clock = 1_733_600_000_000_f64.to_bits();
    let mut ids: Vec<[u8; 16]> = (0..1000).map(|n| fold(clock, n, 0)).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1000);
    let nonces: Vec<[u8; 24]> = (0..1000).map(|n| fold(clock, n, 7)).collect();
    assert!(nonces.iter().all(|n| n != &[0; 24]));
    assert_ne!(nonces[0], nonces[1]);
    // The clock and the random number are in them too, not only the count.
    assert_ne!(fold::<16>(clock, 5, 1), fold::<16>(clock, 5, 2));
    assert_ne!(fold::<16>(clock, 5, 1), fold::<16>(clock + 1, 5, 1));
}

#[wasm_bindgen_test]
fn the_browser_source_gives_distinct_bytes() {
    let a: [u8; 24] = unique_bytes();
    let b: [u8; 24] = unique_bytes();
    assert_ne!(a, b);
    assert_ne!(a, [0; 24]);
}
