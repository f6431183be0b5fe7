// The screen both peers render, kept identical so only the storage/CRDT layer differs:
// the first 50 contacts sorted by name, a search box that scans every contact, and a
// quick-add form. The harness (bench/compare/browser.mjs) reads these window fields:
//   __ready      ms from navigation to the first screen rendered (User Timing "peer:ready")
//   __persisted  ms at which the last added contact reached the storage's durable point
//   __setupDone  true once `?setup=<json url>` has loaded the dataset into IndexedDB
const PAGE = 50;
const collator = new Intl.Collator(undefined, { sensitivity: "base" });
const byName = (a, b) => collator.compare(a.name ?? "", b.name ?? "");

/** Plain text of a contact's e-mail field as the dataset writes it (an object or a list). */
const emailsText = (emails) =>
  emails == null ? "" : typeof emails === "string" ? emails : JSON.stringify(emails);

/**
 * Mounts the screen. `store` is the peer: { contacts() -> [{id, name, emails, city}],
 * add(record) -> Promise (resolves at the durable point) }.
 */
export function mount(store) {
  const root = document.getElementById("app");
  root.innerHTML = `
    <form id="quick-add"><label>Name <input name="name" aria-label="Name"></label>
      <button type="submit">Add contact</button></form>
    <input data-testid="list-search" aria-label="Search contacts" placeholder="Search">
    <table><thead><tr><th>Name</th><th>E-mail</th><th>City</th></tr></thead>
      <tbody data-testid="table-rows"></tbody></table>`;
  const tbody = root.querySelector("tbody");
  // The list model: every contact once, sorted by name (as a list view keeps it).
  let sorted = store.contacts().sort(byName);
  let query = "";
  const render = () => {
    const q = query.toLocaleLowerCase();
    const rows = [];
    for (const c of sorted) {
      if (q && !((c.name ?? "").toLocaleLowerCase().includes(q) || emailsText(c.emails).toLocaleLowerCase().includes(q)))
        continue;
      rows.push(c);
      if (rows.length === PAGE) break;
    }
    tbody.replaceChildren(
      ...rows.map((c) => {
        const tr = document.createElement("tr");
        for (const v of [c.name, emailsText(c.emails), c.city]) {
          const td = document.createElement("td");
          td.textContent = v ?? "";
          tr.append(td);
        }
        return tr;
      }),
    );
  };
  render();
  root.querySelector("[data-testid=list-search]").addEventListener("input", (e) => {
    query = e.target.value;
    render();
  });
  let n = 0;
  root.querySelector("#quick-add").addEventListener("submit", async (e) => {
    e.preventDefault();
    const name = e.target.elements.name.value;
    const record = { id: `bench-${Date.now()}-${n++}`, created_at: Date.now(), name, city: "Berlin" };
    const durable = store.add(record);
    // Insert into the sorted list model and show it, then wait for storage.
    const at = sorted.findIndex((c) => byName(record, c) < 0);
    sorted.splice(at < 0 ? sorted.length : at, 0, record);
    render();
    await durable;
    performance.mark("peer:persisted");
    window.__persisted = performance.now();
  });
  performance.mark("peer:ready");
  window.__ready = performance.now();
}

/** `?setup=<url>`: the dataset URL to load once (untimed), else null. */
export const setupUrl = () => new URLSearchParams(location.search).get("setup");
