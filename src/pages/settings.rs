//! /settings — language, theme, and a preview of the regional formats.

use leptos::prelude::*;

use crate::adapters::now_ms;
use crate::adapters::prefs::ThemeChoice;
use crate::components::page::Page;
use crate::components::theme::use_theme;
use crate::i18n::intl::{DateStyle, format_date, format_number};
use crate::i18n::{Locale, Msg, contacts_count, use_i18n};

#[component]
pub fn Settings() -> impl IntoView {
    view! {
        <Page title=Msg::NavSettings>
            <LanguageSetting />
            <ThemeSetting />
            <FormatsPreview />
            <super::settings_sync::SharingSetting />
            <super::settings_team::TeamSetting />
            <super::settings_team::TerritoriesSetting />
            <super::settings_team::CustomFieldsSetting />
            <super::settings_clv::ClvSetting />
            <super::settings_data::WorkspacesSetting />
            <super::settings_data::DataSetting />
            <super::settings_data::StorageSetting />
        </Page>
    }
}

#[component]
fn LanguageSetting() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset class="card">
            <legend>{move || i18n.t(Msg::SettingsLanguage)}</legend>
            <p class="muted">{move || i18n.t(Msg::SettingsLanguageHint)}</p>
            <div class="choices">
                {Locale::ALL
                    .into_iter()
                    .map(|locale| {
                        view! {
                            // Each name is in its own language and script.
                            <label lang=locale.tag() dir=locale.dir().as_str()>
                                <input
                                    type="radio"
                                    name="language"
                                    value=locale.tag()
                                    prop:checked=move || i18n.locale() == locale
                                    on:change=move |_| i18n.set_locale(locale)
                                />
                                <span>{locale.autonym()}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

#[component]
fn ThemeSetting() -> impl IntoView {
    let i18n = use_i18n();
    let theme = use_theme();
    let label = |choice: ThemeChoice| match choice {
        ThemeChoice::System => Msg::ThemeSystem,
        ThemeChoice::Light => Msg::ThemeLight,
        ThemeChoice::Dark => Msg::ThemeDark,
    };
    view! {
        <fieldset class="card">
            <legend>{move || i18n.t(Msg::SettingsTheme)}</legend>
            <div class="choices">
                {ThemeChoice::ALL
                    .into_iter()
                    .map(|choice| {
                        view! {
                            <label>
                                <input
                                    type="radio"
                                    name="theme"
                                    value=choice.as_str()
                                    prop:checked=move || theme.choice.get() == choice
                                    on:change=move |_| theme.choose(choice)
                                />
                                <span>{move || i18n.t(label(choice))}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

#[component]
fn FormatsPreview() -> impl IntoView {
    let i18n = use_i18n();
    let now = now_ms() as f64;
    let counts = move || {
        let locale = i18n.locale();
        [1, 2, 5, 21].map(|n| contacts_count(locale, n)).join(" · ")
    };
    view! {
        <section class="card" aria-labelledby="formats-title">
            <h2 id="formats-title">{move || i18n.t(Msg::SettingsFormats)}</h2>
            <dl class="formats">
                <dt>{move || i18n.t(Msg::FormatsDate)}</dt>
                <dd data-testid="format-date">
                    {move || format_date(i18n.locale(), now, DateStyle::Full)}
                </dd>
                <dt>{move || i18n.t(Msg::FormatsNumber)}</dt>
                <dd data-testid="format-number">
                    {move || format_number(i18n.locale(), 1_234_567.89)}
                </dd>
                <dt>{move || i18n.t(Msg::FormatsCounting)}</dt>
                <dd data-testid="format-counting">{counts}</dd>
            </dl>
        </section>
    }
}
