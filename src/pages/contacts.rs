//! /contacts

use leptos::prelude::*;

use crate::components::icons::Icon;
use crate::components::page::{EmptyState, Page};
use crate::i18n::Msg;

#[component]
pub fn Contacts() -> impl IntoView {
    view! {
        <Page title=Msg::NavContacts>
            <EmptyState icon=Icon::Contacts text=Msg::ContactsEmpty />
        </Page>
    }
}
