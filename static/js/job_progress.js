// A job's progress (templates/conferences/_job_progress.html): poll its API once a second with the
// session, update the <progress> bar and the text, and show the result link or the error at the end.
// When a job it watched ends, the page's parts marked data-job-refresh (each with an id) are read
// again from the server, so figures the job changed (counts, states) are not left stale.
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

  function refresh() {
    var parts = document.querySelectorAll("[data-job-refresh][id]");
    if (!parts.length) { return; }
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        for (var i = 0; i < parts.length; i += 1) {
          var replacement = fresh.getElementById(parts[i].id);
          if (replacement) {
            parts[i].innerHTML = replacement.innerHTML;
            parts[i].dispatchEvent(new CustomEvent("hoinghi:refreshed", { bubbles: true }));
          }
        }
        document.documentElement.setAttribute("data-job-refreshed", "1");
      })
      .catch(function () { /* The figures stay as they were; a reload shows them. */ });
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
          if (!FINISHED[job.status]) {
            window.setTimeout(poll, 1000);
          } else if (job.status === "done") {
            refresh();
          }
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
