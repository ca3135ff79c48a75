{% autoescape off %}const PATHS = {{ paths }};{% endautoescape %}

const CACHE = "dvc-check-in-v1";
self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PATHS.assets)).then(() => self.skipWaiting()));
});
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  const isPage = url.pathname === PATHS.page;
  if (!isPage && !PATHS.assets.includes(url.pathname)) { return; }
  const key = isPage ? PATHS.page : url.pathname;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.ok && !response.redirected) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(key, copy));
      }
      if (isPage && response.redirected) {  // signed out: keep showing the kept page (the queue waits)
        return caches.match(key).then((kept) => kept || response);
      }
      return response;
    }).catch(() => caches.match(key).then((kept) => kept || Response.error()))
  );
});
