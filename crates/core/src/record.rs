//! A record as the app reads it, decoded from its map in the workspace document.

use std::collections::BTreeMap;

use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value, hydrate};

use crate::id::Id;
use crate::schema::{FieldType, Kind};
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

/// Reads the record stored in map `obj`: one hydrating pass over its subtree.
pub(crate) fn read_record<D: ReadDoc>(doc: &D, kind: Kind, id: Id, obj: &ObjId) -> Record {
    match doc.hydrate(obj, None) {
        Ok(hydrate::Value::Map(map)) => record_from_map(kind, id, &map),
        _ => record_from_map(kind, id, &hydrate::Map::default()),
    }
}

fn hydrated_set(v: &hydrate::Value) -> Option<BTreeMap<String, String>> {
    let hydrate::Value::Map(m) = v else {
        return None;
    };
    Some(
        m.iter()
            .map(|(k, mv)| {
                let label = match &mv.value {
                    hydrate::Value::Scalar(s) => s.as_str().unwrap_or_default().to_owned(),
                    _ => String::new(),
                };
                (k.clone(), label)
            })
            .collect(),
    )
}

fn hydrated_field(ty: FieldType, v: &hydrate::Value) -> Option<FieldValue> {
    use FieldType as T;
    match (ty, v) {
        (T::LongText, hydrate::Value::Text(t)) => {
            let text = String::from(t);
            (!text.is_empty()).then_some(FieldValue::Text(text))
        }
        (T::RefSet(_) | T::Tags | T::Emails | T::Phones | T::Stages, v) => hydrated_set(v)
            .filter(|s| !s.is_empty())
            .map(FieldValue::Set),
        (ty, hydrate::Value::Scalar(s)) => decode_scalar(ty, s),
        _ => None,
    }
}

fn hydrated_custom(v: &hydrate::Value) -> Option<FieldValue> {
    match v {
        hydrate::Value::Map(_) => hydrated_set(v).map(FieldValue::Set),
        hydrate::Value::Scalar(s) => match s {
            ScalarValue::Str(t) => Some(FieldValue::Text(t.to_string())),
            ScalarValue::Int(n) => Some(FieldValue::Int(*n)),
            ScalarValue::Boolean(b) => Some(FieldValue::Bool(*b)),
            ScalarValue::Timestamp(t) => Some(FieldValue::Timestamp(Timestamp(*t))),
            _ => None,
        },
        _ => None,
    }
}

/// Decodes a record from its hydrated map.
pub(crate) fn record_from_map(kind: Kind, id: Id, map: &hydrate::Map) -> Record {
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
    let scalar = |v: &hydrate::Value| match v {
        hydrate::Value::Scalar(s) => Some(s.clone()),
        _ => None,
    };
    let mut trashed_at = None;
    let mut trashed_by = None;
    for (key, mv) in map.iter() {
        let value = &mv.value;
        match key.as_str() {
            "created_at" => {
                rec.created_at = scalar(value)
                    .as_ref()
                    .and_then(scalar_time)
                    .unwrap_or_default()
            }
            "created_by" => rec.created_by = scalar(value).as_ref().and_then(scalar_id),
            "trashed_at" => trashed_at = scalar(value).as_ref().and_then(scalar_time),
            "trashed_by" => trashed_by = scalar(value).as_ref().and_then(scalar_id),
            "merged_into" => rec.merged_into = scalar(value).as_ref().and_then(scalar_id),
            "custom" => {
                if let hydrate::Value::Map(m) = value {
                    for (field, fv) in m.iter() {
                        if let (Ok(field_id), Some(v)) =
                            (field.parse::<Id>(), hydrated_custom(&fv.value))
                        {
                            rec.custom.insert(field_id, v);
                        }
                    }
                }
            }
            "stage_history" => {
                if let hydrate::Value::List(list) = value {
                    for item in list.iter() {
                        let hydrate::Value::Map(e) = &item.value else {
                            continue;
                        };
                        let get = |k: &str| e.get(k).and_then(scalar);
                        let Some(stage) = get("stage").and_then(|s| s.as_str().map(str::to_owned))
                        else {
                            continue;
                        };
                        rec.stage_history.push(StageEntry {
                            stage,
                            at: get("at").as_ref().and_then(scalar_time).unwrap_or_default(),
                            by: get("by").as_ref().and_then(scalar_id),
                        });
                    }
                    // Concurrent moves are appended by different replicas; time order is what
                    // matters, and list order (the same everywhere) breaks ties.
                    rec.stage_history.sort_by_key(|e| e.at);
                }
            }
            name => {
                if let Some(spec) = kind.field(name)
                    && let Some(v) = hydrated_field(spec.ty, value)
                {
                    rec.fields.insert(spec.name, v);
                }
            }
        }
    }
    rec.trashed = trashed_at.map(|at| Trashed { at, by: trashed_by });
    rec
}
