//! Random bytes from the browser's cryptographic source (`crypto.getRandomValues`).

/// `N` bytes from the cryptographic source, or `None` if it gave none. For keys, which must
/// never be guessable: without the source there is no key, and the caller says so.
pub fn secret_bytes<const N: usize>() -> Option<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).ok().map(|()| b)
}

/// `N` bytes unlike any other call's on this page: from the cryptographic source, or, should
/// it ever fail (it exists in every browser that runs wasm), from the clock, a count of the
/// calls and `Math.random`. Ids and nonces need them unique, not secret: a nonce repeated under
/// one key would give the key away, an all-zero one from an ignored failure would repeat.
pub fn unique_bytes<const N: usize>() -> [u8; N] {
    secret_bytes().unwrap_or_else(|| {
        use std::sync::atomic::{AtomicU64, Ordering};
        static CALLS: AtomicU64 = AtomicU64::new(0);
        fold(
            js_sys::Date::now().to_bits(),
            CALLS.fetch_add(1, Ordering::Relaxed),
            js_sys::Math::random().to_bits(),
        )
    })
}

/// The clock, the call count and a random number in `N` bytes: the count fills the last eight
/// (so two calls on one page never give the same bytes when `N` ≥ 8), the clock and the random
/// number are folded over the rest. Public for the browser tests (`tests/browser`).
pub fn fold<const N: usize>(clock: u64, count: u64, random: u64) -> [u8; N] {
    let mut out = [0u8; N];
    let tail = N.min(8);
    out[N - tail..].copy_from_slice(&count.to_le_bytes()[..tail]);
    let head = N - tail;
    if head > 0 {
        for (i, b) in clock
            .to_le_bytes()
            .into_iter()
            .chain(random.to_le_bytes())
            .enumerate()
        {
            out[i % head] ^= b;
        }
    }
    out
}
