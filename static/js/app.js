// Small behaviours of every page, loaded from our own static files (no inline script).
(function () {
  "use strict";

  function ready() {
    // The app's own messages replace the browser's validation bubbles, which speak the
    // browser's language, not the page's.
    document.querySelectorAll("form").forEach(function (form) {
      form.noValidate = true;
    });
    // After a failed save: the error summary is the first thing seen and read.
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.scrollIntoView({ block: "start" });
      summary.focus({ preventScroll: true });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
