//! A workspace: one Automerge document holding every record, with an in-memory view kept
//! current from the document's patches, full-text search, per-record history and undo.
//!
//! Merge rules (see ARCHITECTURE.md): every record is its own map keyed by a random id, so
//! concurrent creations never collide; different fields merge independently; one field edited
//! concurrently resolves by Automerge's deterministic winner; long texts are Automerge texts
//! edited by diff (character merge); sets are maps of key -> label (add wins); delete is a
//! `trashed_at` mark, never a removal, so a concurrent edit is kept and restore brings back
//! the whole record.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{
    ActorId, AutoCommit, ChangeHash, ObjId, ObjType, PatchAction, Prop, ROOT, ReadDoc, ScalarValue,
    Value,
};

mod files;

pub use files::{ChunkProblem, JSON_FORMAT, compact_chunks};

use crate::command::{Command, CommandError, Ctx};
use crate::id::Id;
use crate::money::Currency;
use crate::pipeline::{advance, stages};
use crate::record::{Record, read_record};
use crate::schema::{FieldSpec, FieldType, Kind};
use crate::search::SearchIndex;
use crate::time::Timestamp;
use crate::value::{FieldValue, encode_money, validate, validate_as};

/// The actor of the genesis change. Every replica writes the same genesis with it, so all
/// replicas share one root and its collections (two independently created roots would shadow
/// each other on merge); each device then switches to its own actor.
const GENESIS_ACTOR: [u8; 16] = [0; 16];
const FORMAT: &str = "hearth-workspace";
const MESSAGE_PREFIX: &str = "hearth/1";
/// Undo steps kept per device.
const UNDO_DEPTH: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkspaceError {
    #[error("this is not a Hearth workspace file, or it is damaged: {0}")]
    NotAWorkspace(String),
    #[error("the changes could not be read: {0}")]
    BadChanges(String),
}

/// What this replica knows of a peer on a direct link (the Automerge sync protocol's state).
#[derive(Debug, Default)]
pub struct PeerSync(automerge::sync::State);

impl PeerSync {
    pub fn new() -> Self {
        Self::default()
    }
}

/// A link from one record to another as the app should show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link<'a> {
    Live(&'a Record),
    /// The target is in the trash: shown as such, with a way to restore it.
    Trashed(&'a Record),
    /// Not (yet) in this replica, e.g. created on a device that has not synced.
    Missing(Id),
}

/// One field's change within a history entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub key: String,
    pub before: Option<FieldValue>,
    pub after: Option<FieldValue>,
}

/// One change to a record, derived from the Automerge history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    pub hash: ChangeHash,
    pub at: Timestamp,
    pub by: Option<Id>,
    pub changes: Vec<FieldChange>,
}

/// The state of one record before and after a command, for undo and redo.
#[derive(Debug, Clone)]
struct RecordDiff {
    kind: Kind,
    id: Id,
    before: Option<Record>,
    after: Option<Record>,
}

pub struct Workspace {
    doc: AutoCommit,
    collections: HashMap<Kind, ObjId>,
    records: HashMap<Kind, BTreeMap<Id, Record>>,
    /// Built on first use (see `with_search_index`), so opening a workspace does not pay for it.
    search: std::cell::RefCell<Option<SearchIndex>>,
    /// Built on first use, like the search index.
    backlinks: std::cell::RefCell<Option<crate::backlinks::Backlinks>>,
    /// Records re-read into the view, in order (`changes_since`), so cached list queries can
    /// be patched instead of re-run.
    change_log: Vec<(Kind, Id)>,
    /// How many entries were dropped from the front of `change_log`.
    change_base: u64,
    pub(crate) query_cache: std::cell::RefCell<crate::query::QueryCache>,
    undo: Vec<UndoStep>,
    redo: Vec<UndoStep>,
    /// The id the next undo step gets.
    next_step: u64,
    /// While set, batches written through it fold into one undo step (`begin_undo_group`).
    undo_group: Option<UndoGroup>,
    /// Per kind (`Kind::index`), how many times a record of it was re-read into the view.
    kind_changes: [u64; Kind::ALL.len()],
    /// The kinds read since `reading` began, as bits of `Kind::index`.
    reads: std::cell::Cell<u16>,
    /// The heads `save_incremental` last covered. Automerge's own cursor starts empty after a
    /// load, so its first incremental save was the whole document again (23 MB and half a
    /// second at dataset M, on every opening).
    saved: Vec<ChangeHash>,
    /// `change_seq` when `repair_merged_links` last looked for late edits; None before the
    /// first time (every merged record is looked at then).
    repaired_at: Option<u64>,
}

/// The collections the genesis change creates. Frozen: changing this list would change the
/// genesis hash, and existing workspaces would no longer open.
const GENESIS_COLLECTIONS: [&str; 11] = [
    "contacts",
    "companies",
    "deals",
    "pipelines",
    "activities",
    "tasks",
    "members",
    "territories",
    "tags",
    "custom_fields",
    "views",
];

/// Collections added after the genesis by a second deterministic change (same actor, time 0,
/// fixed ops, depending only on the genesis), so every replica that makes it makes the
/// same change with the same hash and they never shadow each other. Frozen too.
const COLLECTIONS_2: [&str; 2] = ["targets", "settings"];

fn genesis() -> AutoCommit {
    let mut doc = AutoCommit::new().with_actor(ActorId::from(GENESIS_ACTOR));
    // Writes to a fresh in-memory document with static keys cannot fail.
    let _ = doc.put(ROOT, "format", FORMAT);
    for collection in GENESIS_COLLECTIONS {
        let _ = doc.put_object(ROOT, collection, ObjType::Map);
    }
    doc.commit_with(
        CommitOptions::default()
            .with_time(0)
            .with_message("hearth genesis"),
    );
    doc
}

/// The change creating `COLLECTIONS_2`. A workspace gets it when it first writes a record of
/// one of those kinds (`Workspace::ensure_collection`), so it travels with that write: a
/// replica that has never seen it receives it in the same chunk as the records that need it.
fn collections_2() -> Option<automerge::Change> {
    let mut doc = genesis();
    for collection in COLLECTIONS_2 {
        let _ = doc.put_object(ROOT, collection, ObjType::Map);
    }
    doc.commit_with(
        CommitOptions::default()
            .with_time(0)
            .with_message("hearth collections 2"),
    );
    doc.get_last_local_change()
}

/// The hash every workspace's first change has.
pub fn genesis_hash() -> ChangeHash {
    genesis().get_heads()[0]
}

fn doc_err(e: automerge::AutomergeError) -> CommandError {
    CommandError::Document(e.to_string())
}

impl Workspace {
    /// A new, empty workspace. `actor` is 16 random bytes unique to this device and session.
    pub fn new(actor: [u8; 16]) -> Workspace {
        let mut doc = genesis();
        doc.set_actor(ActorId::from(actor));
        Self::from_doc(doc)
    }

    /// Opens a saved workspace (`save` output, or concatenated incremental chunks).
    pub fn load(bytes: &[u8], actor: [u8; 16]) -> Result<Workspace, WorkspaceError> {
        let mut doc =
            AutoCommit::load(bytes).map_err(|e| WorkspaceError::NotAWorkspace(e.to_string()))?;
        if doc.get_change_meta_by_hash(&genesis_hash()).is_none() {
            return Err(WorkspaceError::NotAWorkspace(
                "it does not start from a Hearth workspace's first change".into(),
            ));
        }
        doc.set_actor(ActorId::from(actor));
        Ok(Self::from_doc(doc).loaded())
    }

    /// Everything it was opened from is stored already: incremental saves start from here.
    pub(crate) fn loaded(mut self) -> Self {
        self.saved = self.doc.get_heads();
        self
    }

    fn from_doc(mut doc: AutoCommit) -> Workspace {
        let mut collections = HashMap::new();
        for kind in Kind::ALL {
            if let Ok(Some((Value::Object(ObjType::Map), obj))) = doc.get(ROOT, kind.collection()) {
                collections.insert(kind, obj);
            }
        }
        doc.update_diff_cursor();
        let mut ws = Workspace {
            doc,
            collections,
            records: HashMap::new(),
            search: std::cell::RefCell::new(None),
            backlinks: std::cell::RefCell::new(None),
            change_log: Vec::new(),
            change_base: 0,
            query_cache: Default::default(),
            undo: Vec::new(),
            redo: Vec::new(),
            next_step: 0,
            undo_group: None,
            kind_changes: [0; Kind::ALL.len()],
            reads: std::cell::Cell::new(0),
            saved: Vec::new(),
            repaired_at: None,
        };
        // One hydrating pass per collection: far cheaper than reading record by record.
        for kind in Kind::ALL {
            let Some(coll) = ws.collections.get(&kind) else {
                continue;
            };
            let Ok(automerge::hydrate::Value::Map(map)) = ws.doc.hydrate(coll, None) else {
                continue;
            };
            let records = ws.records.entry(kind).or_default();
            for (key, value) in map.iter() {
                let (Ok(id), automerge::hydrate::Value::Map(m)) = (key.parse::<Id>(), &value.value)
                else {
                    continue;
                };
                let rec = crate::record::record_from_map(kind, id, m);
                records.insert(id, rec);
            }
        }
        ws
    }

    /// The whole document, compacted.
    pub fn save(&mut self) -> Vec<u8> {
        let bytes = self.doc.save();
        self.saved = self.doc.get_heads();
        bytes
    }

    /// Changes since the workspace was opened or last saved (`save`, `save_incremental`): what
    /// to persist after each command.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        let bytes = self.doc.save_after(&self.saved);
        if !bytes.is_empty() {
            self.saved = self.doc.get_heads();
        }
        bytes
    }

    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// How far this replica reaches, as bytes to keep (its heads, 32 bytes each): a device
    /// notes it when every change it holds has been offered to its team, and later asks
    /// [`Workspace::changes_since_mark`] what it holds beyond.
    pub fn mark(&mut self) -> Vec<u8> {
        self.doc.get_heads().iter().flat_map(|h| h.0).collect()
    }

    /// What this replica holds beyond `mark` (an earlier [`Workspace::mark`] of this replica or
    /// of another tab's), as one chunk for `load_incremental`; empty when nothing.
    ///
    /// Errs towards more: heads of the mark this replica does not hold are passed over (it
    /// cannot tell what lies under them), and with none known, or no mark at all (the
    /// workspace was never offered), everything after the first change all workspaces share
    /// comes back, as the whole document. Extra changes cost bytes; a missing one would never
    /// reach the team.
    pub fn changes_since_mark(&mut self, mark: Option<&[u8]>) -> Vec<u8> {
        let known: Vec<ChangeHash> = mark
            .filter(|m| m.len() % 32 == 0)
            .unwrap_or_default()
            .chunks_exact(32)
            .filter_map(|h| ChangeHash::try_from(h).ok())
            .filter(|h| self.doc.get_change_meta_by_hash(h).is_some())
            .collect();
        if !known.is_empty() {
            return self.doc.save_after(&known);
        }
        if self.doc.get_heads() == [genesis_hash()] {
            return Vec::new();
        }
        // Not `save`: what the chunk store has persisted (`saved`) is another matter.
        self.doc.save()
    }

    /// Applies changes saved elsewhere (another tab, a colleague) and updates the view.
    pub fn load_incremental(&mut self, bytes: &[u8]) -> Result<(), WorkspaceError> {
        self.doc
            .load_incremental(bytes)
            .map_err(|e| WorkspaceError::BadChanges(e.to_string()))?;
        self.refresh();
        Ok(())
    }

    /// Applies changes another tab of this browser has already persisted: they are marked as
    /// saved, so this tab's next `save_incremental` does not write them a second time.
    /// Call only with no unsaved local changes (save after every command).
    pub fn absorb(&mut self, bytes: &[u8]) -> Result<(), WorkspaceError> {
        self.load_incremental(bytes)?;
        self.saved = self.doc.get_heads();
        Ok(())
    }

    /// The next Automerge sync-protocol message for a peer on a direct link, if it needs one.
    /// Each link keeps its own [`PeerSync`], which starts empty on every connection.
    pub fn sync_message(&mut self, peer: &mut PeerSync) -> Option<Vec<u8>> {
        use automerge::sync::SyncDoc;
        self.doc
            .sync()
            .generate_sync_message(&mut peer.0)
            .map(automerge::sync::Message::encode)
    }

    /// Takes a peer's sync-protocol message: the changes it carries are merged and the view
    /// re-read. A message that does not decode changes nothing and is an error.
    pub fn receive_sync_message(
        &mut self,
        peer: &mut PeerSync,
        bytes: &[u8],
    ) -> Result<(), WorkspaceError> {
        use automerge::sync::SyncDoc;
        let message = automerge::sync::Message::decode(bytes)
            .map_err(|e| WorkspaceError::BadChanges(e.to_string()))?;
        self.doc
            .sync()
            .receive_sync_message(&mut peer.0, message)
            .map_err(|e| WorkspaceError::BadChanges(e.to_string()))?;
        self.refresh();
        Ok(())
    }

    /// Merges another replica of the same workspace into this one.
    pub fn merge(&mut self, other: &mut Workspace) -> Result<(), WorkspaceError> {
        self.doc
            .merge(&mut other.doc)
            .map_err(|e| WorkspaceError::BadChanges(e.to_string()))?;
        self.refresh();
        Ok(())
    }

    // ----- reading -----

    pub fn get(&self, kind: Kind, id: Id) -> Option<&Record> {
        self.note_read(kind);
        self.records.get(&kind)?.get(&id)
    }

    /// Every record of a kind, trashed ones included, in id order.
    pub fn records(&self, kind: Kind) -> impl Iterator<Item = &Record> {
        self.note_read(kind);
        self.records
            .get(&kind)
            .into_iter()
            .flat_map(BTreeMap::values)
    }

    /// Records of a kind that are not in the trash.
    pub fn live(&self, kind: Kind) -> impl Iterator<Item = &Record> {
        self.records(kind).filter(|r| !r.is_trashed())
    }

    pub fn trash(&self) -> impl Iterator<Item = &Record> {
        Kind::ALL
            .into_iter()
            .flat_map(|k| self.records(k).filter(|r| r.is_trashed()))
    }

    pub fn link(&self, kind: Kind, id: Id) -> Link<'_> {
        match self.get(kind, id) {
            Some(r) if r.is_trashed() => Link::Trashed(r),
            Some(r) => Link::Live(r),
            None => Link::Missing(id),
        }
    }

    /// Records matching every word of `query` as a prefix, trashed ones left out.
    pub fn search(&self, query: &str) -> Vec<(Kind, Id)> {
        self.with_search_index(|index| index.search(query))
            .into_iter()
            .filter(|(k, id)| self.get(*k, *id).is_some_and(|r| !r.is_trashed()))
            .collect()
    }

    /// Records of `kind` (trashed ones too) whose link fields point at `target`, in id order.
    /// Every read of records passes here (`get`, `records`, and the indexes built from them),
    /// so `reading` can tell which kinds an answer depends on.
    fn note_read(&self, kind: Kind) {
        self.reads.set(self.reads.get() | 1 << kind.index());
    }

    /// For the indexes that span kinds: their answers may depend on any of them.
    pub(crate) fn note_read_all(&self) {
        self.reads.set(u16::MAX);
    }

    /// Runs `f` and returns, with its answer, the kinds of record it read: the answer can
    /// only change when a record of one of them does (`kind_version`). A view computing a
    /// figure re-runs after changes to those kinds only, instead of after every change.
    pub fn reading<R>(&self, f: impl FnOnce(&Workspace) -> R) -> (R, Vec<Kind>) {
        let outer = self.reads.replace(0);
        let out = f(self);
        let read = self.reads.get();
        // A nested `reading` leaves its kinds to the outer one too.
        self.reads.set(outer | read);
        let kinds = Kind::ALL
            .into_iter()
            .filter(|k| read & (1 << k.index()) != 0)
            .collect();
        (out, kinds)
    }

    /// Grows whenever a record of `kind` changes here or arrives from elsewhere.
    pub fn kind_version(&self, kind: Kind) -> u64 {
        self.kind_changes[kind.index()]
    }

    pub(crate) fn referrers(&self, target: Id, kind: Kind) -> Vec<Id> {
        self.note_read(kind);
        self.with_backlinks(|index| index.of(target, kind).collect())
    }

    /// Builds the index of who links to whom now if it is not built yet (call when the app is
    /// idle: at M it takes longer than a frame, and the first record page would wait for it).
    pub fn warm_link_index(&self) {
        self.with_backlinks(|_| ());
    }

    fn with_backlinks<R>(&self, f: impl FnOnce(&crate::backlinks::Backlinks) -> R) -> R {
        let mut slot = self.backlinks.borrow_mut();
        let index = slot.get_or_insert_with(|| {
            let mut index = crate::backlinks::Backlinks::default();
            for k in Kind::ALL {
                for rec in self.records(k) {
                    index.set(k, rec.id, Some(rec));
                }
            }
            index
        });
        f(index)
    }

    /// Forgets the cached list queries (they are rebuilt on their next use), to free their
    /// memory or to time a query in full.
    pub fn drop_query_cache(&self) {
        self.query_cache.take();
    }

    /// Builds the search index now if it is not built yet (call when the app is idle).
    pub fn warm_search_index(&self) {
        self.with_search_index(|_| ());
    }

    pub(crate) fn with_search_index<R>(&self, f: impl FnOnce(&SearchIndex) -> R) -> R {
        self.note_read_all();
        let mut slot = self.search.borrow_mut();
        let index = slot.get_or_insert_with(|| {
            let mut index = SearchIndex::default();
            for kind in Kind::ALL {
                for rec in self.records(kind) {
                    index.set(kind, rec.id, &search_text(rec));
                }
            }
            index
        });
        f(index)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    // ----- the incremental view -----

    fn record_obj(&self, kind: Kind, id: Id) -> Option<ObjId> {
        let coll = self.collections.get(&kind)?;
        match self.doc.get(coll, id.to_string()) {
            Ok(Some((Value::Object(ObjType::Map), obj))) => Some(obj),
            _ => None,
        }
    }

    /// A counter that grows with every record re-read into the view.
    pub(crate) fn change_seq(&self) -> u64 {
        self.change_base + self.change_log.len() as u64
    }

    /// The records re-read since `seq`, or None when the log no longer reaches back that far.
    pub(crate) fn changes_since(&self, seq: u64) -> Option<&[(Kind, Id)]> {
        let from = seq.checked_sub(self.change_base)?;
        self.change_log.get(usize::try_from(from).ok()?..)
    }

    /// The map of `kind`'s collection, creating the collections added after the genesis when
    /// this document does not have them yet. Call only between changes (it may apply one).
    fn ensure_collection(&mut self, kind: Kind) -> Result<ObjId, CommandError> {
        if let Some(obj) = self.collections.get(&kind) {
            return Ok(obj.clone());
        }
        if let Ok(Some((Value::Object(ObjType::Map), obj))) = self.doc.get(ROOT, kind.collection())
        {
            self.collections.insert(kind, obj.clone());
            return Ok(obj);
        }
        if !COLLECTIONS_2.contains(&kind.collection()) {
            return Err(CommandError::Document(format!("no {kind} collection")));
        }
        let change = collections_2()
            .ok_or_else(|| CommandError::Document("the collections change is missing".into()))?;
        self.doc.apply_changes([change]).map_err(doc_err)?;
        // Applying a change logs patches like a merge; the view takes them in.
        self.refresh();
        self.collections
            .get(&kind)
            .cloned()
            .ok_or_else(|| CommandError::Document(format!("no {kind} collection")))
    }

    /// Re-reads one record from the document into the view and the search index.
    fn reload(&mut self, kind: Kind, id: Id) {
        // The log only serves recent cache entries; past this size they re-run anyway.
        if self.change_log.len() >= 4096 {
            self.change_base += self.change_log.len() as u64;
            self.change_log.clear();
        }
        self.change_log.push((kind, id));
        self.kind_changes[kind.index()] += 1;
        match self.record_obj(kind, id) {
            Some(obj) => {
                let rec = read_record(&self.doc, kind, id, &obj);
                if let Some(index) = self.search.get_mut() {
                    index.set(kind, id, &search_text(&rec));
                }
                if let Some(links) = self.backlinks.get_mut() {
                    links.set(kind, id, Some(&rec));
                }
                self.records.entry(kind).or_default().insert(id, rec);
            }
            None => {
                if let Some(index) = self.search.get_mut() {
                    index.remove(kind, id);
                }
                if let Some(links) = self.backlinks.get_mut() {
                    links.set(kind, id, None);
                }
                if let Some(m) = self.records.get_mut(&kind) {
                    m.remove(&id);
                }
            }
        }
    }

    /// Brings the view up to date from the patches since the last refresh: only the records the
    /// patches touch are re-read.
    fn refresh(&mut self) {
        // Collections added after the genesis arrive like any change (from a colleague, or
        // made here by `ensure_collection`).
        for kind in Kind::ALL {
            if !self.collections.contains_key(&kind)
                && let Ok(Some((Value::Object(ObjType::Map), obj))) =
                    self.doc.get(ROOT, kind.collection())
            {
                self.collections.insert(kind, obj);
            }
        }
        let mut touched = BTreeSet::new();
        for patch in self.doc.diff_incremental() {
            let Some((_, Prop::Map(collection))) = patch.path.first() else {
                continue;
            };
            let Some(kind) = Kind::from_collection(collection) else {
                continue;
            };
            let id = match patch.path.get(1) {
                Some((_, Prop::Map(id))) => id.parse::<Id>().ok(),
                Some(_) => None,
                None => match &patch.action {
                    PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => {
                        key.parse().ok()
                    }
                    _ => None,
                },
            };
            if let Some(id) = id {
                touched.insert((kind, id));
            }
        }
        for (kind, id) in touched {
            self.reload(kind, id);
        }
    }

    // ----- commands -----

    /// Validates and applies a command as one change; on any error nothing is written.
    pub fn apply(&mut self, cmd: Command, ctx: &Ctx) -> Result<(), CommandError> {
        let plan = self.plan(cmd, ctx)?;
        let diffs = self.write(plan, ctx)?;
        self.record_undo(diffs, None);
        Ok(())
    }

    /// Applies several commands as one change and one undo step (an import, a bulk edit).
    /// Each is validated against the workspace as it was before the batch, so links must point
    /// to records that already exist. On the first invalid command nothing is written and its
    /// index is returned with the reason.
    pub fn apply_batch(
        &mut self,
        cmds: Vec<Command>,
        ctx: &Ctx,
    ) -> Result<(), (usize, CommandError)> {
        self.apply_batch_to(cmds, ctx, None)
    }

    /// [`Workspace::apply_batch`] whose undo step is the open group's `group`
    /// ([`Workspace::begin_undo_group`]): the batches of one import, written apart so the page
    /// stays responsive, are undone as one, and nothing else joins them.
    pub fn apply_batch_in(
        &mut self,
        group: UndoStepId,
        cmds: Vec<Command>,
        ctx: &Ctx,
    ) -> Result<(), (usize, CommandError)> {
        self.apply_batch_to(cmds, ctx, Some(group))
    }

    fn apply_batch_to(
        &mut self,
        cmds: Vec<Command>,
        ctx: &Ctx,
        group: Option<UndoStepId>,
    ) -> Result<(), (usize, CommandError)> {
        let mut plan = Plan::default();
        let mut seen = BTreeSet::new();
        for (i, cmd) in cmds.into_iter().enumerate() {
            let p = self.plan(cmd, ctx).map_err(|e| (i, e))?;
            for rw in &p.records {
                if rw.create && !seen.insert((rw.kind, rw.id)) {
                    return Err((
                        i,
                        CommandError::AlreadyExists {
                            kind: rw.kind,
                            id: rw.id,
                        },
                    ));
                }
            }
            plan.records.extend(p.records);
        }
        let diffs = self.write(plan, ctx).map_err(|e| (0, e))?;
        self.record_undo(diffs, group);
        Ok(())
    }

    /// A new command starts a new redo-less future; only the last `UNDO_DEPTH` steps are kept.
    /// `group`: the open group's step, which the diffs join wherever it is in the stack.
    fn record_undo(&mut self, diffs: Vec<RecordDiff>, group: Option<UndoStepId>) {
        if diffs.is_empty() {
            return;
        }
        self.redo.clear();
        let group = group.and_then(|id| self.undo_group.as_mut().filter(|g| g.id == id));
        if let Some(g) = group {
            if let Some(step) = self.undo.iter_mut().rev().find(|s| s.id == g.id) {
                for d in diffs {
                    match g.at.get(&(d.kind, d.id)) {
                        Some(&i) => {
                            if let Some(m) = step.diffs.get_mut(i) {
                                m.after = d.after;
                            }
                        }
                        None => {
                            g.at.insert((d.kind, d.id), step.diffs.len());
                            step.diffs.push(d);
                        }
                    }
                }
                return;
            }
            g.at = diffs
                .iter()
                .enumerate()
                .map(|(i, d)| ((d.kind, d.id), i))
                .collect();
            let id = g.id;
            self.push_undo(UndoStep { id, diffs });
            return;
        }
        let id = self.new_step_id();
        self.push_undo(UndoStep { id, diffs });
    }

    fn new_step_id(&mut self) -> UndoStepId {
        self.next_step += 1;
        UndoStepId(self.next_step)
    }

    fn push_undo(&mut self, step: UndoStep) {
        self.undo.push(step);
        if self.undo.len() > UNDO_DEPTH {
            // The oldest step goes, unless it is an import still being written: its Undo
            // must take back all of it.
            let open = self.undo_group.as_ref().map(|g| g.id);
            if let Some(i) = self.undo.iter().position(|s| Some(s.id) != open) {
                self.undo.remove(i);
            }
        }
    }

    /// Opens an undo group: batches written with [`Workspace::apply_batch_in`] and the id
    /// returned form one undo step, however many there are and whatever is applied between
    /// them (which gets steps of its own). While it is open its step cannot be undone (an
    /// import half written would stay half written); `end_undo_group` closes it.
    pub fn begin_undo_group(&mut self) -> UndoStepId {
        let id = self.new_step_id();
        self.undo_group = Some(UndoGroup {
            id,
            at: HashMap::new(),
        });
        id
    }

    pub fn end_undo_group(&mut self) {
        self.undo_group = None;
    }

    /// Reverts this device's most recent command (as a new change, so it syncs like any edit).
    pub fn undo(&mut self, ctx: &Ctx) -> Result<(), CommandError> {
        let top = self.undo.last().ok_or(CommandError::NothingToUndo)?;
        if self.undo_group.as_ref().is_some_and(|g| g.id == top.id) {
            return Err(CommandError::UndoWhileWriting);
        }
        let id = top.id;
        self.undo_step(id, ctx)
    }

    /// Reverts undo step `id` (the one an import's batches formed), wherever it is in the
    /// stack: what it changed goes back to what it was before it, but for what has been
    /// changed again since (an edit made after it stays), and the steps after it stay.
    /// `NothingToUndo` if it is no longer there (undone, or too far back). Only the newest
    /// step can be redone afterwards: redoing an older one would undo the edits after it.
    pub fn undo_step(&mut self, id: UndoStepId, ctx: &Ctx) -> Result<(), CommandError> {
        let at = self
            .undo
            .iter()
            .rposition(|s| s.id == id)
            .ok_or(CommandError::NothingToUndo)?;
        let newest = at + 1 == self.undo.len();
        let plan = self.revert_plan(&self.undo[at].diffs, true, !newest);
        self.write(plan, ctx)?;
        let step = self.undo.remove(at);
        if newest {
            self.redo.push(step);
        } else {
            self.redo.clear();
        }
        Ok(())
    }

    pub fn redo(&mut self, ctx: &Ctx) -> Result<(), CommandError> {
        let step = self.redo.last().ok_or(CommandError::NothingToRedo)?;
        let plan = self.revert_plan(&step.diffs, false, false);
        self.write(plan, ctx)?;
        if let Some(step) = self.redo.pop() {
            self.undo.push(step);
        }
        Ok(())
    }
}

impl Workspace {
    /// The live record a merged-away record's merges lead to (it may have been merged into
    /// one that was merged in turn); `None` if they lead nowhere live.
    fn merge_target(&self, kind: Kind, id: Id) -> Option<Id> {
        let mut at = self.get(kind, id)?;
        // A chain longer than this is a loop of merges made at once on several devices.
        for _ in 0..16 {
            let next = self.get(kind, at.merged_into?)?;
            if !next.is_trashed() {
                return Some(next.id);
            }
            at = next;
        }
        None
    }

    /// Re-points the links that still lead to a record merged away: made on a device that had
    /// not yet seen the merge (an activity logged offline on the contact another colleague
    /// merged meanwhile), they arrive after it and would leave the activity on a record in the
    /// trash, missing from the kept record's timeline. Run after applying changes from
    /// elsewhere; writes a change or two (not an undo step: it finishes the merge) and returns how
    /// many records it re-pointed or brought back. Devices doing it at once write the same
    /// values.
    ///
    /// Merges made at once on two devices, each of a pair into the other (or round a longer
    /// loop), would leave every record of the loop in the trash, each merged into the next.
    /// The one with the smallest id comes back first, as if its merge alone had been made, and
    /// the others then lead to it: every device picks the same one.
    ///
    /// Field edits that arrive on a record merged away, made where the merge was not yet seen
    /// (a colleague added the duplicate's new phone number offline), go on to the kept record:
    /// new set items are added, any other value replaces the kept one's (it is the newest word
    /// on that field); clearing a field, notes (two devices appending at once would both
    /// stay), a deal's stage and links to records in the trash are not carried. A stamp on the
    /// record merged away moves the point its edits count from, so each is carried once.
    pub fn repair_merged_links(&mut self, ctx: &Ctx) -> Result<usize, CommandError> {
        // One scan of every record serves the three steps (a revived record no longer leads
        // anywhere, so the later steps pass over it).
        let merged: Vec<(Kind, Id)> = Kind::ALL
            .into_iter()
            .flat_map(|k| {
                self.records(k)
                    .filter(|r| r.merged_into.is_some())
                    .map(move |r| (k, r.id))
            })
            .collect();
        let (revived, looped) = self.merge_loops(&merged);
        // What every merge of a loop wrote on its records is no late edit: read before the
        // revival deletes the revived record's `merged_into`.
        let loop_merges: Vec<ChangeHash> = revived
            .iter()
            .chain(&looped)
            .flat_map(|&(kind, id)| self.merge_changes(kind, id, &["merged_into"]))
            .collect();
        if !revived.is_empty() {
            let records = revived
                .iter()
                .map(|&(kind, id)| RecordWrite {
                    kind,
                    id,
                    create: false,
                    writes: vec![Write::Trashed(None), Write::MergedInto(None)],
                })
                .collect();
            self.write(Plan { records }, ctx)?;
        }
        let carried = self.late_edits(ctx.now, &merged, &looped, &loop_merges);
        let n = carried.iter().filter(|r| !r.is_stamp()).count();
        if !carried.is_empty() {
            self.write(Plan { records: carried }, ctx)?;
        }
        self.repaired_at = Some(self.change_seq());
        Ok(revived.len() + n + self.relink_merged(&merged, ctx)?)
    }

    /// The kept records' writes that carry late edits of records merged into them, and the
    /// stamps (`carried_at`) on those records that move their baseline past the edits, so an
    /// edit is carried once however often its record is looked at again (by this device or
    /// another: the stamp is in the document).
    fn late_edits(
        &mut self,
        now: Timestamp,
        merged: &[(Kind, Id)],
        looped: &RecordSet,
        loop_merges: &[ChangeHash],
    ) -> Vec<RecordWrite> {
        let merged_away = |r: &Record| r.is_trashed() && r.merged_into.is_some();
        let touched: BTreeSet<(Kind, Id)> =
            match self.repaired_at.and_then(|at| self.changes_since(at)) {
                Some(t) => t.iter().chain(looped).copied().collect(),
                // The first time, or the log no longer reaches back: every merged record.
                None => merged.iter().copied().collect(),
            };
        // Per kept record and field, the value to write: two records merged into one may
        // both carry to the same field.
        type Carried = BTreeMap<&'static str, (&'static FieldSpec, FieldValue)>;
        let mut carried: BTreeMap<(Kind, Id), Carried> = BTreeMap::new();
        let mut stamped = Vec::new();
        for (kind, gone) in touched {
            let Some(rec) = self.get(kind, gone).filter(|r| merged_away(r)) else {
                continue;
            };
            let (Some(keep), Some(obj)) =
                (self.merge_target(kind, gone), self.record_obj(kind, gone))
            else {
                continue;
            };
            // The merge and the last carry, as this record saw them (with a loop's other
            // merges for its records).
            let in_loop = looped.contains(&(kind, gone));
            let mut baseline = self.merge_changes(kind, gone, &["merged_into", "carried_at"]);
            if in_loop {
                baseline.extend_from_slice(loop_merges);
            }
            // One read of the record as it was then: a read at past heads walks the history.
            let Ok(automerge::hydrate::Value::Map(then)) = self.doc.hydrate(&obj, Some(&baseline))
            else {
                continue;
            };
            let before = crate::record::record_from_map(kind, gone, &then);
            let Some(kept) = self.get(kind, keep) else {
                continue;
            };
            let mut late_seen = false;
            for spec in kind.fields() {
                let Some(late) = rec.get(spec.name) else {
                    continue;
                };
                if before.get(spec.name) == Some(late) {
                    continue;
                }
                late_seen = true;
                // Notes are edited in place: two devices appending at once would both stay.
                // A deal's stage moves through its own command.
                if spec.ty == FieldType::LongText || matches!(spec.name, "stage" | "pipeline") {
                    continue;
                }
                let has = carried
                    .get(&(kind, keep))
                    .and_then(|c| c.get(spec.name))
                    .map(|(_, v)| v)
                    .or_else(|| kept.get(spec.name));
                let value = match (late, has) {
                    // Only the items added late, joined to the kept record's: items its set
                    // lost stay gone.
                    (FieldValue::Set(new), None | Some(FieldValue::Set(_))) => {
                        let old = before.get(spec.name).and_then(FieldValue::as_set);
                        let mut all = has
                            .and_then(FieldValue::as_set)
                            .cloned()
                            .unwrap_or_default();
                        let before_len = all.len();
                        for (k, v) in new {
                            if old.is_none_or(|o| !o.contains_key(k)) && !all.contains_key(k) {
                                all.insert(k.clone(), v.clone());
                            }
                        }
                        if all.len() == before_len {
                            continue;
                        }
                        FieldValue::Set(all)
                    }
                    (late, has) if has == Some(late) => continue,
                    (late, _) => late.clone(),
                };
                let value = without_links_to(spec, kind, value, [keep, gone])
                    .and_then(|v| self.live_links_only(spec, v));
                if let Some(value) = value {
                    carried
                        .entry((kind, keep))
                        .or_default()
                        .insert(spec.name, (spec, value));
                }
            }
            // Everything the record holds now has been weighed: later looks start from here.
            // (A loop's records always: their baseline is no longer there to be found.)
            if late_seen || in_loop {
                stamped.push((kind, gone));
            }
        }
        let mut out: Vec<RecordWrite> = carried
            .into_iter()
            .map(|((kind, id), fields)| RecordWrite {
                kind,
                id,
                create: false,
                writes: fields
                    .into_values()
                    .map(|(spec, v)| Write::Field(spec, Some(v)))
                    .collect(),
            })
            .collect();
        out.extend(stamped.into_iter().map(|(kind, id)| RecordWrite {
            kind,
            id,
            create: false,
            writes: vec![Write::CarriedAt(now)],
        }));
        out
    }

    /// The changes that wrote `keys` of a record (every value of a key written at once).
    fn merge_changes(&self, kind: Kind, id: Id, keys: &[&str]) -> Vec<ChangeHash> {
        let Some(obj) = self.record_obj(kind, id) else {
            return Vec::new();
        };
        keys.iter()
            .flat_map(|key| self.doc.get_all(&obj, *key).unwrap_or_default())
            .filter_map(|(_, op)| self.doc.hash_for_opid(&op))
            .collect()
    }

    /// `value` without links to records that are gone or in the trash (None if nothing is
    /// left): a late edit may name one trashed meanwhile.
    fn live_links_only(&self, spec: &FieldSpec, value: FieldValue) -> Option<FieldValue> {
        let live = |kind: Kind, id: Id| self.get(kind, id).is_some_and(|r| !r.is_trashed());
        match (spec.ty, value) {
            (FieldType::Ref(kind), FieldValue::Ref(id)) => {
                live(kind, id).then_some(FieldValue::Ref(id))
            }
            (FieldType::RefSet(kind), FieldValue::Set(items)) => {
                let items: BTreeMap<_, _> = items
                    .into_iter()
                    .filter(|(k, _)| k.parse().is_ok_and(|id| live(kind, id)))
                    .collect();
                (!items.is_empty()).then_some(FieldValue::Set(items))
            }
            (_, value) => Some(value),
        }
    }

    /// Per loop of merges, the record with the smallest id (to bring back), and the loop's
    /// other records.
    fn merge_loops(&self, merged: &[(Kind, Id)]) -> (RecordSet, RecordSet) {
        let (mut revive, mut others) = (BTreeSet::new(), BTreeSet::new());
        for &(kind, id) in merged {
            if let Some(start) = self.get(kind, id).filter(|r| r.is_trashed()) {
                let mut seen = vec![start.id];
                let mut at = start;
                while let Some(next) = at.merged_into.and_then(|n| self.get(kind, n)) {
                    if !next.is_trashed() || next.merged_into.is_none() {
                        break;
                    }
                    if let Some(i) = seen.iter().position(|&s| s == next.id) {
                        if let Some(&min) = seen[i..].iter().min() {
                            revive.insert((kind, min));
                            others.extend(
                                seen[i..].iter().filter(|&&s| s != min).map(|&s| (kind, s)),
                            );
                        }
                        break;
                    }
                    seen.push(next.id);
                    at = next;
                }
            }
        }
        (revive, others)
    }

    fn relink_merged(&mut self, merged: &[(Kind, Id)], ctx: &Ctx) -> Result<usize, CommandError> {
        let mut moves: HashMap<Kind, HashMap<Id, Id>> = HashMap::new();
        for &(kind, gone) in merged {
            if let Some(keep) = self.merge_target(kind, gone) {
                moves.entry(kind).or_default().insert(gone, keep);
            }
        }
        let mut plan = Plan::default();
        for other_kind in Kind::ALL {
            // Every live record of `other_kind` linking to a record merged away, once.
            let referrers: BTreeSet<Id> = moves
                .values()
                .flat_map(|m| m.keys())
                .flat_map(|gone| self.referrers(*gone, other_kind))
                .collect();
            for rid in referrers {
                let Some(rec) = self.get(other_kind, rid).filter(|r| !r.is_trashed()) else {
                    continue;
                };
                let mut writes = Vec::new();
                for (kind, m) in &moves {
                    // The kept record's own links to what was merged into it stay for a
                    // person to sort out: re-pointed they would point at itself.
                    let m: HashMap<Id, Id> = m
                        .iter()
                        .filter(|(_, keep)| (other_kind, rid) != (*kind, **keep))
                        .map(|(a, b)| (*a, *b))
                        .collect();
                    writes.extend(relink_all(rec, *kind, &m));
                }
                if !writes.is_empty() {
                    plan.records.push(RecordWrite {
                        kind: other_kind,
                        id: rid,
                        create: false,
                        writes,
                    });
                }
            }
        }
        let n = plan.records.len();
        if n > 0 {
            self.write(plan, ctx)?;
        }
        Ok(n)
    }
}

/// Names one undo step: an import keeps its own to undo it later, whatever came after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct UndoStepId(u64);

#[derive(Debug)]
struct UndoStep {
    id: UndoStepId,
    diffs: Vec<RecordDiff>,
}

/// The open undo group: its step's id and where each record's diff is in that step.
#[derive(Debug)]
struct UndoGroup {
    id: UndoStepId,
    at: HashMap<(Kind, Id), usize>,
}

/// A validated set of writes, grouped by record.
#[derive(Debug, Default)]
struct Plan {
    records: Vec<RecordWrite>,
}

type RecordSet = BTreeSet<(Kind, Id)>;

#[derive(Debug)]
struct RecordWrite {
    kind: Kind,
    id: Id,
    create: bool,
    writes: Vec<Write>,
}

impl RecordWrite {
    /// Only a `carried_at` stamp: nothing a person would count as repaired.
    fn is_stamp(&self) -> bool {
        self.writes.iter().all(|w| matches!(w, Write::CarriedAt(_)))
    }
}

#[derive(Debug, Clone)]
enum Write {
    Field(&'static FieldSpec, Option<FieldValue>),
    Custom(Id, Option<FieldValue>),
    Trashed(Option<Timestamp>),
    MergedInto(Option<Id>),
    /// On a record merged away: its late edits up to now have been carried to the kept one.
    CarriedAt(Timestamp),
    /// Appends to a deal's stage history.
    StageEntered(String),
}

impl Write {
    fn key(&self) -> String {
        match self {
            Write::Field(spec, _) => spec.name.to_owned(),
            Write::Custom(id, _) => format!("custom.{id}"),
            Write::Trashed(_) => "trashed".into(),
            Write::MergedInto(_) => "merged_into".into(),
            Write::CarriedAt(_) => "carried_at".into(),
            Write::StageEntered(_) => "stage_history".into(),
        }
    }
}

/// The changes of a merge before they become a plan (see `Workspace::merge_writes`).
pub(crate) struct MergeWrites {
    /// Fields of the kept record that change, with their merged values (`None`: cleared).
    pub(crate) fields: Vec<(&'static FieldSpec, Option<FieldValue>)>,
    /// Custom values the kept record takes from the removed one.
    pub(crate) custom: Vec<(Id, FieldValue)>,
    /// Records whose links are re-pointed from the removed record to the kept one.
    relinks: Vec<RecordWrite>,
}

/// The writes that point each of `rec`'s links to a record of `kind` named in `moves` at the
/// record it moves to.
fn relink_all(rec: &Record, kind: Kind, moves: &HashMap<Id, Id>) -> Vec<Write> {
    let mut writes = Vec::new();
    for spec in rec.kind.fields() {
        match (spec.ty, rec.get(spec.name)) {
            (FieldType::Ref(t), Some(FieldValue::Ref(id))) if t == kind => {
                if let Some(to) = moves.get(id) {
                    writes.push(Write::Field(spec, Some(FieldValue::Ref(*to))));
                }
            }
            (FieldType::RefSet(t), Some(FieldValue::Set(ids))) if t == kind => {
                let mut moved = ids.clone();
                for (from, to) in moves {
                    if moved.remove(&from.to_string()).is_some() {
                        moved.insert(to.to_string(), String::new());
                    }
                }
                if &moved != ids {
                    writes.push(Write::Field(spec, Some(FieldValue::Set(moved))));
                }
            }
            _ => {}
        }
    }
    writes
}

/// `value` of field `spec` without its links to `ids`, records of `kind` (`None` if nothing is
/// left of it).
fn without_links_to(
    spec: &FieldSpec,
    kind: Kind,
    value: FieldValue,
    ids: [Id; 2],
) -> Option<FieldValue> {
    match (spec.ty, value) {
        (FieldType::Ref(t), FieldValue::Ref(id)) if t == kind && ids.contains(&id) => None,
        (FieldType::RefSet(t), FieldValue::Set(mut set)) if t == kind => {
            for id in ids {
                set.remove(&id.to_string());
            }
            (!set.is_empty()).then_some(FieldValue::Set(set))
        }
        (_, value) => Some(value),
    }
}

impl MergeWrites {
    pub(crate) fn relinked(&self) -> Vec<(Kind, Id)> {
        self.relinks.iter().map(|rw| (rw.kind, rw.id)).collect()
    }
}

fn search_text(rec: &Record) -> String {
    let mut out = String::new();
    for spec in rec.kind.fields().iter().filter(|f| f.searchable) {
        match rec.get(spec.name) {
            Some(FieldValue::Text(t)) => out.push_str(t),
            Some(FieldValue::Set(s)) => {
                for k in s.keys() {
                    out.push_str(k);
                    out.push(' ');
                    // Phone numbers are found by any tail of their digits ("4567", or the
                    // number without its country code).
                    if spec.ty == FieldType::Phones {
                        let digits = crate::value::phone_key(k).replace('+', "");
                        for start in 0..digits.len().saturating_sub(3) {
                            out.push_str(&digits[start..]);
                            out.push(' ');
                        }
                    }
                }
            }
            _ => {}
        }
        out.push(' ');
    }
    out
}

impl Workspace {
    fn require(&self, kind: Kind, id: Id) -> Result<&Record, CommandError> {
        self.get(kind, id)
            .ok_or(CommandError::NotFound { kind, id })
    }

    fn require_live(&self, kind: Kind, id: Id) -> Result<&Record, CommandError> {
        let r = self.require(kind, id)?;
        if r.is_trashed() {
            return Err(CommandError::Trashed { kind, id });
        }
        Ok(r)
    }

    /// A live deal that is still open: closed deals are reopened before they move or close.
    fn require_open_deal(&self, deal: Id) -> Result<&Record, CommandError> {
        let d = self.require_live(Kind::Deal, deal)?;
        match d.text("status").unwrap_or("open") {
            "open" => Ok(d),
            status => Err(CommandError::DealClosed(status.to_owned())),
        }
    }

    fn check_link(&self, field: &str, target: Kind, id: Id) -> Result<(), CommandError> {
        match self.link(target, id) {
            Link::Live(_) => Ok(()),
            Link::Trashed(_) => Err(CommandError::LinkToTrash {
                field: field.to_owned(),
                target,
                id,
            }),
            Link::Missing(_) => Err(CommandError::DanglingLink {
                field: field.to_owned(),
                target,
                id,
            }),
        }
    }

    /// Validates one field value, including its links.
    fn check_field(
        &self,
        kind: Kind,
        name: &str,
        value: Option<FieldValue>,
    ) -> Result<(&'static FieldSpec, Option<FieldValue>), CommandError> {
        let spec = kind.field(name).ok_or_else(|| CommandError::UnknownField {
            kind,
            field: name.to_owned(),
        })?;
        let value = match value {
            Some(v) => validate(spec, v)?,
            None => None,
        };
        match (&spec.ty, &value) {
            (FieldType::Ref(target), Some(FieldValue::Ref(id))) => {
                self.check_link(spec.name, *target, *id)?
            }
            (FieldType::RefSet(target), Some(FieldValue::Set(ids))) => {
                for key in ids.keys() {
                    let id: Id = key.parse().map_err(|_| CommandError::DanglingLink {
                        field: spec.name.to_owned(),
                        target: *target,
                        id: Id::from_bytes([0; 16]),
                    })?;
                    self.check_link(spec.name, *target, id)?;
                }
            }
            _ => {}
        }
        if spec.required && value.is_none() {
            return Err(crate::value::FieldError::Required {
                field: spec.name.to_owned(),
            }
            .into());
        }
        Ok((spec, value))
    }

    fn check_custom(
        &self,
        kind: Kind,
        field: Id,
        value: Option<FieldValue>,
    ) -> Result<Write, CommandError> {
        let def = match self.get(Kind::CustomField, field) {
            Some(d) if !d.is_trashed() => d,
            _ => return Err(CommandError::UnknownCustomField(field)),
        };
        let record_kind = def.text("record_kind").unwrap_or_default();
        if record_kind != kind.collection() {
            return Err(CommandError::CustomFieldKind {
                field,
                expected: record_kind.to_owned(),
                kind,
            });
        }
        let Some(value) = value else {
            return Ok(Write::Custom(field, None));
        };
        let label = def.text("label").unwrap_or("custom field").to_owned();
        let options = self.custom_options(field);
        let check_option = |v: &str| {
            if options.iter().any(|o| o == v) {
                Ok(())
            } else {
                Err(CommandError::NotAnOption {
                    value: v.to_owned(),
                    options: options.join(", "),
                })
            }
        };
        let ty = crate::custom::custom_type(def.text("field_type").unwrap_or_default());
        let value = validate_as(&label, ty, value)?;
        match (def.text("field_type").unwrap_or_default(), &value) {
            ("select", Some(FieldValue::Text(v))) => check_option(v)?,
            ("multi_select", Some(FieldValue::Set(vs))) => {
                for v in vs.keys() {
                    check_option(v)?;
                }
            }
            _ => {}
        }
        Ok(Write::Custom(field, value))
    }

    /// `reports_to` must not make anyone their own (indirect) manager.
    fn check_no_cycle(&self, id: Id, manager: Id) -> Result<(), CommandError> {
        let mut seen = BTreeSet::new();
        let mut current = Some(manager);
        while let Some(m) = current {
            if m == id || !seen.insert(m) {
                return Err(CommandError::ReportingCycle);
            }
            current = self
                .get(Kind::Contact, m)
                .and_then(|r| r.get("reports_to"))
                .and_then(FieldValue::as_ref_id);
        }
        Ok(())
    }

    fn deal_stage_check(&self, pipeline: Id, stage: &str) -> Result<(), CommandError> {
        let p = self.require(Kind::Pipeline, pipeline)?;
        if stages(p).iter().any(|s| s.id == stage) {
            Ok(())
        } else {
            Err(CommandError::UnknownStage(stage.to_owned()))
        }
    }

    fn plan(&self, cmd: Command, ctx: &Ctx) -> Result<Plan, CommandError> {
        let one = |kind, id, create, writes| Plan {
            records: vec![RecordWrite {
                kind,
                id,
                create,
                writes,
            }],
        };
        match cmd {
            Command::Create {
                kind,
                id,
                fields,
                custom,
            } => {
                if self.get(kind, id).is_some() {
                    return Err(CommandError::AlreadyExists { kind, id });
                }
                let mut given: BTreeMap<String, FieldValue> = fields.into_iter().collect();
                if kind == Kind::Deal {
                    given
                        .entry("status".into())
                        .or_insert_with(|| FieldValue::text("open"));
                }
                if kind == Kind::Task
                    && given.contains_key("recurrence")
                    && !given.contains_key("due")
                    && given.get("recurrence").and_then(FieldValue::as_text) != Some("none")
                {
                    return Err(CommandError::RecurringWithoutDue);
                }
                let mut writes = Vec::new();
                for spec in kind.fields() {
                    let (spec, value) =
                        self.check_field(kind, spec.name, given.remove(spec.name))?;
                    if value.is_some() {
                        writes.push(Write::Field(spec, value));
                    }
                }
                if let Some(name) = given.into_keys().next() {
                    return Err(CommandError::UnknownField { kind, field: name });
                }
                self.check_kind_rules(kind, id, &mut writes)?;
                if kind == Kind::Deal
                    && let Some(stage) = writes.iter().find_map(|w| match w {
                        Write::Field(s, Some(FieldValue::Text(t))) if s.name == "stage" => {
                            Some(t.clone())
                        }
                        _ => None,
                    })
                {
                    writes.push(Write::StageEntered(stage));
                }
                for (field, value) in custom {
                    writes.push(self.check_custom(kind, field, Some(value))?);
                }
                Ok(one(kind, id, true, writes))
            }
            Command::Update { kind, id, fields } => {
                self.require_live(kind, id)?;
                let mut writes = Vec::new();
                for (name, value) in fields {
                    let (spec, value) = self.check_field(kind, &name, value)?;
                    if kind == Kind::Deal && matches!(spec.name, "stage" | "status" | "pipeline") {
                        // Stage moves and closing have their own commands, which keep history.
                        return Err(CommandError::UnknownField { kind, field: name });
                    }
                    if kind == Kind::CustomField
                        && matches!(spec.name, "field_type" | "record_kind")
                    {
                        // Values already stored were validated against the old type and kind.
                        return Err(CommandError::FixedField(name));
                    }
                    writes.push(Write::Field(spec, value));
                }
                self.check_kind_rules(kind, id, &mut writes)?;
                Ok(one(kind, id, false, writes))
            }
            Command::SetCustom {
                kind,
                id,
                field,
                value,
            } => {
                self.require_live(kind, id)?;
                Ok(one(
                    kind,
                    id,
                    false,
                    vec![self.check_custom(kind, field, value)?],
                ))
            }
            Command::Trash { kind, id } => {
                self.require_live(kind, id)?;
                Ok(one(kind, id, false, vec![Write::Trashed(Some(ctx.now))]))
            }
            Command::Restore { kind, id } => {
                let r = self.require(kind, id)?;
                if !r.is_trashed() {
                    return Err(CommandError::NotTrashed { kind, id });
                }
                let mut writes = vec![Write::Trashed(None)];
                if r.merged_into.is_some() {
                    writes.push(Write::MergedInto(None));
                }
                Ok(one(kind, id, false, writes))
            }
            Command::MoveStage { deal, stage } => {
                let d = self.require_open_deal(deal)?;
                let pipeline = d
                    .get("pipeline")
                    .and_then(FieldValue::as_ref_id)
                    .ok_or(CommandError::UnknownStage(stage.clone()))?;
                self.deal_stage_check(pipeline, &stage)?;
                let spec = field_spec(Kind::Deal, "stage");
                Ok(one(
                    Kind::Deal,
                    deal,
                    false,
                    vec![
                        Write::Field(spec, Some(FieldValue::Text(stage.clone()))),
                        Write::StageEntered(stage),
                    ],
                ))
            }
            Command::MovePipeline {
                deal,
                pipeline,
                stage,
            } => {
                self.require_open_deal(deal)?;
                self.require_live(Kind::Pipeline, pipeline)?;
                self.deal_stage_check(pipeline, &stage)?;
                Ok(one(
                    Kind::Deal,
                    deal,
                    false,
                    vec![
                        Write::Field(
                            field_spec(Kind::Deal, "pipeline"),
                            Some(FieldValue::Ref(pipeline)),
                        ),
                        Write::Field(
                            field_spec(Kind::Deal, "stage"),
                            Some(FieldValue::Text(stage.clone())),
                        ),
                        Write::StageEntered(stage),
                    ],
                ))
            }
            Command::Win { deal } | Command::Lose { deal, .. } => {
                self.require_open_deal(deal)?;
                let (new_status, reason) = match cmd {
                    Command::Lose { reason, .. } => {
                        let reason = reason.trim().to_owned();
                        if reason.is_empty() {
                            return Err(CommandError::ReasonRequired);
                        }
                        ("lost", Some(FieldValue::Text(reason)))
                    }
                    _ => ("won", None),
                };
                Ok(one(
                    Kind::Deal,
                    deal,
                    false,
                    vec![
                        Write::Field(
                            field_spec(Kind::Deal, "status"),
                            Some(FieldValue::text(new_status)),
                        ),
                        Write::Field(
                            field_spec(Kind::Deal, "closed_at"),
                            Some(FieldValue::Timestamp(ctx.now)),
                        ),
                        Write::Field(field_spec(Kind::Deal, "lost_reason"), reason),
                    ],
                ))
            }
            Command::Reopen { deal } => {
                let d = self.require_live(Kind::Deal, deal)?;
                if d.text("status").unwrap_or("open") == "open" {
                    return Err(CommandError::DealOpen);
                }
                Ok(one(
                    Kind::Deal,
                    deal,
                    false,
                    vec![
                        Write::Field(
                            field_spec(Kind::Deal, "status"),
                            Some(FieldValue::text("open")),
                        ),
                        Write::Field(field_spec(Kind::Deal, "closed_at"), None),
                        Write::Field(field_spec(Kind::Deal, "lost_reason"), None),
                    ],
                ))
            }
            Command::CompleteTask { task } => {
                let t = self.require_live(Kind::Task, task)?;
                if t.get("done") == Some(&FieldValue::Bool(true)) {
                    return Err(CommandError::TaskDone);
                }
                let done_at = Write::Field(
                    field_spec(Kind::Task, "done_at"),
                    Some(FieldValue::Timestamp(ctx.now)),
                );
                let recurrence = t.text("recurrence").unwrap_or("none");
                if recurrence == "none" {
                    return Ok(one(
                        Kind::Task,
                        task,
                        false,
                        vec![
                            Write::Field(
                                field_spec(Kind::Task, "done"),
                                Some(FieldValue::Bool(true)),
                            ),
                            done_at,
                        ],
                    ));
                }
                let due = t.text("due").ok_or(CommandError::RecurringWithoutDue)?;
                let every = match t.get("every") {
                    Some(FieldValue::Int(n)) => *n,
                    _ => 1,
                };
                let next =
                    advance(due, recurrence, every).ok_or(CommandError::RecurringWithoutDue)?;
                Ok(one(
                    Kind::Task,
                    task,
                    false,
                    vec![
                        Write::Field(field_spec(Kind::Task, "due"), Some(FieldValue::Text(next))),
                        done_at,
                    ],
                ))
            }
            Command::ReopenTask { task } => {
                let t = self.require_live(Kind::Task, task)?;
                if t.get("done") != Some(&FieldValue::Bool(true)) {
                    return Err(CommandError::TaskNotDone);
                }
                Ok(one(
                    Kind::Task,
                    task,
                    false,
                    vec![
                        Write::Field(
                            field_spec(Kind::Task, "done"),
                            Some(FieldValue::Bool(false)),
                        ),
                        Write::Field(field_spec(Kind::Task, "done_at"), None),
                    ],
                ))
            }
            Command::MergeDuplicates { kind, keep, remove } => {
                self.plan_merge(kind, keep, remove, ctx)
            }
        }
    }

    /// Rules that involve more than one field or record.
    fn check_kind_rules(
        &self,
        kind: Kind,
        id: Id,
        writes: &mut [Write],
    ) -> Result<(), CommandError> {
        if matches!(kind, Kind::Pipeline | Kind::Target) {
            // Stored as the code itself, so every reader can parse it without guessing.
            for w in writes.iter_mut() {
                if let Write::Field(spec, Some(FieldValue::Text(code))) = w
                    && spec.name == "currency"
                {
                    let currency: Currency =
                        code.parse()
                            .map_err(|_| crate::value::FieldError::Currency {
                                field: spec.name.to_owned(),
                                value: code.clone(),
                            })?;
                    *code = currency.code().to_owned();
                }
            }
        }
        let value_of = |name: &str| {
            writes.iter().find_map(|w| match w {
                Write::Field(s, v) if s.name == name => Some(v.clone()),
                _ => None,
            })
        };
        match kind {
            Kind::Contact => {
                if let Some(Some(FieldValue::Ref(manager))) = value_of("reports_to") {
                    self.check_no_cycle(id, manager)?;
                }
            }
            Kind::Deal => {
                let current = self.get(kind, id);
                let pipeline = value_of("pipeline")
                    .flatten()
                    .or_else(|| current.and_then(|r| r.get("pipeline").cloned()))
                    .and_then(|v| v.as_ref_id());
                let stage = value_of("stage")
                    .flatten()
                    .or_else(|| current.and_then(|r| r.get("stage").cloned()));
                if let (Some(p), Some(FieldValue::Text(s))) = (pipeline, stage) {
                    self.deal_stage_check(p, &s)?;
                }
            }
            Kind::Pipeline => {
                if let Some(v) = value_of("stages") {
                    let Some(kept) = v.as_ref().and_then(FieldValue::as_set) else {
                        return Err(CommandError::NoStages);
                    };
                    if kept.is_empty() {
                        return Err(CommandError::NoStages);
                    }
                    // Open deals in a removed stage would drop off the board; closed ones
                    // cannot be moved, so they do not hold a stage.
                    let current = self.get(kind, id).map(stages).unwrap_or_default();
                    for stage in current.into_iter().filter(|s| !kept.contains_key(&s.id)) {
                        let deals = self.deals_in_stage(id, &stage.id);
                        if deals > 0 {
                            return Err(CommandError::StageInUse {
                                stage: stage.name,
                                deals,
                            });
                        }
                    }
                }
            }
            Kind::CustomField => {
                let current = self.get(kind, id);
                let now = |name: &str| {
                    value_of(name).unwrap_or_else(|| current.and_then(|r| r.get(name).cloned()))
                };
                if let Some(FieldValue::Text(k)) = now("record_kind")
                    && !crate::custom::CUSTOM_FIELD_KINDS
                        .iter()
                        .any(|c| c.collection() == k)
                {
                    return Err(CommandError::NotCustomisable(k));
                }
                let ty = now("field_type");
                let is_select = matches!(
                    ty.as_ref().and_then(FieldValue::as_text),
                    Some("select" | "multi_select")
                );
                let has_options = now("options")
                    .as_ref()
                    .and_then(FieldValue::as_text)
                    .is_some_and(|o| o.lines().any(|l| !l.trim().is_empty()));
                if is_select && !has_options {
                    return Err(CommandError::NoOptions);
                }
            }
            Kind::Target => {
                let current = self.get(kind, id);
                let now = |name: &str| {
                    value_of(name).unwrap_or_else(|| current.and_then(|r| r.get(name).cloned()))
                };
                self.check_target(id, &now)?;
            }
            Kind::Setting => {
                let current = self.get(kind, id);
                let now = |name: &str| {
                    value_of(name).unwrap_or_else(|| current.and_then(|r| r.get(name).cloned()))
                };
                let int = |name: &str, default: u32| match now(name) {
                    Some(FieldValue::Int(n)) => n,
                    _ => i64::from(default),
                };
                let defaults = crate::analytics::ClvSettings::default();
                if int("clv_retention_bp", defaults.retention_bp) >= 10_000
                    && int("clv_discount_bp", defaults.discount_bp) == 0
                {
                    return Err(CommandError::InfiniteLifetimeValue);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A target's fields as they will be (`now`) must name a known measure and segment,
    /// carry a currency exactly when the measure is money, stay within 100 % for a
    /// percentage, and not repeat another live target's measure, segment and currency.
    fn check_target(
        &self,
        id: Id,
        now: &dyn Fn(&str) -> Option<FieldValue>,
    ) -> Result<(), CommandError> {
        use crate::analytics::scorecard::{Unit, measure};
        let text = |name: &str| now(name).and_then(|v| v.as_text().map(str::to_owned));
        let key = text("measure").unwrap_or_default();
        let def = measure(&key).ok_or_else(|| CommandError::UnknownMeasure(key.clone()))?;
        let segment = text("segment");
        if let Some(s) = &segment
            && crate::analytics::Segment::from_key(s).is_none()
        {
            return Err(CommandError::UnknownSegment(s.clone()));
        }
        let currency = text("currency");
        match (def.unit == Unit::Money, &currency) {
            (true, None) => return Err(CommandError::TargetNeedsCurrency(key)),
            (false, Some(_)) => return Err(CommandError::TargetHasCurrency(key)),
            _ => {}
        }
        if def.unit == Unit::Percent {
            for name in ["target", "tolerance"] {
                if let Some(FieldValue::Int(n)) = now(name)
                    && n > 10_000
                {
                    return Err(crate::value::FieldError::Range {
                        field: name.to_owned(),
                        value: n,
                        min: 0,
                        max: 10_000,
                    }
                    .into());
                }
            }
        }
        let same = |t: &&Record| {
            t.id != id
                && t.text("measure") == Some(key.as_str())
                && t.text("segment") == segment.as_deref()
                && t.text("currency") == currency.as_deref()
        };
        if let Some(other) = self.live(Kind::Target).find(same) {
            return Err(CommandError::TargetExists(other.id));
        }
        Ok(())
    }

    fn plan_merge(
        &self,
        kind: Kind,
        keep: Id,
        remove: Id,
        ctx: &Ctx,
    ) -> Result<Plan, CommandError> {
        let merge = self.merge_writes(kind, keep, remove)?;
        let mut keep_writes: Vec<Write> = merge
            .fields
            .into_iter()
            .map(|(spec, v)| Write::Field(spec, v))
            .collect();
        keep_writes.extend(
            merge
                .custom
                .into_iter()
                .map(|(field, v)| Write::Custom(field, Some(v))),
        );
        let mut plan = Plan::default();
        plan.records.push(RecordWrite {
            kind,
            id: keep,
            create: false,
            writes: keep_writes,
        });
        plan.records.extend(merge.relinks);
        plan.records.push(RecordWrite {
            kind,
            id: remove,
            create: false,
            writes: vec![Write::Trashed(Some(ctx.now)), Write::MergedInto(Some(keep))],
        });
        Ok(plan)
    }

    /// What folding `remove` into `keep` changes, apart from trashing `remove`: the one place
    /// the merge rules live, used by the command and by its preview (`merge_preview`).
    pub(crate) fn merge_writes(
        &self,
        kind: Kind,
        keep: Id,
        remove: Id,
    ) -> Result<MergeWrites, CommandError> {
        if keep == remove {
            return Err(CommandError::MergeWithSelf);
        }
        let k = self.require_live(kind, keep)?;
        let r = self.require_live(kind, remove)?;
        let mut fields = Vec::new();
        for spec in kind.fields() {
            let (kv, rv) = (k.get(spec.name), r.get(spec.name));
            let merged = match (spec.ty, kv, rv) {
                (FieldType::LongText, Some(FieldValue::Text(a)), Some(FieldValue::Text(b)))
                    if a != b =>
                {
                    Some(FieldValue::Text(format!("{a}\n\n{b}")))
                }
                (_, Some(FieldValue::Set(a)), Some(FieldValue::Set(b))) => {
                    let mut u = b.clone();
                    u.extend(a.clone());
                    Some(FieldValue::Set(u))
                }
                (_, None, Some(v)) => Some(v.clone()),
                _ => kv.cloned(),
            };
            // A link from one of the two to the other (the removed contact reported to the
            // kept one, or the other way round) would leave the kept record pointing at itself
            // or into the trash: it goes.
            let merged = merged.and_then(|v| without_links_to(spec, kind, v, [keep, remove]));
            if merged.as_ref() != kv {
                fields.push((spec, merged));
            }
        }
        let custom = r
            .custom
            .iter()
            .filter(|(field, _)| !k.custom.contains_key(*field))
            .map(|(field, value)| (*field, value.clone()))
            .collect();
        // Every link to the removed record now points to the kept one.
        let moves = HashMap::from([(remove, keep)]);
        let mut relinks = Vec::new();
        for other_kind in Kind::ALL {
            for rec in self.records(other_kind) {
                if (other_kind, rec.id) == (kind, keep) || (other_kind, rec.id) == (kind, remove) {
                    continue;
                }
                let writes = relink_all(rec, kind, &moves);
                if !writes.is_empty() {
                    relinks.push(RecordWrite {
                        kind: other_kind,
                        id: rec.id,
                        create: false,
                        writes,
                    });
                }
            }
        }
        Ok(MergeWrites {
            fields,
            custom,
            relinks,
        })
    }

    /// The writes that restore each record's `before` (undo) or `after` (redo) state, for the
    /// keys the original command changed and no others, so colleagues' edits made since to
    /// other fields are left alone. `unchanged_only`: only the keys that still hold what the
    /// command left (a step undone out of order leaves what was changed after it).
    fn revert_plan(&self, diffs: &[RecordDiff], to_before: bool, unchanged_only: bool) -> Plan {
        let mut plan = Plan::default();
        for d in diffs {
            let (b, a) = (d.before.as_ref(), d.after.as_ref());
            let from = if to_before { a } else { b };
            let now = self.get(d.kind, d.id);
            let to = if to_before { b } else { a };
            let trashed = |r: Option<&Record>| match r {
                // Undoing a creation puts the record in the trash: nothing is ever erased.
                None => Some(Timestamp(0)),
                Some(r) => r.trashed.as_ref().map(|t| t.at),
            };
            let mut writes = Vec::new();
            if trashed(b) != trashed(a) && (!unchanged_only || trashed(now) == trashed(from)) {
                writes.push(Write::Trashed(trashed(to)));
            }
            // Undoing a creation only trashes: the record keeps its fields there, so a restore
            // brings it back whole (and a redo has nothing to write back).
            let keys_too = to.is_some();
            let field = |r: Option<&Record>, name: &str| r.and_then(|r| r.get(name)).cloned();
            for spec in d.kind.fields().iter().filter(|_| keys_too) {
                if field(b, spec.name) != field(a, spec.name)
                    && (!unchanged_only || field(now, spec.name) == field(from, spec.name))
                {
                    let value = field(to, spec.name);
                    if spec.name == "stage"
                        && let Some(FieldValue::Text(s)) = &value
                    {
                        writes.push(Write::StageEntered(s.clone()));
                    }
                    writes.push(Write::Field(spec, value));
                }
            }
            let custom = |r: Option<&Record>, key: &Id| r.and_then(|r| r.custom.get(key)).cloned();
            let keys: BTreeSet<Id> = [b, a]
                .into_iter()
                .flatten()
                .flat_map(|r| r.custom.keys())
                .copied()
                .collect();
            for key in keys.into_iter().filter(|_| keys_too) {
                if custom(b, &key) != custom(a, &key)
                    && (!unchanged_only || custom(now, &key) == custom(from, &key))
                {
                    writes.push(Write::Custom(key, custom(to, &key)));
                }
            }
            let merged = |r: Option<&Record>| r.and_then(|r| r.merged_into);
            if keys_too
                && merged(b) != merged(a)
                && (!unchanged_only || merged(now) == merged(from))
            {
                writes.push(Write::MergedInto(merged(to)));
            }
            if !writes.is_empty() {
                plan.records.push(RecordWrite {
                    kind: d.kind,
                    id: d.id,
                    create: false,
                    writes,
                });
            }
        }
        plan
    }

    /// Writes a plan as one Automerge change and refreshes the view. Returns each record's
    /// state before and after.
    fn write(&mut self, mut plan: Plan, ctx: &Ctx) -> Result<Vec<RecordDiff>, CommandError> {
        // A write made here to a record merged away (a later merge's relink, an undo) is no
        // late edit to carry to the kept record: stamped, it counts as seen.
        for rw in &mut plan.records {
            let fields = rw
                .writes
                .iter()
                .any(|w| matches!(w, Write::Field(..) | Write::Custom(..)));
            let stamped = rw.writes.iter().any(|w| matches!(w, Write::CarriedAt(_)));
            if fields
                && !stamped
                && self
                    .get(rw.kind, rw.id)
                    .is_some_and(|r| r.is_trashed() && r.merged_into.is_some())
            {
                rw.writes.push(Write::CarriedAt(ctx.now));
            }
        }
        // Before anything is written: creating a collection is a change of its own.
        let kinds: BTreeSet<Kind> = plan.records.iter().map(|r| r.kind).collect();
        for kind in kinds {
            self.ensure_collection(kind)?;
        }
        let befores: Vec<Option<Record>> = plan
            .records
            .iter()
            .map(|r| self.get(r.kind, r.id).cloned())
            .collect();
        let mut message = format!(
            "{MESSAGE_PREFIX} by={}",
            ctx.by.map_or_else(|| "-".to_owned(), |b| b.to_string())
        );
        for rw in &plan.records {
            if let Err(e) = self.write_record(rw, ctx) {
                self.doc.rollback();
                return Err(e);
            }
            let mut keys: Vec<String> = rw.writes.iter().map(Write::key).collect();
            if rw.create {
                keys.insert(0, "created".into());
            }
            keys.dedup();
            message.push_str(&format!(
                "\n{} {} {}",
                rw.kind.collection(),
                rw.id,
                keys.join(",")
            ));
        }
        if self.doc.pending_ops() == 0 {
            return Ok(Vec::new());
        }
        self.doc.commit_with(
            CommitOptions::default()
                .with_message(message)
                .with_time(ctx.now.0),
        );
        // A change made here touches exactly the plan's records: they are re-read without
        // asking Automerge for its patches, whose cost grows with the whole document (40 ms
        // a change at 100k contacts, natively) however small the change.
        self.doc.update_diff_cursor();
        let touched: BTreeSet<(Kind, Id)> = plan.records.iter().map(|r| (r.kind, r.id)).collect();
        for (kind, id) in touched {
            self.reload(kind, id);
        }
        Ok(plan
            .records
            .iter()
            .zip(befores)
            .map(|(rw, before)| RecordDiff {
                kind: rw.kind,
                id: rw.id,
                before,
                after: self.get(rw.kind, rw.id).cloned(),
            })
            .collect())
    }

    fn write_record(&mut self, rw: &RecordWrite, ctx: &Ctx) -> Result<(), CommandError> {
        let coll = self
            .collections
            .get(&rw.kind)
            .cloned()
            .ok_or_else(|| CommandError::Document(format!("no {} collection", rw.kind)))?;
        let obj = if rw.create {
            let obj = self
                .doc
                .put_object(&coll, rw.id.to_string(), ObjType::Map)
                .map_err(doc_err)?;
            self.doc
                .put(&obj, "created_at", ScalarValue::Timestamp(ctx.now.0))
                .map_err(doc_err)?;
            if let Some(by) = ctx.by {
                self.doc
                    .put(&obj, "created_by", by.to_string())
                    .map_err(doc_err)?;
            }
            obj
        } else {
            self.record_obj(rw.kind, rw.id)
                .ok_or(CommandError::NotFound {
                    kind: rw.kind,
                    id: rw.id,
                })?
        };
        for w in &rw.writes {
            match w {
                Write::Field(spec, value) => {
                    self.write_value(&obj, spec.name, spec.ty, value.as_ref())?
                }
                Write::Custom(field, value) => {
                    let custom = match self.doc.get(&obj, "custom").map_err(doc_err)? {
                        Some((Value::Object(ObjType::Map), o)) => o,
                        _ => self
                            .doc
                            .put_object(&obj, "custom", ObjType::Map)
                            .map_err(doc_err)?,
                    };
                    let ty = match value {
                        Some(FieldValue::Set(_)) => FieldType::Tags,
                        _ => FieldType::Text,
                    };
                    self.write_value(&custom, &field.to_string(), ty, value.as_ref())?;
                }
                Write::Trashed(Some(at)) => {
                    self.doc
                        .put(&obj, "trashed_at", ScalarValue::Timestamp(at.0))
                        .map_err(doc_err)?;
                    match ctx.by {
                        Some(by) => self
                            .doc
                            .put(&obj, "trashed_by", by.to_string())
                            .map_err(doc_err)?,
                        None => self.delete_key(&obj, "trashed_by")?,
                    }
                }
                Write::Trashed(None) => {
                    self.delete_key(&obj, "trashed_at")?;
                    self.delete_key(&obj, "trashed_by")?;
                }
                Write::MergedInto(Some(id)) => self
                    .doc
                    .put(&obj, "merged_into", id.to_string())
                    .map_err(doc_err)?,
                Write::MergedInto(None) => self.delete_key(&obj, "merged_into")?,
                Write::CarriedAt(at) => self
                    .doc
                    .put(&obj, "carried_at", ScalarValue::Timestamp(at.0))
                    .map_err(doc_err)?,
                Write::StageEntered(stage) => {
                    self.push_stage_entry(&obj, stage, ctx.now, ctx.by)?;
                }
            }
        }
        Ok(())
    }

    /// Appends `{stage, at, by}` to a deal's stage history, creating the list on first use.
    fn push_stage_entry(
        &mut self,
        obj: &ObjId,
        stage: &str,
        at: Timestamp,
        by: Option<Id>,
    ) -> Result<(), CommandError> {
        let list = match self.doc.get(obj, "stage_history").map_err(doc_err)? {
            Some((Value::Object(ObjType::List), o)) => o,
            _ => self
                .doc
                .put_object(obj, "stage_history", ObjType::List)
                .map_err(doc_err)?,
        };
        let index = self.doc.length(&list);
        let entry = self
            .doc
            .insert_object(&list, index, ObjType::Map)
            .map_err(doc_err)?;
        self.doc.put(&entry, "stage", stage).map_err(doc_err)?;
        self.doc
            .put(&entry, "at", ScalarValue::Timestamp(at.0))
            .map_err(doc_err)?;
        if let Some(by) = by {
            self.doc
                .put(&entry, "by", by.to_string())
                .map_err(doc_err)?;
        }
        Ok(())
    }

    fn delete_key(&mut self, obj: &ObjId, key: &str) -> Result<(), CommandError> {
        if self.doc.get(obj, key).map_err(doc_err)?.is_some() {
            self.doc.delete(obj, key).map_err(doc_err)?;
        }
        Ok(())
    }

    /// Writes one value the way its type merges best.
    fn write_value(
        &mut self,
        obj: &ObjId,
        key: &str,
        ty: FieldType,
        value: Option<&FieldValue>,
    ) -> Result<(), CommandError> {
        let existing = self.doc.get(obj, key).map_err(doc_err)?;
        match (ty, value) {
            (FieldType::LongText, value) => {
                let new = value.and_then(FieldValue::as_text).unwrap_or_default();
                match existing {
                    // A diff against the current text, so concurrent edits merge by character.
                    Some((Value::Object(ObjType::Text), text)) => {
                        self.doc.update_text(&text, new).map_err(doc_err)?
                    }
                    _ if new.is_empty() => self.delete_key(obj, key)?,
                    _ => {
                        let text = self
                            .doc
                            .put_object(obj, key, ObjType::Text)
                            .map_err(doc_err)?;
                        self.doc.splice_text(&text, 0, 0, new).map_err(doc_err)?;
                    }
                }
            }
            (
                FieldType::RefSet(_)
                | FieldType::Tags
                | FieldType::Emails
                | FieldType::Phones
                | FieldType::Stages,
                value,
            ) => {
                let empty = BTreeMap::new();
                let new = value.and_then(FieldValue::as_set).unwrap_or(&empty);
                let map = match existing {
                    Some((Value::Object(ObjType::Map), m)) => m,
                    _ if new.is_empty() => return self.delete_key(obj, key),
                    _ => self
                        .doc
                        .put_object(obj, key, ObjType::Map)
                        .map_err(doc_err)?,
                };
                // Only the differences are written, so concurrent adds and removes of other
                // members survive (a set, not a list that one side overwrites).
                let current: Vec<String> = self.doc.keys(&map).collect();
                for k in current.iter().filter(|k| !new.contains_key(*k)) {
                    self.doc.delete(&map, k.as_str()).map_err(doc_err)?;
                }
                for (k, label) in new {
                    let same = matches!(self.doc.get(&map, k.as_str()).map_err(doc_err)?,
                        Some((Value::Scalar(s), _)) if s.as_str() == Some(label.as_str()));
                    if !same {
                        self.doc
                            .put(&map, k.as_str(), label.as_str())
                            .map_err(doc_err)?;
                    }
                }
            }
            (_, None) => self.delete_key(obj, key)?,
            (_, Some(v)) => {
                let scalar = match v {
                    FieldValue::Text(t) => ScalarValue::Str(t.as_str().into()),
                    FieldValue::Int(n) => ScalarValue::Int(*n),
                    FieldValue::Bool(b) => ScalarValue::Boolean(*b),
                    FieldValue::Money(m) => ScalarValue::Str(encode_money(m).into()),
                    FieldValue::Timestamp(t) => ScalarValue::Timestamp(t.0),
                    FieldValue::Ref(id) => ScalarValue::Str(id.to_string().into()),
                    FieldValue::Set(_) => {
                        return Err(CommandError::Document(format!("{key} is not a set field")));
                    }
                };
                let unchanged =
                    matches!(&existing, Some((Value::Scalar(s), _)) if s.as_ref() == &scalar);
                if !unchanged {
                    self.doc.put(obj, key, scalar).map_err(doc_err)?;
                }
            }
        }
        Ok(())
    }

    /// Every change to a record, oldest first, with old and new values of each field.
    pub fn history(&mut self, kind: Kind, id: Id) -> Vec<HistoryEntry> {
        let needle = format!("\n{} {} ", kind.collection(), id);
        let metas: Vec<(ChangeHash, Vec<ChangeHash>, i64, String)> = self
            .doc
            .get_changes_meta(&[])
            .into_iter()
            .filter_map(|m| {
                let msg = m.message.as_deref()?;
                msg.contains(needle.as_str())
                    .then(|| (m.hash, m.deps.to_vec(), m.timestamp, msg.to_owned()))
            })
            .collect();
        let Some(obj) = self.record_obj(kind, id) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (hash, deps, time, msg) in metas {
            let by = msg
                .lines()
                .next()
                .and_then(|l| l.split(" by=").nth(1))
                .and_then(|b| b.parse().ok());
            let Some(line) = msg.lines().find(|l| l.starts_with(&needle[1..])) else {
                continue;
            };
            let keys = line.rsplit(' ').next().unwrap_or_default();
            let changes: Vec<FieldChange> = keys
                .split(',')
                .filter(|k| !k.is_empty() && *k != "carried_at")
                .map(|key| FieldChange {
                    key: key.to_owned(),
                    before: self.value_at(kind, &obj, key, &deps),
                    after: self.value_at(kind, &obj, key, &[hash]),
                })
                .collect();
            if changes.is_empty() {
                continue;
            }
            out.push(HistoryEntry {
                hash,
                at: Timestamp(time),
                by,
                changes,
            });
        }
        out.sort_by_key(|e| e.at);
        out
    }

    fn value_at(
        &self,
        kind: Kind,
        obj: &ObjId,
        key: &str,
        heads: &[ChangeHash],
    ) -> Option<FieldValue> {
        let scalar_at = |k: &str| match self.doc.get_at(obj, k, heads) {
            Ok(Some((Value::Scalar(s), _))) => Some(s.into_owned()),
            _ => None,
        };
        match key {
            "trashed" => scalar_at("trashed_at").and_then(|s| match s {
                ScalarValue::Timestamp(t) => Some(FieldValue::Timestamp(Timestamp(t))),
                _ => None,
            }),
            "merged_into" => scalar_at("merged_into")
                .and_then(|s| s.as_str().and_then(|t| t.parse().ok()))
                .map(FieldValue::Ref),
            "created" | "stage_history" => None,
            name => {
                let spec = kind.field(name)?;
                let (value, child) = self.doc.get_at(obj, name, heads).ok()??;
                crate::record::decode_field(&self.doc, spec.ty, value, &child, Some(heads))
            }
        }
    }
}

fn field_spec(kind: Kind, name: &str) -> &'static FieldSpec {
    kind.field(name).unwrap_or(&kind.fields()[0])
}
