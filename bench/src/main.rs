//! `crm-bench`: deterministic datasets and native timings of the workspace engine.
//!
//!   crm-bench generate M out.automerge [out.json]   write dataset M as a workspace file (and
//!                                        the same records as plain JSON for bench/peers/)
//!   crm-bench generate-json M out.json   only the JSON
//!   crm-bench native M                   time open, edit and search natively (Markdown rows)
//!   crm-bench analytics M [CLOSED_FILE]  time each analytics function (the dashboard's figures)
//!                                        on M and on M with 40% of its deals closed (written
//!                                        to CLOSED_FILE if given)
//!   crm-bench relay-load URL N SECONDS   N sync clients against a relay; prints a JSON summary
//!   crm-bench relay-catchup URL ENTRIES SIZE CLIENTS [PAUSE_MS]
//!                                        fills a log, then CLIENTS catch up on it at once
//!   crm-bench relay-fanout RELAY_BIN DIST_DIR [CLIENTS] [WORKSPACES] [SECONDS] [RUNS]
//!                                        starts the relay, N clients spread over W workspaces,
//!                                        delivery latency and the relay's CPU and memory (Markdown)

mod analytics;
mod catchup;
mod dataset;
mod fanout;
mod relay_load;

use std::time::Instant;

use anyhow::{Context, bail};
use crm_core::{Command, Ctx, FieldValue, Kind, Timestamp, Workspace};
use dataset::{Size, generate};

const SEED: u64 = 20_261_123;

fn median_ms(mut samples: Vec<f64>) -> (f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    (
        samples[samples.len() / 2],
        samples[0],
        samples[samples.len() - 1],
    )
}

fn time<R>(f: impl FnOnce() -> R) -> (R, f64) {
    let start = Instant::now();
    let r = f();
    (r, start.elapsed().as_secs_f64() * 1000.0)
}

fn row(what: &str, (median, min, max): (f64, f64, f64), runs: usize) {
    println!("| {what} | {median:.2} | {min:.2} | {max:.2} | {runs} |");
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("relay-load") {
        return relay_load_cmd(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("relay-fanout") {
        return relay_fanout_cmd(&args[1..]);
    }
    if args.first().map(String::as_str) == Some("relay-catchup") {
        return relay_catchup_cmd(&args[1..]);
    }
    let size_arg = args.get(1).map(String::as_str).unwrap_or("M");
    let size =
        Size::parse(size_arg).with_context(|| format!("unknown size {size_arg}: use S, M or L"))?;
    match args.first().map(String::as_str) {
        Some("generate") => {
            let out = args
                .get(2)
                .context("usage: crm-bench generate SIZE FILE [JSON_FILE]")?;
            let (mut ws, ms) = time(|| generate(size, SEED));
            let bytes = ws.save();
            std::fs::write(out, &bytes).with_context(|| format!("cannot write {out}"))?;
            eprintln!(
                "dataset {size_arg}: {} bytes in {ms:.0} ms -> {out}",
                bytes.len()
            );
            if let Some(json_out) = args.get(3) {
                write_peers_json(&ws, size_arg, json_out)?;
            }
        }
        Some("generate-json") => {
            let out = args
                .get(2)
                .context("usage: crm-bench generate-json SIZE FILE")?;
            write_peers_json(&generate(size, SEED), size_arg, out)?;
        }
        Some("native") => native(size_arg, size)?,
        Some("screens") => screens(size_arg, size)?,
        Some("analytics") => analytics::run(size_arg, size, args.get(2).map(String::as_str))?,
        _ => bail!(
            "usage: crm-bench generate SIZE FILE [JSON_FILE] | generate-json SIZE FILE | native SIZE | screens SIZE | analytics SIZE [CLOSED_FILE] | relay-load URL CLIENTS SECONDS [GROUP] [WARMUP] | relay-catchup URL ENTRIES SIZE CLIENTS [PAUSE_MS] | relay-fanout RELAY_BIN DIST_DIR [CLIENTS] [WORKSPACES] [SECONDS] [RUNS]"
        ),
    }
    Ok(())
}

fn write_peers_json(ws: &Workspace, label: &str, out: &str) -> anyhow::Result<()> {
    let json = dataset::peers_json(ws, label, SEED)?;
    std::fs::write(out, &json).with_context(|| format!("cannot write {out}"))?;
    eprintln!("dataset {label} as JSON: {} bytes -> {out}", json.len());
    Ok(())
}

/// Argument `i` of a subcommand as a number: `default` if it is missing (None: it must be
/// there), and `usage` in the error otherwise.
fn num_arg(args: &[String], i: usize, default: Option<u64>, usage: &str) -> anyhow::Result<u64> {
    match args.get(i) {
        Some(a) => a
            .parse()
            .with_context(|| format!("{a}: not a number; {usage}")),
        None => default.context(usage.to_owned()),
    }
}

/// `relay-catchup URL ENTRIES SIZE CLIENTS [PAUSE_MS]`: prints one JSON object with how the
/// clients' catch-ups went (bench/src/catchup.rs).
fn relay_catchup_cmd(args: &[String]) -> anyhow::Result<()> {
    let usage =
        "usage: crm-bench relay-catchup ws://HOST:PORT/sync ENTRIES SIZE CLIENTS [PAUSE_MS]";
    let num = |i: usize, default: Option<u64>| num_arg(args, i, default, usage);
    let cfg = catchup::Config {
        url: args.first().context(usage)?.clone(),
        entries: usize::try_from(num(1, None)?)?,
        size: usize::try_from(num(2, None)?)?,
        clients: usize::try_from(num(3, None)?)?,
        pause_ms: num(4, Some(0))?,
    };
    println!("{}", catchup::run(&cfg)?);
    Ok(())
}

/// `relay-load URL CLIENTS SECONDS [GROUP] [WARMUP]`: prints one JSON object with the delivery
/// latencies' percentiles (ms) and the counts, for `bench/compare/relay.mjs`.
fn relay_load_cmd(args: &[String]) -> anyhow::Result<()> {
    let usage = "usage: crm-bench relay-load ws://HOST:PORT/sync CLIENTS SECONDS [GROUP] [WARMUP]";
    let num = |i: usize, default: Option<u64>| num_arg(args, i, default, usage);
    let cfg = relay_load::Config {
        url: args.first().context(usage)?.clone(),
        clients: usize::try_from(num(1, None)?)?,
        seconds: num(2, None)?,
        group: usize::try_from(num(3, Some(10))?)?,
        warmup_s: num(4, Some(3))?,
        own_workspaces: false,
        relay_pid: None,
        phases: relay_load::Phases::Burst,
    };
    let mut s = relay_load::run(&cfg)?;
    s.latencies_us.sort_unstable();
    let pct = |p: f64| relay_load::percentile_ms(&s.latencies_us, p);
    println!(
        "{}",
        serde_json::json!({
            "clients": cfg.clients,
            "group": cfg.group,
            "seconds": cfg.seconds,
            "sent": s.sent,
            "expected": s.expected,
            "delivered": s.latencies_us.len(),
            "failed_clients": s.failed_clients,
            "p50_ms": pct(50.0),
            "p99_ms": pct(99.0),
            "max_ms": pct(100.0),
        })
    );
    Ok(())
}

/// `relay-fanout RELAY_BIN DIST_DIR [CLIENTS=200] [WORKSPACES=20] [SECONDS=30] [RUNS=3]`.
fn relay_fanout_cmd(args: &[String]) -> anyhow::Result<()> {
    let usage =
        "usage: crm-bench relay-fanout RELAY_BIN DIST_DIR [CLIENTS] [WORKSPACES] [SECONDS] [RUNS]";
    let num = |i: usize, default: u64| -> anyhow::Result<u64> {
        args.get(i).map_or(Ok(default), |a| {
            a.parse()
                .with_context(|| format!("{a}: not a number; {usage}"))
        })
    };
    fanout::run(&fanout::Options {
        relay_bin: args.first().context(usage)?.clone(),
        dist_dir: args.get(1).context(usage)?.clone(),
        clients: usize::try_from(num(2, 200)?)?,
        workspaces: usize::try_from(num(3, 20)?)?,
        seconds: num(4, 30)?,
        warmup_s: 3,
        runs: usize::try_from(num(5, 3)?)?,
    })
}

fn native(label: &str, size: Size) -> anyhow::Result<()> {
    let (mut ws, gen_ms) = time(|| generate(size, SEED));
    let bytes = ws.save();
    let (mut contacts_only, _) = time(|| contacts_only(&ws));
    let contacts_bytes = contacts_only.save();
    println!(
        "Dataset {label}: {} records, workspace file {:.1} MB, generated in {:.1} s",
        count(&ws),
        bytes.len() as f64 / 1e6,
        gen_ms / 1000.0
    );
    println!();
    println!("| {label}, native | median ms | min | max | runs |");
    println!("|---|---:|---:|---:|---:|");
    let runs = 5;
    let opens: Vec<f64> = (0..runs)
        .map(|i| time(|| Workspace::load(&bytes, [i as u8 + 1; 16]).map(|w| count(&w))).1)
        .collect();
    row(
        "open workspace file to ready view (load and records; search index built on first use)",
        median_ms(opens),
        runs,
    );
    let raw: Vec<f64> = (0..runs)
        .map(|_| time(|| automerge::AutoCommit::load(&bytes).map(|_| ())).1)
        .collect();
    row("of which: Automerge load alone", median_ms(raw), runs);
    let loaded = automerge::AutoCommit::load(&bytes)?;
    let hyd: Vec<f64> = (0..runs)
        .map(|_| {
            time(|| {
                use automerge::ReadDoc;
                loaded.hydrate(automerge::ROOT, None).map(|_| ())
            })
            .1
        })
        .collect();
    row(
        "of which: hydrating the whole document",
        median_ms(hyd),
        runs,
    );
    let shard: Vec<f64> = (0..runs)
        .map(|i| time(|| Workspace::load(&contacts_bytes, [i as u8 + 1; 16]).map(|w| count(&w))).1)
        .collect();
    row(
        "open a contacts-only document (sharded layout's first screen)",
        median_ms(shard),
        runs,
    );

    let ids: Vec<_> = ws.live(Kind::Contact).map(|r| r.id).take(101).collect();
    let edits: Vec<f64> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            time(|| {
                let cmd = Command::Update {
                    kind: Kind::Contact,
                    id: *id,
                    fields: vec![("name".into(), Some(FieldValue::text(format!("Edited {i}"))))],
                };
                ws.apply(
                    cmd,
                    &Ctx {
                        now: Timestamp(i as i64),
                        by: None,
                    },
                )
                .map(|()| ws.save_incremental().len())
            })
            .1
        })
        .collect();
    row(
        "one field edit: command, document, view, incremental bytes",
        median_ms(edits),
        ids.len(),
    );
    ws.warm_search_index();
    let searches: Vec<f64> = ["ann", "pet", "kar", "ber", "мар", "علی", "glo"]
        .iter()
        .cycle()
        .take(70)
        .map(|q| time(|| ws.search(q).len()).1)
        .collect();
    row("3-letter search", median_ms(searches), 70);
    let first: Vec<f64> = (0..3)
        .map(|i| {
            let fresh = Workspace::load(&bytes, [i as u8 + 50; 16]).expect("the workspace reloads");
            time(|| fresh.search("ann").len()).1
        })
        .collect();
    row(
        "first search after open (builds the index)",
        median_ms(first),
        3,
    );
    let saves: Vec<f64> = (0..3).map(|_| time(|| ws.save().len()).1).collect();
    row("compaction: save the whole workspace", median_ms(saves), 3);
    Ok(())
}

/// What each screen asks the engine for, natively: the engine's share of a frame.
fn screens(label: &str, size: Size) -> anyhow::Result<()> {
    use crm_core::{BoardFilter, FeedFilter, FieldKey, Query, Sort};
    let mut ws = generate(size, SEED);
    let runs = 21;
    let each = |f: &mut dyn FnMut() -> usize| -> (f64, f64, f64) {
        f();
        median_ms((0..runs).map(|_| time(&mut *f).1).collect())
    };
    let sorted = |kind: Kind, field: &str| Query {
        sort: vec![Sort {
            key: FieldKey::Field(field.into()),
            descending: false,
        }],
        ..Query::new(kind)
    };
    println!("| {label}, native: what a screen asks the engine | median ms | min | max | runs |");
    println!("|---|---:|---:|---:|---:|");
    let contacts = sorted(Kind::Contact, "name");
    row(
        "contacts list: query sorted by name, run in full (cache dropped first)",
        each(&mut || {
            ws.drop_query_cache();
            ws.query(&contacts).len()
        }),
        runs,
    );
    row(
        "contacts list: the same query again, nothing changed (cached)",
        each(&mut || ws.query(&contacts).len()),
        runs,
    );
    let renamed = ws
        .live(Kind::Contact)
        .map(|c| c.id)
        .nth(4242)
        .context("no contacts")?;
    let mut n = 0;
    row(
        "contacts list after renaming one contact (the rename included)",
        each(&mut || {
            n += 1;
            let cmd = Command::Update {
                kind: Kind::Contact,
                id: renamed,
                fields: vec![(
                    "name".into(),
                    Some(FieldValue::text(format!("Renamed {n}"))),
                )],
            };
            let _ = ws.apply(
                cmd,
                &Ctx {
                    now: Timestamp(n),
                    by: None,
                },
            );
            ws.query(&contacts).len()
        }),
        runs,
    );
    let companies = sorted(Kind::Company, "name");
    row(
        "companies list: query sorted by name",
        each(&mut || ws.query(&companies).len()),
        runs,
    );
    ws.warm_search_index();
    let mut searched = contacts.clone();
    searched.search = Some("mar".into());
    row(
        "contacts list: query with a 3-letter search",
        each(&mut || ws.query(&searched).len()),
        runs,
    );
    let pipeline = ws.live(Kind::Pipeline).map(|p| p.id).next();
    row(
        "deal board of the pipeline",
        each(&mut || {
            pipeline
                .and_then(|p| ws.board(p, &BoardFilter::default()))
                .map_or(0, |b| b.columns.len())
        }),
        runs,
    );
    row(
        "activity feed, unfiltered",
        each(&mut || ws.activity_feed(&FeedFilter::default()).len()),
        runs,
    );
    row(
        "task buckets, the whole team",
        each(&mut || ws.task_buckets("2026-11-23", None).len()),
        runs,
    );
    let contact = ws
        .live(Kind::Contact)
        .map(|c| c.id)
        .nth(17)
        .context("no contacts")?;
    let company = ws
        .live(Kind::Company)
        .map(|c| c.id)
        .nth(17)
        .context("no companies")?;
    row(
        "contact page: timeline, tasks, deals",
        each(&mut || {
            ws.timeline(Kind::Contact, contact).len()
                + ws.related_tasks(Kind::Contact, contact).len()
                + ws.deals_of(Kind::Contact, contact).len()
        }),
        runs,
    );
    row(
        "company page: timeline, tasks, deals, people, org chart",
        each(&mut || {
            ws.timeline(Kind::Company, company).len()
                + ws.related_tasks(Kind::Company, company).len()
                + ws.deals_of(Kind::Company, company).len()
                + ws.people_of(company).len()
                + ws.org_chart(company).len()
        }),
        runs,
    );
    Ok(())
}

fn count(ws: &Workspace) -> usize {
    Kind::ALL.into_iter().map(|k| ws.records(k).count()).sum()
}

/// The same contacts in a document of their own, to measure what a sharded layout would gain.
fn contacts_only(ws: &Workspace) -> Workspace {
    let mut out = Workspace::new([0xcc; 16]);
    let json = ws.export_json();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap_or_default();
    if let Some(records) = v.get_mut("records").and_then(|r| r.as_object_mut()) {
        records.retain(|k, _| k == "contacts");
        for c in records
            .get_mut("contacts")
            .and_then(|c| c.as_array_mut())
            .into_iter()
            .flatten()
        {
            if let Some(f) = c.get_mut("fields").and_then(|f| f.as_object_mut()) {
                f.retain(|k, _| {
                    !matches!(k.as_str(), "company" | "owner" | "territory" | "reports_to")
                });
            }
        }
        if let Ok(w) = Workspace::import_json(
            &v.to_string(),
            [0xcc; 16],
            &Ctx {
                now: Timestamp(0),
                by: None,
            },
        ) {
            out = w;
        }
    }
    out
}
