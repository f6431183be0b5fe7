//! Sharing the open workspace with colleagues: the workspace secret kept on this device, the
//! invite link, joining from one, and the sync link that runs while a shared workspace is open.
//! Remote changes are merged, persisted as a chunk and posted to other tabs like local ones.

use std::cell::RefCell;
use std::rc::Rc;

use crm_sync::{Invite, Reach, SavedState, WorkspaceSecret, read_reach};
use leptos::prelude::*;

use super::{Live, Session};
use crate::adapters::now_ms;
use crate::adapters::p2p::DirectHooks;
use crate::adapters::random::secret_bytes;
use crate::adapters::sync::{Hooks, Release, SyncLink, SyncView, lead, local_id, relay_id};
use crate::adapters::workspace_store::{self as store, StoreError, WorkspaceInfo};
use crm_core::PeerSync;

fn secret_key(local: &str) -> String {
    format!("sync-secret/{local}")
}

fn state_key(local: &str) -> String {
    format!("sync-state/{local}")
}

/// Beside the state, written with it: how far this device's pushes reached
/// (`adapters::sync::kept_mark`).
fn mark_key(local: &str) -> String {
    format!("sync-mark/{local}")
}

/// Written by builds before marks: the whole document is still to be offered (under a new
/// secret). Honoured, and deleted with the first mark written.
fn legacy_repush_key(local: &str) -> String {
    format!("sync-repush/{local}")
}

/// Stored as the epoch (4 bytes, little-endian) then the 32 secret bytes.
fn encode_secret(secret: &WorkspaceSecret) -> Vec<u8> {
    let mut out = secret.epoch().to_le_bytes().to_vec();
    out.extend_from_slice(secret.expose_bytes());
    out
}

fn decode_secret(bytes: &[u8]) -> Option<WorkspaceSecret> {
    let epoch = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?);
    let secret: [u8; 32] = bytes.get(4..)?.try_into().ok()?;
    Some(WorkspaceSecret::new(secret, epoch))
}

/// The secret this device keeps for a shared workspace; None while it is not shared.
async fn load_secret(
    db: &crate::adapters::idb::Idb,
    local: &str,
) -> Result<Option<WorkspaceSecret>, StoreError> {
    Ok(db
        .get(store::META, &secret_key(local))
        .await?
        .and_then(|b| decode_secret(&b)))
}

/// Forgets on this device that a workspace was shared: its secret, where its download from the
/// relay had got to, and a pending offer of the whole document. For a workspace deleted here:
/// joining it again must start from nothing, not from where the deleted copy stopped (that
/// skipped its whole history), and a deleted workspace's key must not stay behind.
pub(super) async fn forget_sync(
    db: &crate::adapters::idb::Idb,
    local: &str,
) -> Result<(), StoreError> {
    let keys = [
        secret_key(local),
        state_key(local),
        mark_key(local),
        legacy_repush_key(local),
    ];
    Ok(db.batch(store::META, &[], &keys).await?)
}

impl Session {
    /// Starts syncing a just-opened workspace if it is shared (this device holds its secret).
    pub(super) async fn resume_sync(
        self,
        live: &Rc<RefCell<Live>>,
        local: &str,
    ) -> Result<(), StoreError> {
        let db = self.db()?;
        let Some(secret) = load_secret(&db, local).await? else {
            self.sync.set(None);
            return Ok(());
        };
        self.lead_sync(live, local, secret);
        Ok(())
    }

    /// Syncs through this tab once it leads for the workspace (until then another tab does).
    /// A workspace just shared has no saved sync state, so no mark: the link offers the whole
    /// document first (see `start_link`).
    fn lead_sync(self, live: &Rc<RefCell<Live>>, local: &str, secret: WorkspaceSecret) {
        self.sync.set(Some(SyncView::elsewhere()));
        let weak = Rc::downgrade(live);
        let local = local.to_owned();
        lead(&format!("hearth-sync-{local}"), move |release| {
            wasm_bindgen_futures::spawn_local(async move {
                // The workspace may have been closed while this tab waited.
                let Some(live) = weak.upgrade() else { return };
                // The secret as it is now: another tab may have joined with a newer one
                // while this one waited.
                let secret = match self.db() {
                    Ok(db) => match load_secret(&db, &local).await {
                        Ok(Some(now)) => now,
                        // No longer shared here (deleted meanwhile): nothing to lead.
                        Ok(None) => return,
                        Err(_) => secret,
                    },
                    Err(_) => secret,
                };
                let (saved, reach) = self.saved_state(&local, secret.epoch()).await;
                self.start_link(&live, &local, secret, saved, reach, release);
            });
        });
    }

    /// The session state the last leading tab saved (read when this tab takes the lead, so it
    /// continues exactly where that one stopped), and how far its pushes had reached.
    async fn saved_state(self, local: &str, epoch: u32) -> (SavedState, Reach) {
        let Ok(db) = self.db() else {
            return (SavedState::default(), Reach::Nothing);
        };
        // One transaction: the state and the mark as one save left them.
        let keys = [state_key(local), mark_key(local), legacy_repush_key(local)];
        let read = db
            .get_many(store::META, &keys)
            .await
            .map_err(|e| e.to_string());
        let value = |i: usize| {
            read.as_ref()
                .map(|v| v.get(i).cloned().flatten())
                .map_err(Clone::clone)
        };
        let legacy = value(2).map(|flag| flag.is_some());
        let (saved, reach, problem) = read_reach(value(0), value(1), legacy, epoch);
        if let Some(problem) = problem {
            self.report(problem);
        }
        (saved, reach)
    }

    fn start_link(
        self,
        live: &Rc<RefCell<Live>>,
        local: &str,
        secret: WorkspaceSecret,
        saved: SavedState,
        reach: Reach,
        release: Release,
    ) {
        let Some(workspace) = relay_id(local) else {
            self.report(format!("workspace {local} has an id the relay cannot use"));
            return;
        };
        let weak = Rc::downgrade(live);
        let apply = Box::new(move |data: Vec<u8>| {
            let Some(live) = weak.upgrade() else { return };
            let bytes = {
                let mut l = live.borrow_mut();
                if let Err(e) = l.ws.load_incremental(&data) {
                    drop(l);
                    self.report(e);
                    return;
                }
                l.ws.save_incremental()
            };
            self.changed();
            self.persist(Rc::clone(&live), bytes);
            self.repair_merges(&live);
        });
        let db = self.db.get_value();
        let keys = (state_key(local), mark_key(local), legacy_repush_key(local));
        // State and mark in one transaction: a mark never says more than its outbox holds.
        let save = Box::new(move |bytes: Vec<u8>, mark: Vec<u8>| {
            let Some(db) = db.clone() else { return };
            let (state, mark_at, legacy) = keys.clone();
            let puts = [(state, bytes), (mark_at, mark)];
            let deletes = [legacy];
            wasm_bindgen_futures::spawn_local(async move {
                if let Err(e) = db.batch(store::META, &puts, &deletes).await {
                    leptos::logging::warn!("sync state not saved: {e}");
                }
            });
        });
        let weak = Rc::downgrade(live);
        let snapshot = Box::new(move || {
            weak.upgrade()
                .map(|live| live.borrow_mut().ws.save())
                .unwrap_or_default()
        });
        let weak = Rc::downgrade(live);
        let mark = Box::new(move || {
            let live = weak.upgrade()?;
            let mut l = live.try_borrow_mut().ok()?;
            Some(l.ws.mark())
        });
        // What the document holds beyond the saved mark never reached a saved outbox: made
        // while no tab synced the workspace (before it was shared, before this tab took the
        // lead, in a tab whose changes the leading one never got), or pushed into an outbox
        // whose save was lost.
        let (unsent, reached) = {
            let mut l = live.borrow_mut();
            match reach {
                Reach::Mark(heads) => (l.ws.changes_since_mark(Some(&heads)), heads),
                // No heads: a mark that leaves out nothing.
                Reach::Nothing => (l.ws.changes_since_mark(None), Vec::new()),
                Reach::Everything => (Vec::new(), l.ws.mark()),
            }
        };
        let link = SyncLink::start(
            workspace,
            secret,
            saved,
            &unsent,
            reached,
            Hooks {
                apply,
                save,
                snapshot,
                mark,
                status: self.sync,
            },
            release,
        );
        let (weak_out, weak_in) = (Rc::downgrade(live), Rc::downgrade(live));
        link.attach_direct(DirectHooks {
            outgoing: Box::new(move |peer: &mut PeerSync| {
                let live = weak_out.upgrade()?;
                let mut l = live.borrow_mut();
                l.ws.sync_message(peer)
            }),
            incoming: Box::new(move |peer: &mut PeerSync, data: &[u8]| {
                let Some(live) = weak_in.upgrade() else {
                    return;
                };
                let bytes = {
                    let mut l = live.borrow_mut();
                    if let Err(e) = l.ws.receive_sync_message(peer, data) {
                        drop(l);
                        self.report(e);
                        return;
                    }
                    l.ws.save_incremental()
                };
                if bytes.is_empty() {
                    return;
                }
                self.changed();
                self.persist(Rc::clone(&live), bytes);
                self.repair_merges(&live);
            }),
            open: self.direct_links,
        });
        if let Some(old) = live.borrow_mut().sync.replace(link) {
            old.stop();
        }
    }

    /// A code to open a direct link by hand (see `SyncLink::direct_offer`).
    pub fn direct_offer(self, done: impl FnOnce(Result<String, String>) + 'static) {
        let link = self.live.get_value().and_then(|l| l.borrow().sync.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match link {
                Some(link) => done(link.direct_offer().await),
                None => done(Err("share the workspace first (Invite a colleague)".into())),
            }
        });
    }

    /// A colleague's direct-link code: an offer gives the answer code to pass back, an answer
    /// completes the link (see `SyncLink::direct_code`).
    pub fn direct_code(
        self,
        text: String,
        done: impl FnOnce(Result<Option<String>, String>) + 'static,
    ) {
        let link = self.live.get_value().and_then(|l| l.borrow().sync.clone());
        wasm_bindgen_futures::spawn_local(async move {
            match link {
                Some(link) => done(link.direct_code(&text).await),
                None => done(Err("share the workspace first (Invite a colleague)".into())),
            }
        });
    }

    /// The invite link for the open workspace, sharing it first if it is not shared yet (a new
    /// random secret, kept on this device).
    pub fn invite(self, done: impl FnOnce(Result<String, String>) + 'static) {
        wasm_bindgen_futures::spawn_local(async move {
            done(self.invite_inner().await.map_err(|e| e.to_string()));
        });
    }

    async fn invite_inner(self) -> Result<String, StoreError> {
        let db = self.db()?;
        let (Some(local), Some(live)) = (self.current.get_untracked(), self.live.get_value())
        else {
            return Err(StoreError::NotOpen);
        };
        let secret = match load_secret(&db, &local).await? {
            Some(s) => s,
            None => {
                let bytes = secret_bytes::<32>().ok_or(StoreError::NoRandom)?;
                let secret = WorkspaceSecret::new(bytes, 0);
                // With no sync state (so no mark), the whole document goes out once, as the
                // first change of the shared log.
                let secret_entry = (secret_key(&local), encode_secret(&secret));
                db.batch(
                    store::META,
                    &[secret_entry],
                    &[state_key(&local), mark_key(&local)],
                )
                .await?;
                self.lead_sync(&live, &local, secret.clone());
                secret
            }
        };
        let workspace = relay_id(&local).ok_or(StoreError::NotOpen)?;
        let invite =
            Invite::new(&workspace, secret).map_err(|e| StoreError::Registry(e.to_string()))?;
        let origin = window().location().origin().unwrap_or_default();
        Ok(format!("{origin}/join#{}", invite.to_fragment()))
    }

    /// Removes members: a new secret for the open workspace (the relay then admits only it,
    /// and closes everyone else's connection), and the new invite link for those who stay.
    pub fn rotate_secret(self, done: impl FnOnce(Result<String, String>) + 'static) {
        wasm_bindgen_futures::spawn_local(async move {
            done(self.rotate_inner().await);
        });
    }

    async fn rotate_inner(self) -> Result<String, String> {
        let db = self.db().map_err(|e| e.to_string())?;
        let (Some(local), Some(live)) = (self.current.get_untracked(), self.live.get_value())
        else {
            return Err(StoreError::NotOpen.to_string());
        };
        let old = load_secret(&db, &local)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the workspace is not shared")?;
        let link =
            live.borrow().sync.clone().ok_or(
                "another tab of this browser syncs this workspace; change the secret there",
            )?;
        let bytes = secret_bytes::<32>().ok_or_else(|| StoreError::NoRandom.to_string())?;
        let new = old.rotate(bytes).map_err(|e| e.to_string())?;
        // Kept first: if the page closes right after, this device still holds the secret the
        // relay will admit.
        db.put(store::META, &secret_key(&local), &encode_secret(&new))
            .await
            .map_err(|e| e.to_string())?;
        if !link.rotate(&new) {
            db.put(store::META, &secret_key(&local), &encode_secret(&old))
                .await
                .map_err(|e| e.to_string())?;
            return Err("connect to the relay and let every change go out first".into());
        }
        let workspace = relay_id(&local).ok_or("the workspace id is not a relay id")?;
        let invite = Invite::new(&workspace, new).map_err(|e| e.to_string())?;
        let origin = window().location().origin().unwrap_or_default();
        Ok(format!("{origin}/join#{}", invite.to_fragment()))
    }

    /// Joins the workspace an invite link's fragment names: it is listed and opened here, and
    /// its history downloads from the relay. A malformed link is refused with the reason.
    pub fn join(self, fragment: &str, name: String) -> Result<(), String> {
        let invite = Invite::from_fragment(fragment).map_err(|e| e.to_string())?;
        let local =
            local_id(invite.workspace()).ok_or_else(|| "the link names no workspace".to_owned())?;
        let secret = encode_secret(invite.secret());
        let epoch = invite.secret().epoch();
        self.run(async move {
            let db = self.db()?;
            let before = db.get(store::META, &secret_key(&local)).await?;
            let older = before
                .as_deref()
                .and_then(decode_secret)
                .is_some_and(|b| b.epoch() > epoch);
            if older {
                return Err(StoreError::Registry(
                    "this invite link is older than the secret this browser already has".into(),
                ));
            }
            if before.as_ref() != Some(&secret) {
                // A new secret for a workspace this browser has: what was sealed under the old
                // one (the outbox) is dropped, and with it the mark, so the whole document is
                // offered again under the new one once connected. With no secret before, a
                // state left by a tab that led the workspace while it was deleted here goes:
                // its cursor would skip history.
                db.batch(store::META, &[], &[state_key(&local), mark_key(&local)])
                    .await?;
            }
            db.put(store::META, &secret_key(&local), &secret).await?;
            if self
                .workspaces
                .get_untracked()
                .iter()
                .any(|w| w.id == local)
            {
                self.open(local).await
            } else {
                let info = WorkspaceInfo {
                    id: local,
                    name,
                    created_at: now_ms(),
                };
                self.add_and_open(&db, info).await
            }
        });
        Ok(())
    }

    /// After changes from colleagues: links they made to a record merged away meanwhile follow
    /// the merge (`Workspace::repair_merged_links`), as this device's change, stored and sent.
    /// In a task of its own: it is called from inside the sync link's and a direct link's
    /// delivery, and sending the repair goes back into both (a peer's state is borrowed there).
    fn repair_merges(self, live: &Rc<RefCell<Live>>) {
        let weak = Rc::downgrade(live);
        wasm_bindgen_futures::spawn_local(async move {
            // Only while that workspace is still the one open (`write` writes to the open one).
            let open = weak.upgrade().is_some_and(|live| {
                self.live
                    .with_value(|l| l.as_ref().is_some_and(|l| Rc::ptr_eq(l, &live)))
            });
            if !open {
                return;
            }
            if let Some(Err(e)) = self.write(|ws, ctx| ws.repair_merged_links(ctx)) {
                self.report(format!(
                    "links to a merged record could not follow the merge: {e}"
                ));
            }
        });
    }

    /// Sends a local change to colleagues (when the workspace is shared).
    pub(super) fn push_to_team(&self, live: &Rc<RefCell<Live>>, bytes: &[u8]) {
        let link = live.borrow().sync.clone();
        if let Some(link) = link {
            link.push(bytes);
        }
    }
}
