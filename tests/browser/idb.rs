//! The app's own IndexedDB adapter against the real IndexedDB of headless Chromium.

use crm_app::adapters::idb::{Idb, IdbError, delete_database};
use wasm_bindgen_test::wasm_bindgen_test;

/// A fresh database name per test, so tests never see each other's data.
fn unique_name(test: &str) -> String {
    format!("test-{test}-{}", js_sys::Math::random().to_bits())
}

#[wasm_bindgen_test]
async fn bytes_round_trip_exactly() {
    let name = unique_name("round-trip");
    let db = Idb::open(&name).await.expect("open");
    let big: Vec<u8> = (0..1_000_000u32).map(|i| (i % 251) as u8).collect();
    let cases: [(&str, &[u8]); 4] = [
        ("empty", &[]),
        ("small", b"hello"),
        ("all-bytes", &(0..=255u8).collect::<Vec<_>>()),
        ("big", &big),
    ];
    for (key, value) in cases {
        db.put("chunks", key, value).await.expect("put");
    }
    for (key, value) in cases {
        assert_eq!(
            db.get("chunks", key).await.expect("get").as_deref(),
            Some(value),
            "{key}"
        );
    }
    assert_eq!(db.get("chunks", "absent").await.expect("get"), None);
    drop(db);
    delete_database(&name).await.expect("delete");
}

#[wasm_bindgen_test]
async fn data_survives_closing_and_reopening() {
    let name = unique_name("reopen");
    {
        let db = Idb::open(&name).await.expect("open");
        db.put("meta", "device", b"laptop").await.expect("put");
        db.put("meta", "device", b"phone").await.expect("overwrite");
    }
    let db = Idb::open(&name).await.expect("reopen");
    assert_eq!(
        db.get("meta", "device").await.expect("get"),
        Some(b"phone".to_vec())
    );
    drop(db);
    delete_database(&name).await.expect("delete");
}

#[wasm_bindgen_test]
async fn keys_are_listed_in_order_and_delete_removes_one() {
    let name = unique_name("keys");
    let db = Idb::open(&name).await.expect("open");
    for key in ["b", "a", "c"] {
        db.put("chunks", key, key.as_bytes()).await.expect("put");
    }
    assert_eq!(db.keys("chunks").await.expect("keys"), ["a", "b", "c"]);
    db.delete("chunks", "b").await.expect("delete");
    assert_eq!(db.keys("chunks").await.expect("keys"), ["a", "c"]);
    assert_eq!(db.keys("meta").await.expect("keys"), Vec::<String>::new());
    drop(db);
    delete_database(&name).await.expect("delete");
}

#[wasm_bindgen_test]
async fn an_unknown_store_is_a_clear_error() {
    let name = unique_name("unknown-store");
    let db = Idb::open(&name).await.expect("open");
    let err = db.put("contacts", "k", b"v").await.expect_err("must fail");
    assert_eq!(err, IdbError::UnknownStore("contacts".into()));
    assert!(err.to_string().contains("contacts"));
    drop(db);
    delete_database(&name).await.expect("delete");
}

/// Runs a snippet of JavaScript in the page (patching IndexedDB to refuse a write).
fn run_js(code: &str) {
    js_sys::Function::new_no_args(code)
        .call0(&wasm_bindgen::JsValue::NULL)
        .expect("the snippet runs");
}

#[wasm_bindgen_test]
async fn a_batch_with_a_refused_write_writes_nothing() {
    let name = unique_name("batch");
    let db = Idb::open(&name).await.expect("open");
    db.put("meta", "kept", b"before").await.expect("put");
    // The second put of the batch is refused when it is issued, as on a full disk.
    run_js(
        "const put = IDBObjectStore.prototype.put;
         globalThis.__realPut = put;
         IDBObjectStore.prototype.put = function (value, key) {
           if (key === 'refused') throw new DOMException('the disk is full', 'QuotaExceededError');
           return put.call(this, value, key);
         };",
    );
    let puts = [
        ("kept".to_owned(), b"after".to_vec()),
        ("refused".to_owned(), b"x".to_vec()),
    ];
    let result = db.batch("meta", &puts, &[]).await;
    run_js("IDBObjectStore.prototype.put = globalThis.__realPut;");
    assert!(result.is_err(), "the batch reports the refusal");
    assert_eq!(
        db.get("meta", "kept").await.expect("get"),
        Some(b"before".to_vec()),
        "the put issued before the refused one did not commit"
    );
    drop(db);
    delete_database(&name).await.expect("delete");
}
