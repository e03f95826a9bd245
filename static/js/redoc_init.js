// Starts Redoc on /api/v1/redoc/ from a file, as the site's policy allows no inline script.
// Redoc's bundle inserts <style> elements while it runs; it marks them with the nonce this
// script element carries, which the page's Content-Security-Policy allows for styles.
"use strict";

(function () {
  const script = document.currentScript;
  Redoc.init(script.dataset.specUrl, { nonce: script.nonce }, document.getElementById("redoc-container"));
})();
