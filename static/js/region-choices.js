/* Region choices that depend on another: a <select data-parent-field="id_district"> offers
 * only the options whose data-parent is the value chosen in #id_district, and none until one
 * is chosen; a choice that no longer fits is cleared. Loaded as a static file (the Content
 * Security Policy allows no inline script); without it every option stays, and the server
 * refuses a village outside the chosen district all the same. */
(function () {
  "use strict";

  function narrow(select, parent) {
    var chosen = parent.value;
    var cleared = false;
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) {
        return; // the empty "---------" choice
      }
      var fits = chosen !== "" && option.getAttribute("data-parent") === chosen;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) {
        option.selected = false;
        cleared = true;
      }
    });
    if (cleared) {
      select.value = "";
    }
    select.dispatchEvent(new Event("change")); // its own dependants follow
  }

  document.querySelectorAll("select[data-parent-field]").forEach(function (select) {
    var parent = document.getElementById(select.getAttribute("data-parent-field"));
    if (!parent) {
      return;
    }
    parent.addEventListener("change", function () {
      narrow(select, parent);
    });
    narrow(select, parent);
  });
})();
