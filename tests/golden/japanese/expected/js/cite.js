// "Cite this": show a copy button beside each citation and announce the result.
// Without JavaScript the buttons stay hidden and the citations are ordinary selectable text.
(function () {
  "use strict";
  var section = document.querySelector(".cite");
  if (!section) return;
  var status = section.querySelector(".cite-status");
  var timer = 0;

  function announce(message) {
    // Clear first so that the same message twice is announced twice.
    status.textContent = "";
    window.clearTimeout(timer);
    window.setTimeout(function () { status.textContent = message; }, 50);
    timer = window.setTimeout(function () { status.textContent = ""; }, 4000);
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function fallbackCopy(element) {
    selectText(element);
    var done = false;
    try { done = document.execCommand("copy"); } catch (error) { done = false; }
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  function copy(element) {
    var text = element.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(element); });
    }
    return fallbackCopy(element);
  }

  section.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(target).then(function () {
        announce(status.getAttribute("data-copied") || "Copied");
        button.classList.add("is-copied");
        window.setTimeout(function () { button.classList.remove("is-copied"); }, 2000);
      }, function () {
        selectText(target);
        announce(status.getAttribute("data-copy-failed") || "Could not copy: the text is selected, press Ctrl+C or Command+C");
      });
    });
  });
}());
