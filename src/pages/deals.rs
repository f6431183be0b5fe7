//! /deals — a kanban board per pipeline (or a list), with column totals; deals move by drag
//! and drop, by keyboard (Space to pick up, arrows, Space to drop, Escape to cancel, announced
//! in a live region) or by a "Move to stage" menu; win and lose with a reason; a pipeline editor.

use crm_core::pipeline::{Stage, stages, stages_value};
use crm_core::{BoardFilter, Command, FieldKey, FieldValue, Filter, FilterOp, Id, Kind};
use leptos::prelude::*;

use crate::adapters::workspace_store::random_bytes;
use crate::components::after_paint;
use crate::components::icons::Icon;
use crate::components::keep_alive::screen_memo;
use crate::components::page::{EmptyState, Page};
use crate::components::picker::RecordPicker;
use crate::components::toast::use_toasts;
use crate::components::value::href;
use crate::i18n::intl::{format_money, format_number};
use crate::i18n::{Msg, command_error, use_i18n};
use crate::pages::records::table::{RecordTable, option_list, options_of};
use crate::session::use_session;

const LIST_COLUMNS: &[&str] = &[
    "company",
    "stage",
    "value",
    "probability",
    "expected_close",
    "owner",
    "status",
];

/// Cards rendered per column before "Show more": a column of thousands stays quick to draw,
/// and the board opens within a frame (about two screens of cards; 25 took 1.5 ms more at M).
const CARDS_PER_COLUMN: usize = 12;

/// A deal picked up with the keyboard, and where it would land.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Picked {
    deal: Id,
    column: usize,
    index: usize,
}

fn stage_id() -> String {
    random_bytes()[..4]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[component]
pub fn Deals() -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let pipelines = Memo::new(move |_| options_of(session, Kind::Pipeline));
    let chosen = RwSignal::new(None::<Id>);
    let pipeline = Memo::new(move |_| {
        let list = pipelines.get();
        chosen
            .get()
            .filter(|c| list.iter().any(|(id, _)| *id == c.to_string()))
            .or_else(|| list.first().and_then(|(id, _)| id.parse().ok()))
    });
    let as_list = RwSignal::new(false);
    let editing = RwSignal::new(false);

    let create_pipeline = move |_| {
        let names = [
            (Msg::StageLead, 10),
            (Msg::StageQualified, 25),
            (Msg::StageProposal, 50),
            (Msg::StageNegotiation, 75),
        ];
        let stages: Vec<Stage> = names
            .iter()
            .enumerate()
            .map(|(i, (m, p))| Stage::new(stage_id(), i18n.t(*m), *p, i as i64))
            .collect();
        let id = Id::from_bytes(random_bytes());
        let cmd = Command::Create {
            kind: Kind::Pipeline,
            id,
            fields: vec![
                (
                    "name".into(),
                    FieldValue::text(i18n.t(Msg::PipelineDefaultName)),
                ),
                ("stages".into(), stages_value(&stages)),
            ],
            custom: vec![],
        };
        match session.apply(cmd) {
            Ok(()) => chosen.set(Some(id)),
            Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
        }
    };

    view! {
        <Page title=Msg::NavDeals>
            <Show
                when=move || pipeline.get().is_some()
                fallback=move || view! {
                    <EmptyState icon=Icon::Deals text=Msg::DealsEmpty />
                    <button type="button" class="button primary" data-testid="create-pipeline" on:click=create_pipeline>
                        {move || i18n.t(Msg::CreatePipeline)}
                    </button>
                }
            >
                <div class="list-tools">
                    <label class="inline">
                        <span>{move || i18n.field("pipeline")}</span>
                        <select
                            data-testid="pipeline-select"
                            on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())
                        >
                            {move || {
                                let current = pipeline.get().map(|p| p.to_string());
                                pipelines
                                    .get()
                                    .into_iter()
                                    .map(|(id, name)| {
                                        let selected = current.as_deref() == Some(id.as_str());
                                        view! { <option value=id selected=selected>{name}</option> }
                                    })
                                    .collect_view()
                            }}
                        </select>
                    </label>
                    <div class="segmented" role="group" aria-label=move || i18n.t(Msg::ViewAs)>
                        <button type="button" class="button" aria-pressed=move || (!as_list.get()).to_string() on:click=move |_| as_list.set(false)>
                            {move || i18n.t(Msg::Board)}
                        </button>
                        <button type="button" class="button" data-testid="deals-as-list" aria-pressed=move || as_list.get().to_string() on:click=move |_| as_list.set(true)>
                            {move || i18n.t(Msg::List)}
                        </button>
                    </div>
                    <button type="button" class="button" data-testid="edit-pipeline" aria-expanded=move || editing.get().to_string() on:click=move |_| editing.update(|e| *e = !*e)>
                        {move || i18n.t(Msg::EditPipeline)}
                    </button>
                    <button type="button" class="button" on:click=create_pipeline>{move || i18n.t(Msg::NewPipeline)}</button>
                </div>
                {move || pipeline.get().map(|p| view! {
                    <Show when=move || editing.get()>
                        <PipelineEditor pipeline=p />
                    </Show>
                    <AddDeal pipeline=p />
                    <Show
                        when=move || as_list.get()
                        fallback=move || view! { <Board pipeline=p /> }
                    >
                        <RecordTable
                            kind=Kind::Deal
                            default_columns=LIST_COLUMNS
                            base_filters=Signal::derive(move || vec![Filter {
                                key: FieldKey::Field("pipeline".into()),
                                op: FilterOp::Equals(p.to_string()),
                            }])
                            testid="deal-table"
                        />
                    </Show>
                })}
            </Show>
        </Page>
    }
}

#[component]
fn AddDeal(pipeline: Id) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let title = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let company = RwSignal::new(None::<Id>);
    let error = RwSignal::new(None::<String>);
    let company_name = Memo::new(move |_| {
        company.get().and_then(|c| {
            session
                .with(|ws| ws.get(Kind::Company, c).map(|r| r.title().to_owned()))
                .flatten()
        })
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let result = session.with_untracked(|ws| {
            let first = ws
                .get(Kind::Pipeline, pipeline)
                .and_then(|p| stages(p).into_iter().next());
            let currency = ws.default_currency();
            let value = crm_core::form::parse_input(
                "value",
                crm_core::FieldType::Money,
                &amount.get_untracked(),
                currency,
            );
            (first, value, currency)
        });
        let Some((first, value, currency)) = result else {
            return;
        };
        let value = match value {
            Ok(Some(v)) => v,
            Ok(None) => FieldValue::Money(crm_core::Money { minor: 0, currency }),
            Err(e) => {
                error.set(Some(crate::i18n::field_error(i18n.locale_untracked(), &e)));
                return;
            }
        };
        let Some(first) = first else { return };
        let mut fields = vec![
            ("title".to_owned(), FieldValue::text(title.get_untracked())),
            ("pipeline".to_owned(), FieldValue::Ref(pipeline)),
            ("stage".to_owned(), FieldValue::text(first.id)),
            ("value".to_owned(), value),
            ("status".to_owned(), FieldValue::text("open")),
        ];
        if let Some(c) = company.get_untracked() {
            fields.push(("company".into(), FieldValue::Ref(c)));
        }
        if let Some(me) = session.me.get_untracked() {
            fields.push(("owner".into(), FieldValue::Ref(me)));
        }
        let cmd = Command::Create {
            kind: Kind::Deal,
            id: Id::from_bytes(random_bytes()),
            fields,
            custom: vec![],
        };
        match session.apply(cmd) {
            Ok(()) => {
                toasts.done(i18n.t_with(Msg::DealAdded, &[("name", &title.get_untracked())]));
                title.set(String::new());
                amount.set(String::new());
                company.set(None);
                error.set(None);
            }
            Err(e) => error.set(Some(command_error(i18n.locale_untracked(), &e))),
        }
    };
    view! {
        <form class="card quick-add" on:submit=add aria-labelledby="add-deal-title">
            <h2 id="add-deal-title">{move || i18n.t(Msg::AddDeal)}</h2>
            <div class="fields">
                <label>
                    <span>{move || i18n.field("title")}</span>
                    <input type="text" required=true name="title" prop:value=move || title.get() on:input=move |ev| title.set(event_target_value(&ev)) />
                </label>
                <label class="narrow">
                    <span>{move || i18n.field("value")}</span>
                    <input type="text" inputmode="decimal" name="value" size=10 prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev)) />
                </label>
                <div class="picker-field">
                    <span class="field-label">{move || i18n.field("company")}</span>
                    <Show
                        when=move || company_name.get().is_some()
                        fallback=move || view! {
                            <RecordPicker kind=Kind::Company label=Signal::derive(move || i18n.field("company")) on_pick=Callback::new(move |c| company.set(Some(c))) />
                        }
                    >
                        <span class="chip">
                            {move || company_name.get()}
                            <button type="button" class="icon-button small" aria-label=move || i18n.t(Msg::Clear) on:click=move |_| company.set(None)>"×"</button>
                        </span>
                    </Show>
                </div>
                <button type="submit" class="button primary">{move || i18n.t(Msg::AddDeal)}</button>
            </div>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </form>
    }
}

#[component]
fn Board(pipeline: Id) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let owner = RwSignal::new(String::new());
    let territory = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let board = screen_memo(move || {
        let filter = BoardFilter {
            owner: owner.get().parse().ok(),
            territory: territory.get().parse().ok(),
            search: Some(search.get()).filter(|s| !s.trim().is_empty()),
        };
        session.with(|ws| ws.board(pipeline, &filter)).flatten()
    });
    let picked = RwSignal::new(None::<Picked>);
    // A dropped deal shown where it landed until its change is written: the drop paints in the
    // next frame and the write (tens of milliseconds in a large workspace) follows it.
    let landing = RwSignal::new(None::<Picked>);
    let dragging = RwSignal::new(None::<Id>);
    let announce = RwSignal::new(String::new());

    // The columns as shown: a deal picked up with the keyboard appears where it would land.
    let columns = Memo::new(move |_| {
        let Some(b) = board.get() else {
            return Vec::new();
        };
        let mut cols: Vec<(Stage, Vec<Id>)> = b
            .columns
            .iter()
            .map(|c| (c.stage.clone(), c.deals.clone()))
            .collect();
        if let Some(p) = picked.get().or(landing.get()) {
            for (_, deals) in cols.iter_mut() {
                deals.retain(|d| *d != p.deal);
            }
            if let Some((_, deals)) = cols.get_mut(p.column) {
                let i = p.index.min(deals.len());
                deals.insert(i, p.deal);
            }
        }
        cols
    });
    let title_of = move |id: Id| {
        session
            .with_untracked(|ws| ws.get(Kind::Deal, id).map(|r| r.title().to_owned()))
            .flatten()
            .unwrap_or_default()
    };
    let describe_position = move |p: Picked| {
        columns.with_untracked(|cols| {
            let (stage, deals) = &cols[p.column.min(cols.len().saturating_sub(1))];
            i18n.t_with(
                Msg::DragPosition,
                &[
                    ("name", &title_of(p.deal)),
                    ("stage", &stage.name),
                    (
                        "position",
                        &format_number(i18n.locale_untracked(), (p.index + 1) as f64),
                    ),
                    (
                        "total",
                        &format_number(i18n.locale_untracked(), deals.len() as f64),
                    ),
                ],
            )
        })
    };
    let place = move |deal: Id, stage: String, index: usize| {
        let cmds = session
            .with_untracked(|ws| ws.place_deal(deal, &stage, index))
            .unwrap_or_default();
        if cmds.is_empty() {
            return;
        }
        match session.apply_batch(cmds) {
            Ok(()) => toasts.done(i18n.t_with(Msg::DealMoved, &[("name", &title_of(deal))])),
            Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
        }
    };
    let place_soon = move |deal: Id, stage: String, index: usize| {
        let column = columns.with_untracked(|cols| cols.iter().position(|(s, _)| s.id == stage));
        if let Some(column) = column {
            landing.set(Some(Picked {
                deal,
                column,
                index,
            }));
        }
        after_paint(move || {
            place(deal, stage, index);
            landing.set(None);
        });
    };
    let rtl = move || i18n.locale().dir() == crate::i18n::Direction::Rtl;

    let card_keys = move |deal: Id, ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        match (picked.get_untracked(), key.as_str()) {
            (None, " ") => {
                ev.prevent_default();
                // The board's window listener must not see this press as the drop.
                ev.stop_propagation();
                let pos = columns.with_untracked(|cols| {
                    cols.iter()
                        .enumerate()
                        .find_map(|(c, (_, ds))| ds.iter().position(|d| *d == deal).map(|i| (c, i)))
                });
                if let Some((column, index)) = pos {
                    let p = Picked {
                        deal,
                        column,
                        index,
                    };
                    picked.set(Some(p));
                    announce.set(format!(
                        "{} {}",
                        i18n.t_with(Msg::DragPicked, &[("name", &title_of(deal))]),
                        describe_position(p)
                    ));
                }
            }
            (Some(p), "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown") => {
                ev.prevent_default();
                let n_cols = columns.with_untracked(Vec::len);
                let forward = if rtl() { "ArrowLeft" } else { "ArrowRight" };
                let mut next = p;
                match key.as_str() {
                    "ArrowUp" => next.index = p.index.saturating_sub(1),
                    "ArrowDown" => {
                        let len = columns.with_untracked(|c| c[p.column].1.len());
                        next.index = (p.index + 1).min(len.saturating_sub(1));
                    }
                    k if k == forward => {
                        if p.column + 1 < n_cols {
                            next.column = p.column + 1;
                        }
                    }
                    _ => next.column = p.column.saturating_sub(1),
                }
                if next.column != p.column {
                    let len = columns.with_untracked(|c| c[next.column].1.len());
                    next.index = p.index.min(len);
                }
                picked.set(Some(next));
                announce.set(describe_position(next));
                focus_card(deal);
            }
            (Some(p), " " | "Enter") => {
                ev.prevent_default();
                let stage = columns.with_untracked(|c| c[p.column].0.clone());
                picked.set(None);
                announce.set(i18n.t_with(
                    Msg::DragDropped,
                    &[("name", &title_of(deal)), ("stage", &stage.name)],
                ));
                place_soon(deal, stage.id, p.index);
                focus_card(deal);
            }
            (Some(_), "Escape") => {
                ev.prevent_default();
                ev.stop_propagation();
                picked.set(None);
                announce.set(i18n.t_with(Msg::DragCancelled, &[("name", &title_of(deal))]));
                focus_card(deal);
            }
            _ => {}
        }
    };

    // While a deal is picked up the keys steer it wherever focus is: the card is re-rendered in
    // its new place as it moves, and a key pressed before focus follows must not be lost.
    let steer = window_event_listener(leptos::ev::keydown, move |ev| {
        if let Some(p) = picked.get_untracked() {
            card_keys(p.deal, ev);
        }
    });
    on_cleanup(move || steer.remove());
    // The board is kept while the user is elsewhere (`keep_alive`): leaving it puts down a card
    // picked up with the keyboard, as Escape would, so no key on another screen steers it.
    if let Some(screen) = crate::components::keep_alive::use_screen() {
        // `try_set`: a board of another pipeline shown since has disposed these.
        screen.on_hide(move || {
            picked.try_set(None);
            dragging.try_set(None);
        });
    }

    let members = Memo::new(move |_| options_of(session, Kind::Member));
    let territories = Memo::new(move |_| options_of(session, Kind::Territory));

    view! {
        <div class="list-tools">
            <input type="search" class="search" data-testid="board-search"
                aria-label=move || i18n.t(Msg::SearchList) placeholder=move || i18n.t(Msg::SearchList)
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
            <label class="inline">
                <span>{move || i18n.field("owner")}</span>
                <select data-testid="board-owner" on:change=move |ev| owner.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Msg::Anyone)}</option>
                    {option_list(members)}
                </select>
            </label>
            <label class="inline">
                <span>{move || i18n.field("territory")}</span>
                <select data-testid="board-territory" on:change=move |ev| territory.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Msg::AnyTerritory)}</option>
                    {option_list(territories)}
                </select>
            </label>
        </div>
        <p id="board-help" class="visually-hidden">{move || i18n.t(Msg::DragHelp)}</p>
        <div class="visually-hidden" role="status" aria-live="polite" data-testid="board-live">{move || announce.get()}</div>
        <div class="board" data-testid="board">
            // Columns are keyed by their stage and cards by their deal, so a move re-renders
            // the two cards' neighbourhood, not the board.
            <For
                each={move || {
                    columns.with(|cols| {
                        cols.iter().enumerate().map(|(i, (s, _))| (i, s.clone())).collect::<Vec<_>>()
                    })
                }}
                key=|(i, s)| (*i, s.id.clone(), s.name.clone(), s.probability)
                children=move |(ci, stage)| {
                    let heading = format!("col-{}", stage.id);
                    let labelled_by = heading.clone();
                    let stage_id = stage.id.clone();
                    let stage_drop = stage.id.clone();
                    let shown = RwSignal::new(CARDS_PER_COLUMN);
                    let deals = Memo::new(move |_| {
                        columns.with(|cols| cols.get(ci).map(|(_, d)| d.clone()).unwrap_or_default())
                    });
                    // The first `shown` cards, plus a picked-up card steered further down.
                    let visible = Memo::new(move |_| {
                        let limit = shown.get();
                        deals.with(|d| {
                            let mut v: Vec<Id> = d.iter().copied().take(limit).collect();
                            if let Some(p) = picked.get()
                                && p.column == ci
                                && !v.contains(&p.deal)
                            {
                                v.push(p.deal);
                            }
                            v
                        })
                    });
                    let hidden = move || deals.with(Vec::len).saturating_sub(visible.with(Vec::len));
                    let totals = Memo::new(move |_| {
                        board.with(|b| {
                            b.as_ref().and_then(|b| {
                                let c = b.columns.iter().find(|c| c.stage.id == stage_id)?;
                                let loc = i18n.locale();
                                let mut text = i18n.t_with(
                                    Msg::ColumnTotals,
                                    &[
                                        ("count", &format_number(loc, c.deals.len() as f64)),
                                        ("sum", &format_money(loc, c.sum, &b.currency)),
                                        ("weighted", &format_money(loc, c.weighted, &b.currency)),
                                    ],
                                );
                                for (cur, sum, _) in &c.other {
                                    text.push_str(&format!(" + {}", format_money(loc, *sum, cur)));
                                }
                                Some(text)
                            })
                        })
                    });
                    let stage_for_cards = stage.id.clone();
                    view! {
                        <section
                            class="column"
                            aria-labelledby=labelled_by
                            data-stage=stage.id.clone()
                            on:dragover=move |ev| ev.prevent_default()
                            on:drop=move |ev| {
                                ev.prevent_default();
                                if let Some(d) = dragging.get_untracked() {
                                    dragging.set(None);
                                    place_soon(d, stage_drop.clone(), usize::MAX);
                                }
                            }
                        >
                            <header class="column-head">
                                <h2 id=heading>{stage.name.clone()} <span class="muted">{format!(" {}%", stage.probability)}</span></h2>
                                <p class="muted totals">{move || totals.get()}</p>
                            </header>
                            <ul class="cards">
                                <For
                                    each=move || visible.get()
                                    key=|deal| *deal
                                    children=move |deal| {
                                        let stage_for_card = stage_for_cards.clone();
                                        let pos = Signal::derive(move || {
                                            let i = deals.with(|d| d.iter().position(|x| *x == deal)).unwrap_or(0);
                                            (i + 1, deals.with(Vec::len))
                                        });
                                        view! {
                                            <DealCard
                                                deal=deal
                                                picked=Signal::derive(move || picked.get().is_some_and(|p| p.deal == deal))
                                                on_key=Callback::new(move |ev| {
                                                    if picked.get_untracked().is_none() {
                                                        card_keys(deal, ev);
                                                    }
                                                })
                                                on_drag=Callback::new(move |on: bool| dragging.set(on.then_some(deal)))
                                                on_drop=Callback::new(move |_: ()| {
                                                    if let Some(d) = dragging.get_untracked() {
                                                        dragging.set(None);
                                                        let i = deals.with_untracked(|ds| ds.iter().position(|x| *x == deal)).unwrap_or(usize::MAX);
                                                        place_soon(d, stage_for_card.clone(), i);
                                                    }
                                                })
                                                pos=pos
                                            />
                                        }
                                    }
                                />
                            </ul>
                            <Show when=move || { hidden() > 0 }>
                                <button type="button" class="button small" on:click=move |_| shown.update(|s| *s += CARDS_PER_COLUMN)>
                                    {move || format!("{} ({})", i18n.t(Msg::ShowMore), format_number(i18n.locale(), hidden() as f64))}
                                </button>
                            </Show>
                        </section>
                    }
                }
            />
        </div>
    }
}

fn focus_card(deal: Id) {
    // After the board re-renders the card sits in a new place: keep focus on it.
    request_animation_frame(move || {
        if let Some(el) =
            crate::components::keep_alive::query_shown(&format!("[data-deal=\"{deal}\"]"))
        {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

#[component]
fn DealCard(
    deal: Id,
    #[prop(into)] picked: Signal<bool>,
    on_key: Callback<leptos::ev::KeyboardEvent>,
    on_drag: Callback<bool>,
    on_drop: Callback<()>,
    /// Position in the column and the column's size.
    #[prop(into)]
    pos: Signal<(usize, usize)>,
) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let menu = RwSignal::new(false);
    let data = screen_memo(move || {
        session
            .with_reads(|ws| {
                ws.get(Kind::Deal, deal).map(|r| {
                    let value = match r.get("value") {
                        Some(FieldValue::Money(m)) => {
                            format_money(i18n.locale(), m.minor, &m.currency)
                        }
                        _ => String::new(),
                    };
                    let company = r
                        .get("company")
                        .and_then(FieldValue::as_ref_id)
                        .and_then(|c| ws.get(Kind::Company, c))
                        .map(|c| c.title().to_owned())
                        .unwrap_or_default();
                    let owner = r
                        .get("owner")
                        .and_then(FieldValue::as_ref_id)
                        .and_then(|m| ws.get(Kind::Member, m))
                        .map(|m| {
                            (
                                m.title().to_owned(),
                                m.text("color").unwrap_or("#888888").to_owned(),
                            )
                        });
                    (r.title().to_owned(), value, company, owner)
                })
            })
            .flatten()
    });
    let link = href(Kind::Deal, deal).unwrap_or_default();
    view! {
        <li
            class="deal-card"
            class:picked=move || picked.get()
            tabindex="0"
            draggable="true"
            data-deal=deal.to_string()
            data-testid="deal-card"
            aria-describedby="board-help"
            aria-roledescription=move || i18n.t(Msg::DraggableCard)
            aria-label=move || {
                data.get()
                    .map(|(t, v, c, _)| {
                        let (at, of) = pos.get();
                        format!("{t}, {v}, {c}. {}", i18n.t_with(Msg::CardPosition, &[("position", &at.to_string()), ("total", &of.to_string())]))
                    })
                    .unwrap_or_default()
            }
            on:keydown=move |ev| {
                // Keys pressed inside the card's own controls are theirs.
                if crate::pages::records::detail::is_typing(&ev) || menu.get_untracked() {
                    return;
                }
                use wasm_bindgen::JsCast;
                let on_card = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()).is_some_and(|t| t.class_list().contains("deal-card"));
                if on_card {
                    on_key.run(ev);
                }
            }
            on:dragstart=move |ev| {
                if let Some(dt) = ev.data_transfer() {
                    let _ = dt.set_data("text/plain", &deal.to_string());
                    dt.set_effect_allowed("move");
                }
                on_drag.run(true);
            }
            on:dragend=move |_| on_drag.run(false)
            on:dragover=move |ev| ev.prevent_default()
            on:drop=move |ev| {
                ev.prevent_default();
                ev.stop_propagation();
                on_drop.run(());
            }
        >
            {move || data.get().map(|(title, value, company, owner)| view! {
                <a href=link.clone() tabindex="-1">{title}</a>
                <span class="deal-value">{value}</span>
                <span class="muted">{company}</span>
                {owner.map(|(name, color)| view! { <span class="owner"><span class="swatch" style:background=color></span>{name}</span> })}
            })}
            <button
                type="button"
                class="button small move-button"
                aria-haspopup="true"
                aria-expanded=move || menu.get().to_string()
                data-testid="move-to-stage"
                on:click=move |_| menu.update(|m| *m = !*m)
            >
                {move || i18n.t(Msg::MoveToStage)}
            </button>
            <Show when=move || menu.get()>
                <MoveMenu deal=deal close=Callback::new(move |_: ()| menu.set(false)) />
            </Show>
        </li>
    }
}

/// The single-pointer way to move a deal (WCAG 2.5.7): a list of stages, plus win and lose.
#[component]
fn MoveMenu(deal: Id, close: Callback<()>) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let options = Memo::new(move |_| {
        session
            .with(|ws| {
                let rec = ws.get(Kind::Deal, deal)?;
                let current = rec.text("stage").unwrap_or_default().to_owned();
                let p = ws.get(Kind::Pipeline, rec.get("pipeline")?.as_ref_id()?)?;
                Some(
                    stages(p)
                        .into_iter()
                        .map(|s| (s.id.clone(), s.name, s.id == current))
                        .collect::<Vec<_>>(),
                )
            })
            .flatten()
            .unwrap_or_default()
    });
    let go = move |stage: String| {
        let cmds = session
            .with_untracked(|ws| ws.place_deal(deal, &stage, usize::MAX))
            .unwrap_or_default();
        if !cmds.is_empty() {
            match session.apply_batch(cmds) {
                Ok(()) => toasts.done(i18n.t(Msg::DealMovedShort)),
                Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
            }
        }
        close.run(());
    };
    view! {
        <div class="move-menu" role="group" aria-label=move || i18n.t(Msg::MoveToStage)
            on:keydown=move |ev| if ev.key() == "Escape" { ev.stop_propagation(); close.run(()); }>
            <ul class="plain">
                {move || options.get().into_iter().map(|(id, name, current)| {
                    view! {
                        <li>
                            <button type="button" class="menu-item" disabled=current aria-current=current.then_some("true")
                                on:click=move |_| go(id.clone())>
                                {name}
                            </button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <DealActions deal=deal />
        </div>
    }
}

/// Win, lose (with a reason) or reopen a deal.
#[component]
pub fn DealActions(deal: Id) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let losing = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let status = Memo::new(move |_| {
        session
            .with(|ws| {
                ws.get(Kind::Deal, deal)
                    .and_then(|r| r.text("status").map(str::to_owned))
            })
            .flatten()
            .unwrap_or_default()
    });
    // Other live pipelines with their first stage, where a moved deal lands.
    let other_pipelines = Memo::new(move |_| {
        session
            .with(|ws| {
                let current = ws
                    .get(Kind::Deal, deal)
                    .and_then(|d| d.get("pipeline").and_then(FieldValue::as_ref_id));
                ws.live(Kind::Pipeline)
                    .filter(|p| Some(p.id) != current)
                    .map(|p| {
                        let first = stages(p)
                            .into_iter()
                            .min_by_key(|s| s.position)
                            .map(|s| s.id);
                        (p.id, p.title().to_owned(), first)
                    })
                    .filter(|(_, _, first)| first.is_some())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let run = move |cmd: Command, done: Msg| match session.apply(cmd) {
        Ok(()) => {
            losing.set(false);
            reason.set(String::new());
            toasts.done(i18n.t(done));
        }
        Err(e) => toasts.error(command_error(i18n.locale_untracked(), &e)),
    };
    view! {
        <div class="deal-actions" data-testid="deal-actions">
            <Show
                when=move || status.get() == "open"
                fallback=move || view! {
                    <span class="badge">{move || i18n.choice(&status.get())}</span>
                    <button type="button" class="button" on:click=move |_| run(Command::Reopen { deal }, Msg::DealReopened)>
                        {move || i18n.t(Msg::Reopen)}
                    </button>
                }
            >
                <button type="button" class="button primary" data-testid="win-deal" on:click=move |_| run(Command::Win { deal }, Msg::DealWon)>
                    {move || i18n.t(Msg::MarkWon)}
                </button>
                <button type="button" class="button danger" data-testid="lose-deal" on:click=move |_| losing.update(|l| *l = !*l)>
                    {move || i18n.t(Msg::MarkLost)}
                </button>
                <Show when=move || !other_pipelines.with(Vec::is_empty)>
                    <label class="inline">
                        <span>{move || i18n.t(Msg::MoveToPipeline)}</span>
                        <select data-testid="move-pipeline" on:change=move |ev| {
                            let value = event_target_value(&ev);
                            let target = other_pipelines
                                .get_untracked()
                                .into_iter()
                                .find(|(id, _, _)| id.to_string() == value);
                            if let Some((pipeline, _, Some(stage))) = target {
                                run(Command::MovePipeline { deal, pipeline, stage }, Msg::DealMovedPipeline);
                            }
                        }>
                            <option value="" selected=true>{move || i18n.t(Msg::ChoosePipeline)}</option>
                            {move || {
                                other_pipelines
                                    .get()
                                    .into_iter()
                                    .map(|(id, name, _)| view! { <option value=id.to_string()>{name}</option> })
                                    .collect_view()
                            }}
                        </select>
                    </label>
                </Show>
                <Show when=move || losing.get()>
                    <form class="fields" on:submit=move |ev| {
                        ev.prevent_default();
                        run(Command::Lose { deal, reason: reason.get_untracked() }, Msg::DealLost);
                    }>
                        <label>
                            <span>{move || i18n.field("lost_reason")}</span>
                            <input type="text" required=true data-testid="lost-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                        </label>
                        <button type="submit" class="button danger">{move || i18n.t(Msg::ConfirmLost)}</button>
                    </form>
                </Show>
            </Show>
        </div>
    }
}

/// Add, rename, reorder and delete stages with their probabilities. A stage that still holds
/// deals cannot be deleted; the core refuses and says how many to move first.
#[component]
fn PipelineEditor(pipeline: Id) -> impl IntoView {
    let session = use_session();
    let i18n = use_i18n();
    let toasts = use_toasts();
    let current = Memo::new(move |_| {
        session
            .with(|ws| {
                ws.get(Kind::Pipeline, pipeline)
                    .map(|p| (p.title().to_owned(), stages(p)))
            })
            .flatten()
            .unwrap_or_default()
    });
    let new_name = RwSignal::new(String::new());
    let new_prob = RwSignal::new("50".to_owned());
    let save = move |list: Vec<Stage>| {
        // Positions are rewritten in list order so the board shows what the editor shows.
        let list: Vec<Stage> = list
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                s.position = i as i64;
                s
            })
            .collect();
        let cmd = Command::Update {
            kind: Kind::Pipeline,
            id: pipeline,
            fields: vec![("stages".into(), Some(stages_value(&list)))],
        };
        if let Err(e) = session.apply(cmd) {
            toasts.error(command_error(i18n.locale_untracked(), &e));
        }
    };
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = new_name.get_untracked().trim().to_owned();
        let Ok(p) = crm_core::value::fold_digits(new_prob.get_untracked().trim()).parse::<u8>()
        else {
            toasts.error(i18n.t(Msg::ErrProbability));
            return;
        };
        if name.is_empty() || p > 100 {
            toasts.error(i18n.t(Msg::ErrProbability));
            return;
        }
        let mut list = current.get_untracked().1;
        list.push(Stage::new(stage_id(), name, p, list.len() as i64));
        save(list);
        new_name.set(String::new());
    };
    view! {
        <section class="card pipeline-editor" data-testid="pipeline-editor" aria-labelledby="pipeline-editor-title">
            <h2 id="pipeline-editor-title">{move || i18n.t(Msg::EditPipeline)}</h2>
            <div class="field-editor-row">
                <crate::components::field_editor::FieldEditor kind=Kind::Pipeline id=pipeline target=crate::components::field_editor::Target::Field(Kind::Pipeline.field("name").unwrap_or(&Kind::Pipeline.fields()[0])) />
            </div>
            <ol class="stage-list">
                {move || {
                    let list = current.get().1;
                    let n = list.len();
                    list.iter().enumerate().map(|(i, s)| {
                        let s = s.clone();
                        let sid = s.id.clone();
                        let deals = session.with_untracked(|ws| ws.deals_in_stage(pipeline, &sid)).unwrap_or(0);
                        let rename = move |ev: leptos::ev::Event| {
                            let v = event_target_value(&ev);
                            let mut list = current.get_untracked().1;
                            if let Some(x) = list.get_mut(i) && !v.trim().is_empty() { x.name = v.trim().to_owned(); }
                            save(list);
                        };
                        let reprob = move |ev: leptos::ev::Event| {
                            let v = crm_core::value::fold_digits(event_target_value(&ev).trim());
                            match v.parse::<u8>() {
                                Ok(p) if p <= 100 => {
                                    let mut list = current.get_untracked().1;
                                    if let Some(x) = list.get_mut(i) { x.probability = p; }
                                    save(list);
                                }
                                _ => toasts.error(i18n.t(Msg::ErrProbability)),
                            }
                        };
                        let shift = move |delta: isize| {
                            let mut list = current.get_untracked().1;
                            let j = i as isize + delta;
                            if j >= 0 && (j as usize) < list.len() {
                                list.swap(i, j as usize);
                                save(list);
                            }
                        };
                        let remove = move |_| {
                            let mut list = current.get_untracked().1;
                            list.remove(i);
                            save(list);
                        };
                        let name = s.name.clone();
                        view! {
                            <li class="stage-row" data-testid="stage-row">
                                <input type="text" aria-label=move || i18n.t(Msg::StageName) value=s.name.clone() on:change=rename />
                                <input type="text" inputmode="numeric" size=3 aria-label=move || i18n.t(Msg::StageProbability) value=s.probability.to_string() on:change=reprob />
                                <span class="muted">"%"</span>
                                <span class="muted">{move || i18n.count(Msg::DealsCount, deals)}</span>
                                <button type="button" class="button small" disabled=i == 0 aria-label=move || i18n.t_with(Msg::StageUp, &[("name", &name)]) on:click=move |_| shift(-1)>"↑"</button>
                                <button type="button" class="button small" disabled=i + 1 == n aria-label=move || i18n.t_with(Msg::StageDown, &[("name", &s.name)]) on:click=move |_| shift(1)>"↓"</button>
                                <button type="button" class="button small danger" data-testid="delete-stage" on:click=remove>{move || i18n.t(Msg::Delete)}</button>
                            </li>
                        }
                    }).collect_view()
                }}
            </ol>
            <form class="fields" on:submit=add>
                <label>
                    <span>{move || i18n.t(Msg::StageName)}</span>
                    <input type="text" required=true data-testid="new-stage-name" prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev)) />
                </label>
                <label class="narrow">
                    <span>{move || i18n.t(Msg::StageProbability)}</span>
                    <input type="text" inputmode="numeric" size=3 prop:value=move || new_prob.get() on:input=move |ev| new_prob.set(event_target_value(&ev)) />
                </label>
                <button type="submit" class="button primary">{move || i18n.t(Msg::AddStage)}</button>
            </form>
        </section>
    }
}
