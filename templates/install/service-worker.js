/* Journey's service worker.
 *
 * It keeps only what is the same for everyone: the static files (their addresses are
 * versioned with ?v=, so a kept copy never goes stale; cache first) and a small offline
 * page that holds no written text. Pages and every other request go to the network
 * and are never stored: no page with someone's words lands in a cache, and no answer
 * marked no-store or private is ever kept.
 */
"use strict";

var CACHE = "{{ cache_name }}";
var SHELL = {{ shell_urls }};
var OFFLINE = {{ offline }};
var STATIC = {{ static_prefix }};

function storable(response) {
  if (!response || !response.ok || response.type !== "basic") { return false; }
  var control = (response.headers.get("Cache-Control") || "").toLowerCase();
  return control.indexOf("no-store") === -1 && control.indexOf("private") === -1;
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { cache: "no-cache", credentials: "omit" }).then(function (response) {
        if (storable(response)) { return cache.put(url, response); }
      });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("journey-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function cacheFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (kept) {
      if (kept) { return kept; }
      return fetch(request).then(function (response) {
        if (storable(response)) { cache.put(request, response.clone()); }
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (url.pathname.indexOf(STATIC) === 0 && url.searchParams.has("v")) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (request.mode === "navigate") {  // network only; offline, the page without texts
    event.respondWith(fetch(request).catch(function () {
      return caches.match(OFFLINE).then(function (page) { return page || Response.error(); });
    }));
  }
  // Everything else goes to the network untouched and is never stored.
});
