/* Journey as an installed web app: register the service worker where the browser
 * supports it (it keeps only static files and an offline page, never a written text). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !("serviceWorker" in navigator) || !window.isSecureContext) { return; }
  var worker = script.getAttribute("data-worker");
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(worker).catch(function () { /* the app works without it */ });
  });
})();
