/* Progressive enhancement for every page (CSP: a file, no inline script).
   1. The navigation is a disclosure menu on narrow screens: closed there, open beside the
      page on wider ones (without JavaScript it is simply open).
   2. A table wider than the page scrolls inside its own focusable, labelled box. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var wide = window.matchMedia("(min-width: 50em)");

  function placeMenu() {
    var menu = document.querySelector("details.nav-menu");
    if (menu) { menu.open = wide.matches; }
  }

  function wrapTables() {
    var tables = document.querySelectorAll("main table");
    for (var i = 0; i < tables.length; i++) {
      var table = tables[i];
      if (table.parentElement.classList.contains("table-scroll")) { continue; }
      var box = document.createElement("div");
      box.className = "table-scroll";
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var caption = table.querySelector("caption");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    placeMenu();
    wrapTables();
    if (wide.addEventListener) { wide.addEventListener("change", placeMenu); }
  });
})();
