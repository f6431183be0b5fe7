//! /duplicates — records that look like the same person or company (shared email, phone or
//! normalised name), a side-by-side preview of the merge, and the merge itself (undoable;
//! both histories and every link are kept).

use crm_core::{Command, Id, Kind, MatchReason};
use leptos::prelude::*;

use crate::components::page::Page;
use crate::components::toast::use_toasts;
use crate::components::value::display;
use crate::i18n::{Msg, command_error, use_i18n};
use crate::pages::records::detail::RecordLink;
use crate::session::use_session;

#[component]
pub fn Duplicates() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let kind = RwSignal::new(Kind::Contact);
    let pairs = Memo::new(move |_| {
        session
            .with(|ws| ws.duplicates(kind.get()))
            .unwrap_or_default()
    });
    // The pair being previewed, as (keep, remove).
    let chosen = RwSignal::new(None::<(Id, Id)>);
    view! {
        <Page title=Msg::Duplicates>
            <p class="lead">{move || i18n.t(Msg::DuplicatesIntro)}</p>
            <div class="segmented" role="group" aria-label=move || i18n.t(Msg::ViewAs)>
                <button type="button" class="button" aria-pressed=move || (kind.get() == Kind::Contact).to_string()
                    on:click=move |_| { kind.set(Kind::Contact); chosen.set(None); }>{move || i18n.t(Msg::NavContacts)}</button>
                <button type="button" class="button" data-testid="dup-companies" aria-pressed=move || (kind.get() == Kind::Company).to_string()
                    on:click=move |_| { kind.set(Kind::Company); chosen.set(None); }>{move || i18n.t(Msg::NavCompanies)}</button>
            </div>
            <Show
                when=move || !pairs.with(Vec::is_empty)
                fallback=move || view! { <p class="empty-state">{move || i18n.t(Msg::NoDuplicates)}</p> }
            >
                <ul class="record-list" data-testid="duplicate-pairs">
                    {move || pairs.get().into_iter().map(|p| {
                        let reasons = p.reasons.iter().map(|r| match r {
                            MatchReason::Email(e) => i18n.t_with(Msg::SameEmail, &[("value", e)]),
                            MatchReason::Phone(e) => i18n.t_with(Msg::SamePhone, &[("value", e)]),
                            MatchReason::Name(e) => i18n.t_with(Msg::SameName, &[("value", e)]),
                        }).collect::<Vec<_>>().join(" · ");
                        let k = p.kind;
                        view! {
                            <li data-testid="duplicate-pair">
                                <RecordLink kind=k id=p.a />
                                <span>"↔"</span>
                                <RecordLink kind=k id=p.b />
                                <span class="muted">{reasons}</span>
                                <button type="button" class="button" on:click=move |_| chosen.set(Some((p.a, p.b)))>
                                    {move || i18n.t(Msg::ReviewMerge)}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
            {move || chosen.get().map(|(keep, remove)| view! { <MergePreviewCard kind=kind.get_untracked() keep=keep remove=remove chosen=chosen /> })}
        </Page>
    }
}

#[component]
fn MergePreviewCard(
    kind: Kind,
    keep: Id,
    remove: Id,
    chosen: RwSignal<Option<(Id, Id)>>,
) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let preview = Memo::new(move |_| {
        session
            .with(|ws| ws.merge_preview(kind, keep, remove))
            .flatten_ok()
    });
    let rows = move || {
        session
            .with(|ws| {
                let p = preview.get().ok()?;
                Some(
                    p.rows
                        .iter()
                        .map(|r| {
                            let ty = match r.custom {
                                Some(def) => ws.custom_type(def),
                                None => kind
                                    .field(&r.field)
                                    .map(|s| s.ty)
                                    .unwrap_or(crm_core::FieldType::Text),
                            };
                            let label = if r.custom.is_some() {
                                r.field.clone()
                            } else {
                                i18n.field(&r.field)
                            };
                            let show = |v: &Option<crm_core::FieldValue>| {
                                v.as_ref()
                                    .map(|v| display(ws, &i18n, ty, v))
                                    .unwrap_or_else(|| "—".into())
                            };
                            (label, show(&r.keep), show(&r.remove), show(&r.result))
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()
            .unwrap_or_default()
    };
    let relinked = move || preview.get().map(|p| p.relinked.len()).unwrap_or(0);
    let merge = move |_| match session.apply(Command::MergeDuplicates { kind, keep, remove }) {
        Ok(()) => {
            chosen.set(None);
            toasts.done(i18n.t(Msg::Merged));
        }
        Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
    };
    view! {
        <section class="card merge-preview" data-testid="merge-preview" aria-labelledby="merge-title">
            <h2 id="merge-title">{move || i18n.t(Msg::MergePreview)}</h2>
            <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t(Msg::MergePreview)>
                <table class="compare">
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t(Msg::Field)}</th>
                            <th scope="col">{move || i18n.t(Msg::Keep)} " (" <RecordLink kind=kind id=keep /> ")"</th>
                            <th scope="col">{move || i18n.t(Msg::MergeIn)} " (" <RecordLink kind=kind id=remove /> ")"</th>
                            <th scope="col">{move || i18n.t(Msg::Result)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || rows().into_iter().map(|(l, k, r, res)| view! {
                            <tr><th scope="row">{l}</th><td>{k}</td><td>{r}</td><td><strong>{res}</strong></td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p class="muted">{move || i18n.count(Msg::RelinkedCount, relinked())}</p>
            <div class="list-tools">
                <button type="button" class="button" data-testid="swap-merge" on:click=move |_| chosen.set(Some((remove, keep)))>{move || i18n.t(Msg::SwapKeep)}</button>
                <button type="button" class="button primary" data-testid="confirm-merge" on:click=merge>{move || i18n.t(Msg::MergeNow)}</button>
                <button type="button" class="button" on:click=move |_| chosen.set(None)>{move || i18n.t(Msg::Cancel)}</button>
            </div>
        </section>
    }
}

trait FlattenOk<T, E> {
    fn flatten_ok(self) -> Result<T, String>;
}
impl<T, E: std::fmt::Display> FlattenOk<T, E> for Option<Result<T, E>> {
    fn flatten_ok(self) -> Result<T, String> {
        match self {
            Some(Ok(t)) => Ok(t),
            Some(Err(e)) => Err(e.to_string()),
            None => Err(String::new()),
        }
    }
}
