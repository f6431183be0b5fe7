//! Text to a QR code's module matrix, and the matrix as SVG path data, for the direct-link
//! codes people pass by hand. Pure Rust, compiled natively too, so its choices are tested by
//! `cargo test`; the SVG element itself is `components::qr`.

use qrcodegen::{QrCode, QrCodeEcc, QrSegment, Version};

/// Modules of light margin on every side. The standard asks for four: with less, phone
/// cameras lose the finder patterns against a dark page around the code.
pub const QUIET_ZONE: usize = 4;

/// The most bytes a QR code holds (version 40, level L, byte mode).
pub const MAX_BYTES: usize = 2953;

/// How much of the symbol may be damaged or misread and still decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ecc {
    /// About 7 %.
    Low,
    /// About 15 %.
    Medium,
    /// About 25 %.
    Quartile,
    /// About 30 %.
    High,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("{bytes} bytes do not fit in a QR code (at most {MAX_BYTES})")]
    TooLong { bytes: usize },
}

/// A QR code: a square of dark and light modules, without its quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    size: usize,
    version: u8,
    ecc: Ecc,
    dark: Vec<bool>,
}

/// Encodes `text` (as UTF-8 bytes) in the smallest QR code at level M or better; only text
/// that no version holds at M falls back to L.
///
/// Level M first because these codes are read off a screen, where glare and moiré cost a few
/// modules; L only where the alternative is no QR code at all. Within the chosen version the
/// level is raised as far as the text still fits, which costs nothing in size.
pub fn encode(text: &str) -> Result<QrMatrix, QrError> {
    let segments = [QrSegment::make_bytes(text.as_bytes())];
    let fit = |ecc| {
        QrCode::encode_segments_advanced(&segments, ecc, Version::MIN, Version::MAX, None, true)
    };
    let code = fit(QrCodeEcc::Medium)
        .or_else(|_| fit(QrCodeEcc::Low))
        .map_err(|_| QrError::TooLong { bytes: text.len() })?;
    let size = usize::try_from(code.size()).unwrap_or(0);
    let side = code.size();
    let dark = (0..side)
        .flat_map(|y| (0..side).map(move |x| (x, y)))
        .map(|(x, y)| code.get_module(x, y))
        .collect();
    Ok(QrMatrix {
        size,
        version: code.version().value(),
        ecc: match code.error_correction_level() {
            QrCodeEcc::Low => Ecc::Low,
            QrCodeEcc::Medium => Ecc::Medium,
            QrCodeEcc::Quartile => Ecc::Quartile,
            QrCodeEcc::High => Ecc::High,
        },
        dark,
    })
}

impl QrMatrix {
    /// Modules per side (21 for version 1, 4 more per version), without the quiet zone.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Modules per side with the quiet zone: the SVG's view box.
    pub fn side(&self) -> usize {
        self.size + 2 * QUIET_ZONE
    }

    pub fn version(&self) -> u8 {
        self.version
    }

    pub fn ecc(&self) -> Ecc {
        self.ecc
    }

    /// Whether the module at column `x`, row `y` is dark; outside the symbol is light.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.dark[y * self.size + x]
    }

    /// SVG path data drawing every dark module as a unit square, offset by the quiet zone.
    ///
    /// One rectangle per horizontal run, not per module: a version-30 code has some 9,000
    /// dark modules, and one `<rect>` each would be that many DOM nodes.
    pub fn svg_path(&self) -> String {
        let mut d = String::new();
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.size && self.is_dark(x, y) {
                    x += 1;
                }
                d.push_str(&format!(
                    "M{} {}h{}v1h-{}z",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE,
                    x - start,
                    x - start
                ));
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A direct-link code as the app makes them, `len` characters long.
    fn code(len: usize) -> String {
        let prefix = "hearth-offer:";
        let body: String = (0..len - prefix.len())
            .map(|i| b"ABCdef012_-xyzQ9"[i % 16] as char)
            .collect();
        format!("{prefix}{body}")
    }

    #[test]
    fn a_short_text_gets_a_small_symbol_and_the_highest_level_that_fits_it() {
        let qr = encode("hearth").unwrap();
        assert_eq!(qr.version(), 1);
        assert_eq!(qr.size(), 21);
        assert_eq!(qr.side(), 29);
        // Six bytes leave room in version 1 for level H (seven bytes at most).
        assert_eq!(qr.ecc(), Ecc::High);
    }

    #[test]
    fn the_version_grows_with_the_text_and_stays_at_m_or_better_while_it_can() {
        let mut last = 0;
        for len in [100, 500, 1_000, 1_500, 2_000, 2_331] {
            let qr = encode(&code(len)).unwrap();
            assert!(qr.version() > last, "{len} chars: version {}", qr.version());
            assert!(qr.ecc() >= Ecc::Medium, "{len} chars: {:?}", qr.ecc());
            assert_eq!(qr.size(), 17 + 4 * usize::from(qr.version()));
            last = qr.version();
        }
        // 2,331 bytes is exactly what version 40 holds at level M.
        assert_eq!(last, 40);
    }

    #[test]
    fn text_too_long_for_level_m_falls_back_to_l_in_the_smallest_version_holding_it() {
        // One byte more than level M holds at all: level L holds it from version 36 on.
        let qr = encode(&code(2_332)).unwrap();
        assert_eq!((qr.version(), qr.ecc()), (36, Ecc::Low));
        let qr = encode(&code(MAX_BYTES)).unwrap();
        assert_eq!((qr.version(), qr.ecc()), (40, Ecc::Low));
    }

    #[test]
    fn text_longer_than_any_qr_code_holds_is_an_error_naming_its_size() {
        let err = encode(&code(MAX_BYTES + 1)).unwrap_err();
        assert_eq!(err, QrError::TooLong { bytes: 2954 });
        assert!(err.to_string().contains("2954 bytes"), "{err}");
        // Bytes count, not characters: 1,000 Persian letters are 2,000 bytes.
        let persian = "ک".repeat(1_500);
        assert_eq!(
            encode(&persian).unwrap_err(),
            QrError::TooLong { bytes: 3_000 }
        );
    }

    /// Whether a finder pattern (dark 7×7 ring, light ring, dark 3×3 centre) has its top
    /// left module at `x`, `y`.
    fn finder_at(qr: &QrMatrix, x: usize, y: usize) -> bool {
        (0..7).all(|dy| {
            (0..7).all(|dx| {
                let ring = dx.min(dy).min(6 - dx).min(6 - dy);
                qr.is_dark(x + dx, y + dy) == (ring != 1)
            })
        })
    }

    #[test]
    fn the_finder_patterns_sit_in_three_corners_and_only_there() {
        let qr = encode(&code(300)).unwrap();
        let n = qr.size();
        assert!(finder_at(&qr, 0, 0) && finder_at(&qr, n - 7, 0) && finder_at(&qr, 0, n - 7));
        assert!(!finder_at(&qr, n - 7, n - 7));
        assert!(
            !qr.is_dark(n, 0) && !qr.is_dark(0, n),
            "outside the symbol is light"
        );
    }

    #[test]
    fn the_path_draws_exactly_the_dark_modules_inside_the_quiet_zone() {
        let qr = encode(&code(200)).unwrap();
        let mut drawn = vec![false; qr.side() * qr.side()];
        for run in qr.svg_path().split('M').filter(|r| !r.is_empty()) {
            let (pos, rest) = run.split_once('h').unwrap();
            let (x, y) = pos.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let len: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            assert!(x >= QUIET_ZONE && y >= QUIET_ZONE, "inside the quiet zone");
            assert!(x + len <= qr.side() - QUIET_ZONE && y < qr.side() - QUIET_ZONE);
            for cell in &mut drawn[y * qr.side() + x..y * qr.side() + x + len] {
                assert!(!*cell, "drawn twice");
                *cell = true;
            }
        }
        for y in 0..qr.side() {
            for x in 0..qr.side() {
                let dark = x >= QUIET_ZONE
                    && y >= QUIET_ZONE
                    && qr.is_dark(x - QUIET_ZONE, y - QUIET_ZONE);
                assert_eq!(drawn[y * qr.side() + x], dark, "module {x},{y}");
            }
        }
    }
}
