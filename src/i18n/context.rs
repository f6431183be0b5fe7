//! The reactive side of i18n: the current locale as a signal, shared through context.

use leptos::prelude::*;

use super::{Locale, Msg};
use crate::adapters::prefs;

#[derive(Clone, Copy)]
pub struct I18n {
    locale: RwSignal<Locale>,
}

impl I18n {
    pub fn new(initial: Locale) -> Self {
        Self {
            locale: RwSignal::new(initial),
        }
    }

    /// The current locale; tracked when read inside a reactive closure.
    pub fn locale(&self) -> Locale {
        self.locale.get()
    }

    pub fn locale_untracked(&self) -> Locale {
        self.locale.get_untracked()
    }

    pub fn set_locale(&self, locale: Locale) {
        prefs::save_locale(locale);
        self.locale.set(locale);
    }

    /// A message in the current locale; tracked, so a view re-renders on a language switch.
    pub(crate) fn t(&self, msg: Msg) -> String {
        super::t(self.locale.get(), msg)
    }

    /// A schema field's label (`field-<name>`).
    pub(crate) fn field(&self, name: &str) -> String {
        super::t_key(self.locale.get(), "field", name)
    }

    /// A choice value's label (`choice-<value>`), or the value itself.
    pub(crate) fn choice(&self, value: &str) -> String {
        super::t_key(self.locale.get(), "choice", value)
    }

    /// An RFM segment's name (`segment-<key>`).
    pub(crate) fn segment(&self, key: &str) -> String {
        super::t_key(self.locale.get(), "segment", key)
    }

    /// A count with its plural form, e.g. `Msg::DealsCount`.
    pub(crate) fn count(&self, msg: Msg, n: usize) -> String {
        super::t_count(self.locale.get(), msg, "count", n as f64)
    }

    pub(crate) fn t_with(&self, msg: Msg, args: &[(&'static str, &str)]) -> String {
        super::t_with(self.locale.get(), msg, args)
    }

    pub(crate) fn t_around(&self, msg: Msg, name: &'static str) -> (String, String) {
        super::t_around(self.locale.get(), msg, name)
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}
