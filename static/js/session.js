/* Journey: the warning before a logged-in session ends for lack of activity.
 *
 * The server ends a session after data-idle-seconds without a request. Shortly
 * before that (data-idle-warning-seconds), this shows a banner with a button that
 * keeps the session going through a small POST (data-keep-alive-url). Typing
 * counts as activity too: it sends that POST at most once a minute, so someone who
 * writes never sees the banner. Open tabs tell each other about their requests
 * through a BroadcastChannel (not localStorage, which holds the drafts). Timing
 * and texts come from data attributes on <body>; without this file the session
 * simply ends, and drafts are kept by journey.js.
 */
(function () {
  "use strict";

  var body = document.body;
  var idle = Number(body.dataset.idleSeconds || 0);
  if (!body.dataset.user || !idle || !window.fetch) { return; }

  var warning = Number(body.dataset.idleWarningSeconds || 300);
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var TYPING_PING_MS = 60000;
  var channel = window.BroadcastChannel ? new BroadcastChannel("journey-session") : null;
  var lastContact = Date.now();
  var ended = false;
  var banner = null;

  function remember(moment) {
    lastContact = Math.max(lastContact, moment);
    if (channel) { channel.postMessage(moment); }
  }

  function secondsLeft() { return idle - (Date.now() - lastContact) / 1000; }

  function showBanner(text, action) {
    if (!banner) {
      banner = document.createElement("div");
      banner.className = "flash flash-info idle-warning";
      banner.setAttribute("role", "alert");
      banner.style.position = "fixed";
      banner.style.left = "1rem";
      banner.style.right = "1rem";
      banner.style.bottom = "1rem";
      banner.style.zIndex = "10";
      banner.style.maxWidth = "40rem";
      banner.style.margin = "0 auto";
      body.appendChild(banner);
    }
    banner.textContent = "";
    var message = document.createElement("p");
    message.textContent = text;
    banner.appendChild(message);
    banner.appendChild(action);
  }

  function hideBanner() {
    if (banner) { banner.remove(); banner = null; }
  }

  function showWarning() {
    if (banner) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button primary";
    button.textContent = body.dataset.msgStayLoggedIn;
    button.addEventListener("click", keepAlive);
    showBanner(body.dataset.msgIdleWarning, button);
  }

  function showLoggedOut() {
    if (ended) { return; }
    ended = true;
    hideBanner();
    var link = document.createElement("a");
    link.className = "button primary";
    link.href = body.dataset.loginUrl;
    link.textContent = body.dataset.msgLogIn;
    showBanner(body.dataset.msgLoggedOut, link);
  }

  function keepAlive() {
    fetch(body.dataset.keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfMeta ? csrfMeta.content : "" }
    }).then(function (response) {
      if (response.ok) {
        remember(Date.now());
        hideBanner();
      } else if (response.status === 401) {
        showLoggedOut();
      }
    }).catch(function () { /* offline: the next check tries again */ });
  }

  function check() {
    if (ended) { return; }
    var left = secondsLeft();
    if (left <= 0) {
      showLoggedOut();
    } else if (left > warning) {
      hideBanner();
    } else {
      showWarning();
    }
  }

  remember(Date.now());  // loading this page was a request
  document.addEventListener("input", function () {
    if (!ended && Date.now() - lastContact > TYPING_PING_MS) {
      remember(Date.now());  // one ping at a time; the answer confirms it
      keepAlive();
    }
  }, true);
  if (channel) {
    channel.onmessage = function (event) {
      lastContact = Math.max(lastContact, Number(event.data) || 0);  // another tab's request
      check();
    };
  }
  setInterval(check, 15000);
})();
