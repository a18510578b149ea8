/* Journey: the second reader and supervisor comments. Every page works without this file.
 *
 * Beside a draft, the second reader's findings are refreshed a moment after each
 * autosave (journey.js sends "journey:saved"). On a practice answer, a supervisor
 * can take the selected words of the answer over as the passage of a comment; on an
 * intervision case, a colleague the words of the letter or the feedback.
 */
(function () {
  "use strict";

  var REFRESH_DELAY = 1500;

  document.querySelectorAll("[data-second-reader]").forEach(function (panel) {
    var target = panel.querySelector("[data-second-reader-findings]");
    var timer = null;
    function refresh() {
      fetch(panel.dataset.secondReader, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) { if (html !== null) { target.innerHTML = html; } })
        .catch(function () { /* the findings shown stay as they were */ });
    }
    document.addEventListener("journey:saved", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_DELAY);
    });
  });

  document.querySelectorAll("[data-take-selection]").forEach(function (button) {
    var field = document.getElementById(button.dataset.takeSelection);
    button.parentElement.hidden = false;
    button.addEventListener("click", function () {
      var chosen = window.getSelection ? window.getSelection() : null;
      var node = chosen ? chosen.anchorNode : null;
      var element = node && node.nodeType === 1 ? node : node && node.parentElement;
      /* Only words of the answer or the case: the server looks the passage up there. */
      if (!element || !element.closest(".mine, [data-passage-source]")) { return; }
      var selection = String(chosen).trim();
      if (selection && field) {
        field.value = selection;
        field.focus();
      }
    });
  });
})();
