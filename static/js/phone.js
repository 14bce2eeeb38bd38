/* The phone at the table (events/templates/events/table_participant.html).

   - A post that did not reach the server (no network, a server error) shows the
     "Pas envoyé — réessayer" notice; the form keeps what was typed and its client key, so a
     retry of the same form is harmless (the server finds the row a first send made).
   - After a dot, the board comes back re-rendered: the focus goes back to the same idea.
   - The phase bar is pinned at the top (static/css/phone.css): the page keeps room for it.
   The idea field gets the focus back after a post through ``autofocus`` on the fresh form. */
(function () {
  "use strict";

  var failed = null; // {form, submitter} of the post that did not go through
  var keptIdea = null; // the id of the idea that had the focus when the board was swapped

  function notice() {
    return document.getElementById("send-failed");
  }

  function isPost(detail) {
    return detail && detail.requestConfig && detail.requestConfig.verb === "post";
  }

  function onFailure(event) {
    var detail = event.detail;
    if (!isPost(detail)) {
      return; // a board poll: the next one will do
    }
    var notices = document.getElementById("notices");
    if (notices) {
      notices.replaceChildren(); // an earlier "Merci !" would contradict the failure
    }
    var elt = detail.elt;
    var form = elt.tagName === "FORM" ? elt : elt.form || elt.closest("form");
    var trigger = detail.requestConfig.triggeringEvent;
    failed = { form: form, submitter: (trigger && trigger.submitter) || null };
    var box = notice();
    if (box) {
      box.hidden = false;
      var retry = box.querySelector("[data-retry]");
      if (retry) {
        retry.focus();
      }
    }
  }

  function retry() {
    var box = notice();
    if (box) {
      box.hidden = true;
    }
    var last = failed;
    failed = null;
    // The same form only: a form rendered since carries a new client key, and the first send
    // may have gone through after all (the board would show it).
    if (!last || !last.form || !last.form.isConnected) {
      return;
    }
    if (last.submitter && last.submitter.isConnected) {
      last.form.requestSubmit(last.submitter);
    } else {
      last.form.requestSubmit();
    }
  }

  document.addEventListener("htmx:sendError", onFailure);
  document.addEventListener("htmx:responseError", onFailure);
  document.addEventListener("htmx:timeout", onFailure);

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && isPost(event.detail)) {
      var box = notice();
      if (box) {
        box.hidden = true;
      }
      failed = null;
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-retry]")) {
      event.preventDefault();
      retry();
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "board") {
      return;
    }
    var active = document.activeElement;
    var idea = active && active.closest ? active.closest(".idea") : null;
    keptIdea = idea && target.contains(idea) ? idea.id : null;
  });

  function keepRoomForThePhaseBar() {
    var bar = document.querySelector(".kiosk--live .board .phase");
    var main = document.querySelector("main");
    if (bar && main && getComputedStyle(bar).position === "fixed") {
      main.style.paddingTop = bar.offsetHeight + 12 + "px";
    }
  }

  document.addEventListener("DOMContentLoaded", keepRoomForThePhaseBar);
  window.addEventListener("resize", keepRoomForThePhaseBar);
  document.addEventListener("htmx:load", keepRoomForThePhaseBar);

  document.addEventListener("htmx:load", function (event) {
    if (!keptIdea || event.detail.elt.id !== "board") {
      return;
    }
    var idea = document.getElementById(keptIdea);
    keptIdea = null;
    if (!idea) {
      return;
    }
    var button = idea.querySelector(".button--dot");
    if (button && button.offsetParent !== null) {
      button.focus();
    } else {
      idea.focus();
    }
  });
})();
