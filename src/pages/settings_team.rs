//! Settings for the team's shared set-up: teammates and who "me" is, territories, and the
//! custom fields records carry. Every row edits in place; removing goes to the trash with Undo.

use crm_core::custom::CUSTOM_FIELD_KINDS;
use crm_core::schema::CUSTOM_TYPES;
use crm_core::{Command, FieldValue, Id, Kind};
use leptos::prelude::*;

use crate::adapters::workspace_store::random_bytes;
use crate::components::field::TextField;
use crate::components::field_editor::{FieldEditor, Target};
use crate::components::toast::use_toasts;
use crate::i18n::{I18n, Msg, command_error, use_i18n};
use crate::session::{Session, use_session};

/// The live records of `kind` as (id, title), by title.
fn titled(kind: Kind) -> Memo<Vec<(Id, String)>> {
    let session = use_session();
    Memo::new(move |_| {
        session
            .with(|ws| {
                let mut rows: Vec<(Id, String)> = ws
                    .live(kind)
                    .map(|r| (r.id, r.title().to_owned()))
                    .collect();
                rows.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
                rows
            })
            .unwrap_or_default()
    })
}

/// An in-place editor for one built-in field of a settings record.
#[component]
fn Edit(kind: Kind, id: Id, field: &'static str) -> impl IntoView {
    kind.field(field)
        .map(|spec| view! { <FieldEditor kind=kind id=id target=Target::Field(spec) /> })
}

/// Creates a settings record with a fresh id. Ok clears the form's error; a refusal shows its
/// reason there and keeps what was typed. Returns whether it was created.
fn create(
    (session, i18n): (Session, I18n),
    kind: Kind,
    fields: Vec<(String, FieldValue)>,
    error: RwSignal<Option<String>>,
) -> bool {
    let cmd = Command::Create {
        kind,
        id: Id::from_bytes(random_bytes()),
        fields,
        custom: vec![],
    };
    match session.apply(cmd) {
        Ok(()) => {
            error.set(None);
            true
        }
        Err(e) => {
            error.set(Some(command_error(i18n.locale_untracked(), &e)));
            false
        }
    }
}

/// Moves a settings record to the trash, with Undo in the toast.
#[component]
fn RemoveButton(kind: Kind, id: Id, name: String) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let label = name.clone();
    let remove = move |_| match session.apply(Command::Trash { kind, id }) {
        Ok(()) => toasts.done(i18n.t_with(Msg::TrashedName, &[("name", &name)])),
        Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
    };
    view! {
        <button
            type="button"
            class="button danger"
            aria-label=move || format!("{} {}", i18n.t(Msg::MoveToTrash), label)
            on:click=remove
        >
            {move || i18n.t(Msg::MoveToTrash)}
        </button>
    }
}

/// Teammates and who "me" is on this device.
#[component]
pub fn TeamSetting() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = RwSignal::new(String::new());
    let color = RwSignal::new("#1e40af".to_owned());
    let error = RwSignal::new(None::<String>);
    let members = titled(Kind::Member);
    let color_of = move |id: Id| {
        session
            .with(|ws| {
                ws.get(Kind::Member, id)
                    .and_then(|r| r.text("color"))
                    .unwrap_or("#888888")
                    .to_owned()
            })
            .unwrap_or_default()
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = vec![
            ("name".into(), FieldValue::text(name.get_untracked())),
            ("color".into(), FieldValue::text(color.get_untracked())),
        ];
        if create((session, i18n), Kind::Member, fields, error) {
            name.set(String::new());
        }
    };
    view! {
        <section class="card" aria-labelledby="team-title">
            <h2 id="team-title">{move || i18n.t(Msg::SettingsTeam)}</h2>
            <p class="muted">{move || i18n.t(Msg::TeamHint)}</p>
            <fieldset class="choices team" data-testid="team-me">
                <legend class="visually-hidden">{move || i18n.t(Msg::TeamMe)}</legend>
                <label>
                    <input
                        type="radio"
                        name="me"
                        prop:checked=move || session.me.get().is_none()
                        on:change=move |_| session.set_me(None)
                    />
                    <span>{move || i18n.t(Msg::TeamNobody)}</span>
                </label>
                <For each=move || members.get() key=|m| m.clone() let:m>
                    <label>
                        <input
                            type="radio"
                            name="me"
                            prop:checked=move || session.me.get() == Some(m.0)
                            on:change=move |_| session.set_me(Some(m.0))
                        />
                        <span class="swatch" style:background-color=move || color_of(m.0)></span>
                        <span>{m.1.clone()}</span>
                    </label>
                </For>
            </fieldset>
            <ul class="settings-rows" data-testid="team-members">
                <For each=move || members.get() key=|m| m.0 let:m>
                    <li class="settings-row">
                        <span class="swatch" style:background-color=move || color_of(m.0)></span>
                        <Edit kind=Kind::Member id=m.0 field="name" />
                        <Edit kind=Kind::Member id=m.0 field="territory" />
                        <Edit kind=Kind::Member id=m.0 field="color" />
                        <RemoveButton kind=Kind::Member id=m.0 name=m.1.clone() />
                    </li>
                </For>
            </ul>
            <form class="fields" on:submit=add>
                <TextField label=Msg::FieldName value=name name="member-name" required=true />
                <label class="narrow">
                    <span>{move || i18n.t(Msg::FieldColor)}</span>
                    <input
                        type="color"
                        prop:value=move || color.get()
                        on:input=move |ev| color.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="button">{move || i18n.t(Msg::TeamAdd)}</button>
            </form>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </section>
    }
}

/// Territories: named areas teammates, contacts and companies belong to; every list filters
/// by them.
#[component]
pub fn TerritoriesSetting() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let territories = titled(Kind::Territory);
    let members_in = move |id: Id| {
        session
            .with(|ws| {
                ws.live(Kind::Member)
                    .filter(|m| m.get("territory").and_then(FieldValue::as_ref_id) == Some(id))
                    .count()
            })
            .unwrap_or_default()
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let fields = vec![("name".into(), FieldValue::text(name.get_untracked()))];
        if create((session, i18n), Kind::Territory, fields, error) {
            name.set(String::new());
        }
    };
    view! {
        <section class="card" aria-labelledby="territories-title">
            <h2 id="territories-title">{move || i18n.t(Msg::TerritoriesTitle)}</h2>
            <p class="muted">{move || i18n.t(Msg::TerritoriesHint)}</p>
            <ul class="settings-rows" data-testid="territories">
                <For each=move || territories.get() key=|t| t.0 let:t>
                    <li class="settings-row">
                        <Edit kind=Kind::Territory id=t.0 field="name" />
                        <span class="muted">
                            {move || i18n.count(Msg::TerritoryMembers, members_in(t.0))}
                        </span>
                        <RemoveButton kind=Kind::Territory id=t.0 name=t.1.clone() />
                    </li>
                </For>
            </ul>
            <form class="fields" on:submit=add>
                <TextField label=Msg::FieldName value=name name="territory-name" required=true />
                <button type="submit" class="button">{move || i18n.t(Msg::TerritoryAdd)}</button>
            </form>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </section>
    }
}

/// The plural name of a kind that can carry custom fields.
fn kind_plural(kind: Kind) -> Msg {
    match kind {
        Kind::Company => Msg::NavCompanies,
        Kind::Deal => Msg::NavDeals,
        Kind::Activity => Msg::NavActivities,
        Kind::Task => Msg::NavTasks,
        _ => Msg::NavContacts,
    }
}

/// Custom fields per record kind: define, rename, change the options of a choice, order and
/// remove. A field's type is fixed once it exists (values were checked against it).
#[component]
pub fn CustomFieldsSetting() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let kind = RwSignal::new(Kind::Contact);
    let label = RwSignal::new(String::new());
    let field_type = RwSignal::new("text".to_owned());
    let options = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let defs = Memo::new(move |_| {
        let kind = kind.get();
        session
            .with(|ws| {
                ws.custom_fields(kind)
                    .into_iter()
                    .map(|id| {
                        let def = ws.get(Kind::CustomField, id);
                        let text = |f| def.and_then(|d| d.text(f)).unwrap_or_default().to_owned();
                        (id, text("label"), text("field_type"))
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let is_choice = move || matches!(field_type.get().as_str(), "select" | "multi_select");
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let ty = field_type.get_untracked();
        let mut fields = vec![
            (
                "record_kind".into(),
                FieldValue::text(kind.get_untracked().collection()),
            ),
            ("label".into(), FieldValue::text(label.get_untracked())),
            ("field_type".into(), FieldValue::text(ty.clone())),
            (
                "position".into(),
                FieldValue::Int(defs.get_untracked().len() as i64),
            ),
        ];
        if matches!(ty.as_str(), "select" | "multi_select") {
            fields.push(("options".into(), FieldValue::text(options.get_untracked())));
        }
        if create((session, i18n), Kind::CustomField, fields, error) {
            label.set(String::new());
            options.set(String::new());
        }
    };
    view! {
        <section class="card" aria-labelledby="custom-fields-title">
            <h2 id="custom-fields-title">{move || i18n.t(Msg::CustomFieldsTitle)}</h2>
            <p class="muted">{move || i18n.t(Msg::CustomFieldsHint)}</p>
            <label class="narrow">
                <span>{move || i18n.t(Msg::FieldRecordKind)}</span>
                <select
                    data-testid="custom-fields-kind"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(k) = CUSTOM_FIELD_KINDS.into_iter().find(|k| k.collection() == v) {
                            kind.set(k);
                        }
                    }
                >
                    {CUSTOM_FIELD_KINDS
                        .into_iter()
                        .map(|k| {
                            view! {
                                <option value=k.collection() selected=move || kind.get() == k>
                                    {move || i18n.t(kind_plural(k))}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <Show when=move || defs.with(Vec::is_empty)>
                <p class="muted" data-testid="custom-fields-empty">
                    {move || i18n.t_with(Msg::CustomFieldsEmpty, &[("kind", &i18n.t(kind_plural(kind.get())))])}
                </p>
            </Show>
            <ul class="settings-rows" data-testid="custom-fields">
                <For each=move || defs.get() key=|d| d.clone() let:d>
                    <li class="settings-row">
                        <Edit kind=Kind::CustomField id=d.0 field="label" />
                        <span class="badge">
                            {
                                let ty = d.2.clone();
                                move || i18n.choice(&ty)
                            }
                        </span>
                        <Show when={
                            let ty = d.2.clone();
                            move || matches!(ty.as_str(), "select" | "multi_select")
                        }>
                            <Edit kind=Kind::CustomField id=d.0 field="options" />
                        </Show>
                        <Edit kind=Kind::CustomField id=d.0 field="position" />
                        <RemoveButton kind=Kind::CustomField id=d.0 name=d.1.clone() />
                    </li>
                </For>
            </ul>
            <form class="fields" on:submit=add data-testid="custom-field-form">
                <TextField label=Msg::FieldLabel value=label name="custom-label" required=true />
                <label class="narrow">
                    <span>{move || i18n.t(Msg::FieldFieldType)}</span>
                    <select
                        name="custom-type"
                        on:change=move |ev| field_type.set(event_target_value(&ev))
                    >
                        {CUSTOM_TYPES
                            .iter()
                            .map(|t| {
                                let t = *t;
                                view! {
                                    <option value=t selected=move || field_type.get() == t>
                                        {move || i18n.choice(t)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
                <Show when=is_choice>
                    <label>
                        <span>{move || i18n.t(Msg::CustomFieldOptions)}</span>
                        <textarea
                            name="custom-options"
                            rows=3
                            prop:value=move || options.get()
                            on:input=move |ev| options.set(event_target_value(&ev))
                        ></textarea>
                    </label>
                </Show>
                <button type="submit" class="button">{move || i18n.t(Msg::CustomFieldAdd)}</button>
            </form>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </section>
    }
}
