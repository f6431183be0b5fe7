//! Reconnect delays: exponential backoff with full jitter.
//!
//! Jitter spreads a team's clients out after a relay restart, so they do not all reconnect in the
//! same instant. Randomness is an input, keeping the schedule reproducible in tests.

/// The reconnect schedule of one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backoff {
    base_ms: u64,
    max_ms: u64,
    attempt: u32,
}

impl Backoff {
    /// `base_ms` is the ceiling of the first delay, `max_ms` the ceiling of any delay.
    pub fn new(base_ms: u64, max_ms: u64) -> Self {
        let base_ms = base_ms.max(1);
        Self {
            base_ms,
            max_ms: max_ms.max(base_ms),
            attempt: 0,
        }
    }

    /// The ceiling for the coming attempt: `base * 2^attempt`, capped at `max`.
    pub fn ceiling_ms(&self) -> u64 {
        let factor = 1u64.checked_shl(self.attempt).unwrap_or(u64::MAX);
        self.base_ms.saturating_mul(factor).min(self.max_ms)
    }

    /// The delay before the next attempt, given a uniformly random `u64`, and counts the attempt.
    /// The delay is uniform in `[0, ceiling]` ("full jitter").
    pub fn next_delay_ms(&mut self, random: u64) -> u64 {
        let ceiling = self.ceiling_ms();
        self.attempt = self.attempt.saturating_add(1);
        random % (ceiling + 1)
    }

    pub fn attempts(&self) -> u32 {
        self.attempt
    }

    /// Call once a connection has been established and worked.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }
}

impl Default for Backoff {
    /// Half a second at first, never more than a minute apart.
    fn default() -> Self {
        Self::new(500, 60_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ceilings_double_until_the_cap() {
        let mut b = Backoff::new(100, 1_000);
        let ceilings: Vec<u64> = (0..6)
            .map(|_| {
                let c = b.ceiling_ms();
                b.next_delay_ms(0);
                c
            })
            .collect();
        assert_eq!(ceilings, [100, 200, 400, 800, 1_000, 1_000]);
    }

    #[test]
    fn reset_starts_over() {
        let mut b = Backoff::new(100, 10_000);
        for _ in 0..5 {
            b.next_delay_ms(7);
        }
        assert_eq!(b.attempts(), 5);
        b.reset();
        assert_eq!(b.ceiling_ms(), 100);
    }

    #[test]
    fn huge_attempt_counts_do_not_overflow() {
        let mut b = Backoff::new(500, 60_000);
        for _ in 0..200 {
            b.next_delay_ms(u64::MAX);
        }
        assert_eq!(b.ceiling_ms(), 60_000);
    }

    proptest! {
        #[test]
        fn delay_is_within_the_ceiling(
            base in 0u64..10_000,
            max in 0u64..1_000_000,
            randoms in proptest::collection::vec(any::<u64>(), 1..80),
        ) {
            let mut b = Backoff::new(base, max);
            for r in randoms {
                let ceiling = b.ceiling_ms();
                prop_assert!(ceiling >= 1 && ceiling <= max.max(base).max(1));
                prop_assert!(b.next_delay_ms(r) <= ceiling);
            }
        }
    }
}
