//! /contacts — the people the team works with: quick add and the full table.

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

const COLUMNS: &[&str] = &[
    "emails",
    "phones",
    "company",
    "job_title",
    "city",
    "owner",
    "tags",
];

#[component]
pub fn Contacts() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let total = Memo::new(move |_| {
        session
            .with(|ws| ws.records(Kind::Contact).count())
            .unwrap_or(0)
    });

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut fields = vec![("name".to_owned(), FieldValue::text(name.get_untracked()))];
        let mail = email.get_untracked();
        if !mail.trim().is_empty() {
            fields.push(("emails".to_owned(), FieldValue::set([mail])));
        }
        if let Some(me) = session.me.get_untracked() {
            fields.push(("owner".to_owned(), FieldValue::Ref(me)));
        }
        let cmd = Command::Create {
            kind: Kind::Contact,
            id: Id::from_bytes(random_bytes()),
            fields,
            custom: vec![],
        };
        match session.apply(cmd) {
            Ok(()) => {
                toasts.done(i18n.t_with(Msg::ContactAdded, &[("name", &name.get_untracked())]));
                name.set(String::new());
                email.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(i18n.t_with(
                Msg::CommandRefused,
                &[("reason", &command_error(i18n.locale_untracked(), &e))],
            ))),
        }
    };

    view! {
        <Page title=Msg::NavContacts>
            <form class="card quick-add" on:submit=add aria-labelledby="add-contact-title">
                <h2 id="add-contact-title">{move || i18n.t(Msg::ContactsAddTitle)}</h2>
                <div class="fields">
                    <TextField label=Msg::FieldName value=name name="name" required=true />
                    <TextField label=Msg::FieldEmail value=email name="email" kind="email" />
                    <button type="submit" class="button primary">{move || i18n.t(Msg::ContactsAdd)}</button>
                </div>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{move || error.get()}</p>
                </Show>
            </form>
            <Show
                when=move || { total.get() > 0 }
                fallback=|| view! { <EmptyState icon=Icon::Contacts text=Msg::ContactsEmpty /> }
            >
                <RecordTable kind=Kind::Contact default_columns=COLUMNS testid="contact-table" />
            </Show>
        </Page>
    }
}
