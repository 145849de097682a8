// Tables on a narrow screen stack each row as a card (style.css); here every cell gets its column's heading as
// data-label, which the card shows before the value. Without JavaScript the rows still stack, without labels.
(function () {
  "use strict";
  function label(table) {
    var heads = table.tHead ? table.tHead.rows[table.tHead.rows.length - 1].cells : [];
    if (!heads.length) return;
    var names = [];
    for (var i = 0; i < heads.length; i++) {
      var span = heads[i].colSpan || 1;
      for (var s = 0; s < span; s++) names.push(heads[i].textContent.trim());
    }
    for (var b = 0; b < table.tBodies.length; b++) {
      var rows = table.tBodies[b].rows;
      for (var r = 0; r < rows.length; r++) {
        var col = 0;
        for (var c = 0; c < rows[r].cells.length; c++) {
          var cell = rows[r].cells[c];
          if (names[col] && !cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1) {
            cell.setAttribute("data-label", names[col]);
          }
          col += cell.colSpan || 1;
        }
      }
    }
  }
  function all() {
    var tables = document.querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) label(tables[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
})();
