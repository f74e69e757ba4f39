// The live agenda of a session page. Every few seconds, while the tab is visible and no
// agenda point is open for editing, the agenda list asks the server whether the agenda
// changed since the version it shows (If-None-Match): 304 leaves the page alone, 200
// brings the new list. Loaded as a file: the Content-Security-Policy allows no inline
// script and no eval, so this replaces an htmx polling trigger with a filter. It also lets
// htmx show the message of a change refused because the point was removed (a 404).
(function () {
  "use strict";
  var EVERY_MS = 3000;

  function poller() {
    return document.querySelector("[data-live-agenda]");
  }

  function isEditing() {
    return document.querySelector("#agenda .agenda__edit") !== null;
  }

  function poll() {
    var element = poller();
    if (!element || document.hidden || isEditing() || !window.htmx) return;
    window.htmx.trigger(element, "live-agenda-poll");
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var element = event.detail.elt;
    if (element && element.hasAttribute && element.hasAttribute("data-live-agenda")) {
      var etag = element.getAttribute("data-live-etag");
      if (etag) event.detail.headers["If-None-Match"] = etag;
    }
  });

  // A change that reached a point someone removed answers 404 with the agenda and a
  // message; htmx swaps no 4xx by itself, so it would be lost without this.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 404 && xhr.getResponseHeader("X-Agenda-Refused")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var element = event.detail.elt;
    if (!element || !element.hasAttribute || !element.hasAttribute("data-live-agenda")) return;
    var xhr = event.detail.xhr;
    if (xhr.status === 304) {
      event.detail.shouldSwap = false; // unchanged: keep the page (and the focus) as it is
      return;
    }
    if (xhr.status >= 400) {
      event.detail.shouldSwap = false; // signed out or gone: the next action says why
      return;
    }
    if (isEditing()) {
      event.detail.shouldSwap = false; // someone opened a point meanwhile: never replace it
      return;
    }
    var etag = xhr.getResponseHeader("ETag");
    if (etag) element.setAttribute("data-live-etag", etag);
  });

  window.setInterval(poll, EVERY_MS);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) poll(); // back on the tab: catch up at once
  });
})();
