//! Full-text search: prefix matching over names, emails, phones, companies and notes that
//! ignores case and diacritics and folds letter variants (Persian/Arabic ی/ي, ک/ك, ه/ة and the
//! hamza forms; Russian ё/е), so a search finds what a person meant, however it was typed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::id::Id;
use crate::schema::Kind;
use crate::value::fold_digits;

/// Folds one character to its search form; `None` drops it (combining marks, tatweel, ZWNJ).
fn fold_char(c: char, out: &mut String) {
    match c {
        // Arabic diacritics (harakat, tanwin, shadda, sukun, superscript alef), tatweel, ZWNJ/ZWJ.
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{200C}' | '\u{200D}' => {}
        'ي' | 'ى' | 'ئ' => out.push('ی'),
        'ك' => out.push('ک'),
        'ة' | 'ۀ' => out.push('ه'),
        'أ' | 'إ' | 'آ' | 'ٱ' => out.push('ا'),
        'ؤ' => out.push('و'),
        'ё' | 'Ё' => out.push('е'),
        'ß' => out.push_str("ss"),
        'æ' | 'Æ' => out.push_str("ae"),
        'ø' | 'Ø' => out.push('o'),
        'ł' | 'Ł' => out.push('l'),
        'đ' | 'Đ' => out.push('d'),
        _ => {
            for l in c.to_lowercase() {
                out.push(strip_latin_diacritic(l));
            }
        }
    }
}

/// Latin letters with diacritics to their base letter (the common Latin-1 and Latin Extended-A
/// range, which covers names in Western and Central European languages and Turkish).
fn strip_latin_diacritic(c: char) -> char {
    const MAP: &[(&str, char)] = &[
        ("àáâãäåāăą", 'a'),
        ("çćĉċč", 'c'),
        ("ďđ", 'd'),
        ("èéêëēĕėęě", 'e'),
        ("ĝğġģ", 'g'),
        ("ĥħ", 'h'),
        ("ìíîïĩīĭįı", 'i'),
        ("ĵ", 'j'),
        ("ķ", 'k'),
        ("ĺļľŀ", 'l'),
        ("ñńņňŉ", 'n'),
        ("òóôõöōŏő", 'o'),
        ("ŕŗř", 'r'),
        ("śŝşš", 's'),
        ("ţťŧ", 't'),
        ("ùúûüũūŭůűų", 'u'),
        ("ŵ", 'w'),
        ("ýÿŷ", 'y'),
        ("źżž", 'z'),
        ("й", 'и'),
    ];
    if c.is_ascii() {
        return c;
    }
    MAP.iter()
        .find(|(set, _)| set.contains(c))
        .map_or(c, |&(_, base)| base)
}

/// Lower-cased, folded text.
pub fn normalize(text: &str) -> String {
    // Most names and addresses are ASCII, where folding is lower-casing: sorting a 10k list
    // normalises every name.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    for c in fold_digits(text).chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Words of `text` in search form. Emails and web addresses also yield their parts, so `ann`
/// and `example` both find `ann@example.com`.
pub fn tokens(text: &str) -> BTreeSet<String> {
    let norm = normalize(text);
    let mut out = BTreeSet::new();
    for word in norm.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '"' | '(' | ')'))
    {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        if word.is_empty() {
            continue;
        }
        out.insert(word.to_owned());
        for part in word.split(|c: char| !c.is_alphanumeric()) {
            if !part.is_empty() {
                out.insert(part.to_owned());
            }
        }
    }
    out
}

type Key = (Kind, Id);

/// An inverted index of token -> records, kept current record by record.
#[derive(Debug, Default, Clone)]
pub struct SearchIndex {
    postings: BTreeMap<String, BTreeSet<Key>>,
    by_record: HashMap<Key, BTreeSet<String>>,
}

impl SearchIndex {
    /// Replaces what is indexed for one record (an empty text removes it).
    pub fn set(&mut self, kind: Kind, id: Id, text: &str) {
        self.remove(kind, id);
        let toks = tokens(text);
        if toks.is_empty() {
            return;
        }
        for t in &toks {
            self.postings
                .entry(t.clone())
                .or_default()
                .insert((kind, id));
        }
        self.by_record.insert((kind, id), toks);
    }

    pub fn remove(&mut self, kind: Kind, id: Id) {
        if let Some(old) = self.by_record.remove(&(kind, id)) {
            for t in old {
                if let Some(set) = self.postings.get_mut(&t) {
                    set.remove(&(kind, id));
                    if set.is_empty() {
                        self.postings.remove(&t);
                    }
                }
            }
        }
    }

    /// Records matching every word of `query`, each word as a prefix of some token.
    pub fn search(&self, query: &str) -> BTreeSet<Key> {
        // Query words are matched by their alphanumeric parts, so `example.com` finds
        // `ann@example.com` as `example` and `com` do.
        let norm = normalize(query);
        let words: BTreeSet<&str> = norm
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let mut result: Option<BTreeSet<Key>> = None;
        for w in &words {
            let mut hits = BTreeSet::new();
            for (_, keys) in self
                .postings
                .range(w.to_string()..)
                .take_while(|(t, _)| t.starts_with(w))
            {
                hits.extend(keys.iter().copied());
            }
            result = Some(match result {
                None => hits,
                Some(prev) => prev.intersection(&hits).copied().collect(),
            });
        }
        result.unwrap_or_default()
    }

    pub fn len(&self) -> usize {
        self.by_record.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_record.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> Id {
        Id::from_bytes([n; 16])
    }

    #[test]
    fn folds_case_diacritics_and_letter_variants() {
        assert_eq!(normalize("José ÅSTRÖM"), "jose astrom");
        assert_eq!(normalize("Фёдор"), "федор");
        assert_eq!(normalize("علي"), normalize("علی"));
        assert_eq!(normalize("كريم"), normalize("کریم"));
        assert_eq!(normalize("فاطمة"), normalize("فاطمه"));
        assert_eq!(normalize("مُحَمَّد"), normalize("محمد"));
        assert_eq!(normalize("می‌خواهم"), normalize("میخواهم"));
        assert_eq!(normalize("۰۹۱۲"), "0912");
    }

    #[test]
    fn prefix_search_across_scripts() {
        let mut idx = SearchIndex::default();
        idx.set(
            Kind::Contact,
            id(1),
            "Ann Müller ann@example.com +49 30 1234567",
        );
        idx.set(Kind::Contact, id(2), "علی کریمی");
        idx.set(Kind::Contact, id(3), "Пётр Иванов");
        idx.set(Kind::Company, id(4), "Annex Ltd");
        let hits = |q: &str| {
            idx.search(q)
                .into_iter()
                .map(|(_, i)| i)
                .collect::<Vec<_>>()
        };
        assert_eq!(hits("ann"), [id(1), id(4)]);
        assert_eq!(hits("mull"), [id(1)]);
        assert_eq!(hits("MÜL"), [id(1)]);
        assert_eq!(hits("exam"), [id(1)]);
        assert_eq!(hits("12345"), [id(1)]);
        assert_eq!(hits("example.com"), [id(1)]);
        assert_eq!(hits("علي"), [id(2)]);
        assert_eq!(hits("كري"), [id(2)]);
        assert_eq!(hits("петр"), [id(3)]);
        assert_eq!(hits("ann mü"), [id(1)]);
        assert_eq!(hits("zzz"), Vec::<Id>::new());
        assert_eq!(hits(""), Vec::<Id>::new());
    }

    #[test]
    fn replacing_and_removing_keeps_the_index_exact() {
        let mut idx = SearchIndex::default();
        idx.set(Kind::Contact, id(1), "Old Name");
        idx.set(Kind::Contact, id(1), "New Name");
        assert!(idx.search("old").is_empty());
        assert_eq!(idx.search("new").len(), 1);
        idx.remove(Kind::Contact, id(1));
        assert!(idx.is_empty());
        assert!(idx.search("name").is_empty());
    }
}
