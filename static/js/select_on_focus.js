// A secret shown once (templates/conferences/api_tokens.html): focusing its box selects it all,
// ready to copy. A file rather than an onfocus attribute, which the Content-Security-Policy forbids.
(function () {
  "use strict";
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("input[data-select-on-focus]")) { event.target.select(); }
  });
})();
