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

/* 3. The organization chooser (accounts/chooser.py): while a name is typed, its datalist is
      filled with the matching names from /organizations/search/. Without JavaScript the
      box still takes a name or its first letters. */
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-org-search");
    var timer = null;
    var asked = "";
    if (!list || !url || !window.fetch) { return; }
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var typed = input.value.trim();
        if (typed === asked || typed.length < 1) { return; }
        asked = typed;
        window.fetch(url + "?q=" + encodeURIComponent(typed), {
          credentials: "same-origin", headers: { "Accept": "application/json" }
        }).then(function (response) {
          return response.ok ? response.json() : { names: [] };
        }).then(function (body) {
          if (asked !== typed) { return; }
          while (list.firstChild) { list.removeChild(list.firstChild); }
          (body.names || []).forEach(function (name) {
            var option = document.createElement("option");
            option.value = name;
            list.appendChild(option);
          });
        }).catch(function () { /* suggestions are a convenience: typing still works */ });
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var inputs = document.querySelectorAll("input[data-org-search]");
    for (var i = 0; i < inputs.length; i++) { attach(inputs[i]); }
  });
})();
