/* The plenary screen: the phase's countdown, the tables' ideas in rotation, newborn projects.
   Without JavaScript the screen still reads: "jusqu'à 21 h 40", every table listed. */
(function () {
  "use strict";

  var ROTATE_MS = 8000;
  var page = 0;
  var seenProjects = null;

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function tick() {
    var clocks = document.querySelectorAll("[data-countdown-to]");
    for (var i = 0; i < clocks.length; i++) {
      var clock = clocks[i];
      var left = Math.round((Date.parse(clock.dataset.countdownTo) - Date.now()) / 1000);
      if (isNaN(left)) continue;
      clock.hidden = false;
      if (left <= 0) {
        clock.textContent = clock.dataset.over;
        clock.classList.add("is-over");
      } else {
        var hours = Math.floor(left / 3600);
        var minutes = Math.floor((left % 3600) / 60);
        var text = pad(minutes) + ":" + pad(left % 60);
        clock.textContent = hours ? hours + ":" + text : text;
        clock.classList.remove("is-over");
      }
    }
  }

  function showPage() {
    var rotation = document.querySelector(".plenary-rotation");
    if (!rotation) return;
    var pages = rotation.querySelectorAll(".plenary-page");
    var dots = document.querySelectorAll(".plenary-rotation__dots span");
    rotation.classList.add("is-rotating");
    if (page >= pages.length) page = 0;
    for (var i = 0; i < pages.length; i++) {
      pages[i].classList.toggle("is-current", i === page);
      if (dots[i]) dots[i].classList.toggle("is-current", i === page);
    }
  }

  function rotate() {
    page += 1;
    showPage();
    var current = document.querySelector(".plenary-page.is-current");
    if (current) current.classList.add("is-entering");
  }

  function markNewProjects() {
    if (!document.querySelector(".plenary-projects")) return; // a spotlight is on screen
    var items = document.querySelectorAll("[data-project-id]");
    var now = {};
    for (var i = 0; i < items.length; i++) {
      var id = items[i].dataset.projectId;
      now[id] = true;
      if (seenProjects && !seenProjects[id]) items[i].classList.add("is-new");
    }
    seenProjects = now;
  }

  function refresh() {
    tick();
    showPage();
    markNewProjects();
  }

  document.addEventListener("DOMContentLoaded", function () {
    refresh();
    window.setInterval(tick, 1000);
    window.setInterval(rotate, ROTATE_MS);
  });
  // A poll swapped the live part in: keep the page of tables on screen, mark what is new.
  document.addEventListener("htmx:afterSettle", refresh);
})();
