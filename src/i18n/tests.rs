use std::collections::BTreeSet;

use super::*;

/// Keys built from data (`t_key`) rather than listed in `Msg`: schema fields and choices, RFM
/// segments, and the scorecard's measures and perspectives.
const DATA_PREFIXES: [&str; 5] = ["field-", "choice-", "segment-", "measure-", "perspective-"];

fn key_set(locale: Locale) -> BTreeSet<String> {
    catalog().keys(locale).into_iter().collect()
}

#[test]
fn every_locale_parses_without_problems() {
    assert_eq!(catalog().problems(), &[] as &[String]);
}

#[test]
fn every_locale_has_exactly_the_keys_the_code_uses() {
    let code: BTreeSet<String> = Msg::ALL.iter().map(|m| m.key().to_owned()).collect();
    assert_eq!(
        code.len(),
        Msg::ALL.len(),
        "a key is listed twice in messages!"
    );
    for locale in Locale::ALL {
        let defined: BTreeSet<String> = key_set(locale)
            .into_iter()
            .filter(|k| !DATA_PREFIXES.iter().any(|p| k.starts_with(p)) || code.contains(k))
            .collect();
        let missing: Vec<_> = code.difference(&defined).collect();
        let unused: Vec<_> = defined.difference(&code).collect();
        assert!(missing.is_empty(), "{}: missing {missing:?}", locale.tag());
        assert!(unused.is_empty(), "{}: not in Msg {unused:?}", locale.tag());
    }
}

#[test]
fn every_message_has_a_non_empty_value_in_every_locale() {
    for locale in Locale::ALL {
        for msg in Msg::ALL {
            let bundle = catalog().bundle(locale);
            let has_value = bundle
                .get_message(msg.key())
                .and_then(|m| m.value())
                .is_some();
            assert!(has_value, "{}: {} has no value", locale.tag(), msg.key());
            assert!(!t(locale, *msg).trim().is_empty());
        }
    }
}

#[test]
fn translations_are_not_left_in_english() {
    // Brand names may stay as they are; everything else must be translated.
    let same_everywhere = [Msg::AppName];
    for locale in [Locale::Fa, Locale::Ru] {
        for msg in Msg::ALL.iter().filter(|m| !same_everywhere.contains(m)) {
            assert_ne!(
                t(locale, *msg),
                t(Locale::En, *msg),
                "{}: {} is untranslated",
                locale.tag(),
                msg.key()
            );
        }
    }
}

/// Fluent wraps placeables in bidi isolation marks; compare the visible text.
fn visible(s: String) -> String {
    s.replace(['\u{2068}', '\u{2069}'], "")
}

#[test]
fn the_words_around_an_argument_put_the_message_back_together() {
    for locale in Locale::ALL {
        let (before, after) = t_around(locale, Msg::SelectRecord, "name");
        assert_eq!(
            format!("{before}Ann Lee{after}"),
            visible(t_with(locale, Msg::SelectRecord, &[("name", "Ann Lee")])),
            "{}",
            locale.tag()
        );
        assert!(
            !before.is_empty(),
            "{}: no words before the name",
            locale.tag()
        );
    }
}

#[test]
fn russian_plural_forms() {
    let count = |n: f64| visible(t_count(Locale::Ru, Msg::ContactsCount, "count", n));
    assert_eq!(count(1.0), "1 контакт");
    assert_eq!(count(21.0), "21 контакт");
    assert_eq!(count(2.0), "2 контакта");
    assert_eq!(count(24.0), "24 контакта");
    assert_eq!(count(5.0), "5 контактов");
    assert_eq!(count(11.0), "11 контактов");
    assert_eq!(count(112.0), "112 контактов");
}

#[test]
fn english_and_persian_plurals() {
    let en = |n: f64| visible(t_count(Locale::En, Msg::ContactsCount, "count", n));
    assert_eq!(en(1.0), "1 contact");
    assert_eq!(en(0.0), "0 contacts");
    assert_eq!(en(2.0), "2 contacts");
    let fa = visible(t_count(Locale::Fa, Msg::ContactsCount, "count", 3.0));
    assert_eq!(fa, "3 مخاطب");
}

#[test]
fn direction_follows_the_script() {
    assert_eq!(Locale::Fa.dir(), Direction::Rtl);
    assert_eq!(Locale::En.dir(), Direction::Ltr);
    assert_eq!(Locale::Ru.dir().as_str(), "ltr");
}

#[test]
fn negotiation_takes_the_first_shipped_language() {
    assert_eq!(Locale::negotiate(["de-DE", "ru-RU", "en"]), Locale::Ru);
    assert_eq!(Locale::negotiate(["fa-IR"]), Locale::Fa);
    assert_eq!(Locale::negotiate(["FA_af"]), Locale::Fa);
    assert_eq!(Locale::negotiate(["de", "fr"]), Locale::En);
    assert_eq!(Locale::negotiate([""]), Locale::En);
    assert_eq!(Locale::negotiate(Vec::<&str>::new()), Locale::En);
}

#[test]
fn tags_round_trip() {
    for l in Locale::ALL {
        assert_eq!(Locale::from_tag(l.tag()), Some(l));
        assert_eq!(Locale::from_tag(l.intl_tag()), Some(l));
    }
    assert_eq!(Locale::from_tag("xx"), None);
}

#[test]
fn a_missing_key_falls_back_to_english_then_to_itself() {
    assert_eq!(
        catalog().message(Locale::Ru, "no-such-key", None),
        "no-such-key"
    );
}

/// Keys built from the schema (`t_key`): every field of every kind has a label, every RFM
/// segment a name, and every
/// choice value (but sizes like `1-10`, shown as they are) a translation, in every locale;
/// and no such key is left over from a field that no longer exists.
#[test]
fn every_schema_field_and_choice_has_a_label() {
    use crm_core::schema::{
        ACTIVITY_KINDS, COMPANY_KINDS, CUSTOM_TYPES, DEAL_STATUS, DIRECTIONS, RECURRENCE,
        TARGET_DIRECTIONS,
    };
    let mut wanted: BTreeSet<String> = crm_core::Kind::ALL
        .iter()
        .flat_map(|k| k.fields().iter().map(|f| format!("field-{}", f.name)))
        .collect();
    for list in [
        ACTIVITY_KINDS,
        COMPANY_KINDS,
        CUSTOM_TYPES,
        DEAL_STATUS,
        DIRECTIONS,
        RECURRENCE,
        TARGET_DIRECTIONS,
    ] {
        wanted.extend(list.iter().map(|c| format!("choice-{c}")));
    }
    wanted.extend(
        crm_core::analytics::Segment::ALL
            .iter()
            .map(|s| format!("segment-{}", s.key())),
    );
    // The scorecard's measures (`measure-<perspective>-<name>`) and perspectives.
    wanted.extend(
        crm_core::analytics::scorecard::MEASURES
            .iter()
            .map(|m| format!("measure-{}", m.key.replace('.', "-"))),
    );
    wanted.extend(
        crm_core::analytics::scorecard::Perspective::ALL
            .iter()
            .map(|p| format!("perspective-{}", p.key())),
    );
    for locale in Locale::ALL {
        let defined: BTreeSet<String> = key_set(locale)
            .into_iter()
            .filter(|k| DATA_PREFIXES.iter().any(|p| k.starts_with(p)))
            .collect();
        let missing: Vec<_> = wanted.difference(&defined).collect();
        assert!(missing.is_empty(), "{}: missing {missing:?}", locale.tag());
        let code: BTreeSet<String> = Msg::ALL.iter().map(|m| m.key().to_owned()).collect();
        let stale: Vec<_> = defined
            .difference(&wanted)
            .filter(|k| !code.contains(*k))
            .collect();
        assert!(
            stale.is_empty(),
            "{}: no such field or choice {stale:?}",
            locale.tag()
        );
        assert_eq!(t_key(locale, "choice", "1-10"), "1-10");
    }
}
