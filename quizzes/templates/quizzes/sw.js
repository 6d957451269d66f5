// Qihang's service worker for taking an attempt: an open attempt page survives a reload while
// the connection is down. Its scope is /attempts/ and nothing else.
//
// - Navigations to an attempt page: network first. A page the server marks as fit to keep (an
//   attempt in progress, for its owner) is kept; any other answer for that address (the result
//   after submitting, a login page, "not found") removes the kept copy. With no network, the
//   kept copy is served; the answers given since live in this browser's storage and attempt.js
//   lays them over the page's data.
// - The static files those pages load: cache first, refreshed in the background.
// - Everything else, the API above all (answer saves, submissions), goes to the network untouched.
"use strict";

const CACHE = "qihang-attempts-v1";
const STATIC_URL = {{ static_url_json|safe }};
const KEEP_HEADER = "{{ keep_header }}";
const ATTEMPT_PAGE = /^\/attempts\/\d+\/$/;

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("qihang-attempts-") && n !== CACHE)
      .map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

async function fromNetwork(request) {
  const cache = await caches.open(CACHE);
  const response = await fetch(request);
  const key = new URL(request.url).pathname;
  if (response.ok && !response.redirected && response.headers.get(KEEP_HEADER) === "keep") {
    await cache.put(key, response.clone());
  } else {
    await cache.delete(key);
  }
  return response;
}

async function attemptPage(request) {
  try {
    return await fromNetwork(request);
  } catch (error) {
    const kept = await caches.match(new URL(request.url).pathname, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

async function staticFile(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request, { ignoreVary: true });
  const refresh = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  if (kept) {
    refresh.catch(() => { /* offline: the kept copy serves */ });
    return kept;
  }
  return refresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && ATTEMPT_PAGE.test(url.pathname)) {
    event.respondWith(attemptPage(request));
  } else if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(staticFile(request));
  }
});

// Messages from attempt pages:
// {keep: [urls]}  the page was loaded before this worker controlled it: fetch and keep it now;
// {forget: path}  the attempt was submitted: drop its kept page.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (Array.isArray(data.keep)) {
    event.waitUntil(Promise.all(data.keep.map((address) => {
      const url = new URL(address, self.location.origin);
      if (url.origin !== self.location.origin) return null;
      const request = new Request(url, { credentials: "same-origin" });
      const fetched = ATTEMPT_PAGE.test(url.pathname) ? fromNetwork(request) : staticFile(request);
      return fetched.catch(() => null);
    })));
  } else if (typeof data.forget === "string") {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.delete(data.forget)));
  }
});
