//! Settings sections for workspaces, export/import and storage.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::adapters::files::{download, read_chosen_file};
use crate::components::field::TextField;
use crate::i18n::intl::format_number;
use crate::i18n::{Msg, use_i18n};
use crate::session::{storage_report, use_session};

#[component]
pub fn WorkspacesSetting() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let new_name = RwSignal::new(String::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = new_name.get_untracked().trim().to_owned();
        if !name.is_empty() {
            session.create_workspace(name);
            new_name.set(String::new());
        }
    };
    view! {
        <section class="card" aria-labelledby="workspaces-title">
            <h2 id="workspaces-title">{move || i18n.t(Msg::SettingsWorkspaces)}</h2>
            <ul class="record-list" data-testid="workspace-list">
                <For each=move || session.workspaces.get() key=|w| (w.id.clone(), w.name.clone()) let:w>
                    <WorkspaceRow id=w.id name=w.name />
                </For>
            </ul>
            <form class="fields" on:submit=create>
                <TextField label=Msg::WorkspaceNewName value=new_name name="workspace-name" required=true />
                <button type="submit" class="button">{move || i18n.t(Msg::WorkspaceCreate)}</button>
            </form>
        </section>
    }
}

#[component]
fn WorkspaceRow(id: String, name: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let editing = RwSignal::new(name.clone());
    let is_current = {
        let id = id.clone();
        move || session.current.get().as_deref() == Some(id.as_str())
    };
    let (open_id, rename_id, delete_id) = (id.clone(), id.clone(), id);
    let delete_name = name.clone();
    let delete = move |_| {
        let question = i18n.t_with(Msg::WorkspaceDeleteConfirm, &[("name", &delete_name)]);
        let confirmed = window().confirm_with_message(&question).unwrap_or(false);
        if confirmed {
            session.delete_workspace(delete_id.clone(), i18n.t(Msg::WorkspaceDefaultName));
        }
    };
    view! {
        <li class="workspace-row">
            <input
                aria-label=move || i18n.t(Msg::WorkspaceRename)
                prop:value=move || editing.get()
                on:input=move |ev| editing.set(event_target_value(&ev))
            />
            <button
                type="button"
                class="button"
                on:click=move |_| {
                    let name = editing.get_untracked().trim().to_owned();
                    if !name.is_empty() {
                        session.rename_workspace(rename_id.clone(), name);
                    }
                }
            >
                {move || i18n.t(Msg::WorkspaceRename)}
            </button>
            {
                let is_current = is_current.clone();
                move || {
                    if is_current() {
                        view! { <span class="badge">{i18n.t(Msg::WorkspaceCurrent)}</span> }.into_any()
                    } else {
                        let open_id = open_id.clone();
                        view! {
                            <button
                                type="button"
                                class="button"
                                on:click=move |_| session.switch_workspace(open_id.clone())
                            >
                                {i18n.t(Msg::WorkspaceOpen)}
                            </button>
                        }
                            .into_any()
                    }
                }
            }
            <button type="button" class="button danger" on:click=delete>
                {move || i18n.t(Msg::WorkspaceDelete)}
            </button>
        </li>
    }
}

fn file_stem(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    s.truncate(60);
    if s.trim_matches('-').is_empty() {
        "workspace".into()
    } else {
        s
    }
}

#[component]
pub fn DataSetting() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current_name = move || {
        let current = session.current.get();
        session
            .workspaces
            .get()
            .into_iter()
            .find(|w| Some(&w.id) == current.as_ref())
            .map(|w| w.name)
            .unwrap_or_default()
    };
    let report = move |e: String| session.problems.update(|p| p.push(e));
    let export_automerge = move |_| {
        if let Some(bytes) = session.export_automerge()
            && let Err(e) = download(
                &format!("{}.automerge", file_stem(&current_name())),
                &bytes,
                "application/octet-stream",
            )
        {
            report(e);
        }
    };
    let export_json = move |_| {
        if let Some(json) = session.export_json()
            && let Err(e) = download(
                &format!("{}.json", file_stem(&current_name())),
                json.as_bytes(),
                "application/json",
            )
        {
            report(e);
        }
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            if let Some((name, bytes)) = read_chosen_file(&input).await {
                let name = name
                    .rsplit_once('.')
                    .map_or(name.as_str(), |(stem, _)| stem)
                    .to_owned();
                session.import(name, bytes);
            }
            input.set_value("");
        });
    };
    view! {
        <section class="card" aria-labelledby="data-title">
            <h2 id="data-title">{move || i18n.t(Msg::SettingsData)}</h2>
            <p class="muted">{move || i18n.t(Msg::DataHint)}</p>
            <div class="fields">
                <button type="button" class="button" data-testid="export-automerge" on:click=export_automerge>
                    {move || i18n.t(Msg::ExportAutomerge)}
                </button>
                <button type="button" class="button" data-testid="export-json" on:click=export_json>
                    {move || i18n.t(Msg::ExportJson)}
                </button>
            </div>
            <label class="file-pick">
                <span>{move || i18n.t(Msg::ImportFile)}</span>
                <input type="file" accept=".automerge,.json,application/json" data-testid="import-file" on:change=import />
            </label>
            <p class="muted">{move || i18n.t(Msg::ImportHint)}</p>
            <p>
                <a href="/import" data-testid="import-records-link">{move || i18n.t(Msg::ImportFromFiles)}</a>
            </p>
        </section>
    }
}

#[component]
pub fn StorageSetting() -> impl IntoView {
    let i18n = use_i18n();
    let report = LocalResource::new(storage_report);
    let megabytes = move |bytes: f64| format_number(i18n.locale(), (bytes / 1e5).round() / 10.0);
    view! {
        <section class="card" aria-labelledby="storage-title">
            <h2 id="storage-title">{move || i18n.t(Msg::SettingsStorage)}</h2>
            {move || {
                report
                    .get()
                    .flatten()
                    .map(|(persistent, used, quota)| {
                        view! {
                            <p data-testid="storage-persistence">
                                {i18n.t(if persistent { Msg::StoragePersistent } else { Msg::StorageBestEffort })}
                            </p>
                            <p class="muted">
                                {i18n.t_with(Msg::StorageUsed, &[("used", &megabytes(used)), ("quota", &megabytes(quota))])}
                            </p>
                        }
                    })
            }}
        </section>
    }
}
