/* The facilitator's console: each idea's "Regrouper, classer…" link opens the shared picker in a
   <dialog> instead of a page (the page stays the path without JavaScript). An action posted from
   the picker updates the console behind it (htmx) and closes the dialog. */
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

  document.addEventListener("htmx:afterRequest", function (event) {
    var dialog = picker();
    var posted = event.detail.requestConfig && event.detail.requestConfig.verb === "post";
    if (dialog && dialog.open && posted && dialog.contains(event.detail.elt)) dialog.close();
  });
})();
