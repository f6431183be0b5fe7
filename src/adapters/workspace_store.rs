//! Workspaces persisted in IndexedDB as Automerge chunks.
//!
//! Every batch of local changes is one incremental chunk written in one transaction. When the
//! incrementals outgrow the snapshot they are compacted into a new snapshot, and compaction
//! deletes only the chunks this tab loaded or wrote, so a second tab's writes are never lost.
//! Loading reads snapshots, then incrementals; a damaged chunk is skipped and reported.

use std::cell::RefCell;
use std::rc::Rc;

use crm_core::workspace::ChunkProblem;
use crm_core::{Workspace, WorkspaceError};
use serde::{Deserialize, Serialize};

use super::idb::{Idb, IdbError};

pub const DB_NAME: &str = "hearth";
const CHUNKS: &str = "chunks";
pub const META: &str = "meta";
const REGISTRY_KEY: &str = "workspaces";
const CURRENT_KEY: &str = "current-workspace";
/// Below this, compaction is not worth a rewrite.
const MIN_COMPACT_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Idb(#[from] IdbError),
    #[error(transparent)]
    Workspace(#[from] WorkspaceError),
    #[error("the list of workspaces is damaged: {0}")]
    Registry(String),
    #[error("local storage is not open")]
    NotOpen,
    #[error("this browser gave no random numbers, so no secret key can be made")]
    NoRandom,
}

/// 16 random bytes, unique on this page: for ids (`random::unique_bytes`).
pub fn random_bytes() -> [u8; 16] {
    super::random::unique_bytes()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A workspace as listed in this browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceInfo {
    pub id: String,
    pub name: String,
    pub created_at: i64,
}

impl WorkspaceInfo {
    /// A new workspace entry with a fresh random id.
    pub fn new(name: String) -> Self {
        Self {
            id: new_workspace_id(),
            name,
            created_at: super::now_ms(),
        }
    }
}

/// The workspaces of this browser and which one is open.
pub async fn list_workspaces(db: &Idb) -> Result<Vec<WorkspaceInfo>, StoreError> {
    match db.get(META, REGISTRY_KEY).await? {
        None => Ok(Vec::new()),
        Some(bytes) => {
            serde_json::from_slice(&bytes).map_err(|e| StoreError::Registry(e.to_string()))
        }
    }
}

pub async fn save_workspaces(db: &Idb, list: &[WorkspaceInfo]) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec(list).map_err(|e| StoreError::Registry(e.to_string()))?;
    Ok(db.put(META, REGISTRY_KEY, &bytes).await?)
}

pub async fn current_workspace(db: &Idb) -> Result<Option<String>, StoreError> {
    Ok(db
        .get(META, CURRENT_KEY)
        .await?
        .and_then(|b| String::from_utf8(b).ok()))
}

pub async fn set_current_workspace(db: &Idb, id: &str) -> Result<(), StoreError> {
    Ok(db.put(META, CURRENT_KEY, id.as_bytes()).await?)
}

/// Deletes every chunk of a workspace.
pub async fn delete_workspace_data(db: &Idb, id: &str) -> Result<(), StoreError> {
    let keys = db.keys_with_prefix(CHUNKS, &format!("{id}/")).await?;
    Ok(db.batch(CHUNKS, &[], &keys).await?)
}

pub fn new_workspace_id() -> String {
    hex(&random_bytes())
}

/// What a compaction away from the page did ([`compact_stored`]), for the tab's [`ChunkStore`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compacted {
    /// The snapshot written.
    pub key: String,
    pub size: usize,
    /// The chunks the snapshot holds, deleted in the transaction that wrote it.
    pub held: Vec<String>,
    /// Bytes of the incrementals among them.
    pub held_incremental_bytes: usize,
}

/// Compacts the stored chunks of `workspace` into one snapshot read afresh from the database,
/// not saved from the open document: the compactor worker runs this, so a large workspace's
/// full save never holds the page. It deletes exactly the chunks the snapshot holds, so
/// chunks written meanwhile (here or in another tab) stay, and so do damaged ones.
pub async fn compact_stored(db: &Idb, workspace: &str) -> Result<Compacted, StoreError> {
    let mut keys = db
        .keys_with_prefix(CHUNKS, &format!("{workspace}/"))
        .await?;
    keys.sort_by_key(|k| (!k.contains("/s/"), k.clone()));
    let values = db.get_many(CHUNKS, &keys).await?;
    let chunks: Vec<(String, Vec<u8>)> = keys
        .into_iter()
        .zip(values)
        .filter_map(|(k, v)| Some((k, v?)))
        .collect();
    let (snapshot, held, _) = crm_core::workspace::compact_chunks(&chunks);
    let kept: std::collections::HashSet<&String> = held.iter().collect();
    let held_incremental_bytes = chunks
        .iter()
        .filter(|(k, _)| k.contains("/i/") && kept.contains(k))
        .map(|(_, v)| v.len())
        .sum();
    let key = chunk_key(workspace, 's');
    let size = snapshot.len();
    db.batch(CHUNKS, &[(key.clone(), snapshot)], &held).await?;
    Ok(Compacted {
        key,
        size,
        held,
        held_incremental_bytes,
    })
}

#[derive(Default)]
struct State {
    /// Chunks this tab loaded or wrote: the only ones its compaction may delete.
    known: Vec<String>,
    snapshot_bytes: usize,
    incremental_bytes: usize,
    /// Chunks whose write failed; kept in memory and retried, never dropped.
    pending: Vec<(String, Vec<u8>)>,
    /// A compaction is under way (in the worker): another is not started meanwhile.
    compacting: bool,
}

/// The chunks of one workspace. Cheap to clone; all clones share state.
#[derive(Clone)]
pub struct ChunkStore {
    db: Rc<RefCell<Rc<Idb>>>,
    workspace: String,
    state: Rc<RefCell<State>>,
}

fn chunk_key(workspace: &str, kind: char) -> String {
    // Time first so keys sort in write order; random tail so two tabs never collide.
    format!(
        "{workspace}/{kind}/{:013}-{}",
        js_sys::Date::now() as u64,
        hex(&random_bytes()[..6])
    )
}

impl ChunkStore {
    /// Loads a workspace (a new, empty one if it has no chunks yet).
    pub async fn open(
        db: Rc<Idb>,
        workspace: &str,
        actor: [u8; 16],
    ) -> Result<(ChunkStore, Workspace, Vec<ChunkProblem>), StoreError> {
        let mut keys = db
            .keys_with_prefix(CHUNKS, &format!("{workspace}/"))
            .await?;
        // Snapshots (`/s/`) before incrementals (`/i/`), each in write order.
        keys.sort_by_key(|k| (!k.contains("/s/"), k.clone()));
        let values = db.get_many(CHUNKS, &keys).await?;
        let chunks: Vec<(String, Vec<u8>)> = keys
            .into_iter()
            .zip(values)
            .filter_map(|(key, value)| Some((key, value?)))
            .collect();
        // Everything loaded is already stored: the workspace's incremental saves start here.
        let (ws, problems) = Workspace::open_chunks(&chunks, actor)?;
        // A damaged chunk is not the store's to delete: a compaction here leaves it, as one in
        // the worker does (`compact_stored`), for a later version or a person to recover.
        let mut state = State::default();
        for (key, bytes) in chunks {
            if problems.iter().any(|p| p.key == key) {
                continue;
            }
            if key.contains("/s/") {
                state.snapshot_bytes += bytes.len();
            } else {
                state.incremental_bytes += bytes.len();
            }
            state.known.push(key);
        }
        let store = ChunkStore {
            db: Rc::new(RefCell::new(db)),
            workspace: workspace.to_owned(),
            state: Rc::new(RefCell::new(state)),
        };
        Ok((store, ws, problems))
    }

    pub fn workspace_id(&self) -> &str {
        &self.workspace
    }

    /// Queues a batch of changes (`Workspace::save_incremental` output) and returns its key.
    /// Synchronous, so the change counts as unsaved from the moment it is made, until a
    /// `flush` has committed it.
    pub fn queue(&self, bytes: Vec<u8>) -> String {
        let key = chunk_key(&self.workspace, 'i');
        self.state.borrow_mut().pending.push((key.clone(), bytes));
        key
    }

    /// Stores a batch of changes and returns its key (`queue` then `flush`). On failure the
    /// batch stays queued and the next `flush` or `persist` retries it.
    pub async fn persist(&self, bytes: Vec<u8>) -> Result<Option<String>, StoreError> {
        let key = (!bytes.is_empty()).then(|| self.queue(bytes));
        self.flush().await?;
        Ok(key)
    }

    fn db(&self) -> Rc<Idb> {
        Rc::clone(&self.db.borrow())
    }

    /// Runs a batch; if the connection was closed under us (another tab upgrading the
    /// database, the browser evicting storage) it reconnects once and tries again.
    async fn batch(
        &self,
        puts: &[(String, Vec<u8>)],
        deletes: &[String],
    ) -> Result<(), StoreError> {
        let db = self.db();
        match db.batch(CHUNKS, puts, deletes).await {
            Ok(()) => Ok(()),
            Err(first) => {
                let Ok(fresh) = Idb::open(db.name()).await else {
                    return Err(first.into());
                };
                let fresh = Rc::new(fresh);
                *self.db.borrow_mut() = Rc::clone(&fresh);
                Ok(fresh.batch(CHUNKS, puts, deletes).await?)
            }
        }
    }

    /// Writes every queued chunk in one transaction.
    pub async fn flush(&self) -> Result<(), StoreError> {
        let pending = self.state.borrow().pending.clone();
        if pending.is_empty() {
            return Ok(());
        }
        self.batch(&pending, &[]).await?;
        let mut st = self.state.borrow_mut();
        st.pending
            .retain(|(k, _)| !pending.iter().any(|(p, _)| p == k));
        for (k, v) in pending {
            st.incremental_bytes += v.len();
            st.known.push(k);
        }
        Ok(())
    }

    /// Whether chunk `key` (from `queue`) is still waiting to be written.
    pub fn is_pending(&self, key: &str) -> bool {
        self.state.borrow().pending.iter().any(|(k, _)| k == key)
    }

    pub fn pending_count(&self) -> usize {
        self.state.borrow().pending.len()
    }

    pub fn needs_compaction(&self) -> bool {
        let st = self.state.borrow();
        st.incremental_bytes > st.snapshot_bytes.max(MIN_COMPACT_BYTES) && st.pending.is_empty()
    }

    /// Replaces the chunks this tab knows with one snapshot of `snapshot` (`Workspace::save`).
    pub async fn compact(&self, snapshot: Vec<u8>) -> Result<(), StoreError> {
        let known = self.state.borrow().known.clone();
        let key = chunk_key(&self.workspace, 's');
        let size = snapshot.len();
        self.batch(&[(key.clone(), snapshot)], &known).await?;
        let mut st = self.state.borrow_mut();
        st.known.retain(|k| !known.contains(k));
        st.known.push(key);
        st.snapshot_bytes = size;
        st.incremental_bytes = 0;
        Ok(())
    }

    /// Marks a compaction as started; false if one already is.
    pub fn start_compaction(&self) -> bool {
        !std::mem::replace(&mut self.state.borrow_mut().compacting, true)
    }

    pub fn end_compaction(&self) {
        self.state.borrow_mut().compacting = false;
    }

    /// Takes note of a compaction done elsewhere ([`compact_stored`]).
    pub fn compacted(&self, c: &Compacted) {
        let held: std::collections::HashSet<&String> = c.held.iter().collect();
        let mut st = self.state.borrow_mut();
        st.known.retain(|k| !held.contains(k));
        st.known.push(c.key.clone());
        st.snapshot_bytes = c.size;
        st.incremental_bytes = st
            .incremental_bytes
            .saturating_sub(c.held_incremental_bytes);
    }

    /// Reads chunks another tab announced, to apply them here.
    pub async fn read(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.db().get(CHUNKS, key).await?)
    }
}
