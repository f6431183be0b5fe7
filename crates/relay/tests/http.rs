//! The relay's HTTP surface, exercised in-process.

use std::path::Path;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use crm_relay::{AppState, Storage, router};
use http_body_util::BodyExt;
use tower::ServiceExt;

const JS: &str = "crm-app-0123456789abcdef.js";

fn dist(dir: &Path) {
    std::fs::write(dir.join("index.html"), "<!doctype html><title>app</title>").unwrap();
    std::fs::write(dir.join("index.html.br"), b"br-index").unwrap();
    std::fs::write(dir.join(JS), "console.log(1)").unwrap();
    std::fs::write(dir.join(format!("{JS}.br")), b"br-js").unwrap();
    std::fs::write(dir.join(format!("{JS}.gz")), b"gz-js").unwrap();
    std::fs::write(dir.join("sw.js"), "self").unwrap();
    std::fs::write(dir.join("app-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
}

struct Relay {
    app: axum::Router,
    _tmp: tempfile::TempDir,
}

fn relay() -> Relay {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("dist");
    std::fs::create_dir(&d).unwrap();
    dist(&d);
    let storage = Storage::open(&tmp.path().join("data"), 1).unwrap();
    Relay {
        app: router(d, AppState::new(storage)),
        _tmp: tmp,
    }
}

async fn get(
    relay: &Relay,
    path: &str,
    accept: Option<&str>,
) -> (StatusCode, header::HeaderMap, Vec<u8>) {
    let mut req = Request::get(path);
    if let Some(a) = accept {
        req = req.header(header::ACCEPT_ENCODING, a);
    }
    let res = relay
        .app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

#[tokio::test]
async fn healthz_reports_ok_and_is_never_cached() {
    let r = relay();
    let (status, headers, body) = get(&r, "/healthz", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains(r#""status":"ok""#), "{text}");
    assert!(text.contains(r#""schema_version":2"#), "{text}");
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_precompressed() {
    let r = relay();
    let (status, headers, body) = get(&r, &format!("/{JS}"), Some("gzip, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"br-js");
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(
        headers[header::CACHE_CONTROL],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");

    let (_, headers, body) = get(&r, &format!("/{JS}"), Some("gzip")).await;
    assert_eq!(body, b"gz-js");
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");

    let (_, headers, body) = get(&r, &format!("/{JS}"), None).await;
    assert_eq!(body, b"console.log(1)");
    assert!(!headers.contains_key(header::CONTENT_ENCODING));
}

#[tokio::test]
async fn wasm_has_its_mime_type() {
    let r = relay();
    let (status, headers, _) = get(&r, "/app-0123456789abcdef_bg.wasm", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
}

#[tokio::test]
async fn unhashed_files_must_be_revalidated() {
    let r = relay();
    for path in ["/", "/sw.js", "/index.html"] {
        let (status, headers, _) = get(&r, path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache", "{path}");
    }
}

#[tokio::test]
async fn deep_links_open_the_app() {
    let r = relay();
    for path in ["/contacts", "/deals/01hx/", "/no-such-page"] {
        let (status, headers, body) = get(&r, path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            String::from_utf8_lossy(&body).contains("<title>app</title>"),
            "{path}"
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-cache", "{path}");
    }
    let (_, headers, body) = get(&r, "/contacts", Some("br")).await;
    assert_eq!(body, b"br-index");
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
}

#[tokio::test]
async fn missing_files_are_404_not_the_app() {
    let r = relay();
    let (status, headers, body) = get(&r, "/missing-0123456789abcdef.js", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, b"not found");
    assert_eq!(headers[header::CACHE_CONTROL], "no-cache");
}
