//! The relay's ciphertext store on redb: per workspace its access-token hash; per workspace
//! and document an append-only log of envelopes with server sequence numbers, the latest
//! compacted snapshot, and per client the last change it pushed (so a retried push is not
//! stored twice). Writes are committed with immediate durability, each in its own transaction
//! or, in a batch ([`Storage::begin_batch`]), together before anything of the batch is
//! acknowledged, so an acknowledged change survives `kill -9` and power loss.

use crm_sync::relay::{IdleClients, RelayStore};
use crm_sync::{ClientId, TokenHash};
use redb::{ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};

/// Binds `$t` to table `$def` and evaluates `$body`: in the open batch's transaction if there
/// is one (so reads see the batch's writes), else in a read transaction, where a table never
/// created yet gives `$missing`.
macro_rules! reading {
    ($store:expr, $def:expr, $missing:expr, |$t:ident| $body:expr) => {{
        let result: Result<_, StorageError> = match $store.pending() {
            Some(tx) => {
                let $t = tx.open_table($def)?;
                $body
            }
            None => {
                let tx = $store.db().begin_read()?;
                match tx.open_table($def) {
                    Ok($t) => $body,
                    Err(redb::TableError::TableDoesNotExist(_)) => Ok($missing),
                    Err(e) => Err(e.into()),
                }
            }
        };
        result
    }};
}

use crate::storage::{Storage, StorageError};

/// workspace → access-token hash (32 bytes) ‖ created_at_ms (8 bytes, LE).
const WORKSPACES: TableDefinition<&str, &[u8]> = TableDefinition::new("workspaces");
/// (workspace, doc, server_seq) → envelope.
const LOG: TableDefinition<(&str, &str, u64), &[u8]> = TableDefinition::new("log");
/// (workspace, doc) → the last server_seq handed out (never reused, also after compaction).
const LAST_SEQ: TableDefinition<(&str, &str), u64> = TableDefinition::new("last_seq");
/// (workspace, doc) → (upto_seq, envelope) of the latest snapshot.
const SNAPSHOT_UPTO: TableDefinition<(&str, &str), u64> = TableDefinition::new("snapshot_upto");
const SNAPSHOT: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("snapshot");
/// (workspace, doc, client id) → (client_seq, server_seq) of the client's last stored push.
const CLIENTS: TableDefinition<(&str, &str, &[u8]), (u64, u64)> = TableDefinition::new("clients");
/// (workspace, doc, client id) → when that row was last used (Unix ms): since schema 2.
const CLIENT_USED: TableDefinition<(&str, &str, &[u8]), i64> = TableDefinition::new("client_used");
/// (last used, workspace, doc, client id): the rows of `CLIENTS` oldest first, so forgetting
/// idle ones reads only those.
const CLIENTS_BY_USE: TableDefinition<(i64, &str, &str, &[u8]), ()> =
    TableDefinition::new("clients_by_use");

/// Schema 1 → 2: every deduplication row counts as used now. Rows of schema 1 carry no time;
/// this gives them the whole horizon before they are forgotten.
pub(crate) fn stamp_client_rows(tx: &WriteTransaction, now_ms: i64) -> Result<u64, StorageError> {
    let clients = tx.open_table(CLIENTS)?;
    let mut used = tx.open_table(CLIENT_USED)?;
    let mut by_use = tx.open_table(CLIENTS_BY_USE)?;
    let mut stamped = 0;
    for row in clients.iter()? {
        let (key, _) = row?;
        let (w, d, c) = key.value();
        if used.get((w, d, c))?.is_none() {
            used.insert((w, d, c), now_ms)?;
            by_use.insert((now_ms, w, d, c), ())?;
            stamped += 1;
        }
    }
    Ok(stamped)
}

impl RelayStore for Storage {
    type Error = StorageError;

    fn workspace_token(&self, workspace: &str) -> Result<Option<TokenHash>, StorageError> {
        reading!(self, WORKSPACES, None, |table| {
            let Some(value) = table.get(workspace)? else {
                return Ok(None);
            };
            let bytes = value.value();
            let hash: [u8; 32] =
                bytes
                    .get(..32)
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| {
                        StorageError::Corrupt(format!("workspace {workspace}: short token hash"))
                    })?;
            Ok(Some(TokenHash::from_bytes(hash)))
        })
    }

    /// The same durable write as creating it: the row is replaced.
    fn replace_token(
        &mut self,
        workspace: &str,
        token: &TokenHash,
        now_ms: i64,
    ) -> Result<(), StorageError> {
        self.create_workspace(workspace, token, now_ms)
    }

    fn create_workspace(
        &mut self,
        workspace: &str,
        token: &TokenHash,
        now_ms: i64,
    ) -> Result<(), StorageError> {
        self.write(|tx| {
            let mut table = tx.open_table(WORKSPACES)?;
            let mut value = token.as_bytes().to_vec();
            value.extend_from_slice(&now_ms.to_le_bytes());
            table.insert(workspace, value.as_slice())?;
            Ok(())
        })
    }

    fn append(
        &mut self,
        workspace: &str,
        doc: &str,
        client: &ClientId,
        client_seq: u64,
        envelope: &[u8],
        now_ms: i64,
    ) -> Result<u64, StorageError> {
        self.write(|tx| {
            let mut clients = tx.open_table(CLIENTS)?;
            let last = clients
                .get((workspace, doc, client.as_slice()))?
                .map(|v| v.value());
            match last {
                Some((stored_client_seq, server_seq)) if client_seq <= stored_client_seq => {
                    // A retried push the relay already has: nothing is written.
                    return Ok(server_seq);
                }
                _ => {}
            }
            let mut last_seq = tx.open_table(LAST_SEQ)?;
            let seq = last_seq.get((workspace, doc))?.map_or(0, |v| v.value()) + 1;
            last_seq.insert((workspace, doc), seq)?;
            tx.open_table(LOG)?
                .insert((workspace, doc, seq), envelope)?;
            let key = (workspace, doc, client.as_slice());
            clients.insert(key, (client_seq, seq))?;
            let mut used = tx.open_table(CLIENT_USED)?;
            let mut by_use = tx.open_table(CLIENTS_BY_USE)?;
            if let Some(before) = used.insert(key, now_ms)?.map(|v| v.value()) {
                by_use.remove((before, workspace, doc, client.as_slice()))?;
            }
            by_use.insert((now_ms, workspace, doc, client.as_slice()), ())?;
            Ok(seq)
        })
    }

    fn forget_idle_clients(
        &mut self,
        before_ms: i64,
        now_ms: i64,
        max: usize,
        connected: &dyn Fn(&str, &ClientId) -> bool,
    ) -> Result<IdleClients, StorageError> {
        // Read first: most calls find nothing, and must not cost a write transaction.
        let due = reading!(self, CLIENTS_BY_USE, Vec::new(), |table| {
            let mut due = Vec::new();
            for row in table.iter()?.take(max) {
                let (key, _) = row?;
                let (used, w, d, c) = key.value();
                if used >= before_ms {
                    break;
                }
                due.push((used, w.to_owned(), d.to_owned(), c.to_vec()));
            }
            Ok(due)
        })?;
        if due.is_empty() {
            return Ok(IdleClients::default());
        }
        self.write(|tx| {
            let mut clients = tx.open_table(CLIENTS)?;
            let mut used = tx.open_table(CLIENT_USED)?;
            let mut by_use = tx.open_table(CLIENTS_BY_USE)?;
            let mut done = IdleClients::default();
            for (at, w, d, c) in &due {
                let (w, d, c) = (w.as_str(), d.as_str(), c.as_slice());
                by_use.remove((*at, w, d, c))?;
                let id: Option<ClientId> = c.try_into().ok();
                if id.is_some_and(|id| connected(w, &id)) {
                    used.insert((w, d, c), now_ms)?;
                    by_use.insert((now_ms, w, d, c), ())?;
                    done.renewed += 1;
                } else {
                    used.remove((w, d, c))?;
                    clients.remove((w, d, c))?;
                    done.forgotten += 1;
                }
            }
            Ok(done)
        })
    }

    fn read_after(
        &self,
        workspace: &str,
        doc: &str,
        after: u64,
        limit: usize,
        max_bytes: usize,
    ) -> Result<Vec<(u64, Vec<u8>)>, StorageError> {
        let Some(from) = after.checked_add(1) else {
            return Ok(Vec::new());
        };
        reading!(self, LOG, Vec::new(), |table| {
            let mut out = Vec::new();
            let mut bytes = 0usize;
            for entry in table
                .range((workspace, doc, from)..=(workspace, doc, u64::MAX))?
                .take(limit)
            {
                if bytes >= max_bytes {
                    break;
                }
                let (key, value) = entry?;
                let envelope = value.value().to_vec();
                bytes = bytes.saturating_add(envelope.len());
                out.push((key.value().2, envelope));
            }
            Ok(out)
        })
    }

    fn last_seq(&self, workspace: &str, doc: &str) -> Result<u64, StorageError> {
        reading!(self, LAST_SEQ, 0, |table| Ok(table
            .get((workspace, doc))?
            .map_or(0, |v| v.value())))
    }

    fn snapshot(&self, workspace: &str, doc: &str) -> Result<Option<(u64, Vec<u8>)>, StorageError> {
        let upto = reading!(self, SNAPSHOT_UPTO, None, |t| Ok(t
            .get((workspace, doc))?
            .map(|v| v.value())))?;
        let Some(upto) = upto else { return Ok(None) };
        let snap = reading!(self, SNAPSHOT, None, |t| Ok(t
            .get((workspace, doc))?
            .map(|v| v.value().to_vec())))?;
        Ok(snap.map(|s| (upto, s)))
    }

    fn compact(
        &mut self,
        workspace: &str,
        doc: &str,
        upto: u64,
        envelope: &[u8],
    ) -> Result<(), StorageError> {
        self.write(|tx| {
            let last = tx
                .open_table(LAST_SEQ)?
                .get((workspace, doc))?
                .map_or(0, |v| v.value());
            if upto > last {
                return Err(StorageError::Refused(format!(
                    "a snapshot up to {upto} is ahead of the log, which ends at {last}"
                )));
            }
            let mut uptos = tx.open_table(SNAPSHOT_UPTO)?;
            if uptos
                .get((workspace, doc))?
                .is_some_and(|v| v.value() >= upto)
            {
                return Ok(());
            }
            uptos.insert((workspace, doc), upto)?;
            tx.open_table(SNAPSHOT)?
                .insert((workspace, doc), envelope)?;
            let mut log = tx.open_table(LOG)?;
            log.retain_in((workspace, doc, 0)..=(workspace, doc, upto), |_, _| false)?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &std::path::Path) -> Storage {
        Storage::open(dir, 1).unwrap()
    }

    const A: ClientId = [1; 16];
    const B: ClientId = [2; 16];

    #[test]
    fn workspaces_keep_their_token_hash_across_reopening() {
        let tmp = tempfile::tempdir().unwrap();
        let hash = TokenHash::from_bytes([7; 32]);
        {
            let mut s = open(tmp.path());
            assert_eq!(s.workspace_token("w").unwrap(), None);
            s.create_workspace("w", &hash, 5).unwrap();
        }
        let s = open(tmp.path());
        assert_eq!(s.workspace_token("w").unwrap(), Some(hash));
        assert_eq!(s.workspace_token("other").unwrap(), None);
    }

    #[test]
    fn appends_number_per_document_and_a_retried_push_is_stored_once() {
        let tmp = tempfile::tempdir().unwrap();
        let mut s = open(tmp.path());
        assert_eq!(s.append("w", "d", &A, 1, b"a1", 0).unwrap(), 1);
        assert_eq!(s.append("w", "d", &B, 1, b"b1", 0).unwrap(), 2);
        assert_eq!(
            s.append("w", "d", &A, 1, b"a1 again", 0).unwrap(),
            1,
            "a retry"
        );
        assert_eq!(s.append("w", "d", &A, 2, b"a2", 0).unwrap(), 3);
        assert_eq!(
            s.append("w", "other", &A, 1, b"x", 0).unwrap(),
            1,
            "per document"
        );
        assert_eq!(
            s.append("v", "d", &A, 1, b"y", 0).unwrap(),
            1,
            "per workspace"
        );
        let log = s.read_after("w", "d", 0, 10, usize::MAX).unwrap();
        assert_eq!(
            log,
            vec![
                (1, b"a1".to_vec()),
                (2, b"b1".to_vec()),
                (3, b"a2".to_vec())
            ]
        );
        assert_eq!(
            s.read_after("w", "d", 1, 1, usize::MAX).unwrap(),
            vec![(2, b"b1".to_vec())]
        );
        assert_eq!(
            s.read_after("w", "d", u64::MAX, 10, usize::MAX).unwrap(),
            vec![]
        );
        assert_eq!(
            s.read_after("nope", "d", 0, 10, usize::MAX).unwrap(),
            vec![]
        );
    }

    #[test]
    fn a_read_stops_at_the_entry_that_reaches_the_byte_limit() {
        let tmp = tempfile::tempdir().unwrap();
        let mut s = open(tmp.path());
        for n in 1..=5 {
            s.append("w", "d", &A, n, &[n as u8; 10], 0).unwrap();
        }
        let seqs = |after, limit, bytes| -> Vec<u64> {
            s.read_after("w", "d", after, limit, bytes)
                .unwrap()
                .into_iter()
                .map(|(seq, _)| seq)
                .collect()
        };
        assert_eq!(seqs(0, 10, 25), [1, 2, 3]);
        assert_eq!(seqs(0, 10, 20), [1, 2]);
        assert_eq!(seqs(0, 2, 100), [1, 2]);
        // An entry larger than the limit still comes, alone.
        assert_eq!(seqs(3, 10, 1), [4]);
    }

    /// The log as committed, ignoring any open batch.
    fn committed(s: &Storage) -> Vec<(u64, Vec<u8>)> {
        let tx = s.db().begin_read().unwrap();
        match tx.open_table(LOG) {
            Ok(t) => t
                .iter()
                .unwrap()
                .map(|e| {
                    let (k, v) = e.unwrap();
                    (k.value().2, v.value().to_vec())
                })
                .collect(),
            Err(redb::TableError::TableDoesNotExist(_)) => Vec::new(),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn a_batch_reads_its_own_writes_and_commits_them_together() {
        let tmp = tempfile::tempdir().unwrap();
        let hash = TokenHash::from_bytes([7; 32]);
        {
            let mut s = open(tmp.path());
            s.begin_batch();
            s.create_workspace("w", &hash, 5).unwrap();
            assert_eq!(s.append("w", "d", &A, 1, b"a1", 0).unwrap(), 1);
            assert_eq!(s.append("w", "d", &B, 1, b"b1", 0).unwrap(), 2);
            assert_eq!(
                s.append("w", "d", &A, 1, b"again", 0).unwrap(),
                1,
                "a retry"
            );
            assert!(s.compact("w", "d", 9, b"too far").is_err(), "refused");
            assert_eq!(s.workspace_token("w").unwrap(), Some(hash));
            assert_eq!(s.last_seq("w", "d").unwrap(), 2);
            assert_eq!(
                s.read_after("w", "d", 1, 10, usize::MAX).unwrap(),
                vec![(2, b"b1".to_vec())]
            );
            assert_eq!(committed(&s), vec![], "nothing durable before the commit");
            s.commit_batch().unwrap();
            assert_eq!(committed(&s).len(), 2);
            // Out of a batch, each write commits at once again.
            s.append("w", "d", &A, 2, b"a2", 0).unwrap();
            assert_eq!(committed(&s).len(), 3);
        }
        let s = open(tmp.path());
        assert_eq!(s.workspace_token("w").unwrap(), Some(hash));
        assert_eq!(s.read_after("w", "d", 0, 10, usize::MAX).unwrap().len(), 3);
    }

    #[test]
    fn a_batch_with_a_failed_write_commits_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let mut s = open(tmp.path());
        s.append("w", "d", &A, 1, b"a1", 0).unwrap();
        s.begin_batch();
        s.append("w", "d", &B, 1, b"b1", 0).unwrap();
        s.poison("the disk is gone");
        let err = s.commit_batch().unwrap_err();
        assert!(err.to_string().contains("the disk is gone"), "{err}");
        assert_eq!(
            s.read_after("w", "d", 0, 10, usize::MAX).unwrap(),
            vec![(1, b"a1".to_vec())]
        );
        // The next write starts clean: B's change is numbered as if it had never been.
        assert_eq!(s.append("w", "d", &B, 1, b"b1", 0).unwrap(), 2);
    }

    #[test]
    fn compaction_replaces_the_log_prefix_and_numbers_are_never_reused() {
        let tmp = tempfile::tempdir().unwrap();
        {
            let mut s = open(tmp.path());
            for n in 1..=4 {
                s.append("w", "d", &A, n, format!("c{n}").as_bytes(), 0)
                    .unwrap();
            }
            assert!(
                s.compact("w", "d", 9, b"too far").is_err(),
                "ahead of the log"
            );
            s.compact("w", "d", 3, b"snap3").unwrap();
            s.compact("w", "d", 2, b"older").unwrap();
            assert_eq!(s.snapshot("w", "d").unwrap(), Some((3, b"snap3".to_vec())));
            assert_eq!(
                s.read_after("w", "d", 0, 10, usize::MAX).unwrap(),
                vec![(4, b"c4".to_vec())]
            );
        }
        let mut s = open(tmp.path());
        assert_eq!(s.snapshot("w", "d").unwrap(), Some((3, b"snap3".to_vec())));
        assert_eq!(s.last_seq("w", "d").unwrap(), 4);
        assert_eq!(s.last_seq("w", "none").unwrap(), 0);
        assert_eq!(s.append("w", "d", &B, 1, b"b1", 0).unwrap(), 5);
        assert_eq!(s.snapshot("w", "x").unwrap(), None);
    }

    /// Every deduplication row as (first byte of the client id, last used), checking that the
    /// three tables agree.
    fn client_rows(s: &Storage) -> Vec<(u8, i64)> {
        let tx = s.db().begin_read().unwrap();
        let clients: Vec<u8> = tx
            .open_table(CLIENTS)
            .unwrap()
            .iter()
            .unwrap()
            .map(|r| r.unwrap().0.value().2[0])
            .collect();
        let mut used: Vec<(u8, i64)> = tx
            .open_table(CLIENT_USED)
            .unwrap()
            .iter()
            .unwrap()
            .map(|r| {
                let (k, v) = r.unwrap();
                (k.value().2[0], v.value())
            })
            .collect();
        let mut by_use: Vec<(u8, i64)> = tx
            .open_table(CLIENTS_BY_USE)
            .unwrap()
            .iter()
            .unwrap()
            .map(|r| {
                let row = r.unwrap();
                let k = row.0.value();
                (k.3[0], k.0)
            })
            .collect();
        used.sort();
        by_use.sort();
        assert_eq!(used, by_use);
        assert_eq!(clients, used.iter().map(|(c, _)| *c).collect::<Vec<_>>());
        used
    }

    const C: ClientId = [3; 16];

    #[test]
    fn idle_clients_are_forgotten_oldest_first_a_few_at_a_time_and_stay_forgotten() {
        let tmp = tempfile::tempdir().unwrap();
        {
            let mut s = open(tmp.path());
            s.append("w", "d", &A, 1, b"a1", 100).unwrap();
            s.append("w", "d", &B, 1, b"b1", 200).unwrap();
            s.append("w", "d", &C, 1, b"c1", 300).unwrap();
            s.append("w", "d", &A, 2, b"a2", 400).unwrap();
            // A repeat stores nothing, also no new time.
            s.append("w", "d", &A, 2, b"a2", 500).unwrap();
            assert_eq!(client_rows(&s), [(1, 400), (2, 200), (3, 300)]);
            let nobody = |_: &str, _: &ClientId| false;
            let did = |forgotten, renewed| IdleClients { forgotten, renewed };
            assert_eq!(
                s.forget_idle_clients(150, 1_000, 10, &nobody).unwrap(),
                did(0, 0)
            );
            assert_eq!(
                s.forget_idle_clients(350, 1_000, 1, &nobody).unwrap(),
                did(1, 0)
            );
            assert_eq!(client_rows(&s), [(1, 400), (3, 300)]);
            // A connected client's row is kept, as used now.
            let c_is_here = |w: &str, c: &ClientId| w == "w" && *c == C;
            assert_eq!(
                s.forget_idle_clients(350, 1_000, 10, &c_is_here).unwrap(),
                did(0, 1)
            );
            assert_eq!(client_rows(&s), [(1, 400), (3, 1_000)]);
        }
        let mut s = open(tmp.path());
        assert_eq!(client_rows(&s), [(1, 400), (3, 1_000)]);
        assert_eq!(
            s.append("w", "d", &A, 2, b"a2", 0).unwrap(),
            4,
            "still a repeat"
        );
        assert_eq!(
            s.append("w", "d", &B, 1, b"b1", 2_000).unwrap(),
            5,
            "forgotten: stored again"
        );
        assert_eq!(client_rows(&s), [(1, 400), (2, 2_000), (3, 1_000)]);
    }

    #[test]
    fn forgetting_in_a_batch_sees_the_batch_and_commits_with_it() {
        let tmp = tempfile::tempdir().unwrap();
        let mut s = open(tmp.path());
        s.begin_batch();
        s.append("w", "d", &A, 1, b"a1", 100).unwrap();
        let nobody = |_: &str, _: &ClientId| false;
        assert_eq!(
            s.forget_idle_clients(200, 300, 10, &nobody)
                .unwrap()
                .forgotten,
            1
        );
        s.commit_batch().unwrap();
        assert_eq!(client_rows(&s), []);
        assert_eq!(committed(&s).len(), 1);
    }

    #[test]
    fn rows_of_schema_1_count_as_used_when_the_relay_is_upgraded() {
        let tmp = tempfile::tempdir().unwrap();
        {
            let mut s = open(tmp.path());
            s.append("w", "d", &A, 1, b"a1", 100).unwrap();
            // Back to how schema 1 left it: the rows without their times.
            let tx = s.db().begin_write().unwrap();
            tx.delete_table(CLIENT_USED).unwrap();
            tx.delete_table(CLIENTS_BY_USE).unwrap();
            tx.open_table(crate::storage::META_TABLE)
                .unwrap()
                .insert("schema_version", 1)
                .unwrap();
            tx.commit().unwrap();
        }
        let mut s = Storage::open(tmp.path(), 5_000).unwrap();
        assert_eq!(s.meta("schema_version").unwrap(), Some(2));
        assert_eq!(client_rows(&s), [(1, 5_000)]);
        let nobody = |_: &str, _: &ClientId| false;
        let forgotten = |s: &mut Storage, before| {
            s.forget_idle_clients(before, 6_000, 10, &nobody)
                .unwrap()
                .forgotten
        };
        assert_eq!(forgotten(&mut s, 5_000), 0);
        assert_eq!(forgotten(&mut s, 5_001), 1);
        assert_eq!(client_rows(&s), []);
    }
}
