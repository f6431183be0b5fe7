//! Serving the built app: precompressed files, long-lived caching for hashed names, and the
//! single-page-app fallback so a deep link such as `/deals` opens the app.

use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, HeaderValue, X_CONTENT_TYPE_OPTIONS};
use axum::http::{Response, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;
use tower_http::services::{ServeDir, ServeFile};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Unhashed files (index.html, sw.js, the manifest) must be revalidated on every load, or a
/// deployment would never reach a browser that visited before.
const REVALIDATE: &str = "no-cache";

type AssetService = BoxCloneSyncService<Request, Response<Body>, Infallible>;

/// Static files from `dist_dir`, preferring the `.br` / `.gz` siblings made at build time.
pub fn service(dist_dir: PathBuf) -> AssetService {
    let index = Arc::new(dist_dir.join("index.html"));
    let fallback = tower::service_fn(move |req: Request| {
        let index = Arc::clone(&index);
        async move {
            if looks_like_a_file(req.uri().path()) {
                return Ok::<_, Infallible>((StatusCode::NOT_FOUND, "not found").into_response());
            }
            let res = ServeFile::new(index.as_path())
                .precompressed_br()
                .precompressed_gzip()
                .oneshot(req)
                .await?;
            Ok(res.map(Body::new))
        }
    });
    let dir = ServeDir::new(dist_dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(fallback);
    BoxCloneSyncService::new(dir.map_response(|res| res.map(Body::new)))
}

/// A request for something with an extension is for a file; a miss there is a real 404,
/// never the app's HTML (which would confuse the service worker and scripts).
fn looks_like_a_file(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|last| last.contains('.'))
}

/// Trunk names built assets `name-<hash>.ext` (and `name-<hash>_bg.wasm`); only those may be
/// cached forever, because a new build gives them a new name.
pub fn is_hashed_asset(path: &str) -> bool {
    let Some(file) = path.rsplit('/').next() else {
        return false;
    };
    let Some((_, tail)) = file.rsplit_once('-') else {
        return false;
    };
    let hash = tail.split(['.', '_']).next().unwrap_or_default();
    (10..=16).contains(&hash.len())
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && tail.len() > hash.len()
}

pub async fn cache_headers(req: Request, next: Next) -> Response<Body> {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let policy = if path == "/healthz" {
        "no-store"
    } else if res.status().is_success() && is_hashed_asset(&path) {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let headers = res.headers_mut();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed_asset("/crm-app-1f2e3d4c5b6a7988.js"));
        assert!(is_hashed_asset("/crm-app-1f2e3d4c5b6a7988_bg.wasm"));
        assert!(is_hashed_asset("/main-00aa11bb22cc33dd.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/icons/icon-192.png"));
        assert!(!is_hashed_asset("/crm-app-1f2e3d4c5b6a7988"));
        assert!(!is_hashed_asset("/crm-app-notahashatall1.js"));
    }

    #[test]
    fn only_paths_with_an_extension_are_files() {
        assert!(looks_like_a_file("/app.js"));
        assert!(!looks_like_a_file("/contacts"));
        assert!(!looks_like_a_file("/deals/01h/"));
    }
}
