//! /activities — the team's feed of calls, emails, meetings, visits and notes, filtered by
//! kind, member, territory and period, and a form to log one.

use crm_core::schema::ACTIVITY_KINDS;
use crm_core::{FeedFilter, Kind, Timestamp};
use leptos::prelude::*;

use crate::adapters::now_ms;
use crate::components::icons::Icon;
use crate::components::keep_alive::screen_memo;
use crate::components::page::{EmptyState, Page};
use crate::i18n::{Msg, use_i18n};
use crate::pages::records::detail::ActivityItem;
use crate::pages::records::forms::{ActivityForm, Links};
use crate::pages::records::table::{option_list, options_of};
use crate::session::use_session;

/// Items shown before "Show more".
const PAGE: usize = 100;
const DAY_MS: i64 = 86_400_000;

#[component]
pub fn Activities() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let kind = RwSignal::new(String::new());
    let member = RwSignal::new(String::new());
    let territory = RwSignal::new(String::new());
    let period = RwSignal::new(String::new());
    let shown = RwSignal::new(PAGE);
    let log_kind = RwSignal::new("call".to_owned());
    let feed = screen_memo(move || {
        let days = period.get().parse::<i64>().ok();
        let filter = FeedFilter {
            kinds: Some(kind.get())
                .filter(|k| !k.is_empty())
                .into_iter()
                .collect(),
            author: member.get().parse().ok(),
            territory: territory.get().parse().ok(),
            from: days.map(|d| Timestamp(now_ms() - d * DAY_MS)),
            to: None,
        };
        session
            .with(|ws| ws.activity_feed(&filter))
            .unwrap_or_default()
    });
    let total = screen_memo(move || {
        session
            .with(|ws| ws.live(Kind::Activity).count())
            .unwrap_or(0)
    });
    let members = Memo::new(move |_| options_of(session, Kind::Member));
    let territories = Memo::new(move |_| options_of(session, Kind::Territory));
    view! {
        <Page title=Msg::NavActivities>
            <ActivityForm links=Signal::derive(Links::default) kind=log_kind />
            <Show
                when={move || total.get() > 0}
                fallback=|| view! { <EmptyState icon=Icon::Activities text=Msg::ActivitiesEmpty /> }
            >
                <div class="list-tools">
                    <label class="inline">
                        <span>{move || i18n.field("kind")}</span>
                        <select data-testid="feed-kind" on:change=move |ev| kind.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t(Msg::AllKinds)}</option>
                            {ACTIVITY_KINDS.iter().map(|k| view! { <option value=*k>{move || i18n.choice(k)}</option> }).collect_view()}
                        </select>
                    </label>
                    <label class="inline">
                        <span>{move || i18n.field("author")}</span>
                        <select data-testid="feed-member" on:change=move |ev| member.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t(Msg::Anyone)}</option>
                            {option_list(members)}
                        </select>
                    </label>
                    <label class="inline">
                        <span>{move || i18n.field("territory")}</span>
                        <select on:change=move |ev| territory.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t(Msg::AnyTerritory)}</option>
                            {option_list(territories)}
                        </select>
                    </label>
                    <label class="inline">
                        <span>{move || i18n.t(Msg::Period)}</span>
                        <select data-testid="feed-period" on:change=move |ev| period.set(event_target_value(&ev))>
                            <option value="">{move || i18n.t(Msg::AllTime)}</option>
                            <option value="1">{move || i18n.t(Msg::Last24h)}</option>
                            <option value="7">{move || i18n.t(Msg::Last7Days)}</option>
                            <option value="30">{move || i18n.t(Msg::Last30Days)}</option>
                            <option value="90">{move || i18n.t(Msg::Last90Days)}</option>
                        </select>
                    </label>
                    <p class="muted" aria-live="polite" data-testid="feed-count">{move || i18n.count(Msg::RecordsCount, feed.with(Vec::len))}</p>
                </div>
                <ol class="timeline card" data-testid="feed">
                    <For each={move || feed.get().into_iter().take(shown.get()).collect::<Vec<_>>()} key=|a| *a children=move |a| view! { <ActivityItem id=a /> } />
                </ol>
                <Show when={move || feed.with(Vec::len) > shown.get()}>
                    <button type="button" class="button" on:click=move |_| shown.update(|s| *s += PAGE)>{move || i18n.t(Msg::ShowMore)}</button>
                </Show>
            </Show>
        </Page>
    }
}
