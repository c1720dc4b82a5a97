// Glossary terms (sitegen/site/glossary_marks.py): CSS alone shows a term's tooltip on hover
// and on focus, and screen readers read it as the term's description. This only lets Escape
// hide it without moving the pointer or the focus (WCAG 1.4.13); it shows again next time.
(function () {
  "use strict";
  var terms = document.querySelectorAll(".gloss");
  if (!terms.length) return;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    terms.forEach(function (gloss) {
      if (gloss.matches(":hover, :focus-within")) gloss.classList.add("is-dismissed");
    });
  });
  terms.forEach(function (gloss) {
    var reset = function () { gloss.classList.remove("is-dismissed"); };
    gloss.addEventListener("mouseleave", reset);
    gloss.addEventListener("focusout", reset);
  });
}());
