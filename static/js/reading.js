// Import page: pointing at a field's source line highlights that line on the page image (or in the text).
(function () {
  "use strict";
  function mark(line, on) {
    document.querySelectorAll('.reading-panel [data-line="' + line + '"]').forEach(function (el) {
      el.classList.toggle("active", on);
      if (on && el.scrollIntoView) { el.scrollIntoView({ block: "center", behavior: "smooth" }); }
    });
  }
  function sourceOf(target) {
    var holder = target.closest && target.closest('[class*="col-"], td, .card-body');
    var source = holder && holder.querySelector("[data-source-line]");
    return source ? source.getAttribute("data-source-line") : null;
  }
  var current = null;
  function show(event) {
    var line = sourceOf(event.target);
    if (line === current) { return; }
    if (current !== null) { mark(current, false); }
    current = line;
    if (line !== null) { mark(line, true); }
  }
  document.addEventListener("focusin", show);
  document.addEventListener("mouseover", function (event) {
    if (event.target.closest && event.target.closest("[data-source-line]")) { show(event); }
  });
})();
