//! /figure?kind=deals&ids=…&title=… — the records behind a dashboard or scorecard figure.
//!
//! Analytics name the records behind every figure (`crm_core::analytics`); a figure links
//! here with their ids, and this page lists them, each linking to its own page. The ids are
//! the link: the list is the one the figure was computed from, and still opens after a
//! reload. Records removed since show as such rather than disappearing silently.

use crm_core::{Id, Kind};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::page::Page;
use crate::components::value::href;
use crate::i18n::{Msg, use_i18n};
use crate::session::use_session;

/// A link to the records behind a figure: the record itself when there is one, else this
/// page listing them. `None` when there are none.
pub fn figure_href(kind: Kind, ids: &[Id], title: &str) -> Option<String> {
    match ids {
        [] => None,
        [one] if href(kind, *one).is_some() => href(kind, *one),
        _ => Some(format!(
            "/figure?kind={}&title={}&ids={}",
            kind.collection(),
            String::from(js_sys::encode_uri_component(title)),
            ids.iter().map(Id::to_string).collect::<Vec<_>>().join(",")
        )),
    }
}

#[component]
pub fn Figure() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let kind =
        Memo::new(move |_| query.with(|q| q.get("kind").and_then(|k| Kind::from_collection(&k))));
    let title = move || query.with(|q| q.get("title").unwrap_or_default());
    let rows = Memo::new(move |_| {
        let Some(kind) = kind.get() else {
            return Vec::new();
        };
        let ids: Vec<Id> = query.with(|q| {
            q.get("ids")
                .unwrap_or_default()
                .split(',')
                .filter_map(|s| s.trim().parse::<Id>().ok())
                .collect()
        });
        session
            .with_reads(|ws| {
                ids.iter()
                    .map(|id| {
                        let rec = ws.get(kind, *id);
                        let name = rec.map(|r| r.title().to_owned());
                        let trashed = rec.is_none_or(|r| r.is_trashed());
                        (*id, name, trashed)
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    view! {
        <Page title=Msg::FigureRecords>
            <p class="lead" data-testid="figure-title">{title}</p>
            <p class="muted">{move || i18n.count(Msg::FigureCount, rows.with(Vec::len))}</p>
            <ul class="figure-records" data-testid="figure-records">
                <For each=move || rows.get() key=|r| r.0 let:r>
                    {
                        let (id, name, trashed) = r;
                        let label = name.unwrap_or_else(|| id.to_string());
                        match (trashed, kind.get_untracked().and_then(|k| href(k, id))) {
                            (true, _) => view! {
                                <li>{label}" "<span class="muted">{move || i18n.t(Msg::FigureGone)}</span></li>
                            }.into_any(),
                            (false, Some(h)) => view! { <li><a href=h>{label}</a></li> }.into_any(),
                            (false, None) => view! { <li>{label}</li> }.into_any(),
                        }
                    }
                </For>
            </ul>
        </Page>
    }
}
