//! Compaction off the page. A full save of a large workspace holds the thread that runs it
//! for a second or more (1.2 s at 100k contacts), so it runs in a dedicated worker. The worker
//! instantiates this same wasm module, so there is no second build: `public/compact-worker.js`
//! imports the page's own wasm-bindgen glue and calls [`hearth_compact`], which reads the
//! workspace's chunks from IndexedDB, compacts them and writes the snapshot
//! (`workspace_store::compact_stored`). The page only takes note of the result.

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::idb::Idb;
use super::js_error_text;
use super::workspace_store::{Compacted, DB_NAME, compact_stored};

const WORKER_SCRIPT: &str = "/compact-worker.js";

/// In the worker: compacts `workspace` and resolves to the [`Compacted`] as JSON.
#[wasm_bindgen]
pub async fn hearth_compact(workspace: String) -> Result<String, JsValue> {
    let fail = |e: String| JsValue::from_str(&e);
    let db = Idb::open(DB_NAME).await.map_err(|e| fail(e.to_string()))?;
    let done = compact_stored(&db, &workspace)
        .await
        .map_err(|e| fail(e.to_string()))?;
    serde_json::to_string(&done).map_err(|e| fail(e.to_string()))
}

/// The page's wasm-bindgen glue and wasm module, as Trunk links them (the glue's own default
/// names the module without Trunk's hash).
fn module_urls() -> Option<(String, String)> {
    let document = web_sys::window()?.document()?;
    let href = |selector: &str| {
        document
            .query_selector(selector)
            .ok()
            .flatten()?
            .get_attribute("href")
    };
    Some((
        href("link[rel=modulepreload][href$='.js']")?,
        href("link[rel=preload][href$='.wasm']")?,
    ))
}

/// On the page: compacts `workspace` in a worker, which is terminated afterwards (it held a
/// copy of the whole document). An error means nothing was compacted, or that the caller
/// cannot know it was: compacting again is always safe.
pub async fn compact_apart(workspace: &str) -> Result<Compacted, String> {
    let (glue, wasm) = module_urls().ok_or("the app's module is not linked")?;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = web_sys::Worker::new_with_options(WORKER_SCRIPT, &options)
        .map_err(|e| js_error_text(&e))?;
    let reply = Promise::new(&mut |resolve, reject| {
        let on_message = Closure::once_into_js(move |e: web_sys::MessageEvent| {
            let _ = resolve.call1(&JsValue::NULL, &e.data());
        });
        worker.set_onmessage(Some(on_message.unchecked_ref()));
        let on_error = Closure::once_into_js(move |e: JsValue| {
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        worker.set_onerror(Some(on_error.unchecked_ref()));
    });
    let message = Object::new();
    let set = |k: &str, v: &str| Reflect::set(&message, &k.into(), &v.into());
    set("glue", &glue).map_err(|e| js_error_text(&e))?;
    set("wasm", &wasm).map_err(|e| js_error_text(&e))?;
    set("workspace", workspace).map_err(|e| js_error_text(&e))?;
    if let Err(e) = worker.post_message(&message) {
        worker.terminate();
        return Err(js_error_text(&e));
    }
    let reply = JsFuture::from(reply).await;
    worker.terminate();
    let reply = reply.map_err(|e| js_error_text(&e))?;
    let field = |k: &str| {
        Reflect::get(&reply, &k.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    match (field("ok"), field("error")) {
        (Some(json), _) => serde_json::from_str(&json).map_err(|e| e.to_string()),
        (None, Some(e)) => Err(e),
        (None, None) => Err("the compactor answered nothing".into()),
    }
}
