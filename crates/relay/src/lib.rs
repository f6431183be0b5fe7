//! The relay: serves the built app and relays end-to-end encrypted changes (`/sync`).
//!
//! It never sees a team's data in clear: everything it stores is ciphertext or metadata
//! (workspace ids, access-token hashes). Storage is embedded (redb) under the data dir.

pub mod assets;
pub mod log_store;
pub mod storage;
pub mod ws;

use std::path::PathBuf;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, response::IntoResponse};

pub use storage::{Storage, StorageError};

/// What a running relay needs.
#[derive(Clone)]
pub struct AppState {
    /// The layout version of the data dir, for `/healthz`.
    pub schema_version: u64,
    pub relay: ws::RelayHandle,
}

impl AppState {
    /// Starts the relay over opened storage with the default limits.
    pub fn new(storage: Storage) -> AppState {
        AppState {
            schema_version: storage.schema_version(),
            relay: ws::start(storage, crm_sync::relay::RelayConfig::default()),
        }
    }
}

/// The relay's HTTP surface: `/healthz`, then the app's static files with an SPA fallback.
pub fn router(dist_dir: PathBuf, state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/sync", get(ws::sync))
        .with_state(state)
        .fallback_service(assets::service(dist_dir))
        .layer(axum::middleware::from_fn(assets::cache_headers))
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    #[derive(serde::Serialize)]
    struct Health {
        status: &'static str,
        version: &'static str,
        schema_version: u64,
    }
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        schema_version: state.schema_version,
    })
}
