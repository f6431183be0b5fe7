//! What each kind of record holds: one table per kind drives validation, storage, reading,
//! history and search, so a field is declared once.

use std::fmt;
use std::str::FromStr;

/// The kinds of record a workspace holds; each is one map in the workspace document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Contact,
    Company,
    Deal,
    Pipeline,
    Activity,
    Task,
    Member,
    Territory,
    Tag,
    CustomField,
    SavedView,
    /// A scorecard target set by the team (`analytics::scorecard`).
    Target,
    /// Workspace settings, such as the lifetime value parameters (`Workspace::clv_settings`).
    Setting,
}

impl Kind {
    pub const ALL: [Kind; 13] = [
        Kind::Contact,
        Kind::Company,
        Kind::Deal,
        Kind::Pipeline,
        Kind::Activity,
        Kind::Task,
        Kind::Member,
        Kind::Territory,
        Kind::Tag,
        Kind::CustomField,
        Kind::SavedView,
        Kind::Target,
        Kind::Setting,
    ];

    /// This kind's place in [`Kind::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The key of this kind's map in the document root.
    pub fn collection(self) -> &'static str {
        match self {
            Kind::Contact => "contacts",
            Kind::Company => "companies",
            Kind::Deal => "deals",
            Kind::Pipeline => "pipelines",
            Kind::Activity => "activities",
            Kind::Task => "tasks",
            Kind::Member => "members",
            Kind::Territory => "territories",
            Kind::Tag => "tags",
            Kind::CustomField => "custom_fields",
            Kind::SavedView => "views",
            Kind::Target => "targets",
            Kind::Setting => "settings",
        }
    }

    pub fn from_collection(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.collection() == s)
    }

    /// Whether records of this kind may carry custom field values.
    pub fn has_custom_fields(self) -> bool {
        matches!(
            self,
            Kind::Contact | Kind::Company | Kind::Deal | Kind::Activity | Kind::Task
        )
    }

    pub fn fields(self) -> &'static [FieldSpec] {
        match self {
            Kind::Contact => CONTACT,
            Kind::Company => COMPANY,
            Kind::Deal => DEAL,
            Kind::Pipeline => PIPELINE,
            Kind::Activity => ACTIVITY,
            Kind::Task => TASK,
            Kind::Member => MEMBER,
            Kind::Territory => TERRITORY,
            Kind::Tag => TAG,
            Kind::CustomField => CUSTOM_FIELD,
            Kind::SavedView => SAVED_VIEW,
            Kind::Target => TARGET,
            Kind::Setting => SETTING,
        }
    }

    pub fn field(self, name: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.name == name)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.collection())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::from_collection(s).ok_or_else(|| format!("unknown record kind {s:?}"))
    }
}

/// How a field is stored and validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// A short line of text; concurrent edits: one wins, the same on every replica.
    Text,
    /// Notes and bodies: an Automerge text, merged character by character.
    LongText,
    /// An integer with an optional inclusive range.
    Int {
        min: i64,
        max: i64,
    },
    Bool,
    /// Integer minor units plus an ISO 4217 currency, stored atomically.
    Money,
    /// A calendar date without time, `YYYY-MM-DD`.
    Date,
    /// A birthday: a date whose year may be unknown (`--MM-DD`).
    Birthday,
    /// An instant, UTC milliseconds.
    Timestamp,
    Email,
    Phone,
    Url,
    /// `#rrggbb`
    Color,
    /// One of a fixed list of values.
    Choice(&'static [&'static str]),
    /// The id of a record of the given kind.
    Ref(Kind),
    /// A set of records of the given kind (concurrent adds all survive).
    RefSet(Kind),
    /// A set of tag names (add-wins set).
    Tags,
    /// Labelled email addresses: a set keyed by address, each with a label (work, home, ...).
    Emails,
    /// Labelled phone numbers, likewise.
    Phones,
    /// A pipeline's stages: stage id -> `position|probability|name`; see `pipeline::Stage`.
    Stages,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
    /// Indexed for full-text search.
    pub searchable: bool,
}

const fn f(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: false,
        searchable: false,
    }
}
const fn req(name: &'static str, ty: FieldType) -> FieldSpec {
    FieldSpec {
        name,
        ty,
        required: true,
        searchable: false,
    }
}
const fn search(mut spec: FieldSpec) -> FieldSpec {
    spec.searchable = true;
    spec
}

pub const COMPANY_KINDS: &[&str] = &[
    "customer",
    "prospect",
    "partner",
    "agent",
    "competitor",
    "other",
];
pub const DEAL_STATUS: &[&str] = &["open", "won", "lost"];
pub const ACTIVITY_KINDS: &[&str] = &["call", "email", "meeting", "note", "visit"];
pub const DIRECTIONS: &[&str] = &["inbound", "outbound"];
pub const RECURRENCE: &[&str] = &["none", "days", "months", "yearly"];
pub const CUSTOM_TYPES: &[&str] = &[
    "text",
    "number",
    "money",
    "date",
    "select",
    "multi_select",
    "checkbox",
    "url",
    "email",
    "phone",
];
pub const SIZES: &[&str] = &["1-10", "11-50", "51-200", "201-1000", "1000+"];
/// Whether a scorecard measure is better higher or lower.
pub const TARGET_DIRECTIONS: &[&str] = &["higher", "lower"];

const PERCENT: FieldType = FieldType::Int { min: 0, max: 100 };
const NON_NEGATIVE: FieldType = FieldType::Int {
    min: 0,
    max: i64::MAX,
};

static CONTACT: &[FieldSpec] = &[
    search(req("name", FieldType::Text)),
    search(f("emails", FieldType::Emails)),
    search(f("phones", FieldType::Phones)),
    f("job_title", FieldType::Text),
    f("company", FieldType::Ref(Kind::Company)),
    f("reports_to", FieldType::Ref(Kind::Contact)),
    f("birthday", FieldType::Birthday),
    f("street", FieldType::Text),
    search(f("city", FieldType::Text)),
    f("region", FieldType::Text),
    f("postcode", FieldType::Text),
    f("country", FieldType::Text),
    f("source", FieldType::Text),
    f("owner", FieldType::Ref(Kind::Member)),
    f("territory", FieldType::Ref(Kind::Territory)),
    f("tags", FieldType::Tags),
    search(f("notes", FieldType::LongText)),
];

static COMPANY: &[FieldSpec] = &[
    search(req("name", FieldType::Text)),
    req("kind", FieldType::Choice(COMPANY_KINDS)),
    f("industry", FieldType::Text),
    f("territory", FieldType::Ref(Kind::Territory)),
    f("size", FieldType::Choice(SIZES)),
    search(f("website", FieldType::Url)),
    search(f("emails", FieldType::Emails)),
    search(f("phones", FieldType::Phones)),
    f("street", FieldType::Text),
    search(f("city", FieldType::Text)),
    f("region", FieldType::Text),
    f("postcode", FieldType::Text),
    f("country", FieldType::Text),
    f("owner", FieldType::Ref(Kind::Member)),
    f("service_every_months", FieldType::Int { min: 1, max: 120 }),
    f("tags", FieldType::Tags),
    search(f("notes", FieldType::LongText)),
];

static DEAL: &[FieldSpec] = &[
    search(req("title", FieldType::Text)),
    req("pipeline", FieldType::Ref(Kind::Pipeline)),
    req("stage", FieldType::Text),
    req("value", FieldType::Money),
    f("probability", PERCENT),
    f("expected_close", FieldType::Date),
    f("owner", FieldType::Ref(Kind::Member)),
    f("company", FieldType::Ref(Kind::Company)),
    f("contacts", FieldType::RefSet(Kind::Contact)),
    req("status", FieldType::Choice(DEAL_STATUS)),
    f("lost_reason", FieldType::Text),
    f("closed_at", FieldType::Timestamp),
    f("tags", FieldType::Tags),
    search(f("notes", FieldType::LongText)),
    // The deal's place in its board column: a fractional index (`board::rank_between`), so
    // moving a card writes only that card.
    f("rank", FieldType::Text),
];

/// Stages are a map keyed by stage id, so concurrent edits to different stages all survive.
static PIPELINE: &[FieldSpec] = &[
    req("name", FieldType::Text),
    req("stages", FieldType::Stages),
    f("position", NON_NEGATIVE),
    // The ISO 4217 code board totals are in; unset, the deals' commonest currency.
    f("currency", FieldType::Text),
];

static ACTIVITY: &[FieldSpec] = &[
    req("kind", FieldType::Choice(ACTIVITY_KINDS)),
    req("at", FieldType::Timestamp),
    f("duration_minutes", NON_NEGATIVE),
    f("direction", FieldType::Choice(DIRECTIONS)),
    search(f("subject", FieldType::Text)),
    f("outcome", FieldType::Text),
    search(f("body", FieldType::LongText)),
    f("contacts", FieldType::RefSet(Kind::Contact)),
    f("company", FieldType::Ref(Kind::Company)),
    f("deal", FieldType::Ref(Kind::Deal)),
    f("author", FieldType::Ref(Kind::Member)),
];

static TASK: &[FieldSpec] = &[
    search(req("title", FieldType::Text)),
    f("due", FieldType::Date),
    f("remind_at", FieldType::Timestamp),
    f("done", FieldType::Bool),
    f("done_at", FieldType::Timestamp),
    f("assignee", FieldType::Ref(Kind::Member)),
    f("contact", FieldType::Ref(Kind::Contact)),
    f("company", FieldType::Ref(Kind::Company)),
    f("deal", FieldType::Ref(Kind::Deal)),
    f("recurrence", FieldType::Choice(RECURRENCE)),
    f("every", FieldType::Int { min: 1, max: 1000 }),
    search(f("notes", FieldType::LongText)),
];

static MEMBER: &[FieldSpec] = &[
    search(req("name", FieldType::Text)),
    req("color", FieldType::Color),
    f("territory", FieldType::Ref(Kind::Territory)),
    f("email", FieldType::Email),
];

static TERRITORY: &[FieldSpec] = &[req("name", FieldType::Text)];

static TAG: &[FieldSpec] = &[req("name", FieldType::Text), f("color", FieldType::Color)];

/// A custom field definition: `options` holds the choices of select fields, one per line.
static CUSTOM_FIELD: &[FieldSpec] = &[
    req("record_kind", FieldType::Text),
    req("label", FieldType::Text),
    req("field_type", FieldType::Choice(CUSTOM_TYPES)),
    f("options", FieldType::LongText),
    f("position", NON_NEGATIVE),
];

static SAVED_VIEW: &[FieldSpec] = &[
    req("name", FieldType::Text),
    req("record_kind", FieldType::Text),
    req("query", FieldType::LongText),
];

/// A scorecard target (see `analytics::scorecard` for the units and the status rule):
/// - `measure`: a measure key such as `sales.win_rate` (`analytics::scorecard::MEASURES`);
/// - `segment`: an RFM segment key (`champions`, …), or unset for the whole workspace;
/// - `target`: the value aimed at, in the measure's target unit (basis points for a
///   percentage, minor units of `currency` for money, a count, whole days);
/// - `currency`: the ISO 4217 code of a money target (required for money measures, refused
///   for others);
/// - `direction`: `higher` or `lower` is better; unset, the measure's own direction;
/// - `tolerance`: how far on the wrong side of the target still counts as "at risk" rather
///   than "off track", in the target's unit; unset, 0.
///
/// At most one live target per measure, segment and currency (`TargetExists`).
static TARGET: &[FieldSpec] = &[
    req("measure", FieldType::Text),
    f("segment", FieldType::Text),
    req("target", NON_NEGATIVE),
    f("currency", FieldType::Text),
    f("direction", FieldType::Choice(TARGET_DIRECTIONS)),
    f("tolerance", NON_NEGATIVE),
];

/// Workspace settings: lifetime value parameters (rates in basis points, 10 000 = 100 %).
/// Each field is optional and falls back to its default (`Workspace::clv_settings`).
static SETTING: &[FieldSpec] = &[
    f("clv_lifespan_months", FieldType::Int { min: 1, max: 1200 }),
    f(
        "clv_margin_bp",
        FieldType::Int {
            min: 0,
            max: 10_000,
        },
    ),
    f(
        "clv_retention_bp",
        FieldType::Int {
            min: 0,
            max: 10_000,
        },
    ),
    f(
        "clv_discount_bp",
        FieldType::Int {
            min: 0,
            max: 100_000,
        },
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collections_are_unique_and_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_collection(k.collection()), Some(k));
            assert_eq!(k.to_string().parse::<Kind>(), Ok(k));
        }
    }

    #[test]
    fn field_names_are_unique_per_kind_and_not_reserved() {
        for k in Kind::ALL {
            let mut names: Vec<_> = k.fields().iter().map(|f| f.name).collect();
            names.sort_unstable();
            let before = names.len();
            names.dedup();
            assert_eq!(before, names.len(), "{k}: duplicate field");
            for reserved in crate::record::RESERVED {
                assert!(!names.contains(reserved), "{k}: {reserved} is reserved");
            }
        }
    }
}
