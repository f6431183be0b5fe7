//! /deals

use leptos::prelude::*;

use crate::components::icons::Icon;
use crate::components::page::{EmptyState, Page};
use crate::i18n::Msg;

#[component]
pub fn Deals() -> impl IntoView {
    view! {
        <Page title=Msg::NavDeals>
            <EmptyState icon=Icon::Deals text=Msg::DealsEmpty />
        </Page>
    }
}
