//! `crm`: a workspace file (the app's "Download workspace file" or JSON export) on the command
//! line, so a team's data is usable with no browser at all: scripts, backups, audits.
//!
//!   crm list contacts workspace.automerge            every live contact as JSON
//!   crm list deals workspace.json --search acme      those matching a search
//!   crm export workspace.automerge --json -o out.json
//!   crm export workspace.json --automerge -o out.automerge
//!   crm report workspace.automerge --from 2026-01-01 --to 2027-01-01   analytics as JSON
//!   crm import workspace.automerge contacts people.csv    CSV or vCard rows into the file
//!   crm list contacts workspace.automerge --csv           a list as CSV

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use crm_core::{Ctx, Kind, Timestamp, Workspace};

#[derive(Debug, Parser)]
#[command(
    name = "crm",
    version,
    about = "A Hearth CRM workspace file on the command line"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Prints the records of one kind (contacts, companies, deals, activities, tasks, ...) as
    /// JSON, one array, in the workspace JSON export's record format.
    List {
        /// The collection: contacts, companies, deals, pipelines, activities, tasks, members,
        /// territories, tags, custom_fields, views.
        kind: String,
        /// A workspace file (.automerge) or a JSON export.
        file: PathBuf,
        /// Only records matching every word as a prefix (names, emails, phones, notes...).
        #[arg(long)]
        search: Option<String>,
        /// Include records in the trash.
        #[arg(long)]
        trashed: bool,
        /// CSV (the list's columns) instead of JSON.
        #[arg(long)]
        csv: bool,
    },
    /// Imports a CSV or vCard file into the workspace file (written back in place, or to
    /// `--output`). Columns are mapped from their headers (English, Persian, Russian, or the
    /// exports of HubSpot, Pipedrive, Google Contacts and Outlook); rows duplicating a record
    /// are skipped unless `--duplicates merge|create`. Refused rows are listed with their line
    /// and reason, and written as CSV to `--rejected` to fix and import again.
    Import {
        file: PathBuf,
        /// contacts, companies or deals.
        kind: String,
        /// A .csv or .vcf file.
        data: PathBuf,
        #[arg(long, default_value = "skip")]
        duplicates: String,
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[arg(long)]
        rejected: Option<PathBuf>,
    },
    /// Prints the analytics figures as JSON: open deals by stage, win rate over the period, and
    /// RFM scores and segments of the customers who bought in it.
    Report {
        file: PathBuf,
        /// First day of the period (UTC, YYYY-MM-DD); default: a year before `--to`.
        #[arg(long)]
        from: Option<String>,
        /// Day after the period (UTC, YYYY-MM-DD); default: tomorrow.
        #[arg(long)]
        to: Option<String>,
    },
    /// Writes the whole workspace as JSON (documented schema) or as an Automerge file.
    Export {
        file: PathBuf,
        #[arg(long, conflicts_with = "automerge")]
        json: bool,
        #[arg(long)]
        automerge: bool,
        /// Where to write; standard output when absent.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

fn actor() -> [u8; 16] {
    let mut b = [0u8; 16];
    // An actor id only matters for changes this run makes; a clock-based fallback is unique
    // enough for a one-off process.
    if getrandom::fill(&mut b).is_err() {
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        b = t.to_le_bytes();
    }
    b
}

fn now() -> Timestamp {
    Timestamp(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or(0),
    )
}

/// Opens a workspace file or a JSON export, whichever `path` holds.
fn open(path: &Path) -> anyhow::Result<Workspace> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let ws = if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        let text = String::from_utf8(bytes)
            .with_context(|| format!("{} is not UTF-8 JSON", path.display()))?;
        Workspace::import_json(
            &text,
            actor(),
            &Ctx {
                now: now(),
                by: None,
            },
        )
    } else {
        Workspace::load(&bytes, actor())
    };
    ws.with_context(|| format!("{} is not a Hearth workspace", path.display()))
}

/// Midnight UTC of a `YYYY-MM-DD` day (a real one: the app's own date rule).
fn day(text: &str) -> anyhow::Result<Timestamp> {
    let bad = || anyhow::anyhow!("{text:?} is not a day: write it as YYYY-MM-DD");
    let (y, m, d) = crm_core::value::parse_date(text.trim()).ok_or_else(bad)?;
    // Four-digit years only, so the milliseconds cannot overflow.
    Ok(Timestamp(
        crm_core::pipeline::days_from_civil(y, m, d) * DAY_MS,
    ))
}

const DAY_MS: i64 = 86_400_000;

/// Amounts per currency as `{"EUR": "1200.00"}`.
fn money_json(per: &std::collections::BTreeMap<crm_core::Currency, i64>) -> serde_json::Value {
    per.iter()
        .map(|(c, minor)| {
            (
                c.code().to_owned(),
                serde_json::Value::String(crm_core::Money::new(*minor, *c).to_string()),
            )
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn report(
    ws: &Workspace,
    period: crm_core::analytics::Period,
    now: Timestamp,
) -> serde_json::Value {
    use crm_core::analytics::{PipelineCut, RfmParams, pipeline, rfm};
    use serde_json::json;
    let title = |kind: Kind, id: crm_core::Id| {
        ws.get(kind, id)
            .map(|r| r.title().to_owned())
            .unwrap_or_default()
    };
    let cut = PipelineCut::new(period);
    let pipelines: Vec<_> = pipeline::open_by_stage(ws, &cut.deals)
        .into_iter()
        .map(|p| {
            json!({
                "pipeline": title(Kind::Pipeline, p.pipeline),
                "stages": p.stages.iter().map(|s| json!({
                    "stage": s.stage.name,
                    "open_deals": s.open.deals.len(),
                    "value": money_json(&s.open.value),
                    "weighted": money_json(&s.open.weighted),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let win = pipeline::win_rate(ws, &cut);
    let customers = rfm(
        ws,
        &RfmParams {
            window: period,
            now,
            currency: None,
        },
    );
    json!({
        "period": { "from": period.from.0, "to": period.to.0 },
        "open_deals_by_stage": pipelines,
        "win_rate": {
            "won": win.won.len(),
            "lost": win.lost.len(),
            "by_count": win.by_count.value(),
            "won_value": money_json(&win.won_value),
            "lost_value": money_json(&win.lost_value),
        },
        "rfm": {
            "currency": customers.currency.code(),
            "customers": customers.customers.iter().map(|c| json!({
                "company": title(Kind::Company, c.company),
                "id": c.company.to_string(),
                "recency_days": c.recency_days,
                "frequency": c.frequency,
                "monetary": crm_core::Money::new(c.monetary, customers.currency).to_string(),
                "r": c.r, "f": c.f, "m": c.m,
                "segment": c.segment.key(),
            })).collect::<Vec<_>>(),
        },
    })
}

fn kind_of(name: &str) -> anyhow::Result<Kind> {
    Kind::from_collection(name).ok_or_else(|| {
        let known: Vec<&str> = Kind::ALL.iter().map(|k| k.collection()).collect();
        anyhow::anyhow!(
            "unknown record kind {name:?}: use one of {}",
            known.join(", ")
        )
    })
}

fn import(
    file: &Path,
    kind: &str,
    data: &Path,
    duplicates: &str,
    output: Option<&Path>,
    rejected: Option<&Path>,
) -> anyhow::Result<()> {
    use crm_core::import::{Choice, Choices, CsvOptions, read_csv, read_vcards};
    let kind = kind_of(kind)?;
    let choice = match duplicates {
        "skip" => Choice::Skip,
        "merge" => Choice::Merge,
        "create" => Choice::Create,
        other => bail!("--duplicates {other:?}: use skip, merge or create"),
    };
    let mut ws = open(file)?;
    let bytes = std::fs::read(data).with_context(|| format!("cannot read {}", data.display()))?;
    let is_vcard = data
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("vcf") || e.eq_ignore_ascii_case("vcard"));
    let table = if is_vcard {
        read_vcards(&bytes, None)
    } else {
        read_csv(&bytes, &CsvOptions::default())
    };
    for p in &table.problems {
        eprintln!("{}: {p:?}", data.display());
    }
    let mapping = crm_core::import::guess_mapping(&table.headers, kind, &ws);
    let options = crm_core::ImportOptions::new(ws.default_currency());
    let mut builder = crm_core::PlanBuilder::new(&ws, &mapping, options).with_context(|| {
        format!(
            "{} cannot be imported as {}",
            data.display(),
            kind.collection()
        )
    })?;
    builder.learn_date_order(&table.rows);
    builder.push(&table.rows);
    let draft = builder.finish();
    for r in draft.rejected() {
        eprintln!("line {}: {}", r.line, r.reason);
    }
    if let Some(path) = rejected {
        let csv = draft.rejected_csv("error", |e| e.to_string());
        std::fs::write(path, csv).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let plan = draft.plan(&ws, &Choices::all(choice), actor);
    let ctx = Ctx {
        now: now(),
        by: None,
    };
    plan.apply(&mut ws, &ctx)
        .map_err(|e| anyhow::anyhow!("nothing was imported: {e}"))?;
    let out = output.unwrap_or(file);
    std::fs::write(out, ws.save()).with_context(|| format!("cannot write {}", out.display()))?;
    let s = plan.summary;
    println!(
        "{} rows: {} created, {} merged, {} skipped as duplicates, {} refused; {} companies and {} contacts created -> {}",
        s.rows,
        s.created,
        s.merged,
        s.skipped,
        s.rejected,
        s.companies_created,
        s.contacts_created,
        out.display()
    );
    Ok(())
}

fn write_out(output: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(p) => {
            std::fs::write(p, bytes).with_context(|| format!("cannot write {}", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)?;
            Ok(out.flush()?)
        }
    }
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Cmd::List {
            kind,
            file,
            search,
            trashed,
            csv,
        } => {
            let kind = kind_of(&kind)?;
            let ws = open(&file)?;
            if csv {
                let query = crm_core::Query {
                    search,
                    trashed,
                    ..crm_core::Query::new(kind)
                };
                let columns = crm_core::import::default_columns(&ws, kind);
                let text = crm_core::import::export_csv(&ws, &query, &columns);
                return write_out(None, text.as_bytes());
            }
            let export: serde_json::Value = serde_json::from_str(&ws.export_json())?;
            // The list query's search covers the trash too, when asked for.
            let hits: Option<std::collections::BTreeSet<String>> = search.map(|q| {
                [false, true]
                    .into_iter()
                    .filter(|t| !t || trashed)
                    .flat_map(|t| {
                        let query = crm_core::Query {
                            search: Some(q.clone()),
                            trashed: t,
                            ..crm_core::Query::new(kind)
                        };
                        ws.query(&query).into_iter().flat_map(|g| g.ids)
                    })
                    .map(|id| id.to_string())
                    .collect()
            });
            let records: Vec<&serde_json::Value> = export["records"][kind.collection()]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default();
            let shown: Vec<&serde_json::Value> = records
                .into_iter()
                .filter(|r| trashed || r["trashed_at"].is_null())
                .filter(|r| {
                    hits.as_ref()
                        .is_none_or(|h| r["id"].as_str().is_some_and(|id| h.contains(id)))
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&shown)?;
            text.push('\n');
            write_out(None, text.as_bytes())
        }
        Cmd::Report { file, from, to } => {
            let now = now();
            let to = match to {
                Some(t) => day(&t)?,
                None => Timestamp((now.0.div_euclid(DAY_MS) + 1) * DAY_MS),
            };
            let from = match from {
                Some(f) => day(&f)?,
                None => Timestamp(to.0 - 365 * DAY_MS),
            };
            if from >= to {
                bail!("the period is empty: --from must be before --to");
            }
            let ws = open(&file)?;
            let period = crm_core::analytics::Period::new(from, to);
            let mut text = serde_json::to_string_pretty(&report(&ws, period, now))?;
            text.push('\n');
            write_out(None, text.as_bytes())
        }
        Cmd::Import {
            file,
            kind,
            data,
            duplicates,
            output,
            rejected,
        } => import(
            &file,
            &kind,
            &data,
            &duplicates,
            output.as_deref(),
            rejected.as_deref(),
        ),
        Cmd::Export {
            file,
            json,
            automerge,
            output,
        } => {
            if !json && !automerge {
                bail!("say which format: --json or --automerge");
            }
            let mut ws = open(&file)?;
            let bytes = if json {
                let mut text = ws.export_json();
                text.push('\n');
                text.into_bytes()
            } else {
                ws.save()
            };
            write_out(output.as_deref(), &bytes)
        }
    }
}
