//! `crm-relay`: serves the built app and the sync relay on one port.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use axum::serve::ListenerExt;
use clap::Parser;
use crm_relay::{AppState, Storage, router};
use tracing_subscriber::EnvFilter;

/// Serves the CRM app and relays end-to-end encrypted changes between a team's devices.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on. Keep the default unless a reverse proxy in front handles TLS.
    #[arg(long, env = "CRM_HOST", default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Port to listen on; 0 picks a free one (the chosen address is printed on stdout).
    #[arg(long, env = "CRM_PORT", default_value_t = 8080)]
    port: u16,
    /// Directory for the embedded database; created if missing.
    #[arg(long, env = "CRM_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// The built app (Trunk's output) to serve.
    #[arg(long, env = "CRM_DIST_DIR", default_value = "dist")]
    dist_dir: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_env("CRM_LOG").unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();

    if !args.dist_dir.join("index.html").is_file() {
        bail!(
            "no built app at {}/index.html: build it first (`make run` does), or pass --dist-dir",
            args.dist_dir.display()
        );
    }
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0);
    let storage = Storage::open(&args.data_dir, now_ms)?;
    tracing::info!(data_dir = %args.data_dir.display(), schema_version = storage.schema_version(), "storage opened");

    let app = router(args.dist_dir.clone(), AppState::new(storage));
    let addr = SocketAddr::new(args.host, args.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (is the port in use? try --port)"))?;
    let local = listener.local_addr()?;
    // A stable line on stdout so scripts and tests can find a port chosen with --port 0.
    println!("crm-relay listening on http://{local}");
    tracing::info!(%local, dist = %args.dist_dir.display(), "serving");

    // Deliveries are small frames sent as they happen: with Nagle's algorithm on, a second one
    // within a few ms waits for the peer's delayed ACK (up to 40 ms on Linux).
    let listener = listener.tap_io(|tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("TCP_NODELAY not set: {e}");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("server error")?;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, let in-flight requests finish, then drop storage (which
/// has committed everything it acknowledged).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("Ctrl-C received, shutting down"),
        () = term => tracing::info!("SIGTERM received, shutting down"),
    }
}
