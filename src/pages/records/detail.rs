//! A record's own page: every field and custom field editable in place, what it is linked to
//! (a company's people as an org chart, its deals), its activity timeline, its tasks and its
//! change history; trash and restore. `l` then a letter logs an activity in two keystrokes.

use crm_core::schema::FieldType;
use crm_core::{Command, FieldValue, HistoryEntry, Id, Kind, OrgNode};
use leptos::prelude::*;
use leptos_router::hooks::use_location;
use leptos_router::location::Url;

use super::forms::{ActivityForm, Links, TaskForm};
use crate::components::field_editor::{FieldRow, Target};
use crate::components::keep_alive::{KeepAlive, screen_memo, use_shown};
use crate::components::toast::use_toasts;
use crate::components::value::{day_of, display, href};
use crate::i18n::intl;
use crate::i18n::{Msg, command_error, use_i18n};
use crate::session::use_session;

/// `/:collection/:id`: a contact's, company's or deal's page, kept like the main screens
/// (`components::keep_alive`). Opening another record of the same kind changes the values in
/// the page instead of building it again (its heading and a score of fields: more than half
/// a frame at M); opening one of another kind builds that kind's page in it. One screen for
/// the three kinds keeps at most one record page in the document.
#[component]
pub fn RecordPage() -> impl IntoView {
    let pathname = use_location().pathname;
    // The path read as the kept screen reads it, so the two never disagree on which record.
    let valid = Memo::new(move |_| pathname.with(|p| record_in_path(p).is_some()));
    move || {
        if valid.get() {
            view! { <KeepAlive name="record" page=|| view! { <KeptRecord /> }.into_any() /> }
                .into_any()
        } else {
            view! { <crate::pages::not_found::NotFound /> }.into_any()
        }
    }
}

/// The record a path (`/contacts/<id>`, also with a trailing `/` or percent-encoded, as the
/// router matches it) shows, if it is a record page's: a kind that has pages (`href`).
fn record_in_path(path: &str) -> Option<(Kind, Id)> {
    let path = path.strip_prefix('/')?;
    let path = path.strip_suffix('/').unwrap_or(path);
    let (collection, id) = path.split_once('/')?;
    let kind = Kind::from_collection(&Url::unescape(collection))?;
    let id = Url::unescape(id).parse().ok()?;
    href(kind, id).map(|_| (kind, id))
}

/// The record page screen: the record in the path, or while the screen is away the last one.
#[component]
fn KeptRecord() -> impl IntoView {
    let pathname = use_location().pathname;
    let record = Memo::new(move |prev: Option<&Option<(Kind, Id)>>| {
        pathname
            .with(|p| record_in_path(p))
            .or_else(|| prev.copied().flatten())
    });
    let kind = Memo::new(move |_| record.get().map(|(kind, _)| kind));
    move || match (kind.get(), record.get_untracked()) {
        (Some(kind), Some((_, first))) => {
            // Only this kind's records: when another kind's opens, this page is on its way
            // out and must not look for a contact under a company's id meanwhile.
            let id = Memo::new(move |prev: Option<&Id>| {
                record
                    .get()
                    .filter(|(k, _)| *k == kind)
                    .map(|(_, id)| id)
                    .or(prev.copied())
                    .unwrap_or(first)
            });
            view! { <RecordView kind=kind id=id.into() /> }.into_any()
        }
        _ => view! { <crate::pages::not_found::NotFound /> }.into_any(),
    }
}

/// The activity kind a second key picks after `l`.
fn activity_for_key(key: &str) -> Option<&'static str> {
    Some(match key {
        "c" => "call",
        "e" => "email",
        "m" => "meeting",
        "v" => "visit",
        "n" => "note",
        _ => return None,
    })
}

/// Whether a key press is typing into a field (shortcuts must not steal it).
pub fn is_typing(ev: &leptos::ev::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.has_attribute("contenteditable")
        })
}

#[component]
fn RecordView(kind: Kind, id: Signal<Id>) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let shown = use_shown();
    let exists = screen_memo(move || {
        let id = id.get();
        session
            .with(|ws| ws.get(kind, id).is_some())
            .unwrap_or(false)
    });
    let title = screen_memo(move || {
        let id = id.get();
        session
            .with(|ws| ws.get(kind, id).map(|r| r.title().to_owned()))
            .flatten()
            .unwrap_or_default()
    });
    let trashed = screen_memo(move || {
        let id = id.get();
        session
            .with(|ws| ws.get(kind, id).is_some_and(|r| r.is_trashed()))
            .unwrap_or(false)
    });
    // A kept page sets the title again each time it is shown, and never while away.
    Effect::new(move |_| {
        if shown.get() {
            crate::components::page::set_document_title(&i18n, &title.get());
        }
    });
    let trash = move |_| {
        let id = id.get_untracked();
        let cmd = if trashed.get_untracked() {
            Command::Restore { kind, id }
        } else {
            Command::Trash { kind, id }
        };
        let restoring = trashed.get_untracked();
        match session.apply(cmd) {
            Ok(()) => toasts.done(i18n.t_with(
                if restoring {
                    Msg::RestoredName
                } else {
                    Msg::TrashedName
                },
                &[("name", &title.get_untracked())],
            )),
            Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
        }
    };

    let fields = screen_memo(move || {
        let mut targets: Vec<Target> = kind
            .fields()
            .iter()
            .filter(|f| !matches!(f.ty, FieldType::Stages))
            .filter(|f| !matches!(f.name, "rank" | "status" | "closed_at" | "lost_reason"))
            .map(Target::Field)
            .collect();
        session.with(|ws| targets.extend(ws.custom_fields(kind).into_iter().map(Target::Custom)));
        targets
    });
    // Kept pages stay in the document while away: the heading needs an id of its own.
    let title_id = format!("page-title-{}", crate::components::unique_id());
    let labelled_by = title_id.clone();

    view! {
        <Show
            when=move || exists.get()
            fallback=move || view! {
                <section class="page">
                    <h1>{move || i18n.t(Msg::RecordMissingTitle)}</h1>
                    <p>{move || i18n.t(Msg::RecordMissingBody)}</p>
                </section>
            }
        >
            <section class="page detail" aria-labelledby=labelled_by.clone() data-testid="record-detail">
                <header class="detail-head">
                    <h1 id=title_id.clone()>{move || title.get()}</h1>
                    <span class="badge">{move || i18n.t(kind_name(kind))}</span>
                    <span class="spacer"></span>
                    <button type="button" class="button" data-testid="trash-record" class:danger=move || !trashed.get() on:click=trash>
                        {move || i18n.t(if trashed.get() { Msg::Restore } else { Msg::MoveToTrash })}
                    </button>
                </header>
                // Plain closures, not `<Show>`s (an owner, a memo and an effect each): this
                // is in the click's frame.
                {move || trashed.get().then(|| view! {
                    <p class="banner warning" role="status">{move || i18n.t(Msg::InTrash)}</p>
                })}
                // Only while on view: the board's move menu has the same buttons.
                {move || (kind == Kind::Deal && shown.get()).then(|| {
                    let deal = id.get();
                    view! { <super::super::deals::DealActions deal=deal /> }
                })}
                <div class="detail-grid">
                    <div class="card fields-card">
                        <h2>{move || i18n.t(Msg::Details)}</h2>
                        <For
                            each=move || fields.get()
                            key=|t| t.name()
                            children=move |t| view! { <FieldRow kind=kind id=id target=t /> }
                        />
                    </div>
                    <div class="detail-side">
                        // Built for the record on view, and dropped when the page goes away:
                        // another record's related records must never show, not even for a
                        // frame.
                        {move || shown.get().then(|| {
                            let id = id.get();
                            view! { <SideColumn kind=kind id=id /> }
                        })}
                    </div>
                </div>
            </section>
        </Show>
    }
}

/// What stands beside a record's fields: related records, the log form, the timeline, tasks
/// and history. It is built once the frame with the heading and fields is painted, and is in
/// the next one: together they would take more than a frame at M. It exists only while its
/// record is on view, so its log form (and the `L` shortcut that fills it) is that record's.
#[component]
fn SideColumn(kind: Kind, id: Id) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let activity_kind = RwSignal::new("call".to_owned());
    let focus_log = RwSignal::new(false);

    // `l` then c/e/m/v/n: log a call, email, meeting, visit or note.
    let pending_l = StoredValue::new(false);
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if is_typing(&ev) || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            pending_l.set_value(false);
            return;
        }
        let key = ev.key();
        if pending_l.get_value() {
            pending_l.set_value(false);
            if let Some(k) = activity_for_key(&key) {
                ev.prevent_default();
                activity_kind.set(k.to_owned());
                focus_log.set(true);
            }
        } else if key == "l" {
            pending_l.set_value(true);
        }
    });
    on_cleanup(move || keys.remove());
    let links = Memo::new(move |_| {
        session
            .with(|ws| Links::of(ws, kind, id))
            .unwrap_or_default()
    });
    let ready = RwSignal::new(false);
    crate::components::after_paint(move || {
        // Gone already if the user left within the frame.
        ready.try_set(true);
    });
    move || {
        ready.get().then(|| {
            view! {
                <Related kind=kind id=id />
                {(kind == Kind::Company).then(|| view! {
                    <super::super::dashboard::CustomerValue company=id />
                })}
                <ActivityForm links=links kind=activity_kind focus=focus_log />
                <p class="muted hint">{move || i18n.t(Msg::LogShortcutHint)}</p>
                <Timeline kind=kind id=id />
                <Tasks kind=kind id=id />
                <TaskForm links=links />
                <History kind=kind id=id />
            }
        })
    }
}

pub fn kind_name(kind: Kind) -> Msg {
    match kind {
        Kind::Company => Msg::KindCompany,
        Kind::Deal => Msg::KindDeal,
        Kind::Task => Msg::KindTask,
        Kind::Activity => Msg::KindActivity,
        _ => Msg::KindContact,
    }
}

/// A link to a record's page by its title.
#[component]
pub fn RecordLink(kind: Kind, id: Id) -> impl IntoView {
    let session = use_session();
    let title = Memo::new(move |_| {
        session
            .with(|ws| ws.get(kind, id).map(|r| r.title().to_owned()))
            .flatten()
            .unwrap_or_else(|| "?".into())
    });
    match href(kind, id) {
        Some(h) => view! { <a href=h>{move || title.get()}</a> }.into_any(),
        None => view! { <span>{move || title.get()}</span> }.into_any(),
    }
}

#[component]
fn Related(kind: Kind, id: Id) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let deals = Memo::new(move |_| session.with(|ws| ws.deals_of(kind, id)).unwrap_or_default());
    let people = Memo::new(move |_| {
        if kind == Kind::Company {
            session.with(|ws| ws.org_chart(id)).unwrap_or_default()
        } else {
            Vec::new()
        }
    });
    let reports = Memo::new(move |_| {
        if kind != Kind::Contact {
            return Vec::new();
        }
        session.with(|ws| ws.reports_of(id)).unwrap_or_default()
    });
    view! {
        <Show when=move || kind == Kind::Company>
            <div class="card" data-testid="org-chart">
                <h2>{move || i18n.t(Msg::People)}</h2>
                <Show
                    when=move || !people.with(Vec::is_empty)
                    fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NoPeople)}</p> }
                >
                    <ul class="org-tree" role="tree" aria-label=move || i18n.t(Msg::OrgChart)>
                        {move || people.get().into_iter().map(|n| view! { <OrgBranch node=n /> }).collect_view()}
                    </ul>
                </Show>
            </div>
        </Show>
        <Show when=move || !reports.with(Vec::is_empty)>
            <div class="card">
                <h2>{move || i18n.t(Msg::DirectReports)}</h2>
                <ul class="plain">
                    {move || {
                        reports
                            .get()
                            .into_iter()
                            .map(|c| view! { <li><RecordLink kind=Kind::Contact id=c /></li> })
                            .collect_view()
                    }}
                </ul>
            </div>
        </Show>
        <Show when=move || matches!(kind, Kind::Company | Kind::Contact)>
            <div class="card" data-testid="related-deals">
                <h2>{move || i18n.t(Msg::NavDeals)}</h2>
                <Show
                    when=move || !deals.with(Vec::is_empty)
                    fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NoDeals)}</p> }
                >
                    <ul class="plain">
                        {move || {
                            deals
                                .get()
                                .into_iter()
                                .map(|d| {
                                    let status = Memo::new(move |_| {
                                        session
                                            .with(|ws| {
                                                ws.get(Kind::Deal, d).map(|r| {
                                                    let v = r
                                                        .get("value")
                                                        .map(|v| display(ws, &i18n, FieldType::Money, v))
                                                        .unwrap_or_default();
                                                    let s = r.text("status").unwrap_or_default();
                                                    format!("{v} · {}", i18n.choice(s))
                                                })
                                            })
                                            .flatten()
                                            .unwrap_or_default()
                                    });
                                    view! {
                                        <li>
                                            <RecordLink kind=Kind::Deal id=d />
                                            <span class="muted">{move || status.get()}</span>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                </Show>
            </div>
        </Show>
    }
}

#[component]
fn OrgBranch(node: OrgNode) -> impl IntoView {
    let has_children = !node.reports.is_empty();
    let children = node.reports;
    view! {
        <li role="treeitem" aria-expanded=has_children.then_some("true")>
            <RecordLink kind=Kind::Contact id=node.id />
            {has_children
                .then(|| {
                    view! {
                        <ul role="group">
                            {children
                                .into_iter()
                                .map(|n| view! { <OrgBranch node=n /> }.into_any())
                                .collect_view()}
                        </ul>
                    }
                })}
        </li>
    }
}

/// The activities about a record, newest first.
#[component]
pub fn Timeline(kind: Kind, id: Id) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let items = Memo::new(move |_| session.with(|ws| ws.timeline(kind, id)).unwrap_or_default());
    view! {
        <div class="card" data-testid="timeline">
            <h2>{move || i18n.t(Msg::Timeline)}</h2>
            <Show
                when=move || !items.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NoActivities)}</p> }
            >
                <ol class="timeline">
                    <For each=move || items.get() key=|a| *a children=move |a| view! { <ActivityItem id=a /> } />
                </ol>
            </Show>
        </div>
    }
}

/// One activity: its kind, when, who, subject and body.
#[component]
pub fn ActivityItem(id: Id) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let data = Memo::new(move |_| {
        session
            .with(|ws| {
                ws.get(Kind::Activity, id).map(|a| {
                    let kind = a.text("kind").unwrap_or_default().to_owned();
                    let at = match a.get("at") {
                        Some(FieldValue::Timestamp(t)) => {
                            intl::format_date_time(i18n.locale(), t.0 as f64)
                        }
                        _ => String::new(),
                    };
                    let author = a
                        .get("author")
                        .and_then(FieldValue::as_ref_id)
                        .and_then(|m| ws.get(Kind::Member, m))
                        .map(|m| m.title().to_owned())
                        .unwrap_or_default();
                    let subject = a.text("subject").unwrap_or_default().to_owned();
                    let body = a.text("body").unwrap_or_default().to_owned();
                    let about: Vec<(Kind, Id)> = a
                        .get("contacts")
                        .and_then(FieldValue::as_set)
                        .into_iter()
                        .flat_map(|s| s.keys())
                        .filter_map(|k| k.parse().ok())
                        .map(|c| (Kind::Contact, c))
                        .chain(
                            a.get("company")
                                .and_then(FieldValue::as_ref_id)
                                .map(|c| (Kind::Company, c)),
                        )
                        .chain(
                            a.get("deal")
                                .and_then(FieldValue::as_ref_id)
                                .map(|d| (Kind::Deal, d)),
                        )
                        .collect();
                    (kind, at, author, subject, body, about)
                })
            })
            .flatten()
    });
    move || {
        data.get().map(|(kind, at, author, subject, body, about)| {
            view! {
                <li class="activity" data-kind=kind.clone()>
                    <div class="activity-head">
                        <span class="badge">{i18n.choice(&kind)}</span>
                        <strong>{subject}</strong>
                        <span class="muted">{at}</span>
                        <span class="muted">{author}</span>
                    </div>
                    {(!body.is_empty()).then(|| view! { <p class="activity-body">{body}</p> })}
                    <p class="activity-about">
                        {about.into_iter().map(|(k, i)| view! { <RecordLink kind=k id=i /> " " }).collect_view()}
                    </p>
                </li>
            }
        })
    }
}

#[component]
fn Tasks(kind: Kind, id: Id) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let tasks = Memo::new(move |_| {
        session
            .with(|ws| ws.related_tasks(kind, id))
            .unwrap_or_default()
    });
    view! {
        <div class="card" data-testid="record-tasks">
            <h2>{move || i18n.t(Msg::NavTasks)}</h2>
            <Show
                when=move || !tasks.with(Vec::is_empty)
                fallback=move || view! { <p class="muted">{move || i18n.t(Msg::NoTasks)}</p> }
            >
                <ul class="plain task-list">
                    <For each=move || tasks.get() key=|t| *t children=move |t| view! { <crate::pages::tasks::TaskItem id=t /> } />
                </ul>
            </Show>
        </div>
    }
}

#[component]
fn History(kind: Kind, id: Id) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    // Reading history walks the document's changes: only when the section is opened.
    let entries = Memo::new(move |_| {
        if open.get() {
            let mut h = session.history(kind, id);
            h.reverse();
            h
        } else {
            Vec::new()
        }
    });
    let describe = move |e: &HistoryEntry| {
        session
            .with(|ws| {
                let who =
                    e.by.and_then(|m| ws.get(Kind::Member, m))
                        .map(|m| m.title().to_owned())
                        .unwrap_or_else(|| i18n.t(Msg::SomeoneUnknown));
                let changes: Vec<String> = e
                    .changes
                    .iter()
                    .map(|c| {
                        let (label, ty) = match kind.field(&c.key) {
                            Some(spec) => (i18n.field(spec.name), spec.ty),
                            None => match c.key.as_str() {
                                "created" => (i18n.t(Msg::HistoryCreated), FieldType::Text),
                                "trashed" => (i18n.t(Msg::HistoryTrashed), FieldType::Timestamp),
                                other => (other.to_owned(), FieldType::Text),
                            },
                        };
                        let show = |v: &Option<FieldValue>| {
                            v.as_ref()
                                .map(|v| display(ws, &i18n, ty, v))
                                .unwrap_or_else(|| "—".into())
                        };
                        if c.key == "created" {
                            label
                        } else {
                            format!("{label}: {} → {}", show(&c.before), show(&c.after))
                        }
                    })
                    .collect();
                (who, day_of(&i18n, e.at.0), changes)
            })
            .unwrap_or_default()
    };
    view! {
        <details class="card history" data-testid="history" on:toggle=move |ev| {
            use wasm_bindgen::JsCast;
            let is_open = ev
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                .is_some_and(|d| d.open());
            open.set(is_open);
        }>
            <summary><h2>{move || i18n.t(Msg::History)}</h2></summary>
            <ol class="history-list">
                {move || {
                    entries
                        .get()
                        .iter()
                        .map(|e| {
                            let (who, when, changes) = describe(e);
                            view! {
                                <li>
                                    <div><strong>{who}</strong> " · " <span class="muted">{when}</span></div>
                                    <ul>{changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </details>
    }
}
