//! Likely duplicates among contacts and companies, and a preview of what merging two does.
//!
//! Records are grouped by hash keys (an email, a phone number's digits, a name in search form
//! with word order ignored), never compared pairwise, so a workspace of 100 000 contacts is
//! checked in one pass.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::command::CommandError;
use crate::id::Id;
use crate::record::Record;
use crate::schema::Kind;
use crate::search::normalize;
use crate::value::{FieldValue, phone_key};
use crate::workspace::Workspace;

/// Why two records look like the same person or company; each carries the shared value as the
/// older record has it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchReason {
    Email(String),
    Phone(String),
    Name(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicatePair {
    pub kind: Kind,
    /// The older record (by creation time, then id): the natural one to keep.
    pub a: Id,
    pub b: Id,
    pub reasons: Vec<MatchReason>,
}

/// One field of a merge preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeRow {
    /// The field name, or for a custom field its label.
    pub field: String,
    /// The custom field definition, for custom fields.
    pub custom: Option<Id>,
    pub keep: Option<FieldValue>,
    pub remove: Option<FieldValue>,
    /// What the kept record holds after the merge.
    pub result: Option<FieldValue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergePreview {
    /// Fields where either record has a value, built-in fields in schema order, then custom
    /// fields by definition id.
    pub rows: Vec<MergeRow>,
    /// Records whose links to the removed record will point to the kept one.
    pub relinked: Vec<(Kind, Id)>,
}

/// Legal forms that say nothing about which company it is ("Acme Inc." is "ACME").
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "co",
    "corp",
    "corporation",
    "ooo",
    "ооо",
    "зао",
    "оао",
    "пао",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
];

/// A name in search form, words sorted so that "Lee Ann" is "Ann Lee"; company names lose
/// their legal form unless nothing else is left. `None` for a name without letters or digits.
pub fn name_key(kind: Kind, name: &str) -> Option<String> {
    let norm = normalize(name);
    let mut words: Vec<&str> = norm
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if kind == Kind::Company {
        let distinctive: Vec<&str> = words
            .iter()
            .copied()
            .filter(|w| !LEGAL_FORMS.contains(w))
            .collect();
        if !distinctive.is_empty() {
            words = distinctive;
        }
    }
    if words.is_empty() {
        return None;
    }
    words.sort_unstable();
    Some(words.join(" "))
}

/// The keys under which a record is filed, each with the reason it gives when shared.
fn keys(rec: &Record) -> BTreeMap<(u8, String), MatchReason> {
    let mut out = BTreeMap::new();
    let set = |field: &str| {
        rec.get(field)
            .and_then(FieldValue::as_set)
            .into_iter()
            .flat_map(|s| s.keys())
    };
    for email in set("emails") {
        let key = email.trim().to_lowercase();
        out.entry((0, key.clone()))
            .or_insert(MatchReason::Email(key));
    }
    for phone in set("phones") {
        let key = phone_key(phone);
        if !key.is_empty() {
            out.entry((1, key))
                .or_insert_with(|| MatchReason::Phone(phone.clone()));
        }
    }
    if let Some(key) = name_key(rec.kind, rec.title()) {
        out.insert((2, key), MatchReason::Name(rec.title().to_owned()));
    }
    out
}

/// Pairs records that share a key. `entries` are in age order (oldest first), each with its
/// keys; every group of k records sharing a key gives k-1 pairs, each with the group's oldest
/// record, so the work is linear in the number of keys. Returns pairs of entry indices (older
/// first) with their reasons sorted and merged.
fn pair_up<K: std::hash::Hash + Eq>(
    entries: impl IntoIterator<Item = impl IntoIterator<Item = (K, MatchReason)>>,
) -> BTreeMap<(usize, usize), BTreeSet<MatchReason>> {
    // key -> (reason as the oldest record gives it, that record's index)
    let mut first: HashMap<K, (MatchReason, usize)> = HashMap::new();
    let mut pairs: BTreeMap<(usize, usize), BTreeSet<MatchReason>> = BTreeMap::new();
    for (i, keys) in entries.into_iter().enumerate() {
        for (key, reason) in keys {
            match first.get(&key) {
                Some((shared, oldest)) if *oldest != i => {
                    pairs
                        .entry((*oldest, i))
                        .or_default()
                        .insert(shared.clone());
                }
                Some(_) => {}
                None => {
                    first.insert(key, (reason, i));
                }
            }
        }
    }
    pairs
}

impl Workspace {
    /// Likely duplicate contacts or companies (other kinds have none): live records sharing an
    /// email, a phone number or a name. Pairs are ordered by their older record, then the
    /// newer one.
    pub fn duplicates(&self, kind: Kind) -> Vec<DuplicatePair> {
        if !matches!(kind, Kind::Contact | Kind::Company) {
            return Vec::new();
        }
        let mut recs: Vec<&Record> = self.live(kind).collect();
        recs.sort_by_key(|r| (r.created_at, r.id));
        let pairs = pair_up(recs.iter().map(|r| keys(r)));
        pairs
            .into_iter()
            .map(|((a, b), reasons)| DuplicatePair {
                kind,
                a: recs[a].id,
                b: recs[b].id,
                reasons: reasons.into_iter().collect(),
            })
            .collect()
    }

    /// Exactly what `Command::MergeDuplicates { kind, keep, remove }` would do, without doing
    /// it; refused for the same reasons as the command.
    pub fn merge_preview(
        &self,
        kind: Kind,
        keep: Id,
        remove: Id,
    ) -> Result<MergePreview, CommandError> {
        let merge = self.merge_writes(kind, keep, remove)?;
        // `merge_writes` has checked that both exist.
        let (Some(k), Some(r)) = (self.get(kind, keep), self.get(kind, remove)) else {
            return Err(CommandError::NotFound { kind, id: keep });
        };
        let mut rows = Vec::new();
        for spec in kind.fields() {
            let (kv, rv) = (k.get(spec.name), r.get(spec.name));
            if kv.is_none() && rv.is_none() {
                continue;
            }
            let written = merge
                .fields
                .iter()
                .find(|(s, _)| s.name == spec.name)
                .map(|(_, v)| v.clone());
            rows.push(MergeRow {
                field: spec.name.to_owned(),
                custom: None,
                keep: kv.cloned(),
                remove: rv.cloned(),
                result: written.unwrap_or_else(|| kv.cloned()),
            });
        }
        let custom_fields: BTreeSet<Id> = k.custom.keys().chain(r.custom.keys()).copied().collect();
        for field in custom_fields {
            let (kv, rv) = (k.custom.get(&field), r.custom.get(&field));
            let written = merge
                .custom
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, v)| v);
            let label = self
                .get(Kind::CustomField, field)
                .and_then(|d| d.text("label"))
                .map_or_else(|| field.to_string(), str::to_owned);
            rows.push(MergeRow {
                field: label,
                custom: Some(field),
                keep: kv.cloned(),
                remove: rv.cloned(),
                result: written.or(kv).cloned(),
            });
        }
        Ok(MergePreview {
            rows,
            relinked: merge.relinked(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;
    use crate::testutil::*;

    fn contact(ws: &mut Workspace, n: u64, now: i64, name: &str, extra: &[(&str, FieldValue)]) {
        let mut fields = vec![("name", text(name))];
        fields.extend(extra.iter().cloned());
        make(ws, Kind::Contact, id(n), now, &fields);
    }

    fn company(ws: &mut Workspace, n: u64, now: i64, name: &str) {
        make(
            ws,
            Kind::Company,
            id(n),
            now,
            &[("name", text(name)), ("kind", text("customer"))],
        );
    }

    fn pair(kind: Kind, a: u64, b: u64, reasons: Vec<MatchReason>) -> DuplicatePair {
        DuplicatePair {
            kind,
            a: id(a),
            b: id(b),
            reasons,
        }
    }

    #[test]
    fn names_match_whatever_their_case_accents_and_word_order() {
        assert_eq!(
            name_key(Kind::Contact, "  José   LEE "),
            Some("jose lee".into())
        );
        assert_eq!(
            name_key(Kind::Contact, "Lee, Jose"),
            name_key(Kind::Contact, "jose lee")
        );
        assert_eq!(name_key(Kind::Company, "Acme, Inc."), Some("acme".into()));
        assert_eq!(
            name_key(Kind::Company, "ООО «Ромашка»"),
            Some("ромашка".into())
        );
        assert_eq!(
            name_key(Kind::Company, "Müller GmbH & Co. KG"),
            Some("kg muller".into())
        );
        // A name that is nothing but a legal form keeps it.
        assert_eq!(name_key(Kind::Company, "S.A."), Some("a s".into()));
        // Contacts keep every word: "Co" may be a name.
        assert_eq!(name_key(Kind::Contact, "Ann Co"), Some("ann co".into()));
        assert_eq!(name_key(Kind::Contact, "-- !"), None);
    }

    #[test]
    fn contacts_sharing_an_email_phone_or_name() {
        let mut ws = Workspace::new([1; 16]);
        let email = |e: &str| FieldValue::set([e]);
        let phone = |p: &str| FieldValue::set([p]);
        contact(&mut ws, 1, 10, "Ann Lee", &[("emails", email("ann@x.com"))]);
        contact(&mut ws, 2, 20, "lee ANN", &[]);
        contact(&mut ws, 3, 30, "Bob", &[("emails", email("ANN@X.com"))]);
        contact(
            &mut ws,
            4,
            40,
            "Carl",
            &[("phones", phone("+49 30 1234567"))],
        );
        contact(
            &mut ws,
            5,
            50,
            "Dora",
            &[("phones", phone("+49 (30) 123-4567"))],
        );
        contact(&mut ws, 6, 60, "Ann Lee", &[("emails", email("ann@x.com"))]);
        contact(&mut ws, 7, 70, "Ann Lee", &[]);
        trash(&mut ws, Kind::Contact, id(7), 71);
        contact(&mut ws, 8, 80, "Eve", &[("phones", phone("030 1234567"))]);
        // Created earlier but with a larger id: age decides which one is "a".
        contact(&mut ws, 9, 5, "Zed", &[("phones", phone("0912 000 1111"))]);
        contact(&mut ws, 10, 5, "Zoe", &[("phones", phone("۰۹۱۲۰۰۰۱۱۱۱"))]);

        let email_r = MatchReason::Email("ann@x.com".into());
        let name_r = MatchReason::Name("Ann Lee".into());
        assert_eq!(
            ws.duplicates(Kind::Contact),
            vec![
                pair(
                    Kind::Contact,
                    9,
                    10,
                    vec![MatchReason::Phone("0912 000 1111".into())]
                ),
                pair(Kind::Contact, 1, 2, vec![name_r.clone()]),
                pair(Kind::Contact, 1, 3, vec![email_r.clone()]),
                // Found by two keys: one pair with both reasons.
                pair(Kind::Contact, 1, 6, vec![email_r, name_r]),
                pair(
                    Kind::Contact,
                    4,
                    5,
                    vec![MatchReason::Phone("+49 30 1234567".into())]
                ),
            ]
        );
        assert!(ws.duplicates(Kind::Deal).is_empty());
    }

    #[test]
    fn companies_match_without_their_legal_form() {
        let mut ws = Workspace::new([1; 16]);
        company(&mut ws, 1, 10, "Acme Inc.");
        company(&mut ws, 2, 20, "ACME");
        company(&mut ws, 3, 30, "Acme, LLC");
        company(&mut ws, 4, 40, "Acme Rockets Ltd");
        company(&mut ws, 5, 50, "ООО «Ромашка»");
        company(&mut ws, 6, 60, "ромашка");
        let acme = [MatchReason::Name("Acme Inc.".into())];
        assert_eq!(
            ws.duplicates(Kind::Company),
            vec![
                pair(Kind::Company, 1, 2, acme.to_vec()),
                pair(Kind::Company, 1, 3, acme.to_vec()),
                pair(
                    Kind::Company,
                    5,
                    6,
                    vec![MatchReason::Name("ООО «Ромашка»".into())]
                ),
            ]
        );
    }

    #[test]
    fn a_large_group_gives_one_pair_per_record_after_the_first() {
        // 100 000 records in 1 000 groups of 100 sharing a key, plus every record sharing a
        // second key with its neighbour in another grouping: linear work, k-1 pairs a group.
        let n = 100_000usize;
        let entries = (0..n).map(|i| {
            vec![
                (
                    format!("g{}", i % 1000),
                    MatchReason::Name(format!("g{}", i % 1000)),
                ),
                (
                    format!("h{}", i / 2),
                    MatchReason::Email(format!("h{}", i / 2)),
                ),
            ]
        });
        let pairs = pair_up(entries);
        // Groups by i % 1000: 1000 groups of 100 -> 99 000 pairs, all (j, j + 1000 m).
        // Groups by i / 2: 50 000 groups of 2 -> pairs (2m, 2m + 1), never one of the above.
        assert_eq!(pairs.len(), 99_000 + 50_000);
        assert_eq!(
            pairs.get(&(7, 7 + 99_000)),
            Some(&BTreeSet::from([MatchReason::Name("g7".into())]))
        );
        assert_eq!(
            pairs.get(&(10, 11)),
            Some(&BTreeSet::from([MatchReason::Email("h5".into())]))
        );
        assert!(!pairs.contains_key(&(1000, 2000)), "only with the oldest");
    }

    #[test]
    fn merging_a_contact_with_their_manager_leaves_no_link_between_them() {
        for (keep, remove) in [(1, 2), (2, 1)] {
            let mut ws = Workspace::new([1; 16]);
            contact(&mut ws, 1, 1, "Ann Lee", &[]);
            // 2 reports to 1; 3 reports to 2.
            contact(&mut ws, 2, 2, "Ann Lee", &[("reports_to", link(id(1)))]);
            contact(&mut ws, 3, 3, "Bo", &[("reports_to", link(id(2)))]);
            let preview = ws
                .merge_preview(Kind::Contact, id(keep), id(remove))
                .unwrap();
            let reports = preview.rows.iter().find(|r| r.field == "reports_to");
            assert_eq!(
                reports.and_then(|r| r.result.clone()),
                None,
                "{keep} {remove}"
            );
            ws.apply(
                Command::MergeDuplicates {
                    kind: Kind::Contact,
                    keep: id(keep),
                    remove: id(remove),
                },
                &ctx(4),
            )
            .unwrap();
            // Neither the kept contact's own manager (the other one, now in the trash) nor
            // itself: no manager.
            assert_eq!(
                ws.get(Kind::Contact, id(keep)).unwrap().get("reports_to"),
                None
            );
            // Whoever reported to either now reports to the kept one.
            let expected = if remove == 2 {
                Some(&link(id(1)))
            } else {
                Some(&link(id(2)))
            };
            assert_eq!(
                ws.get(Kind::Contact, id(3)).unwrap().get("reports_to"),
                expected
            );
        }
    }

    #[test]
    fn merge_preview_is_what_the_merge_does() {
        let mut ws = Workspace::new([1; 16]);
        company(&mut ws, 50, 1, "Acme");
        make(
            &mut ws,
            Kind::CustomField,
            id(60),
            1,
            &[
                ("record_kind", text("contacts")),
                ("label", text("Shoe size")),
                ("field_type", text("number")),
            ],
        );
        contact(
            &mut ws,
            1,
            2,
            "Ann Lee",
            &[
                ("emails", FieldValue::set(["ann@a.com"])),
                ("notes", text("met at fair")),
                ("city", text("Berlin")),
            ],
        );
        contact(
            &mut ws,
            2,
            3,
            "Ann Lee",
            &[
                ("emails", FieldValue::set(["ann@b.com"])),
                ("notes", text("prefers email")),
                ("city", text("Paris")),
                ("job_title", text("CTO")),
                ("company", link(id(50))),
            ],
        );
        ws.apply(
            Command::SetCustom {
                kind: Kind::Contact,
                id: id(2),
                field: id(60),
                value: Some(FieldValue::Int(42)),
            },
            &ctx(4),
        )
        .unwrap();
        make(
            &mut ws,
            Kind::Activity,
            id(3),
            5,
            &[
                ("kind", text("call")),
                ("at", at(5)),
                ("contacts", links(&[id(2)])),
            ],
        );
        make(
            &mut ws,
            Kind::Task,
            id(4),
            5,
            &[("title", text("Call Ann")), ("contact", link(id(2)))],
        );

        let preview = ws.merge_preview(Kind::Contact, id(1), id(2)).unwrap();
        let row = |field: &str| {
            preview
                .rows
                .iter()
                .find(|r| r.field == field)
                .unwrap_or_else(|| panic!("no row {field}"))
        };
        assert_eq!(
            preview
                .rows
                .iter()
                .map(|r| r.field.as_str())
                .collect::<Vec<_>>(),
            [
                "name",
                "emails",
                "job_title",
                "company",
                "city",
                "notes",
                "Shoe size"
            ]
        );
        assert_eq!(
            row("emails").result,
            Some(FieldValue::set(["ann@a.com", "ann@b.com"]))
        );
        assert_eq!(
            row("city").result,
            Some(text("Berlin")),
            "the kept value wins"
        );
        assert_eq!(row("job_title").keep, None);
        assert_eq!(row("job_title").result, Some(text("CTO")));
        assert_eq!(
            row("notes").result,
            Some(text("met at fair\n\nprefers email"))
        );
        assert_eq!(row("Shoe size").custom, Some(id(60)));
        assert_eq!(row("Shoe size").result, Some(FieldValue::Int(42)));
        assert_eq!(
            preview.relinked,
            vec![(Kind::Activity, id(3)), (Kind::Task, id(4))]
        );

        ws.apply(
            Command::MergeDuplicates {
                kind: Kind::Contact,
                keep: id(1),
                remove: id(2),
            },
            &ctx(6),
        )
        .unwrap();
        let kept = ws.get(Kind::Contact, id(1)).unwrap();
        for r in &preview.rows {
            let actual = match r.custom {
                Some(def) => kept.custom.get(&def),
                None => kept.get(&r.field),
            };
            assert_eq!(actual, r.result.as_ref(), "{}", r.field);
        }
        let shown: BTreeSet<&str> = preview.rows.iter().map(|r| r.field.as_str()).collect();
        for name in kept.fields.keys() {
            assert!(shown.contains(name), "{name} changed but is not previewed");
        }
        for (k, other) in &preview.relinked {
            let rec = ws.get(*k, *other).unwrap();
            let points_to_kept = rec.get("contact") == Some(&link(id(1)))
                || rec.get("contacts") == Some(&links(&[id(1)]));
            assert!(points_to_kept, "{k} {other}");
        }

        assert_eq!(
            ws.merge_preview(Kind::Contact, id(1), id(1)),
            Err(CommandError::MergeWithSelf)
        );
        assert_eq!(
            ws.merge_preview(Kind::Contact, id(1), id(2)),
            Err(CommandError::Trashed {
                kind: Kind::Contact,
                id: id(2)
            })
        );
    }
}
