// Add and remove author rows of the paper form (a Django formset); without JavaScript the page
// has a fixed number of blank rows.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var table = document.querySelector("table.author-rows");
    if (!table) { return; }
    var prefix = table.getAttribute("data-prefix");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var maximum = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var body = table.querySelector("tbody");
    var tools = document.querySelector(".author-tools");
    tools.hidden = false;

    function renumber(row, index) {
      row.querySelector(".author-number").textContent = String(index + 1);
      row.querySelectorAll("input, select").forEach(function (input) {
        if (input.type === "radio") { input.value = String(index); input.checked = false; return; }
        ["name", "id"].forEach(function (attribute) {
          var value = input.getAttribute(attribute);
          if (value) { input.setAttribute(attribute, value.replace(/-\d+-/, "-" + index + "-")); }
        });
        if (input.tagName === "SELECT") { input.selectedIndex = 0; } else { input.value = ""; }
      });
      row.querySelectorAll(".errorlist").forEach(function (list) { list.remove(); });
    }

    tools.querySelector(".add-author").addEventListener("click", function () {
      var count = parseInt(total.value, 10);
      if (maximum && count >= parseInt(maximum.value, 10)) { return; }
      var rows = body.querySelectorAll("tr.author-row");
      var copy = rows[rows.length - 1].cloneNode(true);
      renumber(copy, count);
      body.appendChild(copy);
      total.value = String(count + 1);
    });

    tools.querySelector(".remove-author").addEventListener("click", function () {
      var rows = body.querySelectorAll("tr.author-row");
      if (rows.length <= 1) { return; }
      rows[rows.length - 1].remove();
      total.value = String(rows.length - 1);
    });
  });
})();
