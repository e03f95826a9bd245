// A job's progress (templates/conferences/_job_progress.html): poll its API once a second with the
// session, update the <progress> bar and the text, and show the result link or the error at the end.
(function () {
  "use strict";

  var FINISHED = { done: true, failed: true };

  function format(template, job) {
    return template.replace("%(done)s", job.done).replace("%(total)s", job.total);
  }

  function show(widget, job) {
    var bar = widget.querySelector("progress");
    var text = widget.querySelector(".job-text");
    var error = widget.querySelector(".job-error");
    var result = widget.querySelector(".job-result");
    bar.max = job.total || 1;
    bar.value = job.total ? job.done : (job.status === "done" ? 1 : 0);
    bar.textContent = job.percent + "%";
    var template = widget.getAttribute("data-text-" + job.status);
    if (template) { text.textContent = format(template, job); }
    widget.setAttribute("data-job-status", job.status);
    if (job.status === "failed") {
      error.textContent = job.error;
      error.hidden = false;
    }
    if (job.status === "done" && job.links && job.links.result) {
      result.href = job.links.result;
      result.hidden = false;
    }
  }

  function watch(widget) {
    var url = widget.getAttribute("data-job-url");
    var failures = 0;

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (job) {
          failures = 0;
          show(widget, job);
          if (!FINISHED[job.status]) { window.setTimeout(poll, 1000); }
        })
        .catch(function () {
          failures += 1;
          if (failures < 10) {
            window.setTimeout(poll, 2000);
          } else {
            widget.querySelector(".job-text").textContent = widget.getAttribute("data-text-lost");
          }
        });
    }

    if (!FINISHED[widget.getAttribute("data-job-status")]) { poll(); }
  }

  function start() {
    var widgets = document.querySelectorAll(".job-progress[data-job-url]");
    for (var i = 0; i < widgets.length; i += 1) { watch(widgets[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
