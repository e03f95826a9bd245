// Long lists (templates/conferences/organizer/_select_all.html): a header checkbox that ticks or
// clears every row checkbox of the same form on this page, and follows the rows' own changes.
(function () {
  "use strict";

  function rowsOf(control) {
    var form = control.getAttribute("data-select-all");
    return document.querySelectorAll('input[type="checkbox"][name="' + control.getAttribute("data-field") +
      '"][form="' + form + '"], form#' + form + ' input[type="checkbox"][name="' + control.getAttribute("data-field") + '"]');
  }

  function sync(control) {
    var rows = rowsOf(control);
    var checked = 0;
    for (var i = 0; i < rows.length; i += 1) { if (rows[i].checked) { checked += 1; } }
    control.checked = rows.length > 0 && checked === rows.length;
    control.indeterminate = checked > 0 && checked < rows.length;
  }

  function bind(control) {
    control.hidden = false;
    control.addEventListener("change", function () {
      var rows = rowsOf(control);
      for (var i = 0; i < rows.length; i += 1) { rows[i].checked = control.checked; }
    });
    var rows = rowsOf(control);
    for (var i = 0; i < rows.length; i += 1) {
      rows[i].addEventListener("change", function () { sync(control); });
    }
    sync(control);
  }

  function start(root) {
    var controls = (root && root.querySelectorAll ? root : document).querySelectorAll("input[data-select-all]");
    for (var i = 0; i < controls.length; i += 1) { bind(controls[i]); }
  }

  // A part of the page read again after a job (static/js/job_progress.js) brings new checkboxes.
  document.addEventListener("hoinghi:refreshed", function (event) { start(event.target); });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { start(document); });
  } else {
    start(document);
  }
})();
