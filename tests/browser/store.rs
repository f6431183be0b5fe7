//! Workspaces persisted as chunks in the real IndexedDB.

use std::rc::Rc;

use crm_app::adapters::idb::{Idb, delete_database};
use crm_app::adapters::workspace_store::{ChunkStore, compact_stored, random_bytes};
use crm_core::{Command, Ctx, FieldValue, Id, Kind, Timestamp};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

fn name(test: &str) -> String {
    format!("store-{test}-{}", js_sys::Math::random().to_bits())
}

fn contact(n: u8, who: &str) -> Command {
    Command::Create {
        kind: Kind::Contact,
        id: Id::from_bytes([n; 16]),
        fields: vec![("name".into(), FieldValue::text(who))],
        custom: vec![],
    }
}

fn ctx() -> Ctx {
    Ctx {
        now: Timestamp(1),
        by: None,
    }
}

async fn db(name: &str) -> Rc<Idb> {
    Rc::new(Idb::open(name).await.expect("open"))
}

#[wasm_bindgen_test]
async fn changes_survive_a_reload() {
    let n = name("reload");
    {
        let (store, mut ws, problems) = ChunkStore::open(db(&n).await, "ws1", random_bytes())
            .await
            .unwrap();
        assert!(problems.is_empty());
        ws.apply(contact(1, "Ann"), &ctx()).unwrap();
        store.persist(ws.save_incremental()).await.unwrap();
        ws.apply(contact(2, "Bob"), &ctx()).unwrap();
        store.persist(ws.save_incremental()).await.unwrap();
    }
    let (_, ws, _) = ChunkStore::open(db(&n).await, "ws1", random_bytes())
        .await
        .unwrap();
    assert_eq!(ws.live(Kind::Contact).count(), 2);
    let (_, other, _) = ChunkStore::open(db(&n).await, "ws2", random_bytes())
        .await
        .unwrap();
    assert_eq!(
        other.live(Kind::Contact).count(),
        0,
        "workspaces are separate"
    );
    delete_database(&n).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_queued_change_counts_as_unsaved_until_a_flush_commits_it() {
    let n = name("queue");
    let (store, mut ws, _) = ChunkStore::open(db(&n).await, "w", random_bytes())
        .await
        .unwrap();
    assert_eq!(store.pending_count(), 0);
    ws.apply(contact(1, "Ann"), &ctx()).unwrap();
    store.queue(ws.save_incremental());
    assert_eq!(
        store.pending_count(),
        1,
        "unsaved from the moment it is made"
    );
    store.flush().await.unwrap();
    assert_eq!(store.pending_count(), 0);
    let (_, ws, _) = ChunkStore::open(db(&n).await, "w", random_bytes())
        .await
        .unwrap();
    assert_eq!(ws.live(Kind::Contact).count(), 1);
    delete_database(&n).await.unwrap();
}

#[wasm_bindgen_test]
async fn compaction_never_deletes_another_tabs_writes() {
    let n = name("compact");
    let (a, mut ws_a, _) = ChunkStore::open(db(&n).await, "w", random_bytes())
        .await
        .unwrap();
    ws_a.apply(contact(1, "from A"), &ctx()).unwrap();
    a.persist(ws_a.save_incremental()).await.unwrap();
    // A second tab opens, then writes after A last loaded.
    let (b, mut ws_b, _) = ChunkStore::open(db(&n).await, "w", random_bytes())
        .await
        .unwrap();
    ws_b.apply(contact(2, "from B"), &ctx()).unwrap();
    b.persist(ws_b.save_incremental()).await.unwrap();
    // A compacts what it knows: its own chunk, not B's.
    a.compact(ws_a.save()).await.unwrap();
    let (_, ws, problems) = ChunkStore::open(db(&n).await, "w", random_bytes())
        .await
        .unwrap();
    assert!(problems.is_empty());
    let names: Vec<&str> = ws.live(Kind::Contact).map(|r| r.title()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    // B compacting afterwards keeps everything too.
    b.compact(ws_b.save()).await.unwrap();
    let (_, ws, _) = ChunkStore::open(db(&n).await, "w", random_bytes())
        .await
        .unwrap();
    assert_eq!(ws.live(Kind::Contact).count(), 2);
    delete_database(&n).await.unwrap();
}

/// The key of the damaged chunk `with_a_damaged_chunk` stores.
const GARBAGE: &str = "w/i/9999999999999-garbage";

/// Database `n` holding workspace `w`: one sound chunk (a contact) and a damaged one.
async fn with_a_damaged_chunk(n: &str) -> Rc<Idb> {
    let d = db(n).await;
    let (store, mut ws, _) = ChunkStore::open(Rc::clone(&d), "w", random_bytes())
        .await
        .unwrap();
    ws.apply(contact(1, "Ann"), &ctx()).unwrap();
    store.persist(ws.save_incremental()).await.unwrap();
    d.put("chunks", GARBAGE, b"not automerge").await.unwrap();
    d
}

#[wasm_bindgen_test]
async fn a_corrupt_chunk_is_skipped_and_reported() {
    let n = name("corrupt");
    with_a_damaged_chunk(&n).await;
    let (_, ws, problems) = ChunkStore::open(db(&n).await, "w", random_bytes())
        .await
        .unwrap();
    assert_eq!(ws.live(Kind::Contact).count(), 1);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].key, GARBAGE);
    delete_database(&n).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_compaction_in_the_page_keeps_a_damaged_chunk() {
    let n = name("compact-damaged");
    let d = with_a_damaged_chunk(&n).await;
    let (store, mut ws, problems) = ChunkStore::open(Rc::clone(&d), "w", random_bytes())
        .await
        .unwrap();
    assert_eq!(problems.len(), 1);
    store.compact(ws.save()).await.unwrap();
    let keys = d.keys_with_prefix("chunks", "w/").await.unwrap();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys.contains(&GARBAGE.to_owned()));
    assert_eq!(
        d.get("chunks", GARBAGE).await.unwrap().as_deref(),
        Some(&b"not automerge"[..])
    );
    // The snapshot holds the sound one: nothing is lost on the next open.
    let (_, ws, problems) = ChunkStore::open(db(&n).await, "w", random_bytes())
        .await
        .unwrap();
    assert_eq!(ws.live(Kind::Contact).count(), 1);
    assert_eq!(problems.len(), 1);
    delete_database(&n).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_compaction_apart_holds_every_sound_chunk_and_deletes_only_those() {
    let n = name("apart");
    let d = db(&n).await;
    let (store, mut ws, _) = ChunkStore::open(Rc::clone(&d), "w", random_bytes())
        .await
        .unwrap();
    ws.apply(contact(1, "Ann"), &ctx()).unwrap();
    store.persist(ws.save_incremental()).await.unwrap();
    // Another tab's change, which this tab never loaded.
    let (other, mut theirs, _) = ChunkStore::open(db(&n).await, "w", random_bytes())
        .await
        .unwrap();
    theirs.apply(contact(2, "Bob"), &ctx()).unwrap();
    other.persist(theirs.save_incremental()).await.unwrap();
    d.put("chunks", GARBAGE, b"not automerge").await.unwrap();
    d.put(
        "chunks",
        "x/i/0000000000001-elsewhere",
        b"another workspace",
    )
    .await
    .unwrap();

    let done = compact_stored(&d, "w").await.unwrap();
    assert!(done.key.starts_with("w/s/"));
    assert_eq!(done.held.len(), 2, "{:?}", done.held);
    assert!(!done.held.iter().any(|k| k.contains("garbage")));
    store.compacted(&done);
    assert!(!store.needs_compaction());
    let mut keys = d.keys_with_prefix("chunks", "").await.unwrap();
    keys.sort();
    let mut expected = vec![
        done.key.clone(),
        GARBAGE.to_owned(),
        "x/i/0000000000001-elsewhere".to_owned(),
    ];
    expected.sort();
    assert_eq!(keys, expected, "the held chunks are gone, the rest stays");
    // A change made after it is stored beside the snapshot, and everything opens.
    ws.apply(contact(3, "Cara"), &ctx()).unwrap();
    store.persist(ws.save_incremental()).await.unwrap();
    let (_, ws, problems) = ChunkStore::open(db(&n).await, "w", random_bytes())
        .await
        .unwrap();
    let mut names: Vec<&str> = ws.live(Kind::Contact).map(|r| r.title()).collect();
    names.sort_unstable();
    assert_eq!(names, ["Ann", "Bob", "Cara"]);
    assert_eq!(problems.len(), 1, "the damaged chunk is still reported");
    delete_database(&n).await.unwrap();
}

/// Opens `name` at a newer version, as a newer app in another tab would.
async fn open_newer(name: &str) -> web_sys::IdbDatabase {
    let factory = web_sys::window().unwrap().indexed_db().unwrap().unwrap();
    let req = factory.open_with_u32(name, 99).unwrap();
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    });
    JsFuture::from(promise).await.unwrap();
    req.result().unwrap().unchecked_into()
}

#[wasm_bindgen_test]
async fn a_failed_write_is_kept_and_retried() {
    let n = name("fail");
    let d = db(&n).await;
    let (store, mut ws, _) = ChunkStore::open(Rc::clone(&d), "w", random_bytes())
        .await
        .unwrap();
    ws.apply(contact(1, "Ann"), &ctx()).unwrap();
    // The connection goes away and cannot be re-established (a newer version holds the db).
    d.close();
    let newer = open_newer(&n).await;
    let err = store.persist(ws.save_incremental()).await.unwrap_err();
    assert!(!err.to_string().is_empty());
    assert_eq!(
        store.pending_count(),
        1,
        "the change is kept in memory, not dropped"
    );
    // Once storage works again, the retry writes it.
    newer.close();
    delete_database(&n).await.unwrap();
    store.flush().await.unwrap();
    assert_eq!(store.pending_count(), 0);
    let (_, ws, _) = ChunkStore::open(db(&n).await, "w", random_bytes())
        .await
        .unwrap();
    assert_eq!(ws.live(Kind::Contact).count(), 1);
    delete_database(&n).await.unwrap();
}
