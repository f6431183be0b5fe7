//! The open workspace as the UI sees it: the `crm-core` workspace in memory, its chunk store
//! in IndexedDB, and the channel that keeps other tabs of this browser in step.
//!
//! Reads are synchronous (the whole view is in memory: no spinners); every command is applied
//! in memory at once and persisted right after. Signals carry only what the UI reacts to.

use std::cell::RefCell;
use std::rc::Rc;

mod sync;

use crm_core::{Command, CommandError, Ctx, Kind, Timestamp, Workspace};
use js_sys::Uint8Array;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::adapters::idb::Idb;
use crate::adapters::workspace_store::{
    self as store, ChunkStore, DB_NAME, StoreError, WorkspaceInfo, random_bytes,
};
use crate::adapters::{Measure, compactor, mark, now_ms, timed};

/// Whether this device's changes are safely stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveStatus {
    Saved,
    /// A write failed; the changes are kept in memory and retried.
    Failed(String),
}

struct Live {
    ws: Workspace,
    /// None when this browser offers no storage (private mode, disabled storage): the
    /// workspace then lives in this tab only, and the banner says so.
    store: Option<ChunkStore>,
    channel: Option<web_sys::BroadcastChannel>,
    _on_message: Option<Closure<dyn FnMut(web_sys::MessageEvent)>>,
    /// Changes made here (with their chunk's key), queued for storage and not yet posted to
    /// the other tabs: each goes out once a write has stored it, the first one or a retry.
    unposted: Vec<(String, Vec<u8>)>,
    /// The connection to the team's relay, while the workspace is shared.
    sync: Option<Rc<crate::adapters::sync::SyncLink>>,
}

impl Drop for Live {
    fn drop(&mut self) {
        if let Some(c) = &self.channel {
            c.set_onmessage(None);
            c.close();
        }
    }
}

#[derive(Clone, Copy)]
pub struct Session {
    /// Bumped on every change to the open workspace; views that read it re-render.
    version: RwSignal<u64>,
    /// Per kind of record (`Kind::index`), bumped when records of that kind change: views
    /// reading through `with_reads` re-render only then.
    kinds: [RwSignal<u64>; Kind::ALL.len()],
    /// The open workspace's `kind_version`s when `changed` last compared them.
    kinds_seen: StoredValue<[u64; Kind::ALL.len()]>,
    pub status: RwSignal<SaveStatus>,
    /// Damaged chunks skipped while loading, and load or import errors.
    pub problems: RwSignal<Vec<String>>,
    pub workspaces: RwSignal<Vec<WorkspaceInfo>>,
    pub current: RwSignal<Option<String>>,
    /// The team member this device acts as in the open workspace (stamped on its changes).
    pub me: RwSignal<Option<crm_core::Id>>,
    /// Sync with colleagues: None while the open workspace is not shared.
    pub sync: RwSignal<Option<crate::adapters::sync::SyncView>>,
    /// Direct (peer-to-peer) links open to colleagues' browsers.
    pub direct_links: RwSignal<usize>,
    live: StoredValue<Option<Rc<RefCell<Live>>>, LocalStorage>,
    db: StoredValue<Option<Rc<Idb>>, LocalStorage>,
    /// While set (an import writing in slices), stored changes are not compacted: a snapshot
    /// is a full save, and the file would be saved again and again as it doubles in size.
    compaction_held: StoredValue<bool>,
}

/// How long to wait before retrying a failed write.
const RETRY_MS: i32 = 3_000;

impl Session {
    pub fn new() -> Self {
        Self {
            version: RwSignal::new(0),
            kinds: std::array::from_fn(|_| RwSignal::new(0)),
            kinds_seen: StoredValue::new([0; Kind::ALL.len()]),
            status: RwSignal::new(SaveStatus::Saved),
            problems: RwSignal::new(Vec::new()),
            workspaces: RwSignal::new(Vec::new()),
            current: RwSignal::new(None),
            me: RwSignal::new(None),
            sync: RwSignal::new(None),
            direct_links: RwSignal::new(0),
            live: StoredValue::new_local(None),
            db: StoredValue::new_local(None),
            compaction_held: StoredValue::new(false),
        }
    }

    fn ctx(&self) -> Ctx {
        Ctx {
            now: Timestamp(now_ms()),
            by: self.me.get_untracked(),
        }
    }

    /// Chooses who "me" is on this device for the open workspace; remembered per workspace.
    pub fn set_me(&self, member: Option<crm_core::Id>) {
        if let Some(ws) = self.current.get_untracked() {
            crate::adapters::prefs::save_me(&ws, member.map(|m| m.to_string()).as_deref());
        }
        self.me.set(member);
    }

    fn db(&self) -> Result<Rc<Idb>, StoreError> {
        self.db.get_value().ok_or(StoreError::NotOpen)
    }

    fn report(&self, e: impl std::fmt::Display) {
        let text = e.to_string();
        self.problems.update(|p| p.push(text));
    }

    /// Opens the database and the last used workspace (creating a first one on a first visit).
    pub fn start(self, default_name: String) {
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = self.start_inner(default_name).await
                && self.live.with_value(Option::is_none)
            {
                // Work on in memory rather than not at all; nothing is dropped silently.
                self.live.set_value(Some(Rc::new(RefCell::new(Live {
                    ws: Workspace::new(random_bytes()),
                    store: None,
                    channel: None,
                    _on_message: None,
                    unposted: Vec::new(),
                    sync: None,
                }))));
                self.status.set(SaveStatus::Failed(e.to_string()));
                self.reopened();
            }
        });
        request_persistent_storage();
        // Leaving while a change is still being written (or its write failed) asks first;
        // the browser shows its own "changes may not be saved" prompt.
        let guard = window_event_listener(leptos::ev::beforeunload, move |ev| {
            if self.unsaved() {
                ev.prevent_default();
                ev.set_return_value("unsaved");
            }
        });
        std::mem::forget(guard);
    }

    async fn start_inner(self, default_name: String) -> Result<(), StoreError> {
        let db = Rc::new(Idb::open(DB_NAME).await?);
        self.db.set_value(Some(Rc::clone(&db)));
        let mut list = store::list_workspaces(&db).await?;
        if list.is_empty() {
            list.push(WorkspaceInfo::new(default_name));
            store::save_workspaces(&db, &list).await?;
        }
        let current = store::current_workspace(&db)
            .await?
            .filter(|c| list.iter().any(|w| &w.id == c));
        let id = current.unwrap_or_else(|| list[0].id.clone());
        self.workspaces.set(list);
        self.open(id).await
    }

    async fn open(self, id: String) -> Result<(), StoreError> {
        let Some(db) = self.db.get_value() else {
            return Ok(());
        };
        let (chunk_store, ws, problems) =
            ChunkStore::open(Rc::clone(&db), &id, random_bytes()).await?;
        for p in problems {
            self.report(format!("{}: {}", p.key, p.reason));
        }
        store::set_current_workspace(&db, &id).await?;
        let live = Rc::new(RefCell::new(Live {
            ws,
            store: Some(chunk_store),
            channel: None,
            _on_message: None,
            unposted: Vec::new(),
            sync: None,
        }));
        self.listen(&live, &id);
        self.live.set_value(Some(Rc::clone(&live)));
        self.me
            .set(crate::adapters::prefs::load_me(&id).and_then(|m| m.parse().ok()));
        self.current.set(Some(id.clone()));
        self.reopened();
        mark("hearth:workspace-ready");
        warm_when_idle(&live);
        self.resume_sync(&live, &id).await?;
        Ok(())
    }

    /// Other tabs post each chunk they persist; apply it here without writing it again.
    fn listen(self, live: &Rc<RefCell<Live>>, id: &str) {
        let Ok(channel) = web_sys::BroadcastChannel::new(&format!("hearth-{id}")) else {
            return;
        };
        let weak = Rc::downgrade(live);
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                let Some(live) = weak.upgrade() else { return };
                let Ok(bytes) = e.data().dyn_into::<Uint8Array>() else {
                    return;
                };
                let bytes = bytes.to_vec();
                let result = live.borrow_mut().ws.absorb(&bytes);
                match result {
                    Ok(()) => {
                        self.changed();
                        // The leading tab sends other tabs' changes to the team.
                        self.push_to_team(&live, &bytes);
                    }
                    Err(err) => self.report(err),
                }
            });
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let mut l = live.borrow_mut();
        l.channel = Some(channel);
        l._on_message = Some(on_message);
    }

    /// Reads the open workspace; tracked, so the caller re-runs after any change.
    pub fn with<R>(&self, f: impl FnOnce(&Workspace) -> R) -> Option<R> {
        self.version.track();
        self.live
            .with_value(|l| l.as_ref().map(|l| f(&l.borrow().ws)))
    }

    /// Reads the open workspace like `with`, but re-runs the caller only after changes to the
    /// kinds of record `f` read (`Workspace::reading`): a dashboard figure over deals is not
    /// recomputed when a contact is added.
    pub fn with_reads<R>(&self, f: impl FnOnce(&Workspace) -> R) -> Option<R> {
        let Some((out, kinds)) = self
            .live
            .with_value(|l| l.as_ref().map(|l| l.borrow().ws.reading(f)))
        else {
            // Opening the workspace bumps every kind.
            self.version.track();
            return None;
        };
        for k in kinds {
            self.kinds[k.index()].track();
        }
        Some(out)
    }

    /// After a change to the open workspace: re-render what read it, and of what read only
    /// some kinds, what read the kinds that changed.
    pub(crate) fn changed(&self) {
        self.version.update(|v| *v += 1);
        let Some(now) = self.kind_versions() else {
            return;
        };
        let seen = self.kinds_seen.get_value();
        self.kinds_seen.set_value(now);
        for k in Kind::ALL {
            if now[k.index()] != seen[k.index()] {
                self.kinds[k.index()].update(|v| *v += 1);
            }
        }
    }

    /// Another workspace is open (or the first): everything is new.
    fn reopened(&self) {
        self.version.update(|v| *v += 1);
        if let Some(now) = self.kind_versions() {
            self.kinds_seen.set_value(now);
        }
        for k in self.kinds {
            k.update(|v| *v += 1);
        }
    }

    fn kind_versions(&self) -> Option<[u64; Kind::ALL.len()]> {
        self.live.with_value(|l| {
            l.as_ref().map(|l| {
                let l = l.borrow();
                Kind::ALL.map(|k| l.ws.kind_version(k))
            })
        })
    }

    /// Reads the open workspace without subscribing (event handlers).
    pub fn with_untracked<R>(&self, f: impl FnOnce(&Workspace) -> R) -> Option<R> {
        self.live
            .with_value(|l| l.as_ref().map(|l| f(&l.borrow().ws)))
    }

    /// A record's change history (who, when, which fields); tracked like `with`.
    pub fn history(&self, kind: crm_core::Kind, id: crm_core::Id) -> Vec<crm_core::HistoryEntry> {
        self.version.track();
        self.live
            .with_value(|l| l.as_ref().map(|l| l.borrow_mut().ws.history(kind, id)))
            .unwrap_or_default()
    }

    pub fn is_ready(&self) -> bool {
        self.version.track();
        self.live.with_value(Option::is_some)
    }

    /// Applies a command now and persists it in the background.
    pub fn apply(&self, cmd: Command) -> Result<(), CommandError> {
        self.mutate(|ws| ws.apply(cmd, &self.ctx()))
    }

    /// Applies several commands as one change and one undo step (bulk edits, drag and drop).
    pub fn apply_batch(&self, cmds: Vec<Command>) -> Result<(), CommandError> {
        self.mutate(|ws| ws.apply_batch(cmds, &self.ctx()).map_err(|(_, e)| e))
    }

    pub fn can_undo(&self) -> bool {
        self.with(Workspace::can_undo).unwrap_or(false)
    }

    pub fn can_redo(&self) -> bool {
        self.with(Workspace::can_redo).unwrap_or(false)
    }

    pub fn undo(&self) -> Result<(), CommandError> {
        self.mutate(|ws| ws.undo(&self.ctx()))
    }

    /// Undoes one undo step (an import's), wherever it is among this device's steps.
    pub fn undo_step(&self, step: crm_core::UndoStepId) -> Result<(), CommandError> {
        self.mutate(|ws| ws.undo_step(step, &self.ctx()))
    }

    pub fn redo(&self) -> Result<(), CommandError> {
        self.mutate(|ws| ws.redo(&self.ctx()))
    }

    fn mutate(
        &self,
        f: impl FnOnce(&mut Workspace) -> Result<(), CommandError>,
    ) -> Result<(), CommandError> {
        self.write(|ws, _| f(ws)).unwrap_or_else(|| {
            Err(CommandError::Document(
                "the workspace is still opening".into(),
            ))
        })
    }

    /// Runs `f` on the open workspace and persists and shares whatever it wrote, even when it
    /// reports a failure (an import chunk that was refused has already taken back what it
    /// wrote: that too is a change). `None` while no workspace is open.
    pub fn write<T>(&self, f: impl FnOnce(&mut Workspace, &Ctx) -> T) -> Option<T> {
        let live = self.live.get_value()?;
        let ctx = self.ctx();
        let (out, bytes) = {
            let mut l = live.borrow_mut();
            let out = timed("hearth:write-apply", || f(&mut l.ws, &ctx));
            let bytes = timed("hearth:write-save", || l.ws.save_incremental());
            (out, bytes)
        };
        if bytes.is_empty() {
            return Some(out);
        }
        timed("hearth:write-render", || self.changed());
        self.push_to_team(&live, &bytes);
        self.persist(live, bytes);
        Some(out)
    }

    fn persist(self, live: Rc<RefCell<Live>>, bytes: Vec<u8>) {
        let Some(chunk_store) = live.borrow().store.clone() else {
            // No storage at all: the change stays in this tab (and in exports); the
            // failure banner set at start stays up.
            return;
        };
        // Queued before anything is awaited, so `unsaved` sees it at once.
        if !bytes.is_empty() {
            let key = chunk_store.queue(bytes.clone());
            live.borrow_mut().unposted.push((key, bytes));
        }
        wasm_bindgen_futures::spawn_local(async move {
            match chunk_store.flush().await {
                Ok(()) => {
                    self.status.set(SaveStatus::Saved);
                    mark("hearth:persisted");
                    // Other tabs take stored changes without storing them again; a change
                    // whose first write failed goes with the retry that stored it, and one
                    // queued while this write was under way waits for its own.
                    let (stored, channel) = {
                        let mut l = live.borrow_mut();
                        let (stored, waiting) = std::mem::take(&mut l.unposted)
                            .into_iter()
                            .partition(|(key, _)| !chunk_store.is_pending(key));
                        l.unposted = waiting;
                        (stored, l.channel.clone())
                    };
                    if let Some(c) = channel {
                        for (_, bytes) in stored {
                            let _ = c.post_message(&Uint8Array::from(bytes.as_slice()));
                        }
                    }
                    if chunk_store.needs_compaction()
                        && !self.compaction_held.get_value()
                        && chunk_store.start_compaction()
                    {
                        compact(&live, &chunk_store).await;
                        chunk_store.end_compaction();
                    }
                }
                Err(e) => {
                    self.status.set(SaveStatus::Failed(e.to_string()));
                    self.retry_later(live);
                }
            }
        });
    }

    fn retry_later(self, live: Rc<RefCell<Live>>) {
        let retry = Closure::once_into_js(move || self.persist(live, Vec::new()));
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                retry.unchecked_ref(),
                RETRY_MS,
            );
        }
    }

    /// Holds compaction back during a long series of writes; releasing it compacts once if
    /// the stored changes have grown past the snapshot.
    pub fn hold_compaction(&self, held: bool) {
        self.compaction_held.set_value(held);
        if !held {
            self.retry_now();
        }
    }

    /// Whether a change made here is not yet committed to IndexedDB.
    pub fn unsaved(&self) -> bool {
        self.live.with_value(|l| {
            l.as_ref().is_some_and(|l| {
                l.borrow()
                    .store
                    .as_ref()
                    .is_some_and(|s| s.pending_count() > 0)
            })
        })
    }

    /// Retries failed writes now (the banner's button).
    pub fn retry_now(&self) {
        if let Some(live) = self.live.get_value() {
            self.persist(live, Vec::new());
        }
    }

    // ----- several workspaces -----

    pub fn create_workspace(self, name: String) {
        self.run(async move {
            let db = self.db()?;
            self.add_and_open(&db, WorkspaceInfo::new(name)).await
        });
    }

    /// Lists a new workspace in the registry and opens it.
    async fn add_and_open(self, db: &Idb, info: WorkspaceInfo) -> Result<(), StoreError> {
        let id = info.id.clone();
        let mut list = self.workspaces.get_untracked();
        list.push(info);
        store::save_workspaces(db, &list).await?;
        self.workspaces.set(list);
        self.open(id).await
    }

    pub fn switch_workspace(self, id: String) {
        self.run(self.open(id));
    }

    pub fn rename_workspace(self, id: String, name: String) {
        self.run(async move {
            let db = self.db()?;
            let mut list = self.workspaces.get_untracked();
            if let Some(w) = list.iter_mut().find(|w| w.id == id) {
                w.name = name;
            }
            store::save_workspaces(&db, &list).await?;
            self.workspaces.set(list);
            Ok(())
        });
    }

    /// Deletes a workspace's data from this browser (the caller has asked for confirmation):
    /// its records, its sharing (`sync::forget_sync`) and who "me" is in it. Deleting the open
    /// one opens another, or a fresh empty one.
    pub fn delete_workspace(self, id: String, fallback_name: String) {
        self.run(async move {
            let db = self.db()?;
            let open = self.current.get_untracked().as_deref() == Some(id.as_str());
            if open {
                // Its sync link stops first: it must not save its place again once that is
                // gone. The workspace stays open until its data is gone (if that fails, the
                // user still has it, and the error).
                let link = self
                    .live
                    .get_value()
                    .and_then(|l| l.borrow_mut().sync.take());
                if let Some(link) = link {
                    link.stop();
                }
            }
            let mut list = self.workspaces.get_untracked();
            list.retain(|w| w.id != id);
            if list.is_empty() {
                list.push(WorkspaceInfo::new(fallback_name));
            }
            store::save_workspaces(&db, &list).await?;
            store::delete_workspace_data(&db, &id).await?;
            sync::forget_sync(&db, &id).await?;
            crate::adapters::prefs::save_me(&id, None);
            self.workspaces.set(list.clone());
            if open {
                self.live.set_value(None);
                self.open(list[0].id.clone()).await?;
            }
            Ok(())
        });
    }

    /// The open workspace as an Automerge file (full history).
    pub fn export_automerge(&self) -> Option<Vec<u8>> {
        self.live.get_value().map(|l| l.borrow_mut().ws.save())
    }

    pub fn export_json(&self) -> Option<String> {
        self.live.get_value().map(|l| l.borrow().ws.export_json())
    }

    /// Imports a file as a new workspace: an Automerge workspace file or a JSON export. A
    /// damaged or foreign file changes nothing and is reported.
    pub fn import(self, name: String, bytes: Vec<u8>) {
        self.run(async move {
            let db = self.db()?;
            let mut ws = if bytes.first() == Some(&b'{') {
                let text = String::from_utf8(bytes).map_err(|e| {
                    crm_core::WorkspaceError::NotAWorkspace(format!("not UTF-8 text: {e}"))
                })?;
                Workspace::import_json(&text, random_bytes(), &self.ctx())?
            } else {
                Workspace::load(&bytes, random_bytes())?
            };
            let info = WorkspaceInfo::new(name);
            let (chunk_store, _, _) =
                ChunkStore::open(Rc::clone(&db), &info.id, random_bytes()).await?;
            chunk_store.compact(ws.save()).await?;
            self.add_and_open(&db, info).await
        });
    }

    fn run(self, f: impl std::future::Future<Output = Result<(), StoreError>> + 'static) {
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = f.await {
                self.report(e);
            }
        });
    }
}

impl Default for Session {
    fn default() -> Self {
        Self::new()
    }
}

/// Compacts the stored chunks in the compactor worker; where no worker can (it failed to
/// start or to finish), here, from the document in memory, as a full save on this thread.
async fn compact(live: &Rc<RefCell<Live>>, chunk_store: &ChunkStore) {
    let apart = {
        let _measure = Measure::start("hearth:compact-apart");
        compactor::compact_apart(chunk_store.workspace_id()).await
    };
    match apart {
        Ok(done) => chunk_store.compacted(&done),
        Err(e) => {
            leptos::logging::warn!("compacting on the page: {e}");
            let snapshot = timed("hearth:compact", || live.borrow_mut().ws.save());
            if let Err(e) = chunk_store.compact(snapshot).await {
                leptos::logging::warn!("compaction postponed: {e}");
            }
        }
    }
}

/// Builds the search and link indexes once the browser is idle after opening, each in its own
/// task, so the first search keystroke and the first record page do not wait for them (at M each
/// takes longer than a frame).
fn warm_when_idle(live: &Rc<RefCell<Live>>) {
    let warmers: [fn(&Workspace); 2] = [Workspace::warm_search_index, Workspace::warm_link_index];
    for warm in warmers {
        let weak = Rc::downgrade(live);
        let callback = Closure::once_into_js(move || {
            if let Some(live) = weak.upgrade()
                && let Ok(l) = live.try_borrow()
            {
                warm(&l.ws);
            }
        });
        let _ = window().request_idle_callback(callback.unchecked_ref());
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Asks the browser to keep this site's storage even under pressure: a CRM's data must not be
/// evicted silently. The answer is shown in Settings.
fn request_persistent_storage() {
    let Some(w) = web_sys::window() else { return };
    if let Ok(p) = w.navigator().storage().persist() {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        });
    }
}

/// Whether storage is persistent, and bytes used and available, for Settings.
pub async fn storage_report() -> Option<(bool, f64, f64)> {
    let storage = web_sys::window()?.navigator().storage();
    let persisted = wasm_bindgen_futures::JsFuture::from(storage.persisted().ok()?)
        .await
        .ok()?
        .as_bool()?;
    let estimate = wasm_bindgen_futures::JsFuture::from(storage.estimate().ok()?)
        .await
        .ok()?;
    let get = |k: &str| {
        js_sys::Reflect::get(&estimate, &k.into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    };
    Some((persisted, get("usage"), get("quota")))
}
