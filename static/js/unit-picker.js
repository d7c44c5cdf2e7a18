// The unit picker: a searchable, grouped list with removable chips over a plain <select multiple
// data-unit-picker>. Without JavaScript the select itself stays (grouped by kind, multi-select).
// Accent-insensitive search ("ea kly" finds "Ea Kly", "dak" finds "Đắk").
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  function build(select) {
    var labels = {
      search: select.getAttribute("data-search-label") || "Tìm đơn vị",
      remove: select.getAttribute("data-remove-label") || "Bỏ",
      count: select.getAttribute("data-count-label") || "đơn vị đã chọn"
    };
    var box = document.createElement("div");
    box.className = "unit-picker border rounded p-2";
    var chips = document.createElement("div");
    chips.className = "unit-picker-chips d-flex flex-wrap gap-1 mb-2";
    chips.setAttribute("aria-live", "polite");
    var search = document.createElement("input");
    search.type = "search";
    search.className = "form-control form-control-sm mb-2";
    search.placeholder = labels.search;
    search.setAttribute("aria-label", labels.search);
    var list = document.createElement("div");
    list.className = "unit-picker-list";
    list.style.maxHeight = "16rem";
    list.style.overflowY = "auto";
    var groups = select.querySelectorAll("optgroup").length ? select.querySelectorAll("optgroup") : [select];
    Array.prototype.forEach.call(groups, function (group) {
      var details = document.createElement("details");
      details.open = true;
      var summary = document.createElement("summary");
      summary.className = "fw-semibold small";
      summary.textContent = group.label || "";
      details.appendChild(summary);
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        var row = document.createElement("label");
        row.className = "d-block small ms-3 unit-picker-item";
        row.setAttribute("data-text", fold(option.textContent + " " + (group.label || "")));
        var box = document.createElement("input");
        box.type = "checkbox";
        box.className = "form-check-input me-1";
        box.checked = option.selected;
        box.addEventListener("change", function () { option.selected = box.checked; render(); });
        option._box = box;
        row.appendChild(box);
        row.appendChild(document.createTextNode(option.textContent));
        details.appendChild(row);
      });
      list.appendChild(details);
    });
    function render() {
      chips.textContent = "";
      var selected = Array.prototype.filter.call(select.options, function (o) { return o.selected; });
      var count = document.createElement("span");
      count.className = "small text-muted me-1 align-self-center";
      count.textContent = selected.length + " " + labels.count;
      chips.appendChild(count);
      selected.forEach(function (option) {
        var chip = document.createElement("span");
        chip.className = "badge text-bg-light border d-inline-flex align-items-center gap-1";
        chip.textContent = option.textContent;
        var x = document.createElement("button");
        x.type = "button";
        x.className = "btn-close btn-close-sm";
        x.style.fontSize = "0.6rem";
        x.setAttribute("aria-label", labels.remove + " " + option.textContent);
        x.addEventListener("click", function () {
          option.selected = false;
          if (option._box) { option._box.checked = false; }
          render();
        });
        chip.appendChild(x);
        chips.appendChild(chip);
      });
    }
    search.addEventListener("input", function () {
      var words = fold(search.value).split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(list.querySelectorAll(".unit-picker-item"), function (row) {
        var text = row.getAttribute("data-text");
        row.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
    box.appendChild(chips);
    box.appendChild(search);
    box.appendChild(list);
    select.hidden = true;
    select.parentNode.insertBefore(box, select.nextSibling);
    render();
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-unit-picker]"), build);
  });
})();
