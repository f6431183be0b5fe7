//! The kanban board of a pipeline: columns of open deals with their totals, and the
//! fractional ranks that order cards within a column.
//!
//! A card's place is its `rank`, a string compared byte by byte. Moving a card writes only
//! its own rank (a string strictly between its new neighbours'), so concurrent moves of
//! different cards never conflict; two cards given the same rank concurrently are ordered by
//! creation time and id, the same on every replica.

use std::collections::{BTreeMap, BTreeSet};

use crate::id::Id;
use crate::money::Currency;
use crate::pipeline::{Stage, stages};
use crate::record::Record;
use crate::schema::Kind;
use crate::value::FieldValue;
use crate::workspace::Workspace;

/// Rank digits in byte order (base 62). `0` is the smallest, and no rank ends in it: below
/// `x0` there would be no room (nothing lies between `x` and `x0`).
const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SMALLEST: char = '0';

/// Which candidate digit to take when several fit.
#[derive(Clone, Copy)]
enum Lean {
    /// Appending after the last card: the smallest step, so many more appends stay short.
    Low,
    /// Prepending before the first card, likewise.
    High,
    Middle,
}

/// A rank strictly between `before` and `after` (`None`: the start or end of the column), in
/// byte order. Never empty and never ending in `0`, so there is always room on both sides.
/// If nothing lies between (`before >= after`, or `after` is `before` plus a NUL), the rank
/// sorts right after `before`.
pub fn rank_between(before: Option<&str>, after: Option<&str>) -> String {
    let a: Vec<char> = before.unwrap_or_default().chars().collect();
    let lean = match (a.is_empty(), after.is_none()) {
        (false, true) => Lean::Low,
        (true, false) => Lean::High,
        _ => Lean::Middle,
    };
    let b: Option<Vec<char>> = after.map(|s| s.chars().collect());
    // Comparing chars is comparing UTF-8 bytes: the encoding preserves code point order.
    let ranked = match &b {
        None => between(&a, None, lean),
        Some(b) if a < *b => between(&a, Some(b), lean),
        Some(_) => None,
    };
    ranked
        .or_else(|| between(&a, None, Lean::Low))
        .unwrap_or_else(|| "V".to_owned())
}

fn is_digit(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// The nearest char below `c`, skipping the surrogate gap.
fn char_below(c: char) -> Option<char> {
    (0..u32::from(c)).rev().find_map(char::from_u32)
}

/// Builds the rank digit by digit. `None` when nothing fits below `b` (then `b` is a prefix of
/// what was built). With `b` absent it always succeeds.
fn between(a: &[char], b: Option<&[char]>, lean: Lean) -> Option<String> {
    let mut out = String::new();
    let mut upper = b;
    let mut i = 0;
    loop {
        let lo = a.get(i).copied();
        let hi = match upper {
            Some(b) => Some(*b.get(i)?),
            None => None,
        };
        if let (Some(l), Some(h)) = (lo, hi)
            && l == h
        {
            out.push(l);
            i += 1;
            continue;
        }
        let fits: Vec<char> = DIGITS[1..]
            .iter()
            .map(|&d| char::from(d))
            .filter(|&d| lo.is_none_or(|l| l < d) && hi.is_none_or(|h| d < h))
            .collect();
        if !fits.is_empty() {
            out.push(match lean {
                Lean::Low => fits[0],
                Lean::High => fits[fits.len() - 1],
                Lean::Middle => fits[fits.len() / 2],
            });
            return Some(out);
        }
        let more_of_b = upper.is_some_and(|b| b.len() > i + 1);
        match (lo, hi) {
            // A proper prefix of `b` is below it, and above `a` where it passes `a`'s digit.
            (_, Some(h)) if more_of_b && h != SMALLEST && is_digit(h) => {
                out.push(h);
                return Some(out);
            }
            // Keep `a`'s digit: from here on anything longer than `a` is above it and, being
            // below `b` at this position already, below `b`.
            (Some(l), _) => {
                out.push(l);
                upper = None;
            }
            (None, Some(h)) if h > SMALLEST => {
                out.push(SMALLEST);
                upper = None;
            }
            (None, Some(h)) if h == SMALLEST && more_of_b => out.push(SMALLEST),
            (None, Some(h)) => match char_below(h) {
                Some(below) => {
                    out.push(below);
                    upper = None;
                }
                None => out.push(h),
            },
            // Unreachable: with no bounds every digit but `0` fits.
            (None, None) => {
                out.push('V');
                return Some(out);
            }
        }
        i += 1;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub stage: Stage,
    /// In board order; `deals.len()` is the count.
    pub deals: Vec<Id>,
    /// Total value in the board currency's minor units.
    pub sum: i64,
    /// Total of value × win probability, each deal rounded half away from zero.
    pub weighted: i64,
    /// Deals in other currencies: currency, sum and weighted sum, by currency code.
    pub other: Vec<(Currency, i64, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    pub pipeline: Id,
    pub currency: Currency,
    pub columns: Vec<Column>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoardFilter {
    pub owner: Option<Id>,
    pub territory: Option<Id>,
    /// Search words: deals found themselves, by their company or by one of their contacts.
    pub search: Option<String>,
}

fn ref_field(rec: &Record, field: &str) -> Option<Id> {
    rec.get(field).and_then(FieldValue::as_ref_id)
}

fn is_open(deal: &Record) -> bool {
    deal.text("status").unwrap_or("open") == "open"
}

/// `n × percent / 100`, rounded half away from zero.
fn percent_of(n: i64, percent: i64) -> i128 {
    let p = i128::from(n) * i128::from(percent);
    if p >= 0 {
        (p + 50) / 100
    } else {
        (p - 50) / 100
    }
}

fn clamp(n: i128) -> i64 {
    i64::try_from(n).unwrap_or(if n < 0 { i64::MIN } else { i64::MAX })
}

fn euro() -> Currency {
    // "EUR" is in the ISO table; the fallback only satisfies the type.
    "EUR"
        .parse()
        .unwrap_or_else(|_| unreachable!("EUR is an ISO 4217 code"))
}

impl Workspace {
    /// Live deals of a pipeline, any status.
    fn pipeline_deals(&self, pipeline: Id) -> impl Iterator<Item = &Record> {
        self.live(Kind::Deal)
            .filter(move |d| ref_field(d, "pipeline") == Some(pipeline))
    }

    /// Open live deals of a pipeline in one stage: what stops the stage from being deleted.
    pub fn deals_in_stage(&self, pipeline: Id, stage: &str) -> usize {
        self.pipeline_deals(pipeline)
            .filter(|d| is_open(d) && d.text("stage") == Some(stage))
            .count()
    }

    /// The board of a live pipeline: a column per stage in stage order, each with the open
    /// live deals passing `filter`, ordered by rank (unranked last), then creation, then id.
    /// A deal whose stage no longer exists (deleted on another device while the deal moved
    /// into it) shows in the first column, so it can be moved on.
    pub fn board(&self, pipeline: Id, filter: &BoardFilter) -> Option<Board> {
        let p = self
            .get(Kind::Pipeline, pipeline)
            .filter(|p| !p.is_trashed())?;
        let stages = stages(p);
        let currency = self.board_currency(p);
        let hits: Option<BTreeSet<(Kind, Id)>> = filter
            .search
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| self.search(s).into_iter().collect());
        let found = |d: &Record| {
            let Some(hits) = &hits else { return true };
            hits.contains(&(Kind::Deal, d.id))
                || ref_field(d, "company").is_some_and(|c| hits.contains(&(Kind::Company, c)))
                || d.get("contacts")
                    .and_then(FieldValue::as_set)
                    .is_some_and(|cs| {
                        cs.keys().any(|k| {
                            k.parse::<Id>()
                                .is_ok_and(|c| hits.contains(&(Kind::Contact, c)))
                        })
                    })
        };
        let mut columns: Vec<Vec<&Record>> = vec![Vec::new(); stages.len()];
        for d in self.pipeline_deals(pipeline) {
            let passes = is_open(d)
                && filter
                    .owner
                    .is_none_or(|o| ref_field(d, "owner") == Some(o))
                && filter
                    .territory
                    .is_none_or(|t| self.territory_of(Kind::Deal, d.id) == Some(t))
                && found(d);
            if !passes || columns.is_empty() {
                continue;
            }
            let at = stages
                .iter()
                .position(|s| Some(s.id.as_str()) == d.text("stage"))
                .unwrap_or(0);
            columns[at].push(d);
        }
        let columns = stages
            .into_iter()
            .zip(columns)
            .map(|(stage, mut deals)| {
                deals.sort_by(|x, y| {
                    let (rx, ry) = (x.text("rank"), y.text("rank"));
                    (rx.is_none(), rx, x.created_at, x.id).cmp(&(
                        ry.is_none(),
                        ry,
                        y.created_at,
                        y.id,
                    ))
                });
                let mut sum = 0i128;
                let mut weighted = 0i128;
                let mut other: BTreeMap<Currency, (i128, i128)> = BTreeMap::new();
                for d in &deals {
                    let Some(FieldValue::Money(value)) = d.get("value") else {
                        continue;
                    };
                    let probability = match d.get("probability") {
                        Some(FieldValue::Int(p)) => *p,
                        _ => i64::from(stage.probability),
                    };
                    let w = percent_of(value.minor, probability);
                    if value.currency == currency {
                        sum += i128::from(value.minor);
                        weighted += w;
                    } else {
                        let slot = other.entry(value.currency).or_default();
                        slot.0 += i128::from(value.minor);
                        slot.1 += w;
                    }
                }
                Column {
                    deals: deals.iter().map(|d| d.id).collect(),
                    sum: clamp(sum),
                    weighted: clamp(weighted),
                    other: other
                        .into_iter()
                        .map(|(c, (s, w))| (c, clamp(s), clamp(w)))
                        .collect(),
                    stage,
                }
            })
            .collect();
        Some(Board {
            pipeline,
            currency,
            columns,
        })
    }

    /// The pipeline's own currency, else the one most of its live deals use (ties by code),
    /// else euros. Filters do not change it, so totals stay comparable.
    fn board_currency(&self, pipeline: &Record) -> Currency {
        if let Some(c) = pipeline.text("currency").and_then(|c| c.parse().ok()) {
            return c;
        }
        let mut counts: BTreeMap<Currency, usize> = BTreeMap::new();
        for d in self.pipeline_deals(pipeline.id) {
            if let Some(FieldValue::Money(m)) = d.get("value") {
                *counts.entry(m.currency).or_default() += 1;
            }
        }
        // The first of the most used: `max_by_key` would take the last.
        let most = counts.values().copied().max().unwrap_or(0);
        counts
            .into_iter()
            .find(|(_, n)| *n == most)
            .map_or_else(euro, |(c, _)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{Command, CommandError};
    use crate::pipeline::stages_value;
    use crate::testutil::*;
    use crate::value::FieldError;
    use proptest::prelude::*;

    #[test]
    fn ranks_between_neighbours() {
        assert_eq!(rank_between(None, None), "V");
        assert_eq!(rank_between(Some("i"), None), "j");
        assert_eq!(rank_between(None, Some("i")), "h");
        assert_eq!(rank_between(Some("a"), Some("c")), "b");
        assert_eq!(rank_between(Some("a"), Some("b")), "aV");
        // A prefix of the upper neighbour is shorter than going deeper.
        assert_eq!(rank_between(Some("a"), Some("b5")), "b");
        assert_eq!(rank_between(Some("z"), None), "z1");
        assert_eq!(rank_between(None, Some("1")), "0z");
        assert_eq!(rank_between(None, Some("01")), "00z");
        assert_eq!(rank_between(Some("az"), Some("b")), "azV");
        // Nothing lies between: a rank right after `before`.
        assert_eq!(rank_between(Some("m"), Some("m")), "n");
        assert_eq!(rank_between(Some("m"), Some("c")), "n");
        // Ranks written by something else still work.
        assert_eq!(rank_between(Some("A"), Some("B")), "AV");
        assert_eq!(rank_between(None, Some("0")), "/z");
        assert_eq!(rank_between(Some("a"), Some("a\u{0}")), "b");
        assert_eq!(rank_between(Some("é"), None), "é1");
    }

    #[test]
    fn a_thousand_appends_and_prepends_stay_short() {
        let mut last = rank_between(None, None);
        let mut first = last.clone();
        for _ in 0..1000 {
            let next = rank_between(Some(&last), None);
            assert!(next > last);
            last = next;
            let prev = rank_between(None, Some(&first));
            assert!(prev < first);
            first = prev;
        }
        // 61 steps per added digit.
        assert!(last.len() <= 18, "{last}");
        assert!(first.len() <= 18, "{first}");
    }

    proptest! {
        #[test]
        fn random_inserts_keep_a_strict_order(positions in proptest::collection::vec(any::<prop::sample::Index>(), 1..300)) {
            let mut ranks: Vec<String> = Vec::new();
            for p in positions {
                let at = p.index(ranks.len() + 1);
                let before = at.checked_sub(1).map(|i| ranks[i].as_str());
                let after = ranks.get(at).map(String::as_str);
                let r = rank_between(before, after);
                prop_assert!(before.is_none_or(|b| b < r.as_str()), "{before:?} < {r}");
                prop_assert!(after.is_none_or(|a| r.as_str() < a), "{r} < {after:?}");
                prop_assert!(!r.is_empty() && !r.ends_with(SMALLEST));
                prop_assert!(r.chars().all(is_digit));
                ranks.insert(at, r);
            }
        }

        #[test]
        fn any_two_strings(x in "\\PC{0,6}", y in "[0-9a-z]{0,6}|\\PC{0,6}") {
            let (a, b) = if x <= y { (x, y) } else { (y, x) };
            let r = rank_between(Some(&a), Some(&b));
            prop_assert!(a < r);
            if a != b && b != format!("{a}\u{0}") {
                prop_assert!(r < b, "{a:?} < {r:?} < {b:?}");
            }
            prop_assert!(!r.ends_with(SMALLEST));
        }
    }

    fn deal(
        ws: &mut Workspace,
        n: u64,
        now: i64,
        stage: &str,
        value: FieldValue,
        extra: &[(&str, FieldValue)],
    ) {
        let mut fields = vec![
            ("title", text(&format!("deal {n}"))),
            ("pipeline", link(id(PIPELINE))),
            ("stage", text(stage)),
            ("value", value),
        ];
        fields.extend(extra.iter().cloned());
        make(ws, Kind::Deal, id(n), now, &fields);
    }

    #[test]
    fn columns_in_stage_order_with_totals() {
        let mut ws = with_pipeline();
        deal(&mut ws, 1, 10, "lead", eur(10_000), &[]);
        // 50% of 0.05 EUR is 2.5 cents: rounded up to 3.
        deal(&mut ws, 2, 11, "proposal", eur(5), &[]);
        deal(
            &mut ws,
            3,
            12,
            "proposal",
            eur(1_000),
            &[("probability", FieldValue::Int(33))],
        );
        deal(
            &mut ws,
            4,
            13,
            "proposal",
            money(2_000, "USD"),
            &[("rank", text("b"))],
        );
        deal(
            &mut ws,
            5,
            14,
            "proposal",
            money(1_001, "USD"),
            &[("rank", text("a"))],
        );
        deal(&mut ws, 6, 15, "lead", eur(999), &[]);
        deal(&mut ws, 7, 16, "lead", eur(1), &[]);
        ws.apply(Command::Win { deal: id(7) }, &ctx(17)).unwrap();
        deal(&mut ws, 8, 9, "proposal", eur(100), &[]);
        trash(&mut ws, Kind::Deal, id(8), 18);

        let board = ws.board(id(PIPELINE), &BoardFilter::default()).unwrap();
        // Five live EUR deals (the won one counts) against two USD ones.
        assert_eq!(board.currency, euro());
        let cols: Vec<(&str, Vec<Id>, i64, i64)> = board
            .columns
            .iter()
            .map(|c| (c.stage.id.as_str(), c.deals.clone(), c.sum, c.weighted))
            .collect();
        assert_eq!(
            cols,
            vec![
                // 10% of 100.00 is 10.00; 10% of 9.99 is 0.999, rounded to 1.00.
                ("lead", vec![id(1), id(6)], 10_999, 1_000 + 100),
                // Ranked first (a, b), then by creation. 50% of 5 = 2.5 -> 3; 33% of 1000 = 330.
                ("proposal", vec![id(5), id(4), id(2), id(3)], 1_005, 3 + 330),
                ("negotiation", vec![], 0, 0),
            ]
        );
        let usd: Currency = "USD".parse().unwrap();
        // 50% of 20.00 = 10.00; 50% of 10.01 = 5.005 -> 5.01.
        assert_eq!(board.columns[1].other, vec![(usd, 3_001, 1_000 + 501)]);
        assert!(board.columns[0].other.is_empty());
        assert_eq!(ws.deals_in_stage(id(PIPELINE), "lead"), 2);
        assert_eq!(ws.deals_in_stage(id(PIPELINE), "proposal"), 4);
        assert_eq!(ws.board(id(12345), &BoardFilter::default()), None);
    }

    #[test]
    fn the_board_currency_is_the_pipelines_then_the_commonest() {
        let mut ws = with_pipeline();
        let currency = |ws: &Workspace| {
            ws.board(id(PIPELINE), &BoardFilter::default())
                .unwrap()
                .currency
        };
        assert_eq!(currency(&ws), euro(), "no deals: euros");
        deal(&mut ws, 1, 10, "lead", money(100, "USD"), &[]);
        deal(&mut ws, 2, 10, "lead", money(100, "GBP"), &[]);
        // A tie between GBP and USD: the first code.
        assert_eq!(currency(&ws), "GBP".parse().unwrap());
        deal(&mut ws, 3, 10, "lead", money(100, "USD"), &[]);
        assert_eq!(currency(&ws), "USD".parse().unwrap());
        set(
            &mut ws,
            Kind::Pipeline,
            id(PIPELINE),
            11,
            "currency",
            Some(text("jpy")),
        );
        assert_eq!(
            ws.get(Kind::Pipeline, id(PIPELINE))
                .unwrap()
                .text("currency"),
            Some("JPY"),
            "stored as the code"
        );
        let board = ws.board(id(PIPELINE), &BoardFilter::default()).unwrap();
        assert_eq!(board.currency, "JPY".parse().unwrap());
        assert_eq!(board.columns[0].sum, 0);
        assert_eq!(board.columns[0].other.len(), 2);
        let err = ws
            .apply(
                Command::Update {
                    kind: Kind::Pipeline,
                    id: id(PIPELINE),
                    fields: vec![("currency".into(), Some(text("euro")))],
                },
                &ctx(12),
            )
            .unwrap_err();
        assert_eq!(
            err,
            CommandError::Field(FieldError::Currency {
                field: "currency".into(),
                value: "euro".into()
            })
        );
    }

    #[test]
    fn filters_by_owner_territory_and_search() {
        let mut ws = with_pipeline();
        make(
            &mut ws,
            Kind::Territory,
            id(40),
            1,
            &[("name", text("North"))],
        );
        make(
            &mut ws,
            Kind::Member,
            id(50),
            1,
            &[("name", text("Mia")), ("color", text("#123456"))],
        );
        make(
            &mut ws,
            Kind::Company,
            id(60),
            1,
            &[
                ("name", text("Zephyr Labs")),
                ("kind", text("customer")),
                ("territory", link(id(40))),
            ],
        );
        make(
            &mut ws,
            Kind::Contact,
            id(70),
            1,
            &[("name", text("Quentin Blake"))],
        );
        deal(&mut ws, 1, 10, "lead", eur(1), &[("owner", link(id(50)))]);
        deal(&mut ws, 2, 11, "lead", eur(1), &[("company", link(id(60)))]);
        deal(
            &mut ws,
            3,
            12,
            "lead",
            eur(1),
            &[("contacts", links(&[id(70)]))],
        );
        set(
            &mut ws,
            Kind::Deal,
            id(1),
            13,
            "title",
            Some(text("Zeppelin refit")),
        );
        let shown = |f: BoardFilter| ws.board(id(PIPELINE), &f).unwrap().columns[0].deals.clone();
        assert_eq!(
            shown(BoardFilter {
                owner: Some(id(50)),
                ..Default::default()
            }),
            vec![id(1)]
        );
        assert_eq!(
            shown(BoardFilter {
                territory: Some(id(40)),
                ..Default::default()
            }),
            vec![id(2)]
        );
        let search = |s: &str| BoardFilter {
            search: Some(s.into()),
            ..Default::default()
        };
        assert_eq!(shown(search("zepp")), vec![id(1)]);
        assert_eq!(shown(search("zep")), vec![id(1), id(2)]);
        assert_eq!(shown(search("zephyr")), vec![id(2)]);
        assert_eq!(shown(search("blake")), vec![id(3)]);
        assert_eq!(shown(search("  ")), vec![id(1), id(2), id(3)]);
    }

    #[test]
    fn a_stage_with_open_deals_cannot_be_deleted() {
        let mut ws = with_pipeline();
        deal(&mut ws, 1, 10, "proposal", eur(1), &[]);
        deal(&mut ws, 2, 11, "proposal", eur(1), &[]);
        deal(&mut ws, 3, 12, "negotiation", eur(1), &[]);
        ws.apply(
            Command::Lose {
                deal: id(3),
                reason: "price".into(),
            },
            &ctx(13),
        )
        .unwrap();
        let without = |drop: &str| {
            let stages: Vec<Stage> = [
                Stage::new("lead", "Lead", 10, 0),
                Stage::new("proposal", "Proposal", 50, 1),
                Stage::new("negotiation", "Negotiation", 80, 2),
            ]
            .into_iter()
            .filter(|s| s.id != drop)
            .collect();
            Command::Update {
                kind: Kind::Pipeline,
                id: id(PIPELINE),
                fields: vec![("stages".into(), Some(stages_value(&stages)))],
            }
        };
        let err = ws.apply(without("proposal"), &ctx(14)).unwrap_err();
        assert_eq!(
            err,
            CommandError::StageInUse {
                stage: "Proposal".into(),
                deals: 2
            }
        );
        assert_eq!(
            err.to_string(),
            "move the 2 deals in Proposal to another stage first"
        );
        // Closed deals cannot be moved, so they do not hold a stage.
        ws.apply(without("negotiation"), &ctx(15)).unwrap();
        ws.apply(
            Command::MoveStage {
                deal: id(1),
                stage: "lead".into(),
            },
            &ctx(16),
        )
        .unwrap();
        ws.apply(
            Command::MoveStage {
                deal: id(2),
                stage: "lead".into(),
            },
            &ctx(17),
        )
        .unwrap();
        let rest = vec![Stage::new("lead", "Lead", 10, 0)];
        ws.apply(
            Command::Update {
                kind: Kind::Pipeline,
                id: id(PIPELINE),
                fields: vec![("stages".into(), Some(stages_value(&rest)))],
            },
            &ctx(18),
        )
        .unwrap();
        assert_eq!(
            ws.board(id(PIPELINE), &BoardFilter::default())
                .unwrap()
                .columns
                .len(),
            1
        );
    }

    #[test]
    fn a_deal_in_a_stage_deleted_elsewhere_shows_in_the_first_column() {
        let mut a = with_pipeline();
        deal(&mut a, 1, 10, "lead", eur(1), &[]);
        let mut b = Workspace::load(&a.save(), [2; 16]).unwrap();
        // Device A deletes the empty negotiation stage while device B moves a deal into it.
        let two = vec![
            Stage::new("lead", "Lead", 10, 0),
            Stage::new("proposal", "Proposal", 50, 1),
        ];
        set(
            &mut a,
            Kind::Pipeline,
            id(PIPELINE),
            11,
            "stages",
            Some(stages_value(&two)),
        );
        b.apply(
            Command::MoveStage {
                deal: id(1),
                stage: "negotiation".into(),
            },
            &ctx(12),
        )
        .unwrap();
        a.merge(&mut b).unwrap();
        let board = a.board(id(PIPELINE), &BoardFilter::default()).unwrap();
        assert_eq!(board.columns.len(), 2);
        assert_eq!(board.columns[0].deals, vec![id(1)]);
        // Its own stage's probability is gone; the column's applies.
        assert_eq!(board.columns[0].weighted, 0);
    }
}
