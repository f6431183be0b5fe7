//! /tasks

use leptos::prelude::*;

use crate::components::icons::Icon;
use crate::components::page::{EmptyState, Page};
use crate::i18n::Msg;

#[component]
pub fn Tasks() -> impl IntoView {
    view! {
        <Page title=Msg::NavTasks>
            <EmptyState icon=Icon::Tasks text=Msg::TasksEmpty />
        </Page>
    }
}
