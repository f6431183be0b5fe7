//! The table every record list uses (contacts, companies, the deals list): windowed rows, sort
//! by any column, filters (owner, territory, any field), grouping, saved views, a column
//! chooser, bulk actions and inline editing. The query itself runs in `crm-core`.

use std::collections::BTreeSet;

use crm_core::schema::FieldType;
use crm_core::{Command, FieldKey, FieldValue, Filter, FilterOp, Id, Kind, Query, Sort};
use leptos::prelude::*;

use crate::adapters::files::download;
use crate::adapters::prefs;
use crate::adapters::workspace_store::random_bytes;
use crate::components::field_editor::{FieldCell, Target, shown_value, write_text, write_value};
use crate::components::keep_alive::screen_memo;
use crate::components::menu::Menu;
use crate::components::toast::use_toasts;
use crate::components::value::href;
use crate::components::virtual_list::VirtualList;
use crate::i18n::{Msg, command_error, use_i18n};
use crate::session::use_session;

/// Pixel height of one table row (`.table-row` in the stylesheet).
const ROW_HEIGHT: f64 = 44.0;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Row {
    Group { label: String, count: usize },
    Record(Id),
}

/// A column by its stable key: a field name, or `custom-<id>`.
pub fn target_of(kind: Kind, key: &str) -> Option<Target> {
    match key.strip_prefix("custom-") {
        Some(id) => id.parse().ok().map(Target::Custom),
        None => kind.field(key).map(Target::Field),
    }
}

fn field_key(target: Target) -> FieldKey {
    match target {
        Target::Field(spec) => FieldKey::Field(spec.name.to_owned()),
        Target::Custom(id) => FieldKey::Custom(id),
    }
}

/// Fields a list can show as columns: every field but the title and bulky ones.
fn columnable(kind: Kind) -> Vec<&'static str> {
    kind.fields()
        .iter()
        .filter(|f| !matches!(f.ty, FieldType::LongText | FieldType::Stages))
        .filter(|f| !matches!(f.name, "name" | "title" | "rank"))
        .map(|f| f.name)
        .collect()
}

#[component]
pub fn RecordTable(
    kind: Kind,
    /// Columns shown until the user chooses others on this device.
    default_columns: &'static [&'static str],
    /// Extra fixed filters (the deals list shows one pipeline).
    #[prop(optional, into)]
    base_filters: Signal<Vec<Filter>>,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();

    let columns = RwSignal::new(
        prefs::load_columns(kind.collection())
            .unwrap_or_else(|| default_columns.iter().map(|c| (*c).to_owned()).collect()),
    );
    let query = RwSignal::new(default_query(kind));
    let owner = RwSignal::new(String::new());
    let territory = RwSignal::new(String::new());
    let selected = RwSignal::new(BTreeSet::<Id>::new());
    // Ids of the headers' labels, which name the value buttons of their column.
    let table_id = crate::components::unique_id();
    let header_id = move |t: Target| format!("t{table_id}-{}", t.name());
    // A row's checkbox is named "Select <the row's title>" by `aria-labelledby`: the words
    // around the title, cut once per locale from the message, and the row's title link. Its
    // own `aria-label` had to be formatted and written for every row a search keystroke
    // changed.
    let select_words = Memo::new(move |_| i18n.t_around(Msg::SelectRecord, "name"));
    let select_word_id = move |side: &str| format!("t{table_id}-sel-{side}");

    // What the toolbar and headers show, apart from the search text: a keystroke in the search
    // box changes `query` but none of these, so they do not re-render.
    let sort = Memo::new(move |_| query.with(|q| q.sort.first().cloned()));
    let trashed = Memo::new(move |_| query.with(|q| q.trashed));
    let grouped = Memo::new(move |_| query.with(|q| q.group_by.is_some()));
    let effective = Memo::new(move |_| {
        let mut q = query.get();
        q.filters.extend(base_filters.get());
        match owner.get().as_str() {
            "" => {}
            "none" => q.filters.push(Filter {
                key: FieldKey::Field(owner_field(kind).into()),
                op: FilterOp::IsEmpty,
            }),
            id => q.filters.push(Filter {
                key: FieldKey::Field(owner_field(kind).into()),
                op: FilterOp::Equals(id.to_owned()),
            }),
        }
        if !territory.get().is_empty() {
            q.filters.push(Filter {
                key: FieldKey::Territory,
                op: FilterOp::Equals(territory.get()),
            });
        }
        q
    });
    let groups = screen_memo(move || {
        let q = effective.get();
        session.with(|ws| ws.query(&q)).unwrap_or_default()
    });
    let rows = Memo::new(move |_| {
        let grouped = grouped.get();
        groups.with(|gs| {
            let mut out = Vec::with_capacity(gs.iter().map(|g| g.ids.len() + 1).sum());
            for g in gs {
                if grouped {
                    out.push(Row::Group {
                        label: g.label.clone(),
                        count: g.ids.len(),
                    });
                }
                out.extend(g.ids.iter().copied().map(Row::Record));
            }
            out
        })
    });
    // Read when "select all" is used, not on every change: at M it is a sort of 20k ids.
    let visible_ids = move || groups.with_untracked(|gs| ids_in(gs));
    // A record is in more than one group when grouped by a field with several values (tags).
    let count = Memo::new(move |_| {
        groups.with(|gs| match gs.as_slice() {
            [one] => one.ids.len(),
            many => ids_in(many).len(),
        })
    });

    let targets = Memo::new(move |_| {
        columns
            .get()
            .iter()
            .filter_map(|c| target_of(kind, c))
            .collect::<Vec<_>>()
    });
    let grid = Memo::new(move |_| {
        // One custom property on the table, read by every row's grid (style.css): rows carry
        // no inline style to parse, and share their computed style.
        format!(
            "--cols: 2.75rem minmax(12rem, 2fr) {}",
            "minmax(9rem, 1fr) ".repeat(targets.with(Vec::len))
        )
    });

    let toggle_sort = move |key: FieldKey| {
        query.update(|q| {
            let current = q
                .sort
                .first()
                .filter(|s| s.key == key)
                .map(|s| s.descending);
            q.sort = match current {
                None => vec![Sort {
                    key,
                    descending: false,
                }],
                Some(descending) => vec![Sort {
                    key,
                    descending: !descending,
                }],
            };
        })
    };
    let aria_sort = move |key: FieldKey| {
        sort.with(|s| match s {
            Some(s) if s.key == key && s.descending => "descending",
            Some(s) if s.key == key => "ascending",
            _ => "none",
        })
    };

    let title_key = FieldKey::Field(kind.fields()[0].name.to_owned());
    let header = move || {
        let title_key = title_key.clone();
        let title_key2 = title_key.clone();
        let title_key3 = title_key.clone();
        view! {
            <div class="table-row table-head" role="row" aria-rowindex=1>
                <div role="columnheader" class="cell check">
                    <input
                        type="checkbox"
                        aria-label=move || i18n.t(Msg::SelectAll)
                        prop:checked={move || count.get() > 0 && selected.with(|s| s.len() == count.get())}
                        on:change=move |ev| {
                            if event_target_checked(&ev) {
                                selected.set(visible_ids());
                            } else {
                                selected.set(BTreeSet::new());
                            }
                        }
                    />
                </div>
                <div role="columnheader" class="cell" aria-sort=move || aria_sort(title_key.clone())>
                    <button type="button" class="sort" on:click=move |_| toggle_sort(title_key2.clone())>
                        {move || i18n.field(kind.fields()[0].name)}
                        {move || sort_mark(aria_sort(title_key3.clone()))}
                    </button>
                </div>
                {move || {
                    targets
                        .get()
                        .into_iter()
                        .map(|t| {
                            let key = field_key(t);
                            let key2 = key.clone();
                            let key3 = key.clone();
                            let label = Memo::new(move |_| {
                                session.with(|ws| t.label(ws, &i18n)).unwrap_or_default()
                            });
                            view! {
                                <div role="columnheader" class="cell" aria-sort=move || aria_sort(key.clone())>
                                    <button type="button" class="sort" on:click=move |_| toggle_sort(key2.clone())>
                                        <span id=header_id(t)>{move || label.get()}</span>
                                        {move || sort_mark(aria_sort(key3.clone()))}
                                    </button>
                                </div>
                            }
                        })
                        .collect_view()
                }}
            </div>
        }
    };

    let record_cells = move |id: Signal<Id>| {
        let link_id = format!("t{table_id}-r{}", crate::components::unique_id());
        let select_by = format!("{} {link_id} {}", select_word_id("a"), select_word_id("b"));
        // Everything the row shows of its record, in one memo: the record, its title and each
        // column's value; and one effect that writes what changed into the row's link and
        // value buttons. A search keystroke gives every row on view another record: a memo and
        // an effect per cell were nodes for the reactive graph to mark, wake, check and
        // re-subscribe, 150 of them for the rows on view (BENCHMARKS.md, issue 4).
        let shown = screen_memo(move || {
            let id = id.get();
            targets.with(|ts| {
                session
                    .with_reads(|ws| {
                        let title = ws.get(kind, id).map(|r| r.title().to_owned());
                        let values = ts
                            .iter()
                            .map(|t| shown_value(ws, &i18n, kind, id, *t))
                            .collect::<Vec<_>>();
                        RowShown {
                            id,
                            title: title.unwrap_or_default(),
                            values,
                        }
                    })
                    .unwrap_or(RowShown {
                        id,
                        title: String::new(),
                        values: Vec::new(),
                    })
            })
        });
        let link = NodeRef::<leptos::html::A>::new();
        // The value buttons of the cells built for the columns now shown.
        let buttons = StoredValue::new(Vec::<NodeRef<leptos::html::Button>>::new());
        // The first run only notes what the row was built with. Kept as long as the row.
        StoredValue::new(RenderEffect::new(move |before: Option<RowShown>| {
            let now = shown.get();
            if let Some(before) = before {
                write_row(kind, &before, &now, link, &buttons.get_value());
            }
            now
        }));
        let first = shown.get_untracked();
        view! {
            <div role="cell" class="cell check">
                // autocomplete="off": on each navigation's pushState Chromium saves into the
                // history entry the state of every form control not marked so, a cost that
                // grows with the rows kept on screens away (BENCHMARKS.md, issue 4).
                <input
                    type="checkbox"
                    autocomplete="off"
                    aria-labelledby=select_by
                    prop:checked=move || selected.with(|s| s.contains(&id.get()))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        let id = id.get_untracked();
                        selected.update(|s| {
                            if on {
                                s.insert(id);
                            } else {
                                s.remove(&id);
                            }
                        });
                    }
                />
            </div>
            <div role="cell" class="cell title-cell">
                <a id=link_id node_ref=link href=href(kind, first.id).unwrap_or_default()>{first.title}</a>
            </div>
            {move || {
                let cells = targets
                    .get()
                    .into_iter()
                    .enumerate()
                    .map(|(j, t)| {
                        let value = Signal::derive(move || {
                            shown.with(|s| s.values.get(j).cloned().flatten())
                        });
                        (t, value, NodeRef::new())
                    })
                    .collect::<Vec<_>>();
                buttons.set_value(cells.iter().map(|c| c.2).collect());
                cells
                    .into_iter()
                    .map(|(t, value, text)| {
                        view! { <FieldCell kind=kind id=id target=t header=header_id(t) value=value text=text /> }
                    })
                    .collect_view()
            }}
        }
    };

    // A row is a slot (`VirtualList`): it shows a group's heading or a record, and later
    // whatever is at its place. The row itself (a `.table-row`) is the grid: its cells go
    // straight in.
    let row_view = move |row: Signal<Row>| {
        // Whether the slot shows a group's heading or a record is the one change that rebuilds
        // it; otherwise the heading or the cells follow the row itself, with no memo of their
        // own in between (each was one more node to mark and check, for every row on view, at
        // each search keystroke).
        let is_group = Memo::new(move |_| row.with(|r| matches!(r, Row::Group { .. })));
        let record_of = |r: &Row| match r {
            Row::Record(id) => Some(*id),
            Row::Group { .. } => None,
        };
        move || {
            if is_group.get() {
                view! {
                    <div role="cell" class="cell group-label">
                        {move || {
                            row.with(|r| match r {
                                Row::Group { label, count } => {
                                    let label = if label.is_empty() { i18n.t(Msg::NoValue) } else { label.clone() };
                                    let count = crate::i18n::intl::format_number(i18n.locale(), *count as f64);
                                    Some(format!("{label} · {count}"))
                                }
                                Row::Record(_) => None,
                            })
                        }}
                    </div>
                }
                .into_any()
            } else {
                row.with_untracked(record_of)
                    .map(|first| {
                        record_cells(Signal::derive(move || row.with(record_of).unwrap_or(first)))
                    })
                    .into_any()
            }
        }
    };
    // ----- bulk actions -----
    let bulk_tag = RwSignal::new(String::new());
    let bulk_owner = RwSignal::new(String::new());
    let run_bulk = move |cmds: Vec<Command>, done: Msg| {
        let n = cmds.len();
        if n == 0 {
            return;
        }
        match session.apply_batch(cmds) {
            Ok(()) => {
                toasts.done(i18n.count(done, n));
                selected.set(BTreeSet::new());
            }
            Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
        }
    };
    let add_tag = move |_| {
        let tag = bulk_tag.get_untracked().trim().to_owned();
        if tag.is_empty() {
            return;
        }
        let cmds = session
            .with_untracked(|ws| crm_core::add_tag(ws, kind, selected.get_untracked(), &tag))
            .unwrap_or_default();
        bulk_tag.set(String::new());
        run_bulk(cmds, Msg::BulkTagged);
    };
    let assign = move |_| {
        let value = bulk_owner
            .get_untracked()
            .parse::<Id>()
            .ok()
            .map(FieldValue::Ref);
        let cmds = selected
            .get_untracked()
            .into_iter()
            .map(|id| Command::Update {
                kind,
                id,
                fields: vec![(owner_field(kind).into(), value.clone())],
            })
            .collect();
        run_bulk(cmds, Msg::BulkAssigned);
    };
    let trash = move |_| {
        let restore = query.with_untracked(|q| q.trashed);
        let cmds = selected
            .get_untracked()
            .into_iter()
            .map(|id| {
                if restore {
                    Command::Restore { kind, id }
                } else {
                    Command::Trash { kind, id }
                }
            })
            .collect();
        run_bulk(
            cmds,
            if restore {
                Msg::BulkRestored
            } else {
                Msg::BulkTrashed
            },
        );
    };

    // Why the list shows nothing, with the search text, and the way back to records (read
    // only while it is empty). One memo: the message read the search text beside a memo that
    // read it too, and reactive_graph then left the message as it was when the text changed.
    let no_match = Memo::new(move |_| {
        let (searched, filtered, in_trash) = query.with(|q| {
            let text = q.search.as_deref().unwrap_or_default().trim().to_owned();
            (text, !q.filters.is_empty(), q.trashed)
        });
        let why = if !searched.is_empty() {
            NoMatch::Search
        } else if filtered || !owner.get().is_empty() || !territory.get().is_empty() {
            NoMatch::Filters
        } else if in_trash {
            NoMatch::TrashEmpty
        } else {
            // Nothing live: the trash holds the list's records, or it has none yet.
            let mut trash = effective.get();
            trash.trashed = true;
            let any = session
                .with(|ws| ws.query(&trash).iter().any(|g| !g.ids.is_empty()))
                .unwrap_or(false);
            if any {
                NoMatch::AllTrashed
            } else {
                NoMatch::Nothing
            }
        };
        (why, searched)
    });
    let search_box = NodeRef::<leptos::html::Input>::new();
    let trash_box = NodeRef::<leptos::html::Input>::new();
    // The button goes with the message once records show again: focus moves to the control
    // the way back changed, not to the page's start.
    let clear = move || {
        let focus = |node: NodeRef<leptos::html::Input>| {
            if let Some(el) = node.get_untracked() {
                let _ = el.focus();
            }
        };
        match no_match.with_untracked(|n| n.0) {
            NoMatch::Search => {
                query.update(|q| q.search = None);
                focus(search_box);
            }
            NoMatch::Filters => {
                query.update(|q| q.filters.clear());
                owner.set(String::new());
                territory.set(String::new());
                focus(search_box);
            }
            NoMatch::TrashEmpty | NoMatch::AllTrashed => {
                selected.set(BTreeSet::new());
                query.update(|q| q.trashed = !q.trashed);
                focus(trash_box);
            }
            NoMatch::Nothing => {}
        }
    };

    let members = Memo::new(move |_| options_of(session, Kind::Member));
    let territories = Memo::new(move |_| options_of(session, Kind::Territory));

    view! {
        <div class="record-table" data-testid=testid>
            <div class="list-tools">
                <input
                    type="search"
                    class="search"
                    node_ref=search_box
                    data-testid="list-search"
                    aria-label=move || i18n.t(Msg::SearchList)
                    placeholder=move || i18n.t(Msg::SearchList)
                    prop:value=move || query.with(|q| q.search.clone().unwrap_or_default())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        query.update(|q| q.search = Some(v));
                    }
                />
                <label class="inline">
                    <span>{move || i18n.field(owner_field(kind))}</span>
                    <select
                        data-testid="filter-owner"
                        prop:value=move || owner.get()
                        on:change=move |ev| owner.set(event_target_value(&ev))
                    >
                        <option value="">{move || i18n.t(Msg::Anyone)}</option>
                        <option value="none">{move || i18n.t(Msg::Nobody)}</option>
                        {move || {
                            let me = session.me.get().map(|m| m.to_string());
                            members
                                .get()
                                .into_iter()
                                .map(|(id, name)| {
                                    let text = if me.as_deref() == Some(id.as_str()) {
                                        i18n.t_with(Msg::MeName, &[("name", &name)])
                                    } else {
                                        name
                                    };
                                    view! { <option value=id>{text}</option> }
                                })
                                .collect_view()
                        }}
                    </select>
                </label>
                <label class="inline">
                    <span>{move || i18n.field("territory")}</span>
                    <select
                        data-testid="filter-territory"
                        prop:value=move || territory.get()
                        on:change=move |ev| territory.set(event_target_value(&ev))
                    >
                        <option value="">{move || i18n.t(Msg::AnyTerritory)}</option>
                        {option_list(territories)}
                    </select>
                </label>
                <GroupBy kind=kind query=query />
                <label class="inline check-label">
                    <input
                        type="checkbox"
                        data-testid="show-trash"
                        node_ref=trash_box
                        prop:checked=move || trashed.get()
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            selected.set(BTreeSet::new());
                            query.update(|q| q.trashed = on);
                        }
                    />
                    <span>{move || i18n.t(Msg::ShowTrash)}</span>
                </label>
            </div>
            <div class="list-tools">
                <FilterBuilder kind=kind query=query />
                <SavedViews kind=kind query=query />
                <ColumnChooser kind=kind columns=columns />
                <ExportMenu kind=kind query=effective columns=targets />
                <a href=format!("/import?kind={}", kind.collection()) class="button" data-testid="list-import">
                    {move || i18n.t(Msg::ListImport)}
                </a>
                <p class="muted count" data-testid="list-count" aria-live="polite">
                    {move || i18n.count(Msg::RecordsCount, count.get())}
                </p>
            </div>
            <div
                class="table"
                role="table"
                style=move || grid.get()
                aria-label=move || i18n.t(kind_list_label(kind))
                aria-rowcount=move || rows.with(Vec::len) + 1
            >
                <span id=select_word_id("a") hidden>{move || select_words.with(|w| w.0.clone())}</span>
                <span id=select_word_id("b") hidden>{move || select_words.with(|w| w.1.clone())}</span>
                {header}
                <VirtualList
                    items=rows.into()
                    row_height=ROW_HEIGHT
                    row=row_view
                    table=true
                    testid="table-rows"
                />
            </div>
            <Show when=move || count.get() == 0>
                <div class="empty-state" data-testid="list-empty">
                    <p>{move || no_match.with(|(why, text)| i18n.t_with(why.message(), &[("search", text)]))}</p>
                    {move || {
                        no_match
                            .with(|n| n.0.way_back())
                            .map(|label| {
                                view! {
                                    <button type="button" class="button" data-testid="list-way-back" on:click=move |_| clear()>
                                        {move || i18n.t(label)}
                                    </button>
                                }
                            })
                    }}
                </div>
            </Show>
            // After the table, so rows never move under the pointer as it appears.
            <Show when=move || !selected.with(BTreeSet::is_empty)>
                <div class="bulk-bar" role="region" aria-label=move || i18n.t(Msg::BulkActions) data-testid="bulk-bar">
                    <strong>{move || i18n.count(Msg::SelectedCount, selected.with(BTreeSet::len))}</strong>
                    <Show when=move || !trashed.get() && kind.field("tags").is_some()>
                        <input
                            type="text"
                            data-testid="bulk-tag"
                            aria-label=move || i18n.t(Msg::TagToAdd)
                            placeholder=move || i18n.t(Msg::TagToAdd)
                            prop:value=move || bulk_tag.get()
                            on:input=move |ev| bulk_tag.set(event_target_value(&ev))
                        />
                        <button type="button" class="button" on:click=add_tag>{move || i18n.t(Msg::AddTag)}</button>
                    </Show>
                    <Show when=move || !trashed.get()>
                        <select
                            data-testid="bulk-owner"
                            aria-label=move || i18n.field(owner_field(kind))
                            on:change=move |ev| bulk_owner.set(event_target_value(&ev))
                        >
                            <option value="">{move || i18n.t(Msg::Nobody)}</option>
                            {option_list(members)}
                        </select>
                        <button type="button" class="button" on:click=assign>{move || i18n.t(Msg::Assign)}</button>
                    </Show>
                    <button type="button" class="button danger" data-testid="bulk-trash" on:click=trash>
                        {move || i18n.t(if trashed.get() { Msg::Restore } else { Msg::MoveToTrash })}
                    </button>
                    <button type="button" class="button" on:click=move |_| selected.set(BTreeSet::new())>
                        {move || i18n.t(Msg::ClearSelection)}
                    </button>
                </div>
            </Show>
        </div>
    }
}

/// Every record in the groups of a list's answer, once.
fn ids_in(groups: &[crm_core::Group]) -> BTreeSet<Id> {
    groups.iter().flat_map(|g| g.ids.iter().copied()).collect()
}

/// Why a list shows no record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoMatch {
    /// Nothing matches the search text (filters may narrow it too).
    Search,
    /// Nothing matches the filters (the owner, the territory or added ones).
    Filters,
    /// The trash is on view and empty.
    TrashEmpty,
    /// Every record of the list is in the trash.
    AllTrashed,
    /// The list has no record yet (a pipeline without deals).
    Nothing,
}

impl NoMatch {
    fn message(self) -> Msg {
        match self {
            NoMatch::Search => Msg::ListNoMatchSearch,
            NoMatch::Filters => Msg::ListNoMatch,
            NoMatch::TrashEmpty => Msg::ListTrashEmpty,
            NoMatch::AllTrashed => Msg::ListAllTrashed,
            NoMatch::Nothing => Msg::ListNothing,
        }
    }

    /// What the button that leads back to records says, if there is a way back.
    fn way_back(self) -> Option<Msg> {
        match self {
            NoMatch::Search => Some(Msg::ListClearSearch),
            NoMatch::Filters => Some(Msg::ListClearFilters),
            NoMatch::TrashEmpty => Some(Msg::ListLeaveTrash),
            NoMatch::AllTrashed => Some(Msg::ListOpenTrash),
            NoMatch::Nothing => None,
        }
    }
}

/// What a table row shows of its record.
#[derive(Debug, Clone, PartialEq)]
struct RowShown {
    id: Id,
    title: String,
    /// Each column's value as shown, in the order of the columns.
    values: Vec<Option<String>>,
}

/// Writes into a row's link and value buttons what changed from `before` to `now`. The
/// buttons were built showing the values of their moment, which `before` may not know of (a
/// column added, an editor closed); what `now` shows differently from `before` is written to
/// them all the same.
fn write_row(
    kind: Kind,
    before: &RowShown,
    now: &RowShown,
    link: NodeRef<leptos::html::A>,
    buttons: &[NodeRef<leptos::html::Button>],
) {
    if let Some(a) = link.get_untracked() {
        if before.id != now.id {
            a.set_href(&href(kind, now.id).unwrap_or_default());
        }
        if before.title != now.title {
            write_text(&a, &now.title);
        }
    }
    fn value(row: &RowShown, j: usize) -> Option<&str> {
        row.values.get(j).and_then(|v| v.as_deref())
    }
    for (j, button) in buttons.iter().enumerate() {
        let (was, is) = (value(before, j), value(now, j));
        if was != is
            && let Some(b) = button.get_untracked()
        {
            write_value(&b, was, is);
        }
    }
}

/// What a list shows before anyone filters it: every live record by its title.
fn default_query(kind: Kind) -> Query {
    Query {
        sort: vec![Sort {
            key: FieldKey::Field(kind.fields()[0].name.to_owned()),
            descending: false,
        }],
        ..Query::new(kind)
    }
}

fn sort_mark(sort: &str) -> &'static str {
    match sort {
        "ascending" => " ▲",
        "descending" => " ▼",
        _ => "",
    }
}

/// Which field says who is responsible for a record of `kind`.
pub fn owner_field(kind: Kind) -> &'static str {
    match kind {
        Kind::Task => "assignee",
        Kind::Activity => "author",
        _ => "owner",
    }
}

fn kind_list_label(kind: Kind) -> Msg {
    match kind {
        Kind::Company => Msg::NavCompanies,
        Kind::Deal => Msg::NavDeals,
        Kind::Task => Msg::NavTasks,
        _ => Msg::NavContacts,
    }
}

/// Live records of `kind` as (id, title) for a select, by title.
pub fn options_of(session: crate::session::Session, kind: Kind) -> Vec<(String, String)> {
    let mut out = session
        .with(|ws| {
            ws.live(kind)
                .map(|r| (r.id.to_string(), r.title().to_owned()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

/// Column keys and labels a user can pick for `kind`: the columnable fields (and the title
/// field when `with_title`), then the custom fields.
fn field_choices(
    session: crate::session::Session,
    i18n: crate::i18n::I18n,
    kind: Kind,
    with_title: bool,
) -> Vec<(String, String)> {
    let title = with_title.then_some(kind.fields()[0].name);
    let mut out: Vec<(String, String)> = title
        .into_iter()
        .chain(columnable(kind))
        .map(|f| (f.to_owned(), i18n.field(f)))
        .collect();
    session.with(|ws| {
        for def in ws.custom_fields(kind) {
            out.push((
                format!("custom-{def}"),
                Target::Custom(def).label(ws, &i18n),
            ));
        }
    });
    out
}

/// `<option>`s for records listed by `options_of`, kept current.
pub fn option_list(items: Memo<Vec<(String, String)>>) -> impl IntoView {
    move || {
        items
            .get()
            .into_iter()
            .map(|(id, name)| view! { <option value=id>{name}</option> })
            .collect_view()
    }
}

#[component]
fn GroupBy(kind: Kind, query: RwSignal<Query>) -> impl IntoView {
    let i18n = use_i18n();
    // Not re-rendered by a search keystroke, which changes only the query's text.
    let group_by = Memo::new(move |_| query.with(|q| q.group_by.clone()));
    let fields: Vec<&'static str> = kind
        .fields()
        .iter()
        .filter(|f| {
            matches!(
                f.ty,
                FieldType::Choice(_) | FieldType::Ref(_) | FieldType::Tags | FieldType::Text
            )
        })
        .filter(|f| !matches!(f.name, "name" | "title" | "rank" | "lost_reason"))
        .map(|f| f.name)
        .collect();
    view! {
        <label class="inline">
            <span>{move || i18n.t(Msg::GroupBy)}</span>
            <select
                data-testid="group-by"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    query.update(|q| q.group_by = (!v.is_empty()).then_some(FieldKey::Field(v)));
                }
            >
                <option value="">{move || i18n.t(Msg::NoGrouping)}</option>
                {fields
                    .into_iter()
                    .map(|f| {
                        let selected = move || {
                            group_by.with(|g| *g == Some(FieldKey::Field(f.to_owned())))
                        };
                        view! { <option value=f selected=selected>{move || i18n.field(f)}</option> }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Any field, an operator and a value; active filters show as removable chips.
#[component]
fn FilterBuilder(kind: Kind, query: RwSignal<Query>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let field = RwSignal::new(String::new());
    let op = RwSignal::new("contains".to_owned());
    let value = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(target) = target_of(kind, &field.get_untracked()) else {
            return;
        };
        let v = value.get_untracked();
        let op = match op.get_untracked().as_str() {
            "equals" => FilterOp::Equals(v),
            "empty" => FilterOp::IsEmpty,
            "not_empty" => FilterOp::NotEmpty,
            "at_least" => FilterOp::AtLeast(v),
            "at_most" => FilterOp::AtMost(v),
            _ => FilterOp::Contains(v),
        };
        query.update(|q| {
            q.filters.push(Filter {
                key: field_key(target),
                op,
            })
        });
        value.set(String::new());
    };
    let all_fields = Memo::new(move |_| field_choices(session, i18n, kind, true));
    let chip_text = move |f: &Filter| {
        let name = match &f.key {
            FieldKey::Field(n) => i18n.field(n),
            FieldKey::Custom(id) => session
                .with(|ws| Target::Custom(*id).label(ws, &i18n))
                .unwrap_or_default(),
            FieldKey::CreatedAt => i18n.t(Msg::CreatedAt),
            FieldKey::Territory => i18n.field("territory"),
        };
        let (op, v) = match &f.op {
            FilterOp::IsEmpty => (i18n.t(Msg::OpEmpty), String::new()),
            FilterOp::NotEmpty => (i18n.t(Msg::OpNotEmpty), String::new()),
            FilterOp::Equals(v) => (i18n.t(Msg::OpEquals), v.clone()),
            FilterOp::Contains(v) => (i18n.t(Msg::OpContains), v.clone()),
            FilterOp::AtLeast(v) => (i18n.t(Msg::OpAtLeast), v.clone()),
            FilterOp::AtMost(v) => (i18n.t(Msg::OpAtMost), v.clone()),
        };
        format!("{name} {op} {v}")
    };
    view! {
        <Menu label=Signal::derive(move || i18n.t(Msg::AddFilter))>
            <form class="menu-body fields" on:submit=add>
                <label>
                    <span>{move || i18n.t(Msg::Field)}</span>
                    <select data-testid="filter-field" on:change=move |ev| field.set(event_target_value(&ev))>
                        <option value="">"—"</option>
                        {move || {
                            all_fields
                                .get()
                                .into_iter()
                                .map(|(k, l)| view! { <option value=k>{l}</option> })
                                .collect_view()
                        }}
                    </select>
                </label>
                <label>
                    <span>{move || i18n.t(Msg::Condition)}</span>
                    <select data-testid="filter-op" on:change=move |ev| op.set(event_target_value(&ev))>
                        <option value="contains">{move || i18n.t(Msg::OpContains)}</option>
                        <option value="equals">{move || i18n.t(Msg::OpEquals)}</option>
                        <option value="at_least">{move || i18n.t(Msg::OpAtLeast)}</option>
                        <option value="at_most">{move || i18n.t(Msg::OpAtMost)}</option>
                        <option value="empty">{move || i18n.t(Msg::OpEmpty)}</option>
                        <option value="not_empty">{move || i18n.t(Msg::OpNotEmpty)}</option>
                    </select>
                </label>
                <label>
                    <span>{move || i18n.t(Msg::Value)}</span>
                    <input
                        type="text"
                        data-testid="filter-value"
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="button primary">{move || i18n.t(Msg::Apply)}</button>
            </form>
        </Menu>
        <ul class="chips" aria-label=move || i18n.t(Msg::ActiveFilters)>
            {move || {
                query
                    .get()
                    .filters
                    .iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let text = chip_text(f);
                        let text2 = text.clone();
                        view! {
                            <li class="chip">
                                <span>{text}</span>
                                <button
                                    type="button"
                                    class="icon-button small"
                                    aria-label=move || i18n.t_with(Msg::RemoveFilter, &[("filter", &text2)])
                                    on:click=move |_| query.update(|q| {
                                        if i < q.filters.len() {
                                            q.filters.remove(i);
                                        }
                                    })
                                >
                                    "×"
                                </button>
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
    }
}

/// Saved views of this kind: pick one to load its query, or save the current one by name.
#[component]
fn SavedViews(kind: Kind, query: RwSignal<Query>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(String::new());
    let views = Memo::new(move |_| {
        session
            .with(|ws| {
                let mut v: Vec<(Id, String, String)> = ws
                    .live(Kind::SavedView)
                    .filter(|r| r.text("record_kind") == Some(kind.collection()))
                    .map(|r| {
                        (
                            r.id,
                            r.title().to_owned(),
                            r.text("query").unwrap_or_default().to_owned(),
                        )
                    })
                    .collect();
                v.sort_by(|a, b| a.1.cmp(&b.1));
                v
            })
            .unwrap_or_default()
    });
    let load = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        chosen.set(id.clone());
        if id.is_empty() {
            query.set(default_query(kind));
            return;
        }
        let Some((_, _, json)) =
            views.with_untracked(|v| v.iter().find(|x| x.0.to_string() == id).cloned())
        else {
            return;
        };
        match Query::from_json(&json) {
            Ok(q) if q.kind == kind => query.set(q),
            Ok(_) => {}
            Err(e) => toasts.error(e),
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let cmd = query
            .get_untracked()
            .save_as(Id::from_bytes(random_bytes()), &name.get_untracked());
        match session.apply(cmd) {
            Ok(()) => {
                toasts.done(i18n.t_with(Msg::ViewSaved, &[("name", &name.get_untracked())]));
                name.set(String::new());
            }
            Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
        }
    };
    let delete = move |_| {
        let Ok(id) = chosen.get_untracked().parse::<Id>() else {
            return;
        };
        match session.apply(Command::Trash {
            kind: Kind::SavedView,
            id,
        }) {
            Ok(()) => {
                chosen.set(String::new());
                toasts.done(i18n.t(Msg::ViewDeleted));
            }
            Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
        }
    };
    view! {
        <label class="inline">
            <span>{move || i18n.t(Msg::SavedViews)}</span>
            <select data-testid="saved-views" on:change=load prop:value=move || chosen.get()>
                <option value="">{move || i18n.t(Msg::AllRecords)}</option>
                {move || {
                    views
                        .get()
                        .into_iter()
                        .map(|(id, n, _)| view! { <option value=id.to_string()>{n}</option> })
                        .collect_view()
                }}
            </select>
        </label>
        <Show when=move || !chosen.get().is_empty()>
            <button type="button" class="button" on:click=delete>{move || i18n.t(Msg::DeleteView)}</button>
        </Show>
        <Menu label=Signal::derive(move || i18n.t(Msg::SaveView))>
            <form class="menu-body fields" on:submit=save>
                <label>
                    <span>{move || i18n.t(Msg::ViewName)}</span>
                    <input
                        type="text"
                        required=true
                        data-testid="view-name"
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" class="button primary">{move || i18n.t(Msg::Save)}</button>
            </form>
        </Menu>
    }
}

#[component]
fn ColumnChooser(kind: Kind, columns: RwSignal<Vec<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let all = Memo::new(move |_| field_choices(session, i18n, kind, false));
    view! {
        <Menu label=Signal::derive(move || i18n.t(Msg::Columns))>
            <fieldset class="menu-body column-chooser">
                <legend class="visually-hidden">{move || i18n.t(Msg::Columns)}</legend>
                {move || {
                    all.get()
                        .into_iter()
                        .map(|(key, label)| {
                            let k = key.clone();
                            let checked = move || columns.with(|c| c.contains(&k));
                            view! {
                                <label class="check-label">
                                    <input
                                        type="checkbox"
                                        prop:checked=checked
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            columns.update(|c| {
                                                c.retain(|x| x != &key);
                                                if on {
                                                    c.push(key.clone());
                                                }
                                            });
                                            prefs::save_columns(kind.collection(), &columns.get_untracked());
                                        }
                                    />
                                    <span>{label}</span>
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </fieldset>
        </Menu>
    }
}

/// The list as shown (its filters, search, sort and columns) to a CSV file, and contacts to
/// vCard 4.0.
#[component]
fn ExportMenu(kind: Kind, query: Memo<Query>, columns: Memo<Vec<Target>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let report = move |e: String| session.problems.update(|p| p.push(e));
    let csv = move |_| {
        let mut keys = vec![FieldKey::Field(kind.fields()[0].name.to_owned())];
        keys.extend(columns.get_untracked().into_iter().map(field_key));
        let q = query.get_untracked();
        if let Some(text) = session.with_untracked(|ws| crm_core::import::export_csv(ws, &q, &keys))
            && let Err(e) = download(
                &format!("{}.csv", kind.collection()),
                text.as_bytes(),
                "text/csv",
            )
        {
            report(e);
        }
    };
    let vcard = move |_| {
        let q = query.get_untracked();
        let text = session.with_untracked(|ws| {
            let ids = ws.query(&q).into_iter().flat_map(|g| g.ids);
            crm_core::import::write_vcards(ws, ids)
        });
        if let Some(text) = text
            && let Err(e) = download("contacts.vcf", text.as_bytes(), "text/vcard")
        {
            report(e);
        }
    };
    view! {
        <Menu label=Signal::derive(move || i18n.t(Msg::ListExport))>
            <div class="menu-body">
                <button type="button" class="button" data-testid="export-csv" on:click=csv>
                    {move || i18n.t(Msg::ExportCsvView)}
                </button>
                <Show when=move || kind == Kind::Contact>
                    <button type="button" class="button" data-testid="export-vcard" on:click=vcard>
                        {move || i18n.t(Msg::ExportVcard)}
                    </button>
                </Show>
            </div>
        </Menu>
    }
}
