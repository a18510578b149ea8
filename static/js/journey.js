/* Journey: small progressive enhancements. Every page works without this file.
 *
 * Drafts: every answer field saves itself to the server while the coachee types
 * (debounced). Until the server confirms a save, the text is also kept in this
 * browser's localStorage, keyed per user, so that a dropped connection, a closed
 * tab or an expired session loses nothing. Logging out clears those keys.
 */
(function () {
  "use strict";

  var SAVE_DELAY = 800;
  var RETRY_DELAY = 10000;
  var user = document.body.dataset.user;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');

  function prefix() { return "journey:" + user + ":"; }

  function clearUserStorage(extra) {
    if (!user) { return; }
    var start = prefix() + (extra || "");
    var doomed = [];
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(start) === 0) { doomed.push(key); }
    }
    doomed.forEach(function (key) { localStorage.removeItem(key); });
  }

  function hasUnsavedText() {
    for (var i = 0; i < localStorage.length; i++) {
      if ((localStorage.key(i) || "").indexOf(prefix()) === 0) { return true; }
    }
    return false;
  }

  /* Logging out clears this browser's copies; warn first if any was not saved yet. */
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (hasUnsavedText() && !window.confirm(form.dataset.msgUnsaved)) {
        event.preventDefault();
        return;
      }
      clearUserStorage();
    });
  });

  /* A page showing sent text: this browser's copies of its drafts are no longer needed. */
  document.querySelectorAll("[data-sent-drafts]").forEach(function (element) {
    clearUserStorage(element.dataset.sentDrafts + ":");
  });

  /* UI text comes translated from the page: data-msg-* attributes on the form. */
  function message(area, name) {
    return area.form.dataset["msg" + name.charAt(0).toUpperCase() + name.slice(1)] || "";
  }

  function DraftField(form, area) {
    this.area = area;
    this.name = area.dataset.field;
    this.url = form.dataset.saveUrl.replace("FIELD", encodeURIComponent(this.name));
    this.key = prefix() + form.dataset.drafts + ":" + this.name;
    this.version = Number(area.dataset.version || 0);
    this.state = form.querySelector('[data-state-for="' + this.name + '"]');
    this.timer = null;
    this.busy = false;
    this.again = false;
    var self = this;
    area.addEventListener("input", function () { self.changed(); });
    this.restore();
  }

  DraftField.prototype.show = function (text, kind) {
    if (!this.state) { return; }
    this.state.textContent = text;
    this.state.dataset.kind = kind;
  };

  DraftField.prototype.restore = function () {
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(this.key) || "null"); } catch (e) { stored = null; }
    if (!stored || typeof stored.text !== "string") { return; }
    if (stored.text === this.area.value) { localStorage.removeItem(this.key); return; }
    this.area.value = stored.text;
    this.show(message(this.area, "restored"), "unsaved");
    this.schedule(0);
  };

  DraftField.prototype.changed = function () {
    localStorage.setItem(this.key, JSON.stringify({ text: this.area.value, at: Date.now() }));
    this.show(message(this.area, "unsaved"), "unsaved");
    this.schedule(SAVE_DELAY);
  };

  DraftField.prototype.schedule = function (delay) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.save(); }, delay);
  };

  DraftField.prototype.save = function () {
    if (this.busy) { this.again = true; return; }
    this.busy = true;
    var self = this;
    var text = this.area.value;
    fetch(this.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrfMeta ? csrfMeta.content : ""
      },
      body: JSON.stringify({ text: text, version: this.version })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        self.answered(response.status, body, text);
      });
    }).catch(function () {
      self.show(message(self.area, "offline"), "offline");
      self.schedule(RETRY_DELAY);
    }).then(function () {
      self.busy = false;
      if (self.again) { self.again = false; self.save(); }
    });
  };

  DraftField.prototype.answered = function (status, body, text) {
    if (status === 200) {
      this.version = body.version;
      this.area.dataset.version = body.version;
      if (this.area.value === text) {
        localStorage.removeItem(this.key);
        /* The time comes from the server, in the writer's time zone and language. */
        this.show(message(this.area, "saved").replace("{time}", body.saved_time || ""), "saved");
      }
      this.area.dispatchEvent(new CustomEvent("journey:saved", { bubbles: true }));
      return;
    }
    if (status === 409 && body.error === "conflict") { this.conflict(body); return; }
    this.show(body.message || message(this.area, "failed"), "error");
    if (status >= 500) { this.schedule(RETRY_DELAY); }
  };

  /* Another tab or device saved this draft meanwhile: show both, let the writer choose. */
  DraftField.prototype.conflict = function (body) {
    var self = this;
    this.show(body.message, "error");
    if (this.panel) { this.panel.remove(); }
    var panel = document.createElement("div");
    panel.className = "conflict";
    var label = document.createElement("p");
    label.className = "label";
    label.textContent = message(this.area, "otherText");
    var other = document.createElement("div");
    other.className = "written";
    other.textContent = body.text;
    var keep = document.createElement("button");
    keep.type = "button";
    keep.className = "button";
    keep.textContent = message(this.area, "keepMine");
    var take = document.createElement("button");
    take.type = "button";
    take.className = "button";
    take.textContent = message(this.area, "takeTheirs");
    keep.addEventListener("click", function () {
      self.version = body.version;
      panel.remove();
      self.panel = null;
      self.save();
    });
    take.addEventListener("click", function () {
      self.area.value = body.text;
      self.version = body.version;
      localStorage.removeItem(self.key);
      panel.remove();
      self.panel = null;
      self.show(message(self.area, "tookTheirs"), "saved");
    });
    panel.append(label, other, keep, take);
    this.state.after(panel);
    this.panel = panel;
  };

  DraftField.prototype.keep = function () {
    if (this.area.value) {
      localStorage.setItem(this.key, JSON.stringify({ text: this.area.value, at: Date.now() }));
    }
  };

  document.querySelectorAll("form[data-drafts]").forEach(function (form) {
    var fields = [];
    form.querySelectorAll("textarea[data-field]").forEach(function (area) {
      fields.push(new DraftField(form, area));
    });
    /* Until the next page shows the text as saved or sent, keep this browser's copy:
       a refused post (expired session, lost connection) then loses nothing. */
    form.addEventListener("submit", function () {
      fields.forEach(function (field) { field.keep(); });
    });
    window.addEventListener("online", function () {
      fields.forEach(function (field) {
        if (localStorage.getItem(field.key) !== null) { field.schedule(0); }
      });
    });
  });
})();
