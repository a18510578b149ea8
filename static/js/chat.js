/* A live chat: messages are sent with an id made here, kept in this browser
 * (localStorage, per user) and resent until the server acknowledges them, so a
 * dropped connection or a reload neither loses nor doubles one. New messages arrive
 * through Server-Sent Events; where those are blocked, the page asks every 2 s. */
(function () {
  "use strict";
  var root = document.querySelector("[data-chat]");
  if (!root) { return; }
  var log = root.querySelector(".chat-log");
  var status = root.querySelector(".chat-status");
  var form = root.querySelector("form.chat-form");
  var area = form ? form.querySelector("textarea") : null;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var user = document.body.getAttribute("data-user") || "anon";
  var key = "journey:" + user + ":chat:" + root.getAttribute("data-chat");
  var lastId = 0;
  var seen = {};
  var sending = false;
  var outbox = [];

  try { outbox = JSON.parse(localStorage.getItem(key) || "[]") || []; } catch (e) { outbox = []; }

  Array.prototype.forEach.call(log.querySelectorAll("[data-id]"), function (item) {
    var id = Number(item.getAttribute("data-id"));
    seen[id] = true;
    lastId = Math.max(lastId, id);
  });

  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function save() {
    if (outbox.length) { localStorage.setItem(key, JSON.stringify(outbox)); } else { localStorage.removeItem(key); }
  }

  function say(text) { if (status) { status.textContent = text || ""; } }

  function atBottom() { return window.innerHeight + window.scrollY >= document.body.scrollHeight - 80; }

  function element(message, pending) {
    var item = document.createElement("li");
    item.setAttribute("data-client-id", message.client_id);
    if (message.phase) {
      item.className = "phase-mark";
      item.textContent = root.getAttribute("data-msg-phase").replace("{phase}", message.phase_title || message.phase) + " ";
      var when = document.createElement("span");
      when.className = "meta";
      when.textContent = message.time || "";
      item.appendChild(when);
      return item;
    }
    item.className = "message" + (message.own ? " own" : "") + (message.by_coach ? " by-coach" : "") + (pending ? " pending" : "");
    var meta = document.createElement("p");
    meta.className = "meta";
    var author = document.createElement("span");
    author.className = "author";
    author.textContent = message.author || "";
    var time = document.createElement("span");
    time.className = "time";
    time.textContent = pending ? root.getAttribute("data-msg-pending") : (message.time || "");
    meta.appendChild(author);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(time);
    item.appendChild(meta);
    var body = document.createElement("div");
    body.className = "body";
    message.body.split(/\n\s*\n/).forEach(function (paragraph) {
      if (!paragraph.trim()) { return; }
      var p = document.createElement("p");
      p.textContent = paragraph;
      body.appendChild(p);
    });
    item.appendChild(body);
    return item;
  }

  function show(message) {
    if (seen[message.id]) { return; }
    seen[message.id] = true;
    lastId = Math.max(lastId, message.id);
    var follow = atBottom();
    var pending = log.querySelector('.pending[data-client-id="' + message.client_id + '"]');
    var item = element(message, false);
    item.setAttribute("data-id", message.id);
    if (pending) { log.replaceChild(item, pending); } else { log.appendChild(item); }
    if (message.phase) { markPhase(message.phase); }
    if (follow) { item.scrollIntoView({ block: "end" }); }
  }

  function showPending(entry) {
    if (log.querySelector('[data-client-id="' + entry.client_id + '"]')) { return; }
    var item = element({ client_id: entry.client_id, body: entry.body, own: true, author: "" }, true);
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function markPhase(phase) {
    Array.prototype.forEach.call(document.querySelectorAll(".phases .phase"), function (item) {
      var current = item.getAttribute("data-phase") === phase;
      item.classList.toggle("current", current);
      var button = item.querySelector("button");
      if (button) { if (current) { button.setAttribute("aria-current", "step"); } else { button.removeAttribute("aria-current"); } }
    });
  }

  function post(url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfMeta ? csrfMeta.content : ""
      },
      body: JSON.stringify(payload)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  function flush() {
    if (sending || !outbox.length) { return; }
    sending = true;
    var entry = outbox[0];
    post(root.getAttribute("data-send-url"), entry).then(function (answer) {
      sending = false;
      if (answer.status === 200 || answer.status === 201) {
        outbox.shift();
        save();
        say("");
        show(answer.body);
        flush();
      } else if (answer.status === 409 || answer.status === 422) {
        outbox.shift();
        save();
        var pending = log.querySelector('.pending[data-client-id="' + entry.client_id + '"]');
        if (pending) { pending.parentNode.removeChild(pending); }
        if (area && !area.value) { area.value = entry.body; }
        say(answer.body.message || "");
      } else {
        say(root.getAttribute("data-msg-offline"));
        setTimeout(flush, 2000);
      }
    }).catch(function () {
      sending = false;
      say(root.getAttribute("data-msg-offline"));
      setTimeout(flush, 2000);
    });
  }

  function send() {
    var body = area.value;
    if (!body.trim()) { return; }
    var entry = { client_id: newId(), body: body };
    outbox.push(entry);
    save();
    area.value = "";
    showPending(entry);
    flush();
  }

  if (form && area) {
    form.addEventListener("submit", function (event) { event.preventDefault(); send(); });
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); send(); }
    });
  }
  outbox.forEach(showPending);
  window.addEventListener("online", flush);
  setInterval(flush, 3000);
  flush();

  Array.prototype.forEach.call(document.querySelectorAll("form.phase-form"), function (phaseForm) {
    phaseForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var phase = phaseForm.querySelector('input[name="phase"]').value;
      var entry = { client_id: newId(), phase: phase, csrf_token: "" };
      post(root.getAttribute("data-phase-url"), { client_id: entry.client_id, phase: phase }).then(function (answer) {
        if (answer.status === 200 || answer.status === 201) { show(answer.body); } else { say(answer.body.message || ""); }
      }).catch(function () { say(root.getAttribute("data-msg-offline")); });
    });
  });

  if (root.getAttribute("data-state") === "closed") { return; }

  var polling = null;
  function poll() {
    fetch(root.getAttribute("data-poll-url") + "?after=" + lastId, {
      credentials: "same-origin", headers: { "Accept": "application/json" }
    }).then(function (response) { return response.json(); }).then(function (body) {
      (body.messages || []).forEach(show);
    }).catch(function () {});
  }
  function startPolling() {
    if (!polling) { polling = setInterval(poll, 2000); poll(); }
  }

  if (!window.EventSource) { startPolling(); return; }
  var failures = 0;
  var source = new EventSource(root.getAttribute("data-stream-url") + "?after=" + lastId);
  source.onopen = function () { failures = 0; };
  source.onmessage = function (event) {
    try { show(JSON.parse(event.data)); } catch (e) { /* a broken event: the next look brings it */ }
  };
  source.onerror = function () {
    failures += 1;
    if (source.readyState === EventSource.CLOSED || failures > 3) {
      source.close();
      startPolling();
    }
  };
})();
