//! Getting a workspace in and out of bytes: loading from stored chunks (skipping damaged ones),
//! and the JSON export with its lossless import.

use std::collections::BTreeMap;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, Change, ScalarValue};
use serde_json::{Map, Value as Json, json};

use super::{Plan, RecordWrite, Workspace, WorkspaceError, Write, doc_err, genesis, genesis_hash};
use crate::command::{CommandError, Ctx};
use crate::id::Id;
use crate::money::Money;
use crate::record::Record;
use crate::schema::{FieldType, Kind};
use crate::time::Timestamp;
use crate::value::{FieldValue, validate};

pub const JSON_FORMAT: &str = "hearth-workspace-json";
const JSON_VERSION: u64 = 1;
const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];

/// A stored chunk that could not be used; the rest of the workspace still loads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkProblem {
    pub key: String,
    pub reason: String,
}

/// Splits bytes into Automerge storage chunks: magic, 4-byte checksum, type, LEB128 length, data.
fn split_chunks(bytes: &[u8]) -> Result<Vec<&[u8]>, String> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.len() < 9 || rest[..4] != MAGIC {
            return Err("not Automerge data".into());
        }
        let mut len: u64 = 0;
        let mut shift = 0;
        let mut i = 9;
        loop {
            let b = *rest.get(i).ok_or("truncated chunk header")?;
            len |= u64::from(b & 0x7f)
                .checked_shl(shift)
                .ok_or("bad chunk length")?;
            i += 1;
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
            if shift > 63 {
                return Err("bad chunk length".into());
            }
        }
        let end = usize::try_from(len)
            .ok()
            .and_then(|l| i.checked_add(l))
            .ok_or("bad chunk length")?;
        if end > rest.len() {
            return Err("truncated chunk".into());
        }
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    Ok(out)
}

/// Checks every Automerge chunk in `bytes` fully: documents load, changes decode and match
/// their checksum.
fn verify(bytes: &[u8]) -> Result<(), String> {
    for chunk in split_chunks(bytes)? {
        match chunk[8] {
            0 => {
                AutoCommit::load(chunk).map_err(|e| e.to_string())?;
            }
            1 | 2 => {
                let change = Change::try_from(chunk).map_err(|e| e.to_string())?;
                if change.hash().0[..4] != chunk[4..8] {
                    return Err("checksum mismatch".into());
                }
            }
            t => return Err(format!("unknown chunk type {t}")),
        }
    }
    Ok(())
}

/// Loads stored chunks on top of the genesis; a damaged chunk is skipped and reported.
fn load_chunks(chunks: &[(String, Vec<u8>)]) -> (AutoCommit, Vec<ChunkProblem>) {
    let mut problems = Vec::new();
    let mut sound: Vec<&(String, Vec<u8>)> = Vec::new();
    for chunk in chunks {
        match verify(&chunk.1) {
            Ok(()) => sound.push(chunk),
            Err(reason) => problems.push(ChunkProblem {
                key: chunk.0.clone(),
                reason,
            }),
        }
    }
    // All at once: Automerge applies a batch of changes far faster than the same changes one
    // chunk at a time (thousands of chunks after a large import).
    let mut doc = genesis();
    let all: Vec<u8> = sound.iter().flat_map(|(_, b)| b.iter().copied()).collect();
    if doc.load_incremental(&all).is_ok() {
        return (doc, problems);
    }
    // Then chunk by chunk, to find the one that does not apply.
    let mut doc = genesis();
    for (key, bytes) in sound {
        if let Err(e) = doc.load_incremental(bytes) {
            problems.push(ChunkProblem {
                key: key.clone(),
                reason: e.to_string(),
            });
        }
    }
    let order = |key: &String| chunks.iter().position(|(k, _)| k == key);
    problems.sort_by_key(|p| order(&p.key));
    (doc, problems)
}

/// A workspace's stored chunks compacted into one document chunk (`Workspace::save`), without
/// opening the workspace: the app runs this away from the page, where a full save of a large
/// workspace would hold it for a second. Returns the document and the keys it holds, which
/// are those of `chunks` but the damaged ones (reported as [`Workspace::open_chunks`] does).
pub fn compact_chunks(chunks: &[(String, Vec<u8>)]) -> (Vec<u8>, Vec<String>, Vec<ChunkProblem>) {
    let (mut doc, problems) = load_chunks(chunks);
    let held = chunks
        .iter()
        .filter(|(key, _)| !problems.iter().any(|p| &p.key == key))
        .map(|(key, _)| key.clone())
        .collect();
    (doc.save(), held, problems)
}

impl Workspace {
    /// Opens a workspace from stored chunks (snapshots first, then incrementals, as the caller
    /// orders them). A damaged chunk is skipped and reported; everything else loads.
    pub fn open_chunks(
        chunks: &[(String, Vec<u8>)],
        actor: [u8; 16],
    ) -> Result<(Workspace, Vec<ChunkProblem>), WorkspaceError> {
        let (mut doc, problems) = load_chunks(chunks);
        if doc.get_change_meta_by_hash(&genesis_hash()).is_none() {
            return Err(WorkspaceError::NotAWorkspace(
                "the stored data has no Hearth genesis".into(),
            ));
        }
        doc.set_actor(automerge::ActorId::from(actor));
        Ok((Workspace::from_doc(doc).loaded(), problems))
    }

    /// Every record as JSON (format `hearth-workspace-json`, version 1; see ARCHITECTURE.md).
    pub fn export_json(&self) -> String {
        let mut collections = Map::new();
        for kind in Kind::ALL {
            let records: Vec<Json> = self.records(kind).map(record_json).collect();
            collections.insert(kind.collection().to_owned(), Json::Array(records));
        }
        let doc = json!({ "format": JSON_FORMAT, "version": JSON_VERSION, "records": collections });
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    /// A new workspace holding exactly the records of a JSON export. Every value is validated;
    /// on any error nothing is created and the error names the record and field.
    pub fn import_json(
        json: &str,
        actor: [u8; 16],
        ctx: &Ctx,
    ) -> Result<Workspace, WorkspaceError> {
        let bad = |m: String| WorkspaceError::NotAWorkspace(m);
        let root: Json = serde_json::from_str(json).map_err(|e| bad(format!("not JSON: {e}")))?;
        if root.get("format").and_then(Json::as_str) != Some(JSON_FORMAT) {
            return Err(bad(format!("not a {JSON_FORMAT} file")));
        }
        let version = root.get("version").and_then(Json::as_u64).unwrap_or(0);
        if version != JSON_VERSION {
            return Err(bad(format!(
                "JSON version {version} is not supported (expected {JSON_VERSION})"
            )));
        }
        let records = root
            .get("records")
            .and_then(Json::as_object)
            .ok_or_else(|| bad("no records".into()))?;
        let mut ws = Workspace::new(actor);
        let mut plan = Plan::default();
        let mut meta = Vec::new();
        for (collection, list) in records {
            let kind = Kind::from_collection(collection)
                .ok_or_else(|| bad(format!("unknown collection {collection:?}")))?;
            for item in list
                .as_array()
                .ok_or_else(|| bad(format!("{collection} is not a list")))?
            {
                let (rw, m) =
                    record_from_json(kind, item).map_err(|e| bad(format!("{collection}: {e}")))?;
                plan.records.push(rw);
                meta.push(m);
            }
        }
        let kinds: std::collections::BTreeSet<Kind> = plan.records.iter().map(|r| r.kind).collect();
        for kind in kinds {
            ws.ensure_collection(kind).map_err(|e| bad(e.to_string()))?;
        }
        for (rw, m) in plan.records.iter().zip(&meta) {
            // Created with the record's own creation time and author, not the import's.
            let created = Ctx {
                now: m.created_at,
                by: m.created_by,
            };
            ws.write_record(rw, &created)
                .map_err(|e| bad(e.to_string()))?;
            ws.write_meta(m).map_err(|e| bad(e.to_string()))?;
        }
        ws.doc.commit_with(
            CommitOptions::default()
                .with_message(format!("{} import", super::MESSAGE_PREFIX))
                .with_time(ctx.now.0),
        );
        ws.refresh();
        Ok(ws)
    }

    fn write_meta(&mut self, m: &Meta) -> Result<(), CommandError> {
        let obj = self
            .record_obj(m.kind, m.id)
            .ok_or(CommandError::NotFound {
                kind: m.kind,
                id: m.id,
            })?;
        if let Some((at, by)) = m.trashed {
            self.doc
                .put(&obj, "trashed_at", ScalarValue::Timestamp(at.0))
                .map_err(doc_err)?;
            if let Some(by) = by {
                self.doc
                    .put(&obj, "trashed_by", by.to_string())
                    .map_err(doc_err)?;
            }
        }
        if let Some(into) = m.merged_into {
            self.doc
                .put(&obj, "merged_into", into.to_string())
                .map_err(doc_err)?;
        }
        for (stage, at, by) in &m.stages {
            self.push_stage_entry(&obj, stage, *at, *by)?;
        }
        Ok(())
    }
}

/// Record metadata written after the fields on import.
struct Meta {
    kind: Kind,
    id: Id,
    created_at: Timestamp,
    created_by: Option<Id>,
    trashed: Option<(Timestamp, Option<Id>)>,
    merged_into: Option<Id>,
    stages: Vec<(String, Timestamp, Option<Id>)>,
}

fn value_json(v: &FieldValue) -> Json {
    match v {
        FieldValue::Text(t) => json!(t),
        FieldValue::Int(n) => json!(n),
        FieldValue::Bool(b) => json!(b),
        FieldValue::Money(m) => json!({ "minor": m.minor, "currency": m.currency.code() }),
        FieldValue::Timestamp(t) => json!(t.0),
        FieldValue::Ref(id) => json!(id.to_string()),
        FieldValue::Set(s) => Json::Object(s.iter().map(|(k, l)| (k.clone(), json!(l))).collect()),
    }
}

fn record_json(r: &Record) -> Json {
    let fields: Map<String, Json> = r
        .fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), value_json(v)))
        .collect();
    let custom: Map<String, Json> = r
        .custom
        .iter()
        .map(|(k, v)| (k.to_string(), value_json(v)))
        .collect();
    let stages: Vec<Json> = r
        .stage_history
        .iter()
        .map(|e| json!({ "stage": e.stage, "at": e.at.0, "by": e.by.map(|b| b.to_string()) }))
        .collect();
    json!({
        "id": r.id.to_string(),
        "created_at": r.created_at.0,
        "created_by": r.created_by.map(|b| b.to_string()),
        "trashed_at": r.trashed.as_ref().map(|t| t.at.0),
        "trashed_by": r.trashed.as_ref().and_then(|t| t.by).map(|b| b.to_string()),
        "merged_into": r.merged_into.map(|m| m.to_string()),
        "fields": fields,
        "custom": custom,
        "stage_history": stages,
    })
}

fn opt_id(v: Option<&Json>, what: &str) -> Result<Option<Id>, String> {
    match v {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => s.parse().map(Some).map_err(|e| format!("{what}: {e}")),
        Some(_) => Err(format!("{what} must be an id")),
    }
}

fn json_value(ty: FieldType, v: &Json) -> Option<FieldValue> {
    use FieldType as T;
    Some(match (ty, v) {
        (T::Int { .. }, Json::Number(n)) => FieldValue::Int(n.as_i64()?),
        (T::Bool, Json::Bool(b)) => FieldValue::Bool(*b),
        (T::Money, Json::Object(m)) => FieldValue::Money(Money::new(
            m.get("minor")?.as_i64()?,
            m.get("currency")?.as_str()?.parse().ok()?,
        )),
        (T::Timestamp, Json::Number(n)) => FieldValue::Timestamp(Timestamp(n.as_i64()?)),
        (T::Ref(_), Json::String(s)) => FieldValue::Ref(s.parse().ok()?),
        (T::RefSet(_) | T::Tags | T::Emails | T::Phones | T::Stages, Json::Object(m)) => {
            let mut set = BTreeMap::new();
            for (k, l) in m {
                set.insert(k.clone(), l.as_str()?.to_owned());
            }
            FieldValue::Set(set)
        }
        (_, Json::String(s)) => FieldValue::Text(s.clone()),
        _ => return None,
    })
}

/// A custom value's shape is self-describing in JSON.
fn custom_json_value(v: &Json) -> Option<FieldValue> {
    Some(match v {
        Json::String(s) => FieldValue::Text(s.clone()),
        Json::Number(n) => FieldValue::Int(n.as_i64()?),
        Json::Bool(b) => FieldValue::Bool(*b),
        Json::Object(m) => FieldValue::Set(
            m.iter()
                .map(|(k, l)| (k.clone(), l.as_str().unwrap_or_default().to_owned()))
                .collect(),
        ),
        _ => return None,
    })
}

fn record_from_json(kind: Kind, item: &Json) -> Result<(RecordWrite, Meta), String> {
    let id: Id = item
        .get("id")
        .and_then(Json::as_str)
        .ok_or("a record without an id")?
        .parse()
        .map_err(|e| format!("{e}"))?;
    let at = |k: &str| item.get(k).and_then(Json::as_i64).map(Timestamp);
    let mut writes = Vec::new();
    let fields = item
        .get("fields")
        .and_then(Json::as_object)
        .ok_or_else(|| format!("{id}: no fields"))?;
    for (name, v) in fields {
        let spec = kind
            .field(name)
            .ok_or_else(|| format!("{id}: unknown field {name:?}"))?;
        let value =
            json_value(spec.ty, v).ok_or_else(|| format!("{id}: {name} has the wrong type"))?;
        let value = validate(spec, value).map_err(|e| format!("{id}: {e}"))?;
        writes.push(Write::Field(spec, value));
    }
    for spec in kind.fields().iter().filter(|s| s.required) {
        if !fields.contains_key(spec.name) {
            return Err(format!("{id}: {} is required", spec.name));
        }
    }
    if let Some(custom) = item.get("custom").and_then(Json::as_object) {
        for (field, v) in custom {
            let field: Id = field
                .parse()
                .map_err(|e| format!("{id}: custom field {field}: {e}"))?;
            let value = custom_json_value(v)
                .ok_or_else(|| format!("{id}: custom field {field} has an unknown type"))?;
            writes.push(Write::Custom(field, Some(value)));
        }
    }
    let mut stages = Vec::new();
    for e in item
        .get("stage_history")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let stage = e
            .get("stage")
            .and_then(Json::as_str)
            .ok_or_else(|| format!("{id}: a stage entry without a stage"))?;
        let when = Timestamp(e.get("at").and_then(Json::as_i64).unwrap_or(0));
        stages.push((stage.to_owned(), when, opt_id(e.get("by"), "by")?));
    }
    let meta = Meta {
        kind,
        id,
        created_at: at("created_at").unwrap_or_default(),
        created_by: opt_id(item.get("created_by"), "created_by")?,
        trashed: at("trashed_at").map(|t| (t, None)),
        merged_into: opt_id(item.get("merged_into"), "merged_into")?,
        stages,
    };
    let trashed_by = opt_id(item.get("trashed_by"), "trashed_by")?;
    let meta = Meta {
        trashed: meta.trashed.map(|(t, _)| (t, trashed_by)),
        ..meta
    };
    Ok((
        RecordWrite {
            kind,
            id,
            create: true,
            writes,
        },
        meta,
    ))
}
