//! One field of one record, shown and edited in place: click (or Enter) to edit, Enter or
//! leaving the field saves, Escape cancels. A refused value keeps what was typed and says why.

use crm_core::form::{edit_text, parse_input};
use crm_core::schema::{FieldSpec, FieldType};
use crm_core::{Command, Currency, FieldValue, Id, Kind, Workspace};
use leptos::prelude::*;

use super::picker::RecordPicker;
use super::value::display;
use crate::i18n::{Msg, command_error, field_error, use_i18n};
use crate::session::use_session;

/// What is edited: a built-in field or a custom field (by its definition's id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Field(&'static FieldSpec),
    Custom(Id),
}

impl Target {
    pub fn ty(&self, ws: &Workspace) -> FieldType {
        match self {
            Target::Field(spec) => spec.ty,
            Target::Custom(def) => ws.custom_type(*def),
        }
    }

    pub fn label(&self, ws: &Workspace, i18n: &crate::i18n::I18n) -> String {
        match self {
            Target::Field(spec) => i18n.field(spec.name),
            Target::Custom(def) => ws
                .get(Kind::CustomField, *def)
                .map(|d| d.title().to_owned())
                .unwrap_or_default(),
        }
    }

    pub fn value(&self, ws: &Workspace, kind: Kind, id: Id) -> Option<FieldValue> {
        let rec = ws.get(kind, id)?;
        match self {
            Target::Field(spec) => rec.get(spec.name).cloned(),
            Target::Custom(def) => ws.custom_value(kind, id, *def),
        }
    }

    pub fn name(&self) -> String {
        match self {
            Target::Field(spec) => spec.name.to_owned(),
            Target::Custom(def) => format!("custom-{def}"),
        }
    }

    /// The command that stores `value` (None clears the field).
    pub fn command(&self, kind: Kind, id: Id, value: Option<FieldValue>) -> Command {
        match self {
            Target::Field(spec) => Command::Update {
                kind,
                id,
                fields: vec![(spec.name.to_owned(), value)],
            },
            Target::Custom(def) => Command::SetCustom {
                kind,
                id,
                field: *def,
                value,
            },
        }
    }
}

/// The currency a typed amount is in when the user names none: the field's current one, else
/// the workspace's.
fn currency_for(ws: &Workspace, current: Option<&FieldValue>) -> Currency {
    match current {
        Some(FieldValue::Money(m)) => m.currency,
        _ => ws.default_currency(),
    }
}

/// Options of a choice: fixed by the schema, or a custom select's lines.
fn choices(ws: &Workspace, target: Target) -> Vec<String> {
    match target {
        Target::Field(FieldSpec {
            ty: FieldType::Choice(options),
            ..
        }) => options.iter().map(|s| (*s).to_owned()).collect(),
        Target::Custom(def) => ws.custom_options(def),
        _ => Vec::new(),
    }
}

/// A field's type, label and value as shown, for the views below.
#[derive(Clone, Copy)]
struct Shown {
    ty: Signal<FieldType>,
    label: Signal<String>,
    value: Signal<Option<String>>,
}

/// The field's value as shown (None when it has none), formatted for the reader.
pub fn shown_value(
    ws: &Workspace,
    i18n: &crate::i18n::I18n,
    kind: Kind,
    id: Id,
    target: Target,
) -> Option<String> {
    target
        .value(ws, kind, id)
        .map(|v| display(ws, i18n, target.ty(ws), &v))
        // Shown as nothing (a link to a record without a title): marked empty like no value.
        .filter(|s| !s.is_empty())
}

/// `value`: the value as shown when the caller computes it (a table row, for all its cells at
/// once); otherwise the field computes its own.
fn shown(
    kind: Kind,
    id: Signal<Id>,
    target: Target,
    value: Option<Signal<Option<String>>>,
) -> Shown {
    let session = use_session();
    let i18n = use_i18n();
    // A built-in field's type is fixed by the schema; only a custom field's needs the workspace.
    let ty = match target {
        Target::Field(spec) => Signal::stored(spec.ty),
        Target::Custom(_) => {
            Memo::new(move |_| session.with(|ws| target.ty(ws)).unwrap_or(FieldType::Text)).into()
        }
    };
    let label: Signal<String> = match target {
        Target::Field(spec) => Signal::derive(move || i18n.field(spec.name)),
        Target::Custom(_) => Memo::new(move |_| {
            session
                .with(|ws| target.label(ws, &i18n))
                .unwrap_or_default()
        })
        .into(),
    };
    let value = value.unwrap_or_else(|| {
        // On a kept page: one recompute when it is back, not one per change while away.
        super::keep_alive::screen_memo(move || {
            let id = id.get();
            session
                .with_reads(|ws| shown_value(ws, &i18n, kind, id, target))
                .flatten()
        })
        .into()
    });
    Shown { ty, label, value }
}

/// The value as a button that starts editing, named by the element `label_id` (the field's
/// label, or its column's header) and its value. An empty field's button has no text and the
/// class `empty`: the stylesheet draws a dash there, read as "empty". A class rather than
/// `:empty`, which restyled every value button whose text changed (a search keystroke changes
/// them all) instead of those whose emptiness did.
///
/// The name is put together by `aria-labelledby`, fixed when the button is built, rather than
/// an `aria-label` written on every change: a search keystroke changes the value of every
/// cell on view, and the label's effect (formatting it and setting the attribute) was a
/// quarter of the keystroke's script (BENCHMARKS.md, issue 4).
///
/// `written_by`: the button's text is the value when it is built, and later written by the
/// caller through this reference (a table row writes all its cells in one effect); without
/// it the button follows the value by an effect of its own.
fn value_button(
    shown: Shown,
    label_id: &str,
    written_by: Option<NodeRef<leptos::html::Button>>,
    start: impl Fn() + 'static,
) -> impl IntoView {
    let value = shown.value;
    let id = format!("v-{}", super::unique_id());
    let labelled_by = format!("{label_id} {id}");
    // `dir="auto"`: a value takes its own direction (an email or a Latin name in a Persian
    // table reads from its start, and is cut at its end), aligned by the stylesheet.
    match written_by {
        Some(node) => view! {
            <button
                type="button"
                class="field-value"
                dir="auto"
                id=id
                aria-labelledby=labelled_by
                node_ref=node
                class:empty=value.with_untracked(Option::is_none)
                on:click=move |_| start()
            >
                {value.get_untracked().unwrap_or_default()}
            </button>
        }
        .into_any(),
        None => view! {
            <button
                type="button"
                class="field-value"
                dir="auto"
                id=id
                aria-labelledby=labelled_by
                class:empty=move || value.with(Option::is_none)
                on:click=move |_| start()
            >
                {move || value.get().unwrap_or_default()}
            </button>
        }
        .into_any(),
    }
}

/// Writes a value into a value button built with `written_by` (`value_button`).
pub fn write_value(button: &web_sys::HtmlElement, before: Option<&str>, now: Option<&str>) {
    write_text(button, now.unwrap_or_default());
    if before.is_none() != now.is_none() {
        let _ = button
            .class_list()
            .toggle_with_force("empty", now.is_none());
    }
}

/// Sets an element's text to `text`, changing its text node in place when it has one.
pub fn write_text(el: &web_sys::HtmlElement, text: &str) {
    match el.first_child() {
        Some(node) if node.node_type() == web_sys::Node::TEXT_NODE => {
            node.set_node_value(Some(text))
        }
        _ => el.set_text_content(Some(text)),
    }
}

/// One field of a table row's record (`id`: the row shows another record when the list
/// changes). A list shows hundreds of cells and edits one at a time, so a cell is only its
/// value until it is used; then it becomes a `FieldEditor` for that record, already editing,
/// until the row shows another record.
///
/// `header`: the id of the element in the column's header that names the field; `value`: the
/// field's value as shown (`shown_value`), which the row computes for all its cells at once;
/// `text`: the value's button, whose text the row writes when the value changes.
#[component]
pub fn FieldCell(
    kind: Kind,
    id: Signal<Id>,
    target: Target,
    header: String,
    value: Signal<Option<String>>,
    text: NodeRef<leptos::html::Button>,
) -> impl IntoView {
    view! {
        <div role="cell" class="cell" data-field=target.name()>
            {value_until_used(kind, id, target, Some((header, value, text)))}
        </div>
    }
}

/// One field of the record on a record page, labelled. The page is kept and shows another
/// record when the user opens one (`id`), so, like a table cell, the field is its label and
/// value until it is used, and only then a `FieldEditor` for that record.
#[component]
pub fn FieldRow(kind: Kind, id: Signal<Id>, target: Target) -> impl IntoView {
    value_until_used(kind, id, target, None)
}

/// The field's value (with its label, unless it is a table `cell`) until it is clicked; then
/// an editor for the record shown at that moment, open, until `id` names another record.
///
/// `cell`: the id of the column header's label, which names the field, the value as the row
/// shows it, and the value button the row writes to (`FieldCell`).
fn value_until_used(
    kind: Kind,
    id: Signal<Id>,
    target: Target,
    cell: Option<(
        String,
        Signal<Option<String>>,
        NodeRef<leptos::html::Button>,
    )>,
) -> impl IntoView {
    let compact = cell.is_some();
    let (header, value, written_by) = match cell {
        Some((header, value, node)) => (Some(header), Some(value), Some(node)),
        None => (None, None, None),
    };
    // The label's id: the column's header, or the label shown beside the value.
    let label_id = header.unwrap_or_else(|| format!("l-{}", super::unique_id()));
    let used = RwSignal::new(None::<Id>);
    let shown = shown(kind, id, target, value);
    let editing = Memo::new(move |_| used.get().is_some_and(|used| used == id.get()));
    move || {
        if editing.get() {
            // Once the page or row shows another record the field is that record's value
            // again; showing this one later must not reopen its editor.
            on_cleanup(move || {
                used.try_set(None);
            });
            // A page's field editor shows a label of its own; a cell's is its column header.
            let header = compact.then(|| label_id.clone());
            view! {
                <FieldEditor kind=kind id=id.get_untracked() target=target editing=true header=header />
            }
            .into_any()
        } else {
            let button = value_button(shown, &label_id, written_by, move || {
                used.set(Some(id.get_untracked()))
            });
            if compact {
                button.into_any()
            } else {
                let label = shown.label;
                view! {
                    <div class="field-editor" data-field=target.name()>
                        <span class="field-label" id=label_id.clone()>{move || label.get()}</span>
                        {button}
                    </div>
                }
                .into_any()
            }
        }
    }
}

#[component]
pub fn FieldEditor(
    kind: Kind,
    id: Id,
    target: Target,
    /// Start with the editor open and focused (a table cell that was just clicked).
    #[prop(optional)]
    editing: bool,
    /// In a table cell: the id of the column header's label, which names the field; no label
    /// is shown beside the value.
    #[prop(optional_no_strip)]
    header: Option<String>,
) -> impl IntoView {
    let compact = header.is_some();
    let session = use_session();
    let i18n = use_i18n();
    let start_editing = editing;
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let uid = super::unique_id();
    let field_id = format!("f-{uid}");

    let shown = shown(kind, Signal::stored(id), target, None);
    let (ty, label) = (shown.ty, shown.label);

    // Saving may run while the editor is being taken away: a table row that shows another
    // record (a search, a colleague's record sorted above) removes the input, and the browser
    // blurs it on the way out, which saves what was typed. The editor's own signals may be
    // gone by then, so they are used through `try_`, and the text comes from the input.
    let save_value =
        move |value: Option<FieldValue>| match session.apply(target.command(kind, id, value)) {
            Ok(()) => {
                editing.try_set(false);
                error.try_set(None);
            }
            Err(e) => {
                error.try_set(Some(command_error(i18n.locale_untracked(), &e)));
            }
        };
    let save_raw = move |raw: String| {
        let parsed = session.with_untracked(|ws| {
            let current = target.value(ws, kind, id);
            parse_input(
                &target.name(),
                target.ty(ws),
                &raw,
                currency_for(ws, current.as_ref()),
            )
        });
        match parsed {
            Some(Ok(v)) => save_value(v),
            Some(Err(e)) => {
                error.try_set(Some(field_error(i18n.locale_untracked(), &e)));
            }
            None => {}
        }
    };
    let save_text = move || {
        if let Some(raw) = draft.try_get_untracked() {
            save_raw(raw);
        }
    };
    // Leaving the field saves it, unless editing was already over (saved with Enter, or
    // cancelled with Escape, which takes the input away and so blurs it too).
    let save_on_blur = move |ev: leptos::ev::FocusEvent| {
        if editing.try_get_untracked() != Some(false) {
            save_raw(event_target_value(&ev));
        }
    };
    let start = move || {
        let text = session
            .with_untracked(|ws| target.value(ws, kind, id).map(|v| edit_text(&v)))
            .flatten()
            .unwrap_or_default();
        draft.set(text);
        error.set(None);
        editing.set(true);
        // `autofocus` only works once per document; focus the new control ourselves.
        request_animation_frame(move || {
            let wrapper = format!("f-{uid}-w");
            let selector = format!("#{wrapper} input, #{wrapper} select, #{wrapper} textarea");
            if let Some(el) = document().query_selector(&selector).ok().flatten() {
                use wasm_bindgen::JsCast;
                if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    };
    if start_editing {
        start();
    }
    let keys = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" if !ev.shift_key() => {
            ev.prevent_default();
            save_text();
        }
        "Escape" => {
            ev.stop_propagation();
            editing.set(false);
            error.set(None);
        }
        _ => {}
    };

    let editor = move || {
        let field_id = field_id.clone();
        let ty = ty.get_untracked();
        let options = session
            .with_untracked(|ws| choices(ws, target))
            .unwrap_or_default();
        match ty {
            FieldType::Choice(_) | FieldType::Text if !options.is_empty() => view! {
                <select
                    id=field_id
                    autofocus=true
                    aria-label=move || label.get()
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        save_value((!v.is_empty()).then(|| FieldValue::text(v)));
                    }
                    on:keydown=keys
                >
                    <option value="">"—"</option>
                    {options
                        .into_iter()
                        .map(|o| {
                            let selected = draft.get_untracked() == o;
                            let text = i18n.choice(&o);
                            view! { <option value=o selected=selected>{text}</option> }
                        })
                        .collect_view()}
                </select>
            }
            .into_any(),
            FieldType::Bool => view! {
                <input
                    id=field_id
                    type="checkbox"
                    autofocus=true
                    aria-label=move || label.get()
                    prop:checked=draft.get_untracked() == "true"
                    on:change=move |ev| save_value(Some(FieldValue::Bool(event_target_checked(&ev))))
                    on:keydown=keys
                />
            }
            .into_any(),
            FieldType::Ref(target_kind @ (Kind::Member | Kind::Territory | Kind::Pipeline)) => {
                let records = session
                    .with_untracked(|ws| {
                        ws.live(target_kind)
                            .map(|r| (r.id, r.title().to_owned()))
                            .collect::<Vec<_>>()
                    })
                    .unwrap_or_default();
                let current = draft.get_untracked();
                view! {
                    <select
                        id=field_id
                        autofocus=true
                        aria-label=move || label.get()
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            save_value(v.parse::<Id>().ok().map(FieldValue::Ref));
                        }
                        on:keydown=keys
                    >
                        <option value="">"—"</option>
                        {records
                            .into_iter()
                            .map(|(rid, title)| {
                                let v = rid.to_string();
                                let selected = v == current;
                                view! { <option value=v selected=selected>{title}</option> }
                            })
                            .collect_view()}
                    </select>
                }
                .into_any()
            }
            FieldType::Ref(target_kind) => view! {
                <div class="picker-row" on:keydown=keys>
                    <RecordPicker
                        kind=target_kind
                        label=Signal::derive(move || label.get())
                        autofocus=true
                        on_pick=Callback::new(move |picked: Id| save_value(Some(FieldValue::Ref(picked))))
                    />
                    <button type="button" class="button" on:click=move |_| save_value(None)>
                        {move || i18n.t(Msg::Clear)}
                    </button>
                </div>
            }
            .into_any(),
            FieldType::LongText => view! {
                <textarea
                    id=field_id
                    autofocus=true
                    rows=4
                    aria-label=move || label.get()
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        // Enter makes a new line here; Ctrl/Cmd+Enter saves.
                        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                            ev.prevent_default();
                            save_text();
                        } else if ev.key() == "Escape" {
                            ev.stop_propagation();
                            editing.set(false);
                        }
                    }
                    on:blur=save_on_blur
                ></textarea>
            }
            .into_any(),
            _ => {
                let input_type = match ty {
                    FieldType::Date => "date",
                    FieldType::Email => "email",
                    FieldType::Url => "url",
                    FieldType::Phone => "tel",
                    _ => "text",
                };
                view! {
                    <input
                        id=field_id
                        type=input_type
                        autofocus=true
                        aria-label=move || label.get()
                        prop:value=move || draft.get()
                        on:input=move |ev| draft.set(event_target_value(&ev))
                        on:keydown=keys
                        on:blur=save_on_blur
                    />
                }
                .into_any()
            }
        }
    };

    // Plain closures rather than `<Show>`s: a record page shows a score of these, and each
    // `Show` is an owner, a memo and an effect of its own.
    let is_editing = Memo::new(move |_| editing.get());
    let label_id = header.unwrap_or_else(|| format!("f-{uid}-l"));
    view! {
        <div class="field-editor" class:compact=compact data-field=target.name() id=format!("f-{uid}-w")>
            {(!compact).then(|| view! { <span class="field-label" id=label_id.clone()>{move || label.get()}</span> })}
            {move || {
                if is_editing.get() {
                    editor().into_any()
                } else {
                    value_button(shown, &label_id, None, start).into_any()
                }
            }}
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </div>
    }
}
