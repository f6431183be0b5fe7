//! `crm-bench relay-fanout`: issue 5's relay benchmark in one process. Starts the relay binary
//! on a free loopback port with an empty data directory, runs the load generator
//! (`relay_load`) with every group of clients in a workspace of its own, reads the relay's CPU
//! and memory from `/proc`, stops the relay by its process id, and repeats for each run.
//! Prints a Markdown table (one row per run) on stdout and each run's JSON on stderr.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};

use crate::relay_load;

pub struct Options {
    pub relay_bin: String,
    pub dist_dir: String,
    pub clients: usize,
    pub workspaces: usize,
    pub seconds: u64,
    pub warmup_s: u64,
    pub runs: usize,
}

/// The relay process and its data directory, stopped and removed when dropped.
struct Relay {
    child: Child,
    data: std::path::PathBuf,
}

impl Drop for Relay {
    fn drop(&mut self) {
        // SIGTERM by process id (a graceful stop), then wait; SIGKILL if that did not work.
        let pid = self.child.id().to_string();
        let termed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success());
        if termed {
            for _ in 0..100 {
                if matches!(self.child.try_wait(), Ok(Some(_))) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

fn start_relay(bin: &str, dist: &str) -> anyhow::Result<(Relay, String)> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let data = std::env::temp_dir().join(format!("crm-fanout-{}-{nanos}", std::process::id()));
    let mut child = Command::new(bin)
        .args(["--host", "127.0.0.1", "--port", "0", "--dist-dir", dist])
        .arg("--data-dir")
        .arg(&data)
        .env("CRM_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("cannot start {bin}"))?;
    let stdout = child.stdout.take().context("the relay's stdout")?;
    let relay = Relay { child, data };
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        let Some(line) = lines.next() else {
            bail!("the relay exited before saying where it listens");
        };
        if let Some(rest) = line?.split("listening on http://").nth(1) {
            break rest.trim().to_owned();
        }
    };
    // Keep draining stdout so the relay never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Ok((relay, format!("ws://{addr}/sync")))
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split(' ').next().map(str::to_owned))
        .unwrap_or_default()
}

pub fn run(o: &Options) -> anyhow::Result<()> {
    if o.workspaces == 0 || o.clients < 2 * o.workspaces {
        bail!("need at least two clients per workspace");
    }
    let group = o.clients.div_ceil(o.workspaces);
    println!(
        "| run | a team's changes | clients / workspaces | delivered / expected | p50 ms | p95 ms | p99 ms | max ms | relay CPU % of a core | relay peak RSS MB | load generator CPU % | load avg before → after |"
    );
    println!("|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
    let layouts = [
        (relay_load::Phases::Spread, "spread over the second"),
        (relay_load::Phases::Burst, "in a burst"),
    ];
    for (run, (phases, layout)) in (1..=o.runs).flat_map(|r| layouts.iter().map(move |l| (r, *l))) {
        let load_before = load_average();
        let (relay, url) = start_relay(&o.relay_bin, &o.dist_dir)?;
        let cfg = relay_load::Config {
            url,
            clients: o.clients,
            group,
            warmup_s: o.warmup_s,
            seconds: o.seconds,
            own_workspaces: true,
            relay_pid: Some(relay.child.id()),
            phases,
        };
        let mut s = relay_load::run(&cfg)?;
        drop(relay);
        s.latencies_us.sort_unstable();
        let pct = |p: f64| relay_load::percentile_ms(&s.latencies_us, p);
        let f = |x: Option<f64>, d: usize| x.map_or("—".into(), |x| format!("{x:.d$}"));
        eprintln!(
            "{}",
            serde_json::json!({
                "run": run, "phases": layout, "clients": o.clients, "workspaces": o.workspaces, "group": group,
                "seconds": o.seconds, "sent": s.sent, "expected": s.expected,
                "delivered": s.latencies_us.len(), "failed_clients": s.failed_clients,
                "p50_ms": pct(50.0), "p95_ms": pct(95.0), "p99_ms": pct(99.0), "max_ms": pct(100.0),
                "relay_cpu_percent": s.relay_cpu_percent, "load_cpu_percent": s.load_cpu_percent,
                "relay_peak_rss_mb": s.relay_peak_rss_mb, "relay_end_rss_mb": s.relay_end_rss_mb,
            })
        );
        println!(
            "| {run} | {layout} | {} / {} | {} / {} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {load_before} → {} |",
            o.clients,
            o.workspaces,
            s.latencies_us.len(),
            s.expected,
            pct(50.0),
            pct(95.0),
            pct(99.0),
            pct(100.0),
            f(s.relay_cpu_percent, 1),
            f(s.relay_peak_rss_mb, 1),
            f(s.load_cpu_percent, 0),
            load_average(),
        );
        if s.failed_clients > 0 {
            bail!("{} clients failed (see above)", s.failed_clients);
        }
    }
    Ok(())
}
