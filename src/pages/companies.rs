//! /companies

use leptos::prelude::*;

use crate::components::icons::Icon;
use crate::components::page::{EmptyState, Page};
use crate::i18n::Msg;

#[component]
pub fn Companies() -> impl IntoView {
    view! {
        <Page title=Msg::NavCompanies>
            <EmptyState icon=Icon::Companies text=Msg::CompaniesEmpty />
        </Page>
    }
}
