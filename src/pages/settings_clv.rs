//! Settings → customer lifetime value: the four parameters `crm_core::analytics::clv` reads
//! (`Workspace::clv_settings`), written to the workspace's settings record so they reach the
//! whole team. Rates are typed as percentages and stored in basis points.

use crm_core::analytics::ClvSettings;
use crm_core::{Command, FieldError, FieldType, FieldValue, Id, Kind};
use leptos::prelude::*;

use crate::adapters::workspace_store::random_bytes;
use crate::components::toast::use_toasts;
use crate::i18n::{Msg, command_error, field_error, use_i18n};
use crate::session::use_session;

/// Basis points as the percentage typed ("80", "12.5").
fn percent_text(bp: u32) -> String {
    let whole = bp / 100;
    match bp % 100 {
        0 => whole.to_string(),
        r if r % 10 == 0 => format!("{whole}.{}", r / 10),
        r => format!("{whole}.{r:02}"),
    }
}

/// A typed percentage in basis points (Persian digits and `12,5` accepted, as amounts are:
/// a two-decimal amount's minor units are basis points of a percentage).
fn percent_bp(field: &str, raw: &str) -> Result<i64, FieldError> {
    let scale = "EUR".parse().map_err(|_| FieldError::Required {
        field: field.to_owned(),
    })?;
    match crm_core::form::parse_input(field, FieldType::Money, raw, scale)? {
        Some(FieldValue::Money(m)) => Ok(m.minor),
        _ => Err(FieldError::Required {
            field: field.to_owned(),
        }),
    }
}

/// The card; its form is drawn again from the stored values whenever they change (here or
/// on a colleague's device).
#[component]
pub fn ClvSetting() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = Memo::new(move |_| session.with(|ws| ws.clv_settings()).unwrap_or_default());
    view! {
        <section class="card" aria-labelledby="clv-title" data-testid="clv-settings">
            <h2 id="clv-title">{move || i18n.t(Msg::ClvTitle)}</h2>
            <p class="muted">{move || i18n.t(Msg::ClvHint)}</p>
            {move || view! { <ClvForm initial=current.get() /> }}
        </section>
    }
}

#[component]
fn ClvForm(initial: ClvSettings) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let toasts = use_toasts();
    let lifespan = RwSignal::new(initial.lifespan_months.to_string());
    let margin = RwSignal::new(percent_text(initial.margin_bp));
    let retention = RwSignal::new(percent_text(initial.retention_bp));
    let discount = RwSignal::new(percent_text(initial.discount_bp));
    let error = RwSignal::new(None::<String>);
    let reset = move || {
        lifespan.set(initial.lifespan_months.to_string());
        margin.set(percent_text(initial.margin_bp));
        retention.set(percent_text(initial.retention_bp));
        discount.set(percent_text(initial.discount_bp));
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let locale = i18n.locale_untracked();
        let read = || -> Result<Vec<(String, Option<FieldValue>)>, FieldError> {
            let months = crm_core::form::parse_input(
                "clv_lifespan_months",
                FieldType::Int { min: 1, max: 1200 },
                &lifespan.get_untracked(),
                "EUR".parse().map_err(|_| FieldError::Required {
                    field: "clv_lifespan_months".into(),
                })?,
            )?
            .ok_or(FieldError::Required {
                field: "clv_lifespan_months".into(),
            })?;
            Ok(vec![
                ("clv_lifespan_months".into(), Some(months)),
                (
                    "clv_margin_bp".into(),
                    Some(FieldValue::Int(percent_bp(
                        "clv_margin_bp",
                        &margin.get_untracked(),
                    )?)),
                ),
                (
                    "clv_retention_bp".into(),
                    Some(FieldValue::Int(percent_bp(
                        "clv_retention_bp",
                        &retention.get_untracked(),
                    )?)),
                ),
                (
                    "clv_discount_bp".into(),
                    Some(FieldValue::Int(percent_bp(
                        "clv_discount_bp",
                        &discount.get_untracked(),
                    )?)),
                ),
            ])
        };
        let fields = match read() {
            Ok(f) => f,
            Err(e) => {
                error.set(Some(field_error(locale, &e)));
                return;
            }
        };
        let cmd = match session.with_untracked(|ws| ws.settings_record()).flatten() {
            Some(id) => Command::Update {
                kind: Kind::Setting,
                id,
                fields,
            },
            None => Command::Create {
                kind: Kind::Setting,
                id: Id::from_bytes(random_bytes()),
                fields: fields
                    .into_iter()
                    .filter_map(|(k, v)| v.map(|v| (k, v)))
                    .collect(),
                custom: vec![],
            },
        };
        match session.apply(cmd) {
            Ok(()) => {
                error.set(None);
                toasts.done(i18n.t(Msg::ClvSaved));
            }
            Err(e) => error.set(Some(command_error(locale, &e))),
        }
    };
    let input = move |label: Msg, signal: RwSignal<String>, testid: &'static str| {
        view! {
            <label>
                <span>{move || i18n.t(label)}</span>
                <input
                    type="text"
                    inputmode="decimal"
                    required=true
                    data-testid=testid
                    prop:value=move || signal.get()
                    on:input=move |ev| signal.set(event_target_value(&ev))
                />
            </label>
        }
    };
    view! {
        <form class="fields" on:submit=save>
            {input(Msg::ClvLifespan, lifespan, "clv-lifespan")}
            {input(Msg::ClvMargin, margin, "clv-margin")}
            {input(Msg::ClvRetention, retention, "clv-retention")}
            {input(Msg::ClvDiscount, discount, "clv-discount")}
            <button type="submit" class="button primary" data-testid="clv-save">{move || i18n.t(Msg::Save)}</button>
            <button type="button" class="button" on:click=move |_| { error.set(None); reset(); }>
                {move || i18n.t(Msg::Cancel)}
            </button>
        </form>
        <Show when=move || error.get().is_some()>
            <p class="error" role="alert">{move || error.get().unwrap_or_default()}</p>
        </Show>
    }
}
