//! Which records link to a record: the index behind record pages (a contact's activities,
//! tasks and deals; a company's people), so opening one does not scan every activity.

use std::collections::{BTreeSet, HashMap};

use crate::id::Id;
use crate::record::Record;
use crate::schema::{FieldType, Kind};
use crate::value::FieldValue;

/// target -> the records (any kind, trashed too) with a link field pointing at it. Kept
/// current record by record, like the search index.
#[derive(Debug, Default, Clone)]
pub struct Backlinks {
    to: HashMap<Id, BTreeSet<(Kind, Id)>>,
    from: HashMap<(Kind, Id), Vec<Id>>,
}

/// The records `rec` links to through its link fields.
fn targets(rec: &Record) -> Vec<Id> {
    let mut out = Vec::new();
    for spec in rec.kind.fields() {
        if !matches!(spec.ty, FieldType::Ref(_) | FieldType::RefSet(_)) {
            continue;
        }
        match rec.get(spec.name) {
            Some(FieldValue::Ref(id)) => out.push(*id),
            Some(FieldValue::Set(items)) => {
                out.extend(items.keys().filter_map(|k| k.parse::<Id>().ok()))
            }
            _ => {}
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

impl Backlinks {
    /// Replaces what record (kind, id) links to; None when it is gone from the document.
    pub fn set(&mut self, kind: Kind, id: Id, rec: Option<&Record>) {
        let key = (kind, id);
        for old in self.from.remove(&key).unwrap_or_default() {
            if let Some(set) = self.to.get_mut(&old) {
                set.remove(&key);
                if set.is_empty() {
                    self.to.remove(&old);
                }
            }
        }
        let Some(rec) = rec else { return };
        let new = targets(rec);
        for t in &new {
            self.to.entry(*t).or_default().insert(key);
        }
        if !new.is_empty() {
            self.from.insert(key, new);
        }
    }

    /// Records of `kind` linking to `target`, in id order.
    pub fn of(&self, target: Id, kind: Kind) -> impl Iterator<Item = Id> + '_ {
        self.to.get(&target).into_iter().flat_map(move |set| {
            set.range((kind, Id::from_bytes([0; 16]))..=(kind, Id::from_bytes([0xff; 16])))
                .map(|(_, id)| *id)
        })
    }
}
