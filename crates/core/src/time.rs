//! Instants as UTC milliseconds since the Unix epoch.

use std::fmt;

/// A point in time: UTC milliseconds since 1970-01-01T00:00:00Z.
///
/// Core never reads a clock: callers pass `Timestamp`s in (`js_sys::Date::now()` in the browser,
/// fixed values in tests), which keeps merges and analytics reproducible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub const fn from_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Milliseconds from `earlier` to `self`; negative when `earlier` is later.
    pub const fn since(self, earlier: Timestamp) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    pub const fn add_millis(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}ms", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        let t = Timestamp::from_millis(i64::MAX - 1);
        assert_eq!(t.add_millis(10).millis(), i64::MAX);
        assert_eq!(Timestamp(i64::MIN).since(Timestamp(1)), i64::MIN);
        assert_eq!(Timestamp(5_000).since(Timestamp(2_000)), 3_000);
    }
}
