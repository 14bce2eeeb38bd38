/* A visible notice when an htmx request fails, on every page built on base.html (the phone has
 * its own, phone.js). htmx swaps nothing for an error answer (400, 403, 404, 409, 429, 5xx):
 * without this, a refused action or a console whose session ended would just sit there.
 *
 * The message is the answer's own: the error page's heading and first paragraph (403.html,
 * 404.html…), or an error a fragment carries, or a short plain-text answer; else the notice's
 * data-failed text. A request that never got an answer says data-network ("Pas de réseau :
 * réessayez"). Texts come from the template, translated; they are set as text, never as HTML.
 */
(function () {
  "use strict";

  var MAX_LENGTH = 300;
  // What the notice is shown for: a poll's failure goes away with the poll's next success,
  // an action's with the next action that succeeds (or the "Fermer" button).
  var shownForPoll = false;

  function notice() {
    return document.getElementById("htmx-notice");
  }

  function isPoll(detail) {
    var config = detail && detail.requestConfig;
    return !config || (config.verb || "get").toLowerCase() === "get";
  }

  function show(text, detail) {
    var box = notice();
    if (!box) {
      return;
    }
    shownForPoll = isPoll(detail);
    box.hidden = false;
    box.querySelector("[data-text]").textContent = text;
  }

  function squeeze(text) {
    text = (text || "").replace(/\s+/g, " ").trim();
    return text.length > MAX_LENGTH ? text.slice(0, MAX_LENGTH - 1) + "…" : text;
  }

  function messageOf(xhr) {
    var body = xhr.responseText || "";
    var type = xhr.getResponseHeader("Content-Type") || "";
    if (type.indexOf("text/html") === -1) {
      return type.indexOf("text/plain") === 0 ? squeeze(body) : "";
    }
    var page = new DOMParser().parseFromString(body, "text/html");
    var root = page.querySelector("main") || page.body;
    if (!root) {
      return "";
    }
    // An error page is built on base.html too: its own (empty) notice is not the message.
    var notices = root.querySelectorAll("#htmx-notice");
    for (var index = 0; index < notices.length; index += 1) {
      notices[index].remove();
    }
    var error = root.querySelector(".message--error, .errorlist, [role=alert]");
    if (error && squeeze(error.textContent)) {
      return squeeze(error.textContent);
    }
    var heading = root.querySelector("h1");
    var paragraph = root.querySelector("h1 ~ p, p");
    var parts = [heading, paragraph]
      .map(function (element) {
        return element ? squeeze(element.textContent) : "";
      })
      .filter(Boolean);
    return squeeze(parts.join(" — "));
  }

  document.addEventListener("htmx:responseError", function (event) {
    var box = notice();
    if (!box) {
      return;
    }
    show(messageOf(event.detail.xhr) || box.dataset.failed, event.detail);
  });

  document.addEventListener("htmx:sendError", function (event) {
    var box = notice();
    if (box) {
      show(box.dataset.network, event.detail);
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var box = notice();
    if (!box || box.hidden || !event.detail.successful) {
      return;
    }
    if (shownForPoll || !isPoll(event.detail)) {
      box.hidden = true;
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-dismiss-notice]")) {
      var box = notice();
      if (box) {
        box.hidden = true;
      }
    }
  });
})();
