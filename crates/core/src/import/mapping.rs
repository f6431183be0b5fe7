//! Which column of a file goes where: a [`Mapping`] holds one [`Target`] per column, and
//! [`guess_mapping`] proposes one from the headers.
//!
//! **Guessing** a column, first match wins:
//! 1. a [`Preset`](super::Preset) whose signature headers the file has (its columns are mapped
//!    exactly as the preset documents; columns it does not list are skipped unless they carry
//!    the label of one of the workspace's custom fields);
//! 2. the name of a built-in field of the kind (`job_title`, `emails`: what exports write);
//! 3. the label of an existing custom field of the kind;
//! 4. the header words in English, Persian or Russian (the tables in this file, e.g.
//!    `Email`/`E-mail`/`ایمیل`/`Эл. почта`, `Phone`/`تلفن`/`Телефон`, `Company`/`شرکت`/
//!    `Компания`, `First name`/`نام کوچک`/`Имя` and `Last name`/`نام خانوادگی`/`Фамилия` as
//!    parts of the name), also after dropping a leading `Person`/`Contact`/`Deal`/
//!    `Organization` word;
//! 5. otherwise the column is skipped.
//!
//! Headers are compared in search form (case, diacritics, Persian/Arabic letter variants and
//! digits folded; see `search::normalize`) with everything but letters and digits removed, so
//! `E-mail`, `e_mail` and `EMAIL` are one header.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::id::Id;
use crate::schema::Kind;
use crate::search::normalize;
use crate::workspace::Workspace;

use super::presets::detect_preset;

/// A part of a person's name held in its own column; the parts make the contact's `name` as
/// "first middle last" (a column mapped to `name` itself wins when it has a value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NamePart {
    First,
    Middle,
    Last,
}

/// Where one column's cells go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Target {
    Skip,
    /// A built-in field of the imported kind, by its schema name. Emails and phones may carry
    /// a `label` (`work`, `mobile`, ...) given to the column's values that have none of their
    /// own. Links (company, contacts, owner, territory, pipeline, reports_to) are read as names
    /// (or emails for people, or ids) and resolved; see `plan`.
    Field {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
    /// A part of a contact's name.
    NamePart {
        part: NamePart,
    },
    /// The currency of the row's amounts, when it has its own column.
    Currency,
    /// The labels of the emails or phones in another column (Google's `E-mail 1 - Label`).
    LabelOf {
        column: usize,
    },
    /// An existing custom field of the kind.
    Custom {
        id: Id,
    },
    /// A custom field this import creates; `field_type` is one of `schema::CUSTOM_TYPES`.
    /// The options of a select are the values found in the file.
    NewCustom {
        label: String,
        field_type: String,
    },
}

/// One column of the file and where it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub header: String,
    pub target: Target,
}

/// How a file's columns become fields of one kind of record. Serialisable, so the app can
/// save it and offer it again for the next file with the same headers ([`Mapping::reuse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub kind: Kind,
    pub columns: Vec<Column>,
    /// The preset the mapping was guessed from, if any (its `id`).
    #[serde(default)]
    pub preset: Option<String>,
}

impl Mapping {
    /// Every column skipped.
    pub fn skip_all(kind: Kind, headers: &[String]) -> Mapping {
        Mapping {
            kind,
            columns: headers
                .iter()
                .map(|h| Column {
                    header: h.clone(),
                    target: Target::Skip,
                })
                .collect(),
            preset: None,
        }
    }

    /// This saved mapping for a file with the same headers, in that file's column order;
    /// `None` when the headers are not the same set.
    pub fn reuse(&self, headers: &[String]) -> Option<Mapping> {
        let trim = |s: &str| s.trim().to_owned();
        let saved: HashMap<String, usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (trim(&c.header), i))
            .collect();
        let new: HashSet<String> = headers.iter().map(|h| trim(h)).collect();
        if saved.len() != self.columns.len()
            || new.len() != headers.len()
            || new.len() != saved.len()
            || !new.iter().all(|h| saved.contains_key(h))
        {
            return None;
        }
        // Old column index -> new column index, for `LabelOf`.
        let position: HashMap<usize, usize> = headers
            .iter()
            .enumerate()
            .filter_map(|(new_i, h)| saved.get(&trim(h)).map(|&old_i| (old_i, new_i)))
            .collect();
        let columns = headers
            .iter()
            .map(|h| {
                let old = saved.get(&trim(h)).and_then(|&i| self.columns.get(i));
                let target = match old.map(|c| &c.target) {
                    Some(Target::LabelOf { column }) => match position.get(column) {
                        Some(&column) => Target::LabelOf { column },
                        None => Target::Skip,
                    },
                    Some(t) => t.clone(),
                    None => Target::Skip,
                };
                Column {
                    header: h.clone(),
                    target,
                }
            })
            .collect();
        Some(Mapping {
            kind: self.kind,
            columns,
            preset: self.preset.clone(),
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(s: &str) -> Result<Mapping, String> {
        serde_json::from_str(s).map_err(|e| format!("this saved mapping cannot be read: {e}"))
    }
}

/// A header in the form headers are compared in: search form, letters and digits only.
pub(crate) fn header_key(header: &str) -> String {
    normalize(header)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// Words of a header in search form.
fn header_words(header: &str) -> Vec<String> {
    normalize(header)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Proposes a mapping for a file with these headers (see the module docs). `ws` supplies the
/// custom fields whose labels a header may carry.
pub fn guess_mapping(headers: &[String], kind: Kind, ws: &Workspace) -> Mapping {
    let custom: HashMap<String, Id> = ws
        .custom_fields(kind)
        .into_iter()
        .filter_map(|id| {
            let label = ws.get(Kind::CustomField, id)?.text("label")?;
            Some((header_key(label), id))
        })
        .collect();
    if let Some(preset) = detect_preset(headers).filter(|p| p.kind == kind) {
        let targets = preset.targets(headers);
        let columns = headers
            .iter()
            .zip(targets)
            .map(|(h, t)| {
                let target = t.unwrap_or_else(|| {
                    custom
                        .get(&header_key(h))
                        .map_or(Target::Skip, |&id| Target::Custom { id })
                });
                Column {
                    header: h.clone(),
                    target,
                }
            })
            .collect();
        return Mapping {
            kind,
            columns,
            preset: Some(preset.id.to_owned()),
        };
    }
    let dictionary = Dictionary::new(kind);
    let columns = headers
        .iter()
        .map(|h| Column {
            header: h.clone(),
            target: dictionary.guess(h, &custom),
        })
        .collect();
    Mapping {
        kind,
        columns,
        preset: None,
    }
}

/// The target the header words suggest for a column of a `kind` file, without presets or
/// custom fields.
pub fn guess_target(header: &str, kind: Kind) -> Target {
    Dictionary::new(kind).guess(header, &HashMap::new())
}

#[derive(Debug, Clone, Copy)]
enum G {
    F(&'static str),
    L(&'static str, &'static str),
    P(NamePart),
    Currency,
}

impl G {
    fn target(self) -> Target {
        match self {
            G::F(name) => Target::Field {
                name: name.to_owned(),
                label: None,
            },
            G::L(name, label) => Target::Field {
                name: name.to_owned(),
                label: Some(label.to_owned()),
            },
            G::P(part) => Target::NamePart { part },
            G::Currency => Target::Currency,
        }
    }
}

struct Dictionary {
    kind: Kind,
    words: HashMap<String, G>,
}

/// Leading words that name the record kind rather than the field (`Person - Email`).
const ENTITY_WORDS: &[&str] = &[
    "person",
    "contact",
    "deal",
    "organization",
    "organisation",
    "lead",
];

impl Dictionary {
    fn new(kind: Kind) -> Self {
        let mut words = HashMap::new();
        for (g, synonyms) in entries(kind) {
            for s in *synonyms {
                words.entry(header_key(s)).or_insert(*g);
            }
        }
        Dictionary { kind, words }
    }

    fn guess(&self, header: &str, custom: &HashMap<String, Id>) -> Target {
        let key = header_key(header);
        if key.is_empty() {
            return Target::Skip;
        }
        if let Some(spec) = self
            .kind
            .fields()
            .iter()
            .find(|f| header_key(f.name) == key)
        {
            return Target::Field {
                name: spec.name.to_owned(),
                label: None,
            };
        }
        if let Some(&id) = custom.get(&key) {
            return Target::Custom { id };
        }
        if let Some(g) = self.words.get(&key) {
            return g.target();
        }
        let words = header_words(header);
        if let Some((first, rest)) = words.split_first()
            && !rest.is_empty()
            && ENTITY_WORDS.contains(&first.as_str())
        {
            let key: String = rest.concat();
            if let Some(g) = self.words.get(&key) {
                return g.target();
            }
        }
        Target::Skip
    }
}

type Entry = (G, &'static [&'static str]);

const EMAIL: &[&str] = &[
    "email",
    "e-mail",
    "email address",
    "e-mail address",
    "emails",
    "mail",
    "email 1",
    "primary email",
    "ایمیل",
    "آدرس ایمیل",
    "پست الکترونیک",
    "پست الکترونیکی",
    "رایانامه",
    "эл. почта",
    "электронная почта",
    "почта",
    "email адрес",
    "адрес электронной почты",
    "емейл",
    "имейл",
];
const WORK_EMAIL: &[&str] = &[
    "work email",
    "business email",
    "office email",
    "ایمیل کاری",
    "рабочая почта",
];
const HOME_EMAIL: &[&str] = &[
    "home email",
    "personal email",
    "private email",
    "ایمیل شخصی",
    "личная почта",
];
const PHONE: &[&str] = &[
    "phone",
    "phone number",
    "phones",
    "telephone",
    "telephone number",
    "tel",
    "phone 1",
    "primary phone",
    "تلفن",
    "شماره تلفن",
    "شماره تماس",
    "тел.",
    "телефон",
    "номер телефона",
];
const MOBILE: &[&str] = &[
    "mobile",
    "mobile phone",
    "mobile phone number",
    "mobile number",
    "cell",
    "cell phone",
    "cellphone",
    "موبایل",
    "تلفن همراه",
    "شماره موبایل",
    "شماره همراه",
    "همراه",
    "мобильный",
    "мобильный телефон",
    "сотовый",
    "сотовый телефон",
];
const WORK_PHONE: &[&str] = &[
    "work phone",
    "business phone",
    "office phone",
    "تلفن محل کار",
    "تلفن کاری",
    "рабочий телефон",
];
const HOME_PHONE: &[&str] = &["home phone", "تلفن منزل", "домашний телефон"];
const FAX: &[&str] = &["fax", "fax number", "business fax", "فکس", "نمابر", "факс"];
const STREET: &[&str] = &[
    "street",
    "address",
    "street address",
    "address line 1",
    "address line 2",
    "address 1",
    "street 2",
    "آدرس",
    "نشانی",
    "خیابان",
    "адрес",
    "улица",
];
const CITY: &[&str] = &[
    "city",
    "town",
    "locality",
    "شهر",
    "город",
    "населенный пункт",
];
const REGION: &[&str] = &[
    "region",
    "state",
    "province",
    "state/region",
    "state/province",
    "county",
    "استان",
    "регион",
    "область",
    "край",
];
const POSTCODE: &[&str] = &[
    "postcode",
    "postal code",
    "post code",
    "zip",
    "zip code",
    "کد پستی",
    "почтовый индекс",
    "индекс",
];
const COUNTRY: &[&str] = &["country", "country/region", "کشور", "страна"];
const OWNER: &[&str] = &[
    "owner",
    "contact owner",
    "account owner",
    "deal owner",
    "company owner",
    "assigned to",
    "sales rep",
    "مسئول",
    "مالک",
    "کارشناس",
    "ответственный",
    "владелец",
];
const TERRITORY: &[&str] = &["territory", "sales territory", "قلمرو", "территория"];
const TAGS: &[&str] = &[
    "tags",
    "tag",
    "labels",
    "label",
    "categories",
    "category",
    "groups",
    "برچسب",
    "برچسب ها",
    "برچسب‌ها",
    "دسته",
    "دسته بندی",
    "теги",
    "тег",
    "метки",
    "категории",
    "категория",
];
const NOTES: &[&str] = &[
    "notes",
    "note",
    "comments",
    "comment",
    "description",
    "remarks",
    "یادداشت",
    "یادداشت ها",
    "توضیحات",
    "заметки",
    "заметка",
    "примечание",
    "примечания",
    "комментарий",
    "описание",
];

static CONTACT: &[Entry] = &[
    (
        G::P(NamePart::First),
        &[
            "first name",
            "given name",
            "forename",
            "first",
            "نام کوچک",
            "имя",
        ],
    ),
    (
        G::P(NamePart::Middle),
        &["middle name", "additional name", "отчество"],
    ),
    (
        G::P(NamePart::Last),
        &[
            "last name",
            "surname",
            "family name",
            "last",
            "نام خانوادگی",
            "نام فامیل",
            "فامیلی",
            "фамилия",
        ],
    ),
    (
        G::F("name"),
        &[
            "name",
            "full name",
            "contact",
            "contact name",
            "person",
            "person name",
            "display name",
            "نام",
            "نام کامل",
            "نام و نام خانوادگی",
            "اسم",
            "مخاطب",
            "фио",
            "ф.и.о.",
            "полное имя",
            "имя и фамилия",
            "контакт",
            "контактное лицо",
        ],
    ),
    (G::F("emails"), EMAIL),
    (G::L("emails", "work"), WORK_EMAIL),
    (G::L("emails", "home"), HOME_EMAIL),
    (G::F("phones"), PHONE),
    (G::L("phones", "mobile"), MOBILE),
    (G::L("phones", "work"), WORK_PHONE),
    (G::L("phones", "home"), HOME_PHONE),
    (G::L("phones", "fax"), FAX),
    (
        G::F("job_title"),
        &[
            "job title",
            "title",
            "position",
            "role",
            "job",
            "occupation",
            "عنوان شغلی",
            "سمت",
            "شغل",
            "должность",
        ],
    ),
    (
        G::F("company"),
        &[
            "company",
            "company name",
            "organization",
            "organisation",
            "organization name",
            "org",
            "account",
            "account name",
            "employer",
            "شرکت",
            "نام شرکت",
            "سازمان",
            "компания",
            "организация",
            "название компании",
            "фирма",
        ],
    ),
    (
        G::F("birthday"),
        &[
            "birthday",
            "birth date",
            "date of birth",
            "dob",
            "تاریخ تولد",
            "تولد",
            "день рождения",
            "дата рождения",
        ],
    ),
    (G::F("street"), STREET),
    (G::F("city"), CITY),
    (G::F("region"), REGION),
    (G::F("postcode"), POSTCODE),
    (G::F("country"), COUNTRY),
    (
        G::F("source"),
        &[
            "source",
            "lead source",
            "original source",
            "منبع",
            "источник",
        ],
    ),
    (G::F("owner"), OWNER),
    (G::F("territory"), TERRITORY),
    (G::F("tags"), TAGS),
    (G::F("notes"), NOTES),
    (
        G::F("reports_to"),
        &[
            "reports to",
            "manager",
            "supervisor",
            "مدیر",
            "руководитель",
        ],
    ),
];

static COMPANY: &[Entry] = &[
    (
        G::F("name"),
        &[
            "name",
            "company",
            "company name",
            "organization",
            "organisation",
            "organization name",
            "account",
            "account name",
            "business name",
            "نام",
            "شرکت",
            "نام شرکت",
            "سازمان",
            "نام سازمان",
            "название",
            "компания",
            "организация",
            "название компании",
            "наименование",
        ],
    ),
    (
        G::F("kind"),
        &["kind", "type", "company type", "relationship", "نوع", "тип"],
    ),
    (
        G::F("industry"),
        &[
            "industry",
            "sector",
            "صنعت",
            "حوزه فعالیت",
            "отрасль",
            "сфера деятельности",
        ],
    ),
    (
        G::F("size"),
        &[
            "size",
            "company size",
            "employees",
            "number of employees",
            "headcount",
            "تعداد کارکنان",
            "اندازه",
            "размер",
            "количество сотрудников",
        ],
    ),
    (
        G::F("website"),
        &[
            "website",
            "web site",
            "web",
            "url",
            "site",
            "domain",
            "company domain name",
            "homepage",
            "website url",
            "وب سایت",
            "وبسایت",
            "سایت",
            "сайт",
            "веб-сайт",
        ],
    ),
    (G::F("emails"), EMAIL),
    (G::L("emails", "work"), WORK_EMAIL),
    (G::F("phones"), PHONE),
    (G::L("phones", "mobile"), MOBILE),
    (G::L("phones", "work"), WORK_PHONE),
    (G::L("phones", "fax"), FAX),
    (G::F("street"), STREET),
    (G::F("city"), CITY),
    (G::F("region"), REGION),
    (G::F("postcode"), POSTCODE),
    (G::F("country"), COUNTRY),
    (G::F("owner"), OWNER),
    (G::F("territory"), TERRITORY),
    (G::F("tags"), TAGS),
    (G::F("notes"), NOTES),
    (
        G::F("service_every_months"),
        &["service interval", "service every months"],
    ),
];

static DEAL: &[Entry] = &[
    (
        G::F("title"),
        &[
            "title",
            "deal",
            "deal name",
            "deal title",
            "name",
            "subject",
            "opportunity",
            "opportunity name",
            "عنوان",
            "معامله",
            "نام معامله",
            "فرصت",
            "название",
            "сделка",
            "название сделки",
        ],
    ),
    (
        G::F("value"),
        &[
            "value",
            "amount",
            "deal value",
            "deal amount",
            "price",
            "مبلغ",
            "ارزش",
            "сумма",
            "стоимость",
            "бюджет",
        ],
    ),
    (
        G::Currency,
        &["currency", "value currency", "واحد پول", "ارز", "валюта"],
    ),
    (
        G::F("pipeline"),
        &[
            "pipeline",
            "sales pipeline",
            "funnel",
            "قیف فروش",
            "قیف",
            "воронка",
            "воронка продаж",
        ],
    ),
    (
        G::F("stage"),
        &["stage", "deal stage", "مرحله", "этап", "стадия"],
    ),
    (
        G::F("probability"),
        &["probability", "win probability", "احتمال", "вероятность"],
    ),
    (
        G::F("expected_close"),
        &[
            "expected close",
            "expected close date",
            "close date",
            "closing date",
            "تاریخ بسته شدن",
            "дата закрытия",
            "ожидаемая дата закрытия",
        ],
    ),
    (
        G::F("company"),
        &[
            "company",
            "company name",
            "organization",
            "organisation",
            "organization name",
            "account",
            "account name",
            "شرکت",
            "سازمان",
            "компания",
            "организация",
        ],
    ),
    (
        G::F("contacts"),
        &[
            "contacts",
            "contact",
            "contact person",
            "person",
            "people",
            "مخاطب",
            "مخاطبین",
            "контакт",
            "контакты",
            "контактное лицо",
        ],
    ),
    (G::F("status"), &["status", "وضعیت", "статус"]),
    (
        G::F("lost_reason"),
        &[
            "lost reason",
            "reason lost",
            "دلیل شکست",
            "دلیل از دست رفتن",
            "причина отказа",
            "причина проигрыша",
        ],
    ),
    (
        G::F("closed_at"),
        &["closed at", "close time", "closed on", "date closed"],
    ),
    (G::F("owner"), OWNER),
    (G::F("tags"), TAGS),
    (G::F("notes"), NOTES),
];

fn entries(kind: Kind) -> &'static [Entry] {
    match kind {
        Kind::Contact => CONTACT,
        Kind::Company => COMPANY,
        Kind::Deal => DEAL,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str) -> Target {
        Target::Field {
            name: name.into(),
            label: None,
        }
    }

    fn labelled(name: &str, label: &str) -> Target {
        Target::Field {
            name: name.into(),
            label: Some(label.into()),
        }
    }

    #[test]
    fn headers_in_three_languages() {
        let c = |h: &str| guess_target(h, Kind::Contact);
        for h in [
            "Email",
            "E-mail",
            "EMAIL ADDRESS",
            "ایمیل",
            "Эл. почта",
            "e_mail",
        ] {
            assert_eq!(c(h), field("emails"), "{h}");
        }
        for h in ["Phone", "تلفن", "Телефон", "Tel."] {
            assert_eq!(c(h), field("phones"), "{h}");
        }
        for h in ["Company", "شرکت", "Компания", "Organization"] {
            assert_eq!(c(h), field("company"), "{h}");
        }
        assert_eq!(c("Mobile"), labelled("phones", "mobile"));
        assert_eq!(c("تلفن همراه"), labelled("phones", "mobile"));
        assert_eq!(c("Мобильный телефон"), labelled("phones", "mobile"));
        assert_eq!(
            c("First name"),
            Target::NamePart {
                part: NamePart::First
            }
        );
        assert_eq!(
            c("Фамилия"),
            Target::NamePart {
                part: NamePart::Last
            }
        );
        assert_eq!(
            c("نام خانوادگی"),
            Target::NamePart {
                part: NamePart::Last
            }
        );
        assert_eq!(c("نام"), field("name"));
        assert_eq!(c("job_title"), field("job_title"));
        assert_eq!(c("Person - Email"), field("emails"));
        assert_eq!(c("برچسب‌ها"), field("tags"));
        assert_eq!(c("Favourite colour"), Target::Skip);
        assert_eq!(c(""), Target::Skip);
        assert_eq!(guess_target("Currency", Kind::Deal), Target::Currency);
        assert_eq!(guess_target("Сумма", Kind::Deal), field("value"));
        assert_eq!(guess_target("Company", Kind::Company), field("name"));
        assert_eq!(guess_target("Website", Kind::Company), field("website"));
    }

    #[test]
    fn existing_custom_fields_are_matched_by_label() {
        use crate::testutil::{id, make, text};
        let mut ws = Workspace::new([1; 16]);
        make(
            &mut ws,
            Kind::CustomField,
            id(1),
            1,
            &[
                ("record_kind", text("contacts")),
                ("label", text("Shoe size")),
                ("field_type", text("number")),
            ],
        );
        let headers: Vec<String> = ["Name", "shoe-size", "Other"].map(String::from).to_vec();
        let m = guess_mapping(&headers, Kind::Contact, &ws);
        let targets: Vec<Target> = m.columns.into_iter().map(|c| c.target).collect();
        assert_eq!(
            targets,
            vec![field("name"), Target::Custom { id: id(1) }, Target::Skip]
        );
    }

    #[test]
    fn a_saved_mapping_is_offered_for_the_same_headers_in_any_order() {
        let saved = Mapping {
            kind: Kind::Contact,
            columns: vec![
                Column {
                    header: "Mail".into(),
                    target: field("emails"),
                },
                Column {
                    header: "Kind of mail".into(),
                    target: Target::LabelOf { column: 0 },
                },
                Column {
                    header: "Who".into(),
                    target: field("name"),
                },
            ],
            preset: None,
        };
        let json = saved.to_json();
        let back = Mapping::from_json(&json).unwrap();
        assert_eq!(back, saved);
        let headers: Vec<String> = ["Who", "Mail", "Kind of mail"].map(String::from).to_vec();
        let m = saved.reuse(&headers).unwrap();
        let targets: Vec<Target> = m.columns.into_iter().map(|c| c.target).collect();
        assert_eq!(
            targets,
            vec![
                field("name"),
                field("emails"),
                Target::LabelOf { column: 1 }
            ]
        );
        assert!(
            saved
                .reuse(&["Who".to_owned(), "Mail".to_owned()])
                .is_none()
        );
    }
}
