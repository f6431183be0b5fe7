//! /tasks — my tasks and the team's (overdue, today, upcoming, someday, done), a month and week
//! calendar with tasks, birthdays and service visits due, and in-app reminders.

use std::collections::BTreeSet;

use crm_core::{
    Bucket, Command, FieldValue, Id, Kind, OccasionKind, Timestamp, month_grid, week_of,
};
use leptos::prelude::*;

use crate::adapters::now_ms;
use crate::components::keep_alive::screen_memo;
use crate::components::page::Page;
use crate::components::toast::use_toasts;
use crate::i18n::intl::{format_day, format_day_number, format_month, format_number, today};
use crate::i18n::{Msg, command_error, use_i18n};
use crate::pages::records::detail::RecordLink;
use crate::pages::records::forms::{Links, TaskForm};
use crate::session::use_session;

fn bucket_msg(b: Bucket) -> Msg {
    match b {
        Bucket::Overdue => Msg::Overdue,
        Bucket::Today => Msg::Today,
        Bucket::Upcoming => Msg::Upcoming,
        Bucket::Someday => Msg::Someday,
        Bucket::Done => Msg::Done,
    }
}

#[component]
pub fn Tasks() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let mine = RwSignal::new(true);
    let calendar = RwSignal::new(false);
    let buckets = screen_memo(move || {
        let who = if mine.get() { session.me.get() } else { None };
        session
            .with(|ws| ws.task_buckets(&today(), who))
            .unwrap_or_default()
    });
    view! {
        <Page title=Msg::NavTasks>
            <TaskForm links=Signal::derive(Links::default) />
            <div class="list-tools">
                <div class="segmented" role="group" aria-label=move || i18n.t(Msg::Whose)>
                    <button type="button" class="button" aria-pressed=move || mine.get().to_string() on:click=move |_| mine.set(true)>
                        {move || i18n.t(Msg::MyTasks)}
                    </button>
                    <button type="button" class="button" data-testid="team-tasks" aria-pressed=move || (!mine.get()).to_string() on:click=move |_| mine.set(false)>
                        {move || i18n.t(Msg::TeamTasks)}
                    </button>
                </div>
                <div class="segmented" role="group" aria-label=move || i18n.t(Msg::ViewAs)>
                    <button type="button" class="button" aria-pressed=move || (!calendar.get()).to_string() on:click=move |_| calendar.set(false)>
                        {move || i18n.t(Msg::List)}
                    </button>
                    <button type="button" class="button" data-testid="show-calendar" aria-pressed=move || calendar.get().to_string() on:click=move |_| calendar.set(true)>
                        {move || i18n.t(Msg::Calendar)}
                    </button>
                </div>
                <NotificationSwitch />
            </div>
            <Show when=move || mine.get() && session.me.get().is_none()>
                <p class="muted">{move || i18n.t(Msg::ChooseMeHint)}</p>
            </Show>
            <Show
                when=move || calendar.get()
                fallback=move || view! {
                    <div class="buckets">
                        <For
                            each=move || buckets.with(|b| b.iter().filter(|(_, ids)| !ids.is_empty()).map(|(b, _)| *b).collect::<Vec<_>>())
                            key=|b| *b
                            let:b
                        >
                            <BucketSection bucket=b buckets=buckets />
                        </For>
                        <Show when=move || buckets.with(|b| b.iter().all(|(_, ids)| ids.is_empty()))>
                            <p class="empty-state">{move || i18n.t(Msg::TasksEmpty)}</p>
                        </Show>
                    </div>
                }
            >
                <Calendar mine=mine />
            </Show>
        </Page>
    }
}

/// Tasks shown per bucket before "Show more": a team's done list grows without end.
const TASKS_PER_BUCKET: usize = 50;

/// One bucket of tasks, keyed by task so a change re-renders only the tasks it touches.
#[component]
fn BucketSection(bucket: Bucket, buckets: Memo<Vec<(Bucket, Vec<Id>)>>) -> impl IntoView {
    let i18n = use_i18n();
    let shown = RwSignal::new(TASKS_PER_BUCKET);
    let ids = Memo::new(move |_| {
        buckets.with(|bs| {
            bs.iter()
                .find(|(b, _)| *b == bucket)
                .map(|(_, ids)| ids.clone())
                .unwrap_or_default()
        })
    });
    let visible = Memo::new(move |_| {
        ids.with(|ids| ids.iter().copied().take(shown.get()).collect::<Vec<_>>())
    });
    let hidden = move || ids.with(Vec::len).saturating_sub(shown.get());
    view! {
        <section class="card bucket" data-bucket=format!("{bucket:?}").to_lowercase()>
            <h2>
                {move || i18n.t(bucket_msg(bucket))}
                <span class="muted">{move || format!(" · {}", format_number(i18n.locale(), ids.with(Vec::len) as f64))}</span>
            </h2>
            <ul class="plain task-list">
                <For each=move || visible.get() key=|t| *t let:t>
                    <TaskItem id=t />
                </For>
            </ul>
            <Show when=move || { hidden() > 0 }>
                <button type="button" class="button small" on:click=move |_| shown.update(|s| *s += TASKS_PER_BUCKET)>
                    {move || format!("{} ({})", i18n.t(Msg::ShowMore), format_number(i18n.locale(), hidden() as f64))}
                </button>
            </Show>
        </section>
    }
}

/// One task: a checkbox to complete or reopen it, its due date, who and what it is about.
#[component]
pub fn TaskItem(id: Id) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let data = screen_memo(move || {
        session
            .with_reads(|ws| {
                ws.get(Kind::Task, id).map(|t| {
                    let done = matches!(t.get("done"), Some(FieldValue::Bool(true)));
                    let due = t.text("due").map(str::to_owned);
                    let who = t
                        .get("assignee")
                        .and_then(FieldValue::as_ref_id)
                        .and_then(|m| ws.get(Kind::Member, m))
                        .map(|m| m.title().to_owned());
                    let about: Vec<(Kind, Id)> = [
                        ("contact", Kind::Contact),
                        ("company", Kind::Company),
                        ("deal", Kind::Deal),
                    ]
                    .into_iter()
                    .filter_map(|(f, k)| t.get(f).and_then(FieldValue::as_ref_id).map(|i| (k, i)))
                    .collect();
                    (t.title().to_owned(), done, due, who, about)
                })
            })
            .flatten()
    });
    let toggle = move |_| {
        let done = data.get_untracked().is_some_and(|d| d.1);
        let cmd = if done {
            Command::ReopenTask { task: id }
        } else {
            Command::CompleteTask { task: id }
        };
        match session.apply(cmd) {
            Ok(()) => toasts.done(i18n.t(if done {
                Msg::TaskReopened
            } else {
                Msg::TaskDone
            })),
            Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
        }
    };
    move || {
        data.get().map(|(title, done, due, who, about)| {
            let label = title.clone();
            view! {
                <li class="task" class:done=done data-testid="task-item">
                    <label class="check-label">
                        // autocomplete="off": as the table's row checkboxes (records/table.rs).
                        <input type="checkbox" autocomplete="off" prop:checked=done on:change=toggle aria-label=move || i18n.t_with(Msg::CompleteTask, &[("name", &label)]) />
                        <span class="task-title">{title}</span>
                    </label>
                    {due.map(|d| view! { <span class="muted">{format_day(i18n.locale(), &d)}</span> })}
                    {who.map(|w| view! { <span class="muted">{w}</span> })}
                    {about.into_iter().map(|(k, i)| view! { <RecordLink kind=k id=i /> }).collect_view()}
                </li>
            }
        })
    }
}

/// A calendar entry: its date, its text, and the record it links to.
type CalendarItem = (String, String, Option<(Kind, Id)>);

#[component]
fn Calendar(mine: RwSignal<bool>) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let week = RwSignal::new(false);
    // The day the calendar is centred on.
    let anchor = RwSignal::new(today());
    let days = Memo::new(move |_| {
        let a = anchor.get();
        let Some((y, m, _)) = crm_core::value::parse_date(&a) else {
            return Vec::new();
        };
        if week.get() {
            week_of(&a, 0).map(|w| vec![w]).unwrap_or_default()
        } else {
            month_grid(y, m, 0)
        }
    });
    // Everything due in the shown range, by date.
    let items = screen_memo(move || {
        let d = days.get();
        let (Some(first), Some(last)) = (
            d.first().map(|w| w[0].clone()),
            d.last().map(|w| w[6].clone()),
        ) else {
            return Vec::new();
        };
        let who = if mine.get() { session.me.get() } else { None };
        session
            .with(|ws| {
                let mut out: Vec<CalendarItem> = Vec::new();
                for t in ws.live(Kind::Task) {
                    if who.is_some() && t.get("assignee").and_then(FieldValue::as_ref_id) != who {
                        continue;
                    }
                    if let Some(due) = t.text("due")
                        && due >= first.as_str()
                        && due <= last.as_str()
                    {
                        out.push((due.to_owned(), t.title().to_owned(), None));
                    }
                }
                for o in ws.occasions(&first, &last) {
                    let name = ws
                        .get(o.record_kind, o.record)
                        .map(|r| r.title().to_owned())
                        .unwrap_or_default();
                    let text = match o.kind {
                        OccasionKind::Birthday { .. } => {
                            i18n.t_with(Msg::BirthdayOf, &[("name", &name)])
                        }
                        OccasionKind::ServiceDue { overdue: true } => {
                            i18n.t_with(Msg::ServiceOverdue, &[("name", &name)])
                        }
                        OccasionKind::ServiceDue { .. } => {
                            i18n.t_with(Msg::ServiceDue, &[("name", &name)])
                        }
                    };
                    out.push((o.date.clone(), text, Some((o.record_kind, o.record))));
                }
                out.sort();
                out
            })
            .unwrap_or_default()
    });
    let shift = move |dir: i64| {
        let a = anchor.get_untracked();
        let next = if week.get_untracked() {
            crm_core::value::parse_date(&a).map(|(y, m, d)| {
                let z = crm_core::pipeline::days_from_civil(y, m, d) + 7 * dir;
                crm_core::pipeline::format_date(crm_core::pipeline::civil_from_days(z))
            })
        } else {
            crm_core::value::parse_date(&a).map(|(y, m, _)| {
                let total = y * 12 + i64::from(m) - 1 + dir;
                crm_core::pipeline::format_date((
                    total.div_euclid(12),
                    (total.rem_euclid(12) + 1) as u32,
                    1,
                ))
            })
        };
        if let Some(n) = next {
            anchor.set(n);
        }
    };
    let today_s = today();
    view! {
        <div class="calendar-tools list-tools">
            <button type="button" class="button" aria-label=move || i18n.t(Msg::Previous) on:click=move |_| shift(-1)>"‹"</button>
            <h2 class="calendar-title" aria-live="polite">{move || format_month(i18n.locale(), &anchor.get(), false)}</h2>
            <button type="button" class="button" aria-label=move || i18n.t(Msg::Next) on:click=move |_| shift(1)>"›"</button>
            <button type="button" class="button" on:click=move |_| anchor.set(today())>{move || i18n.t(Msg::Today)}</button>
            <div class="segmented" role="group" aria-label=move || i18n.t(Msg::ViewAs)>
                <button type="button" class="button" aria-pressed=move || (!week.get()).to_string() on:click=move |_| week.set(false)>{move || i18n.t(Msg::Month)}</button>
                <button type="button" class="button" data-testid="calendar-week" aria-pressed=move || week.get().to_string() on:click=move |_| week.set(true)>{move || i18n.t(Msg::Week)}</button>
            </div>
        </div>
        <table class="calendar" data-testid="calendar">
            <thead>
                <tr>
                    {move || days.get().first().cloned().map(|w| w.into_iter().map(|d| view! { <th scope="col">{format_month(i18n.locale(), &d, true)}</th> }).collect_view())}
                </tr>
            </thead>
            <tbody>
                {move || {
                    let month = anchor.get().get(..7).unwrap_or_default().to_owned();
                    let all = items.get();
                    let today_s = today_s.clone();
                    days.get().into_iter().map(|w| {
                        let all = all.clone();
                        let month = month.clone();
                        let today_s = today_s.clone();
                        view! {
                            <tr>
                                {w.into_iter().map(|d| {
                                    let here: Vec<_> = all.iter().filter(|(date, _, _)| *date == d).cloned().collect();
                                    let other = !d.starts_with(&month);
                                    let is_today = d == today_s;
                                    view! {
                                        <td class:other-month=other class:today=is_today data-date=d.clone()>
                                            <span class="day-number" aria-label=format_day(i18n.locale(), &d)>{format_day_number(i18n.locale(), &d)}</span>
                                            <ul class="plain">
                                                {here.into_iter().map(|(_, text, rec)| view! {
                                                    <li class="calendar-item">
                                                        {match rec {
                                                            Some((k, i)) => view! { <a href=crate::components::value::href(k, i).unwrap_or_default()>{text}</a> }.into_any(),
                                                            None => view! { <span>{text}</span> }.into_any(),
                                                        }}
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        </td>
                                    }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()
                }}
            </tbody>
        </table>
    }
}

/// Asks for permission to show system notifications for reminders.
#[component]
fn NotificationSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let state = RwSignal::new(crate::adapters::notify::permission());
    view! {
        <Show when=move || state.get() == "default">
            <button type="button" class="button" on:click=move |_| {
                crate::adapters::notify::request(move |p| state.set(p));
            }>
                {move || i18n.t(Msg::EnableNotifications)}
            </button>
        </Show>
    }
}

/// Reminders that are due, shown at the top of every page (and once as a system notification
/// where allowed). Checked every 30 seconds and after every change.
#[component]
pub fn Reminders() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let tick = RwSignal::new(0u32);
    let handle = set_interval_with_handle(
        move || tick.update(|t| *t += 1),
        std::time::Duration::from_secs(30),
    );
    on_cleanup(move || {
        if let Ok(h) = handle {
            h.clear();
        }
    });
    let dismissed = RwSignal::new(BTreeSet::<Id>::new());
    let notified = StoredValue::new(BTreeSet::<Id>::new());
    let due = Memo::new(move |_| {
        tick.track();
        let me = session.me.get();
        session
            .with(|ws| {
                ws.due_reminders(Timestamp(now_ms()), me)
                    .into_iter()
                    .filter_map(|id| ws.get(Kind::Task, id).map(|t| (id, t.title().to_owned())))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let shown = move || {
        let d = dismissed.get();
        let list: Vec<_> = due
            .get()
            .into_iter()
            .filter(|(id, _)| !d.contains(id))
            .collect();
        for (id, title) in &list {
            if !notified.with_value(|n| n.contains(id)) {
                notified.update_value(|n| {
                    n.insert(*id);
                });
                crate::adapters::notify::show(&i18n.t(Msg::Reminder), title);
            }
        }
        list
    };
    view! {
        <div class="reminders" role="region" aria-label=move || i18n.t(Msg::Reminders) data-testid="reminders">
            {move || shown().into_iter().map(|(id, title)| view! {
                <div class="banner warning reminder">
                    <span><strong>{move || i18n.t(Msg::Reminder)}</strong>": "{title}</span>
                    <button type="button" class="button" on:click=move |_| {
                        if let Err(e) = session.apply(Command::CompleteTask { task: id }) {
                            toasts.error(command_error(i18n.locale_untracked(), &e));
                        }
                    }>{move || i18n.t(Msg::MarkDone)}</button>
                    <button type="button" class="button" on:click=move |_| dismissed.update(|d| { d.insert(id); })>
                        {move || i18n.t(Msg::Dismiss)}
                    </button>
                </div>
            }).collect_view()}
        </div>
    }
}
