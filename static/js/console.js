/* The facilitator's console: each idea's "Regrouper, classer…" link opens the shared picker in a
   <dialog> instead of a page (the page stays the path without JavaScript). An action posted from
   the picker updates the console behind it (htmx) and closes the dialog. A poll sends only the
   ideas that changed (appended or replaced in place): they are put back in the list's order,
   best voted first, then in their order of arrival (events/queries_live.py). */
(function () {
  "use strict";

  function picker() {
    return document.getElementById("console-picker");
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-picker]");
    var dialog = picker();
    if (!link || !dialog || !window.htmx || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    var body = document.getElementById("console-picker-body");
    body.textContent = "";
    window.htmx
      .ajax("GET", link.href, { target: body, swap: "innerHTML" })
      .then(function () {
        // Nothing came (the idea was hidden meanwhile, the network failed): open the page.
        if (!body.firstElementChild) {
          window.location.href = link.href;
        } else if (!dialog.open) {
          dialog.showModal();
        }
      });
  });

  function byVotesThenArrival(a, b) {
    return b.dataset.v - a.dataset.v || a.dataset.n - b.dataset.n;
  }

  function sortIdeas() {
    var list = document.getElementById("idees-liste");
    if (!list) return;
    var items = Array.prototype.slice.call(list.children);
    var sorted = items.slice().sort(byVotesThenArrival);
    var moved = sorted.some(function (item, index) {
      return item !== items[index];
    });
    if (moved) {
      sorted.forEach(function (item) {
        list.appendChild(item);
      });
    }
  }

  document.addEventListener("htmx:afterSettle", sortIdeas);

  document.addEventListener("htmx:afterRequest", function (event) {
    var dialog = picker();
    var posted = event.detail.requestConfig && event.detail.requestConfig.verb === "post";
    if (dialog && dialog.open && posted && dialog.contains(event.detail.elt)) dialog.close();
  });
})();
