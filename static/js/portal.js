// Small behaviours of the portal; no inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  // Error summary: focus it on arrival; each link focuses its field and shows the field's label.
  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) { return false; }
    var label = document.querySelector("label[for='" + id + "']") || field;
    field.focus({ preventScroll: true });
    label.scrollIntoView({ block: "center" });
    return true;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (link && focusField(decodeURIComponent(link.getAttribute("href").slice(1)))) { event.preventDefault(); }
  });
  // File inputs: show the chosen file's name in the page's language.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("file-picker-input")) { return; }
    var name = input.parentNode.querySelector(".file-picker-name");
    if (!name) { return; }
    if (!name.getAttribute("data-empty")) { name.setAttribute("data-empty", name.textContent); }
    var files = input.files || [];
    name.textContent = files.length === 0 ? name.getAttribute("data-empty")
      : files.length === 1 ? files[0].name : files.length + " " + input.getAttribute("data-file-many");
  });
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
