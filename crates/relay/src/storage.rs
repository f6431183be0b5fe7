//! Embedded, crash-safe storage under the data dir (redb: ACID, copy-on-write, no C toolchain).
//!
//! Today it records the relay's own metadata; the sync protocol adds its ciphertext logs and
//! snapshots here. redb takes an exclusive lock, so two relays can never share one data dir.

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition, WriteTransaction};

const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
#[cfg(test)]
pub(crate) const META_TABLE: TableDefinition<&str, u64> = META;
/// Bumped whenever the layout of the tables changes; a relay refuses a newer layout than it knows.
/// 2: deduplication rows carry when they were last used (`log_store`).
pub const SCHEMA_VERSION: u64 = 2;
const FILE_NAME: &str = "relay.redb";

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("cannot create the data directory {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cannot open the relay database {path}: {source} (is another relay using this data dir?)"
    )]
    Open {
        path: PathBuf,
        source: redb::DatabaseError,
    },
    #[error(
        "the data in {path} has schema version {found}, newer than this relay's {SCHEMA_VERSION}; upgrade the relay"
    )]
    TooNew { path: PathBuf, found: u64 },
    #[error("storage error: {0}")]
    Redb(#[from] redb::Error),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("a write in this batch failed, so none of it was committed: {0}")]
    BatchFailed(String),
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StorageError {
            fn from(e: $t) -> Self {
                StorageError::Redb(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

pub struct Storage {
    /// The open transaction of a batch ([`Storage::begin_batch`]), once something was written.
    pending: Option<WriteTransaction>,
    batching: bool,
    /// Why a write in the open batch failed: the batch must not be committed half done.
    poisoned: Option<String>,
    db: Database,
    schema_version: u64,
    created_at_ms: u64,
}

impl Storage {
    /// Opens (creating if missing) the database in `data_dir`. `now_ms` is stamped on a new one.
    pub fn open(data_dir: &Path, now_ms: u64) -> Result<Self, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::CreateDir {
            path: data_dir.to_owned(),
            source,
        })?;
        let path = data_dir.join(FILE_NAME);
        let db = Database::create(&path).map_err(|source| StorageError::Open {
            path: path.clone(),
            source,
        })?;

        let tx = db.begin_write()?;
        let (schema_version, created_at_ms, migrate) = {
            let mut meta = tx.open_table(META)?;
            let found = meta.get("schema_version")?.map(|v| v.value());
            let created = meta.get("created_at_ms")?.map(|v| v.value());
            match found {
                Some(v) if v > SCHEMA_VERSION => {
                    return Err(StorageError::TooNew { path, found: v });
                }
                _ => {}
            }
            let created = match created {
                Some(c) => c,
                None => {
                    meta.insert("created_at_ms", now_ms)?;
                    now_ms
                }
            };
            meta.insert("schema_version", SCHEMA_VERSION)?;
            (SCHEMA_VERSION, created, found.unwrap_or(0) < 2)
        };
        if migrate {
            let now = i64::try_from(now_ms).unwrap_or(i64::MAX);
            crate::log_store::stamp_client_rows(&tx, now)?;
        }
        tx.commit()?;
        Ok(Self {
            pending: None,
            batching: false,
            poisoned: None,
            db,
            schema_version,
            created_at_ms,
        })
    }

    pub(crate) fn db(&self) -> &Database {
        &self.db
    }

    /// Until [`Storage::commit_batch`], writes share one transaction and reads see them.
    ///
    /// One commit (one `fsync`) per message caps the relay at what the disk syncs per second,
    /// and a slow sync holds up every message queued behind it; a batch takes all the
    /// messages that arrived together through one commit. Whoever batches must hold back
    /// every acknowledgement and delivery until the commit has returned.
    pub fn begin_batch(&mut self) {
        self.batching = true;
    }

    /// Commits the batch's writes durably (nothing to do if it wrote nothing). If any write
    /// in it failed, nothing of it is committed and the error says which.
    pub fn commit_batch(&mut self) -> Result<(), StorageError> {
        self.batching = false;
        let pending = self.pending.take();
        if let Some(reason) = self.poisoned.take() {
            if let Some(tx) = pending {
                tx.abort()?;
            }
            return Err(StorageError::BatchFailed(reason));
        }
        if let Some(tx) = pending {
            tx.commit()?;
        }
        Ok(())
    }

    /// Makes the open batch fail at its commit, as a failed write would.
    #[cfg(test)]
    pub(crate) fn poison(&mut self, reason: &str) {
        self.poisoned.get_or_insert_with(|| reason.to_owned());
    }

    /// The batch's transaction, if one is open: reads go there to see its writes.
    pub(crate) fn pending(&self) -> Option<&WriteTransaction> {
        self.pending.as_ref()
    }

    /// Runs `f` in a write transaction: the batch's if one is open, else its own, committed
    /// before returning.
    pub(crate) fn write<T>(
        &mut self,
        f: impl FnOnce(&WriteTransaction) -> Result<T, StorageError>,
    ) -> Result<T, StorageError> {
        if !self.batching {
            let tx = self.db.begin_write()?;
            let out = f(&tx)?;
            tx.commit()?;
            return Ok(out);
        }
        let tx = match self.pending.take() {
            Some(tx) => tx,
            None => self.db.begin_write()?,
        };
        let out = f(&tx);
        match &out {
            // Refusals are decided before anything is written.
            Err(StorageError::Refused(_)) | Ok(_) => {}
            Err(e) => {
                self.poisoned.get_or_insert_with(|| e.to_string());
            }
        }
        self.pending = Some(tx);
        out
    }

    pub fn schema_version(&self) -> u64 {
        self.schema_version
    }

    /// When this data dir was first used by a relay.
    pub fn created_at_ms(&self) -> u64 {
        self.created_at_ms
    }

    /// Reads a metadata value; used by tests and diagnostics.
    pub fn meta(&self, key: &str) -> Result<Option<u64>, StorageError> {
        let tx = self.db.begin_read()?;
        let table = tx.open_table(META)?;
        Ok(table.get(key)?.map(|v| v.value()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_the_data_dir_and_keeps_its_birth_date() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("nested/data");
        {
            let s = Storage::open(&dir, 1_000).unwrap();
            assert_eq!(s.created_at_ms(), 1_000);
            assert_eq!(s.meta("schema_version").unwrap(), Some(SCHEMA_VERSION));
        }
        let s = Storage::open(&dir, 2_000).unwrap();
        assert_eq!(
            s.created_at_ms(),
            1_000,
            "reopening must not reset metadata"
        );
    }

    #[test]
    fn a_second_relay_on_the_same_dir_gets_a_clear_error() {
        let tmp = tempfile::tempdir().unwrap();
        let _first = Storage::open(tmp.path(), 1).unwrap();
        let err = Storage::open(tmp.path(), 1)
            .err()
            .expect("second open must fail");
        assert!(err.to_string().contains("another relay"), "{err}");
    }

    #[test]
    fn refuses_data_from_a_newer_relay() {
        let tmp = tempfile::tempdir().unwrap();
        {
            let s = Storage::open(tmp.path(), 1).unwrap();
            let tx = s.db.begin_write().unwrap();
            tx.open_table(META)
                .unwrap()
                .insert("schema_version", SCHEMA_VERSION + 1)
                .unwrap();
            tx.commit().unwrap();
        }
        let err = Storage::open(tmp.path(), 1).err().expect("must refuse");
        assert!(matches!(err, StorageError::TooNew { .. }), "{err}");
    }

    #[test]
    fn an_unwritable_data_dir_is_reported_with_its_path() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("not-a-dir");
        std::fs::write(&file, b"x").unwrap();
        let err = Storage::open(&file.join("data"), 1)
            .err()
            .expect("must fail");
        assert!(err.to_string().contains("not-a-dir"), "{err}");
    }
}
