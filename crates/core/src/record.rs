//! A record as the app reads it, decoded from its map in the workspace document.

use std::collections::BTreeMap;

use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value};

use crate::id::Id;
use crate::schema::{FieldSpec, FieldType, Kind};
use crate::time::Timestamp;
use crate::value::{FieldValue, decode_money};

/// Keys of a record map that are not fields.
pub const RESERVED: &[&str] = &[
    "created_at",
    "created_by",
    "trashed_at",
    "trashed_by",
    "merged_into",
    "custom",
    "stage_history",
];

/// One step of a deal through its pipeline, for time-in-stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageEntry {
    pub stage: String,
    pub at: Timestamp,
    pub by: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trashed {
    pub at: Timestamp,
    pub by: Option<Id>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub kind: Kind,
    pub id: Id,
    pub fields: BTreeMap<&'static str, FieldValue>,
    /// Custom field values by definition id, decoded without their definition (money stays
    /// text `EUR:123`; see `Workspace::custom_value`).
    pub custom: BTreeMap<Id, FieldValue>,
    pub created_at: Timestamp,
    pub created_by: Option<Id>,
    pub trashed: Option<Trashed>,
    /// Set when this record was merged into another as a duplicate.
    pub merged_into: Option<Id>,
    pub stage_history: Vec<StageEntry>,
}

impl Record {
    pub fn get(&self, field: &str) -> Option<&FieldValue> {
        self.fields.get(field)
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        self.get(field).and_then(FieldValue::as_text)
    }

    pub fn is_trashed(&self) -> bool {
        self.trashed.is_some()
    }

    /// The record's name as lists show it.
    pub fn title(&self) -> &str {
        self.text("name")
            .or_else(|| self.text("title"))
            .or_else(|| self.text("label"))
            .or_else(|| self.text("subject"))
            .unwrap_or_default()
    }
}

fn scalar_id(v: &ScalarValue) -> Option<Id> {
    v.as_str().and_then(|s| s.parse().ok())
}

fn scalar_time(v: &ScalarValue) -> Option<Timestamp> {
    match v {
        ScalarValue::Timestamp(t) | ScalarValue::Int(t) => Some(Timestamp(*t)),
        _ => None,
    }
}

/// Reads a set stored as a map of key -> label (or `true`).
fn read_set<D: ReadDoc>(
    doc: &D,
    obj: &ObjId,
    heads: Option<&[automerge::ChangeHash]>,
) -> BTreeMap<String, String> {
    let keys: Vec<String> = match heads {
        Some(h) => doc.keys_at(obj, h).collect(),
        None => doc.keys(obj).collect(),
    };
    keys.into_iter()
        .map(|k| {
            let label = match heads {
                Some(h) => doc.get_at(obj, k.as_str(), h),
                None => doc.get(obj, k.as_str()),
            };
            let label = match label {
                Ok(Some((Value::Scalar(s), _))) => s.as_str().unwrap_or_default().to_owned(),
                _ => String::new(),
            };
            (k, label)
        })
        .collect()
}

/// Decodes a stored field value; `None` for a missing or unreadable value (a record written
/// by a newer version, or damaged, still shows everything else).
pub(crate) fn decode_field<D: ReadDoc>(
    doc: &D,
    ty: FieldType,
    value: Value<'_>,
    obj: &ObjId,
    heads: Option<&[automerge::ChangeHash]>,
) -> Option<FieldValue> {
    use FieldType as T;
    match (ty, value) {
        (T::LongText, Value::Object(ObjType::Text)) => {
            let text = match heads {
                Some(h) => doc.text_at(obj, h),
                None => doc.text(obj),
            }
            .ok()?;
            (!text.is_empty()).then_some(FieldValue::Text(text))
        }
        (
            T::RefSet(_) | T::Tags | T::Emails | T::Phones | T::Stages,
            Value::Object(ObjType::Map),
        ) => {
            let set = read_set(doc, obj, heads);
            (!set.is_empty()).then_some(FieldValue::Set(set))
        }
        (_, Value::Object(_)) => None,
        (ty, Value::Scalar(s)) => decode_scalar(ty, &s),
    }
}

fn decode_scalar(ty: FieldType, s: &ScalarValue) -> Option<FieldValue> {
    use FieldType as T;
    match ty {
        T::Int { .. } => s.as_i64().map(FieldValue::Int),
        T::Bool => s.as_bool().map(FieldValue::Bool),
        T::Money => s.as_str().and_then(decode_money).map(FieldValue::Money),
        T::Timestamp => scalar_time(s).map(FieldValue::Timestamp),
        T::Ref(_) => scalar_id(s).map(FieldValue::Ref),
        T::LongText | T::RefSet(_) | T::Tags | T::Emails | T::Phones | T::Stages => None,
        T::Text
        | T::Email
        | T::Phone
        | T::Url
        | T::Date
        | T::Birthday
        | T::Color
        | T::Choice(_) => s.as_str().map(|t| FieldValue::Text(t.to_owned())),
    }
}

/// A custom value decoded by its stored shape alone.
fn decode_custom<D: ReadDoc>(doc: &D, value: Value<'_>, obj: &ObjId) -> Option<FieldValue> {
    match value {
        Value::Object(ObjType::Map) => Some(FieldValue::Set(read_set(doc, obj, None))),
        Value::Object(_) => None,
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(t) => Some(FieldValue::Text(t.to_string())),
            ScalarValue::Int(n) => Some(FieldValue::Int(*n)),
            ScalarValue::Boolean(b) => Some(FieldValue::Bool(*b)),
            ScalarValue::Timestamp(t) => Some(FieldValue::Timestamp(Timestamp(*t))),
            _ => None,
        },
    }
}

/// Reads the record stored in map `obj`.
pub(crate) fn read_record<D: ReadDoc>(doc: &D, kind: Kind, id: Id, obj: &ObjId) -> Record {
    let mut rec = Record {
        kind,
        id,
        fields: BTreeMap::new(),
        custom: BTreeMap::new(),
        created_at: Timestamp(0),
        created_by: None,
        trashed: None,
        merged_into: None,
        stage_history: Vec::new(),
    };
    let mut trashed_at = None;
    let mut trashed_by = None;
    let keys: Vec<String> = doc.keys(obj).collect();
    for key in keys {
        let Ok(Some((value, child))) = doc.get(obj, key.as_str()) else {
            continue;
        };
        match key.as_str() {
            "created_at" => rec.created_at = value.to_scalar_time().unwrap_or_default(),
            "created_by" => rec.created_by = value.as_scalar().and_then(scalar_id),
            "trashed_at" => trashed_at = value.to_scalar_time(),
            "trashed_by" => trashed_by = value.as_scalar().and_then(scalar_id),
            "merged_into" => rec.merged_into = value.as_scalar().and_then(scalar_id),
            "custom" => {
                let ids: Vec<String> = doc.keys(&child).collect();
                for field in ids {
                    let Ok(field_id) = field.parse::<Id>() else {
                        continue;
                    };
                    if let Ok(Some((v, o))) = doc.get(&child, field.as_str())
                        && let Some(fv) = decode_custom(doc, v, &o)
                    {
                        rec.custom.insert(field_id, fv);
                    }
                }
            }
            "stage_history" => rec.stage_history = read_stage_history(doc, &child),
            name => {
                let Some(spec): Option<&FieldSpec> = kind.field(name) else {
                    continue;
                };
                if let Some(v) = decode_field(doc, spec.ty, value, &child, None) {
                    rec.fields.insert(spec.name, v);
                }
            }
        }
    }
    rec.trashed = trashed_at.map(|at| Trashed { at, by: trashed_by });
    rec
}

fn read_stage_history<D: ReadDoc>(doc: &D, list: &ObjId) -> Vec<StageEntry> {
    let mut out = Vec::new();
    for i in 0..doc.length(list) {
        let Ok(Some((Value::Object(ObjType::Map), entry))) = doc.get(list, i) else {
            continue;
        };
        let get = |k: &str| match doc.get(&entry, k) {
            Ok(Some((Value::Scalar(s), _))) => Some(s.into_owned()),
            _ => None,
        };
        let Some(stage) = get("stage").and_then(|s| s.as_str().map(str::to_owned)) else {
            continue;
        };
        out.push(StageEntry {
            stage,
            at: get("at").as_ref().and_then(scalar_time).unwrap_or_default(),
            by: get("by").as_ref().and_then(scalar_id),
        });
    }
    // Concurrent moves are appended by different replicas; time order is what matters.
    out.sort_by_key(|e| e.at);
    out
}

trait ScalarTime {
    fn to_scalar_time(&self) -> Option<Timestamp>;
}

impl ScalarTime for Value<'_> {
    fn to_scalar_time(&self) -> Option<Timestamp> {
        self.as_scalar().and_then(scalar_time)
    }
}
