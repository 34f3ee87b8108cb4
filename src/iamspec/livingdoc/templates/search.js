/* iamspec living documentation: filters the search page's list as the reader types.
   Progressive enhancement: without scripting the page lists every entry and the browser's
   own find searches it. The entries and their search words are in the page, escaped by the
   templates; this script only hides and shows list items, and writes the count with
   textContent. It builds no markup and loads nothing. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var box = document.getElementById("q");
  var list = document.getElementById("search-results");
  var count = document.getElementById("search-count");
  var kinds = document.getElementById("search-kinds");
  if (!form || !box || !list || !count) {
    return;
  }
  var items = Array.prototype.slice.call(list.children);
  var checks = kinds ? Array.prototype.slice.call(kinds.querySelectorAll("input[type=checkbox]")) : [];

  function apply() {
    var words = box.value.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
    var wanted = {};
    checks.forEach(function (check) { wanted[check.value] = check.checked; });
    var visible = 0;
    items.forEach(function (item) {
      var terms = item.getAttribute("data-terms") || "";
      var kind = item.getAttribute("data-kind") || "";
      var match = (checks.length === 0 || wanted[kind] === true) &&
        words.every(function (w) { return terms.indexOf(w) !== -1; });
      item.hidden = !match;
      if (match) {
        visible += 1;
      }
    });
    count.textContent = visible === items.length ?
      items.length + " entries" :
      visible + " of " + items.length + " entries match";
  }

  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked) {
    box.value = asked;
  }
  if (kinds) {
    kinds.hidden = false;
  }
  box.addEventListener("input", apply);
  checks.forEach(function (check) { check.addEventListener("change", apply); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    apply();
  });
  apply();
}());
