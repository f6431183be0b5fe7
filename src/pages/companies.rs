//! /companies — customers, prospects, partners, agents and competitors.

use crm_core::schema::COMPANY_KINDS;
use crm_core::{Command, FieldValue, Id, Kind};
use leptos::prelude::*;

use crate::adapters::workspace_store::random_bytes;
use crate::components::field::TextField;
use crate::components::icons::Icon;
use crate::components::page::{EmptyState, Page};
use crate::components::toast::use_toasts;
use crate::i18n::{Msg, command_error, use_i18n};
use crate::pages::records::table::RecordTable;
use crate::session::use_session;

const COLUMNS: &[&str] = &["kind", "industry", "city", "owner", "territory", "tags"];

#[component]
pub fn Companies() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new("customer".to_owned());
    let error = RwSignal::new(None::<String>);
    let total = Memo::new(move |_| {
        session
            .with(|ws| ws.records(Kind::Company).count())
            .unwrap_or(0)
    });

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut fields = vec![
            ("name".to_owned(), FieldValue::text(name.get_untracked())),
            ("kind".to_owned(), FieldValue::text(kind.get_untracked())),
        ];
        if let Some(me) = session.me.get_untracked() {
            fields.push(("owner".to_owned(), FieldValue::Ref(me)));
        }
        let cmd = Command::Create {
            kind: Kind::Company,
            id: Id::from_bytes(random_bytes()),
            fields,
            custom: vec![],
        };
        match session.apply(cmd) {
            Ok(()) => {
                toasts.done(i18n.t_with(Msg::CompanyAdded, &[("name", &name.get_untracked())]));
                name.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(command_error(i18n.locale_untracked(), &e))),
        }
    };

    view! {
        <Page title=Msg::NavCompanies>
            <form class="card quick-add" on:submit=add aria-labelledby="add-company-title">
                <h2 id="add-company-title">{move || i18n.t(Msg::CompaniesAddTitle)}</h2>
                <div class="fields">
                    <TextField label=Msg::FieldName value=name name="name" required=true />
                    <label>
                        <span>{move || i18n.field("kind")}</span>
                        <select name="kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                            {COMPANY_KINDS
                                .iter()
                                .map(|k| view! { <option value=*k>{move || i18n.choice(k)}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="button primary">{move || i18n.t(Msg::CompaniesAdd)}</button>
                </div>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{move || error.get()}</p>
                </Show>
            </form>
            <Show
                when=move || { total.get() > 0 }
                fallback=|| view! { <EmptyState icon=Icon::Companies text=Msg::CompaniesEmpty /> }
            >
                <RecordTable kind=Kind::Company default_columns=COLUMNS testid="company-table" />
            </Show>
        </Page>
    }
}
