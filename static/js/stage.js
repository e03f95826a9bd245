// The stage screen follows the organizer's Next and Previous without a reload: it asks the
// server for {step, batch} every half second and redraws when the step has changed.
// Text is set with textContent only: recipients' names are data, never markup.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var body = document.body;
    var url = body.getAttribute("data-state-url");
    var pollMs = parseInt(body.getAttribute("data-poll-ms"), 10) || 500;
    var step = parseInt(body.getAttribute("data-step"), 10) || 0;
    var batchSection = document.querySelector(".stage-batch");
    var waitingSection = document.querySelector(".stage-waiting");
    var presenterLabel = document.querySelector(".stage-presenter-label").textContent;
    var template = document.getElementById("stage-recipient");

    function draw(batch) {
      if (!batch) {
        batchSection.hidden = true;
        waitingSection.hidden = false;
        return;
      }
      batchSection.querySelector(".stage-title").textContent = batch.title;
      batchSection.querySelector(".stage-presenter").textContent =
        batch.presenter ? presenterLabel + ": " + batch.presenter : "";
      var list = batchSection.querySelector(".stage-recipients");
      var rows = batch.awards.map(function (award) {
        var row = template.content.firstElementChild.cloneNode(true);
        row.querySelector(".stage-recipient").textContent = award.recipient;
        row.querySelector(".stage-citation").textContent = award.citation;
        return row;
      });
      list.replaceChildren.apply(list, rows);
      waitingSection.hidden = true;
      batchSection.hidden = false;
    }

    function poll() {
      fetch(url, { cache: "no-store", credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (state && state.step !== step) {
            step = state.step;
            body.setAttribute("data-step", String(step));
            draw(state.batch);
          }
        })
        .catch(function () { /* The network blinked: the next poll tries again. */ })
        .finally(function () { window.setTimeout(poll, pollMs); });
    }
    window.setTimeout(poll, pollMs);
  });
})();
