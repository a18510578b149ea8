/* Journey: keep a passage of the dossier in "my book". Every page works without this file.
 *
 * Below each text of the coachee's dossier is a form with the whole text, to trim to the
 * passage they want to keep. With this file, selecting words inside one text shows a
 * button beside it that sends just those words with that text's form (the server checks
 * that they stand in the text).
 */
(function () {
  "use strict";

  var marks = Array.prototype.slice.call(document.querySelectorAll("[data-mark]"));
  if (!marks.length || !window.getSelection) { return; }

  /* The text a mark belongs to: the .written block just before it. */
  function textOf(mark) {
    var element = mark.previousElementSibling;
    return element && element.classList.contains("written") ? element : null;
  }

  var chosen = { mark: null, text: "" };

  function selectionIn(text) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) { return ""; }
    var range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) { return ""; }
    return String(selection).trim();
  }

  function update() {
    chosen = { mark: null, text: "" };
    marks.forEach(function (mark) {
      var text = textOf(mark);
      var words = text ? selectionIn(text) : "";
      var button = mark.querySelector("[data-mark-selection]");
      if (words) { chosen = { mark: mark, text: words }; }
      if (button) { button.hidden = !words; }
    });
  }

  var timer = null;
  document.addEventListener("selectionchange", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });

  marks.forEach(function (mark) {
    var button = mark.querySelector("[data-mark-selection]");
    var form = mark.querySelector("form");
    if (!button || !form) { return; }
    /* Keep the selection when the button is pressed (a click could collapse it). */
    button.addEventListener("mousedown", function (event) { event.preventDefault(); });
    button.addEventListener("click", function () {
      var words = chosen.mark === mark ? chosen.text : "";
      if (!words) { return; }
      form.querySelector("textarea[name=text]").value = words;
      button.disabled = true;
      form.submit();
    });
  });
})();
