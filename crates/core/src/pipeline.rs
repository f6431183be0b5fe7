//! Pipelines and their ordered stages, and the calendar arithmetic tasks need.

use crate::record::Record;
use crate::value::{FieldValue, parse_date};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    pub id: String,
    pub name: String,
    /// Default win probability of deals in this stage, percent.
    pub probability: u8,
    pub position: i64,
}

impl Stage {
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        probability: u8,
        position: i64,
    ) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            probability,
            position,
        }
    }

    /// The stored form of everything but the id: `position|probability|name`. One scalar per
    /// stage, so a stage is renamed or moved atomically while other stages merge independently.
    pub fn encode(&self) -> String {
        format!("{}|{}|{}", self.position, self.probability, self.name)
    }

    pub fn decode(id: &str, encoded: &str) -> Option<Stage> {
        let mut parts = encoded.splitn(3, '|');
        let position = parts.next()?.parse().ok()?;
        let probability: u8 = parts.next()?.parse().ok()?;
        let name = parts.next()?.trim();
        (probability <= 100 && !name.is_empty())
            .then(|| Stage::new(id, name, probability, position))
    }
}

/// The field value for a list of stages, in order.
pub fn stages_value(stages: &[Stage]) -> FieldValue {
    FieldValue::Set(stages.iter().map(|s| (s.id.clone(), s.encode())).collect())
}

/// A pipeline record's stages in board order (position, then id for ties).
pub fn stages(pipeline: &Record) -> Vec<Stage> {
    let mut out: Vec<Stage> = pipeline
        .get("stages")
        .and_then(FieldValue::as_set)
        .map(|set| {
            set.iter()
                .filter_map(|(id, enc)| Stage::decode(id, enc))
                .collect()
        })
        .unwrap_or_default();
    out.sort_by(|a, b| a.position.cmp(&b.position).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

pub fn format_date((y, m, d): (i64, u32, u32)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// The next occurrence of a recurring date: every `every` days or months, or yearly.
/// Month steps keep the day where the month has it and use the last day otherwise.
pub fn advance(date: &str, recurrence: &str, every: i64) -> Option<String> {
    let (y, m, d) = parse_date(date)?;
    let every = every.max(1);
    let next = match recurrence {
        "days" => civil_from_days(days_from_civil(y, m, d) + every),
        "months" | "yearly" => {
            let months = if recurrence == "yearly" {
                12 * every
            } else {
                every
            };
            let total = y * 12 + i64::from(m) - 1 + months;
            let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
            let last = (1..=31)
                .rev()
                .find(|&day| parse_date(&format_date((ny, nm, day))).is_some())?;
            (ny, nm, d.min(last))
        }
        _ => return None,
    };
    Some(format_date(next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stage_encoding_round_trips_and_rejects_nonsense() {
        let s = Stage::new("qual", "Qualified | hot", 40, 2);
        assert_eq!(Stage::decode("qual", &s.encode()), Some(s));
        assert_eq!(Stage::decode("x", "1|101|Too likely"), None);
        assert_eq!(Stage::decode("x", "1|50|"), None);
        assert_eq!(Stage::decode("x", "garbage"), None);
    }

    #[test]
    fn civil_days_round_trip() {
        for z in [-1_000_000, -1, 0, 1, 19_000, 2_000_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(format_date(civil_from_days(20_415)), "2025-11-23");
    }

    #[test]
    fn recurrences() {
        assert_eq!(
            advance("2026-01-31", "days", 1).as_deref(),
            Some("2026-02-01")
        );
        assert_eq!(
            advance("2026-01-31", "months", 1).as_deref(),
            Some("2026-02-28")
        );
        assert_eq!(
            advance("2024-02-29", "yearly", 1).as_deref(),
            Some("2025-02-28")
        );
        assert_eq!(
            advance("2026-11-23", "months", 3).as_deref(),
            Some("2027-02-23")
        );
        assert_eq!(advance("2026-11-23", "none", 1), None);
        assert_eq!(advance("not a date", "days", 1), None);
    }
}
