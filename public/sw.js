// Hearth CRM service worker: keeps the app shell of one build available offline.
//
// scripts/post-build.sh replaces BUILD_VERSION and SHELL_FILES for every build, so each
// deployment gets its own, complete cache. A new version installs in the background and waits;
// the page shows "update available — reload" and only then tells it to take over, so a page
// never mixes files of two builds.
const VERSION = "__BUILD_VERSION__";
const SHELL_FILES = ["__SHELL_FILES__"];
const CACHE_PREFIX = "hearth-shell-";
const CACHE = CACHE_PREFIX + VERSION;

self.addEventListener("install", (event) => {
  // addAll is atomic: either the whole shell is cached or this version does not install.
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL_FILES)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith(CACHE_PREFIX) && key !== CACHE)
            .map((key) => caches.delete(key)),
        ),
      ),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  // Live endpoints (health, sync) always go to the network.
  if (url.origin !== self.location.origin || url.pathname === "/healthz" || url.pathname.startsWith("/sync")) {
    return;
  }
  // Every in-app address is the single-page app: answer with this build's index.html.
  const lookup = request.mode === "navigate" ? "/index.html" : request;
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(lookup, { ignoreVary: true, ignoreSearch: request.mode === "navigate" }))
      .then((cached) => cached || fetch(request)),
  );
});
