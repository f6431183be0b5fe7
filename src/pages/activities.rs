//! /activities

use leptos::prelude::*;

use crate::components::icons::Icon;
use crate::components::page::{EmptyState, Page};
use crate::i18n::Msg;

#[component]
pub fn Activities() -> impl IntoView {
    view! {
        <Page title=Msg::NavActivities>
            <EmptyState icon=Icon::Activities text=Msg::ActivitiesEmpty />
        </Page>
    }
}
