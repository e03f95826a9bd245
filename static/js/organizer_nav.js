// The organizer pages' navigation (templates/conferences/organizer/_nav.html): on a narrow screen the
// list folds behind a button so the page's own content comes first; wider screens always show it.
(function () {
  "use strict";

  var nav = document.getElementById("organizer-nav");
  if (!nav) { return; }
  var button = nav.querySelector(".organizer-nav-toggle");
  var narrow = window.matchMedia("(max-width: 47.99rem)");

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("collapsed", !open);
  }

  function fit() {
    button.hidden = !narrow.matches;
    setOpen(!narrow.matches);
  }

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
  fit();
})();
