// The check-in page: posts the code without reloading, shows the result panel, scans QR codes
// with the camera where the browser allows it (jsQR, served from this site), and refreshes the
// counts every few seconds. Without JavaScript the form posts and the page reloads with a message.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var desk = document.getElementById("check-in-desk");
    if (!desk) { return; }
    var form = document.getElementById("check-in-form");
    var input = form.querySelector("input[name=code]");
    var panel = document.getElementById("check-in-result");
    var message = document.getElementById("check-in-message");
    var who = document.getElementById("check-in-who");
    var texts = {};
    document.getElementById("check-in-texts").content.querySelectorAll("[data-key]").forEach(function (el) {
      texts[el.getAttribute("data-key")] = el.textContent;
    });
    var busy = false;

    function cells(row, values) {
      values.forEach(function (value) {
        var cell = document.createElement("td");
        cell.textContent = String(value);
        row.appendChild(cell);
      });
    }

    function fillTable(id, rows, labelOf) {
      var body = document.querySelector("#" + id + " tbody");
      body.replaceChildren();
      rows.forEach(function (row) {
        var tr = document.createElement("tr");
        cells(tr, [labelOf(row), row.checked_in, row.expected]);
        body.appendChild(tr);
      });
    }

    function showCounts(counts) {
      document.getElementById("check-in-arrived").textContent = String(counts.checked_in);
      document.getElementById("check-in-expected").textContent = String(counts.expected);
      fillTable("check-in-by-kind", counts.by_kind, function (row) { return row.label; });
      fillTable("check-in-by-province", counts.by_province, function (row) { return row.name; });
    }

    function showResult(outcome, text, detail) {
      panel.className = "check-in-result outcome-" + outcome;
      panel.setAttribute("data-outcome", outcome);
      message.textContent = text;
      who.textContent = detail || "";
      panel.hidden = false;
    }

    function submit(code) {
      if (busy) { return; }
      busy = true;
      var body = new FormData(form);
      body.set("code", code);
      fetch(form.action || window.location.href, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json();
      }).then(function (data) {
        var detail = data.organization || "";
        showResult(data.outcome, data.message, detail);
        if (data.counts) { showCounts(data.counts); }
        input.value = "";
      }).catch(function () {
        showResult("refused", texts.network, "");
      }).finally(function () {
        busy = false;
        input.focus();
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit(input.value);
    });

    // Live counts: every few seconds, paused while the page is hidden.
    var refresh = parseInt(desk.getAttribute("data-refresh-ms"), 10) || 5000;
    var countsUrl = desk.getAttribute("data-counts-url");
    window.setInterval(function () {
      if (document.hidden) { return; }
      fetch(countsUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (counts) { if (counts) { showCounts(counts); } })
        .catch(function () { /* The next round tries again. */ });
    }, refresh);

    // The camera: only where the browser offers it (HTTPS or localhost) and jsQR has loaded.
    var scan = document.getElementById("check-in-scan");
    var stop = document.getElementById("check-in-scan-stop");
    var note = document.getElementById("check-in-camera-note");
    var video = document.getElementById("check-in-video");
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    var stream = null;
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) || typeof window.jsQR !== "function") {
      return;
    }
    scan.hidden = false;

    function stopCamera() {
      if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
      stream = null;
      video.srcObject = null;
      video.hidden = true;
      note.hidden = true;
      stop.hidden = true;
      scan.hidden = false;
    }

    function look() {
      if (!stream) { return; }
      if (video.readyState === video.HAVE_ENOUGH_DATA) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var found = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        if (found && found.data) {
          stopCamera();
          input.value = found.data;
          submit(found.data);
          return;
        }
      }
      window.requestAnimationFrame(look);
    }

    scan.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
        .then(function (media) {
          stream = media;
          video.srcObject = media;  // A MediaStream, not a URL: the page's policy needs no media-src.
          video.hidden = false;
          note.textContent = texts["camera-looking"];
          note.hidden = false;
          scan.hidden = true;
          stop.hidden = false;
          return video.play();
        })
        .then(function () { window.requestAnimationFrame(look); })
        .catch(function () {
          stopCamera();
          note.textContent = texts["camera-denied"];
          note.hidden = false;
        });
    });
    stop.addEventListener("click", stopCamera);
  });
})();
