// Small behaviours of every page, loaded from our own static files (no inline script).
(function () {
  "use strict";

  // Rupiah amounts: the whole amount is selected on focus (typing replaces it, never
  // appends to it) and dot thousands are written as the digits are typed: 20.000.000.
  function formatRupiah(input) {
    var value = input.value;
    var comma = value.indexOf(",");
    var head = comma >= 0 ? value.slice(0, comma) : value;
    var tail = comma >= 0 ? value.slice(comma) : ""; // ",00" or ",-": left for the server
    var negative = /^\s*[-\u2212]/.test(head);
    var digits = head.replace(/[^0-9]/g, "").replace(/^0+(?=\d)/, "");
    var caretFromEnd = value.length - (input.selectionEnd || value.length);
    var grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    var formatted = (negative ? "-" : "") + grouped + tail;
    if (formatted === value) {
      return;
    }
    input.value = formatted;
    var caret = Math.max(formatted.length - caretFromEnd, 0);
    input.setSelectionRange(caret, caret);
  }

  function rupiahInputs() {
    document.querySelectorAll("input[data-rupiah]").forEach(function (input) {
      input.addEventListener("focus", function () {
        input.select();
      });
      input.addEventListener("input", function () {
        formatRupiah(input);
      });
    });
  }

  // A hand-written table shown as cards on phones (.cards-md): each cell is named by its
  // column's header, as lean_tbody names the cells of the lists' tables.
  function cardLabels() {
    document.querySelectorAll(".cards-md > table").forEach(function (table) {
      var headers = table.querySelectorAll("thead > tr:last-child > th");
      if (!headers.length) {
        return;
      }
      table.querySelectorAll("tbody > tr").forEach(function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          var header = headers[column];
          if (header && !cell.hasAttribute("data-label") && cell.colSpan === 1) {
            cell.setAttribute("data-label", header.textContent.trim());
          }
          column += cell.colSpan;
        });
      });
    });
  }

  function ready() {
    rupiahInputs();
    cardLabels();
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
