//! Column layouts of other CRMs' and address books' CSV exports.
//!
//! A preset is chosen when the file has all of its *signature* headers (compared without case
//! and surrounding spaces); presets are tried in the order of [`PRESETS`]. A chosen preset
//! maps exactly the columns listed below and skips every other column (unless its header is
//! the label of one of the workspace's custom fields). `{n}` stands for a number (1, 2, ...),
//! and a `… - Label`/`… - Type` column labels the value column with the same number.
//!
//! **HubSpot contacts** (`hubspot-contacts`; signature `Record ID`, `First Name`,
//! `Last Name`): `First Name`, `Last Name` → name; `Email` → emails; `Phone Number` → phones
//! (work); `Mobile Phone Number` → phones (mobile); `Fax Number` → phones (fax);
//! `Job Title` → job title; `Company Name`, `Associated Company` → company; `Street Address`
//! → street; `City`; `State/Region` → region; `Postal Code` → postcode; `Country/Region` →
//! country; `Contact owner` → owner; `Original Source` → source; `Date of birth` → birthday.
//! (`Record ID`, `Lifecycle Stage`, `Lead Status`, `Create Date`, ... are skipped.)
//!
//! **Pipedrive people** (`pipedrive-people`; signature `Person - Name`): `Person - Name` →
//! name (`Person - First name`/`Person - Last name` when it is empty); `Person - Organization`
//! → company; `Person - Email - Work`/`- Home`/`- Other` → emails with those labels;
//! `Person - Phone - Work`/`- Home`/`- Mobile`/`- Other` → phones with those labels;
//! `Person - Job title` → job title; `Person - Birthday` → birthday; `Person - Owner` →
//! owner; `Person - Labels` (or `- Label`) → tags; `Person - Notes` → notes;
//! `Person - Postal address - Street/road name`, `- House number` → street;
//! `- City/town/village/locality` → city; `- State/county` → region; `- ZIP/Postal code` →
//! postcode; `- Country` → country.
//!
//! **Pipedrive organizations** (`pipedrive-organizations`; signature `Organization - Name`):
//! `Organization - Name` → name; `Organization - Owner` → owner; `Organization - Labels`
//! (or `- Label`) → tags; `Organization - Website` → website; `Organization - Industry` →
//! industry; `Organization - Number of employees` → size (a head count becomes its bracket);
//! `Organization - Address - Street/road name`, `- House number` → street;
//! `- City/town/village/locality` → city; `- State/county` → region; `- ZIP/Postal code` →
//! postcode; `- Country` → country; `Organization - Notes` → notes.
//!
//! **Pipedrive deals** (`pipedrive-deals`; signature `Deal - Title`): `Deal - Title` →
//! title; `Deal - Value` → value, in `Deal - Currency`; `Deal - Organization` → company;
//! `Deal - Contact person` → contacts; `Deal - Owner` → owner; `Deal - Pipeline` → pipeline;
//! `Deal - Stage` → stage; `Deal - Status` → status; `Deal - Expected close date` → expected
//! close; `Deal - Probability` → probability; `Deal - Lost reason` → lost reason;
//! `Deal - Won time`, `Deal - Lost time` → closed at; `Deal - Label` → tags.
//!
//! **Google Contacts** (`google-contacts`, the export since 2021; signature `First Name`,
//! `Last Name`, `E-mail 1 - Value`): `First Name`, `Middle Name`, `Last Name` → name;
//! `Organization Name` → company; `Organization Title` → job title; `Birthday` (`--MM-DD`
//! without a year) → birthday; `Notes` → notes; `Labels` → tags (Google's `* myContacts`
//! and `* starred` dropped); `E-mail {n} - Value` → emails labelled by `E-mail {n} - Label`;
//! `Phone {n} - Value` → phones labelled by `Phone {n} - Label`; `Address 1 - Street` →
//! street; `Address 1 - City` → city; `Address 1 - Region` → region;
//! `Address 1 - Postal Code` → postcode; `Address 1 - Country` → country.
//!
//! **Google Contacts, older export** (`google-contacts-legacy`; signature `Given Name`,
//! `Family Name`, `E-mail 1 - Value`): `Name` → name (`Given Name`, `Additional Name`,
//! `Family Name` when it is empty); `Organization 1 - Name` → company; `Organization 1 -
//! Title` → job title; `Birthday`; `Notes`; `Group Membership` → tags; `E-mail {n} - Value`
//! labelled by `E-mail {n} - Type`; `Phone {n} - Value` labelled by `Phone {n} - Type`;
//! `Address 1 - Street`/`City`/`Region`/`Postal Code`/`Country` as above.
//!
//! **Outlook contacts** (`outlook-contacts`; signature `First Name`, `Last Name`,
//! `E-mail Address`, `Business Phone`): `First Name`, `Middle Name`, `Last Name` → name
//! (`Title` is the honorific and skipped); `Company` → company; `Job Title` → job title;
//! `E-mail Address`, `E-mail 2 Address`, `E-mail 3 Address` → emails; `Business Phone`,
//! `Business Phone 2` → phones (work); `Home Phone`, `Home Phone 2` → phones (home);
//! `Mobile Phone` → phones (mobile); `Other Phone` → phones (other); `Primary Phone` → phones;
//! `Business Fax` → phones (fax); `Business Street`, `Business Street 2`, `Business Street 3`
//! → street; `Business City` → city; `Business State` → region; `Business Postal Code` →
//! postcode; `Business Country/Region` → country; `Birthday` (`0/0/00` is no date) →
//! birthday; `Notes` → notes; `Categories` → tags. A contact has one address, so the home and
//! other addresses are skipped; the mapping screen lets the user map them instead.

use crate::schema::Kind;

use super::mapping::{NamePart, Target};

/// Where a preset sends a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PresetTarget {
    Skip,
    Field(&'static str),
    /// A field (emails or phones) with a label for its values.
    Labelled(&'static str, &'static str),
    Part(NamePart),
    Currency,
    /// The labels of the column with this header (`{n}` the same number as this column's).
    LabelOf(&'static str),
}

/// A known export layout; see the module docs for each one's columns.
#[derive(Debug)]
pub struct Preset {
    /// A stable name, saved in mappings.
    pub id: &'static str,
    /// What the mapping screen shows.
    pub name: &'static str,
    pub kind: Kind,
    /// Headers a file must all have for the preset to be chosen.
    pub signature: &'static [&'static str],
    columns: &'static [(&'static str, PresetTarget)],
}

impl Preset {
    /// The columns the preset maps, as (header pattern, target).
    pub fn columns(&self) -> impl Iterator<Item = (&'static str, PresetTarget)> {
        self.columns.iter().copied()
    }

    /// The preset's targets for a file's headers, in column order; `None` for a column the
    /// preset does not list.
    pub fn targets(&self, headers: &[String]) -> Vec<Option<Target>> {
        let lower: Vec<String> = headers.iter().map(|h| h.trim().to_lowercase()).collect();
        lower
            .iter()
            .map(|h| {
                let (t, n) = self
                    .columns
                    .iter()
                    .find_map(|(pattern, t)| matches_pattern(pattern, h).map(|n| (*t, n)))?;
                let field = |name: &str, label: Option<&str>| Target::Field {
                    name: name.to_owned(),
                    label: label.map(str::to_owned),
                };
                Some(match t {
                    PresetTarget::Skip => Target::Skip,
                    PresetTarget::Field(name) => field(name, None),
                    PresetTarget::Labelled(name, label) => field(name, Some(label)),
                    PresetTarget::Part(part) => Target::NamePart { part },
                    PresetTarget::Currency => Target::Currency,
                    PresetTarget::LabelOf(other) => {
                        let wanted = substitute(other, n.as_deref()).to_lowercase();
                        match lower.iter().position(|x| *x == wanted) {
                            Some(column) => Target::LabelOf { column },
                            None => Target::Skip,
                        }
                    }
                })
            })
            .collect()
    }
}

/// `Some(number)` when `header` (lower case) matches `pattern`, whose `{n}` matches 1 to 2
/// digits; `Some(None)` for a pattern without `{n}`.
fn matches_pattern(pattern: &str, header: &str) -> Option<Option<String>> {
    let pattern = pattern.to_lowercase();
    match pattern.split_once("{n}") {
        None => (pattern == header).then_some(None),
        Some((before, after)) => {
            let middle = header.strip_prefix(before)?.strip_suffix(after)?;
            (!middle.is_empty() && middle.len() <= 2 && middle.bytes().all(|b| b.is_ascii_digit()))
                .then(|| Some(middle.to_owned()))
        }
    }
}

fn substitute(pattern: &str, n: Option<&str>) -> String {
    match n {
        Some(n) => pattern.replace("{n}", n),
        None => pattern.to_owned(),
    }
}

/// The first preset whose signature headers `headers` all have.
pub fn detect_preset(headers: &[String]) -> Option<&'static Preset> {
    let have: std::collections::HashSet<String> =
        headers.iter().map(|h| h.trim().to_lowercase()).collect();
    PRESETS
        .iter()
        .find(|p| p.signature.iter().all(|s| have.contains(&s.to_lowercase())))
}

use NamePart::{First, Last, Middle};
use PresetTarget::{Currency, Field as F, LabelOf, Labelled as L, Part, Skip};

/// Every preset, in the order they are tried.
pub static PRESETS: &[Preset] = &[
    Preset {
        id: "pipedrive-deals",
        name: "Pipedrive deals",
        kind: Kind::Deal,
        signature: &["Deal - Title"],
        columns: &[
            ("Deal - Title", F("title")),
            ("Deal - Value", F("value")),
            ("Deal - Currency", Currency),
            ("Deal - Organization", F("company")),
            ("Deal - Contact person", F("contacts")),
            ("Deal - Owner", F("owner")),
            ("Deal - Pipeline", F("pipeline")),
            ("Deal - Stage", F("stage")),
            ("Deal - Status", F("status")),
            ("Deal - Expected close date", F("expected_close")),
            ("Deal - Probability", F("probability")),
            ("Deal - Lost reason", F("lost_reason")),
            ("Deal - Won time", F("closed_at")),
            ("Deal - Lost time", F("closed_at")),
            ("Deal - Label", F("tags")),
        ],
    },
    Preset {
        id: "pipedrive-people",
        name: "Pipedrive people",
        kind: Kind::Contact,
        signature: &["Person - Name"],
        columns: &[
            ("Person - Name", F("name")),
            ("Person - First name", Part(First)),
            ("Person - Last name", Part(Last)),
            ("Person - Organization", F("company")),
            ("Person - Email - Work", L("emails", "work")),
            ("Person - Email - Home", L("emails", "home")),
            ("Person - Email - Other", L("emails", "other")),
            ("Person - Phone - Work", L("phones", "work")),
            ("Person - Phone - Home", L("phones", "home")),
            ("Person - Phone - Mobile", L("phones", "mobile")),
            ("Person - Phone - Other", L("phones", "other")),
            ("Person - Job title", F("job_title")),
            ("Person - Birthday", F("birthday")),
            ("Person - Owner", F("owner")),
            ("Person - Labels", F("tags")),
            ("Person - Label", F("tags")),
            ("Person - Notes", F("notes")),
            ("Person - Postal address - Street/road name", F("street")),
            ("Person - Postal address - House number", F("street")),
            (
                "Person - Postal address - City/town/village/locality",
                F("city"),
            ),
            ("Person - Postal address - State/county", F("region")),
            ("Person - Postal address - ZIP/Postal code", F("postcode")),
            ("Person - Postal address - Country", F("country")),
        ],
    },
    Preset {
        id: "pipedrive-organizations",
        name: "Pipedrive organizations",
        kind: Kind::Company,
        signature: &["Organization - Name"],
        columns: &[
            ("Organization - Name", F("name")),
            ("Organization - Owner", F("owner")),
            ("Organization - Labels", F("tags")),
            ("Organization - Label", F("tags")),
            ("Organization - Website", F("website")),
            ("Organization - Industry", F("industry")),
            ("Organization - Number of employees", F("size")),
            ("Organization - Address - Street/road name", F("street")),
            ("Organization - Address - House number", F("street")),
            (
                "Organization - Address - City/town/village/locality",
                F("city"),
            ),
            ("Organization - Address - State/county", F("region")),
            ("Organization - Address - ZIP/Postal code", F("postcode")),
            ("Organization - Address - Country", F("country")),
            ("Organization - Notes", F("notes")),
        ],
    },
    Preset {
        id: "hubspot-contacts",
        name: "HubSpot contacts",
        kind: Kind::Contact,
        signature: &["Record ID", "First Name", "Last Name"],
        columns: &[
            ("Record ID", Skip),
            ("First Name", Part(First)),
            ("Last Name", Part(Last)),
            ("Email", F("emails")),
            ("Phone Number", L("phones", "work")),
            ("Mobile Phone Number", L("phones", "mobile")),
            ("Fax Number", L("phones", "fax")),
            ("Job Title", F("job_title")),
            ("Company Name", F("company")),
            ("Associated Company", F("company")),
            ("Street Address", F("street")),
            ("City", F("city")),
            ("State/Region", F("region")),
            ("Postal Code", F("postcode")),
            ("Country/Region", F("country")),
            ("Contact owner", F("owner")),
            ("Original Source", F("source")),
            ("Date of birth", F("birthday")),
        ],
    },
    Preset {
        id: "google-contacts",
        name: "Google Contacts",
        kind: Kind::Contact,
        signature: &["First Name", "Last Name", "E-mail 1 - Value"],
        columns: &[
            ("First Name", Part(First)),
            ("Middle Name", Part(Middle)),
            ("Last Name", Part(Last)),
            ("Organization Name", F("company")),
            ("Organization Title", F("job_title")),
            ("Birthday", F("birthday")),
            ("Notes", F("notes")),
            ("Labels", F("tags")),
            ("E-mail {n} - Label", LabelOf("E-mail {n} - Value")),
            ("E-mail {n} - Value", F("emails")),
            ("Phone {n} - Label", LabelOf("Phone {n} - Value")),
            ("Phone {n} - Value", F("phones")),
            ("Address 1 - Street", F("street")),
            ("Address 1 - City", F("city")),
            ("Address 1 - Region", F("region")),
            ("Address 1 - Postal Code", F("postcode")),
            ("Address 1 - Country", F("country")),
        ],
    },
    Preset {
        id: "google-contacts-legacy",
        name: "Google Contacts (older export)",
        kind: Kind::Contact,
        signature: &["Given Name", "Family Name", "E-mail 1 - Value"],
        columns: &[
            ("Name", F("name")),
            ("Given Name", Part(First)),
            ("Additional Name", Part(Middle)),
            ("Family Name", Part(Last)),
            ("Organization 1 - Name", F("company")),
            ("Organization 1 - Title", F("job_title")),
            ("Birthday", F("birthday")),
            ("Notes", F("notes")),
            ("Group Membership", F("tags")),
            ("E-mail {n} - Type", LabelOf("E-mail {n} - Value")),
            ("E-mail {n} - Value", F("emails")),
            ("Phone {n} - Type", LabelOf("Phone {n} - Value")),
            ("Phone {n} - Value", F("phones")),
            ("Address 1 - Street", F("street")),
            ("Address 1 - City", F("city")),
            ("Address 1 - Region", F("region")),
            ("Address 1 - Postal Code", F("postcode")),
            ("Address 1 - Country", F("country")),
        ],
    },
    Preset {
        id: "outlook-contacts",
        name: "Outlook contacts",
        kind: Kind::Contact,
        signature: &[
            "First Name",
            "Last Name",
            "E-mail Address",
            "Business Phone",
        ],
        columns: &[
            ("Title", Skip),
            ("First Name", Part(First)),
            ("Middle Name", Part(Middle)),
            ("Last Name", Part(Last)),
            ("Company", F("company")),
            ("Job Title", F("job_title")),
            ("E-mail Address", F("emails")),
            ("E-mail 2 Address", F("emails")),
            ("E-mail 3 Address", F("emails")),
            ("Business Phone", L("phones", "work")),
            ("Business Phone 2", L("phones", "work")),
            ("Home Phone", L("phones", "home")),
            ("Home Phone 2", L("phones", "home")),
            ("Mobile Phone", L("phones", "mobile")),
            ("Other Phone", L("phones", "other")),
            ("Primary Phone", F("phones")),
            ("Business Fax", L("phones", "fax")),
            ("Business Street", F("street")),
            ("Business Street 2", F("street")),
            ("Business Street 3", F("street")),
            ("Business City", F("city")),
            ("Business State", F("region")),
            ("Business Postal Code", F("postcode")),
            ("Business Country/Region", F("country")),
            ("Birthday", F("birthday")),
            ("Notes", F("notes")),
            ("Categories", F("tags")),
        ],
    },
];
