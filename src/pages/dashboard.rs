//! / — the dashboard.

use leptos::prelude::*;

use crate::adapters::now_ms;
use crate::components::icons::Icon;
use crate::components::page::{EmptyState, Page};
use crate::i18n::intl::{DateStyle, format_date};
use crate::i18n::{Msg, use_i18n};

#[component]
pub fn Dashboard() -> impl IntoView {
    let i18n = use_i18n();
    let today = now_ms() as f64;
    view! {
        <Page title=Msg::NavDashboard>
            <p class="lead">{move || i18n.t(Msg::AppTagline)}</p>
            <p class="today" data-testid="today">
                {move || format_date(i18n.locale(), today, DateStyle::Full)}
            </p>
            <EmptyState icon=Icon::Dashboard text=Msg::DashboardIntro />
        </Page>
    }
}
