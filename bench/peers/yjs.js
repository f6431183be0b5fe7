// Peer 2: Yjs with y-indexeddb, as their documentation sets it up
// (https://docs.yjs.dev/ecosystem/database-provider/y-indexeddb): one Y.Doc for the workspace,
// a top-level Y.Map per collection holding a Y.Map per record (field-level merges, like ours),
// IndexeddbPersistence attached and `whenSynced` awaited before use.
import * as Y from "yjs";
import { IndexeddbPersistence } from "y-indexeddb";
import { mount, setupUrl } from "./ui.js";

const ydoc = new Y.Doc();
const persistence = new IndexeddbPersistence("crm-bench-yjs", ydoc);
await persistence.whenSynced;

/**
 * y-indexeddb writes each update in its own IndexedDB transaction and exposes no promise for
 * it; a transaction opened afterwards on the same store completes only after that write, so
 * this resolves at the same durable point our app and automerge-repo wait for.
 */
const written = () =>
  new Promise((resolve, reject) => {
    const tx = persistence.db.transaction(["updates"], "readonly");
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });

const toYMap = (record) => {
  const m = new Y.Map();
  for (const [k, v] of Object.entries(record)) m.set(k, v);
  return m;
};

const setup = setupUrl();
if (setup) {
  const data = await (await fetch(setup)).json();
  for (const [collection, records] of Object.entries(data)) {
    if (!Array.isArray(records)) continue;
    const map = ydoc.getMap(collection);
    for (let i = 0; i < records.length; i += 1000) {
      ydoc.transact(() => {
        for (const r of records.slice(i, i + 1000)) map.set(r.id, toYMap(r));
      });
    }
  }
  await written();
  window.__setupDone = true;
} else {
  const contacts = ydoc.getMap("contacts");
  mount({
    contacts: () => {
      const out = [];
      for (const [id, c] of contacts) out.push({ id, name: c.get("name"), emails: c.get("emails"), city: c.get("city") });
      return out;
    },
    add: async (record) => {
      ydoc.transact(() => contacts.set(record.id, toYMap(record)));
      await written();
    },
  });
}
