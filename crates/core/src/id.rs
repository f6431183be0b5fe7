//! Random 128-bit record identifiers, written as 26 Crockford base32 characters.

use std::fmt;
use std::str::FromStr;

/// A record identifier. Core never draws randomness: the caller supplies 16 random bytes
/// (`crypto.getRandomValues` in the browser), so ids are unguessable and collision-free
/// across devices without any coordination.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id([u8; 16]);

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// 128 bits need 26 base32 digits (130 bits); the first digit carries only 3 bits.
const TEXT_LEN: usize = 26;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("an id has {TEXT_LEN} characters, this one has {0}")]
    Length(usize),
    #[error("an id may not contain {0:?}")]
    Character(char),
    #[error("this id is out of range (its first character must be 0-7)")]
    Overflow,
}

impl Id {
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    fn value(self) -> u128 {
        u128::from_be_bytes(self.0)
    }
}

fn digit(c: char) -> Result<u128, IdError> {
    // Crockford base32 reads I and L as 1 and O as 0, so ids survive being read aloud or retyped.
    let c = c.to_ascii_lowercase();
    let c = match c {
        'i' | 'l' => '1',
        'o' => '0',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|p| p as u128)
        .ok_or(IdError::Character(c))
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut v = self.value();
        let mut out = [0u8; TEXT_LEN];
        for slot in out.iter_mut().rev() {
            *slot = ALPHABET[(v & 31) as usize];
            v >>= 5;
        }
        // Every byte comes from ALPHABET, which is ASCII.
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({self})")
    }
}

impl FromStr for Id {
    type Err = IdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let count = s.chars().count();
        if count != TEXT_LEN {
            return Err(IdError::Length(count));
        }
        let mut chars = s.chars();
        let mut v: u128 = 0;
        if let Some(first) = chars.next() {
            let d = digit(first)?;
            if d > 7 {
                return Err(IdError::Overflow);
            }
            v = d;
        }
        for c in chars {
            v = (v << 5) | digit(c)?;
        }
        Ok(Self(v.to_be_bytes()))
    }
}

impl serde::Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Id {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_values() {
        assert_eq!(Id::from_bytes([0; 16]).to_string(), "0".repeat(26));
        assert_eq!(
            Id::from_bytes([0xff; 16]).to_string(),
            format!("7{}", "z".repeat(25))
        );
    }

    #[test]
    fn rejects_bad_text_with_a_reason() {
        assert_eq!("abc".parse::<Id>(), Err(IdError::Length(3)));
        assert_eq!(
            format!("{}u", "0".repeat(25)).parse::<Id>(),
            Err(IdError::Character('u'))
        );
        assert_eq!("8".repeat(26).parse::<Id>(), Err(IdError::Overflow));
    }

    #[test]
    fn reads_crockford_aliases() {
        let a: Id = format!("{}1", "0".repeat(25)).parse().unwrap();
        let b: Id = format!("{}L", "O".repeat(25)).parse().unwrap();
        assert_eq!(a, b);
    }

    proptest! {
        #[test]
        fn text_round_trips(bytes in any::<[u8; 16]>()) {
            let id = Id::from_bytes(bytes);
            let text = id.to_string();
            prop_assert_eq!(text.len(), 26);
            prop_assert_eq!(text.parse::<Id>().unwrap(), id);
            prop_assert_eq!(text.to_uppercase().parse::<Id>().unwrap(), id);
        }

        #[test]
        fn text_order_is_byte_order(a in any::<[u8; 16]>(), b in any::<[u8; 16]>()) {
            let (x, y) = (Id::from_bytes(a), Id::from_bytes(b));
            prop_assert_eq!(x.cmp(&y), x.to_string().cmp(&y.to_string()));
        }

        #[test]
        fn parsing_never_panics(s in "\\PC{0,40}") {
            let _ = s.parse::<Id>();
        }
    }
}
