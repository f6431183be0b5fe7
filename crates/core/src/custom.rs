//! Custom field definitions as the rest of the domain reads them: their storage type, their
//! options, and the values records hold for them.

use std::collections::BTreeMap;

use crate::id::Id;
use crate::money::Currency;
use crate::schema::{FieldType, Kind};
use crate::value::{FieldValue, decode_money};
use crate::workspace::Workspace;

/// The record kinds a team can add its own fields to.
pub const CUSTOM_FIELD_KINDS: [Kind; 5] = [
    Kind::Contact,
    Kind::Company,
    Kind::Deal,
    Kind::Activity,
    Kind::Task,
];

/// How a custom field's values are validated and stored, from its `field_type`. Selects are
/// text checked against their options (which live in the definition, not in the schema).
pub fn custom_type(field_type: &str) -> FieldType {
    match field_type {
        "number" => FieldType::Int {
            min: i64::MIN,
            max: i64::MAX,
        },
        "money" => FieldType::Money,
        "date" => FieldType::Date,
        "checkbox" => FieldType::Bool,
        "url" => FieldType::Url,
        "email" => FieldType::Email,
        "phone" => FieldType::Phone,
        "multi_select" => FieldType::Tags,
        _ => FieldType::Text,
    }
}

impl Workspace {
    /// The storage type of custom field `def` (text when the definition is gone).
    pub fn custom_type(&self, def: Id) -> FieldType {
        custom_type(
            self.get(Kind::CustomField, def)
                .and_then(|d| d.text("field_type"))
                .unwrap_or_default(),
        )
    }

    /// The options of a select or multi-select custom field, in their written order.
    pub fn custom_options(&self, def: Id) -> Vec<String> {
        self.get(Kind::CustomField, def)
            .and_then(|d| d.text("options"))
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// Live custom field definitions for records of `kind`, by position then label.
    pub fn custom_fields(&self, kind: Kind) -> Vec<Id> {
        let mut defs: Vec<_> = self
            .live(Kind::CustomField)
            .filter(|d| d.text("record_kind") == Some(kind.collection()))
            .map(|d| {
                let pos = match d.get("position") {
                    Some(FieldValue::Int(n)) => *n,
                    _ => i64::MAX,
                };
                (pos, d.title().to_owned(), d.id)
            })
            .collect();
        defs.sort();
        defs.into_iter().map(|(_, _, id)| id).collect()
    }

    /// A record's value for custom field `def`, typed by its definition (money stored as
    /// `EUR:123` comes back as money).
    pub fn custom_value(&self, kind: Kind, id: Id, def: Id) -> Option<FieldValue> {
        let value = self.get(kind, id)?.custom.get(&def)?;
        match (self.custom_type(def), value) {
            (FieldType::Money, FieldValue::Text(t)) => decode_money(t).map(FieldValue::Money),
            _ => Some(value.clone()),
        }
    }

    /// The currency amounts are in when nobody says otherwise: the one most deals use (ties
    /// by code), else euros.
    pub fn default_currency(&self) -> Currency {
        let mut counts: BTreeMap<Currency, usize> = BTreeMap::new();
        for deal in self.live(Kind::Deal) {
            if let Some(FieldValue::Money(m)) = deal.get("value") {
                *counts.entry(m.currency).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(c, _)| c)
            .unwrap_or_else(|| {
                "EUR"
                    .parse()
                    .unwrap_or_else(|_| unreachable!("EUR is ISO 4217"))
            })
    }
}
