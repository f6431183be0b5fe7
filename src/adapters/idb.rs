//! IndexedDB as an async key-value store of byte values, one object store per kind of data.
//!
//! Every write resolves only when its transaction has completed, so "saved" means on disk.

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbTransactionMode};

use super::js_error_text;

/// Object stores of the app's database. Adding one here needs a `VERSION` bump.
pub const STORES: &[&str] = &["meta", "chunks"];
/// Schema version of the database; `onupgradeneeded` creates whatever stores are missing.
const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdbError {
    #[error("this browser offers no IndexedDB storage (private mode or disabled storage?)")]
    Unavailable,
    #[error("cannot open the local database {name}: {reason}")]
    Open { name: String, reason: String },
    #[error(
        "the local database {0} is kept open by an older version of the app in another tab; close that tab"
    )]
    Blocked(String),
    #[error("there is no store {0:?} in the local database")]
    UnknownStore(String),
    #[error("local storage failed: {0}")]
    Request(String),
}

fn request_error(e: JsValue) -> IdbError {
    IdbError::Request(js_error_text(&e))
}

/// A promise settled by the success or error event of an IndexedDB request.
async fn request_done(req: &IdbRequest) -> Result<JsValue, IdbError> {
    let promise = Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    req.set_onsuccess(None);
    req.set_onerror(None);
    match outcome {
        Ok(_) => req.result().map_err(request_error),
        Err(_) => Err(IdbError::Request(
            req.error()
                .ok()
                .flatten()
                .map(|e| format!("{}: {}", e.name(), e.message()))
                .unwrap_or_else(|| "unknown error".into()),
        )),
    }
}

/// Resolves once the transaction has committed; rejects if it errors or aborts.
async fn transaction_done(tx: &IdbTransaction) -> Result<(), IdbError> {
    let promise = Promise::new(&mut |resolve, reject| {
        tx.set_oncomplete(Some(&resolve));
        tx.set_onerror(Some(&reject));
        tx.set_onabort(Some(&reject));
    });
    JsFuture::from(promise).await.map(|_| ()).map_err(|_| {
        IdbError::Request(
            tx.error()
                .map(|e| format!("{}: {}", e.name(), e.message()))
                .unwrap_or_else(|| "the transaction was aborted".into()),
        )
    })
}

/// An open database. Closing happens on drop, and whenever another tab needs to upgrade it.
pub struct Idb {
    db: IdbDatabase,
    name: String,
    _on_version_change: Closure<dyn FnMut(web_sys::Event)>,
}

impl Idb {
    pub async fn open(name: &str) -> Result<Idb, IdbError> {
        let factory = factory().ok_or(IdbError::Unavailable)?;
        let open_err = |e: JsValue| IdbError::Open {
            name: name.to_owned(),
            reason: js_error_text(&e),
        };
        let req: IdbOpenDbRequest = factory.open_with_u32(name, VERSION).map_err(open_err)?;

        let upgrade_req = req.clone();
        let on_upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            let Ok(result) = upgrade_req.result() else {
                return;
            };
            let db: IdbDatabase = result.unchecked_into();
            let existing = db.object_store_names();
            for store in STORES {
                if !existing.contains(store) {
                    // A failure here aborts the upgrade, which rejects the open request below.
                    let _ = db.create_object_store(store);
                }
            }
        });
        req.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));

        let blocked = std::rc::Rc::new(std::cell::Cell::new(false));
        let blocked_flag = blocked.clone();
        let on_blocked = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| blocked_flag.set(true));
        req.set_onblocked(Some(on_blocked.as_ref().unchecked_ref()));

        let opened = request_done(&req).await;
        req.set_onupgradeneeded(None);
        req.set_onblocked(None);
        let db: IdbDatabase = match opened {
            Ok(v) => v.unchecked_into(),
            Err(_) if blocked.get() => return Err(IdbError::Blocked(name.to_owned())),
            Err(IdbError::Request(reason)) => {
                return Err(IdbError::Open {
                    name: name.to_owned(),
                    reason,
                });
            }
            Err(e) => return Err(e),
        };

        // Another tab running a newer version must be able to upgrade: step aside.
        let db_for_close = db.clone();
        let on_version_change =
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_| db_for_close.close());
        db.set_onversionchange(Some(on_version_change.as_ref().unchecked_ref()));

        Ok(Idb {
            db,
            name: name.to_owned(),
            _on_version_change: on_version_change,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    fn transaction(
        &self,
        store: &str,
        mode: IdbTransactionMode,
    ) -> Result<(IdbTransaction, web_sys::IdbObjectStore), IdbError> {
        if !STORES.contains(&store) {
            return Err(IdbError::UnknownStore(store.to_owned()));
        }
        let tx = self
            .db
            .transaction_with_str_and_mode(store, mode)
            .map_err(request_error)?;
        let os = tx.object_store(store).map_err(request_error)?;
        Ok((tx, os))
    }

    /// Writes `value` under `key`; resolves once committed.
    pub async fn put(&self, store: &str, key: &str, value: &[u8]) -> Result<(), IdbError> {
        let (tx, os) = self.transaction(store, IdbTransactionMode::Readwrite)?;
        let bytes = Uint8Array::from(value);
        os.put_with_key(&bytes, &JsValue::from_str(key))
            .map_err(request_error)?;
        transaction_done(&tx).await
    }

    pub async fn get(&self, store: &str, key: &str) -> Result<Option<Vec<u8>>, IdbError> {
        let (_tx, os) = self.transaction(store, IdbTransactionMode::Readonly)?;
        let req = os.get(&JsValue::from_str(key)).map_err(request_error)?;
        let value = request_done(&req).await?;
        if value.is_undefined() {
            return Ok(None);
        }
        value
            .dyn_into::<Uint8Array>()
            .map(|a| Some(a.to_vec()))
            .map_err(|_| IdbError::Request(format!("the value at {key:?} is not bytes")))
    }

    pub async fn delete(&self, store: &str, key: &str) -> Result<(), IdbError> {
        let (tx, os) = self.transaction(store, IdbTransactionMode::Readwrite)?;
        os.delete(&JsValue::from_str(key)).map_err(request_error)?;
        transaction_done(&tx).await
    }

    /// All keys of a store, in IndexedDB's key order.
    pub async fn keys(&self, store: &str) -> Result<Vec<String>, IdbError> {
        let (_tx, os) = self.transaction(store, IdbTransactionMode::Readonly)?;
        let req = os.get_all_keys().map_err(request_error)?;
        let keys: Array = request_done(&req).await?.unchecked_into();
        Ok(keys.iter().filter_map(|k| k.as_string()).collect())
    }
}

impl Idb {
    /// Keys of a store that start with `prefix`, in key order.
    pub async fn keys_with_prefix(
        &self,
        store: &str,
        prefix: &str,
    ) -> Result<Vec<String>, IdbError> {
        let (_tx, os) = self.transaction(store, IdbTransactionMode::Readonly)?;
        let upper = format!("{prefix}\u{ffff}");
        let range =
            web_sys::IdbKeyRange::bound(&JsValue::from_str(prefix), &JsValue::from_str(&upper))
                .map_err(request_error)?;
        let req = os.get_all_keys_with_key(&range).map_err(request_error)?;
        let keys: Array = request_done(&req).await?.unchecked_into();
        Ok(keys.iter().filter_map(|k| k.as_string()).collect())
    }

    /// Reads several values in one transaction; all requests are issued before any is awaited,
    /// so the transaction cannot close between them.
    pub async fn get_many(
        &self,
        store: &str,
        keys: &[String],
    ) -> Result<Vec<Option<Vec<u8>>>, IdbError> {
        let (_tx, os) = self.transaction(store, IdbTransactionMode::Readonly)?;
        let requests = keys
            .iter()
            .map(|k| os.get(&JsValue::from_str(k)).map_err(request_error))
            .collect::<Result<Vec<_>, _>>()?;
        let mut out = Vec::with_capacity(requests.len());
        for req in &requests {
            let value = request_done(req).await?;
            out.push(value.dyn_into::<Uint8Array>().ok().map(|a| a.to_vec()));
        }
        Ok(out)
    }

    /// Puts and deletes in one readwrite transaction: all happen, or none.
    pub async fn batch(
        &self,
        store: &str,
        puts: &[(String, Vec<u8>)],
        deletes: &[String],
    ) -> Result<(), IdbError> {
        let (tx, os) = self.transaction(store, IdbTransactionMode::Readwrite)?;
        let issued = puts
            .iter()
            .map(|(key, value)| {
                os.put_with_key(&Uint8Array::from(value.as_slice()), &JsValue::from_str(key))
            })
            .chain(deletes.iter().map(|key| os.delete(&JsValue::from_str(key))))
            .try_for_each(|r| r.map(drop));
        if let Err(e) = issued {
            // Requests issued before the refused one would otherwise still commit.
            let _ = tx.abort();
            return Err(request_error(e));
        }
        // Commit now rather than when the event loop comes back: a page closed or reloaded a
        // moment after an edit then still keeps it. (web-sys marks `commit` deprecated, but it
        // is standard and in every current engine; a failure here only means "commit later".)
        #[allow(deprecated)]
        let _ = tx.commit();
        transaction_done(&tx).await
    }

    /// Closes the connection now; later calls fail (used to test write failures).
    pub fn close(&self) {
        self.db.close();
    }
}

impl Drop for Idb {
    fn drop(&mut self) {
        self.db.set_onversionchange(None);
        self.db.close();
    }
}

/// The page's IndexedDB, or the worker's when this runs in one (`adapters::compactor`).
fn factory() -> Option<web_sys::IdbFactory> {
    match web_sys::window() {
        Some(w) => w.indexed_db().ok().flatten(),
        None => js_sys::global()
            .dyn_into::<web_sys::WorkerGlobalScope>()
            .ok()?
            .indexed_db()
            .ok()
            .flatten(),
    }
}

/// Deletes a whole database (tests, and "erase this device" later).
pub async fn delete_database(name: &str) -> Result<(), IdbError> {
    let factory = factory().ok_or(IdbError::Unavailable)?;
    let req = factory.delete_database(name).map_err(request_error)?;
    request_done(&req).await.map(|_| ())
}
