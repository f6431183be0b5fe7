//! From rows and a mapping to the commands of an import: values typed and validated as the
//! app's editors read them (`form::parse_input`), links resolved by name, duplicates found,
//! rows that cannot be imported reported with their line and reason.
//!
//! **Cells.** Several columns may go to one field: emails, phones and tags are united; street
//! lines are joined with `, `; notes with a blank line; for any other field the first
//! non-empty cell (in column order) wins. Emails and phones are lists (`,` `;` line breaks or
//! ` ::: `), each item optionally `label: value`; tags likewise. Dates and birthdays are read
//! in the spellings exports use (`cells::normalize_date`); choices ignore case; a company size
//! may be a head count. Amounts without a currency code are in the row's currency column, else
//! [`ImportOptions::currency`].
//!
//! **Links by name.** `company` (contacts, deals) is an existing company with the same name
//! (compared as duplicates compare them: case, diacritics, word order and legal forms like
//! `Inc`/`ООО` ignored) or its id; otherwise it is created once for the whole import (kind
//! [`ImportOptions::company_kind`]), unless [`ImportOptions::create_companies`] is off, when
//! the row is rejected. A deal's `contacts` are `Name <email>`, an email or a name, matched by
//! email, then name, then id, and otherwise created likewise (name, and email if given).
//! `territory` and `pipeline` are matched by name or id and otherwise created; a new pipeline
//! gets the stages its deals name, in the order they first appear, with probability 0. A
//! deal's `stage` is a stage id or name of its pipeline (an existing pipeline's unknown stage
//! rejects the row); a deal without a pipeline goes to [`ImportOptions::pipeline`], else the
//! first pipeline, and without a stage to the pipeline's first stage. `owner` is a teammate's
//! name or email; an unknown one is left empty with a warning. A contact's `reports_to` is an
//! existing contact or one in the file (email, then name), resolved when the plan is made; an
//! unknown one, or one that would make a loop, is left empty with a warning.
//!
//! **Duplicates.** A row is a duplicate of an existing live record, else of an earlier row of
//! the file, when they share an email (case ignored), a phone number (its digits and leading
//! `+`), or a normalised name (`duplicates::name_key`) together with the same company: for
//! contacts name + company name (both without a company also match), for companies the name,
//! for deals the title + company. Matches with existing records come first, then email, phone
//! and name. For each the caller chooses ([`Choices`]): `Skip` the row, `Merge` it into the
//! record (empty fields filled, emails/phones/tags/contacts united, notes appended when new,
//! custom fields filled; a deal's pipeline, stage and status are never changed), or `Create`
//! it anyway. A row merged into an earlier row merges into whatever that row became.
//!
//! **All or nothing.** Every row is checked while the plan is built; a row that fails is not
//! imported and is listed ([`Draft::rejected`]) with its line and reason, and can be written
//! back as CSV with a reason column ([`Draft::rejected_csv`]). The plan's commands are applied
//! as one `apply_batch` (one undo step) when the workspace accepts links to records created in
//! the same batch; see [`ImportPlan::apply`] for how it proceeds until then.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::command::{Command, CommandError, Ctx};
use crate::custom::custom_type;
use crate::duplicates::{MatchReason, name_key};
use crate::form::parse_input;
use crate::id::Id;
use crate::money::Currency;
use crate::pipeline::{Stage, stages, stages_value};
use crate::schema::{COMPANY_KINDS, CUSTOM_TYPES, FieldSpec, FieldType, Kind};
use crate::search::normalize;
use crate::value::{FieldError, FieldValue, phone_key, validate_as};
use crate::workspace::{UndoStepId, Workspace};

use super::cells::{
    PersonRef, SlashOrder, clean_label, company_size, labelled_items, normalize_date_in,
    person_ref, person_refs, slash_evidence, tag_items,
};
use super::csv::{CsvWriter, Delimiter};
use super::mapping::{Mapping, NamePart, Target};
use super::{ImportError, Row};

/// Settings of one import beyond the mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportOptions {
    /// The currency of amounts that name none (`Workspace::default_currency` is a good
    /// default).
    pub currency: Currency,
    /// Create companies named in a contact's or deal's company column that do not exist.
    pub create_companies: bool,
    /// Create contacts named in a deal's contacts column that do not exist.
    pub create_contacts: bool,
    /// The kind of the companies an import creates when the file does not say (one of
    /// `schema::COMPANY_KINDS`).
    pub company_kind: String,
    /// The pipeline of deals whose row names none; `None`: the first pipeline.
    pub pipeline: Option<Id>,
    /// How many rows [`PlanBuilder::preview`] keeps.
    pub preview_rows: usize,
}

impl ImportOptions {
    pub fn new(currency: Currency) -> Self {
        Self {
            currency,
            create_companies: true,
            create_contacts: true,
            company_kind: "customer".to_owned(),
            pipeline: None,
            preview_rows: 20,
        }
    }
}

/// What to do with a row that duplicates a record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    /// Leave the record as it is and do not import the row.
    #[default]
    Skip,
    /// Fill the record's empty fields from the row and unite its sets.
    Merge,
    /// Import the row as a new record all the same.
    Create,
}

/// The choices for duplicate rows: one for all, and any per row (by line number).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choices {
    pub all: Choice,
    pub rows: HashMap<usize, Choice>,
}

impl Choices {
    pub fn all(choice: Choice) -> Self {
        Self {
            all: choice,
            rows: HashMap::new(),
        }
    }

    pub fn set(&mut self, line: usize, choice: Choice) -> &mut Self {
        self.rows.insert(line, choice);
        self
    }

    pub fn of(&self, line: usize) -> Choice {
        self.rows.get(&line).copied().unwrap_or(self.all)
    }
}

/// What a duplicate row duplicates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DupOf {
    Existing(Id),
    /// An earlier row of the file, by its line.
    Row(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub line: usize,
    pub of: DupOf,
    /// The shared values, as the row has them.
    pub reasons: Vec<MatchReason>,
}

/// Why a row cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error(
        "the row has {cells} cells but the header has {columns}: a delimiter or a quote is probably missing"
    )]
    TooManyCells { cells: usize, columns: usize },
    #[error("company: there is no company {0:?} (creating companies is turned off)")]
    UnknownCompany(String),
    #[error("contacts: there is no contact {0:?} (creating contacts is turned off)")]
    UnknownContact(String),
    #[error("there is no pipeline to put the deal in: create one, or map a pipeline column")]
    NoPipeline,
    #[error("stage: pipeline {pipeline:?} has no stage {stage:?}")]
    UnknownStage { pipeline: String, stage: String },
}

/// A row that will not be imported: its cells as read, for writing it back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: usize,
    pub cells: Vec<String>,
    pub reason: RowError,
}

/// Something left out of a row that is imported all the same.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowWarning {
    #[error("{field}: no teammate is called {name:?}, so it is left empty")]
    UnknownMember { field: String, name: String },
    #[error("reports_to: there is no contact {0:?} here or in the file, so it is left empty")]
    UnknownManager(String),
    #[error("reports_to: {0:?} would make a loop in the org chart, so it is left empty")]
    ReportingLoop(String),
    #[error("custom field {0:?} has no values in the file, so it was not created")]
    EmptyChoiceField(String),
    /// Each with the first cell showing it and its line.
    #[error(
        "dates: line {} has {:?}, day first, and line {} has {:?}, month first, so each date \
         like 05/06/2024 is read month first unless its first number is over 12",
        day_first.0, day_first.1, month_first.0, month_first.1
    )]
    MixedDateOrder {
        day_first: (usize, String),
        month_first: (usize, String),
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The row's line; 0 for a warning about the whole file.
    pub line: usize,
    pub warning: RowWarning,
}

/// One value of a preview row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PreviewValue {
    /// A built-in field's value as it will be stored.
    Field {
        field: &'static str,
        value: FieldValue,
    },
    /// A link to an existing record.
    Link {
        field: &'static str,
        id: Id,
        name: String,
    },
    /// A link to a record this import creates.
    NewLink { field: &'static str, name: String },
    /// A link resolved when the plan is made (a manager may come later in the file).
    Later { field: &'static str, name: String },
    /// A custom field's value; `id` is `None` for a field this import creates.
    Custom {
        label: String,
        id: Option<Id>,
        value: FieldValue,
    },
}

/// A row as it will be stored, or why it will not be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewRow {
    pub line: usize,
    pub values: Vec<PreviewValue>,
    pub error: Option<RowError>,
    pub duplicate: Option<DupOf>,
}

/// What an import does, counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows read, blank ones left out.
    pub rows: usize,
    pub blank: usize,
    pub rejected: usize,
    /// Records of the imported kind created.
    pub created: usize,
    /// Rows merged into an existing record or into another row.
    pub merged: usize,
    /// Existing records changed by merges.
    pub updated: usize,
    /// Duplicate rows skipped.
    pub skipped: usize,
    pub companies_created: usize,
    pub contacts_created: usize,
    pub pipelines_created: usize,
    pub territories_created: usize,
    pub custom_fields_created: usize,
}

// ----- internal representation -----

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Ref {
    Existing(Id),
    New(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum StageRef {
    Existing(String),
    New(usize),
}

/// A record to write, before ids are drawn.
#[derive(Debug, Clone, Default)]
struct Pending {
    fields: BTreeMap<&'static str, FieldValue>,
    custom: BTreeMap<usize, FieldValue>,
    company: Option<Ref>,
    contacts: Vec<Ref>,
    pipeline: Option<Ref>,
    stage: Option<StageRef>,
    owner: Option<Id>,
    territory: Option<Ref>,
    reports_to: Option<PersonRef>,
}

impl Pending {
    /// Folds `other` into `self`: empty fields filled, sets united, notes appended.
    fn absorb(&mut self, other: &Pending) {
        for (name, value) in &other.fields {
            match (self.fields.get_mut(name), value) {
                (None, v) => {
                    self.fields.insert(name, v.clone());
                }
                (Some(FieldValue::Set(mine)), FieldValue::Set(theirs)) => {
                    unite(name, mine, theirs);
                }
                (Some(FieldValue::Text(mine)), FieldValue::Text(theirs))
                    if *name == "notes" && !mine.contains(theirs.as_str()) =>
                {
                    mine.push_str("\n\n");
                    mine.push_str(theirs);
                }
                _ => {}
            }
        }
        for (slot, v) in &other.custom {
            self.custom.entry(*slot).or_insert_with(|| v.clone());
        }
        for c in &other.contacts {
            if !self.contacts.contains(c) {
                self.contacts.push(*c);
            }
        }
        if self.company.is_none() {
            self.company = other.company;
        }
        if self.pipeline.is_none() {
            self.pipeline = other.pipeline;
            self.stage = other.stage.clone();
        }
        if self.owner.is_none() {
            self.owner = other.owner;
        }
        if self.territory.is_none() {
            self.territory = other.territory;
        }
        if self.reports_to.is_none() {
            self.reports_to = other.reports_to.clone();
        }
    }
}

/// Adds `theirs` to the set `mine`: an email already there in another case, or a phone
/// number with the same digits, is not added again.
fn unite(field: &str, mine: &mut BTreeMap<String, String>, theirs: &BTreeMap<String, String>) {
    let key = |k: &str| match field {
        "emails" => k.to_lowercase(),
        "phones" => phone_key(k),
        _ => k.to_owned(),
    };
    let have: HashSet<String> = mine.keys().map(|k| key(k)).collect();
    for (k, l) in theirs {
        if !have.contains(&key(k)) {
            mine.entry(k.clone()).or_insert_with(|| l.clone());
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum DupKey {
    Email(String),
    Phone(String),
    Name(String),
}

/// Records this import creates because rows name them.
#[derive(Debug, Clone, Default)]
struct NewRecords {
    /// (name, email, first line naming it)
    items: Vec<(String, Option<String>, usize)>,
    keys: HashMap<String, usize>,
}

impl NewRecords {
    fn find(&self, key: &str) -> Option<usize> {
        self.keys.get(key).copied()
    }

    fn add(&mut self, keys: &[String], name: &str, email: Option<&str>, line: usize) -> usize {
        if let Some(i) = keys.iter().find_map(|k| self.find(k)) {
            return i;
        }
        let i = self.items.len();
        self.items
            .push((name.to_owned(), email.map(str::to_owned), line));
        for k in keys {
            self.keys.entry(k.clone()).or_insert(i);
        }
        i
    }
}

#[derive(Debug, Clone)]
struct NewPipeline {
    name: String,
    line: usize,
    stages: Vec<String>,
    stage_keys: HashMap<String, usize>,
}

#[derive(Debug, Clone)]
enum CustomDef {
    Existing(Id),
    New {
        label: String,
        field_type: String,
        /// Options of a select, in the order found.
        options: Vec<String>,
        /// Option in search form -> option as first spelt.
        option_keys: HashMap<String, String>,
    },
}

#[derive(Debug, Clone)]
struct CustomSlot {
    def: CustomDef,
    ty: FieldType,
    label: String,
    /// The options an existing select allows.
    allowed: Option<Vec<String>>,
    select: bool,
}

#[derive(Debug, Clone)]
enum Col {
    Skip,
    Field {
        spec: &'static FieldSpec,
        label: String,
    },
    Part(NamePart),
    Currency,
    Custom(usize),
}

/// A field's spec and its non-empty cells, each with its label.
type FieldCells<'a> = (&'static FieldSpec, Vec<(&'a str, String)>);

/// A looked-up record: id and title.
type Found = (Id, String);

/// The workspace as an import needs it, read once.
#[derive(Debug, Default)]
struct Index {
    dup: HashMap<DupKey, Id>,
    companies: HashMap<String, Found>,
    company_key: HashMap<Id, String>,
    contacts: HashMap<String, Found>,
    members: HashMap<String, Found>,
    territories: HashMap<String, Found>,
    pipelines: HashMap<String, Found>,
    stages: HashMap<Id, Vec<Stage>>,
    first_pipeline: Option<Id>,
    next_custom_position: i64,
}

fn name_of(kind: Kind, name: &str) -> String {
    name_key(kind, name).unwrap_or_else(|| normalize(name.trim()))
}

fn simple_key(name: &str) -> String {
    normalize(name.trim())
}

impl Index {
    fn build(ws: &Workspace, kind: Kind, need_contacts: bool) -> Index {
        let mut ix = Index::default();
        let by_age = |k: Kind| {
            let mut recs: Vec<_> = ws.live(k).collect();
            recs.sort_by_key(|r| (r.created_at, r.id));
            recs
        };
        for c in by_age(Kind::Company) {
            let key = name_of(Kind::Company, c.title());
            ix.company_key.insert(c.id, key.clone());
            let found = (c.id, c.title().to_owned());
            ix.companies.entry(key).or_insert_with(|| found.clone());
            ix.companies.insert(c.id.to_string(), found);
        }
        if need_contacts {
            for c in by_age(Kind::Contact) {
                let found = (c.id, c.title().to_owned());
                for email in c
                    .get("emails")
                    .and_then(FieldValue::as_set)
                    .into_iter()
                    .flatten()
                {
                    ix.contacts
                        .entry(email.0.to_lowercase())
                        .or_insert_with(|| found.clone());
                }
                ix.contacts
                    .entry(name_of(Kind::Contact, c.title()))
                    .or_insert_with(|| found.clone());
                ix.contacts.insert(c.id.to_string(), found);
            }
        }
        for m in by_age(Kind::Member) {
            let found = (m.id, m.title().to_owned());
            if let Some(email) = m.text("email") {
                ix.members
                    .entry(email.to_lowercase())
                    .or_insert_with(|| found.clone());
            }
            ix.members
                .entry(simple_key(m.title()))
                .or_insert_with(|| found.clone());
            ix.members.insert(m.id.to_string(), found);
        }
        for t in by_age(Kind::Territory) {
            let found = (t.id, t.title().to_owned());
            ix.territories
                .entry(simple_key(t.title()))
                .or_insert_with(|| found.clone());
            ix.territories.insert(t.id.to_string(), found);
        }
        let mut pipelines: Vec<_> = ws.live(Kind::Pipeline).collect();
        pipelines.sort_by(|a, b| {
            let pos = |r: &crate::record::Record| match r.get("position") {
                Some(FieldValue::Int(n)) => *n,
                _ => i64::MAX,
            };
            pos(a)
                .cmp(&pos(b))
                .then_with(|| a.title().cmp(b.title()))
                .then(a.id.cmp(&b.id))
        });
        ix.first_pipeline = pipelines.first().map(|p| p.id);
        for p in pipelines {
            let found = (p.id, p.title().to_owned());
            ix.pipelines
                .entry(simple_key(p.title()))
                .or_insert_with(|| found.clone());
            ix.pipelines.insert(p.id.to_string(), found);
            ix.stages.insert(p.id, stages(p));
        }
        ix.next_custom_position = ws
            .live(Kind::CustomField)
            .filter_map(|d| match d.get("position") {
                Some(FieldValue::Int(n)) => Some(*n),
                _ => None,
            })
            .max()
            .map_or(0, |n| n.saturating_add(1));
        for rec in by_age(kind) {
            let company = rec
                .get("company")
                .and_then(FieldValue::as_ref_id)
                .and_then(|c| ix.company_key.get(&c).cloned());
            for key in record_keys(kind, rec, company.as_deref()) {
                ix.dup.entry(key).or_insert(rec.id);
            }
        }
        ix
    }
}

/// The duplicate keys of a record's values.
fn keys_of(
    kind: Kind,
    fields: &BTreeMap<&'static str, FieldValue>,
    company_key: Option<&str>,
) -> Vec<(DupKey, MatchReason)> {
    let mut out = Vec::new();
    let set = |name: &str| {
        fields
            .get(name)
            .and_then(FieldValue::as_set)
            .into_iter()
            .flat_map(|s| s.keys())
    };
    for email in set("emails") {
        let key = email.trim().to_lowercase();
        out.push((DupKey::Email(key.clone()), MatchReason::Email(key)));
    }
    for phone in set("phones") {
        let key = phone_key(phone);
        if !key.is_empty() {
            out.push((DupKey::Phone(key), MatchReason::Phone(phone.clone())));
        }
    }
    let title = fields
        .get(if kind == Kind::Deal { "title" } else { "name" })
        .and_then(FieldValue::as_text);
    if let Some(title) = title
        && let Some(key) = name_key(kind, title)
    {
        let key = match kind {
            Kind::Company => key,
            _ => format!("{key}\u{1}{}", company_key.unwrap_or_default()),
        };
        out.push((DupKey::Name(key), MatchReason::Name(title.to_owned())));
    }
    out
}

fn record_keys(kind: Kind, rec: &crate::record::Record, company_key: Option<&str>) -> Vec<DupKey> {
    let fields: BTreeMap<&'static str, FieldValue> = rec
        .fields
        .iter()
        .filter(|(k, _)| matches!(**k, "emails" | "phones" | "name" | "title"))
        .map(|(k, v)| (*k, v.clone()))
        .collect();
    keys_of(kind, &fields, company_key)
        .into_iter()
        .map(|(k, _)| k)
        .collect()
}

// ----- parsing rows -----

#[derive(Debug, Clone)]
enum Link {
    Existing(Found),
    New(String),
}

#[derive(Debug, Clone)]
enum ContactLink {
    Existing(Found),
    New(PersonRef),
}

#[derive(Debug, Clone)]
enum StageLink {
    Existing(String, String),
    New(String),
}

/// A row read and checked, before the records it names are registered.
#[derive(Debug, Default)]
struct Parsed {
    fields: BTreeMap<&'static str, FieldValue>,
    custom: BTreeMap<usize, FieldValue>,
    company: Option<Link>,
    contacts: Vec<ContactLink>,
    pipeline: Option<Link>,
    stage: Option<StageLink>,
    owner: Option<Found>,
    territory: Option<Link>,
    reports_to: Option<PersonRef>,
    warnings: Vec<RowWarning>,
}

#[derive(Debug, Clone)]
struct RowState {
    line: usize,
    pending: Pending,
    dup: Option<(DupOfIx, Vec<MatchReason>)>,
}

/// A duplicate target by index into the builder's rows.
#[derive(Debug, Clone, Copy)]
enum DupOfIx {
    Existing(Id),
    Row(usize),
}

/// Builds an import from rows pushed in batches; see the module docs.
#[derive(Debug)]
pub struct PlanBuilder {
    kind: Kind,
    headers: Vec<String>,
    columns: Vec<Col>,
    label_of: Vec<Option<usize>>,
    options: ImportOptions,
    index: Index,
    customs: Vec<CustomSlot>,
    new_companies: NewRecords,
    new_contacts: NewRecords,
    new_territories: NewRecords,
    new_pipelines: Vec<NewPipeline>,
    pipeline_keys: HashMap<String, usize>,
    rows: Vec<RowState>,
    rejected: Vec<Rejected>,
    warnings: Vec<Warning>,
    file_keys: HashMap<DupKey, usize>,
    preview: Vec<PreviewRow>,
    blank: usize,
    read: usize,
    /// How `a/b/yyyy` dates read in this file ([`PlanBuilder::learn_date_order`]).
    slash: SlashOrder,
}

impl PlanBuilder {
    /// Checks the mapping (one column per column of the file, in order) and reads what the
    /// import needs from the workspace, once: later batches do not look at it again.
    pub fn new(
        ws: &Workspace,
        mapping: &Mapping,
        options: ImportOptions,
    ) -> Result<PlanBuilder, ImportError> {
        let kind = mapping.kind;
        if !matches!(kind, Kind::Contact | Kind::Company | Kind::Deal) {
            return Err(ImportError::UnsupportedKind(kind));
        }
        if !COMPANY_KINDS.contains(&options.company_kind.as_str()) {
            return Err(ImportError::CompanyKind(options.company_kind.clone()));
        }
        let mut columns = Vec::new();
        let mut label_of = vec![None; mapping.columns.len()];
        let mut customs: Vec<CustomSlot> = Vec::new();
        let mut custom_slot: HashMap<(String, String), usize> = HashMap::new();
        let mut existing_slot: HashMap<Id, usize> = HashMap::new();
        for (i, col) in mapping.columns.iter().enumerate() {
            let compiled = match &col.target {
                Target::Skip => Col::Skip,
                Target::Field { name, label } => {
                    let spec = kind.field(name).ok_or_else(|| ImportError::UnknownField {
                        kind,
                        field: name.clone(),
                    })?;
                    if spec.ty == FieldType::Stages {
                        return Err(ImportError::NotImportable(name.clone()));
                    }
                    Col::Field {
                        spec,
                        label: label.as_deref().map(clean_label).unwrap_or_default(),
                    }
                }
                Target::NamePart { part } => {
                    if kind != Kind::Contact {
                        return Err(ImportError::UnknownField {
                            kind,
                            field: "name".into(),
                        });
                    }
                    Col::Part(*part)
                }
                Target::Currency => Col::Currency,
                Target::LabelOf { column } => {
                    let slot = label_of.get_mut(*column).ok_or(ImportError::LabelColumn {
                        column: i,
                        of: *column,
                    })?;
                    *slot = Some(i);
                    Col::Skip
                }
                Target::Custom { id } => {
                    let def = ws
                        .get(Kind::CustomField, *id)
                        .filter(|d| !d.is_trashed())
                        .filter(|d| d.text("record_kind") == Some(kind.collection()))
                        .ok_or(ImportError::UnknownCustomField(*id))?;
                    let slot = *existing_slot.entry(*id).or_insert_with(|| {
                        let field_type = def.text("field_type").unwrap_or_default();
                        let select = matches!(field_type, "select" | "multi_select");
                        customs.push(CustomSlot {
                            def: CustomDef::Existing(*id),
                            ty: custom_type(field_type),
                            label: def.text("label").unwrap_or_default().to_owned(),
                            allowed: select.then(|| ws.custom_options(*id)),
                            select,
                        });
                        customs.len() - 1
                    });
                    Col::Custom(slot)
                }
                Target::NewCustom { label, field_type } => {
                    let label = label.trim();
                    if label.is_empty() {
                        return Err(ImportError::EmptyLabel);
                    }
                    if !CUSTOM_TYPES.contains(&field_type.as_str()) {
                        return Err(ImportError::CustomType(field_type.clone()));
                    }
                    let key = (simple_key(label), field_type.clone());
                    let slot = *custom_slot.entry(key).or_insert_with(|| {
                        customs.push(CustomSlot {
                            def: CustomDef::New {
                                label: label.to_owned(),
                                field_type: field_type.clone(),
                                options: Vec::new(),
                                option_keys: HashMap::new(),
                            },
                            ty: custom_type(field_type),
                            label: label.to_owned(),
                            allowed: None,
                            select: matches!(field_type.as_str(), "select" | "multi_select"),
                        });
                        customs.len() - 1
                    });
                    Col::Custom(slot)
                }
            };
            columns.push(compiled);
        }
        let maps = |name: &str| {
            columns
                .iter()
                .any(|c| matches!(c, Col::Field { spec, .. } if spec.name == name))
        };
        let has_parts = columns.iter().any(|c| matches!(c, Col::Part(_)));
        match kind {
            Kind::Contact if !maps("name") && !has_parts => {
                return Err(ImportError::MissingRequired("name"));
            }
            Kind::Company if !maps("name") => return Err(ImportError::MissingRequired("name")),
            Kind::Deal if !maps("title") => return Err(ImportError::MissingRequired("title")),
            Kind::Deal if !maps("value") => return Err(ImportError::MissingRequired("value")),
            _ => {}
        }
        let need_contacts = kind == Kind::Deal || maps("reports_to");
        let mut index = Index::build(ws, kind, need_contacts);
        if let Some(p) = options.pipeline
            && index.stages.contains_key(&p)
        {
            index.first_pipeline = Some(p);
        }
        Ok(PlanBuilder {
            kind,
            headers: mapping.columns.iter().map(|c| c.header.clone()).collect(),
            columns,
            label_of,
            options,
            index,
            customs,
            new_companies: NewRecords::default(),
            new_contacts: NewRecords::default(),
            new_territories: NewRecords::default(),
            new_pipelines: Vec::new(),
            pipeline_keys: HashMap::new(),
            rows: Vec::new(),
            rejected: Vec::new(),
            warnings: Vec::new(),
            file_keys: HashMap::new(),
            preview: Vec::new(),
            blank: 0,
            read: 0,
            slash: SlashOrder::PerCell,
        })
    }

    /// Makes room for `rows` more rows at once. Grown as rows come, the tables of rows and
    /// duplicate keys are moved whole each time they double: a pause of tens of milliseconds
    /// in wasm at 100k rows, in the middle of a slice meant to be short.
    pub fn reserve(&mut self, rows: usize) {
        self.rows.reserve(rows);
        // Typically an email, a phone and a name key per row.
        self.file_keys.reserve(rows.saturating_mul(3));
    }

    /// Learns from every row of the file, before any is pushed, whether its `a/b/yyyy` dates
    /// put the day or the month first: one that can only be day first (`13/05/2024`) makes
    /// them all day first (`05/06/2024` is then 5 June), one that can only be month first the
    /// opposite. A file showing both, or neither, has each date read on its own (month first
    /// unless the first number is over 12); showing both, it is also warned about, with a date
    /// of each kind, since its ambiguous dates may be read wrong.
    pub fn learn_date_order(&mut self, rows: &[Row]) {
        let dates: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                matches!(c, Col::Field { spec, .. }
                    if matches!(spec.ty, FieldType::Date | FieldType::Birthday))
            })
            .map(|(i, _)| i)
            .collect();
        let (mut day, mut month) = (None, None);
        for row in rows {
            if day.is_some() && month.is_some() {
                break;
            }
            for &i in &dates {
                let Some(cell) = row.cells.get(i) else {
                    continue;
                };
                let seen = match slash_evidence(cell) {
                    Some(SlashOrder::DayFirst) => &mut day,
                    Some(SlashOrder::MonthFirst) => &mut month,
                    _ => continue,
                };
                seen.get_or_insert_with(|| (row.line, cell.trim().to_owned()));
            }
        }
        self.slash = match (day, month) {
            (Some(_), None) => SlashOrder::DayFirst,
            (None, Some(_)) => SlashOrder::MonthFirst,
            (Some(day_first), Some(month_first)) => {
                self.warnings.push(Warning {
                    line: 0,
                    warning: RowWarning::MixedDateOrder {
                        day_first,
                        month_first,
                    },
                });
                SlashOrder::PerCell
            }
            (None, None) => SlashOrder::PerCell,
        };
    }

    /// Reads a batch of rows; call as often as needed, in file order.
    pub fn push(&mut self, rows: &[Row]) {
        for row in rows {
            self.push_row(row);
        }
    }

    /// Rows taken so far (blank ones included).
    pub fn rows_read(&self) -> usize {
        self.read + self.blank
    }

    /// The first rows (up to [`ImportOptions::preview_rows`]) as they will be stored.
    pub fn preview(&self) -> &[PreviewRow] {
        &self.preview
    }

    /// Ends reading; the draft holds the report and the duplicates to decide on.
    pub fn finish(self) -> Draft {
        let duplicates = self
            .rows
            .iter()
            .filter_map(|r| {
                let (of, reasons) = r.dup.as_ref()?;
                let of = match of {
                    DupOfIx::Existing(id) => DupOf::Existing(*id),
                    DupOfIx::Row(i) => DupOf::Row(self.rows.get(*i).map_or(0, |r| r.line)),
                };
                Some(Duplicate {
                    line: r.line,
                    of,
                    reasons: reasons.clone(),
                })
            })
            .collect();
        Draft {
            b: self,
            duplicates,
        }
    }

    fn push_row(&mut self, row: &Row) {
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            self.blank += 1;
            return;
        }
        self.read += 1;
        let parsed = self.parse(row);
        let keep_preview = self.preview.len() < self.options.preview_rows;
        let parsed = match parsed {
            Ok(p) => p,
            Err(reason) => {
                if keep_preview {
                    self.preview.push(PreviewRow {
                        line: row.line,
                        values: Vec::new(),
                        error: Some(reason.clone()),
                        duplicate: None,
                    });
                }
                self.rejected.push(Rejected {
                    line: row.line,
                    cells: row.cells.clone(),
                    reason,
                });
                return;
            }
        };
        for w in &parsed.warnings {
            self.warnings.push(Warning {
                line: row.line,
                warning: w.clone(),
            });
        }
        let company_key = parsed.company.as_ref().map(|c| match c {
            Link::Existing((id, name)) => self
                .index
                .company_key
                .get(id)
                .cloned()
                .unwrap_or_else(|| name_of(Kind::Company, name)),
            Link::New(name) => name_of(Kind::Company, name),
        });
        let keys = keys_of(self.kind, &parsed.fields, company_key.as_deref());
        let index = self.rows.len();
        let existing = keys
            .iter()
            .find_map(|(k, _)| self.index.dup.get(k).copied());
        let dup = match existing {
            Some(id) => {
                let reasons = keys
                    .iter()
                    .filter(|(k, _)| self.index.dup.get(k) == Some(&id))
                    .map(|(_, r)| r.clone())
                    .collect();
                Some((DupOfIx::Existing(id), reasons))
            }
            None => keys
                .iter()
                .find_map(|(k, _)| self.file_keys.get(k).copied())
                .map(|earlier| {
                    let reasons = keys
                        .iter()
                        .filter(|(k, _)| self.file_keys.get(k) == Some(&earlier))
                        .map(|(_, r)| r.clone())
                        .collect();
                    (DupOfIx::Row(earlier), reasons)
                }),
        };
        for (k, _) in keys {
            self.file_keys.entry(k).or_insert(index);
        }
        if keep_preview {
            let duplicate = dup.as_ref().map(|(of, _)| match of {
                DupOfIx::Existing(id) => DupOf::Existing(*id),
                DupOfIx::Row(i) => DupOf::Row(self.rows.get(*i).map_or(0, |r| r.line)),
            });
            let values = self.preview_values(&parsed);
            self.preview.push(PreviewRow {
                line: row.line,
                values,
                error: None,
                duplicate,
            });
        }
        let pending = self.commit(parsed, row.line);
        self.rows.push(RowState {
            line: row.line,
            pending,
            dup,
        });
    }

    fn preview_values(&self, p: &Parsed) -> Vec<PreviewValue> {
        let mut out: Vec<PreviewValue> = p
            .fields
            .iter()
            .map(|(field, value)| PreviewValue::Field {
                field,
                value: value.clone(),
            })
            .collect();
        let link = |field: &'static str, l: &Link| match l {
            Link::Existing((id, name)) => PreviewValue::Link {
                field,
                id: *id,
                name: name.clone(),
            },
            Link::New(name) => PreviewValue::NewLink {
                field,
                name: name.clone(),
            },
        };
        if let Some(c) = &p.company {
            out.push(link("company", c));
        }
        for c in &p.contacts {
            out.push(match c {
                ContactLink::Existing((id, name)) => PreviewValue::Link {
                    field: "contacts",
                    id: *id,
                    name: name.clone(),
                },
                ContactLink::New(r) => PreviewValue::NewLink {
                    field: "contacts",
                    name: person_label(r),
                },
            });
        }
        if let Some(l) = &p.pipeline {
            out.push(link("pipeline", l));
        }
        if let Some(s) = &p.stage {
            out.push(PreviewValue::Field {
                field: "stage",
                value: FieldValue::text(match s {
                    StageLink::Existing(_, name) | StageLink::New(name) => name.clone(),
                }),
            });
        }
        if let Some((id, name)) = &p.owner {
            out.push(PreviewValue::Link {
                field: "owner",
                id: *id,
                name: name.clone(),
            });
        }
        if let Some(t) = &p.territory {
            out.push(link("territory", t));
        }
        if let Some(r) = &p.reports_to {
            out.push(PreviewValue::Later {
                field: "reports_to",
                name: person_label(r),
            });
        }
        for (slot, value) in &p.custom {
            if let Some(s) = self.customs.get(*slot) {
                out.push(PreviewValue::Custom {
                    label: s.label.clone(),
                    id: match s.def {
                        CustomDef::Existing(id) => Some(id),
                        CustomDef::New { .. } => None,
                    },
                    value: value.clone(),
                });
            }
        }
        out
    }

    /// Registers the records a checked row names and gives its pending record.
    fn commit(&mut self, p: Parsed, line: usize) -> Pending {
        let company = p.company.map(|c| match c {
            Link::Existing((id, _)) => Ref::Existing(id),
            Link::New(name) => {
                let key = name_of(Kind::Company, &name);
                Ref::New(self.new_companies.add(&[key], &name, None, line))
            }
        });
        let contacts = p
            .contacts
            .into_iter()
            .map(|c| match c {
                ContactLink::Existing((id, _)) => Ref::Existing(id),
                ContactLink::New(r) => {
                    let keys = contact_keys(&r);
                    let name = person_label(&r);
                    Ref::New(
                        self.new_contacts
                            .add(&keys, &name, r.email.as_deref(), line),
                    )
                }
            })
            .collect::<Vec<_>>();
        let territory = p.territory.map(|t| match t {
            Link::Existing((id, _)) => Ref::Existing(id),
            Link::New(name) => {
                Ref::New(
                    self.new_territories
                        .add(&[simple_key(&name)], &name, None, line),
                )
            }
        });
        let (pipeline, stage) = match (p.pipeline, p.stage) {
            (Some(Link::Existing((id, _))), Some(StageLink::Existing(stage, _))) => {
                (Some(Ref::Existing(id)), Some(StageRef::Existing(stage)))
            }
            (Some(Link::New(name)), Some(StageLink::New(stage))) => {
                let key = simple_key(&name);
                let pi = match self.pipeline_keys.get(&key) {
                    Some(&i) => i,
                    None => {
                        self.new_pipelines.push(NewPipeline {
                            name: name.clone(),
                            line,
                            stages: Vec::new(),
                            stage_keys: HashMap::new(),
                        });
                        let i = self.new_pipelines.len() - 1;
                        self.pipeline_keys.insert(key, i);
                        i
                    }
                };
                let si = self.new_pipelines.get_mut(pi).map(|np| {
                    let sk = simple_key(&stage);
                    match np.stage_keys.get(&sk) {
                        Some(&s) => s,
                        None => {
                            np.stages.push(stage.clone());
                            np.stage_keys.insert(sk, np.stages.len() - 1);
                            np.stages.len() - 1
                        }
                    }
                });
                (Some(Ref::New(pi)), si.map(StageRef::New))
            }
            _ => (None, None),
        };
        let mut custom = p.custom;
        for (slot, value) in custom.iter_mut() {
            if let Some(CustomSlot {
                def:
                    CustomDef::New {
                        options,
                        option_keys,
                        ..
                    },
                select: true,
                ..
            }) = self.customs.get_mut(*slot)
            {
                // Values that differ only in case are one option, spelt as first seen.
                let mut canon = |v: &str| -> String {
                    option_keys
                        .entry(simple_key(v))
                        .or_insert_with(|| {
                            options.push(v.to_owned());
                            v.to_owned()
                        })
                        .clone()
                };
                *value = match &*value {
                    FieldValue::Text(t) => FieldValue::Text(canon(t)),
                    FieldValue::Set(set) => {
                        FieldValue::Set(set.keys().map(|k| (canon(k), String::new())).collect())
                    }
                    other => other.clone(),
                };
            }
        }
        Pending {
            fields: p.fields,
            custom,
            company,
            contacts,
            pipeline,
            stage,
            owner: p.owner.map(|(id, _)| id),
            territory,
            reports_to: p.reports_to,
        }
    }

    fn parse(&self, row: &Row) -> Result<Parsed, RowError> {
        let kind = self.kind;
        if row.cells.len() > self.columns.len()
            && row
                .cells
                .iter()
                .skip(self.columns.len())
                .any(|c| !c.trim().is_empty())
        {
            return Err(RowError::TooManyCells {
                cells: row.cells.len(),
                columns: self.columns.len(),
            });
        }
        let cell = |i: usize| row.cells.get(i).map_or("", String::as_str);
        let mut raw: BTreeMap<&'static str, FieldCells<'_>> = BTreeMap::new();
        let mut parts: [Vec<&str>; 3] = [Vec::new(), Vec::new(), Vec::new()];
        let mut currency_cell: Option<&str> = None;
        let mut custom_cells: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for (i, col) in self.columns.iter().enumerate() {
            let c = cell(i);
            if c.trim().is_empty() {
                continue;
            }
            match col {
                Col::Skip => {}
                Col::Field { spec, label } => {
                    let label = match self.label_of.get(i).copied().flatten() {
                        Some(j) if !cell(j).trim().is_empty() => clean_label(cell(j)),
                        _ => label.clone(),
                    };
                    raw.entry(spec.name)
                        .or_insert_with(|| (spec, Vec::new()))
                        .1
                        .push((c, label));
                }
                Col::Part(part) => {
                    let slot = match part {
                        NamePart::First => &mut parts[0],
                        NamePart::Middle => &mut parts[1],
                        NamePart::Last => &mut parts[2],
                    };
                    slot.push(c.trim());
                }
                Col::Currency => {
                    currency_cell.get_or_insert(c.trim());
                }
                Col::Custom(slot) => custom_cells.entry(*slot).or_default().push(c),
            }
        }
        let currency = match currency_cell {
            None => self.options.currency,
            Some(code) => {
                code.to_uppercase()
                    .parse::<Currency>()
                    .map_err(|_| FieldError::Currency {
                        field: "value".into(),
                        value: code.to_owned(),
                    })?
            }
        };
        let mut p = Parsed::default();
        let mut stage_cell: Option<&str> = None;
        for (name, (spec, cells)) in &raw {
            let first = cells.first().map_or("", |(c, _)| *c);
            let value = match spec.ty {
                FieldType::Emails | FieldType::Phones => {
                    let mut set = BTreeMap::new();
                    for (c, label) in cells {
                        for (v, l) in labelled_items(c, label) {
                            set.entry(v).or_insert(l);
                        }
                    }
                    validate_as(name, spec.ty, FieldValue::Set(set))?
                }
                FieldType::Tags => {
                    let tags = cells.iter().flat_map(|(c, _)| tag_items(c));
                    validate_as(name, spec.ty, FieldValue::set(tags))?
                }
                FieldType::Ref(Kind::Company) => {
                    p.company = Some(self.company_link(first.trim())?);
                    None
                }
                FieldType::Ref(Kind::Member) => {
                    let key = first.trim();
                    match self
                        .index
                        .members
                        .get(&key.to_lowercase())
                        .or_else(|| self.index.members.get(&simple_key(key)))
                        .or_else(|| self.index.members.get(key))
                    {
                        Some(found) => p.owner = Some(found.clone()),
                        None => p.warnings.push(RowWarning::UnknownMember {
                            field: (*name).to_owned(),
                            name: key.to_owned(),
                        }),
                    }
                    None
                }
                FieldType::Ref(Kind::Territory) => {
                    let key = first.trim();
                    p.territory = Some(
                        match self
                            .index
                            .territories
                            .get(&simple_key(key))
                            .or_else(|| self.index.territories.get(key))
                        {
                            Some(found) => Link::Existing(found.clone()),
                            None => Link::New(key.to_owned()),
                        },
                    );
                    None
                }
                FieldType::Ref(Kind::Pipeline) => {
                    let key = first.trim();
                    p.pipeline = Some(
                        match self
                            .index
                            .pipelines
                            .get(&simple_key(key))
                            .or_else(|| self.index.pipelines.get(key))
                        {
                            Some(found) => Link::Existing(found.clone()),
                            None => Link::New(key.to_owned()),
                        },
                    );
                    None
                }
                FieldType::Ref(Kind::Contact) => {
                    p.reports_to = Some(person_ref(first));
                    None
                }
                FieldType::RefSet(Kind::Contact) => {
                    for r in cells.iter().flat_map(|(c, _)| person_refs(c)) {
                        let link = self.contact_link(r)?;
                        p.contacts.push(link);
                    }
                    None
                }
                FieldType::Text if kind == Kind::Deal && *name == "stage" => {
                    stage_cell = Some(first.trim());
                    None
                }
                FieldType::Text if *name == "street" => {
                    let joined = cells
                        .iter()
                        .map(|(c, _)| c.trim())
                        .collect::<Vec<_>>()
                        .join(", ");
                    parse_input(name, spec.ty, &joined, currency)?
                }
                FieldType::LongText => {
                    let joined = cells
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join("\n\n");
                    parse_input(name, spec.ty, &joined, currency)?
                }
                FieldType::Date | FieldType::Birthday => match normalize_date_in(first, self.slash)
                {
                    Some(d) => parse_input(name, spec.ty, &d, currency)?,
                    None => None,
                },
                FieldType::Choice(_) => {
                    let v = if *name == "size" {
                        company_size(first)
                    } else {
                        first.trim().to_lowercase()
                    };
                    parse_input(name, spec.ty, &v, currency)?
                }
                _ => parse_input(name, spec.ty, first, currency)?,
            };
            if let Some(v) = value {
                p.fields.insert(name, v);
            }
        }
        if kind == Kind::Contact && !p.fields.contains_key("name") {
            let joined = parts
                .iter()
                .flatten()
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            if let Some(v) = parse_input("name", FieldType::Text, &joined, currency)? {
                p.fields.insert("name", v);
            }
        }
        if kind == Kind::Company && !p.fields.contains_key("kind") {
            p.fields
                .insert("kind", FieldValue::text(self.options.company_kind.clone()));
        }
        if kind == Kind::Deal {
            self.deal_stage(&mut p, stage_cell)?;
        }
        for spec in kind.fields().iter().filter(|s| s.required) {
            let present = match spec.name {
                "pipeline" | "stage" | "status" if kind == Kind::Deal => true,
                name => p.fields.contains_key(name),
            };
            if !present {
                return Err(FieldError::Required {
                    field: spec.name.to_owned(),
                }
                .into());
            }
        }
        for (slot, cells) in custom_cells {
            if let Some(v) = self.custom_value(slot, &cells, currency)? {
                p.custom.insert(slot, v);
            }
        }
        Ok(p)
    }

    fn deal_stage(&self, p: &mut Parsed, stage_cell: Option<&str>) -> Result<(), RowError> {
        let pipeline = match p.pipeline.take() {
            Some(l) => l,
            None => {
                let id = self.index.first_pipeline.ok_or(RowError::NoPipeline)?;
                let name = self
                    .index
                    .pipelines
                    .get(&id.to_string())
                    .map(|f| f.1.clone())
                    .unwrap_or_default();
                Link::Existing((id, name))
            }
        };
        let stage = stage_cell.filter(|s| !s.is_empty());
        p.stage = Some(match &pipeline {
            Link::Existing((id, pname)) => {
                let list = self
                    .index
                    .stages
                    .get(id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let found = match stage {
                    None => list.first(),
                    Some(s) => {
                        let key = simple_key(s);
                        list.iter()
                            .find(|st| st.id == s)
                            .or_else(|| list.iter().find(|st| simple_key(&st.name) == key))
                    }
                };
                match found {
                    Some(st) => StageLink::Existing(st.id.clone(), st.name.clone()),
                    None => {
                        return Err(RowError::UnknownStage {
                            pipeline: pname.clone(),
                            stage: stage.unwrap_or_default().to_owned(),
                        });
                    }
                }
            }
            Link::New(_) => match stage {
                Some(s) => StageLink::New(s.to_owned()),
                None => {
                    return Err(FieldError::Required {
                        field: "stage".into(),
                    }
                    .into());
                }
            },
        });
        p.pipeline = Some(pipeline);
        Ok(())
    }

    fn company_link(&self, name: &str) -> Result<Link, RowError> {
        let key = name_of(Kind::Company, name);
        if let Some(found) = self
            .index
            .companies
            .get(&key)
            .or_else(|| self.index.companies.get(name))
        {
            return Ok(Link::Existing(found.clone()));
        }
        if !self.options.create_companies {
            return Err(RowError::UnknownCompany(name.to_owned()));
        }
        // A company already registered by an earlier row keeps that row's spelling.
        let shown = self
            .new_companies
            .find(&key)
            .and_then(|i| self.new_companies.items.get(i))
            .map_or(name, |(n, _, _)| n.as_str());
        Ok(Link::New(shown.to_owned()))
    }

    fn contact_link(&self, r: PersonRef) -> Result<ContactLink, RowError> {
        let found = r
            .email
            .as_ref()
            .and_then(|e| self.index.contacts.get(e))
            .or_else(|| {
                r.name.as_ref().and_then(|n| {
                    self.index
                        .contacts
                        .get(&name_of(Kind::Contact, n))
                        .or_else(|| self.index.contacts.get(n.trim()))
                })
            });
        match found {
            Some(f) => Ok(ContactLink::Existing(f.clone())),
            None if self.options.create_contacts => Ok(ContactLink::New(r)),
            None => Err(RowError::UnknownContact(person_label(&r))),
        }
    }

    fn custom_value(
        &self,
        slot: usize,
        cells: &[&str],
        currency: Currency,
    ) -> Result<Option<FieldValue>, RowError> {
        let Some(s) = self.customs.get(slot) else {
            return Ok(None);
        };
        let value = if s.ty == FieldType::Tags {
            let all = cells.join(", ");
            parse_input(&s.label, s.ty, &all, currency)?
        } else {
            match cells.first() {
                Some(c) => parse_input(&s.label, s.ty, c, currency)?,
                None => None,
            }
        };
        let Some(allowed) = &s.allowed else {
            return Ok(value);
        };
        // Options are matched ignoring case and diacritics, and stored as the field spells them.
        let canon = |v: &str| -> Result<String, RowError> {
            allowed
                .iter()
                .find(|o| *o == v)
                .or_else(|| allowed.iter().find(|o| simple_key(o) == simple_key(v)))
                .cloned()
                .ok_or_else(|| {
                    CommandError::NotAnOption {
                        value: v.to_owned(),
                        options: allowed.join(", "),
                    }
                    .into()
                })
        };
        Ok(match value {
            Some(FieldValue::Text(t)) => Some(FieldValue::Text(canon(&t)?)),
            Some(FieldValue::Set(set)) => {
                let mut out = BTreeMap::new();
                for k in set.keys() {
                    out.insert(canon(k)?, String::new());
                }
                Some(FieldValue::Set(out))
            }
            other => other,
        })
    }
}

fn person_label(r: &PersonRef) -> String {
    match (&r.name, &r.email) {
        (Some(n), _) => n.clone(),
        (None, Some(e)) => e.clone(),
        (None, None) => String::new(),
    }
}

fn contact_keys(r: &PersonRef) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(e) = &r.email {
        keys.push(e.to_lowercase());
    }
    if let Some(n) = &r.name {
        keys.push(name_of(Kind::Contact, n));
    }
    keys
}

// ----- the draft and the plan -----

/// Rows read and checked: the report, the duplicates to decide on, and the plan to make.
#[derive(Debug)]
pub struct Draft {
    b: PlanBuilder,
    duplicates: Vec<Duplicate>,
}

impl Draft {
    pub fn kind(&self) -> Kind {
        self.b.kind
    }

    /// Frees the draft a piece at a time, one per item the iterator yields (about a row):
    /// dropping the checked rows of a 100k-row file at once holds the page for 150 ms in wasm.
    pub fn release(self) -> impl Iterator<Item = ()> {
        let Draft { mut b, duplicates } = self;
        let rows = std::mem::take(&mut b.rows);
        let keys = std::mem::take(&mut b.file_keys);
        let dup = std::mem::take(&mut b.index.dup);
        let contacts = std::mem::take(&mut b.index.contacts);
        let companies = std::mem::take(&mut b.index.companies);
        let rejected = std::mem::take(&mut b.rejected);
        let mut rest = Some(b);
        rows.into_iter()
            .map(drop)
            .chain(keys.into_iter().map(drop))
            .chain(dup.into_iter().map(drop))
            .chain(contacts.into_iter().map(drop))
            .chain(companies.into_iter().map(drop))
            .chain(rejected.into_iter().map(drop))
            .chain(duplicates.into_iter().map(drop))
            .chain(std::iter::from_fn(move || rest.take().map(drop)))
    }

    /// Rows that will not be imported, in file order.
    pub fn rejected(&self) -> &[Rejected] {
        &self.b.rejected
    }

    /// Values left out of rows that are imported.
    pub fn warnings(&self) -> &[Warning] {
        &self.b.warnings
    }

    /// Rows that duplicate an existing record or an earlier row, in file order.
    pub fn duplicates(&self) -> &[Duplicate] {
        &self.duplicates
    }

    pub fn preview(&self) -> &[PreviewRow] {
        &self.b.preview
    }

    /// The rejected rows as CSV to fix and import again: the file's header and the rows'
    /// cells as read, plus a last column `reason_header` holding `reason(error)` (the app
    /// passes its translated message).
    pub fn rejected_csv(
        &self,
        reason_header: &str,
        reason: impl Fn(&RowError) -> String,
    ) -> String {
        let mut w = CsvWriter::new(Delimiter::Comma, true);
        let width = self
            .b
            .rejected
            .iter()
            .map(|r| r.cells.len())
            .chain(std::iter::once(self.b.headers.len()))
            .max()
            .unwrap_or(0);
        let mut header: Vec<String> = self.b.headers.clone();
        header.resize(width, String::new());
        header.push(reason_header.to_owned());
        w.row(&header);
        for r in &self.b.rejected {
            let mut cells = r.cells.clone();
            cells.resize(width, String::new());
            cells.push(reason(&r.reason));
            w.row(&cells);
        }
        w.finish()
    }

    /// Resolves the `reports_to` of the records to write: an existing contact, else a record
    /// of this import (email, then name). Unknown managers, and links that would close a loop
    /// (through new or existing records), are dropped with a warning. Returns (record,
    /// manager, lines, what the file said).
    fn managers(
        &self,
        ws: &Workspace,
        slots: &mut [(Pending, Vec<usize>)],
        merges: &mut [(Id, Pending, Vec<usize>)],
        warnings: &mut Vec<Warning>,
    ) -> Vec<(Ref, Ref, Vec<usize>, String)> {
        let mut in_file: HashMap<String, usize> = HashMap::new();
        for (i, (p, _)) in slots.iter().enumerate() {
            let emails = p.fields.get("emails").and_then(FieldValue::as_set);
            for e in emails.into_iter().flat_map(|s| s.keys()) {
                in_file.entry(e.to_lowercase()).or_insert(i);
            }
            if let Some(n) = p.fields.get("name").and_then(FieldValue::as_text) {
                in_file.entry(name_of(Kind::Contact, n)).or_insert(i);
            }
        }
        let owners = slots
            .iter_mut()
            .enumerate()
            .map(|(i, (p, lines))| (Ref::New(i), p, &*lines))
            .chain(
                merges
                    .iter_mut()
                    .map(|(id, p, lines)| (Ref::Existing(*id), p, &*lines)),
            );
        let mut managers = Vec::new();
        for (me, p, lines) in owners {
            let Some(r) = p.reports_to.take() else {
                continue;
            };
            if let Ref::Existing(id) = me
                && ws
                    .get(Kind::Contact, id)
                    .is_some_and(|c| c.get("reports_to").is_some())
            {
                // A merge only fills empty fields.
                continue;
            }
            let label = person_label(&r);
            let keys = contact_keys(&r);
            let found = keys
                .iter()
                .find_map(|k| self.b.index.contacts.get(k))
                .map(|f| Ref::Existing(f.0))
                .or_else(|| {
                    keys.iter()
                        .find_map(|k| in_file.get(k))
                        .map(|&i| Ref::New(i))
                });
            let line = lines.first().copied().unwrap_or(0);
            match found {
                Some(m) if m == me => warnings.push(Warning {
                    line,
                    warning: RowWarning::ReportingLoop(label),
                }),
                Some(m) => managers.push((me, m, lines.clone(), label)),
                None => warnings.push(Warning {
                    line,
                    warning: RowWarning::UnknownManager(label),
                }),
            }
        }
        let links: HashMap<Ref, Ref> = managers.iter().map(|(me, m, _, _)| (*me, *m)).collect();
        let cut = loop_closers(ws, &links);
        managers.retain(|(me, _, lines, label)| {
            if !cut.contains(me) {
                return true;
            }
            warnings.push(Warning {
                line: lines.first().copied().unwrap_or(0),
                warning: RowWarning::ReportingLoop(label.clone()),
            });
            false
        });
        managers
    }

    /// The commands that carry out the import with these choices. `ids` supplies 16 random
    /// bytes for each record created (and each new pipeline stage), in plan order. O(rows);
    /// [`Draft::planner`] makes the same plan a slice at a time.
    pub fn plan(
        &self,
        ws: &Workspace,
        choices: &Choices,
        mut ids: impl FnMut() -> [u8; 16],
    ) -> ImportPlan {
        self.planner(choices).finish(ws, &mut ids)
    }

    /// Makes the plan in slices ([`Planner::work`]), so a caller with a page to keep
    /// responsive can yield between them; the plan is the one [`Draft::plan`] makes.
    pub fn planner<'a>(&'a self, choices: &'a Choices) -> Planner<'a> {
        Planner {
            draft: self,
            choices,
            stage: PlanStage::Decide(0),
            summary: Summary {
                rows: self.b.read,
                blank: self.b.blank,
                rejected: self.b.rejected.len(),
                ..Summary::default()
            },
            slots: Vec::new(),
            merges: Vec::new(),
            merge_at: HashMap::new(),
            ident: Vec::with_capacity(self.b.rows.len()),
            warnings: Vec::new(),
            managers: Vec::new(),
            manager_of: HashMap::new(),
            used: Used::default(),
            out: PlanOut::default(),
            custom_ids: Vec::with_capacity(self.b.customs.len()),
            territory_ids: HashMap::new(),
            pipeline_ids: HashMap::new(),
            company_ids: HashMap::new(),
            contact_ids: HashMap::new(),
            slot_ids: Vec::new(),
        }
    }
}

/// Where a [`Planner`] is: each stage but the small ones goes a number of items at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PlanStage {
    /// Deciding each row (new record, part of one, merged, skipped), from this row on.
    Decide(usize),
    Managers,
    /// Noting the named records used by what is written, from this slot (then merge) on.
    Used(usize),
    /// Custom field definitions, territories, pipelines.
    Definitions,
    Companies(usize),
    Contacts(usize),
    /// The records of the import's own kind, from this slot on.
    Slots(usize),
    Merges(usize),
    Done,
}

/// Named records created because what is written uses them (indexes into the builder's).
#[derive(Debug, Default)]
struct Used {
    companies: BTreeSet<usize>,
    contacts: BTreeSet<usize>,
    territories: BTreeSet<usize>,
    pipelines: BTreeSet<usize>,
    /// `companies` and `contacts` in order, once noted, to create a slice at a time.
    company_list: Vec<usize>,
    contact_list: Vec<usize>,
}

/// An [`ImportPlan`] in the making; see [`Draft::planner`].
#[derive(Debug)]
pub struct Planner<'a> {
    draft: &'a Draft,
    choices: &'a Choices,
    stage: PlanStage,
    summary: Summary,
    slots: Vec<(Pending, Vec<usize>)>,
    merges: Vec<(Id, Pending, Vec<usize>)>,
    merge_at: HashMap<Id, usize>,
    /// The record each row became.
    ident: Vec<Ref>,
    warnings: Vec<Warning>,
    managers: Vec<(Ref, Ref, Vec<usize>, String)>,
    manager_of: HashMap<Ref, Ref>,
    used: Used,
    out: PlanOut,
    custom_ids: Vec<Option<Id>>,
    territory_ids: HashMap<usize, Id>,
    pipeline_ids: HashMap<usize, (Id, Vec<String>)>,
    company_ids: HashMap<usize, Id>,
    contact_ids: HashMap<usize, Id>,
    slot_ids: Vec<Id>,
}

impl Planner<'_> {
    /// Goes on with the plan for about `budget` rows or records (at least one); `true` once it
    /// is complete ([`Planner::finish`] then returns it at once). The workspace may have
    /// changed between calls: writing the plan checks every command against it again.
    pub fn work(
        &mut self,
        ws: &Workspace,
        ids: &mut impl FnMut() -> [u8; 16],
        budget: usize,
    ) -> bool {
        let mut left = budget.max(1);
        while left > 0 {
            left = match self.stage {
                PlanStage::Decide(at) => {
                    let rows = &self.draft.b.rows;
                    let end = rows.len().min(at.saturating_add(left));
                    for row in rows.get(at..end).unwrap_or_default() {
                        self.decide(row);
                    }
                    self.stage = if end >= rows.len() {
                        self.summary.created = self.slots.len();
                        PlanStage::Managers
                    } else {
                        PlanStage::Decide(end)
                    };
                    left.saturating_sub(end - at)
                }
                PlanStage::Managers => {
                    let named = |p: &Pending| p.reports_to.is_some();
                    // Most files name no managers: the index of the file's people is then
                    // not worth building.
                    if self.draft.b.kind == Kind::Contact
                        && (self.slots.iter().any(|(p, _)| named(p))
                            || self.merges.iter().any(|(_, p, _)| named(p)))
                    {
                        self.managers = self.draft.managers(
                            ws,
                            &mut self.slots,
                            &mut self.merges,
                            &mut self.warnings,
                        );
                        self.manager_of = self
                            .managers
                            .iter()
                            .map(|(me, m, _, _)| (*me, *m))
                            .collect();
                    }
                    self.stage = PlanStage::Used(0);
                    left.saturating_sub(self.managers.len())
                }
                PlanStage::Used(at) => {
                    let end = (self.slots.len() + self.merges.len()).min(at.saturating_add(left));
                    for i in at..end {
                        let p = match self.slots.get(i) {
                            Some((p, _)) => p,
                            None => match self.merges.get(i - self.slots.len()) {
                                Some((_, p, _)) => p,
                                None => continue,
                            },
                        };
                        self.used.note(p);
                    }
                    self.stage = if end >= self.slots.len() + self.merges.len() {
                        self.used.company_list = self.used.companies.iter().copied().collect();
                        self.used.contact_list = self.used.contacts.iter().copied().collect();
                        PlanStage::Definitions
                    } else {
                        PlanStage::Used(end)
                    };
                    left.saturating_sub(end - at)
                }
                PlanStage::Definitions => {
                    let n = self.definitions(ids);
                    self.stage = PlanStage::Companies(0);
                    left.saturating_sub(n)
                }
                PlanStage::Companies(at) => {
                    let end = self.used.company_list.len().min(at.saturating_add(left));
                    let b = &self.draft.b;
                    for &i in self.used.company_list.get(at..end).unwrap_or_default() {
                        if let Some((name, _, line)) = b.new_companies.items.get(i) {
                            let id = Id::from_bytes(ids());
                            let fields = vec![
                                ("name".to_owned(), FieldValue::text(name.clone())),
                                (
                                    "kind".to_owned(),
                                    FieldValue::text(b.options.company_kind.clone()),
                                ),
                            ];
                            self.out
                                .push(1, create(Kind::Company, id, fields), vec![*line], id);
                            self.company_ids.insert(i, id);
                            self.summary.companies_created += 1;
                        }
                    }
                    self.stage = if end >= self.used.company_list.len() {
                        PlanStage::Contacts(0)
                    } else {
                        PlanStage::Companies(end)
                    };
                    left.saturating_sub(end - at)
                }
                PlanStage::Contacts(at) => {
                    let end = self.used.contact_list.len().min(at.saturating_add(left));
                    let b = &self.draft.b;
                    for &i in self.used.contact_list.get(at..end).unwrap_or_default() {
                        if let Some((name, email, line)) = b.new_contacts.items.get(i) {
                            let id = Id::from_bytes(ids());
                            let mut fields =
                                vec![("name".to_owned(), FieldValue::text(name.clone()))];
                            if let Some(e) = email {
                                fields.push(("emails".to_owned(), FieldValue::set([e.clone()])));
                            }
                            self.out
                                .push(2, create(Kind::Contact, id, fields), vec![*line], id);
                            self.contact_ids.insert(i, id);
                            self.summary.contacts_created += 1;
                        }
                    }
                    self.stage = if end >= self.used.contact_list.len() {
                        self.slot_ids.reserve(self.slots.len());
                        PlanStage::Slots(0)
                    } else {
                        PlanStage::Contacts(end)
                    };
                    left.saturating_sub(end - at)
                }
                PlanStage::Slots(at) => {
                    let end = self.slots.len().min(at.saturating_add(left));
                    for i in at..end {
                        self.slot_command(i, ids);
                    }
                    self.stage = if end >= self.slots.len() {
                        PlanStage::Merges(0)
                    } else {
                        PlanStage::Slots(end)
                    };
                    left.saturating_sub(end - at)
                }
                PlanStage::Merges(at) => {
                    let end = self.merges.len().min(at.saturating_add(left));
                    for i in at..end {
                        self.merge_commands(ws, i);
                    }
                    if end >= self.merges.len() {
                        self.manager_commands();
                        self.stage = PlanStage::Done;
                    } else {
                        self.stage = PlanStage::Merges(end);
                    }
                    left.saturating_sub(end - at)
                }
                PlanStage::Done => return true,
            };
        }
        self.stage == PlanStage::Done
    }

    /// The plan, made to the end first if need be.
    pub fn finish(mut self, ws: &Workspace, ids: &mut impl FnMut() -> [u8; 16]) -> ImportPlan {
        while !self.work(ws, ids, usize::MAX) {}
        let mut warnings = self.draft.b.warnings.clone();
        warnings.append(&mut self.warnings);
        ImportPlan {
            steps: self
                .out
                .steps
                .into_iter()
                .filter(|s| !s.commands.is_empty())
                .collect(),
            created: self.out.created,
            summary: self.summary,
            warnings,
        }
    }

    /// Decides one row: it ends up as a new record (slot), part of one, merged into an
    /// existing record, or skipped.
    fn decide(&mut self, row: &RowState) {
        let target = row.dup.as_ref().and_then(|(of, _)| match of {
            DupOfIx::Existing(id) => Some(Ref::Existing(*id)),
            DupOfIx::Row(i) => self.ident.get(*i).copied(),
        });
        let choice = match target {
            Some(_) => self.choices.of(row.line),
            None => Choice::Create,
        };
        let me = match (choice, target) {
            (Choice::Create, _) | (_, None) => {
                self.slots.push((row.pending.clone(), vec![row.line]));
                Ref::New(self.slots.len() - 1)
            }
            (Choice::Skip, Some(t)) => {
                self.summary.skipped += 1;
                t
            }
            (Choice::Merge, Some(Ref::New(s))) => {
                self.summary.merged += 1;
                if let Some((p, lines)) = self.slots.get_mut(s) {
                    p.absorb(&row.pending);
                    lines.push(row.line);
                }
                Ref::New(s)
            }
            (Choice::Merge, Some(Ref::Existing(id))) => {
                self.summary.merged += 1;
                let merges = &mut self.merges;
                let at = *self.merge_at.entry(id).or_insert_with(|| {
                    merges.push((id, Pending::default(), Vec::new()));
                    merges.len() - 1
                });
                if let Some((_, p, lines)) = self.merges.get_mut(at) {
                    p.absorb(&row.pending);
                    lines.push(row.line);
                }
                Ref::Existing(id)
            }
        };
        self.ident.push(me);
    }

    /// Step 0: custom field definitions, territories, pipelines. Returns how many it made.
    fn definitions(&mut self, ids: &mut impl FnMut() -> [u8; 16]) -> usize {
        let b = &self.draft.b;
        let kind = b.kind;
        let made = self.out.created.len();
        let mut position = b.index.next_custom_position;
        for slot in &b.customs {
            match &slot.def {
                CustomDef::Existing(id) => self.custom_ids.push(Some(*id)),
                CustomDef::New {
                    label,
                    field_type,
                    options,
                    ..
                } => {
                    if slot.select && options.is_empty() {
                        self.warnings.push(Warning {
                            line: 0,
                            warning: RowWarning::EmptyChoiceField(label.clone()),
                        });
                        self.custom_ids.push(None);
                        continue;
                    }
                    let id = Id::from_bytes(ids());
                    let mut fields = vec![
                        (
                            "record_kind".to_owned(),
                            FieldValue::text(kind.collection()),
                        ),
                        ("label".to_owned(), FieldValue::text(label.clone())),
                        (
                            "field_type".to_owned(),
                            FieldValue::text(field_type.clone()),
                        ),
                        ("position".to_owned(), FieldValue::Int(position)),
                    ];
                    position = position.saturating_add(1);
                    if slot.select {
                        fields.push(("options".to_owned(), FieldValue::text(options.join("\n"))));
                    }
                    self.out
                        .push(0, create(Kind::CustomField, id, fields), Vec::new(), id);
                    self.summary.custom_fields_created += 1;
                    self.custom_ids.push(Some(id));
                }
            }
        }
        for &i in &self.used.territories {
            if let Some((name, _, line)) = b.new_territories.items.get(i) {
                let id = Id::from_bytes(ids());
                let fields = vec![("name".to_owned(), FieldValue::text(name.clone()))];
                self.out
                    .push(0, create(Kind::Territory, id, fields), vec![*line], id);
                self.territory_ids.insert(i, id);
                self.summary.territories_created += 1;
            }
        }
        for &i in &self.used.pipelines {
            if let Some(np) = b.new_pipelines.get(i) {
                let id = Id::from_bytes(ids());
                let mut stage_ids = Vec::new();
                let mut list = Vec::new();
                for (pos, name) in np.stages.iter().enumerate() {
                    // Unique as the ids the caller draws are.
                    let sid = Id::from_bytes(ids()).to_string();
                    list.push(Stage::new(
                        sid.clone(),
                        name.clone(),
                        0,
                        i64::try_from(pos).unwrap_or(i64::MAX),
                    ));
                    stage_ids.push(sid);
                }
                let fields = vec![
                    ("name".to_owned(), FieldValue::text(np.name.clone())),
                    ("stages".to_owned(), stages_value(&list)),
                ];
                self.out
                    .push(0, create(Kind::Pipeline, id, fields), vec![np.line], id);
                self.pipeline_ids.insert(i, (id, stage_ids));
                self.summary.pipelines_created += 1;
            }
        }
        self.out.created.len() - made
    }

    fn ids_of(&self) -> IdsOf<'_> {
        IdsOf {
            companies: &self.company_ids,
            contacts: &self.contact_ids,
            territories: &self.territory_ids,
            pipelines: &self.pipeline_ids,
            customs: &self.custom_ids,
        }
    }

    /// The step records of the import's own kind are written in.
    fn own_step(&self) -> usize {
        match self.draft.b.kind {
            Kind::Company => 1,
            Kind::Contact => 2,
            _ => 3,
        }
    }

    /// The record of slot `i` (slots are made in order, so `i` is `slot_ids.len()`).
    fn slot_command(&mut self, i: usize, ids: &mut impl FnMut() -> [u8; 16]) {
        let Some((p, lines)) = self.slots.get(i) else {
            return;
        };
        let id = Id::from_bytes(ids());
        let mut fields: Vec<(String, FieldValue)> = p
            .fields
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        let ids_of = self.ids_of();
        fields.extend(ids_of.links(p).into_iter().map(|(k, v)| (k.to_owned(), v)));
        if let Some(Ref::Existing(m)) = self.manager_of.get(&Ref::New(i)) {
            fields.push(("reports_to".to_owned(), FieldValue::Ref(*m)));
        }
        let custom = ids_of.custom(p);
        let lines = lines.clone();
        let kind = self.draft.b.kind;
        let step = self.own_step();
        self.out.push(
            step,
            Command::Create {
                kind,
                id,
                fields,
                custom,
            },
            lines,
            id,
        );
        self.slot_ids.push(id);
    }

    /// The updates that merge rows into the existing record of merge `i`.
    fn merge_commands(&mut self, ws: &Workspace, i: usize) {
        let kind = self.draft.b.kind;
        let step = self.own_step();
        let Some((id, p, lines)) = self.merges.get(i) else {
            return;
        };
        let Some(rec) = ws.get(kind, *id) else {
            return;
        };
        let ids_of = self.ids_of();
        let mut updates: Vec<(String, Option<FieldValue>)> = Vec::new();
        let mut candidate: Vec<(&'static str, FieldValue)> =
            p.fields.iter().map(|(k, v)| (*k, v.clone())).collect();
        candidate.extend(ids_of.links(p));
        if let Some(Ref::Existing(m)) = self.manager_of.get(&Ref::Existing(*id)) {
            candidate.push(("reports_to", FieldValue::Ref(*m)));
        }
        for (name, value) in candidate {
            if kind == Kind::Deal && matches!(name, "pipeline" | "stage" | "status") {
                continue;
            }
            let merged = match (rec.get(name), value) {
                (None, v) => Some(v),
                (Some(FieldValue::Set(mine)), FieldValue::Set(theirs)) => {
                    let mut u = mine.clone();
                    unite(name, &mut u, &theirs);
                    (&u != mine).then_some(FieldValue::Set(u))
                }
                (Some(FieldValue::Text(mine)), FieldValue::Text(theirs))
                    if name == "notes" && !mine.contains(theirs.as_str()) =>
                {
                    Some(FieldValue::Text(format!("{mine}\n\n{theirs}")))
                }
                _ => None,
            };
            if let Some(v) = merged {
                updates.push((name.to_owned(), Some(v)));
            }
        }
        let custom: Vec<(Id, FieldValue)> = ids_of
            .custom(p)
            .into_iter()
            .filter(|(field, _)| !rec.custom.contains_key(field))
            .collect();
        let (id, lines) = (*id, lines.clone());
        let changed = !updates.is_empty();
        if changed {
            self.out.push(
                step,
                Command::Update {
                    kind,
                    id,
                    fields: updates,
                },
                lines.clone(),
                id,
            );
        }
        let custom_changed = !custom.is_empty();
        for (field, value) in custom {
            self.out.push(
                step,
                Command::SetCustom {
                    kind,
                    id,
                    field,
                    value: Some(value),
                },
                lines.clone(),
                id,
            );
        }
        if changed || custom_changed {
            self.summary.updated += 1;
        }
    }

    /// Step 4: managers who are records of this import.
    fn manager_commands(&mut self) {
        for (me, m, lines, _) in &self.managers {
            let Ref::New(m) = m else { continue };
            let Some(&manager) = self.slot_ids.get(*m) else {
                continue;
            };
            let id = match me {
                Ref::New(s) => self.slot_ids.get(*s).copied(),
                Ref::Existing(id) => Some(*id),
            };
            if let Some(id) = id {
                self.out.push(
                    4,
                    Command::Update {
                        kind: Kind::Contact,
                        id,
                        fields: vec![("reports_to".to_owned(), Some(FieldValue::Ref(manager)))],
                    },
                    lines.clone(),
                    id,
                );
            }
        }
    }
}

impl Used {
    fn note(&mut self, p: &Pending) {
        if let Some(Ref::New(i)) = p.company {
            self.companies.insert(i);
        }
        for c in &p.contacts {
            if let Ref::New(i) = c {
                self.contacts.insert(*i);
            }
        }
        if let Some(Ref::New(i)) = p.territory {
            self.territories.insert(i);
        }
        if let Some(Ref::New(i)) = p.pipeline {
            self.pipelines.insert(i);
        }
    }
}

/// The records whose new manager link closes a loop, given the new links and the managers
/// existing contacts already have. Each record is walked once.
fn loop_closers(ws: &Workspace, links: &HashMap<Ref, Ref>) -> HashSet<Ref> {
    let next = |r: Ref| -> Option<Ref> {
        links.get(&r).copied().or_else(|| match r {
            Ref::Existing(id) => ws
                .get(Kind::Contact, id)
                .and_then(|c| c.get("reports_to"))
                .and_then(FieldValue::as_ref_id)
                .map(Ref::Existing),
            Ref::New(_) => None,
        })
    };
    let mut starts: Vec<Ref> = links.keys().copied().collect();
    starts.sort_unstable();
    // 1: on the path being walked, 2: walked.
    let mut state: HashMap<Ref, u8> = HashMap::new();
    let mut cut = HashSet::new();
    for start in starts {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(r) = at {
            match state.get(&r) {
                Some(2) => break,
                Some(_) => {
                    // `r` is on this path: drop the latest new link of the loop.
                    let from = path.iter().position(|p| *p == r).unwrap_or(0);
                    if let Some(&c) = path
                        .get(from..)
                        .unwrap_or_default()
                        .iter()
                        .rev()
                        .find(|p| links.contains_key(p))
                    {
                        cut.insert(c);
                    }
                    break;
                }
                None => {}
            }
            state.insert(r, 1);
            path.push(r);
            at = next(r);
        }
        for r in path {
            state.insert(r, 2);
        }
    }
    cut
}

fn create(kind: Kind, id: Id, fields: Vec<(String, FieldValue)>) -> Command {
    Command::Create {
        kind,
        id,
        fields,
        custom: Vec::new(),
    }
}

struct IdsOf<'a> {
    companies: &'a HashMap<usize, Id>,
    contacts: &'a HashMap<usize, Id>,
    territories: &'a HashMap<usize, Id>,
    pipelines: &'a HashMap<usize, (Id, Vec<String>)>,
    customs: &'a [Option<Id>],
}

impl IdsOf<'_> {
    fn one(map: &HashMap<usize, Id>, r: Option<Ref>) -> Option<Id> {
        match r? {
            Ref::Existing(id) => Some(id),
            Ref::New(i) => map.get(&i).copied(),
        }
    }

    /// The link fields of a pending record, with ids.
    fn links(&self, p: &Pending) -> Vec<(&'static str, FieldValue)> {
        let mut out = Vec::new();
        if let Some(id) = Self::one(self.companies, p.company) {
            out.push(("company", FieldValue::Ref(id)));
        }
        if let Some(id) = Self::one(self.territories, p.territory) {
            out.push(("territory", FieldValue::Ref(id)));
        }
        if let Some(id) = p.owner {
            out.push(("owner", FieldValue::Ref(id)));
        }
        let contacts: Vec<Id> = p
            .contacts
            .iter()
            .filter_map(|c| Self::one(self.contacts, Some(*c)))
            .collect();
        if !contacts.is_empty() {
            out.push((
                "contacts",
                FieldValue::set(contacts.iter().map(Id::to_string)),
            ));
        }
        match (p.pipeline, &p.stage) {
            (Some(Ref::Existing(id)), Some(StageRef::Existing(stage))) => {
                out.push(("pipeline", FieldValue::Ref(id)));
                out.push(("stage", FieldValue::text(stage.clone())));
            }
            (Some(Ref::New(i)), Some(StageRef::New(s))) => {
                if let Some((id, stage_ids)) = self.pipelines.get(&i)
                    && let Some(stage) = stage_ids.get(*s)
                {
                    out.push(("pipeline", FieldValue::Ref(*id)));
                    out.push(("stage", FieldValue::text(stage.clone())));
                }
            }
            _ => {}
        }
        out
    }

    fn custom(&self, p: &Pending) -> Vec<(Id, FieldValue)> {
        p.custom
            .iter()
            .filter_map(|(slot, v)| Some((self.customs.get(*slot).copied().flatten()?, v.clone())))
            .collect()
    }
}

#[derive(Debug, Default)]
struct Step {
    commands: Vec<Command>,
    /// The lines of the rows each command comes from.
    lines: Vec<Vec<usize>>,
}

#[derive(Debug, Default)]
struct PlanOut {
    steps: [Step; 5],
    created: HashSet<Id>,
}

impl PlanOut {
    fn push(&mut self, step: usize, cmd: Command, lines: Vec<usize>, id: Id) {
        if matches!(cmd, Command::Create { .. }) {
            self.created.insert(id);
        }
        if let Some(s) = self.steps.get_mut(step) {
            s.commands.push(cmd);
            s.lines.push(lines);
        }
    }
}

/// The commands of an import, in the order their links need: custom field definitions,
/// territories and pipelines; companies; contacts; deals; then managers who are records of
/// the same import.
#[derive(Debug)]
pub struct ImportPlan {
    steps: Vec<Step>,
    created: HashSet<Id>,
    pub summary: Summary,
    /// Values left out: the draft's warnings and those found while planning.
    pub warnings: Vec<Warning>,
}

/// Writes an [`ImportPlan`] in chunks ([`ImportPlan::writer`]). The chunks form one undo
/// step (`Workspace::begin_undo_group`); a refused chunk undoes those written before it.
#[derive(Debug)]
pub struct PlanWriter<'a> {
    plan: &'a ImportPlan,
    step: usize,
    /// The next command of the current step.
    at: usize,
    written: usize,
    /// The undo step the batches form, once the first is written.
    group: Option<UndoStepId>,
}

impl PlanWriter<'_> {
    /// Commands written so far, of [`PlanWriter::total`].
    pub fn written(&self) -> usize {
        self.written
    }

    pub fn total(&self) -> usize {
        self.plan.steps.iter().map(|s| s.commands.len()).sum()
    }

    /// The undo step the import's batches formed (`Workspace::undo_step` undoes the import
    /// alone, whatever was done since); `None` until something is written.
    pub fn undo_step(&self) -> Option<UndoStepId> {
        self.group
    }

    /// Writes up to `max` commands (at least one) as one batch, never across a step boundary.
    /// `Ok(true)` once everything is written. On an error nothing of the import is left
    /// written (all chunks undone) and the writer is spent.
    pub fn write(&mut self, ws: &mut Workspace, ctx: &Ctx, max: usize) -> Result<bool, ApplyError> {
        let Some(step) = self.plan.steps.get(self.step) else {
            return Ok(true);
        };
        let group = *self.group.get_or_insert_with(|| ws.begin_undo_group());
        let end = step.commands.len().min(self.at.saturating_add(max.max(1)));
        let chunk = step.commands.get(self.at..end).unwrap_or_default().to_vec();
        if let Err((i, e)) = ws.apply_batch_in(group, chunk, ctx) {
            let wrote_any = self.written > 0;
            ws.end_undo_group();
            if wrote_any {
                // One undo step holds everything written so far (and nothing else: what was
                // done meanwhile stays).
                let _ = ws.undo_step(group, ctx);
            }
            let offset: usize = self
                .plan
                .steps
                .iter()
                .take(self.step)
                .map(|s| s.commands.len())
                .sum();
            self.step = self.plan.steps.len();
            return Err(ApplyError {
                lines: self.plan.lines_at(offset + self.at + i),
                error: e,
            });
        }
        self.written += end - self.at;
        self.at = end;
        if self.at >= step.commands.len() {
            self.step += 1;
            self.at = 0;
        }
        let done = self.step >= self.plan.steps.len();
        if done {
            ws.end_undo_group();
        }
        Ok(done)
    }
}

/// An import written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// How many undo steps it took: 1, or 0 for an empty plan (an import written in several
    /// batches is still one undo step).
    pub undo_steps: usize,
}

/// An import the workspace refused; nothing of it is left written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the import was refused (file lines {lines:?}): {error}")]
pub struct ApplyError {
    /// The lines of the rows the refused command comes from (empty for records the import
    /// creates because rows name them, when the first such row is not known).
    pub lines: Vec<usize>,
    pub error: CommandError,
}

impl ImportPlan {
    /// Every command, in order.
    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.steps.iter().flat_map(|s| s.commands.iter())
    }

    /// The commands in dependency steps: each step only links to records that exist before it.
    pub fn steps(&self) -> impl Iterator<Item = &[Command]> {
        self.steps.iter().map(|s| s.commands.as_slice())
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Writes the import. All commands are first offered as one `apply_batch` (one change,
    /// one undo step). `Workspace::apply_batch` checks every command against the workspace as
    /// it was before the batch, so while it refuses links to records created earlier in the
    /// same batch, an import that creates records and links to them is written step by step
    /// (see [`ImportPlan::steps`]) by a [`PlanWriter`]: one undo step all the same, and if a
    /// later step is refused the earlier ones are undone and the error returned.
    pub fn apply(&self, ws: &mut Workspace, ctx: &Ctx) -> Result<Applied, ApplyError> {
        if self.steps.is_empty() {
            return Ok(Applied { undo_steps: 0 });
        }
        let all: Vec<Command> = self.commands().cloned().collect();
        match ws.apply_batch(all, ctx) {
            Ok(()) => return Ok(Applied { undo_steps: 1 }),
            Err((i, e)) => {
                if self.steps.len() == 1 || !self.links_to_new(&e) {
                    return Err(ApplyError {
                        lines: self.lines_at(i),
                        error: e,
                    });
                }
            }
        }
        let mut writer = self.writer();
        while !writer.write(ws, ctx, usize::MAX)? {}
        Ok(Applied { undo_steps: 1 })
    }

    /// Frees the plan a piece at a time, one per item the iterator yields (about a command),
    /// as [`Draft::release`] does the draft.
    pub fn release(self) -> impl Iterator<Item = ()> {
        let ImportPlan { steps, created, .. } = self;
        steps
            .into_iter()
            .flat_map(|s| {
                s.commands
                    .into_iter()
                    .map(drop)
                    .chain(s.lines.into_iter().map(drop))
            })
            .chain(created.into_iter().map(drop))
    }

    /// Writes the import a chunk at a time, so a large one leaves the page responsive
    /// between chunks and can show its progress.
    pub fn writer(&self) -> PlanWriter<'_> {
        PlanWriter {
            plan: self,
            step: 0,
            at: 0,
            written: 0,
            group: None,
        }
    }

    fn links_to_new(&self, e: &CommandError) -> bool {
        match e {
            CommandError::DanglingLink { id, .. }
            | CommandError::NotFound { id, .. }
            | CommandError::UnknownCustomField(id) => self.created.contains(id),
            _ => false,
        }
    }

    fn lines_at(&self, mut i: usize) -> Vec<usize> {
        for s in &self.steps {
            if i < s.lines.len() {
                return s.lines.get(i).cloned().unwrap_or_default();
            }
            i -= s.lines.len();
        }
        Vec::new()
    }
}
