//! /contacts — the people the team works with.
//!
//! For now a quick-add form and the list; the full table, detail pages and bulk actions come
//! with the CRM screens.

use crm_core::{Command, FieldKey, FieldValue, Id, Kind, Query, Sort};
use leptos::prelude::*;

use crate::adapters::workspace_store::random_bytes;
use crate::components::field::TextField;
use crate::components::icons::Icon;
use crate::components::page::{EmptyState, Page};
use crate::components::virtual_list::VirtualList;

/// Pixel height of one contact row (see `.virtual-row` in the stylesheet).
const ROW_HEIGHT: f64 = 48.0;
use crate::i18n::{Msg, contacts_count, use_i18n};
use crate::session::use_session;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    id: Id,
    name: String,
    email: String,
}

#[component]
pub fn Contacts() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let search = RwSignal::new(String::new());
    let rows = Memo::new(move |_| {
        let query = Query {
            search: Some(search.get()),
            sort: vec![Sort {
                key: FieldKey::Field("name".into()),
                descending: false,
            }],
            ..Query::new(Kind::Contact)
        };
        session
            .with(|ws| {
                ws.query(&query)
                    .into_iter()
                    .flat_map(|g| g.ids)
                    .filter_map(|id| ws.get(Kind::Contact, id))
                    .map(|r| Row {
                        id: r.id,
                        name: r.title().to_owned(),
                        email: r
                            .get("emails")
                            .and_then(FieldValue::as_set)
                            .and_then(|s| s.keys().next().cloned())
                            .unwrap_or_default(),
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let total = Memo::new(move |_| {
        session
            .with(|ws| ws.live(Kind::Contact).count())
            .unwrap_or(0)
    });

    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut fields = vec![("name".to_owned(), FieldValue::text(name.get_untracked()))];
        let mail = email.get_untracked();
        if !mail.trim().is_empty() {
            fields.push(("emails".to_owned(), FieldValue::set([mail])));
        }
        let cmd = Command::Create {
            kind: Kind::Contact,
            id: Id::from_bytes(random_bytes()),
            fields,
            custom: vec![],
        };
        match session.apply(cmd) {
            Ok(()) => {
                name.set(String::new());
                email.set(String::new());
                error.set(None);
            }
            Err(e) => error.set(Some(
                i18n.t_with(Msg::CommandRefused, &[("reason", &e.to_string())]),
            )),
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
                <div class="list-tools">
                    <input
                        type="search"
                        class="search"
                        data-testid="contact-search"
                        aria-label=move || i18n.t(Msg::SearchContacts)
                        placeholder=move || i18n.t(Msg::SearchContacts)
                        prop:value=move || search.get()
                        on:input=move |ev| search.set(event_target_value(&ev))
                    />
                    <p class="muted" data-testid="contacts-count" aria-live="polite">
                        {move || contacts_count(i18n.locale(), rows.get().len() as u64)}
                    </p>
                </div>
                <VirtualList
                    items=Signal::derive(move || rows.get())
                    row_height=ROW_HEIGHT
                    key=|r: &Row| r.id
                    row=|r: Row| {
                        view! {
                            <span class="record-title">{r.name}</span>
                            <span class="muted">{r.email}</span>
                        }
                    }
                    label=Signal::derive(move || i18n.t(Msg::NavContacts))
                    testid="contact-list"
                />
            </Show>
        </Page>
    }
}
