//! The small forms that create records from anywhere: log an activity, add a task.

use crm_core::schema::ACTIVITY_KINDS;
use crm_core::{Command, FieldValue, Id, Kind, Timestamp};
use leptos::html::Input;
use leptos::prelude::*;

use crate::adapters::now_ms;
use crate::adapters::workspace_store::random_bytes;
use crate::components::toast::use_toasts;
use crate::i18n::{Msg, command_error, use_i18n};
use crate::session::use_session;

/// What a new activity or task is about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Links {
    pub contact: Option<Id>,
    pub company: Option<Id>,
    pub deal: Option<Id>,
}

impl Links {
    /// The links of a record's own page, with its company filled in for contacts and deals.
    pub fn of(ws: &crm_core::Workspace, kind: Kind, id: Id) -> Links {
        let company_of = |k: Kind| {
            ws.get(k, id)
                .and_then(|r| r.get("company"))
                .and_then(FieldValue::as_ref_id)
        };
        match kind {
            Kind::Contact => Links {
                contact: Some(id),
                company: company_of(Kind::Contact),
                deal: None,
            },
            Kind::Company => Links {
                company: Some(id),
                ..Links::default()
            },
            Kind::Deal => Links {
                deal: Some(id),
                company: company_of(Kind::Deal),
                contact: None,
            },
            _ => Links::default(),
        }
    }
}

/// A `datetime-local` value (the user's time zone) as UTC milliseconds.
pub fn local_input_to_ms(v: &str) -> Option<i64> {
    let t = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(v)).get_time();
    t.is_finite().then_some(t as i64)
}

/// Logs a call, email, meeting, visit or note. `kind` is shared with the page so a keyboard
/// shortcut can open the form with the right kind chosen.
#[component]
pub fn ActivityForm(
    #[prop(into)] links: Signal<Links>,
    kind: RwSignal<String>,
    /// Focus moves to the subject when this turns true (after a shortcut).
    #[prop(optional)]
    focus: Option<RwSignal<bool>>,
) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let subject = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let minutes = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let subject_ref = NodeRef::<Input>::new();
    if let Some(focus) = focus {
        Effect::new(move |_| {
            if focus.get()
                && let Some(el) = subject_ref.get()
            {
                let _ = el.focus();
            }
        });
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = links.get_untracked();
        let mut fields = vec![
            ("kind".to_owned(), FieldValue::text(kind.get_untracked())),
            ("at".to_owned(), FieldValue::Timestamp(Timestamp(now_ms()))),
        ];
        let s = subject.get_untracked();
        if !s.trim().is_empty() {
            fields.push(("subject".into(), FieldValue::text(s)));
        }
        let b = body.get_untracked();
        if !b.trim().is_empty() {
            fields.push(("body".into(), FieldValue::text(b)));
        }
        let m = minutes.get_untracked();
        if !m.trim().is_empty() {
            match crm_core::value::fold_digits(m.trim()).parse::<i64>() {
                Ok(n) => fields.push(("duration_minutes".into(), FieldValue::Int(n))),
                Err(_) => {
                    error.set(Some(i18n.t(Msg::ErrMinutes)));
                    return;
                }
            }
        }
        if let Some(c) = l.contact {
            fields.push(("contacts".into(), FieldValue::set([c.to_string()])));
        }
        if let Some(c) = l.company {
            fields.push(("company".into(), FieldValue::Ref(c)));
        }
        if let Some(d) = l.deal {
            fields.push(("deal".into(), FieldValue::Ref(d)));
        }
        if let Some(me) = session.me.get_untracked() {
            fields.push(("author".into(), FieldValue::Ref(me)));
        }
        let cmd = Command::Create {
            kind: Kind::Activity,
            id: Id::from_bytes(random_bytes()),
            fields,
            custom: vec![],
        };
        match session.apply(cmd) {
            Ok(()) => {
                subject.set(String::new());
                body.set(String::new());
                minutes.set(String::new());
                error.set(None);
                if let Some(f) = focus {
                    f.set(false);
                }
                toasts.done(i18n.t(Msg::ActivityLogged));
            }
            Err(e) => error.set(Some(command_error(i18n.locale_untracked(), &e))),
        }
    };
    view! {
        <form class="card log-form" on:submit=submit data-testid="activity-form">
            <fieldset class="kind-choice">
                <legend>{move || i18n.t(Msg::LogActivity)}</legend>
                {ACTIVITY_KINDS
                    .iter()
                    .map(|k| {
                        let k = *k;
                        view! {
                            <label class="pill">
                                <input
                                    type="radio"
                                    name="activity-kind"
                                    value=k
                                    prop:checked=move || kind.get() == k
                                    on:change=move |_| kind.set(k.to_owned())
                                />
                                <span>{move || i18n.choice(k)}</span>
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
            <div class="fields">
                <label>
                    <span>{move || i18n.field("subject")}</span>
                    <input
                        type="text"
                        node_ref=subject_ref
                        data-testid="activity-subject"
                        prop:value=move || subject.get()
                        on:input=move |ev| subject.set(event_target_value(&ev))
                    />
                </label>
                <label class="narrow">
                    <span>{move || i18n.field("duration_minutes")}</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        size=4
                        prop:value=move || minutes.get()
                        on:input=move |ev| minutes.set(event_target_value(&ev))
                    />
                </label>
            </div>
            <label class="stacked">
                <span>{move || i18n.field("body")}</span>
                <textarea
                    rows=2
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))
                ></textarea>
            </label>
            <button type="submit" class="button primary">{move || i18n.t(Msg::Log)}</button>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </form>
    }
}

/// A new task, linked to the record it is about and assigned to "me" unless changed.
#[component]
pub fn TaskForm(#[prop(into)] links: Signal<Links>) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let title = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let remind = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let members = Memo::new(move |_| super::table::options_of(session, Kind::Member));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let l = links.get_untracked();
        let mut fields = vec![("title".to_owned(), FieldValue::text(title.get_untracked()))];
        let d = due.get_untracked();
        if !d.is_empty() {
            fields.push(("due".into(), FieldValue::text(d)));
        }
        let r = remind.get_untracked();
        if !r.is_empty() {
            match local_input_to_ms(&r) {
                Some(ms) => fields.push(("remind_at".into(), FieldValue::Timestamp(Timestamp(ms)))),
                None => {
                    error.set(Some(i18n.t(Msg::ErrReminder)));
                    return;
                }
            }
        }
        let who = assignee
            .get_untracked()
            .parse::<Id>()
            .ok()
            .or(session.me.get_untracked());
        if let Some(who) = who {
            fields.push(("assignee".into(), FieldValue::Ref(who)));
        }
        for (name, link) in [
            ("contact", l.contact),
            ("company", l.company),
            ("deal", l.deal),
        ] {
            if let Some(id) = link {
                fields.push((name.into(), FieldValue::Ref(id)));
            }
        }
        let cmd = Command::Create {
            kind: Kind::Task,
            id: Id::from_bytes(random_bytes()),
            fields,
            custom: vec![],
        };
        match session.apply(cmd) {
            Ok(()) => {
                title.set(String::new());
                due.set(String::new());
                remind.set(String::new());
                error.set(None);
                toasts.done(i18n.t(Msg::TaskAdded));
            }
            Err(e) => error.set(Some(command_error(i18n.locale_untracked(), &e))),
        }
    };
    view! {
        <form class="card task-form" on:submit=submit data-testid="task-form">
            <h2>{move || i18n.t(Msg::AddTask)}</h2>
            <div class="fields">
                <label>
                    <span>{move || i18n.field("title")}</span>
                    <input
                        type="text"
                        required=true
                        data-testid="task-title"
                        prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev))
                    />
                </label>
                <label class="narrow">
                    <span>{move || i18n.field("due")}</span>
                    <input
                        type="date"
                        data-testid="task-due"
                        prop:value=move || due.get()
                        on:input=move |ev| due.set(event_target_value(&ev))
                    />
                </label>
                <label class="narrow">
                    <span>{move || i18n.field("remind_at")}</span>
                    <input
                        type="datetime-local"
                        data-testid="task-remind"
                        prop:value=move || remind.get()
                        on:input=move |ev| remind.set(event_target_value(&ev))
                    />
                </label>
                <label class="narrow">
                    <span>{move || i18n.field("assignee")}</span>
                    <select on:change=move |ev| assignee.set(event_target_value(&ev))>
                        <option value="">{move || i18n.t(Msg::Me)}</option>
                        {super::table::option_list(members)}
                    </select>
                </label>
                <button type="submit" class="button primary">{move || i18n.t(Msg::AddTask)}</button>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </form>
    }
}
