// Small behaviours of the portal; no inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  // Confirm dangerous actions: <button data-confirm="...">.
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Submit a filter form when one of its selects changes: <form data-autosubmit>.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && event.target.tagName === "SELECT") {
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
  // Copy a template row into a formset: <button data-formset-add="prefix">.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) { return; }
    event.preventDefault();
    var prefix = button.getAttribute("data-formset-add");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var body = document.getElementById(prefix + "-rows");
    if (!total || !template || !body) { return; }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  });
  // Polling elements stop once the server says the job is finished (hx-trigger="every 2s" + data-done).
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt && event.detail.elt.getAttribute("data-done") === "1") { event.preventDefault(); }
  });
})();
