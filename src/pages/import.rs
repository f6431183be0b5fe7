//! /import — contacts, companies or deals from a CSV or vCard file. Pick the file, check how
//! its columns map (guessed from the headers, a known CRM's export layout, or the mapping saved
//! last time), see the first rows as they will be stored, check every row, decide what happens
//! to duplicates, then write it all as one undo step. The work is `crm_core::import`; this page
//! drives it in chunks, yielding between them so the page answers while a large file goes in.

use std::collections::HashMap;
use std::sync::Arc;

use crm_core::import::{
    self as imp, Choice, Choices, CsvReader, DupOf, Duplicate, Encoding, ImportOptions, Mapping,
    NamePart, PlanBuilder, PreviewRow, PreviewValue, Rejected, Summary, Table, Target, Warning,
};
use crm_core::schema::{COMPANY_KINDS, CUSTOM_TYPES, FieldType};
use crm_core::{CommandError, Currency, Id, Kind, MatchReason, UndoStepId, Workspace};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use wasm_bindgen::JsCast;

use crate::adapters::files::{download, read_chosen_file};
use crate::adapters::workspace_store::random_bytes;
use crate::adapters::{prefs, timed, yield_now};
use crate::components::page::Page;
use crate::components::value::{display, href};
use crate::i18n::intl::format_number;
use crate::i18n::{
    I18n, Msg, command_error, import_error, read_problem, row_error, row_warning, use_i18n,
};
use crate::session::{Session, use_session};

/// Rows read or checked at a time; work goes on in slices of these until `SLICE_MS` have
/// passed, then yields to the browser.
const CHECK_CHUNK: usize = 250;
/// The most records written per batch while importing (batches are sized from their cost
/// and go on, as one stored change, until `SLICE_MS` have passed).
const WRITE_CHUNK: usize = 200;
/// How long one slice of import work may hold the main thread: well inside a 50 ms long task,
/// so typing and scrolling stay smooth while a large file goes in.
const SLICE_MS: f64 = 12.0;
/// Rows of a list shown on the page; the rest are counted (and in the download).
const LIST_LIMIT: usize = 100;
const PREVIEW_ROWS: usize = 10;
const KINDS: [Kind; 3] = [Kind::Contact, Kind::Company, Kind::Deal];

/// A file read into rows.
struct Loaded {
    name: String,
    table: Table,
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    /// Choosing the file and the mapping.
    Map,
    Reading(f64),
    Checking(f64),
    Review,
    Writing(f64),
    /// Written, as undo step `.1` (none for an import that wrote nothing).
    Done(Summary, Option<UndoStepId>),
    Undone,
    Refused(String),
}

/// What checking every row found, for the review.
#[derive(Debug, Clone, PartialEq)]
struct Report {
    rows: usize,
    rejected: Vec<Rejected>,
    duplicates: Vec<Duplicate>,
    warnings: Vec<Warning>,
}

/// Settings of the import beyond the mapping, as the form holds them.
#[derive(Debug, Clone, PartialEq)]
struct Opts {
    currency: String,
    create_companies: bool,
    create_contacts: bool,
    company_kind: String,
    pipeline: String,
}

impl Opts {
    fn to_options(&self, i18n: &I18n) -> Result<ImportOptions, String> {
        let currency: Currency =
            self.currency.trim().parse().map_err(|_| {
                i18n.t_with(Msg::ImportBadCurrency, &[("value", self.currency.trim())])
            })?;
        let mut o = ImportOptions::new(currency);
        o.create_companies = self.create_companies;
        o.create_contacts = self.create_contacts;
        o.company_kind.clone_from(&self.company_kind);
        o.pipeline = self.pipeline.parse::<Id>().ok();
        o.preview_rows = PREVIEW_ROWS;
        Ok(o)
    }
}

/// A slice of work on the main thread, timed.
struct Slice(f64);

impl Slice {
    fn start() -> Self {
        Self(now())
    }

    fn over(&self) -> bool {
        now() - self.0 > SLICE_MS
    }
}

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Frees a large draft or plan in slices (`release` yields once per piece freed): all at once,
/// 100k rows hold the page for a quarter of a second.
async fn release(pieces: impl Iterator<Item = ()>) {
    let mut slice = Slice::start();
    for (i, ()) in pieces.enumerate() {
        if i % 256 == 0 && slice.over() {
            yield_now().await;
            slice = Slice::start();
        }
    }
}

fn is_vcard(name: &str, bytes: &[u8]) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".vcf")
        || lower.ends_with(".vcard")
        || String::from_utf8_lossy(bytes.get(..64).unwrap_or(bytes))
            .trim_start_matches('\u{feff}')
            .trim_start()
            .to_ascii_uppercase()
            .starts_with("BEGIN:VCARD")
}

/// Reads a file (CSV or vCard) in slices, yielding between them, so a 100k-row file neither
/// freezes the page nor hides its progress.
async fn read_file(
    name: &str,
    bytes: &[u8],
    encoding: Option<Encoding>,
    progress: impl Fn(f64),
    current: impl Fn() -> bool,
) -> Option<Table> {
    let vcard = is_vcard(name, bytes);
    let decoded = imp::decode(bytes, encoding);
    yield_now().await;
    let len = decoded.text.len().max(1) as f64;
    let (headers, delimiter, rows, problems) = if vcard {
        let mut reader = imp::VcardReader::new(&decoded.text);
        let rows = read_rows(
            &mut reader,
            |r| r.position() as f64 / len,
            &progress,
            &current,
        )
        .await?;
        (imp::vcard_headers(), None, rows, reader.problems().to_vec())
    } else {
        let delimiter = imp::detect_delimiter(&decoded.text);
        let mut reader = CsvReader::new(&decoded.text, delimiter);
        let headers = reader.next().map(|r| r.cells).unwrap_or_default();
        let rows = read_rows(
            &mut reader,
            |r| r.position() as f64 / len,
            &progress,
            &current,
        )
        .await?;
        (headers, Some(delimiter), rows, reader.problems().to_vec())
    };
    Some(Table {
        headers,
        rows,
        encoding: decoded.encoding,
        delimiter,
        problems: decoded.problem().into_iter().chain(problems).collect(),
    })
}

/// Every row of `reader`, in slices of the frame budget; `None` when `current` says the work
/// was superseded (another file or encoding chosen).
async fn read_rows<R: Iterator<Item = imp::Row>>(
    reader: &mut R,
    done: impl Fn(&R) -> f64,
    progress: &impl Fn(f64),
    current: &impl Fn() -> bool,
) -> Option<Vec<imp::Row>> {
    let mut rows = Vec::new();
    let mut slice = Slice::start();
    loop {
        let before = rows.len();
        rows.extend(reader.by_ref().take(CHECK_CHUNK));
        if rows.len() == before {
            return Some(rows);
        }
        if slice.over() {
            progress(done(reader));
            yield_now().await;
            if !current() {
                return None;
            }
            slice = Slice::start();
        }
    }
}

/// The mapping saved from an earlier import of a file with these headers, else a guess.
fn initial_mapping(ws: &Workspace, kind: Kind, headers: &[String]) -> (Mapping, Option<Msg>) {
    let saved = prefs::saved_mappings()
        .iter()
        .filter_map(|json| Mapping::from_json(json).ok())
        .filter(|m| m.kind == kind)
        .find_map(|m| m.reuse(headers));
    match saved {
        Some(m) => (m, Some(Msg::ImportSavedMapping)),
        None => {
            let m = imp::guess_mapping(headers, kind, ws);
            let note = m.preset.is_some().then_some(Msg::ImportPresetFound);
            (m, note)
        }
    }
}

fn target_value(t: &Target) -> String {
    match t {
        Target::Skip => "skip".into(),
        Target::Field { name, .. } => format!("field:{name}"),
        Target::NamePart { part } => format!(
            "part:{}",
            match part {
                NamePart::First => "first",
                NamePart::Middle => "middle",
                NamePart::Last => "last",
            }
        ),
        Target::Currency => "currency".into(),
        Target::LabelOf { column } => format!("labels:{column}"),
        Target::Custom { id } => format!("custom:{id}"),
        Target::NewCustom { field_type, .. } => format!("new:{field_type}"),
    }
}

/// The target a select value names; `current` keeps a guessed email or phone label.
fn parse_target(value: &str, header: &str, current: &Target) -> Target {
    if let (Target::Field { name, .. }, Some(rest)) = (current, value.strip_prefix("field:"))
        && name == rest
    {
        return current.clone();
    }
    let (tag, rest) = value.split_once(':').unwrap_or((value, ""));
    match tag {
        "field" => Target::Field {
            name: rest.to_owned(),
            label: None,
        },
        "part" => Target::NamePart {
            part: match rest {
                "middle" => NamePart::Middle,
                "last" => NamePart::Last,
                _ => NamePart::First,
            },
        },
        "currency" => Target::Currency,
        "labels" => rest
            .parse()
            .map(|column| Target::LabelOf { column })
            .unwrap_or(Target::Skip),
        "custom" => rest
            .parse()
            .map(|id| Target::Custom { id })
            .unwrap_or(Target::Skip),
        "new" => Target::NewCustom {
            label: header.trim().to_owned(),
            field_type: rest.to_owned(),
        },
        _ => Target::Skip,
    }
}

/// Where a column of this kind can go, as (select value, label).
fn target_choices(
    ws: &Workspace,
    i18n: &I18n,
    kind: Kind,
    mapping: &Mapping,
    column: usize,
) -> Vec<(String, String)> {
    let mut out = vec![("skip".to_owned(), i18n.t(Msg::ImportSkip))];
    if kind == Kind::Contact {
        for (part, msg) in [
            ("first", Msg::ImportFirstName),
            ("middle", Msg::ImportMiddleName),
            ("last", Msg::ImportLastName),
        ] {
            out.push((format!("part:{part}"), i18n.t(msg)));
        }
    }
    for spec in kind.fields() {
        if spec.ty != FieldType::Stages && spec.name != "rank" {
            out.push((format!("field:{}", spec.name), i18n.field(spec.name)));
        }
    }
    if kind == Kind::Deal {
        out.push(("currency".into(), i18n.t(Msg::ImportCurrencyColumn)));
    }
    for id in ws.custom_fields(kind) {
        if let Some(def) = ws.get(Kind::CustomField, id) {
            out.push((
                format!("custom:{id}"),
                def.text("label").unwrap_or_default().to_owned(),
            ));
        }
    }
    for ty in CUSTOM_TYPES {
        out.push((
            format!("new:{ty}"),
            i18n.t_with(Msg::ImportNewCustom, &[("type", &i18n.choice(ty))]),
        ));
    }
    if let Some(Target::LabelOf { column: of }) = mapping.columns.get(column).map(|c| &c.target) {
        let header = mapping
            .columns
            .get(*of)
            .map(|c| c.header.as_str())
            .unwrap_or_default();
        out.push((
            format!("labels:{of}"),
            i18n.t_with(Msg::ImportLabelsOf, &[("column", header)]),
        ));
    }
    out
}

fn preview_key(v: &PreviewValue) -> String {
    match v {
        PreviewValue::Field { field, .. }
        | PreviewValue::Link { field, .. }
        | PreviewValue::NewLink { field, .. }
        | PreviewValue::Later { field, .. } => (*field).to_owned(),
        PreviewValue::Custom { label, .. } => format!("custom:{label}"),
    }
}

fn preview_text(ws: &Workspace, i18n: &I18n, kind: Kind, v: &PreviewValue) -> String {
    match v {
        PreviewValue::Field { field, value } => {
            let ty = kind.field(field).map_or(FieldType::Text, |s| s.ty);
            display(ws, i18n, ty, value)
        }
        PreviewValue::Link { name, .. } | PreviewValue::Later { name, .. } => name.clone(),
        PreviewValue::NewLink { name, .. } => i18n.t_with(Msg::ImportNewLink, &[("name", name)]),
        PreviewValue::Custom { value, .. } => display(ws, i18n, FieldType::Text, value),
    }
}

fn reason_text(i18n: &I18n, r: &MatchReason) -> String {
    match r {
        MatchReason::Email(v) => i18n.t_with(Msg::ImportSameEmail, &[("value", v)]),
        MatchReason::Phone(v) => i18n.t_with(Msg::ImportSamePhone, &[("value", v)]),
        MatchReason::Name(v) => i18n.t_with(Msg::ImportSameName, &[("value", v)]),
    }
}

fn file_stem(name: &str) -> String {
    name.rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_owned()
}

#[component]
pub fn Import() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let initial_kind = query
        .with_untracked(|q| q.get("kind"))
        .and_then(|k| Kind::from_collection(&k))
        .filter(|k| KINDS.contains(k))
        .unwrap_or(Kind::Contact);

    let kind = RwSignal::new(initial_kind);
    let encoding = RwSignal::new(None::<Encoding>);
    let file = StoredValue::new_local(None::<(String, Vec<u8>)>);
    let loaded = RwSignal::new(None::<Arc<Loaded>>);
    let mapping = RwSignal::new(None::<Mapping>);
    let note = RwSignal::new(None::<Msg>);
    let phase = RwSignal::new(Phase::Map);
    let report = RwSignal::new(None::<Report>);
    let draft = StoredValue::new_local(None::<imp::Draft>);
    let all_choice = RwSignal::new(Choice::Skip);
    let row_choices = RwSignal::new(HashMap::<usize, Choice>::new());
    // Bumped whenever the file, kind or mapping changes: work started before stops.
    let generation = StoredValue::new(0u64);
    let default_opts = move || Opts {
        currency: session
            .with_untracked(|ws| ws.default_currency().code().to_owned())
            // Filled in by `read` when the page was made before the workspace opened.
            .unwrap_or_default(),
        create_companies: true,
        create_contacts: true,
        company_kind: "customer".into(),
        pipeline: String::new(),
    };
    let opts = RwSignal::new(default_opts());

    let invalidate = move || {
        generation.update_value(|g| *g += 1);
        draft.set_value(None);
        report.set(None);
        row_choices.set(HashMap::new());
        if !matches!(phase.get_untracked(), Phase::Map) {
            phase.set(Phase::Map);
        }
    };
    let remap = move || {
        let headers = loaded.with_untracked(|l| l.as_ref().map(|l| l.table.headers.clone()));
        let Some(headers) = headers else { return };
        let guess =
            session.with_untracked(|ws| initial_mapping(ws, kind.get_untracked(), &headers));
        if let Some((m, n)) = guess {
            mapping.set(Some(m));
            note.set(n);
        }
    };
    let read = move || {
        invalidate();
        let Some((name, bytes)) = file.get_value() else {
            return;
        };
        let chosen = encoding.get_untracked();
        let run_id = generation.get_value();
        phase.set(Phase::Reading(0.0));
        wasm_bindgen_futures::spawn_local(async move {
            let current = move || generation.get_value() == run_id;
            let table = read_file(
                &name,
                &bytes,
                chosen,
                |p| phase.set(Phase::Reading(p)),
                current,
            )
            .await;
            let Some(table) = table else { return };
            // A file can only be picked once the workspace is open (`Page`), but the options
            // were made with the page, before that.
            if opts.with_untracked(|o| o.currency.is_empty()) {
                let fresh = default_opts().currency;
                opts.update(|o| o.currency = fresh);
            }
            timed("hearth:import-mapping", || {
                loaded.set(Some(Arc::new(Loaded { name, table })));
                remap();
            });
            phase.set(Phase::Map);
        });
    };
    let choose_file = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(chosen) = read_chosen_file(&input).await {
                file.set_value(Some(chosen));
                read();
            }
        });
    };

    let preview = Memo::new(move |_| -> Option<Result<Vec<PreviewRow>, String>> {
        let l = loaded.get()?;
        let m = mapping.get()?;
        let options = match opts.with(|o| o.to_options(&i18n)) {
            Ok(o) => o,
            Err(e) => return Some(Err(e)),
        };
        // Untracked: an import writing in slices changes the workspace many times, and the
        // preview (which indexes the workspace) follows the file and the mapping, not that.
        session.with_untracked(|ws| {
            let mut b =
                PlanBuilder::new(ws, &m, options).map_err(|e| import_error(i18n.locale(), &e))?;
            // The whole file tells how its dates read, also for the rows previewed.
            b.learn_date_order(&l.table.rows);
            b.push(
                l.table
                    .rows
                    .get(..PREVIEW_ROWS.min(l.table.rows.len()))
                    .unwrap_or_default(),
            );
            Ok(b.preview().to_vec())
        })
    });
    let can_check = move || {
        matches!(preview.get(), Some(Ok(_)))
            && loaded.with(|l| l.as_ref().is_some_and(|l| !l.table.rows.is_empty()))
    };

    let check = move |_| {
        invalidate();
        let (Some(l), Some(m)) = (loaded.get_untracked(), mapping.get_untracked()) else {
            return;
        };
        let Ok(options) = opts.with_untracked(|o| o.to_options(&i18n)) else {
            return;
        };
        let Some(Ok(mut builder)) = session.with_untracked(|ws| PlanBuilder::new(ws, &m, options))
        else {
            return;
        };
        let run_id = generation.get_value();
        phase.set(Phase::Checking(0.0));
        wasm_bindgen_futures::spawn_local(async move {
            let total = l.table.rows.len().max(1);
            timed("hearth:import-check", || {
                builder.reserve(total);
                builder.learn_date_order(&l.table.rows);
            });
            let mut slice = Slice::start();
            for rows in l.table.rows.chunks(CHECK_CHUNK) {
                timed("hearth:import-check", || builder.push(rows));
                if slice.over() {
                    phase.set(Phase::Checking(builder.rows_read() as f64 / total as f64));
                    yield_now().await;
                    if generation.get_value() != run_id {
                        return;
                    }
                    slice = Slice::start();
                }
            }
            timed("hearth:import-review", || {
                let rows = builder.rows_read();
                let d = builder.finish();
                report.set(Some(Report {
                    rows,
                    rejected: d.rejected().to_vec(),
                    duplicates: d.duplicates().to_vec(),
                    warnings: d.warnings().to_vec(),
                }));
                draft.set_value(Some(d));
                phase.set(Phase::Review);
            });
        });
    };

    let go = move |_| {
        let choices = Choices {
            all: all_choice.get_untracked(),
            rows: row_choices.get_untracked(),
        };
        // Owned by the task while it plans (a plan borrows it across yields); put back after.
        let Some(d) = draft.try_update_value(Option::take).flatten() else {
            return;
        };
        session.hold_compaction(true);
        let saved = mapping.get_untracked().map(|m| m.to_json());
        let run_id = generation.get_value();
        phase.set(Phase::Writing(0.0));
        wasm_bindgen_futures::spawn_local(async move {
            // Planning a large file is work of the same order as checking it: in slices too.
            let mut planner = d.planner(&choices);
            let mut ids = random_bytes;
            loop {
                let slice = Slice::start();
                let done = timed("hearth:import-plan", || {
                    loop {
                        match session.with_untracked(|ws| planner.work(ws, &mut ids, CHECK_CHUNK)) {
                            Some(false) if !slice.over() => {}
                            other => break other,
                        }
                    }
                });
                match done {
                    Some(true) => break,
                    Some(false) => yield_now().await,
                    None => {
                        session.hold_compaction(false);
                        return;
                    }
                }
            }
            let Some(plan) = session.with_untracked(|ws| planner.finish(ws, &mut ids)) else {
                session.hold_compaction(false);
                return;
            };
            if generation.get_value() == run_id {
                draft.set_value(Some(d));
            }
            let mut writer = plan.writer();
            let mut batch = 25;
            let total = writer.total().max(1);
            loop {
                let slice = Slice::start();
                let step = session.write(|ws, ctx| {
                    loop {
                        // Writing a record costs more as the document grows: each batch is
                        // sized from the last one's cost so it fits a few milliseconds.
                        let started = now();
                        let before = writer.written();
                        let result = writer.write(ws, ctx, batch);
                        let per_record =
                            (now() - started) / (writer.written() - before).max(1) as f64;
                        batch = ((SLICE_MS / 3.0 / per_record.max(0.001)) as usize)
                            .clamp(1, WRITE_CHUNK);
                        match result {
                            Ok(false) if !slice.over() => {}
                            other => break other,
                        }
                    }
                });
                match step {
                    Some(Ok(true)) => break,
                    Some(Ok(false)) => {
                        phase.set(Phase::Writing(writer.written() as f64 / total as f64));
                        yield_now().await;
                    }
                    Some(Err(e)) => {
                        session.hold_compaction(false);
                        let lines = e
                            .lines
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ");
                        phase.set(Phase::Refused(i18n.t_with(
                            Msg::ImportRefused,
                            &[
                                ("reason", &command_error(i18n.locale_untracked(), &e.error)),
                                ("lines", &lines),
                            ],
                        )));
                        return;
                    }
                    None => {
                        session.hold_compaction(false);
                        return;
                    }
                }
            }
            session.hold_compaction(false);
            if let Some(json) = saved {
                prefs::save_mapping(&json);
            }
            let done = (generation.get_value() == run_id)
                .then(|| draft.try_update_value(Option::take).flatten())
                .flatten();
            let step = writer.undo_step();
            phase.set(Phase::Done(plan.summary, step));
            release(plan.release()).await;
            if let Some(d) = done {
                release(d.release()).await;
            }
        });
    };

    let kind_label = move |k: Kind| match k {
        Kind::Company => i18n.t(Msg::NavCompanies),
        Kind::Deal => i18n.t(Msg::NavDeals),
        _ => i18n.t(Msg::NavContacts),
    };

    view! {
        <Page title=Msg::ImportTitle>
            <section class="card" aria-labelledby="import-file-title">
                <h2 id="import-file-title">{move || i18n.t(Msg::ImportFileTitle)}</h2>
                <p class="muted">{move || i18n.t(Msg::ImportIntro)}</p>
                <div class="fields">
                    <label>
                        <span>{move || i18n.t(Msg::ImportKind)}</span>
                        <select
                            data-testid="import-kind"
                            on:change=move |ev| {
                                if let Some(k) = Kind::from_collection(&event_target_value(&ev)) {
                                    kind.set(k);
                                    invalidate();
                                    remap();
                                }
                            }
                        >
                            {KINDS
                                .into_iter()
                                .map(|k| {
                                    view! {
                                        <option value=k.collection() selected=move || kind.get() == k>
                                            {move || kind_label(k)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        <span>{move || i18n.t(Msg::ImportEncoding)}</span>
                        <select
                            data-testid="import-encoding"
                            on:change=move |ev| {
                                encoding.set(Encoding::from_label(&event_target_value(&ev)));
                                read();
                            }
                        >
                            <option value="">{move || i18n.t(Msg::ImportEncodingAuto)}</option>
                            {Encoding::ALL
                                .into_iter()
                                .map(|e| view! { <option value=e.label()>{e.label()}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label class="file-pick">
                        <span>{move || i18n.t(Msg::ImportChooseFile)}</span>
                        <input
                            type="file"
                            accept=".csv,.tsv,.txt,.vcf,.vcard,text/csv,text/vcard"
                            data-testid="import-source"
                            on:change=choose_file
                        />
                    </label>
                </div>
                {move || {
                    loaded
                        .get()
                        .map(|l| {
                            let t = &l.table;
                            let summary = i18n.t_with(
                                Msg::ImportFileSummary,
                                &[
                                    ("name", &l.name),
                                    ("rows", &format_number(i18n.locale(), t.rows.len() as f64)),
                                    ("columns", &format_number(i18n.locale(), t.headers.len() as f64)),
                                    ("encoding", t.encoding.label()),
                                ],
                            );
                            let problems = t
                                .problems
                                .iter()
                                .map(|p| view! { <li>{read_problem(i18n.locale(), p)}</li> })
                                .collect_view();
                            let empty = t.rows.is_empty();
                            view! {
                                <p data-testid="import-file-summary">{summary}</p>
                                <ul class="error" role="alert" data-testid="import-file-problems">{problems}</ul>
                                <Show when=move || empty>
                                    <p class="error" role="alert">{move || i18n.t(Msg::ImportEmptyFile)}</p>
                                </Show>
                            }
                        })
                }}
                <ProgressLine phase=phase />
            </section>
            <Show when=move || loaded.with(Option::is_some) && mapping.with(Option::is_some)>
                <MappingCard kind=kind loaded=loaded mapping=mapping note=note opts=opts on_change=Callback::new(move |()| invalidate()) />
                <PreviewCard kind=kind preview=preview />
                <div class="fields">
                    <button
                        type="button"
                        class="button primary"
                        data-testid="import-check"
                        disabled=move || !can_check() || matches!(phase.get(), Phase::Reading(_) | Phase::Checking(_) | Phase::Writing(_))
                        on:click=check
                    >
                        {move || i18n.t(Msg::ImportCheck)}
                    </button>
                </div>
            </Show>
            <Show when=move || matches!(phase.get(), Phase::Review) && report.with(Option::is_some)>
                <ReviewCard
                    report=report
                    all_choice=all_choice
                    row_choices=row_choices
                    on_download=Callback::new(move |()| {
                        let locale = i18n.locale_untracked();
                        let csv = draft.with_value(|d| {
                            d.as_ref().map(|d| d.rejected_csv(&i18n.t(Msg::ImportReason), |e| row_error(locale, e)))
                        });
                        let name = loaded.with_untracked(|l| l.as_ref().map(|l| file_stem(&l.name))).unwrap_or_default();
                        if let Some(csv) = csv
                            && let Err(e) = download(&format!("{name}-not-imported.csv"), csv.as_bytes(), "text/csv")
                        {
                            session.problems.update(|p| p.push(e));
                        }
                    })
                />
                <div class="fields">
                    <button type="button" class="button primary" data-testid="import-go" on:click=go>
                        {move || i18n.t(Msg::ImportGo)}
                    </button>
                </div>
            </Show>
            <Outcome phase=phase kind=kind session=session />
        </Page>
    }
}

/// The progress of reading, checking or writing, announced politely.
#[component]
fn ProgressLine(phase: RwSignal<Phase>) -> impl IntoView {
    let i18n = use_i18n();
    let state = move || match phase.get() {
        Phase::Reading(p) => Some((Msg::ImportReading, p)),
        Phase::Checking(p) => Some((Msg::ImportChecking, p)),
        Phase::Writing(p) => Some((Msg::ImportWriting, p)),
        _ => None,
    };
    view! {
        <div aria-live="polite" class="import-progress">
            {move || {
                state()
                    .map(|(msg, p)| {
                        let label = i18n.t(msg);
                        view! {
                            <label>
                                <span>{label}</span>
                                <progress max="1" value=p data-testid="import-progress"></progress>
                            </label>
                        }
                    })
            }}
        </div>
    }
}

#[component]
fn MappingCard(
    kind: RwSignal<Kind>,
    loaded: RwSignal<Option<Arc<Loaded>>>,
    mapping: RwSignal<Option<Mapping>>,
    note: RwSignal<Option<Msg>>,
    opts: RwSignal<Opts>,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let preset_name = move || {
        mapping.with(|m| {
            m.as_ref()
                .and_then(|m| m.preset.as_deref())
                .and_then(|id| imp::PRESETS.iter().find(|p| p.id == id))
                .map(|p| p.name)
        })
    };
    let columns = move || {
        let l = loaded.get()?;
        let count = mapping.with(|m| m.as_ref().map(|m| m.columns.len()))?;
        Some(
            (0..count)
                .map(|i| {
                    let header = l.table.headers.get(i).cloned().unwrap_or_default();
                    let samples = l
                        .table
                        .rows
                        .iter()
                        .filter_map(|r| r.cells.get(i))
                        .filter(|c| !c.trim().is_empty())
                        .take(3)
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" · ");
                    (i, header, samples)
                })
                .collect::<Vec<_>>(),
        )
    };
    let set_target = move |i: usize, value: String| {
        mapping.update(|m| {
            if let Some(col) = m.as_mut().and_then(|m| m.columns.get_mut(i)) {
                col.target = parse_target(&value, &col.header, &col.target);
            }
        });
        on_change.run(());
    };
    let set_opts = move |f: Box<dyn FnOnce(&mut Opts)>| {
        opts.update(f);
        on_change.run(());
    };
    let pipelines =
        Memo::new(move |_| crate::pages::records::table::options_of(session, Kind::Pipeline));
    view! {
        <section class="card" aria-labelledby="import-map-title">
            <h2 id="import-map-title">{move || i18n.t(Msg::ImportColumns)}</h2>
            {move || {
                note.get()
                    .map(|n| {
                        let text = match n {
                            Msg::ImportPresetFound => i18n.t_with(n, &[("preset", preset_name().unwrap_or_default())]),
                            _ => i18n.t(n),
                        };
                        view! { <p class="notice" data-testid="import-note">{text}</p> }
                    })
            }}
            <table class="import-map" data-testid="import-mapping">
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t(Msg::ImportColumnInFile)}</th>
                        <th scope="col">{move || i18n.t(Msg::ImportFirstValues)}</th>
                        <th scope="col">{move || i18n.t(Msg::ImportInto)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || {
                        columns()
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(i, header, samples)| {
                                let aria = format!("{}: {header}", i18n.t(Msg::ImportInto));
                                let options = move || {
                                    let k = kind.get();
                                    mapping.with(|m| {
                                        m.as_ref()
                                            .and_then(|m| session.with(|ws| target_choices(ws, &i18n, k, m, i)))
                                            .unwrap_or_default()
                                    })
                                };
                                let selected = move || {
                                    mapping.with(|m| {
                                        m.as_ref()
                                            .and_then(|m| m.columns.get(i))
                                            .map(|c| target_value(&c.target))
                                            .unwrap_or_default()
                                    })
                                };
                                view! {
                                    <tr>
                                        <th scope="row">{header.clone()}</th>
                                        <td class="muted">{samples}</td>
                                        <td>
                                            <select
                                                aria-label=aria
                                                data-column=header
                                                on:change=move |ev| set_target(i, event_target_value(&ev))
                                            >
                                                {move || {
                                                    let current = selected();
                                                    options()
                                                        .into_iter()
                                                        .map(|(value, label)| {
                                                            let on = value == current;
                                                            view! { <option value=value selected=on>{label}</option> }
                                                        })
                                                        .collect_view()
                                                }}
                                            </select>
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
            <fieldset class="fields">
                <legend>{move || i18n.t(Msg::ImportOptions)}</legend>
                <label>
                    <span>{move || i18n.t(Msg::ImportDefaultCurrency)}</span>
                    <input
                        type="text"
                        maxlength="3"
                        size="4"
                        data-testid="import-currency"
                        prop:value=move || opts.with(|o| o.currency.clone())
                        on:change=move |ev| {
                            let v = event_target_value(&ev).to_uppercase();
                            set_opts(Box::new(move |o| o.currency = v));
                        }
                    />
                </label>
                <Show when=move || kind.get() != Kind::Company>
                    <label class="inline check-label">
                        <input
                            type="checkbox"
                            prop:checked=move || opts.with(|o| o.create_companies)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                set_opts(Box::new(move |o| o.create_companies = on));
                            }
                        />
                        <span>{move || i18n.t(Msg::ImportCreateCompanies)}</span>
                    </label>
                </Show>
                <Show when=move || kind.get() == Kind::Deal>
                    <label class="inline check-label">
                        <input
                            type="checkbox"
                            prop:checked=move || opts.with(|o| o.create_contacts)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                set_opts(Box::new(move |o| o.create_contacts = on));
                            }
                        />
                        <span>{move || i18n.t(Msg::ImportCreateContacts)}</span>
                    </label>
                    <label>
                        <span>{move || i18n.t(Msg::ImportPipeline)}</span>
                        <select on:change=move |ev| {
                            let v = event_target_value(&ev);
                            set_opts(Box::new(move |o| o.pipeline = v));
                        }>
                            <option value="">{move || i18n.t(Msg::ImportFirstPipeline)}</option>
                            {crate::pages::records::table::option_list(pipelines)}
                        </select>
                    </label>
                </Show>
                <label>
                    <span>{move || i18n.t(Msg::ImportCompanyKind)}</span>
                    <select on:change=move |ev| {
                        let v = event_target_value(&ev);
                        set_opts(Box::new(move |o| o.company_kind = v));
                    }>
                        {COMPANY_KINDS
                            .iter()
                            .map(|k| {
                                view! {
                                    <option value=*k selected=move || opts.with(|o| o.company_kind == *k)>
                                        {move || i18n.choice(k)}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            </fieldset>
        </section>
    }
}

#[component]
fn PreviewCard(
    kind: RwSignal<Kind>,
    preview: Memo<Option<Result<Vec<PreviewRow>, String>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let body = move || {
        let k = kind.get();
        match preview.get() {
            None => ().into_any(),
            Some(Err(e)) => {
                view! { <p class="error" role="alert" data-testid="import-mapping-error">{e}</p> }
                    .into_any()
            }
            Some(Ok(rows)) => {
                let mut keys: Vec<String> = Vec::new();
                for v in rows.iter().flat_map(|r| r.values.iter()) {
                    let key = preview_key(v);
                    if !keys.contains(&key) {
                        keys.push(key);
                    }
                }
                // The kind's own order (as on a record page), custom fields after.
                let position = |key: &String| {
                    k.fields()
                        .iter()
                        .position(|f| f.name == key)
                        .unwrap_or(usize::MAX)
                };
                keys.sort_by_key(position);
                let heads = keys
                    .iter()
                    .map(|key| {
                        let label = match key.strip_prefix("custom:") {
                            Some(l) => l.to_owned(),
                            None => i18n.field(key),
                        };
                        view! { <th scope="col">{label}</th> }
                    })
                    .collect_view();
                let lines = rows
                    .iter()
                    .map(|r| {
                        let cells = session
                            .with(|ws| {
                                keys.iter()
                                    .map(|key| {
                                        r.values
                                            .iter()
                                            .find(|v| &preview_key(v) == key)
                                            .map(|v| preview_text(ws, &i18n, k, v))
                                            .unwrap_or_default()
                                    })
                                    .collect::<Vec<_>>()
                            })
                            .unwrap_or_default();
                        let status = match (&r.error, r.duplicate) {
                            (Some(e), _) => row_error(i18n.locale(), e),
                            (None, Some(_)) => i18n.t(Msg::ImportPossibleDuplicate),
                            _ => String::new(),
                        };
                        let bad = r.error.is_some();
                        view! {
                            <tr class:rejected=bad>
                                <th scope="row">{format_number(i18n.locale(), r.line as f64)}</th>
                                {cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}
                                <td>{status}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-scroll" tabindex="0" role="region" aria-label=move || i18n.t(Msg::ImportPreview)>
                        <table class="import-preview" data-testid="import-preview">
                            <thead>
                                <tr>
                                    <th scope="col">{i18n.t(Msg::ImportLine)}</th>
                                    {heads}
                                    <th scope="col">{i18n.t(Msg::ImportStatus)}</th>
                                </tr>
                            </thead>
                            <tbody>{lines}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        }
    };
    view! {
        <section class="card" aria-labelledby="import-preview-title">
            <h2 id="import-preview-title">{move || i18n.t(Msg::ImportPreview)}</h2>
            {body}
        </section>
    }
}

#[component]
fn ReviewCard(
    report: RwSignal<Option<Report>>,
    all_choice: RwSignal<Choice>,
    row_choices: RwSignal<HashMap<usize, Choice>>,
    on_download: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let n = move |v: usize| format_number(i18n.locale(), v as f64);
    let figure = move |f: fn(&Report) -> usize| report.with(|r| r.as_ref().map_or(0, f));
    let ready = move || figure(|r| r.rows.saturating_sub(r.rejected.len() + r.duplicates.len()));
    let choice_value = |c: Choice| match c {
        Choice::Skip => "skip",
        Choice::Merge => "merge",
        Choice::Create => "create",
    };
    let parse_choice = |v: &str| match v {
        "merge" => Choice::Merge,
        "create" => Choice::Create,
        _ => Choice::Skip,
    };
    let choices = [
        (Choice::Skip, Msg::ImportDupSkip),
        (Choice::Merge, Msg::ImportDupMerge),
        (Choice::Create, Msg::ImportDupCreate),
    ];
    let duplicates = move || {
        report.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.duplicates
                        .iter()
                        .take(LIST_LIMIT)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let dup_row = move |d: Duplicate| {
        let line = d.line;
        let (of_text, of_href) = match d.of {
            DupOf::Existing(id) => {
                let kind_title = session.with_untracked(|ws| {
                    [Kind::Contact, Kind::Company, Kind::Deal]
                        .into_iter()
                        .find_map(|k| ws.get(k, id).map(|r| (k, r.title().to_owned())))
                });
                match kind_title.flatten() {
                    Some((k, title)) => (title, href(k, id)),
                    None => (String::new(), None),
                }
            }
            DupOf::Row(other) => (
                i18n.t_with(Msg::ImportMatchesLine, &[("line", &n(other))]),
                None,
            ),
        };
        let reasons = d
            .reasons
            .iter()
            .map(|r| reason_text(&i18n, r))
            .collect::<Vec<_>>()
            .join("; ");
        view! {
            <tr>
                <th scope="row">{n(line)}</th>
                <td>
                    {match of_href {
                        Some(h) => view! { <a href=h>{of_text}</a> }.into_any(),
                        None => view! { <span>{of_text}</span> }.into_any(),
                    }}
                    <div class="muted">{reasons}</div>
                </td>
                <td>
                    <select
                        aria-label=i18n.t_with(Msg::ImportDupChoiceFor, &[("line", &n(line))])
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            row_choices.update(|m| {
                                if v.is_empty() {
                                    m.remove(&line);
                                } else {
                                    m.insert(line, parse_choice(&v));
                                }
                            });
                        }
                    >
                        <option value="">{i18n.t(Msg::ImportDupAsAll)}</option>
                        {choices
                            .iter()
                            .map(|(c, msg)| view! { <option value=choice_value(*c)>{i18n.t(*msg)}</option> })
                            .collect_view()}
                    </select>
                </td>
            </tr>
        }
    };
    let rejected = move || {
        report.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.rejected
                        .iter()
                        .take(LIST_LIMIT)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let warnings = move || {
        report.with(|r| {
            r.as_ref()
                .map(|r| {
                    r.warnings
                        .iter()
                        .take(LIST_LIMIT)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let more = move |f: fn(&Report) -> usize| {
        let extra = figure(f).saturating_sub(LIST_LIMIT);
        (extra > 0).then(|| view! { <p class="muted">{i18n.t_with(Msg::ImportMore, &[("count", &n(extra))])}</p> })
    };
    view! {
        <section class="card" aria-labelledby="import-review-title" data-testid="import-review">
            <h2 id="import-review-title">{move || i18n.t(Msg::ImportReview)}</h2>
            <dl class="figures">
                <div><dt>{move || i18n.t(Msg::ImportRowsRead)}</dt><dd data-testid="import-rows">{move || n(figure(|r| r.rows))}</dd></div>
                <div><dt>{move || i18n.t(Msg::ImportReady)}</dt><dd data-testid="import-ready">{move || n(ready())}</dd></div>
                <div><dt>{move || i18n.t(Msg::ImportDuplicates)}</dt><dd data-testid="import-duplicates">{move || n(figure(|r| r.duplicates.len()))}</dd></div>
                <div><dt>{move || i18n.t(Msg::ImportRejected)}</dt><dd data-testid="import-rejected">{move || n(figure(|r| r.rejected.len()))}</dd></div>
            </dl>
            <Show when={move || figure(|r| r.duplicates.len()) > 0}>
                <h3>{move || i18n.t(Msg::ImportDuplicates)}</h3>
                <fieldset class="fields">
                    <legend>{move || i18n.t(Msg::ImportDupAll)}</legend>
                    {choices
                        .iter()
                        .map(|&(c, msg)| {
                            view! {
                                <label class="inline check-label">
                                    <input
                                        type="radio"
                                        name="dup-all"
                                        value=choice_value(c)
                                        prop:checked=move || all_choice.get() == c
                                        on:change=move |_| all_choice.set(c)
                                    />
                                    <span>{move || i18n.t(msg)}</span>
                                </label>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <table class="import-list" data-testid="import-duplicate-list">
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t(Msg::ImportLine)}</th>
                            <th scope="col">{move || i18n.t(Msg::ImportMatches)}</th>
                            <th scope="col">{move || i18n.t(Msg::ImportDupChoice)}</th>
                        </tr>
                    </thead>
                    <tbody>{move || duplicates().into_iter().map(dup_row).collect_view()}</tbody>
                </table>
                {move || more(|r| r.duplicates.len())}
            </Show>
            <Show when={move || figure(|r| r.rejected.len()) > 0}>
                <h3>{move || i18n.t(Msg::ImportRejected)}</h3>
                <table class="import-list" data-testid="import-rejected-list">
                    <thead>
                        <tr>
                            <th scope="col">{move || i18n.t(Msg::ImportLine)}</th>
                            <th scope="col">{move || i18n.t(Msg::ImportReason)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            rejected()
                                .into_iter()
                                .map(|r| view! {
                                    <tr>
                                        <th scope="row">{n(r.line)}</th>
                                        <td>{row_error(i18n.locale(), &r.reason)}</td>
                                    </tr>
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
                {move || more(|r| r.rejected.len())}
                <button type="button" class="button" data-testid="import-download-rejected" on:click=move |_| on_download.run(())>
                    {move || i18n.t(Msg::ImportDownloadRejected)}
                </button>
            </Show>
            <Show when={move || figure(|r| r.warnings.len()) > 0}>
                <h3>{move || i18n.t(Msg::ImportWarnings)}</h3>
                <ul data-testid="import-warning-list">
                    {move || {
                        warnings()
                            .into_iter()
                            .map(|w| {
                                let text = row_warning(i18n.locale(), &w.warning);
                                let text = if w.line == 0 {
                                    text
                                } else {
                                    format!("{} {}: {text}", i18n.t(Msg::ImportLine), n(w.line))
                                };
                                view! { <li>{text}</li> }
                            })
                            .collect_view()
                    }}
                </ul>
                {move || more(|r| r.warnings.len())}
            </Show>
        </section>
    }
}

/// The end of an import: what it did with an Undo, or why it was refused.
#[component]
fn Outcome(phase: RwSignal<Phase>, kind: RwSignal<Kind>, session: Session) -> impl IntoView {
    let i18n = use_i18n();
    let n = move |v: usize| format_number(i18n.locale(), v as f64);
    view! {
        {move || match phase.get() {
            Phase::Done(s, step) => {
                let created_also = [
                    (Msg::ImportCompaniesCreated, s.companies_created),
                    (Msg::ImportContactsCreated, s.contacts_created),
                    (Msg::ImportPipelinesCreated, s.pipelines_created),
                    (Msg::ImportTerritoriesCreated, s.territories_created),
                    (Msg::ImportFieldsCreated, s.custom_fields_created),
                ]
                    .into_iter()
                    .filter(|(_, c)| *c > 0)
                    .map(|(msg, c)| view! { <li>{i18n.t_with(msg, &[("count", &n(c))])}</li> })
                    .collect_view();
                let list = format!("/{}", kind.get_untracked().collection());
                view! {
                    <section class="card" role="status" data-testid="import-done">
                        <h2>{i18n.t(Msg::ImportDoneTitle)}</h2>
                        <p data-testid="import-done-summary">
                            {i18n.t_with(
                                Msg::ImportDoneSummary,
                                &[("created", &n(s.created)), ("merged", &n(s.merged)), ("skipped", &n(s.skipped)), ("rejected", &n(s.rejected))],
                            )}
                        </p>
                        <ul>{created_also}</ul>
                        <div class="fields">
                            <a href=list class="button primary">{i18n.t(Msg::ImportOpenList)}</a>
                            <button
                                type="button"
                                class="button"
                                data-testid="import-undo"
                                on:click=move |_| {
                                    // The import's own step: whatever was changed since stays.
                                    let undone = match step {
                                        Some(step) => session.undo_step(step),
                                        None => Err(CommandError::NothingToUndo),
                                    };
                                    match undone {
                                        Ok(()) => phase.set(Phase::Undone),
                                        Err(e) => phase.set(Phase::Refused(command_error(i18n.locale_untracked(), &e))),
                                    }
                                }
                            >
                                {i18n.t(Msg::ImportUndo)}
                            </button>
                        </div>
                    </section>
                }
                    .into_any()
            }
            Phase::Undone => view! { <p class="card" role="status" data-testid="import-undone">{i18n.t(Msg::ImportUndone)}</p> }.into_any(),
            Phase::Refused(why) => view! { <p class="card error" role="alert" data-testid="import-refused">{why}</p> }.into_any(),
            _ => ().into_any(),
        }}
    }
}
