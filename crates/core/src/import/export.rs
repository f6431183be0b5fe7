//! Any list to CSV: the records of a `Query` in its order, the chosen columns, one header row
//! of field names (custom fields by their label).
//!
//! Cells are written in the forms the importer reads back, so an export re-imports into an
//! empty workspace as the same records: amounts as `EUR 1234.50`; times as
//! `YYYY-MM-DDTHH:MM:SSZ` (or milliseconds when they have a fraction of a second); emails and
//! phones as `label: value, value`; tags as `a, b`; links by name — a company, pipeline,
//! territory or teammate by its name, a contact as `Name <first email>` (or its name); a
//! deal's stage by its name. A link to a record that is not here is written as its id.

use crate::form::{format_timestamp, plain_amount};
use crate::id::Id;
use crate::pipeline::stages;
use crate::query::{FieldKey, Query};
use crate::record::Record;
use crate::schema::{FieldType, Kind};
use crate::time::Timestamp;
use crate::value::FieldValue;
use crate::workspace::Workspace;

use super::csv::{CsvWriter, Delimiter};

/// The columns an export of `kind` has by default: every built-in field in schema order
/// (a deal's board `rank` left out), then the kind's custom fields.
pub fn default_columns(ws: &Workspace, kind: Kind) -> Vec<FieldKey> {
    kind.fields()
        .iter()
        .filter(|f| !(kind == Kind::Deal && f.name == "rank"))
        .map(|f| FieldKey::Field(f.name.to_owned()))
        .chain(ws.custom_fields(kind).into_iter().map(FieldKey::Custom))
        .collect()
}

/// A column's header: the field name, a custom field's label, `created_at` or `territory`.
pub fn column_header(ws: &Workspace, key: &FieldKey) -> String {
    match key {
        FieldKey::Field(name) => name.clone(),
        FieldKey::Custom(id) => ws
            .get(Kind::CustomField, *id)
            .and_then(|d| d.text("label"))
            .map_or_else(|| id.to_string(), str::to_owned),
        FieldKey::CreatedAt => "created_at".to_owned(),
        FieldKey::Territory => "territory".to_owned(),
    }
}

/// The header and the rows of an export, as text (for the CSV file, or a command line).
pub fn export_rows(
    ws: &Workspace,
    query: &Query,
    columns: &[FieldKey],
) -> (Vec<String>, Vec<Vec<String>>) {
    let header = columns.iter().map(|k| column_header(ws, k)).collect();
    let rows = ws
        .query(query)
        .into_iter()
        .flat_map(|g| g.ids)
        .filter_map(|id| ws.get(query.kind, id))
        .map(|rec| columns.iter().map(|k| cell(ws, rec, k)).collect())
        .collect();
    (header, rows)
}

/// The list as CSV: comma-separated, CRLF, a byte order mark for spreadsheet programs, and
/// the formula guard (see `csv`).
pub fn export_csv(ws: &Workspace, query: &Query, columns: &[FieldKey]) -> String {
    let (header, rows) = export_rows(ws, query, columns);
    let mut w = CsvWriter::new(Delimiter::Comma, true);
    w.row(&header);
    for row in &rows {
        w.row(row);
    }
    w.finish()
}

fn cell(ws: &Workspace, rec: &Record, key: &FieldKey) -> String {
    match key {
        FieldKey::Field(name) => {
            let Some(spec) = rec.kind.field(name) else {
                return String::new();
            };
            match (rec.kind, spec.name, rec.get(name)) {
                (Kind::Deal, "stage", Some(FieldValue::Text(stage))) => stage_name(ws, rec, stage),
                (_, _, Some(v)) => value_text(ws, spec.ty, v),
                (_, _, None) => String::new(),
            }
        }
        FieldKey::Custom(def) => ws
            .custom_value(rec.kind, rec.id, *def)
            .map(|v| value_text(ws, ws.custom_type(*def), &v))
            .unwrap_or_default(),
        FieldKey::CreatedAt => time_text(rec.created_at),
        FieldKey::Territory => ws
            .territory_of(rec.kind, rec.id)
            .map(|t| link_text(ws, Kind::Territory, t))
            .unwrap_or_default(),
    }
}

fn stage_name(ws: &Workspace, deal: &Record, stage: &str) -> String {
    deal.get("pipeline")
        .and_then(FieldValue::as_ref_id)
        .and_then(|p| ws.get(Kind::Pipeline, p))
        .and_then(|p| stages(p).into_iter().find(|s| s.id == stage))
        .map_or_else(|| stage.to_owned(), |s| s.name)
}

/// An instant the importer reads back exactly.
pub(crate) fn time_text(t: Timestamp) -> String {
    if t.0.rem_euclid(1000) != 0 {
        return t.0.to_string();
    }
    let seconds = t.0.div_euclid(1000).rem_euclid(60);
    format!("{}:{seconds:02}Z", format_timestamp(t))
}

/// A contact as a cell: `Name <email>` with its first email, else its name.
pub(crate) fn person_text(rec: &Record) -> String {
    let name = rec.title();
    let name = if name.contains([',', ';', '<', '>', '"', '\n', '\r', '،', '؛']) {
        format!("\"{}\"", name.replace('"', ""))
    } else {
        name.to_owned()
    };
    match rec
        .get("emails")
        .and_then(FieldValue::as_set)
        .and_then(|s| s.keys().next())
    {
        Some(email) => format!("{name} <{email}>"),
        None => name,
    }
}

fn link_text(ws: &Workspace, kind: Kind, id: Id) -> String {
    match ws.get(kind, id) {
        Some(rec) if kind == Kind::Contact => person_text(rec),
        Some(rec) => rec.title().to_owned(),
        None => id.to_string(),
    }
}

pub(crate) fn value_text(ws: &Workspace, ty: FieldType, v: &FieldValue) -> String {
    match (ty, v) {
        (_, FieldValue::Text(t)) => t.clone(),
        (_, FieldValue::Int(n)) => n.to_string(),
        (_, FieldValue::Bool(b)) => b.to_string(),
        (_, FieldValue::Money(m)) => format!("{} {}", m.currency.code(), plain_amount(m)),
        (_, FieldValue::Timestamp(t)) => time_text(*t),
        (FieldType::Ref(kind), FieldValue::Ref(id)) => link_text(ws, kind, *id),
        (_, FieldValue::Ref(id)) => id.to_string(),
        (FieldType::RefSet(kind), FieldValue::Set(ids)) => ids
            .keys()
            .map(|k| match k.parse::<Id>() {
                Ok(id) => link_text(ws, kind, id),
                Err(_) => k.clone(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        (FieldType::Emails | FieldType::Phones, FieldValue::Set(items)) => items
            .iter()
            .map(|(value, label)| {
                if label.is_empty() {
                    value.clone()
                } else {
                    format!("{label}: {value}")
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
        (_, FieldValue::Set(items)) => items
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", "),
    }
}
