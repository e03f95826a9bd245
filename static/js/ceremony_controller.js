// The organizer's phone: Previous and Next post without reloading the page and show the batch
// now on stage. Without JavaScript the same forms post and the page comes back.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var current = document.querySelector(".current-batch");
    var stepLabel = document.querySelector(".ceremony-step");
    var error = document.querySelector(".ceremony-error");
    if (!current) { return; }
    var emptyTitle = current.querySelector(".batch-title").textContent;
    if (current.getAttribute("data-empty")) { emptyTitle = current.getAttribute("data-empty"); }

    function show(state) {
      var batch = state.batch;
      stepLabel.textContent = stepLabel.textContent.replace(/\d+$/, String(state.step));
      current.querySelector(".batch-title").textContent = batch ? batch.position + ". " + batch.title : emptyTitle;
      current.querySelector(".batch-presenter").textContent = batch ? batch.presenter : "";
      var list = current.querySelector(".batch-recipients");
      list.replaceChildren.apply(list, (batch ? batch.awards : []).map(function (award) {
        var item = document.createElement("li");
        item.textContent = award.recipient;
        return item;
      }));
      document.querySelectorAll(".batches > li").forEach(function (item, index) {
        item.classList.toggle("current", Boolean(batch) && index + 1 === batch.position);
      });
    }

    document.querySelectorAll("form.ceremony-step-form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = new FormData(form);
        if (event.submitter && event.submitter.name) { data.append(event.submitter.name, event.submitter.value); }
        form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
        fetch(form.action, {
          method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" }
        })
          .then(function (response) {
            return response.json().then(function (payload) { return { ok: response.ok, payload: payload }; });
          })
          .then(function (result) {
            error.hidden = result.ok;
            if (result.ok) { show(result.payload); } else { error.textContent = result.payload.message; }
          })
          .catch(function () { form.submit(); })
          .finally(function () {
            form.querySelectorAll("button").forEach(function (button) { button.disabled = false; });
          });
      });
    });
  });
})();
