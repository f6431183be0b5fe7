// Peer 1: JavaScript automerge-repo with its IndexedDB storage adapter, as its documentation
// sets it up (https://automerge.org/docs/repositories/): one Repo, one document for the
// workspace (collections as maps of id -> record, like our single Automerge document),
// its URL kept in localStorage. The `/slim` entry point with initializeWasm() is the
// documented way to load Automerge's wasm without a wasm-aware bundler.
import { Repo, initializeWasm } from "@automerge/automerge-repo/slim";
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb";
import { mount, setupUrl } from "./ui.js";

await initializeWasm(fetch(new URL("automerge.wasm", import.meta.url)));
const repo = new Repo({ storage: new IndexedDBStorageAdapter("crm-bench-automerge"), network: [] });

const setup = setupUrl();
if (setup) {
  const data = await (await fetch(setup)).json();
  const handle = repo.create({});
  // Written as an import would, a thousand records per change (as our dataset is).
  for (const [collection, records] of Object.entries(data)) {
    if (!Array.isArray(records)) continue;
    for (let i = 0; i < records.length; i += 1000) {
      handle.change((d) => {
        d[collection] ??= {};
        for (const r of records.slice(i, i + 1000)) d[collection][r.id] = r;
      });
    }
  }
  await repo.flush();
  localStorage.setItem("crm-bench-doc", handle.url);
  window.__setupDone = true;
} else {
  const handle = await repo.find(localStorage.getItem("crm-bench-doc"));
  const doc = handle.doc();
  mount({
    contacts: () => Object.values(doc.contacts ?? {}).map((c) => ({ id: c.id, name: c.name, emails: c.emails, city: c.city })),
    add: async (record) => {
      handle.change((d) => {
        d.contacts[record.id] = record;
      });
      // The documented way to wait for the storage adapter (IndexedDB transaction complete).
      await repo.flush([handle.documentId]);
    },
  });
}
