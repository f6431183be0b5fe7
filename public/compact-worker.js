// Compacts a workspace's stored chunks off the page (see src/adapters/compactor.rs): loads the
// page's own wasm module (its glue and wasm are named in the message) and runs its
// `hearth_compact`.
self.onmessage = async ({ data }) => {
  try {
    const app = await import(data.glue);
    await app.default({ module_or_path: data.wasm });
    self.postMessage({ ok: await app.hearth_compact(data.workspace) });
  } catch (e) {
    self.postMessage({ error: String(e && e.message ? e.message : e) });
  }
};
