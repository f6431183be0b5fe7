//! List queries: filter, sort and group records by any field, custom fields included, and the
//! saved views that store them.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::id::Id;
use crate::record::Record;
use crate::schema::Kind;
use crate::search::normalize;
use crate::value::{FieldValue, decode_money};
use crate::workspace::Workspace;

/// A field of a record, built-in or custom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKey {
    Field(String),
    Custom(Id),
    /// When the record was created.
    CreatedAt,
    /// The territory the record belongs to, its own or inherited (`Workspace::territory_of`),
    /// as a link: `Equals` takes the territory's id or name.
    Territory,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    IsEmpty,
    NotEmpty,
    /// Same value, compared in search form (case and diacritics ignored); for sets, contains it.
    Equals(String),
    /// Text contains (in search form); for sets, a member contains it.
    Contains(String),
    /// Numbers, amounts (minor units), times (ms) and dates (`YYYY-MM-DD` compared as text).
    AtLeast(String),
    AtMost(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub key: FieldKey,
    pub op: FilterOp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub key: FieldKey,
    #[serde(default)]
    pub descending: bool,
}

/// What a list shows. Serialised as JSON into saved views.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    pub kind: Kind,
    #[serde(default)]
    pub filters: Vec<Filter>,
    #[serde(default)]
    pub sort: Vec<Sort>,
    #[serde(default)]
    pub group_by: Option<FieldKey>,
    /// Full-text search words, all of which must match as prefixes.
    #[serde(default)]
    pub search: Option<String>,
    /// Show the trash instead of live records.
    #[serde(default)]
    pub trashed: bool,
}

impl Query {
    pub fn new(kind: Kind) -> Self {
        Self {
            kind,
            filters: Vec::new(),
            sort: Vec::new(),
            group_by: None,
            search: None,
            trashed: false,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Result<Query, String> {
        serde_json::from_str(s).map_err(|e| format!("this saved view cannot be read: {e}"))
    }

    /// The command that saves this query as a view called `name` (a `SavedView` record).
    pub fn save_as(&self, id: Id, name: &str) -> crate::command::Command {
        crate::command::Command::Create {
            kind: Kind::SavedView,
            id,
            fields: vec![
                ("name".into(), FieldValue::text(name)),
                (
                    "record_kind".into(),
                    FieldValue::text(self.kind.collection()),
                ),
                ("query".into(), FieldValue::text(self.to_json())),
            ],
            custom: vec![],
        }
    }
}

/// A group of results; ungrouped queries return one group with an empty label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The grouping value as text (a linked record's title, a tag, ...); empty for "none".
    pub label: String,
    pub ids: Vec<Id>,
}

/// How many changed records a cached query is patched with before it is re-run instead.
const PATCH_LIMIT: usize = 256;
/// How many list queries are kept (a few lists and their searches).
const CACHED_QUERIES: usize = 8;

#[derive(Debug)]
pub(crate) struct CachedQuery {
    query: Query,
    /// `Workspace::change_seq` when `rows` were last brought up to date.
    seen: u64,
    rows: Vec<(Vec<Option<SortValue>>, Id)>,
}

/// The latest list queries' sorted rows, most recently used last.
#[derive(Debug, Default)]
pub(crate) struct QueryCache {
    entries: Vec<CachedQuery>,
}

impl QueryCache {
    fn take(&mut self, q: &Query) -> Option<CachedQuery> {
        let at = self.entries.iter().position(|e| e.query == *q)?;
        Some(self.entries.remove(at))
    }

    fn put(&mut self, entry: CachedQuery) {
        if self.entries.len() >= CACHED_QUERIES {
            self.entries.remove(0);
        }
        self.entries.push(entry);
    }
}

/// Compares two rows' sort values the way the query's sorts say; missing values last.
fn compare_keys(sort: &[Sort], a: &[Option<SortValue>], b: &[Option<SortValue>]) -> Ordering {
    for ((x, y), s) in a.iter().zip(b).zip(sort) {
        let ord = match (x, y) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => {
                let o = x.partial_cmp(y).unwrap_or(Ordering::Equal);
                if s.descending { o.reverse() } else { o }
            }
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

/// A value reduced to something comparable.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum SortValue {
    Number(f64),
    Text(String),
}

impl Kind {
    fn serde_name(self) -> &'static str {
        self.collection()
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.serde_name())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Kind::from_collection(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown record kind {s:?}")))
    }
}

fn value_of<'a>(
    ws: &Workspace,
    rec: &'a Record,
    key: &FieldKey,
) -> Option<std::borrow::Cow<'a, FieldValue>> {
    use std::borrow::Cow;
    match key {
        FieldKey::Field(name) => rec.get(name).map(Cow::Borrowed),
        FieldKey::Custom(id) => rec.custom.get(id).map(Cow::Borrowed),
        FieldKey::CreatedAt => Some(Cow::Owned(FieldValue::Timestamp(rec.created_at))),
        FieldKey::Territory => ws
            .territory_of(rec.kind, rec.id)
            .map(|t| Cow::Owned(FieldValue::Ref(t))),
    }
}

impl Workspace {
    /// A linked record's title, or the id when it is not here.
    fn label_of(&self, value: &FieldValue) -> Vec<String> {
        match value {
            FieldValue::Ref(id) => vec![self.title_of(*id).unwrap_or_else(|| id.to_string())],
            FieldValue::Set(items) => items
                .keys()
                .map(|k| {
                    k.parse::<Id>()
                        .ok()
                        .and_then(|id| self.title_of(id))
                        .unwrap_or_else(|| k.clone())
                })
                .collect(),
            FieldValue::Text(t) => vec![t.clone()],
            FieldValue::Int(n) => vec![n.to_string()],
            FieldValue::Bool(b) => vec![b.to_string()],
            FieldValue::Money(m) => vec![m.to_string()],
            FieldValue::Timestamp(t) => vec![t.0.to_string()],
        }
    }

    fn title_of(&self, id: Id) -> Option<String> {
        Kind::ALL
            .into_iter()
            .find_map(|k| self.get(k, id))
            .map(|r| r.title().to_owned())
    }

    fn sort_value(&self, value: &FieldValue) -> SortValue {
        match value {
            FieldValue::Int(n) => SortValue::Number(*n as f64),
            FieldValue::Money(m) => SortValue::Number(m.minor as f64),
            FieldValue::Timestamp(t) => SortValue::Number(t.0 as f64),
            FieldValue::Bool(b) => SortValue::Number(f64::from(u8::from(*b))),
            FieldValue::Text(t) => match decode_money(t) {
                // Custom money values are stored as text `EUR:123`.
                Some(m) => SortValue::Number(m.minor as f64),
                None => SortValue::Text(normalize(t)),
            },
            other => SortValue::Text(normalize(&self.label_of(other).join(" "))),
        }
    }

    fn matches(&self, rec: &Record, filter: &Filter) -> bool {
        let value = value_of(self, rec, &filter.key);
        let number = |v: &FieldValue| match self.sort_value(v) {
            SortValue::Number(n) => Some(n),
            SortValue::Text(_) => None,
        };
        match (&filter.op, value) {
            (FilterOp::IsEmpty, v) => v.is_none(),
            (FilterOp::NotEmpty, v) => v.is_some(),
            (_, None) => false,
            (FilterOp::Equals(want), Some(v)) => {
                let want = normalize(want);
                let by_id = matches!(v.as_ref(), FieldValue::Ref(id) if id.to_string() == want)
                    || matches!(v.as_ref(), FieldValue::Set(s) if s.contains_key(want.as_str()));
                by_id || self.label_of(&v).iter().any(|l| normalize(l) == want)
            }
            (FilterOp::Contains(want), Some(v)) => {
                let want = normalize(want);
                self.label_of(&v)
                    .iter()
                    .any(|l| normalize(l).contains(&want))
            }
            (FilterOp::AtLeast(bound) | FilterOp::AtMost(bound), Some(v)) => {
                let at_least = matches!(filter.op, FilterOp::AtLeast(_));
                let ord = match (number(&v), bound.trim().parse::<f64>()) {
                    (Some(n), Ok(b)) => n.partial_cmp(&b),
                    _ => Some(self.label_of(&v).join(" ").as_str().cmp(bound.trim())),
                };
                match ord {
                    Some(Ordering::Less) => !at_least,
                    Some(Ordering::Greater) => at_least,
                    Some(Ordering::Equal) => true,
                    None => false,
                }
            }
        }
    }

    /// Runs a list query. Records without a sort value come last; ties keep id order, so the
    /// result is the same on every replica.
    ///
    /// Ungrouped queries are cached: when only records of the listed kind changed since (an
    /// edit, a colleague's change) and the query reads nothing from other records, the cached
    /// rows are patched record by record instead of filtering and sorting the whole kind.
    pub fn query(&self, q: &Query) -> Vec<Group> {
        // A cached answer is patched without reading every record, and sorting or filtering
        // may follow links to other kinds.
        self.note_read_all();
        if q.group_by.is_some() {
            let recs = self
                .sorted(q)
                .into_iter()
                .map(|(_, r)| r)
                .collect::<Vec<_>>();
            return self.grouped(q, recs);
        }
        let seq = self.change_seq();
        let mut cache = self.query_cache.borrow_mut();
        let ids = match cache.take(q) {
            Some(mut hit) => {
                if hit.seen != seq {
                    match self
                        .changes_since(hit.seen)
                        .filter(|c| c.len() <= PATCH_LIMIT)
                    {
                        Some(changes) if self.patchable(q) => self.patch(q, &mut hit.rows, changes),
                        _ => hit.rows = self.sorted_keys(q),
                    }
                    hit.seen = seq;
                }
                let ids = hit.rows.iter().map(|(_, id)| *id).collect();
                cache.put(hit);
                ids
            }
            None => {
                let rows = self.sorted_keys(q);
                let ids = rows.iter().map(|(_, id)| *id).collect();
                cache.put(CachedQuery {
                    query: q.clone(),
                    seen: seq,
                    rows,
                });
                ids
            }
        };
        vec![Group {
            label: String::new(),
            ids,
        }]
    }

    /// Whether changes can be applied to cached rows of `q` one record at a time: the query
    /// reads only the listed records' own plain fields, so other records' changes do not
    /// matter and each changed record's place depends on it alone.
    fn patchable(&self, q: &Query) -> bool {
        let own = |key: &FieldKey| match key {
            FieldKey::CreatedAt => true,
            FieldKey::Field(name) => q.kind.field(name).is_some_and(|f| {
                !matches!(
                    f.ty,
                    crate::schema::FieldType::Ref(_) | crate::schema::FieldType::RefSet(_)
                )
            }),
            FieldKey::Custom(_) | FieldKey::Territory => false,
        };
        q.search.is_none()
            && q.filters.iter().all(|f| own(&f.key))
            && q.sort.iter().all(|s| own(&s.key))
    }

    fn row_key(&self, q: &Query, r: &Record) -> Vec<Option<SortValue>> {
        q.sort
            .iter()
            .map(|s| value_of(self, r, &s.key).map(|v| self.sort_value(&v)))
            .collect()
    }

    fn listed(&self, q: &Query, r: &Record, hits: Option<&std::collections::BTreeSet<Id>>) -> bool {
        r.is_trashed() == q.trashed
            && hits.is_none_or(|h| h.contains(&r.id))
            && q.filters.iter().all(|f| self.matches(r, f))
    }

    /// Moves each changed record of the listed kind to where a full query would put it.
    fn patch(
        &self,
        q: &Query,
        rows: &mut Vec<(Vec<Option<SortValue>>, Id)>,
        changes: &[(Kind, Id)],
    ) {
        let touched: std::collections::BTreeSet<Id> = changes
            .iter()
            .filter(|(k, _)| *k == q.kind)
            .map(|(_, id)| *id)
            .collect();
        if touched.is_empty() {
            return;
        }
        rows.retain(|(_, id)| !touched.contains(id));
        for id in touched {
            let Some(r) = self.get(q.kind, id).filter(|r| self.listed(q, r, None)) else {
                continue;
            };
            let key = self.row_key(q, r);
            let at = rows.partition_point(|(k, other)| {
                compare_keys(&q.sort, k, &key).then(other.cmp(&id)) == Ordering::Less
            });
            rows.insert(at, (key, id));
        }
    }

    /// Every listed record with its sort values, sorted.
    fn sorted_keys(&self, q: &Query) -> Vec<(Vec<Option<SortValue>>, Id)> {
        self.sorted(q).into_iter().map(|(k, r)| (k, r.id)).collect()
    }

    fn sorted<'a>(&'a self, q: &Query) -> Vec<(Vec<Option<SortValue>>, &'a Record)> {
        let hits = q
            .search
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| self.search_all(s));
        let mut keyed: Vec<(Vec<Option<SortValue>>, &Record)> = self
            .records(q.kind)
            .filter(|r| self.listed(q, r, hits.as_ref()))
            .map(|r| (self.row_key(q, r), r))
            .collect();
        // Records come in id order and the sort is stable, so ties keep id order.
        if !q.sort.is_empty() {
            keyed.sort_by(|(a, _), (b, _)| compare_keys(&q.sort, a, b));
        }
        keyed
    }

    fn grouped(&self, q: &Query, recs: Vec<&Record>) -> Vec<Group> {
        let Some(group_key) = &q.group_by else {
            return vec![Group {
                label: String::new(),
                ids: recs.iter().map(|r| r.id).collect(),
            }];
        };
        // A record with several values (tags) appears in each of their groups.
        let mut groups: BTreeMap<String, Vec<Id>> = BTreeMap::new();
        for r in recs {
            let labels = value_of(self, r, group_key)
                .map(|v| self.label_of(&v))
                .unwrap_or_default();
            if labels.is_empty() {
                groups.entry(String::new()).or_default().push(r.id);
            }
            for l in labels {
                groups.entry(l).or_default().push(r.id);
            }
        }
        let mut out: Vec<Group> = groups
            .into_iter()
            .map(|(label, ids)| Group { label, ids })
            .collect();
        // The "no value" group goes last.
        out.sort_by_key(|g| g.label.is_empty());
        out
    }

    /// Ids matching a search, trashed records included (the trash view searches too).
    fn search_all(&self, query: &str) -> std::collections::BTreeSet<Id> {
        self.with_search_index(|index| index.search(query))
            .into_iter()
            .map(|(_, id)| id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_round_trip_through_json() {
        let q = Query {
            kind: Kind::Deal,
            filters: vec![Filter {
                key: FieldKey::Field("status".into()),
                op: FilterOp::Equals("open".into()),
            }],
            sort: vec![Sort {
                key: FieldKey::Custom(Id::from_bytes([7; 16])),
                descending: true,
            }],
            group_by: Some(FieldKey::Field("stage".into())),
            search: Some("acme".into()),
            trashed: false,
        };
        assert_eq!(Query::from_json(&q.to_json()), Ok(q));
        assert!(
            Query::from_json("{\"kind\":\"planets\"}")
                .unwrap_err()
                .contains("planets")
        );
        assert!(Query::from_json("not json").is_err());
    }
}
